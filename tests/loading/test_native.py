"""The typed Parquet path (dashboard/loading/native.py) gives the full validator's answers.

Every file here is loaded twice: through `load_bytes` (which takes the typed path when it
applies) and through the general path it replaces (parse_parquet, then validate). The
tables must hold the same rows and values, and the reports the same counts, rejections
(row, column, value, reason) and notes.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loading import DEFAULT_LIMITS, LoadLimits, load_bytes, native
from dashboard.loading.native import read_mentions

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def _parquet(table: pa.Table, **kwargs) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **kwargs)
    return buf.getvalue()


def _general(data: bytes, limits: LoadLimits = DEFAULT_LIMITS):
    """load_bytes with the typed path switched off."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(native, "read_mentions", lambda data, limits: None)
        result = load_bytes(data, "mentions", limits)
    return result.table, result.report


def _plain(table: pa.Table) -> pa.Table:
    cols = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.Table.from_arrays([pa.chunked_array(c.chunks if hasattr(c, "chunks") else [c], c.type) for c in cols],
                                names=table.column_names).combine_chunks()


def _naive(dates) -> list:
    """UTC instants as the loaded table holds them (naive UTC)."""
    return dates.cast(pa.timestamp("us")).to_pylist()


def _by_content(table: pa.Table) -> pa.Table:
    """The rows in one order decided by their values alone."""
    if table.num_rows == 0:
        return table
    return table.take(pc.sort_indices(table, [(name, "ascending") for name in table.column_names]))


def assert_same_as_general(data: bytes, limits: LoadLimits = DEFAULT_LIMITS, *, fast: bool = True):
    """Load both ways; `fast`: the typed path must have been taken (not fallen back)."""
    taken = read_mentions(data, limits)
    assert (taken is not None) == fast, "the typed path was not taken" if fast else "the typed path should not apply"
    got = load_bytes(data, "mentions", limits)
    want_table, want = _general(data, limits)
    r = got.report
    assert (r.rows_read, r.loaded, r.rejected, r.unlisted_rejections) == (want.rows_read, want.loaded, want.rejected, want.unlisted_rejections)
    assert r.rejections == want.rejections
    assert r.notes == want.notes
    assert r.columns == want.columns
    assert r.file_format == want.file_format
    # The same rows; the typed path keeps the file's order, the general one sorts by date.
    a, b = _by_content(_plain(got.table)), _by_content(_plain(want_table))
    assert a.schema == b.schema
    assert a.equals(b), (a.slice(0, 5).to_pylist(), b.slice(0, 5).to_pylist())
    return got


def _clean(n: int = 50, tz: str | None = "UTC") -> dict:
    return {
        "date": pa.array([T0 + dt.timedelta(hours=i) for i in range(n)], pa.timestamp("us", tz=tz)),
        "actor": pa.array([f"Actor {i % 4}" for i in range(n)]),
        "tone": pa.array([round(math.sin(i) * 0.9, 3) for i in range(n)], pa.float64()),
        "count": pa.array([1 + i % 5 for i in range(n)], pa.int64()),
        "source": pa.array([f"source-{i % 3}" for i in range(n)]),
    }


def test_a_clean_file_takes_the_typed_path_and_loads_every_row():
    got = assert_same_as_general(_parquet(pa.table(_clean())))
    assert got.report.loaded == 50 and got.report.rejected == 0
    assert got.table.column("actor").type == pa.dictionary(pa.int32(), pa.string())


def test_the_suspects_get_the_validators_reasons_and_the_rest_load():
    cols = _clean(12)
    cols["actor"] = pa.array(["A", "", "  B ", None, "C\x00", "D", "E", "F", "G", "H", "I", "J"])
    cols["tone"] = pa.array([0.1, 0.2, 0.3, 0.4, 0.5, 1.5, float("nan"), float("inf"), None, -1.0, 1.0, -2.0])
    cols["count"] = pa.array([1, 1, 1, 1, 1, 1, 1, 1, None, 0, -3, 1])
    got = assert_same_as_general(_parquet(pa.table(cols)))
    reasons = {(r.record, r.column): r.reason for r in got.report.rejections}
    assert reasons[(2, "actor")] == "a required value is empty"
    assert reasons[(6, "tone")] == "must be between -1 and 1"
    assert reasons[(8, "tone")] == "not a finite number"
    assert reasons[(10, "count")] == "must be at least 1"
    assert "  B " not in got.table.column("actor").to_pylist() and "B" in _plain(got.table).column("actor").to_pylist()


def test_fractional_and_missing_counts_in_a_float_column():
    cols = _clean(6)
    cols["count"] = pa.array([1.0, 2.5, None, float("nan"), 3.0, float("-inf")])
    got = assert_same_as_general(_parquet(pa.table(cols)))
    assert got.report.rejected == 2
    assert _plain(got.table).column("count").to_pylist() == [1, 1, 1, 3]


def test_dates_without_a_zone_are_read_as_utc_and_said_so():
    got = assert_same_as_general(_parquet(pa.table(_clean(10, tz=None))))
    assert any("no time zone" in n for n in got.report.notes)


def test_dates_as_dates_and_second_precision():
    cols = _clean(5)
    cols["date"] = pa.array([dt.date(2024, 1, d) for d in (5, 1, 3, 3, 2)], pa.date32())
    assert_same_as_general(_parquet(pa.table(cols)))
    cols["date"] = pa.array([dt.datetime(2024, 1, 1, 0, 0, s) for s in (5, 1, 3, 3, 2)], pa.timestamp("s", tz="Europe/Paris"))
    assert_same_as_general(_parquet(pa.table(cols)))


