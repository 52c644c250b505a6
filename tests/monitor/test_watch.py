"""The watcher: files read only when new or changed, never while being written; state in the
store across restarts; one alert per episode as data arrive."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dashboard.monitor.episodes import find_episodes, is_open, rule_hits
from dashboard.monitor.watch import Watcher
from dashboard.store.monitors import deliveries_of, file_states, list_alerts
from tests.monitor.conftest import DEMO, demo_mentions, monitor, write_months

MONTHS = ["2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11"]


@pytest.mark.parametrize(
    "hits, cooldown, runs",
    [
        ([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1], 3, [(1, 5), (10, 10)]),  # a gap of 2 is bridged, one of 4 is not
        ([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1], 2, [(1, 2), (5, 5), (10, 10)]),  # a gap of 2 ends it
        ([1, 1, 1], 7, [(0, 2)]),
        ([0, 0, 0], 7, []),
    ],
)
def test_find_episodes_bridges_gaps_shorter_than_the_cooldown(hits, cooldown, runs):
    dates = pd.Series(pd.date_range("2020-01-01", periods=len(hits), freq="D"))
    eps = find_episodes(dates, np.array(hits, dtype=bool), "stage:boiling", cooldown)
    assert [(e.first, e.last) for e in eps] == runs
    if eps:
        assert eps[0].key == f"stage:boiling@{dates[runs[0][0]]:%Y-%m-%dT%H:%M}"
        assert is_open(eps[-1], len(hits), cooldown) == (len(hits) - 1 - runs[-1][1] < cooldown)


def test_rule_hits_reads_stages_alerts_and_change_points():
    table = pd.DataFrame({
        "stage": ["slow boil", "boiling", "crisis", "simmering"],
        "alerts": ["", "spike; stage: boiling", "drift: tone", ""],
        "change_point": ["", "", "", "volume"],
    })
    assert rule_hits(table, "stage:boiling").tolist() == [False, True, True, False]
    assert rule_hits(table, "spike").tolist() == [False, True, False, False]
    assert rule_hits(table, "drift").tolist() == [False, False, True, False]
    assert rule_hits(table, "change_point").tolist() == [False, False, False, True]


def test_watch_reads_each_file_once_and_alerts_once(tmp_path, home, store, parses):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(DEMO / "mentions.csv", inbox / "mentions.csv")
    spec = monitor(tmp_path, events=str(DEMO / "events.csv"))
    lines: list[str] = []
    first = Watcher(spec, store, home, lines.append).run_cycle()
    assert parses == ["events", "mentions"] and first.files_read == 2
    assert [a.episode_key for a in first.new_alerts] == ["stage:boiling@2020-11-11T00:00"]  # the open episode only
    assert any("mentions.csv (mentions): 3,460 rows read: 3,460 loaded, 0 rejected" in line for line in lines)
    assert any("ALERT stage:boiling@2020-11-11T00:00" in line for line in lines)
    again = Watcher(spec, store, home, lines.append).run_cycle()  # a restart: a new watcher on the same store
    assert parses == ["events", "mentions"], "an unchanged file is never read again"
    assert again.files_unchanged == 2 and not again.scored and not again.new_alerts
    assert len(list_alerts(store, "m")) == 1
    alert = list_alerts(store, "m")[0]
    assert "Boiling" in alert.explanation and alert.link.startswith("http://localhost:8501/?")
    assert "actor=TikTok" in alert.link and "tab=Why" in alert.link
    assert [d[0] for d in deliveries_of(store, alert.id)] == ["log"] and deliveries_of(store, alert.id)[0][4] is not None
    logged = (home / "monitor-alerts.log").read_text().splitlines()
    assert len(logged) == 1 and '"stage": "boiling"' in logged[0]


def test_watch_alerts_once_per_episode_as_files_arrive(tmp_path, home, store, parses):
    """Monthly files land one by one; each cycle parses only the new one, and the alerts are
    exactly the episodes of the full history that had not ended when the watch began."""
    frame = demo_mentions()
    staging = write_months(tmp_path / "staging", frame, MONTHS)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    spec = monitor(tmp_path)
    keys: list[str] = []
    for k, path in enumerate(staging):
        shutil.copy(path, inbox / path.name)
        result = Watcher(spec, store, home, lambda m: None).run_cycle()
        assert result.files_read == 1 and parses.count("mentions") == k + 1
        keys += [a.episode_key for a in result.new_alerts]
        if k == 0:
            first_last = result.buckets
    assert len(keys) == len(set(keys)), "one alert per episode"
    # the same episodes on the whole history at once
    from dashboard.loading import load_path
    from dashboard.model.analysis import analyse
    from dashboard.query import open_engine

    whole = analyse(open_engine("duckdb", mentions=load_path(DEMO / "mentions.csv", "mentions")), spec.selection(), spec.model_params())
    eps = find_episodes(whole.table["date"], rule_hits(whole.table, "stage:boiling"), "stage:boiling", 7)
    expected = [e.key for e in eps if e.last >= first_last - 7]
    assert keys == expected and len(keys) >= 2
    assert [a.episode_key for a in reversed(list_alerts(store, "m"))] == expected


def test_watch_waits_for_a_file_still_being_written(tmp_path, home, store, parses):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "mentions.csv"
    shutil.copy(DEMO / "mentions.csv", path)
    spec = replace(monitor(tmp_path), settle_seconds=60.0)
    lines: list[str] = []
    result = Watcher(spec, store, home, lines.append).run_cycle()
    assert result.files_settling == 1 and parses == [] and not result.new_alerts
    assert file_states(store, "m")[str(path.resolve())].state == "settling"
    assert any("still being written" in line for line in lines)
    old = time.time() - 120
    os.utime(path, (old, old))  # the writer finished two minutes ago
    result = Watcher(spec, store, home, lines.append).run_cycle()
    assert result.files_read == 1 and parses == ["mentions"]
    assert file_states(store, "m")[str(path.resolve())].state == "loaded"


def test_watch_does_not_parse_a_touched_file_again(tmp_path, home, store, parses):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "mentions.csv"
    shutil.copy(DEMO / "mentions.csv", path)
    spec = monitor(tmp_path)
    Watcher(spec, store, home, lambda m: None).run_cycle()
    later = time.time() - 5
    os.utime(path, (later, later))
    lines: list[str] = []
    result = Watcher(spec, store, home, lines.append).run_cycle()
    assert parses == ["mentions"] and result.files_unchanged == 1 and not result.scored
    assert any("touched, same content" in line for line in lines)


def test_watch_reports_an_unusable_file_and_does_not_retry_it(tmp_path, home, store, parses):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(DEMO / "mentions.csv", inbox / "a.csv")
    (inbox / "b.csv").write_bytes(b"\x00\x01garbage")
    spec = monitor(tmp_path)
    lines: list[str] = []
    result = Watcher(spec, store, home, lines.append).run_cycle()
    assert result.files_read == 1 and result.files_unusable == 1 and result.scored
    assert any("b.csv (mentions): unusable" in line for line in lines)
    Watcher(spec, store, home, lines.append).run_cycle()
    assert parses == ["mentions", "mentions"]


def test_watch_logs_rejected_rows_and_keeps_the_valid_ones(tmp_path, home, store):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    frame = demo_mentions()
    text = frame.to_csv(index=False) + "2020-11-21,TikTok,abc,0.1,simulated\n"
    (inbox / "m.csv").write_text(text)
    lines: list[str] = []
    Watcher(monitor(tmp_path), store, home, lines.append).run_cycle()
    assert any(f"{len(frame) + 1:,} rows read: {len(frame):,} loaded, 1 rejected" in line for line in lines)


def test_watch_rescores_when_a_file_is_removed(tmp_path, home, store):
    inbox = tmp_path / "inbox"
    frame = demo_mentions()
    write_months(inbox, frame, MONTHS)
    spec = monitor(tmp_path)
    first = Watcher(spec, store, home, lambda m: None).run_cycle()
    (inbox / "mentions-2020-11.csv").unlink()
    lines: list[str] = []
    second = Watcher(spec, store, home, lines.append).run_cycle()
    assert second.scored and second.buckets < first.buckets
    assert any("gone" in line for line in lines)


def test_watch_combines_parquet_and_csv_files(tmp_path, home, store):
    """A Parquet file's actor column arrives dictionary-encoded, a CSV's as text: both concatenate."""
    import pyarrow.parquet as pq

    from dashboard.loading import load_path

    frame = demo_mentions()
    inbox = tmp_path / "inbox"
    write_months(inbox, frame, ["2020-06", "2020-07"])
    june = load_path(inbox / "mentions-2020-06.csv", "mentions").table
    (inbox / "mentions-2020-06.csv").unlink()
    pq.write_table(june, inbox / "mentions-2020-06.parquet")
    spec = monitor(tmp_path, mentions="inbox/*")
    result = Watcher(spec, store, home, lambda m: None).run_cycle()
    assert result.files_read == 2 and result.scored and result.buckets == 61


def test_watch_skips_what_is_not_a_regular_file(tmp_path, home, store):
    """A named pipe or a folder that matches the glob is never opened (a FIFO would block the reader)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(DEMO / "mentions.csv", inbox / "a.csv")
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "folder.csv").mkdir()
    result = Watcher(monitor(tmp_path), store, home, lambda m: None).run_cycle()
    assert result.files_read == 1 and result.files_unusable == 0 and result.scored
    assert list(file_states(store, "m")) == [str((inbox / "a.csv").resolve())]
