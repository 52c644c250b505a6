"""What was said, in the HTML report and the slides: present with text, absent without.
Texts are simulated for the test."""

from __future__ import annotations

import pytest

from dashboard.cli import main
from dashboard.contract import Selection
from dashboard.exports.deck import build_deck
from dashboard.exports.html_report import html_report
from dashboard.loading import load_bytes
from dashboard.model.analysis import analyse, key_moments
from dashboard.query.duckdb_engine import Engine
from dashboard.text.report import said_for_moments, said_lines

IMG = "<img src=x onerror=alert(1)>"


def _csv() -> str:
    rows = ["date,actor,text,source"]
    for d in range(1, 28):
        for k in range(3):
            rows.append(f"2020-06-{d:02d},Acme,Acme routine note {d} {k},src{(d + k) % 5}")
    rows += [f"2020-06-28,Acme,Acme recalls blue widgets,wire{i}" for i in range(30)]
    rows += [f"2020-06-28,Acme,\"Regulators probe widget fires {IMG}\",daily"]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def spike():
    engine = Engine(mentions=load_bytes(_csv().encode(), "mentions").table)
    analysis = analyse(engine, Selection())
    yield engine, analysis
    engine.close()


def test_said_for_moments_reads_each_key_moment(spike):
    engine, analysis = spike
    said = said_for_moments(engine, analysis)
    assert said and set(said) <= {d for d in key_moments(analysis)["date"]}
    last = said[max(said)]
    assert last.mentions[0].text == "Acme recalls blue widgets" and last.mentions[0].copies == 30
    lines = said_lines(last)
    assert lines[0] == "Said: “Acme recalls blue widgets” — wire0 (×30)"


def test_said_for_moments_without_text_is_empty():
    engine = Engine(mentions=load_bytes(b"date,actor,tone\n2020-07-01,A,0.1\n2020-07-02,A,-0.5\n", "mentions").table)
    try:
        assert said_for_moments(engine, analyse(engine, Selection())) == {}
    finally:
        engine.close()


def test_html_report_has_what_is_being_said_escaped(spike):
    engine, analysis = spike
    html = html_report(analysis, "t", "", None, None, said=said_for_moments(engine, analysis))
    assert "<h2>What is being said</h2>" in html
    assert "“Acme recalls blue widgets” — <em>wire0</em> · 30 copies from 30 sources" in html
    assert IMG not in html
    assert "What is being said" not in html_report(analysis, "t", "", None, None)


def test_deck_moment_slide_says_what_was_said(spike):
    engine, analysis = spike
    said = said_for_moments(engine, analysis)
    deck = build_deck(analysis, "t", pictures=False, said=said)
    lines = [line for slide in deck.slides for line in slide.lines]
    assert "Said: “Acme recalls blue widgets” — wire0 (×30)" in lines
    plain = build_deck(analysis, "t", pictures=False)
    assert not any(line.startswith("Said:") for slide in plain.slides for line in slide.lines)


def test_report_cli_includes_what_is_being_said(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    path = tmp_path / "m.csv"
    path.write_text(_csv())
    out = tmp_path / "r.html"
    assert main(["report", "--mentions", str(path), "--out", str(out)]) == 0
    assert "<h2>What is being said</h2>" in out.read_text()


def test_report_cli_on_the_demo_has_no_said_section(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    assert "What is being said" not in out.read_text()