def test_rows_out_of_order_keep_the_files_order():
    cols = _clean(30)
    order = np.random.default_rng(1).permutation(30)
    shuffled = pa.table(cols).take(pa.array(order))
    got = assert_same_as_general(_parquet(shuffled, row_group_size=7))
    assert got.table.column("date").to_pylist() == _naive(shuffled.column("date"))


def test_suspects_that_load_come_back_in_the_files_place():
    cols = _clean(12)
    cols["actor"] = pa.array(["A", " B", "C", "D ", "E", "F", "G", "H", "I", "J", "K", "L"])  # trimmed, then loaded
    shuffled = pa.table(cols).take(pa.array(np.random.default_rng(2).permutation(12)))
    got = assert_same_as_general(_parquet(shuffled))
    assert got.table.column("date").to_pylist() == _naive(shuffled.column("date"))


def test_null_dates_missing_optional_columns_and_extra_text_columns():
    cols = _clean(8)
    cols["date"] = pa.array([T0, None] + [T0 + dt.timedelta(days=i) for i in range(6)], pa.timestamp("us", tz="UTC"))
    del cols["tone"], cols["source"]
    cols["Note"] = pa.array(["x", " y ", "", None, "z", "a", "b", "c"])
    cols["Text"] = pa.array(["good news", "bad", "", None, "awful, terrible", "fine", "great", "meh"])
    got = assert_same_as_general(_parquet(pa.table(cols)))
    assert got.report.rejected == 1
    assert any("VADER" in n for n in got.report.notes)


def test_every_row_a_suspect_still_gives_the_validators_answer():
    cols = _clean(40)
    cols["actor"] = pa.array([f" Actor {i} " for i in range(40)])
    got = assert_same_as_general(_parquet(pa.table(cols)))
    assert got.report.loaded == 40


def test_rejections_beyond_the_listing_cap_are_counted():
    cols = _clean(60)
    cols["tone"] = pa.array([5.0] * 60)
    limits = LoadLimits(max_listed_rejections=10)
    got = assert_same_as_general(_parquet(pa.table(cols)), limits)
    assert got.report.rejected == 60 and len(got.report.rejections) == 10 and got.report.unlisted_rejections == 50


@pytest.mark.parametrize("table", [
    pa.table({"date": pa.array([T0], pa.timestamp("us", tz="UTC")), "actor": ["a"], "tone": pa.array([0.5], pa.float32())}),
    pa.table({"date": pa.array([T0], pa.timestamp("ns", tz="UTC")), "actor": ["a"], "tone": [0.5]}),
    pa.table({"date": ["2024-03-01"], "actor": ["a"], "tone": [0.5]}),
    pa.table({"date": pa.array([T0], pa.timestamp("us", tz="UTC")), "actor": ["a"], "tone": [0.5], "extra": [1]}),
    pa.table({"date": pa.array([T0], pa.timestamp("us", tz="UTC")), "actor": [["a", "b"]], "tone": [0.5]}),
], ids=["float32", "nanoseconds", "text-dates", "numeric-extra", "nested"])
def test_files_the_typed_path_does_not_cover_go_the_general_way(table):
    assert_same_as_general(_parquet(table), fast=False)


def test_a_file_without_the_required_columns_gets_the_general_error():
    data = _parquet(pa.table({"when": pa.array([T0], pa.timestamp("us", tz="UTC")), "who": ["a"], "tone": [0.1]}))
    assert read_mentions(data, DEFAULT_LIMITS) is None
    assert load_bytes(data, "mentions").report.error.code == "missing-label"


_tone = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([-1.0, 1.0, 0.0, -0.05]))
_count = st.one_of(st.none(), st.integers(-2, 5))
_name = st.one_of(st.none(), st.sampled_from(["A", "B", " A", "A ", "", "\x00", "Ünïcode", "  ", "NA"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.integers(0, 500), _name, _tone, _count, _name), min_size=0, max_size=40))
def test_any_mix_of_values_gives_the_same_answer_both_ways(rows):
    table = pa.table({
        "date": pa.array([None if h == 500 else T0 + dt.timedelta(hours=h) for h, *_ in rows], pa.timestamp("ms", tz="UTC")),
        "actor": pa.array([r[1] for r in rows], pa.string()),
        "tone": pa.array([r[2] for r in rows], pa.float64()),
        "count": pa.array([r[3] for r in rows], pa.int64()),
        "source": pa.array([r[4] for r in rows], pa.string()),
    })
    assert_same_as_general(_parquet(table, row_group_size=16))


def test_a_file_holding_exactly_the_loaded_rows_is_offered_in_place(tmp_path):
    from dashboard.loading import load_path

    clean = tmp_path / "clean.parquet"
    pq.write_table(pa.table(_clean(20)), clean)
    result = load_path(clean, "mentions")
    assert result.source is not None and result.source.path == clean.resolve() and result.source.rejected == 0

    for name, change in (("nan", {"tone": pa.array([float("nan")] + [0.1] * 19)}),
                         ("missing-count", {"count": pa.array([None] + [1] * 19, pa.int64())}),
                         ("trimmed", {"actor": pa.array([" A"] + ["A"] * 19)}),
                         ("rejected", {"tone": pa.array([3.0] + [0.1] * 19)}),
                         ("text", {"text": pa.array(["fine"] * 20)})):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({**_clean(20), **change}), path)
        assert load_path(path, "mentions").source is None, name  # the table differs from the file
