"""The headline numbers of a selection: one definition for the page, meeting mode and reports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.contract import KPI_CHANGE_BUCKETS, STAGES
from dashboard.model.analysis import Analysis
from dashboard.model.escalation import peak_position

KPI_KEYS = (
    "date", "stage", "direction", "stage_since", "index", "index_change", "peak_index", "peak_date",
    "left_slow_boil", "days_since_left_slow_boil", "events", "mentions",
)


def kpis(analysis: Analysis) -> dict:
    """The headline numbers of a selection, as of its latest bucket.

    - stage, direction and since when the stage holds (`stage_since`);
    - index now and its change against KPI_CHANGE_BUCKETS buckets before, whatever the bucket
      size (`index_change`; None when the selection has fewer buckets than that);
      `change_buckets` says how many;
    - the peak index and its bucket (the first, on a tie);
    - `left_slow_boil`: the first bucket of the current run above slow boil (None when the
      latest bucket is a slow boil);
    - `days_since_left_slow_boil`: days from the last time the stage rose out of slow boil to
      the latest bucket (None when it never did; a selection that starts above slow boil
      counts from its first bucket);
    - the number of events and of mentions.
    """
    if analysis.empty:
        return dict.fromkeys(KPI_KEYS) | {"events": 0, "mentions": 0, "change_buckets": KPI_CHANGE_BUCKETS}
    t = analysis.table
    dates = t["date"]
    index = t["index"].astype(float).to_numpy()
    stages = t["stage"].tolist()
    last = len(t) - 1

    known = np.flatnonzero(~np.isnan(index))
    # The latest bucket with an index (a trailing gap has none) and the one 7 buckets before it.
    now = int(known[-1]) if len(known) else last
    back = now - KPI_CHANGE_BUCKETS
    change = round(float(index[now] - index[back]), 2) if back >= 0 and not np.isnan(index[back]) else None
    peak = peak_position(index)
    since = last
    while since > 0 and stages[since - 1] == stages[last]:
        since -= 1
    left = [i for i in range(len(stages)) if stages[i] != STAGES[0] and (i == 0 or stages[i - 1] == STAGES[0])]
    days = int((dates.iloc[last] - dates.iloc[left[-1]]) / pd.Timedelta(days=1)) if left else None
    return {
        "date": dates.iloc[last],
        "stage": stages[last],
        "direction": t["direction"].iloc[last],
        "stage_since": dates.iloc[since],
        "index": None if np.isnan(index[now]) else float(index[now]),
        "index_change": change,
        "change_buckets": KPI_CHANGE_BUCKETS,
        "peak_index": None if np.isnan(index[peak]) else float(index[peak]),
        "peak_date": dates.iloc[peak],
        "left_slow_boil": dates.iloc[left[-1]] if left and stages[last] != STAGES[0] else None,
        "days_since_left_slow_boil": days,
        "events": int(len(analysis.events)),
        "mentions": int(t["volume"].sum()),
    }


def above_slow_boil(k: dict) -> tuple[str, str]:
    """The "Above slow boil" figure as (value, detail), in one wording for the page, meeting
    mode and the reports: how long the current run above slow boil has lasted; or, when the
    latest bucket is a slow boil again, that it ended and since when; or that it never rose.
    It never says "N days since it left slow boil" beside a stage that is slow boil now."""
    if k.get("stage") is None:
        return "—", "no data"
    if k["left_slow_boil"] is not None:
        days = int((k["date"] - k["left_slow_boil"]) / pd.Timedelta(days=1))
        return f"{days:,} days", f"since {k['left_slow_boil']:%d %b %Y}"
    if k["days_since_left_slow_boil"] is not None:
        return "ended", f"slow boil since {k['stage_since']:%d %b %Y}"
    return "never", "a slow boil throughout"
