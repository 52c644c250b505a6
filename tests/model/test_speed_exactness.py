"""What the model does to be cheap must not change what it says: the short-sequence median is
numpy's, value for value, and the source's total is asked of the engine once per span."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from dashboard.contract import Selection
from dashboard.model import attention
from dashboard.model.analysis import analyse, source_volume
from dashboard.query.duckdb_engine import Engine

values = st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64),
                            st.integers(-10**6, 10**6).map(float)), max_size=60)


@given(values)
def test_short_median_is_numpys(xs):
    ours, theirs = attention.short_median(np.asarray(xs, dtype=float)), float(np.median(np.asarray(xs, dtype=float))) if xs else math.nan
    assert (math.isnan(ours) and math.isnan(theirs)) or ours == theirs  # the same bits, not nearly
    assert attention.short_median(list(xs)) == ours or (math.isnan(ours) and math.isnan(attention.short_median(list(xs))))


def test_short_median_of_a_nan_is_nan():
    assert math.isnan(attention.short_median([1.0, float("nan"), 2.0]))
    assert math.isnan(attention.short_median([]))


def _engine() -> Engine:
    days = [dt.datetime(2024, 1, 1) + dt.timedelta(days=d) for d in range(120)]
    rows = [(day, actor) for day in days for actor in ("A", "B", "C")]
    return Engine(mentions=pa.table({
        "date": pa.array([r[0] for r in rows], pa.timestamp("us")),
        "actor": pa.array([r[1] for r in rows]),
        "count": pa.array([1 + (i % 7) for i in range(len(rows))], pa.int64()),
        "tone": pa.array([0.0] * len(rows)),
    }))


def test_the_source_total_is_asked_once_per_span_whatever_the_actors(monkeypatch):
    engine = _engine()
    asked = []
    real = engine.volume
    monkeypatch.setattr(engine, "volume", lambda sel: asked.append(sel) or real(sel))
    first = source_volume(engine, Selection(actors=("A",)))
    again = source_volume(engine, Selection(actors=("B", "C")))
    assert len(asked) == 1 and asked[0].actors == ()
    assert first.equals(again) and int(first.sum()) == int(engine.series(Selection())["volume"].sum())
    source_volume(engine, Selection(actors=("A",), bucket="week"))  # another bucket: asked again
    assert len(asked) == 2
    engine.close()


def test_an_analysis_with_the_kept_total_is_the_analysis_without_it():
    engine = _engine()
    sel = Selection(actors=("B",))
    source_volume(engine, Selection(actors=("A",), start=sel.start, end=sel.end))  # kept beforehand
    kept = analyse(engine, sel).table
    fresh = analyse(_engine(), sel).table  # a new engine: nothing kept
    assert kept.equals(fresh)
    engine.close()
