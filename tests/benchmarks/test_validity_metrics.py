"""The validation suite's own instrument (benchmarks/validity/): its measures on tiny series
worked out by hand, its generators, and its one door into the dashboard package. These tests
never run the suite itself (`make validity` does)."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.validity import metrics, report, synthetic
from benchmarks.validity.results import Detail, Target

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "validity"
DAYS = pd.date_range("2020-03-01", periods=6, freq="D")
LEVELS = [0, 1, 3, 2, 3, 0]


@pytest.mark.parametrize("level, expected", [
    (metrics.SIMMERING, "2020-03-02"),
    (metrics.BOILING, "2020-03-03"),
    (metrics.CRISIS, "2020-03-03"),
])
def test_first_date_at_is_the_first_day_at_or_above(level, expected):
    assert metrics.first_date_at(DAYS, LEVELS, level) == pd.Timestamp(expected)


def test_first_date_at_without_such_a_day_is_none():
    assert metrics.first_date_at(DAYS, [0, 1, 1, 0, 0, 0], metrics.CRISIS) is None


@pytest.mark.parametrize("day, inside", [
    ("2020-01-24", True),   # lockdown − 45 days: the first day of the window
    ("2020-01-23", False),
    ("2020-03-16", True),   # lockdown + 7 days: the last
    ("2020-03-17", False),
    ("2020-03-09", True),
    (None, False),          # never in crisis: not in the window
])
def test_in_window_includes_both_ends(day, inside):
    day = pd.Timestamp(day) if day else None
    assert metrics.in_window(day, "2020-03-09", 45, 7) is inside


def test_level_on_a_day_and_a_day_without_a_row():
    assert metrics.level_on(DAYS, LEVELS, "2020-03-04") == 2
    assert metrics.level_on(DAYS, LEVELS, "2020-04-01") is None


def test_max_level_between_includes_both_ends():
    assert metrics.max_level_between(DAYS, LEVELS, "2020-03-04", "2020-03-05") == 3
    assert metrics.max_level_between(DAYS, LEVELS, "2020-03-04", "2020-03-04") == 2
    assert metrics.max_level_between(DAYS, LEVELS, "2021-01-01", "2021-01-02") is None


@pytest.mark.parametrize("levels, level, expected", [
    ([0, 1, 0, 2, 3, 0, 1], metrics.SIMMERING, 3),   # 0→1, 0→2, 0→1
    ([0, 1, 2, 3, 2, 1, 0], metrics.SIMMERING, 1),   # one climb is one entry
    ([1, 1, 0, 0], metrics.SIMMERING, 0),            # starting above is no entry
    ([0, 2, 1, 2, 0, 3], metrics.BOILING, 3),
    ([], metrics.SIMMERING, 0),
])
def test_entries_count_rises_across_the_level(levels, level, expected):
    assert metrics.entries(levels, level) == expected


def test_entries_per_90_days_scales_by_the_length():
    levels = ([0] * 44 + [1]) * 4  # 4 entries in 180 days
    assert metrics.entries_per_90_days(levels) == pytest.approx(2.0)
    assert math.isnan(metrics.entries_per_90_days([]))


def test_share_at_least():
    assert metrics.share_at_least(LEVELS, metrics.CRISIS) == pytest.approx(2 / 6)
    assert math.isnan(metrics.share_at_least([], metrics.CRISIS))


@pytest.mark.parametrize("x, y, expected", [
    ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], 0.8),                       # 1 − 6·4 / (5·24)
    ([1, 2, 2, 3], [1, 2, 3, 4], 4.5 / math.sqrt(4.5 * 5)),         # ties take their mean rank
    ([1, 2, 3, 4], [40, 30, 20, 10], -1.0),
    ([1, 2, 3, 100], [1, 2, 3, 4], 1.0),                           # ranks, not values
])
def test_spearman_by_hand(x, y, expected):
    assert metrics.spearman(x, y) == pytest.approx(expected)


@pytest.mark.parametrize("x, y", [([1, 2], [1, 2]), ([1, 1, 1], [1, 2, 3]), ([1, np.nan, 2], [3, 4, np.nan])])
def test_spearman_is_nan_without_enough_pairs_or_spread(x, y):
    assert math.isnan(metrics.spearman(x, y))


def test_changes_between_counts_days_off_the_reference():
    assert metrics.changes_between(DAYS, LEVELS, "2020-03-02", "2020-03-06", reference=0) == 4
    assert metrics.changes_between(DAYS, LEVELS, "2020-03-06", "2020-03-06", reference=0) == 0


@pytest.mark.parametrize("op, bound, value, met", [
    (">=", 15, 15, True), (">=", 15, 14, False), ("<=", 0.2, 0.25, False), ("==", 1.0, 1.0, True),
    ("<=", 1, None, False), (">=", 0.5, float("nan"), False),   # no figure is not a met target
])
def test_target_met(op, bound, value, met):
    assert Target(op, bound, "").met(value) is met


def test_noise_is_seeded_and_keeps_its_mean_and_rhythm():
    a = synthetic.seasonal_noise(140, 50, seed=7)
    assert a.equals(synthetic.seasonal_noise(140, 50, seed=7))
    assert not a.equals(synthetic.seasonal_noise(140, 50, seed=8))
    daily = a.groupby("date")["count"].sum()
    weekend = pd.to_datetime(daily.index).day_of_week >= 5
    assert 40 < daily[~weekend].mean() < 60
    assert daily[weekend].mean() < 0.75 * daily[~weekend].mean()


@pytest.mark.parametrize("tone", [-0.3, -0.1, 0.0, 0.05, 0.3])
def test_tone_shares_give_the_mean_tone(tone):
    shares = synthetic.tone_shares(np.array([tone]))[0]
    assert shares.sum() == pytest.approx(1.0) and (shares >= 0).all()
    assert 0.5 * (shares[2] - shares[0]) == pytest.approx(tone)


def test_collection_gap_has_no_rows_for_two_weeks():
    dates = pd.to_datetime(synthetic.collection_gap(seed=1)["date"]).drop_duplicates()
    missing = pd.date_range(dates.min(), dates.max(), freq="D").difference(dates)
    assert len(missing) == synthetic.GAP_DAYS
    assert missing[0] == synthetic.days(120)[synthetic.TRIGGER_DAY]


def test_split_by_country_keeps_quoted_newlines_and_counts_rows_without_a_country():
    from benchmarks.validity.cases.acled import split_by_country

    data = (b'event_id_cnty,notes,country\r\nA1,"two\r\nlines",Chile\r\nA2,x,Serbia\r\n'
            b'A3,y,Chile\r\nA4,cut\r\n')
    parts, dropped = split_by_country(data)
    assert dropped == 1
    assert set(parts) == {"Chile", "Serbia"}
    chile = pd.read_csv(pd.io.common.BytesIO(parts["Chile"]))
    assert chile["event_id_cnty"].tolist() == ["A1", "A3"] and chile["notes"].iloc[0] == "two\r\nlines"


def test_detail_cells_that_changed_since_the_baseline_read_old_to_new():
    detail = Detail("k", "t", ["country", "source", "stage"], [["Italy", "gdelt", "crisis"], ["Spain", "gdelt", "boiling"]], 2)
    old = {"details": {"k": {"columns": ["country", "source", "stage"], "rows": [["Italy", "gdelt", "slow boil"],
                                                                                  ["Spain", "gdelt", "boiling"]]}}}
    assert report._detail_rows(detail, old) == [["Italy", "gdelt", "slow boil → crisis"], ["Spain", "gdelt", "boiling"]]


def test_only_the_adapter_imports_the_dashboard_package():
    importers = []
    for path in SUITE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(n.split(".")[0] == "dashboard" for n in names):
                importers.append(path.relative_to(SUITE).as_posix())
    assert set(importers) == {"api.py"}
