"""The real app in a real Chromium: what a person sees and clicks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'


def _wait_for_charts(page: Page, count: int = 1) -> None:
    expect(page.locator(CHART).first).to_be_visible(timeout=45_000)
    expect(page.locator(f"{CHART} svg.marks, {CHART} canvas").nth(count - 1)).to_be_visible(timeout=45_000)
    page.wait_for_load_state("networkidle")


def _attention_svg(page: Page) -> str:
    # The attention panel is the first chart; its marks are the bars.
    return page.locator(f"{CHART}").first.inner_html()


def test_browser_demo_draws_the_timeline(page: Page, app_url, artifacts):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url)
    _wait_for_charts(page, 3)
    expect(page.get_by_text("TikTok ban scare, 2020").first).to_be_visible()
    expect(page.get_by_text(re.compile("SIMULATED")).first).to_be_visible()
    assert page.locator(CHART).count() == 3
    page.screenshot(path=str(artifacts / "demo.png"), full_page=True)
    assert not errors


def test_browser_actor_filter_redraws_the_chart_and_lands_in_the_url(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url)
    _wait_for_charts(page, 3)
    before = _attention_svg(page)
    events_metric = page.locator('[data-testid="stMetric"]').nth(1)
    expect(events_metric).to_contain_text("45")
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("Amazon")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"actor=Amazon"), timeout=30_000)
    expect(events_metric).to_contain_text("2", timeout=30_000)
    _wait_for_charts(page, 3)
    page.wait_for_function(
        "([sel, before]) => document.querySelector(sel).innerHTML !== before",
        arg=[CHART, before],
        timeout=30_000,
    )
    assert _attention_svg(page) != before
    page.screenshot(path=str(artifacts / "amazon.png"), full_page=True)


def test_browser_link_restores_the_view(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app_url}/?ds=tiktok-2020&actor=Amazon&actor=Wells+Fargo&from=2020-07-01&to=2020-07-31")
    _wait_for_charts(page, 2)
    chips = page.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text("Amazon")
    dates = page.locator('[data-testid="stDateInput"] input[type="date"]')
    expect(dates.first).to_have_value("2020-07-01")
    expect(dates.nth(1)).to_have_value("2020-07-31")
    expect(page.locator('[data-testid="stMetric"]').nth(1)).to_contain_text("3")
    assert "actor=Amazon" in page.url and "from=2020-07-01" in page.url
    page.screenshot(path=str(artifacts / "link.png"), full_page=True)
