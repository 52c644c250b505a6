"""The bundled demo data: loads cleanly, says what it is, and regenerates identically."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.demo import DATASETS, build_covid, melt_wide_counts, simulate_mentions
from dashboard.loading import load_path


@pytest.mark.parametrize("key", list(DATASETS))
def test_demo_files_load_without_a_single_rejection(key):
    demo = DATASETS[key]
    for kind, path in (("events", demo.events), ("mentions", demo.mentions)):
        if path is None:
            continue
        report = load_path(path, kind).report
        assert report.usable and report.rejected == 0, report.lines()
        assert (path.parent / "README.md").exists()


def test_tiktok_events_cover_the_story():
    events = load_path(DATASETS["tiktok-2020"].events, "events").frame()
    assert len(events) >= 30
    assert events["date"].min() < pd.Timestamp("2020-07-01") and events["date"].max() >= pd.Timestamp("2020-11-10")
    days = set(events["date"].dt.date.astype(str))
    for day in ("2020-06-29", "2020-07-06", "2020-07-07", "2020-07-10", "2020-07-31", "2020-08-06", "2020-08-14", "2020-08-24", "2020-09-27"):
        assert day in days
    amazon = events[events["actor"] == "Amazon"].sort_values("date")
    email, retraction = amazon.iloc[0], amazon.iloc[1]
    assert retraction["event_type"] == "retraction" and retraction["retracts"] == email["id"]
    assert email["date"] < retraction["date"]
    assert events["id"].is_unique


def test_simulated_mentions_are_reproducible_and_marked():
    events = load_path(DATASETS["tiktok-2020"].events, "events").frame()
    a = simulate_mentions(events, dt.date(2020, 6, 1), dt.date(2020, 11, 20), seed=2020)
    b = simulate_mentions(events, dt.date(2020, 6, 1), dt.date(2020, 11, 20), seed=2020)
    pd.testing.assert_frame_equal(a, b)
    shipped = pd.read_csv(DATASETS["tiktok-2020"].mentions)
    assert len(shipped) == len(a) and shipped["count"].sum() == a["count"].sum()
    assert set(shipped["source"]) == {"simulated"}
    assert "simulated" in DATASETS["tiktok-2020"].simulated.lower()
    other = simulate_mentions(events, dt.date(2020, 6, 1), dt.date(2020, 11, 20), seed=7)
    assert not a["count"].equals(other["count"])


def test_simulated_attention_peaks_after_the_executive_order():
    m = pd.read_csv(DATASETS["tiktok-2020"].mentions)
    daily = m.groupby("date")["count"].sum()
    assert daily.loc["2020-06-01":"2020-06-28"].max() < daily.loc["2020-08-01":"2020-08-10"].max() / 3
    assert daily.idxmax() >= "2020-07-31"


@pytest.mark.parametrize(
    "cells, expected_counts, rounded, skipped",
    [
        (["3", "0", "6.5", ""], [3, 7], 1, 2),
        (["0.4", "0.5", "2", "1.49"], [1, 2, 1], 3, 1),
    ],
)
def test_melt_wide_counts_rounds_half_up_and_drops_empty_days(cells, expected_counts, rounded, skipped):
    wide = pd.DataFrame({"Date": ["2020-01-01", "2020-01-02"], "A ": cells[:2], "B": cells[2:], "Grand Total": ["9", "9"]})
    long, tally = melt_wide_counts(wide, "Date", exclude=("Grand Total",))
    assert sorted(long["count"].tolist()) == sorted(expected_counts)
    assert tally == {"cells": 4, "rounded": rounded, "empty_or_zero": skipped}
    assert set(long["actor"]) <= {"A", "B"}  # names trimmed, the total column left out


def test_covid_demo_matches_the_real_source(external, tmp_path, monkeypatch):
    source = external / "gdelt-twitter-covid-country-mentions-2020" / "gdelt.csv"
    wide = pd.read_csv(source)
    shipped = pd.read_csv(DATASETS["covid-2020"].mentions)
    us = shipped[(shipped["actor"] == "United States") & (shipped["date"] == "2020-07-10")]["count"].item()
    assert us == 6062  # the figure SOURCE.md quotes
    assert shipped["date"].nunique() == 445
    covid = DATASETS["covid-2020"]
    monkeypatch.setitem(DATASETS, "covid-2020", covid.__class__(**{**covid.__dict__, "mentions": tmp_path / "m.csv"}))
    path, tally = build_covid(source)
    regenerated = pd.read_csv(path)
    pd.testing.assert_frame_equal(regenerated, shipped)
    countries = [c for c in wide.columns if c not in ("Date", "Grand Total")]
    assert tally["cells"] == len(countries) * len(wide)
