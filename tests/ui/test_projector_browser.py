"""The projector (dark) theme in Chromium: the sidebar's menus and the help icons are drawn
dark-on-dark no more (Streamlit draws them from its light theme unless told)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from dashboard.charts.theme import DARK_MUTED
from dashboard.ui.theme import PANEL

pytestmark = pytest.mark.browser


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_browser_projector_menus_and_help_icons_are_dark_themed(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/?theme=dark")
    page.wait_for_function("() => document.querySelector('.st-key-ds [role=\"group\"]') && "
                           "document.querySelector('.st-key-actor [role=\"group\"]')", timeout=60_000)
    page.wait_for_function(f"() => getComputedStyle(document.querySelector('.st-key-ds [role=\"group\"]')).backgroundColor "
                           f"=== '{_rgb(PANEL)}'", timeout=30_000)  # the style sheet may land after the widgets
    for key in ("ds", "actor"):  # the dataset menu and the actors' multiselect
        background = page.evaluate(f"() => getComputedStyle(document.querySelector('.st-key-{key} [role=\"group\"]')).backgroundColor")
        assert background == _rgb(PANEL), (key, background)
    strokes = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stSidebar\"] [data-testid=\"stTooltipIcon\"] svg')]"
                            ".map(e => getComputedStyle(e).stroke)")
    assert strokes and set(strokes) == {_rgb(DARK_MUTED)}, strokes
    chevrons = page.evaluate("() => ['ds', 'actor'].map(k => getComputedStyle(document.querySelector("
                             "'.st-key-' + k + ' [role=\"group\"] svg')).fill)")
    assert set(chevrons) == {_rgb(DARK_MUTED)}, chevrons  # the menus' arrows, light on the dark box
    page.screenshot(path=str(artifacts / "dark-sidebar-1280.png"))
