"""The labelling view in a real browser: the keys label and move (Streamlit's button shortcuts)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Generated texts, no real ones: the view's file of texts, the path a dataset without text takes.
TEXTS = [f"flight {i} was {'delayed' if i % 3 == 0 else 'on time' if i % 3 == 1 else 'at gate 4'}" for i in range(30)]


def test_browser_keys_label_and_move(page: Page, app_url, tmp_path, artifacts):
    texts = tmp_path / "texts.csv"
    texts.write_text("text\n" + "\n".join(TEXTS) + "\n")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_url + "/?tab=Tone")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(texts))
    current = page.locator(".st-key-lab_current")
    expect(current).to_contain_text("Text 1 of 30", timeout=60_000)
    first = current.inner_text()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("n")
    expect(page.get_by_text(re.compile(r"1 labelled"))).to_be_visible(timeout=30_000)
    expect(current).to_contain_text("Text 2 of 30")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("k")
    expect(current).to_contain_text("Your label: negative.", timeout=30_000)
    shown = [t for t in TEXTS if t in first.splitlines()]
    assert len(shown) == 1 and shown[0] in current.inner_text().splitlines()  # the same text, now labelled
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("j")
    expect(current).to_contain_text("Text 2 of 30", timeout=30_000)
    page.screenshot(path=str(artifacts / "labelling-1280x720.png"))
