"""The fast paths give the answers of the slow ones they replaced.

PELT (signals.pelt_l2) against ruptures, the trailing baseline against its loop, the
leaderboard's one-pass series (Engine.series_each) against one series per actor, and the
batched claim/retraction coverage against a brute-force count.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dashboard.contract import Selection
from dashboard.demo import DATASETS
from dashboard.loading import load_bytes, load_path
from dashboard.model.escalation import trailing_baseline
from dashboard.model.signals import pelt_l2
from dashboard.query.duckdb_engine import Engine


def _signal(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 300))
    kind = seed % 4
    if kind == 0:
        x = rng.normal(0, 1, n)
    elif kind == 1:
        x = np.repeat(rng.normal(0, 3, n // 7 + 1), 7)[:n] + rng.normal(0, 0.3, n)
    elif kind == 2:
        x = np.log1p(rng.poisson(rng.choice([2.0, 30.0]), n).astype(float) * rng.lognormal(0, 0.1, n))
    else:
        x = np.cumsum(rng.normal(0, 0.2, n)) + rng.normal(0, 1, n)
    return ((x - x.mean()) / x.std()).reshape(-1, 1)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("jump", [1, 3])
def test_pelt_l2_finds_the_breakpoints_ruptures_finds(seed, jump):
    ruptures = pytest.importorskip("ruptures")
    z = _signal(seed)
    pen = 3.0 * math.log(len(z))
    expected = ruptures.Pelt(model="l2", min_size=2, jump=jump).fit(z).predict(pen=pen)
    assert pelt_l2(z, pen, min_size=2, jump=jump) == expected


def _baseline_loop(values, window, min_history):
    n = len(values)
    med, spread, hist = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=int)
    for i in range(n):
        past = values[max(0, i - window): i]
        past = past[~np.isnan(past)]
        hist[i] = len(past)
        if len(past) >= min_history:
            med[i] = float(np.median(past))
            spread[i] = 1.4826 * float(np.median(np.abs(past - med[i])))
    return med, spread, hist


@pytest.mark.parametrize("seed", range(10))
def test_trailing_baseline_is_the_loop_it_replaced_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    values = rng.lognormal(3, 1, 200)
    values[rng.random(200) < 0.1] = np.nan
    for got, want in zip(trailing_baseline(values, 14, 3), _baseline_loop(values, 14, 3)):
        np.testing.assert_array_equal(got, want)


@pytest.fixture(scope="module")
def demo() -> Engine:
    d = DATASETS["tiktok-2020"]
    return Engine(load_path(d.events, "events").table, load_path(d.mentions, "mentions").table)


@pytest.mark.parametrize("sel", [
    Selection(),
    Selection(start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 31)),
    Selection(start=dt.date(2020, 8, 1), end=dt.date(2020, 8, 2), bucket="hour"),
    Selection(bucket="week", targets=("TikTok",)),
    Selection(event_types=("policy", "threat"), start=dt.date(2020, 9, 1)),
])
def test_engine_series_each_is_one_series_per_actor(demo, sel):
    names = demo.actor_counts()["actor"].tolist()[:12] + ["Nobody at all"]
    each = demo.series_each(sel, names)
    for name in names:
        pd.testing.assert_frame_equal(each[name].reset_index(drop=True), demo.series(replace(sel, actors=(name,))), rtol=1e-12)


def test_engine_coverages_count_instants_and_shares_of_days_by_hand():
    events = load_bytes(
        b"id,date,actor,headline\na,2024-05-01T10:00:00Z,Acme,x\n", "events").table
    mentions = load_bytes(
        b"date,actor,tone,count\n"
        b"2024-05-01,Acme,-0.5,24\n"  # a daily row: counts for the part of its day inside
        b"2024-05-01T11:00:00Z,Acme,0.5,1\n"  # an instant
        b"2024-05-02T09:00:00Z,Acme,,3\n"  # no tone
        b"2024-05-03T09:00:00Z,Beta,1,100\n",  # another actor
        "mentions").table
    engine = Engine(events, mentions)
    at = lambda h: dt.datetime(2024, 5, 1) + dt.timedelta(hours=h)  # noqa: E731
    windows = [("Acme", at(12), at(36)), ("Acme", at(0), at(6)), ("Beta", at(0), at(1)), ("Nobody", at(0), at(99))]
    got = engine.coverages(windows)
    # 12:00 on the 1st to 12:00 on the 2nd: half the daily row (12), the 11:00 instant is
    # before, the 09:00 instant on the 2nd counts (3, no tone): volume 15, tone of the 12.
    assert got[0][0] == pytest.approx(15.0) and got[0][1] == pytest.approx(-0.5)
    assert got[1][0] == pytest.approx(6.0) and got[1][1] == pytest.approx(-0.5)
    assert got[2] == (0.0, None) and got[3] == (0.0, None)


@pytest.mark.parametrize("sel", [
    Selection(),
    Selection(actors=("TikTok",)),
    Selection(start=dt.date(2020, 7, 1), end=dt.date(2020, 8, 15), bucket="hour"),
    Selection(actors=("Amazon", "Microsoft"), bucket="week"),
])
def test_the_overview_strip_has_the_stages_and_index_of_the_full_analysis(demo, sel):
    from dashboard.model.analysis import analyse, overview

    strip = overview(demo, sel)
    table = analyse(demo, sel).table
    assert len(strip) == len(table) > 0
    pd.testing.assert_frame_equal(strip.drop(columns=["alerts", "change_point"]),
                                  table.drop(columns=["alerts", "change_point"]))


def test_an_engine_holding_only_the_asked_actors_keeps_their_rows_whole():
    """build_dataset(only_actors=...) validates every row and holds the asked actors' rows as
    the full engine does, claim/retraction pairs included (a claim's actor is kept even when
    not asked for). Model v2 measures attention against the source's total coverage, which
    such an engine does not hold, so the CLI no longer takes this path to score; what does not
    depend on the total is the same."""
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse

    d = DATASETS["tiktok-2020"]
    full = build_dataset(d.events, d.mentions)
    asked = ["Amazon", "Microsoft", "Donald Trump", "TikTok", "Oracle", "no such actor"]
    same = ["date", "volume", "tone", "negative_share", "events", "severity", "conflict", "c_tone", "c_severity"]
    with_pairs = 0
    for actor in asked:
        small = build_dataset(d.events, d.mentions, only_actors=(actor,))
        assert small.reports["mentions"].loaded == full.reports["mentions"].loaded  # every row still validated
        sel = Selection(actors=(actor,))
        a, b = analyse(full.engine, sel), analyse(small.engine, sel)
        if len(a.table):
            pd.testing.assert_frame_equal(a.table[same], b.table[same])
        pd.testing.assert_frame_equal(a.pairs, b.pairs)
        with_pairs += len(a.pairs) > 0
    assert with_pairs, "no asked actor has a claim/retraction pair: the test proves nothing"
    kept = build_dataset(d.events, d.mentions, only_actors=("Microsoft",))
    assert any("the engine holds" in n for n in kept.reports["mentions"].notes)


@pytest.mark.parametrize("seed", range(30))
def test_the_nearest_event_of_a_change_point_is_the_one_the_pandas_version_picks(seed):
    from dashboard.model.signals import _nearest_event, _NearestEvent

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    base = pd.Timestamp("2024-03-01")
    # Few distinct instants and severities: ties in both, and missing severities.
    dates = base + pd.to_timedelta(rng.integers(0, 12, n) * 6, unit="h")
    severity = rng.choice([-8.0, -3.0, 0.0, 2.0, np.nan], n)
    events = pd.DataFrame({"id": [f"e{i}" for i in range(n)], "date": dates, "actor": "A",
                           "headline": [f"h{i}" for i in range(n)], "severity": severity})
    events = events.sort_values("date", kind="stable").reset_index(drop=True)
    fast = _NearestEvent(events)
    for hours in range(0, 96, 5):
        when = base + pd.Timedelta(hours=hours)
        for days in (1, 3):
            want = _nearest_event(events, when, pd.Timedelta(days=days))
            got = fast(when, pd.Timedelta(days=days))
            assert got.keys() == want.keys()
            for k in want:
                assert (pd.isna(got[k]) and pd.isna(want[k])) or got[k] == want[k], (k, got, want)
