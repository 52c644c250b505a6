"""The Alerts & monitors page in a real Chromium, on a server whose store (a temp
BOILINGPOINT_HOME) holds two alerts: the inbox shows them, Acknowledge and Snooze reach the
store and the page; a monitor typed in the editor is checked, saved and backtested."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.store.db import open_store
from dashboard.store.monitors import add_alert, list_alerts, monitor_source, utc_now
from tests.conftest import start_app, stop_app
from tests.monitor.conftest import DEMO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def alerts_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("alerts-home")
    store = open_store(home)
    for key, stage in (("stage:boiling@2020-07-07T00:00", "boiling"), ("spike@2020-08-03T00:00", "crisis")):
        add_alert(store, "tiktok-watch", key, key.split("@")[0], stage, f"{stage.capitalize()}: attention 4.2× its baseline.",
                  dt.datetime(2020, 7, 7), dt.datetime(2020, 7, 9), "http://127.0.0.1/?actor=TikTok&tab=Why", [("log", "/dev/null")])
    return home


@pytest.fixture(scope="module")
def alerts_url(alerts_home):
    """A server of its own, started with BOILINGPOINT_HOME naming the seeded store."""
    before = os.environ.get("BOILINGPOINT_HOME")
    os.environ["BOILINGPOINT_HOME"] = str(alerts_home)
    try:
        url, proc = start_app()
    finally:
        if before is None:
            del os.environ["BOILINGPOINT_HOME"]
        else:
            os.environ["BOILINGPOINT_HOME"] = before
    yield url
    stop_app(proc)


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"alerts-{name}.png"), full_page=True)


def test_browser_alerts_inbox_acknowledge_snooze_then_a_monitor_and_its_backtest(page: Page, alerts_url, alerts_home, artifacts):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{alerts_url}/?page=alerts")
    expect(page.get_by_role("heading", name="Alerts & monitors")).to_be_visible(timeout=60_000)
    store = open_store(alerts_home)
    first, second = sorted(list_alerts(store), key=lambda a: a.id)
    expect(page.get_by_text("2 of 2 alerts, the latest episodes first.")).to_be_visible()
    expect(page.locator(f".st-key-alert_{first.id}")).to_contain_text("Boiling: attention 4.2× its baseline.")
    expect(page.locator(f".st-key-alert_{second.id}")).to_contain_text("crisis")
    _shot(page, artifacts, "inbox")

    page.locator(f".st-key-ack_{first.id} button").click()
    expect(page.get_by_text("1 of 2 alerts, the latest episodes first.")).to_be_visible(timeout=30_000)  # new + snoozed shown
    expect(page.locator(f".st-key-alert_{first.id}")).to_have_count(0)
    assert next(a for a in list_alerts(store) if a.id == first.id).status() == "acknowledged"

    page.locator(f".st-key-snooze_for_{second.id}").click()
    page.get_by_role("option", name="1 week").click()
    page.locator(f".st-key-snooze_{second.id} button").click()
    expect(page.locator(f".st-key-alert_{second.id}")).to_contain_text("snoozed", timeout=30_000)
    kept = next(a for a in list_alerts(store) if a.id == second.id)
    assert kept.status() == "snoozed" and kept.snoozed_until > utc_now() + dt.timedelta(days=6)
    _shot(page, artifacts, "inbox-after")

    page.get_by_role("tab", name="Monitors").click()
    yaml = f"name: browser-watch\nmentions: {DEMO / 'mentions.csv'}\nactors: [TikTok]\nmin_stage: boiling\n"
    box = page.locator(".st-key-monitor_yaml textarea")
    box.fill(yaml)
    box.press("Control+Enter")  # a text area's value reaches the script on Ctrl+Enter or blur
    expect(page.get_by_text(re.compile(r"browser-watch: alerts on stage:boiling"))).to_be_visible(timeout=30_000)
    page.locator(".st-key-monitor_save button").click()
    expect(page.get_by_text(re.compile(r"Saved browser-watch"))).to_be_visible(timeout=30_000)
    assert monitor_source(store, "browser-watch") == yaml

    page.locator(".st-key-monitor_backtest button").click()
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Precision")).to_be_visible(timeout=120_000)
    expect(metrics.filter(has_text="Alerts")).to_contain_text(re.compile(r"\d"))
    expect(page.get_by_text(re.compile(r"\d+ day buckets, 2020-\d\d-\d\d to 2020-\d\d-\d\d"))).to_be_visible()
    _shot(page, artifacts, "backtest")
    assert not errors
