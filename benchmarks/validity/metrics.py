"""The suite's measures: small pure functions over a scored table's dates and stage levels.

A stage level is the position on the ladder (api.STAGE_LEVEL): 0 slow boil, 1 simmering,
2 boiling, 3 crisis. Dates are pandas Timestamps (days); `dates` and `levels` are aligned
sequences, one entry per scored day, in time order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

SLOW_BOIL, SIMMERING, BOILING, CRISIS = 0, 1, 2, 3


def _dates(dates) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(list(dates)))).normalize()


def first_date_at(dates, levels, level: int) -> pd.Timestamp | None:
    """The first day whose stage is at `level` or above; None when there is none."""
    levels = np.asarray(levels, dtype=int)
    hit = np.flatnonzero(levels >= level)
    return _dates(dates)[int(hit[0])] if len(hit) else None


def in_window(day: pd.Timestamp | None, anchor, before_days: int, after_days: int) -> bool:
    """Whether `day` lies in [anchor - before_days, anchor + after_days], ends included."""
    if day is None or pd.isna(day):
        return False
    anchor = pd.Timestamp(anchor).normalize()
    day = pd.Timestamp(day).normalize()
    return anchor - pd.Timedelta(days=before_days) <= day <= anchor + pd.Timedelta(days=after_days)


def level_on(dates, levels, day) -> int | None:
    """The stage level on one day; None when the table has no row for it."""
    at = np.flatnonzero(_dates(dates) == pd.Timestamp(day).normalize())
    return int(np.asarray(levels, dtype=int)[int(at[0])]) if len(at) else None


def max_level_between(dates, levels, start, end) -> int | None:
    """The highest stage level from `start` to `end` (both included); None without rows there."""
    d = _dates(dates)
    inside = (d >= pd.Timestamp(start).normalize()) & (d <= pd.Timestamp(end).normalize())
    values = np.asarray(levels, dtype=int)[np.asarray(inside)]
    return int(values.max()) if len(values) else None


def entries(levels, level: int = SIMMERING) -> int:
    """How many times the stage rose from below `level` to `level` or above.

    A series that starts at or above `level` does not count as an entry: nothing rose.
    """
    above = np.asarray(levels, dtype=int) >= level
    return int(np.count_nonzero(above[1:] & ~above[:-1]))


def entries_per_90_days(levels, level: int = SIMMERING) -> float:
    """entries(levels, level) scaled to a rate per 90 days of scored days."""
    n = len(levels)
    return math.nan if n == 0 else entries(levels, level) * 90.0 / n


def share_at_least(levels, level: int) -> float:
    """The share of days at `level` or above (NaN for no days)."""
    levels = np.asarray(levels, dtype=int)
    return math.nan if len(levels) == 0 else float(np.mean(levels >= level))


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); NaN with fewer than 3 pairs or a
    constant side. Pairs with a missing value on either side are left out."""
    frame = pd.DataFrame({"x": pd.Series(list(x), dtype=float), "y": pd.Series(list(y), dtype=float)}).dropna()
    if len(frame) < 3 or frame["x"].nunique() < 2 or frame["y"].nunique() < 2:
        return math.nan
    return float(frame["x"].corr(frame["y"], method="spearman"))


def changes_between(dates, levels, start, end, reference: int) -> int:
    """Days from `start` to `end` (both included) whose stage differs from `reference`."""
    d = _dates(dates)
    inside = np.asarray((d >= pd.Timestamp(start).normalize()) & (d <= pd.Timestamp(end).normalize()))
    return int(np.count_nonzero(np.asarray(levels, dtype=int)[inside] != reference))
