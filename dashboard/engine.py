"""The embedded query engine: loaded tables live in DuckDB; filters and buckets run there.

This is the one module that speaks SQL to an engine. Everything it returns is a small
pandas frame — aggregated buckets, a capped list of events, actor counts — never the raw
mention rows. Values reach SQL only as bound parameters, never as text in the query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa

Bucket = Literal["day", "hour", "week"]
BUCKETS: tuple[Bucket, ...] = ("hour", "day", "week")  # fine to coarse
_STEP = {"hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1), "week": dt.timedelta(days=7)}
_INTERVAL = {"hour": "INTERVAL 1 HOUR", "day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY"}
NEGATIVE_TONE = -0.05  # VADER's documented threshold: compound <= -0.05 is negative
MAX_BUCKETS = 5_000  # more points than this is not a chart but a wall

_EVENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("date", pa.timestamp("us")),
        ("actor", pa.string()),
        ("target", pa.string()),
        ("event_type", pa.string()),
        ("severity", pa.float64()),
        ("headline", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("retracts", pa.string()),
    ]
)
_MENTION_SCHEMA = pa.schema(
    [
        ("date", pa.timestamp("us")),
        ("actor", pa.string()),
        ("tone", pa.float64()),
        ("count", pa.int64()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
    ]
)


def _truncate(t: dt.datetime, bucket: Bucket) -> dt.datetime:
    """The start of t's bucket (weeks start on Monday, as DuckDB's date_trunc has it)."""
    if bucket == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - dt.timedelta(days=day.weekday()) if bucket == "week" else day


@dataclass(frozen=True)
class Selection:
    """What the user asked to see. Empty tuples mean "all"; dates are inclusive UTC days."""

    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] = ()
    bucket: Bucket = "day"

    def __post_init__(self):
        if self.bucket not in BUCKETS:
            raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {self.bucket!r}")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"the start date {self.start} is after the end date {self.end}")


class Engine:
    """An in-process DuckDB database holding one dataset's events and mentions.

    The Arrow tables are copied into the engine once; after that only aggregates come out.
    Safe to share between sessions: every query runs on its own cursor.
    """

    def __init__(self, events: pa.Table | None = None, mentions: pa.Table | None = None):
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET threads TO 2")
        self._load("events", events, _EVENT_SCHEMA)
        self._load("mentions", mentions, _MENTION_SCHEMA)
        self.has_events: bool = self._scalar("SELECT count(*) > 0 FROM events")
        self.has_mentions: bool = self._scalar("SELECT count(*) > 0 FROM mentions")
        self.has_tone: bool = self._scalar("SELECT count(tone) > 0 FROM mentions")
        self._bounds = self._read_bounds()

    def _load(self, name: str, table: pa.Table | None, schema: pa.Schema) -> None:
        if table is None:
            table = schema.empty_table()
        cols = [f.name for f in schema]
        self._con.register(f"{name}_arrow", table)
        # Sorted by date so DuckDB's zone maps skip row groups outside a date range.
        self._con.execute(
            f"CREATE TABLE {name} AS SELECT {', '.join(cols)} FROM {name}_arrow ORDER BY date"
        )
        self._con.unregister(f"{name}_arrow")

    def close(self) -> None:
        self._con.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def _scalar(self, sql: str, params: list | None = None):
        cur = self._cursor()
        try:
            return cur.execute(sql, params or []).fetchall()[0][0]
        finally:
            cur.close()

    def _frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cur = self._cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    # --- what is in the dataset -----------------------------------------------------------

    def date_bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last day with any event or mention (UTC), or None when empty."""
        return self._bounds

    def _read_bounds(self) -> tuple[dt.date, dt.date] | None:
        row = self._frame(
            "SELECT min(d) AS lo, max(d) AS hi FROM ("
            "SELECT min(date) AS d FROM events UNION ALL SELECT max(date) FROM events "
            "UNION ALL SELECT min(date) FROM mentions UNION ALL SELECT max(date) FROM mentions)"
        ).iloc[0]
        if pd.isna(row["lo"]):
            return None
        return row["lo"].date(), row["hi"].date()

    def actor_counts(self) -> pd.DataFrame:
        """Every actor (or target) with its number of events and of mentions, busiest first."""
        return self._frame(
            """
            WITH e AS (
                SELECT name, sum(n) AS n FROM (
                    SELECT actor AS name, count(*) AS n FROM events GROUP BY actor
                    UNION ALL
                    SELECT target, count(*) FROM events
                    WHERE target IS NOT NULL AND target <> actor GROUP BY target
                ) GROUP BY name
            ), m AS (SELECT actor AS name, sum(count) AS n FROM mentions GROUP BY actor)
            SELECT coalesce(e.name, m.name) AS actor,
                   CAST(coalesce(e.n, 0) AS BIGINT) AS events,
                   CAST(coalesce(m.n, 0) AS BIGINT) AS mentions
            FROM e FULL OUTER JOIN m ON e.name = m.name
            ORDER BY coalesce(e.n, 0) + coalesce(m.n, 0) DESC, actor
            """
        )

    def targets(self) -> list[str]:
        df = self._frame("SELECT DISTINCT target FROM events WHERE target IS NOT NULL ORDER BY target")
        return df["target"].tolist()

    def event_types(self) -> list[str]:
        df = self._frame("SELECT DISTINCT coalesce(event_type, 'other') AS t FROM events ORDER BY t")
        return df["t"].tolist()

    # --- filters ---------------------------------------------------------------------------

    @staticmethod
    def _where(sel: Selection, table: str) -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []
        if sel.start is not None:
            clauses.append("date >= ?")
            params.append(dt.datetime.combine(sel.start, dt.time()))
        if sel.end is not None:
            clauses.append("date < ?")
            params.append(dt.datetime.combine(sel.end + dt.timedelta(days=1), dt.time()))
        if table == "events":
            if sel.actors:
                clauses.append("(list_contains(?, actor) OR list_contains(?, target))")
                params += [list(sel.actors), list(sel.actors)]
            if sel.targets:
                clauses.append("list_contains(?, target)")
                params.append(list(sel.targets))
            if sel.event_types:
                clauses.append("list_contains(?, coalesce(event_type, 'other'))")
                params.append(list(sel.event_types))
        elif sel.actors:
            clauses.append("list_contains(?, actor)")
            params.append(list(sel.actors))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def bucket_count(self, sel: Selection) -> int:
        bounds = self._span(sel)
        if bounds is None:
            return 0
        lo, hi = bounds
        return int((hi - lo) / _STEP[sel.bucket]) + 1

    def _span(self, sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last bucket start of the selection."""
        ew, ep = self._where(sel, "events")
        mw, mp = self._where(sel, "mentions")
        row = self._frame(
            f"SELECT min(b) AS lo, max(b) AS hi FROM ("
            f"SELECT date FROM events{ew} UNION ALL SELECT date FROM mentions{mw}) AS t(b)",
            ep + mp,
        ).iloc[0]
        if pd.isna(row["lo"]):
            return None
        lo, hi = row["lo"].to_pydatetime(), row["hi"].to_pydatetime()
        # A chosen date range is the span, even where it has no data at its edges.
        if sel.start is not None:
            lo = dt.datetime.combine(sel.start, dt.time())
        if sel.end is not None:
            hi = dt.datetime.combine(sel.end, dt.time(23, 59, 59))
        return _truncate(lo, sel.bucket), _truncate(hi, sel.bucket)

    def series(self, sel: Selection) -> pd.DataFrame:
        """One row per bucket of the selection, gaps filled with zero volume.

        Columns: date (bucket start, UTC), volume (mentions, counts summed), toned
        (mentions with a tone), tone (count-weighted mean, NaN without toned mentions),
        negative_share (share of toned mentions with tone <= -0.05), events, min_severity
        (the most conflictual event), conflict (sum of the negative severities, as a positive
        number), actors (distinct actors active) and sources (distinct sources).
        """
        span = self._span(sel)
        columns = [
            "date", "volume", "toned", "tone", "negative_share", "events",
            "min_severity", "conflict", "actors", "sources",
        ]
        if span is None:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).assign(
                date=pd.Series(dtype="datetime64[us]")
            )[columns]
        n = self.bucket_count(sel)
        if n > MAX_BUCKETS:
            raise ValueError(
                f"the selection spans {n:,} {sel.bucket}s; choose a shorter date range "
                f"or a coarser bucket (at most {MAX_BUCKETS:,} points per chart)"
            )
        lo, hi = span
        trunc = sel.bucket
        step = _INTERVAL[sel.bucket]
        ew, ep = self._where(sel, "events")
        mw, mp = self._where(sel, "mentions")
        sql = f"""
            WITH grid AS (
                SELECT unnest(range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + {step}, {step})) AS date
            ),
            m AS (
                SELECT date_trunc('{trunc}', date) AS date,
                       sum(count) AS volume,
                       sum(count) FILTER (WHERE tone IS NOT NULL) AS toned,
                       sum(tone * count) FILTER (WHERE tone IS NOT NULL) AS tone_sum,
                       sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) AS negative,
                       list_distinct(list(actor)) AS m_actors,
                       list_distinct(list(source) FILTER (WHERE source IS NOT NULL)) AS m_sources
                FROM mentions{mw} GROUP BY 1
            ),
            e AS (
                SELECT date_trunc('{trunc}', date) AS date,
                       count(*) AS events,
                       min(severity) AS min_severity,
                       sum(CASE WHEN severity < 0 THEN -severity ELSE 0 END) AS conflict,
                       list_distinct(list(actor)) AS e_actors,
                       list_distinct(list(source) FILTER (WHERE source IS NOT NULL)) AS e_sources
                FROM events{ew} GROUP BY 1
            )
            SELECT grid.date,
                   CAST(coalesce(m.volume, 0) AS BIGINT) AS volume,
                   CAST(coalesce(m.toned, 0) AS BIGINT) AS toned,
                   m.tone_sum / nullif(m.toned, 0) AS tone,
                   CAST(coalesce(m.negative, 0) AS DOUBLE) / nullif(m.toned, 0) AS negative_share,
                   CAST(coalesce(e.events, 0) AS BIGINT) AS events,
                   e.min_severity,
                   coalesce(e.conflict, 0.0) AS conflict,
                   CAST(len(list_distinct(list_concat(coalesce(m.m_actors, []), coalesce(e.e_actors, [])))) AS BIGINT) AS actors,
                   CAST(len(list_distinct(list_concat(coalesce(m.m_sources, []), coalesce(e.e_sources, [])))) AS BIGINT) AS sources
            FROM grid LEFT JOIN m USING (date) LEFT JOIN e USING (date)
            ORDER BY grid.date
        """
        return self._frame(sql, [lo, hi] + mp + ep)[columns]

    def events_in(self, sel: Selection, limit: int = 2_000) -> pd.DataFrame:
        """The selection's events, most conflictual first when more than `limit`, then by date."""
        where, params = self._where(sel, "events")
        return self._frame(
            f"""SELECT * FROM (
                    SELECT id, date, actor, target, coalesce(event_type, 'other') AS event_type,
                           severity, headline, source, url, retracts
                    FROM events{where}
                    ORDER BY severity ASC NULLS LAST, date LIMIT {int(limit)}
                ) ORDER BY date, id""",
            params,
        )

    def volume_by_actor(self, sel: Selection) -> pd.DataFrame:
        """Mentions per bucket and actor (for share-of-voice charts)."""
        where, params = self._where(sel, "mentions")
        trunc = sel.bucket
        return self._frame(
            f"""SELECT date_trunc('{trunc}', date) AS date, actor, CAST(sum(count) AS BIGINT) AS volume,
                       sum(tone * count) FILTER (WHERE tone IS NOT NULL)
                         / nullif(sum(count) FILTER (WHERE tone IS NOT NULL), 0) AS tone
                FROM mentions{where} GROUP BY 1, 2 ORDER BY 1, 2""",
            params,
        )

    def coverage(self, actor: str, start: dt.datetime, end: dt.datetime) -> tuple[float, float | None]:
        """Mentions of `actor` in [start, end) and their count-weighted mean tone.

        A row stamped at midnight stands for a whole day (daily data) and counts in
        proportion to how much of its day falls inside the window; any other row is an
        instant and counts fully when inside it.
        """
        row = self._frame(
            """
            WITH m AS (
                SELECT count, tone,
                       CASE WHEN date = date_trunc('day', date) THEN
                           greatest(0, epoch(least(date + INTERVAL 1 DAY, CAST(? AS TIMESTAMP)))
                                       - epoch(greatest(date, CAST(? AS TIMESTAMP)))) / 86400.0
                       ELSE CASE WHEN date >= ? AND date < ? THEN 1.0 ELSE 0.0 END END AS share
                FROM mentions
                WHERE actor = ? AND date < ? AND date + INTERVAL 1 DAY > ?
            )
            SELECT sum(count * share) AS volume,
                   sum(tone * count * share) FILTER (WHERE tone IS NOT NULL)
                     / nullif(sum(count * share) FILTER (WHERE tone IS NOT NULL), 0) AS tone
            FROM m
            """,
            [end, start, start, end, actor, end, start],
        ).iloc[0]
        volume = 0.0 if pd.isna(row["volume"]) else float(row["volume"])
        tone = None if pd.isna(row["tone"]) else float(row["tone"])
        return volume, tone

    def retraction_links(self, sel: Selection) -> pd.DataFrame:
        """Pairs of (claim, retraction) events in the selection, linked by `retracts`."""
        where, params = self._where(sel, "events")
        return self._frame(
            f"""SELECT c.id AS claim_id, c.date AS claim_date, c.actor AS claim_actor,
                       c.headline AS claim_headline, c.severity AS claim_severity,
                       r.id AS retraction_id, r.date AS retraction_date, r.actor AS retraction_actor,
                       r.headline AS retraction_headline
                FROM (SELECT * FROM events{where}) r JOIN events c ON r.retracts = c.id
                ORDER BY r.date""",
            params,
        )

    def matrix(self, sel: Selection, top: int = 12) -> pd.DataFrame:
        """Who acts on whom: events and mean severity per (actor, target), busiest actors."""
        where, params = self._where(sel, "events")
        extra = " AND " if where else " WHERE "
        return self._frame(
            f"""WITH e AS (SELECT actor, target, severity FROM events{where}{extra}target IS NOT NULL),
                a AS (SELECT actor FROM e GROUP BY actor ORDER BY count(*) DESC, actor LIMIT {int(top)}),
                t AS (SELECT target FROM e GROUP BY target ORDER BY count(*) DESC, target LIMIT {int(top)})
            SELECT actor, target, CAST(count(*) AS BIGINT) AS events, avg(severity) AS mean_severity
            FROM e WHERE actor IN (SELECT actor FROM a) AND target IN (SELECT target FROM t)
            GROUP BY actor, target ORDER BY actor, target""",
            params,
        )

    def top_actors(self, sel: Selection, n: int = 10) -> list[str]:
        """The selection's busiest actors: by mentions, then by events."""
        mw, mp = self._where(sel, "mentions")
        ew, ep = self._where(sel, "events")
        df = self._frame(
            f"""SELECT actor, sum(m) AS m, sum(e) AS e FROM (
                    SELECT actor, sum(count) AS m, 0 AS e FROM mentions{mw} GROUP BY actor
                    UNION ALL SELECT actor, 0, count(*) FROM events{ew} GROUP BY actor
                ) GROUP BY actor ORDER BY m DESC, e DESC, actor LIMIT {int(n)}""",
            mp + ep,
        )
        if sel.actors:
            return [a for a in df["actor"] if a in sel.actors]
        return df["actor"].tolist()
