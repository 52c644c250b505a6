"""Big Parquet mentions kept on disk (dashboard/loading/on_disk.py): the checks run as DuckDB
SQL over the file, and the report and the rows are the full validator's.

Every file is loaded twice: into a store file (SQL screen, suspects through the validator)
and through the general path (parse_parquet, then validate, in memory). The reports must
hold the same counts, rejections (row, column, value, reason) and notes, and the store the
same rows; an engine on the store answers as an engine on the table does.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dashboard.contract import Selection
from dashboard.dataset import build_dataset
from dashboard.loading import DEFAULT_LIMITS, LoadLimits, load_bytes, native
from dashboard.loading.on_disk import _stat_key, file_digest, on_disk_rows, read_report, store_mentions, store_parquet
from dashboard.query.duckdb_engine import Engine

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def _clean(n: int = 50, tz: str | None = "UTC") -> dict:
    return {
        "date": pa.array([T0 + dt.timedelta(hours=7 * i % 200) for i in range(n)], pa.timestamp("us", tz=tz)),
        "actor": pa.array([f"Actor {i % 4}" for i in range(n)]),
        "tone": pa.array([round(math.sin(i) * 0.9, 3) for i in range(n)], pa.float64()),
        "count": pa.array([1 + i % 5 for i in range(n)], pa.int64()),
        "source": pa.array([f"source-{i % 3}" for i in range(n)]),
    }


def _general(path, limits: LoadLimits):
    """The in-memory path with the typed screen switched off: parse_parquet, then validate."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(native, "read_mentions", lambda data, limits: None)
        return load_bytes(path.read_bytes(), "mentions", limits)


def _stored_rows(store) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(
            "SELECT m.date, a.name, m.tone, m.count, s.name FROM mentions m JOIN actors a ON a.id = m.actor "
            "LEFT JOIN sources s ON s.id = m.source ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def _rows(table: pa.Table) -> list[tuple]:
    cols = [table.column(c).cast(table.column(c).type.value_type) if pa.types.is_dictionary(table.column(c).type)
            else table.column(c) for c in ("date", "actor", "tone", "count", "source")]
    rows = list(zip(*(c.to_pylist() for c in cols)))
    return sorted(rows, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


def assert_same_as_general(tmp_path, table: pa.Table, limits: LoadLimits = DEFAULT_LIMITS, **write):
    path = tmp_path / "mentions.parquet"
    pq.write_table(table, path, **write)
    kept = store_mentions(path, limits, tmp_path / "cache")
    assert kept is not None, "the on-disk path did not apply"
    store, got = kept
    want = _general(path, limits)
    w = want.report
    assert (got.rows_read, got.loaded, got.rejected, got.unlisted_rejections) == (w.rows_read, w.loaded, w.rejected, w.unlisted_rejections)
    assert got.rejections == w.rejections
    assert got.notes == w.notes
    assert got.columns == w.columns and got.file_format == w.file_format
    stored = _stored_rows(store)
    assert sorted(stored, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r)) == _rows(want.table)
    return store, got


def test_a_clean_file_is_stored_by_date_with_every_row(tmp_path):
    store, report = assert_same_as_general(tmp_path, pa.table(_clean()), row_group_size=7)
    assert report.loaded == 50 and report.rejected == 0 and report.exact
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    dates = [r[0] for r in con.execute("SELECT date FROM mentions").fetchall()]
    con.close()
    assert dates == sorted(dates)


@pytest.mark.parametrize("statistics", [True, False])
def test_the_suspects_get_the_validators_reasons_and_the_rest_load(tmp_path, statistics):
    cols = _clean(12)
    cols["actor"] = pa.array(["A", "", "  B ", None, "C\x00", "D", "E", "Zoë", "G", "H", "I", "J"])
    cols["tone"] = pa.array([0.1, 0.2, 0.3, 0.4, 0.5, 1.5, float("nan"), float("inf"), None, -1.0, 1.0, -2.0])
    cols["count"] = pa.array([1, 1, 1, 1, 1, 1, 1, 1, None, 0, -3, 1])
    cols["source"] = pa.array(["s", " s", None, "", "s", "s", "s", "s", "s", "s", "s", "s"])
    _, report = assert_same_as_general(tmp_path, pa.table(cols), write_statistics=statistics, row_group_size=5)
    assert report.rejected > 0 and not report.exact
    assert {r.code for r in report.rejections} >= {"constraint-error"}


def test_fractional_missing_and_nan_counts_in_a_float_column(tmp_path):
    cols = _clean(6)
    cols["count"] = pa.array([1.0, 2.5, None, float("nan"), 3.0, float("-inf")])
    _, report = assert_same_as_general(tmp_path, pa.table(cols))
    assert report.rejected == 2


@pytest.mark.parametrize("date", [
    pa.array([dt.datetime(2024, 1, 1, 0, 0, s) for s in (5, 1, 3, 3, 2)], pa.timestamp("s", tz="Europe/Paris")),
    pa.array([dt.datetime(2024, 1, 1, 0, 0, s, 123_000) for s in (5, 1, 3, 3, 2)], pa.timestamp("ms", tz="UTC")),
    pa.array([dt.datetime(2024, 1, 1, 0, 0, s) for s in (5, 1, 3, 3, 2)], pa.timestamp("us")),  # no zone: said so
    pa.array([dt.date(2024, 1, d) for d in (5, 1, 3, 3, 2)], pa.date32()),
    pa.array([dt.datetime(2024, 1, 1), None, dt.datetime(999, 1, 1), dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 3)],
             pa.timestamp("us", tz="UTC")),
])
@pytest.mark.parametrize("statistics", [True, False])
def test_dates_of_every_unit_zone_and_range(tmp_path, date, statistics):
    cols = _clean(5)
    cols["date"] = date
    assert_same_as_general(tmp_path, pa.table(cols), write_statistics=statistics)


