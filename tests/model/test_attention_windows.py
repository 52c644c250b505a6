"""The attention loop's sliding medians are kept sorted instead of sorted on every bucket
(issue 18): what it says must not change. Every array of the Attention result is compared,
value for value (NaN where NaN, the sign of zero too), with the loop as it was
(tests/model/reference_attention.py, a frozen copy), on random series with NaNs, zeros,
collection steps and gaps, in share and count modes, on day and other buckets."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.model import attention
from dashboard.model.escalation import DEFAULT_PARAMS, score
from tests.model import reference_attention as reference

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(a, b) -> bool:
    """Equal as values, NaN where NaN, and the same sign on every zero."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


def assert_same_attention(new: attention.Attention, old) -> None:
    for field in ("known", "reference", "expected", "ratio", "z", "component", "frozen", "episode_start", "weekday"):
        assert same(getattr(new, field), getattr(old, field)), field
    assert new.why_unknown == old.why_unknown
    assert new.steps == old.steps


@st.composite
def series(draw):
    """(volume, total, dates, params, share, day_buckets): a count stream with the shapes that
    take the loop's branches — levels that step up or down, gaps, zeros, bursts, NaNs."""
    n = draw(st.integers(0, 180))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    level = np.full(n, draw(st.sampled_from([0.0, 0.3, 2.0, 12.0, 80.0])))
    for _ in range(draw(st.integers(0, 3))):  # collection steps (or a story's plateau): from t on, x factor
        if n:
            level[draw(st.integers(0, n - 1)):] *= draw(st.sampled_from([0.2, 0.5, 3.0, 4.0, 10.0]))
    kind = draw(st.sampled_from(["poisson", "bursty", "real"]))
    if kind == "poisson":
        volume = rng.poisson(level).astype(float)
    elif kind == "bursty":
        volume = rng.negative_binomial(2, 2 / (2 + level + 1e-9)).astype(float)
    else:  # not counts: shares, fractions, the odd huge value
        volume = rng.gamma(1.5, level + 0.1) * rng.choice([1.0, 1.0, 1.0, 0.0, 1e6], size=n)
    for _ in range(draw(st.integers(0, 2))):  # bursts
        if n:
            t = draw(st.integers(0, n - 1))
            volume[t:t + draw(st.integers(1, 12))] *= draw(st.sampled_from([3.0, 8.0, 40.0]))
    others = rng.poisson(level * draw(st.sampled_from([0.0, 1.0, 5.0]))).astype(float)
    total = volume + others
    for _ in range(draw(st.integers(0, 3))):  # gaps: the whole source recorded nothing
        if n:
            t = draw(st.integers(0, n - 1))
            gap = slice(t, t + draw(st.integers(1, 5)))
            volume[gap], total[gap] = 0.0, 0.0
    if n and draw(st.booleans()):  # quiet head and tail
        volume[: draw(st.integers(0, n))] = 0.0
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):  # NaNs in the volume or the total
        if n:
            (volume if draw(st.booleans()) else total)[draw(st.integers(0, n - 1))] = math.nan
    if n and draw(st.booleans()):
        total = volume.copy()  # the selection is the whole source
    bucket = draw(st.sampled_from(["D", "h", "W-MON", "4h"]))
    dates = pd.Series(pd.date_range("2024-01-01", periods=n, freq=bucket))
    params = replace(
        DEFAULT_PARAMS,
        reference_buckets=draw(st.sampled_from([3, 5, 14, 28, 60])),
        min_history=draw(st.integers(1, 6)),
        warmup_buckets=draw(st.sampled_from([1, 7, 20])),
        freeze_buckets=draw(st.sampled_from([0, 3, 14, 28])),
        episode_end_buckets=draw(st.sampled_from([1, 3, 7])),
        step_window=draw(st.sampled_from([3, 4, 7, 12])),
        step_ratio=draw(st.sampled_from([1.5, 2.5, 4.0])),
        gap_min_total=draw(st.sampled_from([0.0, 5.0, 50.0])),
    )
    return volume, total, dates, params, draw(st.booleans()), bucket == "D"


@SETTINGS
@given(series())
def test_measure_attention_is_the_loop_it_was(case):
    volume, total, dates, params, share, day_buckets = case
    new = attention.measure_attention(volume, total, dates, params, share=share, day_buckets=day_buckets)
    old = reference.measure_attention(volume, total, dates, params, share=share, day_buckets=day_buckets)
    assert_same_attention(new, old)


@SETTINGS
@given(series(), st.sampled_from([1, 2, 3, 4, 7, 12]))
def test_coverage_steps_are_the_ones_they_were(case, window):
    _, total, _, params, _, _ = case
    assert attention.coverage_steps(total, window, params.step_ratio) == reference.coverage_steps(total, window, params.step_ratio)


