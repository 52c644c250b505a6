"""Two browser sessions, two uploads: each sees only its own data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DRAWN = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'


def _events(actor: str) -> bytes:
    rows = "".join(f"2024-05-{d:02d},{actor},Rival,statement,-{d % 5},{actor} statement {d}\n" for d in range(1, 21))
    return ("date,actor,target,event_type,severity,headline\n" + rows).encode()


def _upload(page, url: str, name: str, content: bytes) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.locator(DRAWN).first.wait_for(timeout=60_000)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=re.compile("Upload your own")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )


def test_sessions_see_only_their_own_upload(browser, app_url, artifacts):
    one = browser.new_context()
    two = browser.new_context()
    try:
        a, b = one.new_page(), two.new_page()
        _upload(a, app_url, "alpha.csv", _events("Alpha Corp"))
        _upload(b, app_url, "beta.csv", _events("Beta Ltd"))
        for page, mine, theirs in ((a, "Alpha Corp", "Beta Ltd"), (b, "Beta Ltd", "Alpha Corp")):
            expect(page.get_by_text(re.compile(r"alpha\.csv|beta\.csv")).first).to_be_visible(timeout=60_000)
            page.locator('[data-testid="stMultiSelect"]').first.click()
            expect(page.get_by_role("option", name=re.compile(mine))).to_be_visible(timeout=30_000)
            expect(page.get_by_role("option", name=re.compile(theirs))).to_have_count(0)
            page.keyboard.press("Escape")
        a.screenshot(path=str(artifacts / "session-alpha.png"), full_page=True)
        b.screenshot(path=str(artifacts / "session-beta.png"), full_page=True)
    finally:
        one.close()
        two.close()


def test_upload_of_an_unknown_table_is_read_through_the_column_mapping(page, app_url, artifacts):
    content = (
        "tweet_created,airline,text\n"
        + "".join(f"2015-02-{d:02d} 10:00:00,Virgin America,the flight was lovely {d}\n" for d in range(1, 15))
        + "".join(f"2015-02-{d:02d} 11:00:00,United,\"worst delay ever, awful service {d}\"\n" for d in range(1, 15))
    ).encode()
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(app_url)
    page.locator(DRAWN).first.wait_for(timeout=60_000)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=re.compile("Upload your own")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').nth(1).set_input_files(
        {"name": "tweets.csv", "mimeType": "text/csv", "buffer": content}
    )
    # not the canonical format: the app says so and opens the mapping step
    expect(page.get_by_text(re.compile("required column")).first).to_be_visible(timeout=60_000)
    for contract, source in (("date (required)", "tweet_created"), ("actor (required)", "airline"), ("text", "text")):
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text=contract).first
        for attempt in range(3):  # a rerun (the upload just kept) may redraw the menu while it opens
            box.click()
            try:
                page.get_by_role("option", name=source, exact=True).click(timeout=5_000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
                if attempt == 2:
                    raise
        page.wait_for_timeout(800)
    expect(page).to_have_url(re.compile(r"map=mentions"), timeout=30_000)
    expect(page.locator(DRAWN).nth(2)).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile("tone was scored from the text with VADER"))).to_have_count(1, timeout=30_000)
    page.screenshot(path=str(artifacts / "mapping.png"), full_page=True)


def test_a_link_to_an_upload_opens_the_same_dataset_in_a_new_browser(browser, app_url, artifacts):
    """Upload, copy the view's link, open it where nothing was uploaded: the same data."""
    one, two = browser.new_context(), browser.new_context()
    try:
        a = one.new_page()
        _upload(a, app_url, "gamma.csv", _events("Gamma Inc"))
        expect(a).to_have_url(re.compile(r"ds=upload(:|%3A)[0-9a-f]{16}"), timeout=60_000)
        expect(a.get_by_text(re.compile("Kept on this server"))).to_be_visible(timeout=30_000)
        link = a.locator('[data-testid="stCode"]').last.inner_text().strip()
        assert re.search(r"ds=upload:[0-9a-f]{16}", link), link
        a.screenshot(path=str(artifacts / "upload-kept.png"), full_page=True)
        b = two.new_page()  # another person: no upload, no session, only the link
        b.set_viewport_size({"width": 1280, "height": 900})
        b.goto(link)
        expect(b.locator(DRAWN).nth(1)).to_be_visible(timeout=60_000)
        expect(b.locator('[data-testid="stHeading"]').filter(has_text="gamma.csv").first).to_be_visible()
        option = b.get_by_role("option", name=re.compile("Gamma Inc"))
        for _ in range(6):  # a rerun still drawing the page may close the menu as it opens: open it again
            b.locator('[data-testid="stMultiSelect"]').first.click()
            try:
                expect(option).to_be_visible(timeout=5_000)
                break
            except AssertionError:
                b.keyboard.press("Escape")
        expect(option).to_be_visible(timeout=5_000)
        b.keyboard.press("Escape")
        expect(b.locator('[data-testid="stFileUploader"]')).to_have_count(0)  # reopened, not uploaded
        b.screenshot(path=str(artifacts / "upload-reopened.png"), full_page=True)
        c = two.new_page()
        c.goto(f"{app_url}/?ds=upload:0123456789abcdef")
        expect(c.get_by_text(re.compile("is not kept on this server")).first).to_be_visible(timeout=60_000)
        expect(c.get_by_text("TikTok ban scare, 2020").first).to_be_visible()
    finally:
        one.close()
        two.close()
