"""Case 6: the bundled demo's story still holds (data/tiktok-2020: real events, SIMULATED
mentions) — June a slow boil, the first crisis between 31 July and 10 August, and Amazon's
peak on 10 July (its email and retraction) when filtered to Amazon."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from benchmarks.validity import api
from benchmarks.validity.metrics import CRISIS, SIMMERING, first_date_at, in_window
from benchmarks.validity.results import CaseResult, Measure, Target

TITLE = "6. The demo's story (TikTok 2020; events real, mentions simulated)"
NEEDS_EXTERNAL = False
CRISIS_FROM, CRISIS_TO = dt.date(2020, 7, 31), dt.date(2020, 8, 10)
AMAZON_PEAK = dt.date(2020, 7, 10)


def run(external: Path) -> CaseResult:
    result = CaseResult("demo", TITLE)
    events, mentions = api.demo_paths()
    data = api.open_data(events, mentions)
    table = api.score(data)
    june = table[(table["date"] >= pd.Timestamp("2020-06-01")) & (table["date"] < pd.Timestamp("2020-07-01"))]
    above = int((june["level"] >= SIMMERING).sum())
    first = first_date_at(table["date"], table["level"], CRISIS)
    amazon = api.score(data, actors=("Amazon",))
    peak = pd.Timestamp(amazon["date"].iloc[int(amazon["index"].to_numpy().argmax())]) if len(amazon) else None
    result.measures += [
        Measure("demo.june", TITLE, "June 2020: days above a slow boil", above, f"{above} of {len(june)}",
                Target("<=", 0, "none")),
        Measure("demo.first_crisis", TITLE, "first crisis (all actors)",
                float(in_window(first, CRISIS_FROM, 0, (CRISIS_TO - CRISIS_FROM).days)), "never" if first is None else f"{first:%Y-%m-%d}",
                Target("==", 1.0, "31 Jul … 10 Aug 2020")),
        Measure("demo.amazon_peak", TITLE, "Amazon alone: day of the highest index",
                float(peak is not None and peak.date() == AMAZON_PEAK), "no data" if peak is None else f"{peak:%Y-%m-%d}",
                Target("==", 1.0, "2020-07-10")),
    ]
    return result
