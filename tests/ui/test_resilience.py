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


def test_an_upload_over_the_configured_size_gets_a_clear_message(tmp_path, monkeypatch):
    f = tmp_path / "events.csv"
    f.write_text("date,actor,headline\n" + "".join(f"2024-01-01,A,x{i}\n" for i in range(100)))
    monkeypatch.setenv("BOILINGPOINT_MAX_BYTES", "200")
    report = build_dataset(f.read_bytes(), None).reports["events"]  # bytes: an upload
    assert report.error is not None and report.error.code == "size-error"
    assert "the limit is 200 bytes" in report.error.message
    # The same file given by its path is the user's own: its limits follow the machine.
    assert build_dataset(f, None).reports["events"].loaded == 100


@pytest.mark.parametrize(
    "env, memory, expected",
    [
        ({}, 24 * 2**30, LoadLimits(max_bytes=3 * 2**30, max_uncompressed_bytes=6 * 2**30, max_rows=24 * 2**30 // 128)),
        ({}, 2**30, LoadLimits()),  # a small machine: never below the upload caps
        ({"BOILINGPOINT_LOCAL_MEMORY": "16_000_000_000"}, 2**30,
         LoadLimits(max_bytes=2_000_000_000, max_uncompressed_bytes=4_000_000_000, max_rows=125_000_000)),
        ({"BOILINGPOINT_MAX_ROWS": "500_000_000"}, 2**30, LoadLimits(max_rows=500_000_000)),  # set higher: still wins
    ],
)
def test_local_file_limits_follow_the_machine(env, memory, expected):
    assert LoadLimits.for_local_files(env, memory_bytes=memory) == expected


def test_local_memory_setting_must_be_a_positive_number():
    with pytest.raises(ValueError, match="BOILINGPOINT_LOCAL_MEMORY"):
        LoadLimits.for_local_files({"BOILINGPOINT_LOCAL_MEMORY": "lots"})


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
