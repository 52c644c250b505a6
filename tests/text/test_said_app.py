"""The "What is being said" panel in the app (AppTest): on a text file, on the demo, and
with hostile text. Texts are simulated for the test."""

from __future__ import annotations

import re
import sys

import pytest

IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def text_mentions(tmp_path):
    rows = ["date,actor,text,source"]
    for d in range(1, 28):
        for k in range(3):
            rows.append(f"2020-06-{d:02d},Acme,Acme routine note {d} {k},src{(d + k) % 5}")
    rows += [f"2020-06-28,Acme,Acme recalls blue widgets,wire{i}" for i in range(12)]
    rows += [f"2020-06-28,Acme,\"Regulators probe widget fires {IMG}\",daily",
             "2020-06-28,Acme,Regulators probe widget fires in two states,gazette"]
    path = tmp_path / "mentions.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_said_panel_shows_what_the_file_says(make_app, text_mentions, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "argv", ["app.py", "--mentions", str(text_mentions)])
    at = make_app().run()
    assert not at.exception and not at.error
    assert any(h.value == "What is being said" for h in at.subheader)
    options = at.radio(key="said-range").options
    assert options[0].startswith("The moment explained") and options[-1].startswith("The whole window")
    page = _plain(" ".join(m.value for m in at.markdown))
    assert "“Acme recalls blue widgets” — *wire0* · 12 copies from 12 sources" in page
    # hostile text arrives escaped, as text
    raw = " ".join(m.value for m in at.markdown)
    assert "<img" not in raw.replace("\\<", "")
    at.radio(key="said-range").set_value(options[-1]).run()
    assert not at.exception
    caption = " ".join(c.value for c in at.caption)
    assert "text mentions" in _plain(caption)


def test_said_panel_on_the_demo_is_honest(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "argv", ["app.py"])
    at = make_app().run()
    assert not at.exception
    assert not any(h.value == "What is being said" for h in at.subheader)
    assert any("these mentions have no text" in c.value for c in at.caption)
    assert not any(m.value.startswith("“") for m in at.markdown)  # nothing quoted, nothing invented
