"""Mentions not in date order are clustered by date when the engine is built (query/codes.py
`date_clustering`, `in_order`), so a window's query reads only its row groups (issue 18: the
real-shaped, unsorted files). The order is a permutation that groups rows by date bucket and
keeps each bucket's rows in their order; the engine answers every question as it did on the
rows in file order, and the narrative filter still finds each mention's text (by `row`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.contract import NarrativeFilter, Selection
from dashboard.query import codes
from dashboard.query.codes import CLUSTER_BUCKETS, date_clustering, in_order
from dashboard.query.duckdb_engine import Engine

MICROS = st.integers(min_value=-62_135_596_800 * 10**6, max_value=253_402_300_799 * 10**6)  # years 1–9999


def _dates(values) -> pa.Table:
    return pa.table({"date": pa.array(np.array(values, dtype="int64"), pa.int64()).cast(pa.timestamp("us"))})


@settings(max_examples=300, deadline=None)
@given(st.lists(MICROS, min_size=0, max_size=300) | st.lists(st.integers(0, 5_000), min_size=0, max_size=300))
def test_clustering_is_a_stable_permutation_by_date_bucket(values):
    table = _dates(values)
    order = date_clustering(table)
    if order is None:
        assert values == sorted(values)  # only rows already in date order are left as they are
        return
    assert values != sorted(values)
    at = order.to_numpy()
    assert sorted(at.tolist()) == list(range(len(values)))  # every row once
    got = np.array(values, dtype=object)[at]
    # clustered: a later row is never earlier than an earlier one by a bucket's width or more
    width = -(-(max(values) - min(values) + 1) // CLUSTER_BUCKETS) * 2
    assert all(later > earlier - width for i, earlier in enumerate(got) for later in got[i + 1:])
    # stable: rows of one date keep their order
    for v in set(values):
        positions = [p for p in at if values[p] == v]
        assert positions == sorted(positions)


def test_clustering_sorts_exactly_when_the_dates_fall_in_distinct_buckets():
    values = [5, 3, 9, 1, 7, 0, 2]
    order = date_clustering(_dates(values))
    assert [values[i] for i in order.to_pylist()] == sorted(values)


def test_clustering_leaves_sorted_rows_and_rows_without_a_date_alone():
    assert date_clustering(_dates([1, 2, 2, 3])) is None
    assert date_clustering(_dates([])) is None
    missing = pa.table({"date": pa.array([3, None, 1], pa.int64()).cast(pa.timestamp("us"))})
    assert date_clustering(missing) is None


def test_clustering_reads_other_units_and_zones_as_instants():
    ms = pa.table({"date": pa.array([3_000, 1_000, 2_000], pa.int64()).cast(pa.timestamp("ms", tz="UTC"))})
    assert date_clustering(ms).to_pylist() == [1, 2, 0]


@pytest.mark.parametrize("piece", [1, 2, 3, 1000])
def test_in_order_streams_the_rows_in_order_with_their_positions(monkeypatch, piece):
    monkeypatch.setattr(codes, "ORDER_PIECE", piece)
    table = pa.Table.from_batches([
        pa.record_batch({"date": pa.array([4, 2], pa.int64()), "tone": pa.array([0.5, None])}),
        pa.record_batch({"date": pa.array([3, 1, 0], pa.int64()), "tone": pa.array([None, -1.0, 2.0])}),
    ])
    order = pa.array([4, 3, 1, 2, 0])
    got = in_order(table, order, "row").read_all()
    assert got.column("date").to_pylist() == [0, 1, 2, 3, 4]
    assert got.column("tone").to_pylist() == [2.0, -1.0, None, None, 0.5]
    assert got.column("row").to_pylist() == [4, 3, 1, 2, 0]
    assert in_order(table, order).read_all().column_names == ["date", "tone"]


# --- the engine on the same rows in file order and shuffled ---------------------------------

ROWS = 400_000  # several of DuckDB's 122,880-row groups
START = dt.datetime(2024, 1, 1)
WORDS = np.array(["ban", "tax", "deal", "court", "app", "data", ""])


def _mentions(rng: np.random.Generator, text: bool) -> pa.Table:
    seconds = np.sort(rng.integers(0, 60 * 86_400, ROWS))
    columns = {
        "date": pa.array(np.datetime64(START, "us") + seconds.astype("timedelta64[s]"), pa.timestamp("us")),
        "actor": pa.array(rng.choice(["Acme", "Birch", "Cobalt", "Dune"], ROWS)),
        "tone": pa.array(rng.uniform(-1, 1, ROWS), pa.float64(), mask=rng.random(ROWS) < 0.1),
        "count": pa.array(rng.integers(1, 6, ROWS), pa.int64()),
        "source": pa.array(rng.choice(["wire", "blog", "paper"], ROWS)),
    }
    if text:
        columns["text"] = pa.array([f"{a} {b}".strip() for a, b in zip(rng.choice(WORDS, ROWS), rng.choice(WORDS, ROWS))])
    return pa.table(columns)


@pytest.fixture(scope="module", params=[False, True], ids=["no-text", "text"])
def engines(request):
    rng = np.random.default_rng(11)
    ordered = _mentions(rng, request.param)
    shuffled = ordered.take(pa.array(rng.permutation(ROWS)))
    a, b = Engine(mentions=ordered), Engine(mentions=shuffled)
    yield a, b, request.param
    a.close()
    b.close()


def _selections(text: bool):
    window = dict(start=dt.date(2024, 1, 20), end=dt.date(2024, 2, 10))
    out = [Selection(), Selection(actors=("Acme", "Cobalt"), **window), Selection(bucket="hour", **window),
           Selection(actors=("Birch",), bucket="week")]
    if text:
        out.append(Selection(narratives=(NarrativeFilter("n", ("ban", "court")),), **window))
    return out


def test_the_engine_answers_the_same_on_shuffled_rows(engines):
    ordered, shuffled, text = engines
    for sel in _selections(text):
        pd.testing.assert_frame_equal(ordered.series(sel), shuffled.series(sel))
        a, b = ordered.series_each(sel, ["Acme", "Dune"]), shuffled.series_each(sel, ["Acme", "Dune"])
        assert a.keys() == b.keys()
        for k in a:
            pd.testing.assert_frame_equal(a[k], b[k])
        key = ["actor", *[c for c in ordered.volume_by_actor(sel).columns if c != "actor"]]
        pd.testing.assert_frame_equal(ordered.volume_by_actor(sel).sort_values(key).reset_index(drop=True),
                                      shuffled.volume_by_actor(sel).sort_values(key).reset_index(drop=True))
        assert ordered.top_actors(sel) == shuffled.top_actors(sel)
    assert ordered.date_bounds() == shuffled.date_bounds()
    if text:
        sel = _selections(text)[-1]
        lo, hi = dt.datetime(2024, 1, 20), dt.datetime(2024, 2, 10)
        pd.testing.assert_frame_equal(ordered.text_groups(sel, lo, hi), shuffled.text_groups(sel, lo, hi))
        pd.testing.assert_frame_equal(ordered.text_evidence(sel), shuffled.text_evidence(sel))


def test_shuffled_rows_are_stored_clustered_by_date(engines):
    """The rows as DuckDB stores them: in date order up to one bucket (so zone maps skip)."""
    _, shuffled, _ = engines
    dates = np.array([r[0] for r in shuffled._con.execute("SELECT epoch_us(date) FROM mentions").fetchall()])
    width = -(-(dates.max() - dates.min() + 1) // CLUSTER_BUCKETS) * 2
    assert (np.maximum.accumulate(dates) - dates).max() < width


def test_shuffled_rows_keep_their_texts_rows(engines):
    """The narrative filter finds a mention by its position in the loaded table."""
    _, shuffled, text = engines
    if not text:
        pytest.skip("no texts")
    rows = shuffled._con.execute(
        "SELECT count(*), count(*) FILTER (WHERE m.date = t.date AND m.actor = t.actor AND m.count = t.count) FROM texts t "
        "JOIN (SELECT rowid AS r, * FROM mentions) m ON m.r = t.row").fetchall()[0]
    assert rows[0] == shuffled.text_rows and rows[0] == rows[1]
