"""`boilingpoint said` on generated text (simulated) and on the demo (no text: says so)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.cli import main
from dashboard.text.command import window_of


@pytest.mark.parametrize(("on", "start", "end", "want"), [
    (dt.date(2020, 7, 1), None, None, (dt.datetime(2020, 7, 1), dt.datetime(2020, 7, 2))),
    (None, dt.date(2020, 7, 1), dt.date(2020, 7, 3), (dt.datetime(2020, 7, 1), dt.datetime(2020, 7, 4))),
])
def test_window_of(on, start, end, want):
    assert window_of(on, start, end) == want


@pytest.mark.parametrize(("on", "start", "end", "message"), [
    (None, None, None, "say when"),
    (dt.date(2020, 7, 1), dt.date(2020, 7, 1), None, "not both"),
    (None, dt.date(2020, 7, 1), None, "say when"),
    (None, dt.date(2020, 7, 3), dt.date(2020, 7, 1), "before"),
])
def test_window_of_refuses(on, start, end, message):
    with pytest.raises(ValueError, match=message):
        window_of(on, start, end)


@pytest.fixture
def text_file(tmp_path):
    rows = ["date,actor,text,source"]
    for d in range(1, 21):
        rows.append(f"2020-06-{d:02d},Acme,Acme routine filing number {d},src{d % 4}")
    rows += [f"2020-06-21,Acme,Acme recalls blue widgets,wire{i}" for i in range(6)]
    rows += ["2020-06-21,Acme,Acme recalls blue widgets - Daily Gazette,gazette",
             "2020-06-21,Acme,Regulators open widget probe,daily"]
    path = tmp_path / "mentions.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_said_cli_json(text_file, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    assert main(["said", "--mentions", str(text_file), "--on", "2020-06-21", "--top", "2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mentions"][0] == {"text": "Acme recalls blue widgets", "source": "wire0", "copies": 7, "sources": 7,
                                  "first": "2020-06-21T00:00:00"}
    assert len(out["mentions"]) == 2
    assert out["terms"] and {"term", "score"} <= set(out["terms"][0])
    assert "routine" not in {t["term"] for t in out["terms"]}
    assert isinstance(out["narratives"], list)


def test_said_cli_text_and_range(text_file, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    assert main(["said", "--mentions", str(text_file), "--from", "2020-06-20", "--to", "2020-06-21"]) == 0
    out = capsys.readouterr().out
    assert "7× [wire0; 7 sources] Acme recalls blue widgets" in out
    assert "emerging terms (G² against" in out


@pytest.mark.parametrize("argv", [
    ["said"],  # no date
    ["said", "--on", "2020-07-01", "--from", "2020-07-01", "--to", "2020-07-02"],
    ["said", "--on", "2020-07-01", "--top", "0"],
])
def test_said_cli_refuses_clearly(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_said_cli_on_the_demo_says_there_is_no_text(capsys):
    assert main(["said", "--on", "2020-08-01", "--format", "json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["mentions"] == [] and out["terms"] == [] and out["narratives"] == []
    assert "no text" in out["note"]
    assert "SIMULATED" in captured.err
