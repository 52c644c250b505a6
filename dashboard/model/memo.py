"""What the model keeps of an engine's answers between calls, so a filter change asks the engine
only for what it has not answered yet.

An engine's data never change (a new file is a new engine), so an answer is kept per engine
(weakly: the entry goes with the engine), under the repr of what was asked, the last few of
each kind. Three kinds:

- the source's total per bucket (every actor): the same whatever actors are chosen;
- a selection's series over the whole range: a window of the same actors and filters, by the
  same bucket, is a slice of it when its edges fall on bucket edges (every figure of a bucket is
  its own rows': sums, distinct counts and extremes of that bucket) — the overview strip and
  the episode finder ask for the whole range first, then the analysis for its window;
- one actor's row of the leaderboard: adding an actor to the filter scores only that actor;
- the coverage of one (actor, start, end) window, which the claim/retraction pairs measure.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd

from dashboard.contract import Selection, truncate

KEPT = 32  # answers of each kind kept per engine


class EngineMemo:
    """The last `size` answers per engine, by key; thread-safe (sessions share engines)."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._memo: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, engine, key: str) -> Any | None:
        with self._lock:
            try:
                kept = self._memo.get(engine)
            except TypeError:  # an engine that cannot be referenced weakly: nothing kept
                return None
            if kept is None or key not in kept:
                return None
            kept.move_to_end(key)
            return kept[key]

    def put(self, engine, key: str, value: Any) -> None:
        with self._lock:
            try:
                kept = self._memo.setdefault(engine, OrderedDict())
            except TypeError:
                return
            kept[key] = value
            kept.move_to_end(key)
            while len(kept) > self.size:
                kept.popitem(last=False)

    def get_or_make(self, engine, key: str, make: Callable[[], Any]) -> Any:
        value = self.get(engine, key)
        if value is None:
            value = make()
            self.put(engine, key, value)
        return value


SOURCE_TOTALS = EngineMemo()
WHOLE_SERIES = EngineMemo()
LEADERBOARD_ROWS = EngineMemo(size=512)


def _whole_key(sel: Selection) -> str:
    return repr(replace(sel, start=None, end=None))


def series(engine, sel: Selection, first_needed: dt.date | None = None) -> pd.DataFrame:
    """engine.series(sel), from the whole range's series when this engine gave it already.

    `first_needed`: the caller drops the empty buckets before the data begin up to this day
    (analysis._trim_lookback): the slice may then start at the data's first bucket instead of
    the window's. Any window the whole range does not cover, whose edges fall inside a bucket,
    or with no data at all (the engine answers an empty frame) is asked of the engine."""
    if sel.start is None and sel.end is None:
        frame = engine.series(sel)
        WHOLE_SERIES.put(engine, _whole_key(sel), frame)
        return frame
    whole = WHOLE_SERIES.get(engine, _whole_key(sel))
    if whole is None or sel.start is None or sel.end is None or not len(whole):
        return engine.series(sel)
    lo = dt.datetime.combine(sel.start, dt.time())
    end = dt.datetime.combine(sel.end + dt.timedelta(days=1), dt.time())
    if truncate(lo, sel.bucket) != lo or truncate(end, sel.bucket) != end:
        return engine.series(sel)  # a bucket cut by the window's edge: fewer rows than the whole one's
    last = pd.Timestamp(end - sel.step)
    first, final = whole["date"].iloc[0], whole["date"].iloc[-1]
    need = pd.Timestamp(lo if first_needed is None else max(lo, dt.datetime.combine(first_needed, dt.time())))
    if final < last or first > need:
        return engine.series(sel)
    part = whole[(whole["date"] >= pd.Timestamp(lo)) & (whole["date"] <= last)]
    if not ((part["actors"] > 0) | (part["events"] > 0)).any():
        return engine.series(sel)  # no row at all: the engine's answer is an empty frame
    return part.reset_index(drop=True)


COVERAGES = EngineMemo(size=8192)


def coverages(engine, windows: list[tuple[str, dt.datetime, dt.datetime]]) -> list[tuple[float, float | None]]:
    """engine.coverages(windows), asking the engine only for the windows it has not measured yet
    (a window's coverage is its actor's mentions in it: the same for every selection; a filter
    change that adds an actor measures that actor's claims and retractions alone)."""
    got: dict[tuple, Any] = {w: COVERAGES.get(engine, repr(w)) for w in windows}
    missing = list(dict.fromkeys(w for w, value in got.items() if value is None))
    for w, value in zip(missing, engine.coverages(missing) if missing else []):
        COVERAGES.put(engine, repr(w), value)
        got[w] = value
    return [got[w] for w in windows]
