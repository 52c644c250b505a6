"""The boilingpoint command line, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main

BAD_EVENTS = (
    "date,actor,headline,severity\n"
    "2024-03-01,Acme,Recall announced,-4\n"
    "2024-03-02,Acme,\"A headline\nover two lines\",-2\n"
    "2024-02-30,Beta,Impossible day,1\n"
    "2024-03-04,Beta,Too severe,-40\n"
    "2024-03-05,Gamma,Fine,3\n"
)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True)


def test_cli_validate_names_each_rejected_row_and_keeps_the_good_ones(tmp_path):
    f = tmp_path / "events.csv"
    f.write_text(BAD_EVENTS)
    out = _cli("validate", str(f), "--kind", "events")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "5 rows read: 3 loaded, 2 rejected" in lines
    assert "rejected row 3 (line 5), column 'date': type-error: not a real date or time [value: '2024-02-30']" in lines
    assert any(line.startswith("rejected row 4 (line 6), column 'severity': constraint-error") for line in lines)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"date,actor,headline\n", "no row"),
        (b"\x7fELF\x02\x01\x01", "ELF"),
        (b"when,who\n2024-01-01,x\n", "required columns date, actor, headline not found"),
    ],
    ids=["empty", "header-only", "executable", "wrong-columns"],
)
def test_cli_validate_exits_2_when_the_file_is_unusable(tmp_path, content, reason):
    f = tmp_path / "x.csv"
    f.write_bytes(content)
    out = _cli("validate", str(f), "--kind", "events")
    assert out.returncode == 2
    assert reason in out.stdout


def test_cli_validate_missing_file_exits_2(tmp_path):
    assert main(["validate", str(tmp_path / "nope.csv"), "--kind", "mentions"]) == 2


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_convert_writes_the_valid_rows_canonically(tmp_path, suffix):
    src = tmp_path / "events.csv"
    src.write_text(BAD_EVENTS)
    dst = tmp_path / f"out{suffix}"
    out = _cli("convert", str(src), "--kind", "events", "--out", str(dst))
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(dst, dtype=str, keep_default_na=False) if suffix == ".csv" else pq.read_table(dst).to_pandas()
    assert list(frame.columns)[:10] == ["id", "date", "actor", "target", "event_type", "severity", "headline", "source", "url", "retracts"]
    assert list(frame["actor"]) == ["Acme", "Acme", "Gamma"]
    assert frame["headline"].iloc[1] == "A headline\nover two lines"
    if suffix == ".csv":
        assert frame["date"].iloc[0] == "2024-03-01T00:00:00Z"
    # What convert writes, validate reads back unchanged.
    again = _cli("validate", str(dst), "--kind", "events")
    assert "3 rows read: 3 loaded, 0 rejected" in again.stdout


def test_cli_convert_refuses_an_unknown_output_type(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text(BAD_EVENTS)
    assert main(["convert", str(src), "--kind", "events", "--out", str(tmp_path / "x.xlsx")]) == 2


def test_cli_run_refuses_a_missing_file(tmp_path, capsys):
    assert main(["run", "--events", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_is_installed_as_a_console_script():
    exe = Path(sys.executable).parent / "boilingpoint"
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("run", "validate", "convert"):
        assert command in out.stdout


def test_cli_report_writes_a_self_contained_html_file(tmp_path):
    out = tmp_path / "report.html"
    result = _cli("report", "--actor", "Amazon", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    assert "SIMULATED" in html and "Amazon" in html
    assert "http://" not in html and "https://" not in html


def test_cli_score_writes_every_column_and_one_row_per_bucket(tmp_path):
    out = tmp_path / "scored.csv"
    result = _cli("score", "--from", "2020-07-01", "--to", "2020-07-31", "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    for column in ("date", "volume", "baseline", "tone", "negative_share", "severity", "breadth", "index", "stage",
                   "direction", "alerts", "change_point", "c_attention", "c_tone", "c_severity", "c_breadth"):
        assert column in frame.columns
    assert len(frame) == 31 and frame["date"].iloc[0] == "2020-07-01T00:00:00Z"


def test_cli_score_json_to_stdout(tmp_path):
    import json

    result = _cli("score", "--actor", "Amazon", "--from", "2020-07-10", "--to", "2020-07-10", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1 and rows[0]["volume"] > 0 and rows[0]["stage"] in ("slow boil", "simmering", "boiling", "crisis")


@pytest.mark.parametrize("min_stage, code", [("crisis", 3), ("boiling", 3), ("slow-boil", 3)])
def test_cli_alert_exits_3_at_or_above_the_stage(min_stage, code):
    result = _cli("alert", "--to", "2020-08-07", "--min-stage", min_stage)
    assert result.returncode == code, result.stderr
    assert "Crisis:" in result.stdout


def test_cli_alert_exits_0_below_the_stage():
    result = _cli("alert", "--to", "2020-06-20", "--min-stage", "simmering")
    assert result.returncode == 0, result.stderr
    assert "Slow boil:" in result.stdout


def test_cli_score_rejects_a_bad_param():
    assert main(["score", "--param", "crisis=lots"]) == 2
    assert main(["score", "--param", "nonsense=1"]) == 2


def test_cli_score_and_alert_do_not_import_streamlit():
    code = ("import sys; from dashboard.cli import main; "
            "main(['score', '--to', '2020-06-05', '--out', '/dev/null']); print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().endswith("False"), out.stderr


def test_cli_digest_is_the_contents_and_takes_the_stores_memo_only_for_that_version(tmp_path, monkeypatch):
    """A report's notes key and a narrative's file key are the file's SHA-256; the one the
    on-disk store remembered for this very version (path, size, times, inode) is taken
    instead of reading a big file again, and a changed file is read again."""
    import hashlib
    import os

    from dashboard import cli
    from dashboard.loading.on_disk import cache_folder, remember_digest

    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    path = tmp_path / "m.csv"
    path.write_bytes(b"date,actor\n2024-01-01,A\n")
    assert cli._digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    cache_folder().mkdir(parents=True)
    remember_digest(path, cache_folder(), "f" * 64)
    assert cli._digest(path) == "f" * 64  # remembered: the file is not read
    path.write_bytes(b"date,actor\n2024-01-02,B\n")
    os.utime(path, ns=(1, 1))  # another version, even with an old modification time
    assert cli._digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