special = st.sampled_from([0.0, -0.0, 1.0, 2.0, math.nan, math.inf, -math.inf, 1e308, -1e308, 0.5])
anything = st.one_of(special, st.floats(allow_nan=True, allow_infinity=True, width=64), st.integers(0, 9).map(float))


@settings(max_examples=400, deadline=None)
@given(st.lists(anything, max_size=80), st.integers(0, 30))
def test_a_sorted_window_gives_short_medians_bit_for_bit(xs, size):
    window = attention.SortedWindow(size)
    for j, x in enumerate(xs):
        window.push(x)
        kept = xs[max(0, j + 1 - size):j + 1] if size else []
        assert same(window.median(), reference.short_median(kept))
        if kept and not math.isnan(level := reference.short_median(kept)):
            assert same(window.deviation_median(level), reference.short_median(np.abs(np.asarray(kept) - level)))
    assert same(np.asarray(attention.window_medians(np.asarray(xs, dtype=float), size)),
                np.asarray([reference.short_median(xs[max(0, j - size):j] if size else []) for j in range(len(xs) + 1)]))


@settings(max_examples=400, deadline=None)
@given(st.lists(anything, max_size=60))
def test_short_median_is_the_one_it_was(xs):
    assert same(attention.short_median(xs), reference.short_median(xs))
    assert same(attention.short_median(np.asarray(xs, dtype=float)), reference.short_median(np.asarray(xs, dtype=float)))


def test_a_window_of_zeros_keeps_their_signs_in_order():
    window = attention.SortedWindow(2)
    for x in (-0.0, 0.0, 0.0):  # the -0.0 leaves first, as it came first
        window.push(x)
    assert [math.copysign(1, x) for x in window.sorted] == [1.0, 1.0]


@pytest.mark.parametrize("share", [False, True])
def test_the_scored_demo_series_is_the_one_it_was(share, monkeypatch):
    """score() on a long, stepped count series through both loops: every column the same."""
    rng = np.random.default_rng(18)
    n = 400
    level = np.where(np.arange(n) < 200, 40.0, 120.0)  # a collection step at 200
    volume = rng.poisson(level * np.where((np.arange(n) > 300) & (np.arange(n) < 320), 6.0, 1.0))
    frame = pd.DataFrame({
        "date": pd.date_range("2023-01-01", periods=n, freq="D"), "volume": volume,
        "total": volume + rng.poisson(level * 4), "tone": rng.normal(0, 0.2, n), "negative_share": rng.uniform(0, 1, n),
        "events": rng.poisson(0.2, n), "min_severity": rng.uniform(-10, 0, n), "conflict": rng.uniform(0, 1, n),
        "actors": rng.integers(1, 5, n), "sources": rng.integers(1, 9, n),
    })
    params = replace(DEFAULT_PARAMS, attention="share" if share else "raw")
    new = score(frame, params)
    monkeypatch.setattr("dashboard.model.escalation.measure_attention", reference.measure_attention)
    old = score(frame, params)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new["attention_known"].any() and new["stage"].nunique() > 1  # the case is not trivial


@SETTINGS
@given(series(), st.sampled_from([0.0, 0.5, 1.0]))
def test_weekday_factors_are_the_ones_they_were(case, unknown_share):
    """Day buckets with a weekday rhythm, some unknown: the factors of the loop that was."""
    volume, _, _, _, _, _ = case
    n = len(volume)
    dates = pd.Series(pd.date_range("2023-12-28", periods=n, freq="D"))
    rhythm = np.asarray([1.0, 1.1, 1.2, 1.0, 0.9, 0.4, 0.3])[pd.DatetimeIndex(dates).day_of_week]
    values = np.nan_to_num(volume) * rhythm
    known = np.random.default_rng(n).uniform(size=n) >= unknown_share * 0.2
    assert same(attention.weekday_factors(values, dates, known), reference.weekday_factors(values, dates, known))


def test_weekday_factors_are_found_on_a_weekly_rhythm():
    """The vectorised factors are not all 1.0: the case above is not vacuous."""
    dates = pd.Series(pd.date_range("2024-01-01", periods=120, freq="D"))
    values = 50.0 * np.asarray([1.0, 1.1, 1.2, 1.0, 0.9, 0.4, 0.3])[pd.DatetimeIndex(dates).day_of_week]
    got = attention.weekday_factors(values, dates, np.ones(120, dtype=bool))
    assert same(got, reference.weekday_factors(values, dates, np.ones(120, dtype=bool)))
    assert got[:32].tolist() == [1.0] * 32 and got[-7:].min() < 0.7 and got[-7:].max() > 1.2  # weekends low
