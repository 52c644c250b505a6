"""The mentions summed per day and actor, for the DuckDB engine's whole-range series.

The overview strip and the episode finder ask, on every filter change, for the chosen actors'
series over the whole range by day (or week): a pass over every mention row. Their sums per
day and actor are the same whatever actors are chosen, so they are summed once per engine, on
the first such query, into a small table (`daily_mentions`: at most days × actors rows), and
the whole-range series sums those instead of the rows. The distinct sources of a bucket are
still counted over the rows (they do not add up over actors).

Only when the table stays small (MAX_DAILY_ROWS, bounded before it is made by the days spanned
× the actors): a dataset of a hundred thousand actors over years keeps the per-row query.
"""

from __future__ import annotations

import threading

from dashboard.contract import NEGATIVE_TONE, Selection

MAX_DAILY_ROWS = 2_000_000
DAILY = "daily_mentions"

# The sums the series takes per bucket and actor: over the rows, or over their daily sums.
ROW_SUMS = (f"sum(count) AS volume, sum(count) FILTER (WHERE tone IS NOT NULL) AS toned, "
            f"sum(tone * count) FILTER (WHERE tone IS NOT NULL) AS tone_sum, "
            f"sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) AS negative")
DAILY_SUMS = "sum(volume) AS volume, sum(toned) AS toned, sum(tone_sum) AS tone_sum, sum(negative) AS negative"


class DailyMentions:
    """`_daily_for(sel)`: the table the series' per-actor sums read, and the sums to take."""

    _daily_lock: threading.Lock
    _daily: bool | None = None  # made, refused (too big), or not made yet
    _daily_asked = False  # a whole-range query was asked before

    def _scalar(self, sql: str, params: list | None = None):  # the engine's
        raise NotImplementedError

    def _cursor(self):  # the engine's
        raise NotImplementedError

    def _daily_for(self, sel: Selection) -> tuple[str, str]:
        whole = sel.start is None and sel.end is None and not sel.narratives and sel.bucket in ("day", "week")
        if whole and self._has_daily(every=not sel.actors):
            return DAILY, DAILY_SUMS
        return "mentions", ROW_SUMS

    def _has_daily(self, every: bool) -> bool:
        """Made on a query of every actor (it sums every row anyway) or on the second whole-range
        query (a command that scores one actor once never pays for the others' sums)."""
        with self._daily_lock:
            if self._daily is None and (every or self._daily_asked):
                self._daily = self._make_daily()
            self._daily_asked = True
            return bool(self._daily)

    def _make_daily(self) -> bool:
        bounds = getattr(self, "_bounds", None)
        if bounds is None:
            return False
        days = (bounds[1] - bounds[0]).days + 1
        actors = self._scalar("SELECT count(*) FROM actors")
        if days * actors > MAX_DAILY_ROWS:
            return False
        cur = self._cursor()
        try:
            cur.execute(f"CREATE TABLE {DAILY} AS SELECT date_trunc('day', date) AS date, actor, {ROW_SUMS} "
                        "FROM mentions GROUP BY ALL ORDER BY actor, date")
        finally:
            cur.close()
        return True
