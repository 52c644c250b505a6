"""The spans of selections for the DuckDB engine (dashboard/query/duckdb_engine.py inherits
them): the first and last bucket a selection's series has, asked once per selection.

A selection of actors over the whole range (no dates, targets, types or narratives) — what the
overview strip and the episode finder ask on every filter change — takes its span from each
actor's first and last instant, read once per engine (one pass over the data), instead of a
pass over every row for each set of actors."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd

from dashboard.contract import Selection
from dashboard.query.buckets import chosen_span, selection_span, span_buckets

SPANS_KEPT = 256


class SpanQueries:
    """bucket_count and the kept spans; the engine gives `_where`, `_frame` and `_scalar`."""

    _spans: dict[str, tuple | None]
    _spans_lock: threading.Lock
    _actor_bounds: dict[str, tuple[dt.datetime, dt.datetime]] | None = None

    def _where(self, sel: Selection, table: str) -> tuple[str, list]:  # the engine's
        raise NotImplementedError

    def _frame(self, sql: str, params: list | None = None) -> pd.DataFrame:  # the engine's
        raise NotImplementedError

    def _scalar(self, sql: str, params: list | None = None):  # the engine's
        raise NotImplementedError

    def bucket_count(self, sel: Selection) -> int:
        return span_buckets(self._span(sel), sel.bucket)

    def _span(self, sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last bucket start of the selection (asked once per selection: a rerun
        asks bucket_count, then series, of the same one; the last SPANS_KEPT are kept)."""
        key = repr(sel)
        with self._spans_lock:
            if key in self._spans:
                return self._spans[key]
        span = self._read_span(sel)
        with self._spans_lock:
            if len(self._spans) >= SPANS_KEPT:
                self._spans.pop(next(iter(self._spans)))
            self._spans[key] = span
        return span

    def _read_span(self, sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
        chosen = chosen_span(sel)
        if chosen is not None:
            # A chosen date range is the span, even where it has no data at its edges.
            return chosen if self._any(sel) else None
        if sel.actors and not (sel.start or sel.end or sel.targets or sel.event_types or sel.narratives):
            return self._actors_span(sel)
        ew, ep = self._where(sel, "events")
        mw, mp = self._where(sel, "mentions")
        row = self._frame(
            f"SELECT min(b) AS lo, max(b) AS hi FROM ("
            f"SELECT min(date) AS b FROM events{ew} UNION ALL SELECT max(date) FROM events{ew} "
            f"UNION ALL SELECT min(date) FROM mentions{mw} UNION ALL SELECT max(date) FROM mentions{mw})",
            ep + ep + mp + mp,
        ).iloc[0]
        if pd.isna(row["lo"]):
            return None
        return selection_span(sel, row["lo"].to_pydatetime(), row["hi"].to_pydatetime())

    def _actors_span(self, sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
        """The span of some actors over the whole range: the earliest first and the latest last
        instant of their mentions and of the events they are the actor or the target of."""
        with self._spans_lock:
            bounds = self._actor_bounds
        if bounds is None:
            rows = self._frame(
                "SELECT name, min(lo) AS lo, max(hi) AS hi FROM ("
                "SELECT a.name, x.lo, x.hi FROM (SELECT actor, min(date) AS lo, max(date) AS hi FROM mentions "
                "GROUP BY actor) x JOIN actors a ON a.id = x.actor "
                "UNION ALL SELECT actor, min(date), max(date) FROM events GROUP BY actor "
                "UNION ALL SELECT target, min(date), max(date) FROM events WHERE target IS NOT NULL GROUP BY target"
                ") WHERE name IS NOT NULL GROUP BY name"
            )
            bounds = {name: (lo.to_pydatetime(), hi.to_pydatetime())
                      for name, lo, hi in rows.itertuples(index=False, name=None)}
            with self._spans_lock:
                self._actor_bounds = bounds
        known = [bounds[a] for a in set(sel.actors) if a in bounds]
        if not known:
            return None
        return selection_span(sel, min(lo for lo, _ in known), max(hi for _, hi in known))

    def _any(self, sel: Selection) -> bool:
        """Whether any event or mention matches the selection (stops at the first)."""
        ew, ep = self._where(sel, "events")
        mw, mp = self._where(sel, "mentions")
        return bool(self._scalar(
            f"SELECT EXISTS (SELECT 1 FROM mentions{mw}) OR EXISTS (SELECT 1 FROM events{ew})", mp + ep
        ))
