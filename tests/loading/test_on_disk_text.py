"""Big Parquet mentions with texts kept on disk (dashboard/loading/on_disk_text.py): the texts go
into the store file by SQL, and the report and the engine's answers are the in-memory path's.

Each file is opened twice through build_dataset: on disk (BOILINGPOINT_ON_DISK_ROWS=1) and in
memory (a threshold above its rows). The reports must be equal field for field (rows read,
loaded, rejected, every rejection's row, column, value and reason, the notes), and the two
engines must hold the same side table (row for row) and give the same series, representative
mentions and narrative filter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main
from dashboard.contract import NarrativeFilter, Selection
from dashboard.dataset import build_dataset
from dashboard.loading.on_disk_text import text_suspect_sql
from dashboard.loading.text_rules import normalised_sql
from dashboard.text.said import compute_said
from dashboard.text.table import has_text

T0 = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.UTC)

# Text cells a hostile or careless writer produces, each with what the rules make of it.
HOSTILE = [
    "Alpha warns Beta over the border",
    "alpha WARNS beta over the border!",  # a syndicated copy: one key with the first
    "zero\u200bwidth inside",  # the zero-width space is removed (a note says so)
    "\u200b",  # only a zero-width space: blank, no text row
    "null \x00 byte",  # rejected: the cell contains a NUL byte
    "bidi \u202eolleh\u202c text",  # kept as it is (bidi controls are refused only in names)
    "cafe\u0301 talks",  # NFC: é
    "",  # blank
    "   ",  # blank
    "\x0b\x0c",  # blank to Arrow's trim, kept by the rules: no text row
    "\u00a0padded with no-break spaces\u3000",  # trimmed
    "  padded with spaces  ",  # trimmed
    "x" * 200_000,  # very long: kept whole
    None,
    "line one\nline two",
    "emoji 🔥 and ünïcödé",
    "Alpha warns Beta over the border",
    "=cmd|' /C calc'!A0",  # a formula: text, as it is
    "<img src=x onerror=alert(1)>",
    "tab\tinside",
]


def _table(n_copies: int = 3) -> pa.Table:
    texts = HOSTILE * n_copies
    n = len(texts)
    urls = [None if i % 7 == 0 else (" " if i % 11 == 0 else ("u\x00rl" if i == 13 else f"https://example.invalid/{i}"))
            for i in range(n)]
    tones = [round(((i * 37) % 200) / 100 - 1, 2) for i in range(n)]
    tones[5] = 2.0  # rejected: out of range (a rejection before most texts: rows renumbered)
    return pa.table({
        # not in date order: the store sorts by date, the rows keep their numbers
        "date": pa.array([T0 + dt.timedelta(hours=(i * 29) % (24 * 6)) for i in range(n)], pa.timestamp("us", tz="UTC")),
        "actor": pa.array([("Alpha", "Beta", "Gamma")[i % 3] for i in range(n)]),
        "tone": pa.array(tones, pa.float64()),
        "text": pa.array(texts, pa.string()),
        "source": pa.array([(f"wire-{i % 4}" if i % 5 else None) for i in range(n)]),
        "url": pa.array(urls, pa.string()),
    })


def _open_both(path, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "1")
    disk = build_dataset(None, path)
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", str(10**9))
    memory = build_dataset(None, path)
    return disk, memory


def _on_disk(dataset) -> bool:
    return "store" in dataset.engine._con.execute("SELECT list(database_name) FROM duckdb_databases()").fetchall()[0][0]


def _report(dataset) -> dict:
    return dataclasses.asdict(dataset.reports["mentions"])


def _texts(engine) -> list[tuple]:
    return engine._frame(
        "SELECT t.row, t.date, a.name AS actor, s.name AS source, t.url, t.text, t.count, t.key FROM texts t "
        "JOIN actors a ON a.id = t.actor LEFT JOIN sources s ON s.id = t.source ORDER BY t.row"
    ).itertuples(index=False, name=None)


def _frames_equal(a, b) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.parquet"
    pq.write_table(_table(), path, row_group_size=16)
    return path


def test_hostile_texts_give_the_same_report_on_disk_and_in_memory(hostile, monkeypatch, tmp_path):
    disk, memory = _open_both(hostile, monkeypatch, tmp_path)
    assert _on_disk(disk) and not _on_disk(memory)
    assert _report(disk) == _report(memory)
    report = disk.reports["mentions"]
    assert report.rows_read == report.loaded + report.rejected == len(HOSTILE) * 3
    assert {(r.record, r.column, r.code) for r in report.rejections} >= {(5, "text", "constraint-error"), (6, "tone", "constraint-error"),
                                                                         (14, "url", "constraint-error")}
    assert any("values in text were normalised" in n for n in report.notes)


def test_hostile_texts_give_the_same_side_table_and_answers(hostile, monkeypatch, tmp_path):
    disk, memory = _open_both(hostile, monkeypatch, tmp_path)
    assert _on_disk(disk)
    d, m = disk.engine, memory.engine
    assert d.has_text and d.text_rows == m.text_rows > 0
    assert list(_texts(d)) == list(_texts(m))
    long_text = d._scalar("SELECT max(length(text)) FROM texts")
    assert long_text == 200_000
    # every text row names its mention by position: the same date and actor in both tables
    for engine in (d, m):
        assert engine._scalar("SELECT count(*) FROM texts t JOIN mentions m ON m.rowid = t.row "
                              "WHERE m.date = t.date AND m.actor = t.actor") == engine.text_rows
    narrative = NarrativeFilter("border", ("border", "café"))
    for sel in (Selection(bucket="hour"), Selection(actors=("Alpha",), bucket="day"),
                Selection(narratives=(narrative,), bucket="hour"), Selection(actors=("Beta",), narratives=(narrative,))):
        _frames_equal(d.series(sel), m.series(sel))
    lo = dt.datetime(2024, 3, 1)
    for sel in (Selection(), Selection(narratives=(narrative,))):
        assert compute_said(d, sel, lo, lo + dt.timedelta(days=7)).as_json() == compute_said(m, sel, lo, lo + dt.timedelta(days=7)).as_json()
        assert d.text_total(sel, lo, lo + dt.timedelta(days=3)) == m.text_total(sel, lo, lo + dt.timedelta(days=3))
        _frames_equal(d.text_evidence(sel), m.text_evidence(sel))
    filtered = d.series(Selection(narratives=(narrative,), bucket="day"))["volume"].sum()
    assert 0 < filtered < d.series(Selection(bucket="day"))["volume"].sum()


def test_the_store_reopens_with_its_texts(hostile, monkeypatch, tmp_path):
    disk, _ = _open_both(hostile, monkeypatch, tmp_path)
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "1")
    again = build_dataset(None, hostile)
    assert _on_disk(again) and _report(again) == _report(disk)
    assert list(_texts(again.engine)) == list(_texts(disk.engine))


def test_text_that_is_not_utf8_rejects_its_row_on_both_paths(tmp_path, monkeypatch):
    table = _table(1)
    raw = table.column("text").combine_chunks().view(pa.binary()).to_pylist()
    raw[2] = b"bad \xff\xfe bytes"
    table = table.set_column(3, "text", pa.array(raw, pa.binary()).view(pa.string()))
    path = tmp_path / "invalid.parquet"
    pq.write_table(table, path)
    disk, memory = _open_both(path, monkeypatch, tmp_path)
    assert not _on_disk(disk)  # DuckDB cannot read the file's texts: the in-memory path
    assert _report(disk) == _report(memory)
    report = memory.reports["mentions"]
    assert report.error is None and report.rows_read == len(HOSTILE) and report.loaded > 0
    bad = [r for r in report.rejections if r.code == "encoding-error"]
    assert [(r.record, r.column, r.value) for r in bad] == [(3, "text", "bad \\xff\\xfe bytes")]


@pytest.mark.parametrize("tone", ["missing column", "some missing"])
def test_texts_without_a_tone_are_scored_by_vader_on_disk_as_in_memory(tmp_path, monkeypatch, tone):
    table = _table(2)
    if tone == "missing column":
        table = table.drop_columns(["tone"])
    else:
        tones = table.column("tone").to_pylist()
        tones[:12] = [None, float("nan")] * 6
        table = table.set_column(2, "tone", pa.array(tones, pa.float64()))
    path = tmp_path / "untoned.parquet"
    pq.write_table(table, path)
    monkeypatch.setattr("dashboard.loading.on_disk_text.VADER_BATCH", 5)  # several batches
    disk, memory = _open_both(path, monkeypatch, tmp_path)
    assert _on_disk(disk)
    assert _report(disk) == _report(memory)
    assert any("scored from the text with VADER" in n for n in disk.reports["mentions"].notes)
    for sel in (Selection(bucket="hour"), Selection(actors=("Gamma",), bucket="day")):
        _frames_equal(disk.engine.series(sel), memory.engine.series(sel))
    assert list(_texts(disk.engine)) == list(_texts(memory.engine))


def _code_points() -> list[str]:
    return [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]


def test_the_text_predicate_flags_every_cell_the_rules_or_the_side_table_treat_differently():
    """Over every code point, alone and inside a word: a cell that is not a suspect is one the
    text rules leave unchanged and the side table keeps (pyarrow's trim finds something)."""
    cells = _code_points()
    cells += ["a" + c + "b" for c in cells]
    con = duckdb.connect()
    con.register("cells", pa.table({"c": pa.array(cells), "arrow_text": has_text(pa.array(cells))}))
    missed = con.execute(
        f"SELECT c FROM cells WHERE NOT ({text_suspect_sql('c')}) "
        f"AND ({normalised_sql('c')} <> c OR NOT arrow_text OR contains(c, chr(0)))"
    ).fetchall()
    assert missed == []


def test_said_through_the_cli_on_a_store_backed_file(hostile, monkeypatch, tmp_path, capsys):
    disk, _ = _open_both(hostile, monkeypatch, tmp_path)
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "1")
    assert main(["said", "--mentions", str(hostile), "--from", "2024-03-01", "--to", "2024-03-07", "--format", "json"]) == 0
    out = capsys.readouterr()
    said = json.loads(out.out)
    assert said["texts"] > 0 and said["mentions"]
    assert any("border" in m["text"].lower() for m in said["mentions"])
    assert main(["said", "--mentions", str(hostile), "--from", "2024-03-01", "--to", "2024-03-07",
                 "--narrative", "cafe=café", "--format", "json"]) == 0
    narrowed = json.loads(capsys.readouterr().out)
    assert narrowed["mentions"] and all("café" in m["text"].lower() for m in narrowed["mentions"])
    lo = dt.datetime(2024, 3, 1)
    assert said == compute_said(disk.engine, Selection(), lo, lo + dt.timedelta(days=7), top=5, terms=10).as_json()