def test_statistics_that_prove_nothing_wrong_skip_the_row_checks(tmp_path):
    from dashboard.loading.on_disk import _plan

    path = tmp_path / "m.parquet"
    pq.write_table(pa.table(_clean(20)), path, row_group_size=6)
    assert _plan(path, DEFAULT_LIMITS).cleared == {"date", "actor", "tone", "count", "source"}
    cols = _clean(20)
    cols["count"] = pa.array([1.0] * 20)  # a float count may hold fractions: checked row by row
    cols["tone"] = pa.array([0.5] * 19 + [3.0])
    pq.write_table(pa.table(cols), path)
    assert _plan(path, DEFAULT_LIMITS).cleared == {"date", "actor", "source"}


def test_optional_columns_missing_and_rejections_beyond_the_cap(tmp_path):
    cols = _clean(60)
    del cols["source"]
    cols["tone"] = pa.array([5.0] * 30 + [0.5] * 30)
    _, report = assert_same_as_general(tmp_path, pa.table(cols), LoadLimits(max_listed_rejections=10))
    assert report.rejected == 30 and len(report.rejections) == 10 and report.unlisted_rejections == 20


def test_columns_named_in_other_cases_are_matched_and_said_so(tmp_path):
    t = pa.table(_clean(10)).rename_columns(["Date", " Actor ", "TONE", "count", "source"])
    assert_same_as_general(tmp_path, t)


@pytest.mark.parametrize("table", [
    # (texts are kept on disk too: tests/loading/test_on_disk_text.py)
    pa.table({"date": pa.array([T0], pa.timestamp("us", tz="UTC")), "actor": ["a"], "tone": [0.5], "extra": ["x"]}),
    pa.table({"date": pa.array([T0], pa.timestamp("ns", tz="UTC")), "actor": ["a"], "tone": [0.5]}),
    pa.table({"date": ["2024-03-01"], "actor": ["a"], "tone": [0.5]}),
])
def test_files_this_path_does_not_cover_are_left_to_the_in_memory_one(tmp_path, table):
    path = tmp_path / "m.parquet"
    pq.write_table(table, path)
    assert store_mentions(path, DEFAULT_LIMITS, tmp_path / "cache") is None


def test_the_same_content_is_found_in_the_cache(tmp_path):
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table(_clean(30)), path)
    store, report = store_mentions(path, DEFAULT_LIMITS, tmp_path / "cache")
    stamp = store.stat().st_mtime_ns
    copy = tmp_path / "elsewhere.parquet"
    copy.write_bytes(path.read_bytes())  # another name, the same bytes: the same store
    assert (tmp_path / "cache" / f"digest-{_stat_key(path)}").read_text() == file_digest(path)
    again, report2 = store_mentions(copy, DEFAULT_LIMITS, tmp_path / "cache")
    assert again == store and again.stat().st_mtime_ns == stamp
    assert report2 == report == read_report(store)
    # A new version of the file (other bytes, a new mtime) is hashed again: never the old store.
    pq.write_table(pa.table(_clean(31)), path)
    newer, report3 = store_mentions(path, DEFAULT_LIMITS, tmp_path / "cache")
    assert newer != store and report3.loaded == 31


