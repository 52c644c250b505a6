"""`boilingpoint watch` and `boilingpoint backtest` from the command line: exit codes, the
log, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from dashboard.cli import main
from tests.monitor.conftest import DEMO, REPO, demo_mentions, write_months

MONITOR = f"name: tiktok-watch\nevents: {DEMO / 'events.csv'}\nmentions: {DEMO / 'mentions.csv'}\nactors: [TikTok]\nmin_stage: boiling\n" \
          "settle_seconds: 0\n"


def test_watch_once_exits_3_on_a_new_alert_then_0(tmp_path, home, capsys):
    path = tmp_path / "m.yaml"
    path.write_text(MONITOR)
    assert main(["watch", str(path), "--once"]) == 3
    err = capsys.readouterr().err
    assert "ALERT stage:boiling@2020-11-11T00:00" in err and "delivered alert 1" in err and "cycle: 2 read" in err
    assert main(["watch", str(path), "--once"]) == 0
    assert "cycle: 0 read, 2 unchanged" in capsys.readouterr().err


def test_watch_refuses_a_bad_monitor_naming_the_key(tmp_path, home, capsys):
    path = tmp_path / "m.yaml"
    path.write_text(MONITOR.replace("min_stage: boiling", "min_stage: scalding"))
    assert main(["watch", str(path), "--once"]) == 2
    assert "min_stage: 'scalding' is not one of" in capsys.readouterr().err
    assert main(["watch", str(path), str(path), "--interval", "0"]) == 2


def test_watch_stops_cleanly_on_sigterm(tmp_path, home):
    path = tmp_path / "m.yaml"
    path.write_text(MONITOR)
    env = {**os.environ, "PYTHONPATH": str(REPO), "BOILINGPOINT_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "watch", str(path), "--interval", "60"],
                            stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if " cycle: " in line:
            break
    proc.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    rc = proc.wait(timeout=15)
    rest = proc.stderr.read()
    assert rc == 0 and time.monotonic() - t0 < 5
    assert "signal 15: stopping" in rest and "watch: stopped" in rest


def test_backtest_text_and_json(tmp_path, home, capsys):
    # June to August of the demo (92 days): the replay's cost grows with the square of the buckets
    write_months(tmp_path / "inbox", demo_mentions(), ["2020-06", "2020-07", "2020-08"])
    path = tmp_path / "m.yaml"
    path.write_text("name: tiktok-summer\nmentions: inbox/*.csv\nactors: [TikTok]\nmin_stage: boiling\n")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text("start,end,label\n2020-07-06,2020-08-15,ban talk\n2020-11-09,2020-11-20,deadline\n")
    assert main(["backtest", str(path), "--episodes", str(episodes), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reference"] == "labelled episodes (episodes.csv)" and report["episodes"] == 2
    assert set(report["alerts_per_month"]) == {"2020-06", "2020-07", "2020-08"}
    assert report["recall"] == 0.5  # the November deadline lies after the data
    assert 0 <= report["precision"] <= 1 and 0 <= report["recall"] <= 1
    assert sum(report["alerts_per_month"].values()) == len(report["alerts"])
    assert main(["backtest", str(path)]) == 0
    out = capsys.readouterr().out
    assert "replayed as if live" in out and "precision" in out and "stage onsets (boiling)" in out
    episodes.write_text("start,end\n2020-07-06,yesterday\n")
    assert main(["backtest", str(path), "--episodes", str(episodes)]) == 2
    assert "row 2" in capsys.readouterr().err
