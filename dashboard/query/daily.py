"""The mentions summed per day and actor, for the DuckDB engine's whole-range series.

The overview strip and the episode finder ask, on every filter change, for the chosen actors'
series over the whole range by day (or week): a pass over every mention row. What a series
takes of a day and an actor's mentions is the same whatever actors are chosen, so it is taken
once per engine, on the second such query (a command that scores once never pays for it),
into a small table (`daily_mentions`, at most days × actors
rows); from then on every series and source total by day or week (a window too: its edges are
midnights) reads that table instead of the rows:

- the sums (volume, toned, tone × count, negative), added up again per bucket;
- the day's sources as a bitset of their codes (`w0`, `w1`, … : 64 codes a word), when the
  dataset has at most MAX_SOURCES of them: the distinct sources of a bucket over several actors
  (and the events' sources) are the bits of the OR of their words — the same count as the
  distinct codes of the rows. With more sources, they are counted over the rows.

Only when the table stays small (MAX_DAILY_ROWS days × actors, MAX_WORDS words in all, both
bounded before it is made): a dataset of a hundred thousand actors keeps the per-row query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dashboard.contract import NEGATIVE_TONE, Selection

MAX_DAILY_ROWS = 2_000_000
MAX_SOURCES = 1_024
MAX_WORDS = 16_000_000  # 128 MB of bitsets at most
DAILY = "daily_mentions"

# Sums of fractions are exact, so that they do not depend on the order DuckDB's threads add
# the rows in: a double sum does (the same query gave tone means 1 ulp apart from one run to
# the next — enough, once, to move a change point). `fixed(x)` is x as a whole number of
# 2^-56ths in 128 bits: exact for a tone (−1…+1) or severity (−10…+10) of at least 1/16 in
# size, within 2^-57 below; a term of at most a count's cap (10^11, column_sql.MAX_WHOLE) is
# below 2^93, so 2^30 rows of them sum within a HUGEINT. `unfixed` turns a sum back into a double.
FIXED_SCALE = 2**56


def fixed(expr: str) -> str:
    """A double as a whole number of 2^-56ths (HUGEINT): a term of an exact sum."""
    return f"CAST(round(({expr}) * {float(FIXED_SCALE)!r}) AS HUGEINT)"


def unfixed(expr: str) -> str:
    """A sum of `fixed` terms as a double."""
    return f"(CAST({expr} AS DOUBLE) / {float(FIXED_SCALE)!r})"


# The sums the series takes per bucket and actor: over the rows, or over their daily sums.
ROW_SUMS = (f"sum(count) AS volume, sum(count) FILTER (WHERE tone IS NOT NULL) AS toned, "
            f"sum({fixed('tone')} * count) FILTER (WHERE tone IS NOT NULL) AS tone_sum, "
            f"sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) AS negative")
DAILY_SUMS = "sum(volume) AS volume, sum(toned) AS toned, sum(tone_sum) AS tone_sum, sum(negative) AS negative"


def _word(k: int, code: str) -> str:
    """The bit of a source code in word k (0 for a code in another word or none)."""
    return f"CASE WHEN {code} // 64 = {k} THEN (CAST(1 AS UBIGINT) << CAST({code} % 64 AS INTEGER)) ELSE CAST(0 AS UBIGINT) END"


@dataclass(frozen=True)
class SeriesParts:
    """The parts of the series query that read the mentions: `ma` (per bucket and actor), `ms`
    (the mentions' sources per bucket) and `src` (distinct sources per bucket, with the events'
    `ev`). Each reads the mentions once with the series' own filter (same parameters)."""

    ma_from: str
    sums: str
    ms: str
    src: str


def row_parts(trunc: str, mw: str) -> SeriesParts:
    return SeriesParts(
        "mentions", ROW_SUMS,
        f"SELECT DISTINCT date_trunc('{trunc}', date) AS date, source FROM mentions{mw}",
        "SELECT date, count(DISTINCT source) AS sources FROM ("
        " SELECT date, source FROM ms UNION ALL SELECT date, source_id FROM ev"
        ") WHERE source IS NOT NULL GROUP BY date",
    )