def test_an_engine_on_the_store_answers_as_one_on_the_table(tmp_path):
    rng = np.random.default_rng(3)
    n = 2_000
    cols = {
        "date": pa.array((T0.timestamp() * 1e6 + rng.integers(0, 90 * 86_400, n) * 1e6).astype(np.int64), pa.timestamp("us", tz="UTC")),
        "actor": pa.array([f"Actor {i}" for i in rng.integers(0, 7, n)]),
        "tone": pa.array(rng.uniform(-1, 1, n).round(3)),
        "count": pa.array(rng.integers(1, 4, n)),
        "source": pa.array([f"s{i}" for i in rng.integers(0, 5, n)]),
    }
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table(cols), path, row_group_size=300)
    events = pa.table({
        "id": ["e1", "e2"], "date": pa.array([T0, T0 + dt.timedelta(days=3)], pa.timestamp("us", tz="UTC")),
        "actor": ["Actor 2", "Newcomer"], "target": ["Actor 5", None], "headline": ["x", "y"],
        "event_type": ["threat", "statement"], "severity": [-5.0, 0.0], "source": ["s1", "elsewhere"],
    })
    store, _ = store_mentions(path, DEFAULT_LIMITS, tmp_path / "cache")
    mem = Engine(events, load_bytes(path.read_bytes(), "mentions").table)
    disk = Engine(events, mentions_store=store)
    for sel in (Selection(), Selection(actors=("Actor 2", "Newcomer"), start=dt.date(2024, 3, 10), end=dt.date(2024, 4, 20)),
                Selection(actors=("Actor 5",), bucket="week")):
        pd_testing = pytest.importorskip("pandas.testing")
        pd_testing.assert_frame_equal(mem.series(sel), disk.series(sel))
        pd_testing.assert_frame_equal(mem.volume_by_actor(sel), disk.volume_by_actor(sel))
        assert mem.top_actors(sel) == disk.top_actors(sel)
    assert mem.date_bounds() == disk.date_bounds()
    pd_testing.assert_frame_equal(mem.actor_counts(), disk.actor_counts())
    each_m, each_d = mem.series_each(Selection(), ["Actor 1", "Newcomer"]), disk.series_each(Selection(), ["Actor 1", "Newcomer"])
    for name in each_m:
        pd_testing.assert_frame_equal(each_m[name], each_d[name])
    windows = [("Actor 1", dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 9, 12))]
    (vm, tm), (vd, td) = mem.coverages(windows)[0], disk.coverages(windows)[0]
    assert vm == pytest.approx(vd) and tm == pytest.approx(td)


def test_build_dataset_keeps_a_big_file_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "100")
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table(_clean(150)), path)
    dataset = build_dataset(None, path)
    assert dataset.reports["mentions"].loaded == 150
    assert list((tmp_path / "home" / "cache").glob("mentions-*.duckdb"))
    assert dataset.engine.series(Selection())["volume"].sum() == pc.sum(pa.table(_clean(150)).column("count")).as_py()
    monkeypatch.setenv("BOILINGPOINT_ON_DISK_ROWS", "1000")  # below the threshold: in memory, the same answer
    assert build_dataset(None, path).engine.series(Selection())["volume"].sum() == dataset.engine.series(Selection())["volume"].sum()
    assert on_disk_rows({}, memory_bytes=24 * 2**30) == 5_000_000
    assert on_disk_rows({}, memory_bytes=2**30) == 2**20  # a small machine: one row per KiB


def test_the_store_exported_to_parquet_holds_its_rows_by_date(tmp_path):
    """What Spark reads of a big file (dashboard/dataset.py): the store's loaded rows with their
    names, by date, the rejected ones not among them; written once, then found."""
    cols = _clean(40)
    cols["actor"] = pa.array([f"Actor {i % 4}" if i != 7 else "Only Rejected" for i in range(40)])
    cols["tone"] = pa.array([5.0 if i == 7 else 0.1 * (i % 9) for i in range(40)])
    cols["source"] = pa.array([None if i % 6 == 0 else f"source-{i % 3}" for i in range(40)])
    store, report = assert_same_as_general(tmp_path, pa.table(cols), row_group_size=9)
    assert report.rejected == 1
    path = store_parquet(store)
    assert path == store.with_suffix(".parquet")
    exported = pq.read_table(path)
    assert exported.schema.field("date").type == pa.timestamp("us", tz="UTC")
    assert exported.column_names == ["date", "actor", "tone", "count", "source"]
    dates = exported.column("date").to_pylist()
    assert dates == sorted(dates) and "Only Rejected" not in exported.column("actor").to_pylist()
    naive = exported.set_column(0, "date", exported.column("date").cast(pa.timestamp("us")))
    assert sorted(_rows(naive), key=str) == sorted(_stored_rows(store), key=str)
    stamp = path.stat().st_mtime_ns
    assert store_parquet(store) == path and path.stat().st_mtime_ns == stamp  # found, not written again
    assert not list(tmp_path.glob("cache/*.tmp*"))


def test_the_digest_is_the_content_digest_and_reads_only_regular_files(tmp_path):
    import os

    from dashboard.dataset import content_digest

    f = tmp_path / "x.bin"
    f.write_bytes(b"abc" * 10_000)
    assert file_digest(f, chunk=1000) == content_digest(f.read_bytes())
    with pytest.raises(OSError):
        file_digest(f, max_bytes=10)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError):
        file_digest(tmp_path / "fifo")
