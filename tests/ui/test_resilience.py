"""Limits that are configurable, and views that fail alone."""

from __future__ import annotations

import pytest

from dashboard.dataset import build_dataset
from dashboard.loading import LoadLimits


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, LoadLimits()),
        ({"BOILINGPOINT_MAX_BYTES": "1000"}, LoadLimits(max_bytes=1000)),
        ({"BOILINGPOINT_MAX_ROWS": "1_000", "BOILINGPOINT_MAX_COLUMNS": "12"}, LoadLimits(max_rows=1000, max_columns=12)),
    ],
)
def test_limits_come_from_the_environment(env, expected):
    assert LoadLimits.from_env(env) == expected


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_limits_refuse_nonsense(value):
    with pytest.raises(ValueError, match="BOILINGPOINT_MAX_CELL_CHARS"):
        LoadLimits.from_env({"BOILINGPOINT_MAX_CELL_CHARS": value})


def test_a_file_over_the_configured_size_gets_a_clear_message(tmp_path, monkeypatch):
    f = tmp_path / "events.csv"
    f.write_text("date,actor,headline\n" + "2024-01-01,A,x\n" * 100)
    monkeypatch.setenv("BOILINGPOINT_MAX_BYTES", "200")
    report = build_dataset(f, None).reports["events"]
    assert report.error is not None and report.error.code == "size-error"
    assert "the limit is 200 bytes" in report.error.message


def test_a_failing_view_shows_a_plain_message_and_the_page_goes_on(make_app, monkeypatch, chart_frames):
    from dashboard.ui import views

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM /etc/passwd")

    monkeypatch.setattr(views, "render_actors", broken)
    at = make_app({"tab": "Actors"}).run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert messages == ["The actors view could not be drawn for this selection. The rest of the page still works."]
    assert not any("passwd" in m or "SELECT" in m or "Traceback" in m for m in messages)
    assert any(m.label == "Peak index" for m in at.metric)  # the header still drew
    at.session_state["tab"] = "Timeline"
    at.run()
    titles = [c["spec"].get("title", {}).get("text", "") for c in chart_frames(at)]
    assert any(t.startswith("Escalation") for t in titles)  # and the other views still work
