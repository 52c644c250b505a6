"""The engine's sums of fractions (tone × count, coverage weights, severities) are exact, so a
query's answer does not depend on how DuckDB's two threads split the rows (query/daily.py
`fixed`): the same query twice gives the same floats, the per-row and the per-day paths give
the same floats, and a mean is the exact mean rounded once (not a double sum's drift).

The tables are large enough (several of DuckDB's 122,880-row groups) for both threads to take
part; on a double `sum(tone * count)` each of these failed (means 1 ulp apart between runs).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard.contract import Selection
from dashboard.query.duckdb_engine import Engine

ROWS = 600_000
START = dt.datetime(2024, 1, 1)


def _mentions(seed: int, tones: np.ndarray | None = None, counts: np.ndarray | None = None) -> pa.Table:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 30 * 86_400, ROWS)
    tone = rng.uniform(-1, 1, ROWS) if tones is None else tones
    tone_mask = rng.random(ROWS) < 0.1  # a tenth without tone
    return pa.table({
        "date": pa.array(np.datetime64(START, "us") + seconds.astype("timedelta64[s]"), pa.timestamp("us")),
        "actor": pa.array(rng.choice(["Acme", "Birch", "Cobalt"], ROWS)),
        "tone": pa.array(tone, pa.float64(), mask=tone_mask),
        "count": pa.array(rng.integers(1, 6, ROWS) if counts is None else counts, pa.int64()),
        "source": pa.array(rng.choice(["wire", "blog", "paper", "tv"], ROWS)),
    })


def _events(seed: int, rows: int = 300_000) -> pa.Table:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 30 * 86_400, rows)
    return pa.table({
        "id": pa.array([f"e{i}" for i in range(rows)]),
        "date": pa.array(np.datetime64(START, "us") + seconds.astype("timedelta64[s]"), pa.timestamp("us")),
        "actor": pa.array(rng.choice(["Acme", "Birch", "Cobalt"], rows)),
        "target": pa.array(rng.choice(["Acme", "Birch", "Dune"], rows)),
        "event_type": pa.array(["statement"] * rows),
        "severity": pa.array(np.round(rng.uniform(-10, 10, rows), 1)),  # one decimal: not exact in binary
        "headline": pa.array(["something happened"] * rows),
    })


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(_events(2), _mentions(1))


def _same(a: pd.Series, b: pd.Series) -> bool:
    return np.array_equal(a.to_numpy(dtype=float), b.to_numpy(dtype=float), equal_nan=True)


def test_the_same_query_gives_the_same_floats(engine):
    sel = Selection(bucket="day")
    first = engine.series(sel)
    week = engine.series(Selection(bucket="week"))
    for _ in range(6):  # the per-row query, then (from the second whole-range query on) the daily table
        assert _same(engine.series(sel)["tone"], first["tone"])
        assert _same(engine.series(sel)["conflict"], first["conflict"])
        assert _same(engine.series(Selection(bucket="week"))["tone"], week["tone"])


def test_per_row_and_per_day_paths_agree_to_the_bit():
    rows, days = Engine(None, _mentions(3)), Engine(None, _mentions(3))
    sel = Selection(bucket="day")
    days.series(sel), days.series(sel)  # the second whole-range series makes the daily table
    assert days._daily == "made" and rows._daily == "unasked"
    assert _same(rows.series(sel)["tone"], days.series(sel)["tone"])
    window = Selection(bucket="day", start=dt.date(2024, 1, 5), end=dt.date(2024, 1, 20), actors=("Birch",))
    assert _same(rows.series(window)["tone"], days.series(window)["tone"])


def test_series_each_and_volume_by_actor_repeat_exactly(engine):
    sel = Selection(bucket="day")
    each = [engine.series_each(sel, ["Acme", "Birch", "Cobalt"]) for _ in range(4)]
    for other in each[1:]:
        for actor in ("Acme", "Birch", "Cobalt"):
            assert _same(other[actor]["tone"], each[0][actor]["tone"])
            assert _same(other[actor]["conflict"], each[0][actor]["conflict"])
    shares = [engine.volume_by_actor(sel) for _ in range(4)]
    for other in shares[1:]:
        assert _same(other["tone"], shares[0]["tone"])


def test_coverages_and_matrix_repeat_exactly(engine):
    windows = [(actor, START + dt.timedelta(days=d, hours=7), START + dt.timedelta(days=d + 9, hours=3))
               for actor in ("Acme", "Birch") for d in range(0, 20, 4)]
    runs = [engine.coverages(windows) for _ in range(4)]
    assert all(run == runs[0] for run in runs[1:])
    matrices = [engine.matrix(Selection()) for _ in range(4)]
    for other in matrices[1:]:
        assert _same(other["mean_severity"], matrices[0]["mean_severity"])


def test_a_mean_is_the_exact_mean_rounded_once():
    # Tones that are whole numbers of 2^-20 (every double of ±1/16 or more is exact in 2^-56ths):
    # the engine's sum is then exact, and its mean the exact mean within two roundings.
    rng = np.random.default_rng(5)
    tones = rng.integers(-(2**20), 2**20, ROWS) / 2**20
    table = _mentions(5, tones=tones)
    got = Engine(None, table).series(Selection(bucket="week"))
    frame = table.to_pandas()
    frame = frame[frame["tone"].notna()]
    week = frame["date"].dt.to_period("W-SUN").dt.start_time
    checked = 0
    for start, part in frame.groupby(week):
        total = sum(Fraction(int(t * 2**20), 2**20) * int(c) for t, c in zip(part["tone"], part["count"]))
        exact = float(total / int(part["count"].sum()))
        value = float(got.loc[got["date"] == start, "tone"].iloc[0])
        assert abs(value - exact) <= 2 * np.spacing(abs(exact)), (start, value, exact)
        checked += 1
    assert checked >= 4


def test_counts_at_their_cap_sum_without_overflow():
    # A count may be 10^11 (column_sql.MAX_WHOLE): 600,000 of them at tone ±1 stay within 128 bits.
    rng = np.random.default_rng(7)
    tones = rng.choice([-1.0, 1.0], ROWS)
    table = _mentions(7, tones=tones, counts=np.full(ROWS, 10**11))
    got = Engine(None, table).series(Selection(bucket="week"))
    frame = table.to_pandas()
    frame = frame[frame["tone"].notna()]
    assert int(got["toned"].sum()) == len(frame) * 10**11
    overall = (got["tone"] * got["toned"]).sum() / got["toned"].sum()
    assert overall == pytest.approx(frame["tone"].mean(), abs=1e-12)


def test_the_daily_sums_made_ahead_give_the_series_the_rows_give(monkeypatch):
    """prepare_daily (the page's background step) makes the table before any series asks, and
    every series after reads it, with the per-row answers to the bit; where the table would be
    too big it is refused, and the series stay on the rows."""
    rows, ahead = Engine(None, _mentions(4)), Engine(None, _mentions(4))
    assert ahead.prepare_daily() and ahead._daily == "made"
    assert ahead.prepare_daily()  # once made, asked again: nothing more
    whole = Selection(bucket="day")
    window = Selection(bucket="week", start=dt.date(2024, 1, 3), end=dt.date(2024, 1, 24), actors=("Acme", "Cobalt"))
    for sel in (whole, window):
        got, want = ahead.series(sel), rows.series(sel)
        for column in ("volume", "tone", "negative_share", "sources"):
            assert _same(got[column], want[column]), column
    assert rows._daily == "asked"  # the rows' engine: one whole-range series, no table yet
    from dashboard.query import daily

    monkeypatch.setattr(daily, "MAX_DAILY_ROWS", 10)
    small = Engine(None, _mentions(4))
    assert not small.prepare_daily() and small._daily == "refused"
    assert _same(small.series(whole)["tone"], rows.series(whole)["tone"])


def test_a_window_asked_while_the_daily_sums_are_being_made_is_read_from_the_rows():
    """While prepare_daily holds the table's lock (making it in the background), a window's
    series does not wait for it: it reads the rows, with the same answer to the bit."""
    engine, rows = Engine(None, _mentions(5)), Engine(None, _mentions(5))
    window = Selection(bucket="day", start=dt.date(2024, 1, 4), end=dt.date(2024, 1, 18), actors=("Birch",))
    with engine._daily_lock:  # as prepare_daily holds it while it makes the table
        assert not engine._daily_made(window)
        got = engine.series(window)
    assert _same(got["tone"], rows.series(window)["tone"]) and engine._daily == "unasked"
    assert engine.prepare_daily() and engine._daily_made(window)
