"""The real app in a real Chromium: what a person sees, clicks and downloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'
DRAWN = f"{CHART} svg.marks, {CHART} canvas"
# Meeting mode draws its moment chart once per layout and shows one: the charts on screen.
SHOWN = f"{CHART}:visible svg.marks, {CHART}:visible canvas"


def _open(page: Page, url: str, charts: int = 4) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.locator(DRAWN).nth(charts - 1)).to_be_visible(timeout=60_000)
    page.wait_for_load_state("networkidle")


def _metric(page: Page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label)


def test_browser_demo_draws_the_story(page: Page, app_url, artifacts):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _open(page, app_url, charts=6)
    expect(page.get_by_text("TikTok ban scare, 2020").first).to_be_visible()
    expect(page.get_by_text(re.compile("SIMULATED")).first).to_be_visible()
    expect(_metric(page, "Peak index")).to_contain_text("80")
    expect(page.get_by_text(re.compile(r"^Why it peaked on 06 Aug 2020: Crisis: attention")).first).to_be_visible()
    page.screenshot(path=str(artifacts / "demo.png"), full_page=True)
    assert not errors


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_browser_opens_on_the_episode_with_stage_index_and_chart_above_the_fold(page: Page, app_url, artifacts, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url)
    expect(page.locator(DRAWN).nth(2)).to_be_visible(timeout=60_000)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(re.compile(r"most significant episode, 27 Jun – 11 Sep 2020"))).to_be_visible()
    for locator in (page.get_by_text(re.compile(r"^Stage on 11 Sep 2020")), _metric(page, "Index now"),
                    page.locator(CHART).nth(1)):  # after the stage gauge: the escalation chart
        box = locator.first.bounding_box()
        assert box is not None and box["y"] + min(box["height"], 200) <= height, (locator, box)
    page.screenshot(path=str(artifacts / f"opening-{width}x{height}.png"))
    page.get_by_role("button", name=re.compile("Whole range")).click()
    expect(page).to_have_url(re.compile(r"from=2020-06-01&to=2020-11-20"), timeout=30_000)
    expect(page.get_by_text(re.compile(r"^Stage on 20 Nov 2020"))).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / f"whole-range-{width}x{height}.png"))


def test_browser_actor_filter_redraws_and_lands_in_the_url(page: Page, app_url, artifacts):
    _open(page, app_url, charts=6)
    peak = _metric(page, "Peak index")
    expect(peak).to_contain_text("80")
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("Amazon")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"actor=Amazon"), timeout=30_000)
    expect(peak).not_to_contain_text("80", timeout=30_000)
    expect(page.locator(DRAWN).nth(5)).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / "amazon.png"), full_page=True)


def test_browser_brushing_the_overview_zooms_the_timeline(page: Page, app_url, artifacts):
    _open(page, app_url, charts=6)
    overview = page.locator(CHART).nth(2)  # after the stage gauge and the escalation panel
    overview.scroll_into_view_if_needed()
    box = overview.bounding_box()
    y = box["y"] + box["height"] * 0.45  # inside the strip, below its title
    page.mouse.move(box["x"] + box["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=2020-0[78]-\d\d&to=2020-0[89]-\d\d"), timeout=30_000)
    expect(page.locator('[data-testid="stDateInput"] input[type="date"]').first).not_to_have_value("2020-06-01")
    page.screenshot(path=str(artifacts / "zoomed.png"), full_page=True)


def test_browser_link_restores_the_view(page: Page, app_url, artifacts):
    _open(page, f"{app_url}/?ds=tiktok-2020&actor=Amazon&actor=Wells+Fargo&from=2020-07-01&to=2020-07-31", charts=5)
    chips = page.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text("Amazon")
    dates = page.locator('[data-testid="stDateInput"] input[type="date"]')
    expect(dates.first).to_have_value("2020-07-01")
    expect(dates.nth(1)).to_have_value("2020-07-31")
    assert "actor=Amazon" in page.url and "from=2020-07-01" in page.url
    page.screenshot(path=str(artifacts / "link.png"), full_page=True)


def test_browser_meeting_mode_steps_by_keys_and_back_steps_back(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/?mode=present")
    expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)
    heading = page.get_by_text(re.compile(r"^\d+ / \d+ · "))
    expect(heading).to_contain_text("1 / 16 · 29 June 2020", timeout=60_000)
    expect(page.locator(SHOWN).nth(1)).to_be_visible(timeout=60_000)
    # The step buttons read once ("← Previous  PageUp"), not an arrow beside the same arrow.
    shown = [re.sub(r"\s+", " ", t).strip() for t in page.locator("button:visible").all_inner_texts()]
    assert any(t.startswith("← Previous") for t in shown) and any(t.startswith("Next →") for t in shown), shown
    assert not [t for t in shown if re.fullmatch(r"[←→ ]+", t)], shown
    # Every moment, as a presentation clicker steps through it (PageDown), fits the screen.
    for step in range(16):
        expect(heading).to_contain_text(f"{step + 1} / 16 · ", timeout=30_000)
        expect(page.locator(SHOWN).nth(1)).to_be_visible(timeout=30_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / f"meeting-{step + 1:02d}-1280x720.png"))
        # Nothing the moment shows runs past the bottom of the screen (Streamlit's own padding aside).
        bottom = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=\"stElementContainer\"]')]"
                               ".map(e => e.getBoundingClientRect().bottom))")
        assert bottom <= 720, f"moment {step + 1} runs to {bottom:.0f} px"
        if step < 15:
            page.keyboard.press("PageDown")
    expect(page).to_have_url(re.compile(r"step=15"))
    page.keyboard.press("Home")
    expect(heading).to_contain_text("1 / 16 · ", timeout=30_000)
    for key, want in (("ArrowRight", "2 / 16 · 30 June"), ("ArrowRight", "3 / 16 · 06 July 2020 · Mike Pompeo"),
                      ("ArrowLeft", "2 / 16 · "), ("End", "16 / 16 · "), ("PageUp", "15 / 16 · ")):
        page.keyboard.press(key)
        expect(heading).to_contain_text(want, timeout=30_000)
    page.go_back()  # one history entry per step: Back undoes the last step
    expect(heading).to_contain_text("16 / 16 · ", timeout=30_000)
    page.go_back()
    expect(heading).to_contain_text("2 / 16 · ", timeout=30_000)
    page.go_forward()
    expect(heading).to_contain_text("16 / 16 · ", timeout=30_000)


def test_browser_downloads_the_png_and_the_html_report(page: Page, app_url, artifacts, tmp_path):
    _open(page, f"{app_url}/?actor=Amazon", charts=5)
    page.get_by_role("tab", name="Export").click()
    with page.expect_download(timeout=60_000) as png_info:
        page.get_by_role("button", name=re.compile("Timeline PNG")).click()
    png = png_info.value
    png_path = tmp_path / png.suggested_filename
    png.save_as(png_path)
    assert png.suggested_filename.endswith(".png") and "amazon" in png.suggested_filename
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (artifacts / "download-timeline.png").write_bytes(png_path.read_bytes())
    with page.expect_download(timeout=60_000) as html_info:
        page.get_by_role("button", name=re.compile("HTML report")).click()
    html_path = tmp_path / html_info.value.suggested_filename
    html_info.value.save_as(html_path)
    html = html_path.read_text(encoding="utf-8")
    assert "SIMULATED" in html and "Amazon" in html and "reach ratio" in html.lower()
    assert "http://" not in html and "https://" not in html


def test_browser_a_note_pinned_is_there_after_a_reload_and_in_the_csv(page: Page, app_url, artifacts, tmp_path):
    _open(page, app_url, charts=6)
    page.get_by_text(re.compile(r"^Notes on this timeline")).click()
    note = "Ask: who saw the Amazon email? <b>not bold</b> =1+1"
    page.get_by_label("Note", exact=True).fill(note)
    page.get_by_label("Your name (optional)").fill("Ana")
    page.get_by_role("button", name=re.compile("Pin the note")).click()
    expect(page.get_by_text(re.compile("Note pinned"))).to_be_visible(timeout=30_000)
    page.reload()
    expect(page.locator(DRAWN).nth(5)).to_be_visible(timeout=60_000)
    page.get_by_text(re.compile(r"^Notes on this timeline \(1\)")).click()
    expect(page.get_by_text(note, exact=False)).to_be_visible(timeout=30_000)  # the markup is shown as text
    page.screenshot(path=str(artifacts / "notes.png"), full_page=True)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=re.compile("Notes as CSV")).click()
    path = tmp_path / "notes.csv"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Ask: who saw the Amazon email?" in text and "Ana" in text


def test_browser_export_slides_downloads_a_deck_of_the_story(page: Page, app_url, artifacts, tmp_path):
    import io

    from pptx import Presentation

    _open(page, app_url, charts=6)
    page.get_by_role("tab", name="Export").click()
    page.screenshot(path=str(artifacts / "export-1280.png"))
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("Slides \\(PowerPoint\\)")).click()
    assert info.value.suggested_filename.endswith(".pptx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    slides = list(Presentation(io.BytesIO(path.read_bytes())).slides)
    assert len(slides) == 17 and slides[0].shapes.title.text == "TikTok ban scare, 2020"
    assert any("Amazon's claim and its retraction" in s.shapes.title.text for s in slides)
    (artifacts / "story.pptx").write_bytes(path.read_bytes())


# --- legible on any data, light and dark --------------------------------------------------------

DARK_PAGE = "rgb(14, 17, 23)"  # charts/theme.py DARK_BACKGROUND, as the browser reports it


def _page_background(page: Page) -> str:
    return page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")


def _bottom(page: Page) -> float:
    return page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=\"stElementContainer\"]')]"
                         ".map(e => e.getBoundingClientRect().bottom))")


def test_browser_projector_toggle_darkens_the_page_and_lands_in_the_url(page: Page, app_url, artifacts):
    _open(page, app_url, charts=6)
    assert _page_background(page) != DARK_PAGE
    page.get_by_text("Projector (dark)").first.click()
    expect(page).to_have_url(re.compile(r"theme=dark"), timeout=30_000)
    expect(page.locator(DRAWN).nth(5)).to_be_visible(timeout=30_000)
    # The rerun's style sheet may land after the charts already drawn: wait for it, bounded.
    page.wait_for_function(f"() => getComputedStyle(document.querySelector('.stApp')).backgroundColor === '{DARK_PAGE}'",
                           timeout=30_000)
    assert _page_background(page) == DARK_PAGE
    page.screenshot(path=str(artifacts / "dark-1280.png"), full_page=True)
    page.reload()  # the link keeps it
    expect(page.locator(DRAWN).nth(5)).to_be_visible(timeout=60_000)
    assert _page_background(page) == DARK_PAGE


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_browser_meeting_mode_fills_1920_and_fits_1280(page: Page, app_url, artifacts, theme):
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_url}/?mode=present&step=2&theme={theme}")
        expect(page.get_by_text(re.compile(r"^3 / 16 · 06 July 2020"))).to_be_visible(timeout=60_000)
        expect(page.locator(SHOWN).nth(1)).to_be_visible(timeout=60_000)
        page.wait_for_timeout(500)
        chart = page.locator(f"{CHART}:visible").first.bounding_box()
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        assert chart is not None and main is not None
        if width == 1920:  # the chart takes the content's width, the text goes under it
            assert chart["width"] >= 0.9 * (main["width"] - 2 * 48), (chart, main)
        else:  # side by side, as before
            assert chart["width"] < 0.6 * main["width"], (chart, main)
        assert _bottom(page) <= height, f"{theme} {width}×{height}: runs to {_bottom(page):.0f} px"
        page.screenshot(path=str(artifacts / f"meeting-{theme}-{width}x{height}.png"))


@pytest.mark.external
@pytest.mark.parametrize("name", ["acled", "gdelt"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_browser_real_files_draw_legibly_in_both_themes(page: Page, real_file_urls, artifacts, name, theme):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{real_file_urls[name]}/?theme={theme}")
        expect(page.locator(DRAWN).nth(3)).to_be_visible(timeout=90_000)
        page.wait_for_load_state("networkidle")
        assert (_page_background(page) == DARK_PAGE) == (theme == "dark")
        page.screenshot(path=str(artifacts / f"{name}-{theme}-{width}x{height}.png"), full_page=True)
        page.goto(f"{real_file_urls[name]}/?mode=present&theme={theme}")
        expect(page.locator(SHOWN).nth(1)).to_be_visible(timeout=90_000)
        page.wait_for_timeout(500)
        assert _bottom(page) <= height
        page.screenshot(path=str(artifacts / f"{name}-meeting-{theme}-{width}x{height}.png"))
    assert not errors