def daily_parts(trunc: str, mw: str, words: int) -> SeriesParts:
    if not words:
        return SeriesParts(DAILY, DAILY_SUMS, row_parts(trunc, mw).ms, row_parts(trunc, mw).src)
    ors = ", ".join(f"bit_or(w{k}) AS w{k}" for k in range(words))
    ev_bits = ", ".join(f"bit_or({_word(k, 'source_id')}) AS w{k}" for k in range(words))
    count = " + ".join(f"bit_count(coalesce(b.w{k}, CAST(0 AS UBIGINT)) | coalesce(x.w{k}, CAST(0 AS UBIGINT)))"
                       for k in range(words))
    return SeriesParts(
        DAILY, DAILY_SUMS,
        f"SELECT date_trunc('{trunc}', date) AS date, {ors} FROM {DAILY}{mw} GROUP BY 1",
        f"SELECT date, {count} AS sources FROM ms b FULL OUTER JOIN ("
        f" SELECT date, {ev_bits} FROM ev WHERE source_id IS NOT NULL GROUP BY date"
        f") x USING (date)",
    )


class DailyMentions:
    """`_series_parts(sel, trunc, mw)`: what the series query reads of the mentions."""

    _daily_lock: threading.Lock
    # The daily table's state: "unasked" (no whole-range series yet), "asked" (one was: the
    # next makes it), "made", or "refused" (too big for MAX_DAILY_ROWS, or no span).
    _daily = "unasked"
    _daily_words = 0  # words of the sources' bitsets (0: none, sources counted over the rows)

    def _scalar(self, sql: str, params: list | None = None):  # the engine's
        raise NotImplementedError

    def _cursor(self):  # the engine's
        raise NotImplementedError

    def _series_parts(self, sel: Selection, trunc: str, mw: str) -> SeriesParts:
        return daily_parts(trunc, mw, self._daily_words) if self._reads_daily(sel) else row_parts(trunc, mw)

    def _reads_daily(self, sel: Selection) -> bool:
        """Whether a query of this selection reads the daily table: buckets of a day or more,
        no narrative (a text filter is per row). A chosen date range is whole days (the filter's
        edges are midnights), so the days inside it hold exactly its rows. A whole-range query
        may make the table; a window reads it once made."""
        if sel.bucket not in ("day", "week") or sel.narratives:
            return False
        if sel.start is None and sel.end is None:
            return self._has_daily()
        return self._daily_made(sel)

    def _daily_made(self, sel: Selection) -> bool:
        """Whether the daily table is made and holds what a per-day query of sel reads (any
        bucket: what is summed over whole days, not the buckets — the busiest actors)."""
        if not self._daily_lock.acquire(blocking=False):
            return False  # being made (prepare_daily, in the background): the rows answer meanwhile
        try:
            return self._daily == "made" and not sel.narratives
        finally:
            self._daily_lock.release()

    def _has_daily(self) -> bool:
        """Made on the second whole-range series (a command that scores once never pays for it;
        the page makes it on its first filter change)."""
        with self._daily_lock:
            if self._daily == "unasked":
                self._daily = "asked"
            elif self._daily == "asked":
                self._daily = "made" if self._make_daily() else "refused"
            return self._daily == "made"

    def prepare_daily(self) -> bool:
        """Make the daily table now, if it is to be made at all, and say whether it is made. The
        page calls this in the background once a dataset's first view is drawn, while its
        reader looks at it: the first filter change then reads the daily sums instead of making
        them (at 10 million mentions, half a second of that change). A whole-range series asked
        meanwhile waits for the table (the lock), as it would have waited for its own making of
        it; a window's is read from the rows until the table is made (_daily_made)."""
        with self._daily_lock:
            if self._daily in ("unasked", "asked"):
                self._daily = "made" if self._make_daily() else "refused"
            return self._daily == "made"

    def _make_daily(self) -> bool:
        bounds = getattr(self, "_bounds", None)
        if bounds is None:
            return False
        days = (bounds[1] - bounds[0]).days + 1
        actors = self._scalar("SELECT count(*) FROM actors")
        if days * actors > MAX_DAILY_ROWS:
            return False
        sources = self._scalar("SELECT count(*) FROM sources")
        words = max(1, -(-sources // 64))
        if sources > MAX_SOURCES or days * actors * words > MAX_WORDS:
            words = 0
        bits = "".join(f", bit_or({_word(k, 'source')}) AS w{k}" for k in range(words))
        cur = self._cursor()
        try:
            cur.execute(f"CREATE TABLE {DAILY} AS SELECT date_trunc('day', date) AS date, actor, {ROW_SUMS}{bits} "
                        "FROM mentions GROUP BY ALL ORDER BY actor, date")
        finally:
            cur.close()
        self._daily_words = words
        return True
