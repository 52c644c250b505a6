"""The embedded query engine: loaded tables live in DuckDB; filters and buckets run there.

This is the one module that speaks SQL to an engine. Everything it returns is a small
pandas frame — aggregated buckets, a capped list of events, actor counts — never the raw
mention rows. Values reach SQL only as bound parameters, never as text in the query.

Mentions are the big table (millions of rows), so they are stored lean: only the columns a
query reads (date, actor, source, tone, count; not text or url), with actor and source as
integer codes into two small name tables. A 10-million-row table then takes ~330 MB instead
of ~1 GB, and filters and distinct counts compare integers, not strings. Mentions keep the
order they come in (a file in date order lets DuckDB's zone maps skip the row groups outside
a date range; a file in no order is not sorted: sorting ten million rows costs seconds, more
than every query of a session scanning them).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import NEGATIVE_TONE, Selection
from dashboard.query.buckets import grid_size, on_grid, selection_span
from dashboard.query.codes import date_clustering, date_sorted, in_order, name_codes, sorted_names
from dashboard.query.daily import DAILY, DailyMentions, fixed, unfixed
from dashboard.query.schema import EVENT_SCHEMA, MENTION_SCHEMA, SERIES_COLUMNS, conform
from dashboard.query.spans import SpanQueries
from dashboard.text.table import TextQueries, store_mentions_view, text_rows

# The events' conflict (the negative severities, as a positive number), summed exactly (query/daily.py)
CONFLICT = unfixed(f"sum(CASE WHEN severity < 0 THEN {fixed('-severity')} ELSE 0 END)")
MEAN_SEVERITY = unfixed(f"sum({fixed('severity')})") + " / nullif(count(severity), 0)"

ACTOR_IDS_KEPT = 256  # choices of actor names whose codes an engine keeps (Engine._actor_ids)
ACTOR_IDS_NAMES = 1_000  # ... each of at most this many names
_INTERVAL = {"hour": "INTERVAL 1 HOUR", "day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY"}


class Engine(TextQueries, SpanQueries, DailyMentions):
    """An in-process DuckDB database holding one dataset's events and mentions.

    The Arrow tables are copied into the engine once; after that only aggregates come out.
    Safe to share between sessions: every query runs on its own cursor.
    """

    def __init__(self, events: pa.Table | None = None, mentions: pa.Table | None = None, *,
                 mentions_store: str | Path | None = None):
        """`mentions_store`: a DuckDB database file written by dashboard/loading/on_disk.py,
        whose mentions stay on disk (opened read-only), instead of the `mentions` table."""
        self._con = duckdb.connect(":memory:")
        self._spans: dict[str, tuple | None] = {}  # _span's answers: the data never change
        self._spans_lock = threading.Lock()
        self._daily_lock = threading.Lock()  # the daily sums, made once (query/daily.py)
        self._ids: OrderedDict[tuple, tuple[int, ...]] = OrderedDict()  # _actor_ids' answers
        self._ids_lock = threading.Lock()
        self._con.execute("SET threads TO 2")
        self._con.execute("SET TimeZone = 'UTC'")
        events = conform(events, EVENT_SCHEMA)
        # the mentions' own words, in a side table (dashboard/text/table.py); a store file keeps its own
        self._texts = text_rows(mentions) if mentions_store is None else None
        if mentions_store is not None:
            self._open_store(events, Path(mentions_store))
            return
        mentions = conform(mentions, MENTION_SCHEMA, keep_dictionary=("actor", "source"))
        # Name tables: every actor (or target) and every source, each with a dense code (its
        # rank by name). The mentions' codes are computed in Arrow, from their distinct values.
        actor_names = sorted_names(mentions.column("actor"), events.column("actor"), events.column("target"))
        source_names = sorted_names(mentions.column("source"), events.column("source"))
        self._fill(events, mentions, actor_names, source_names)

    def _fill(self, events: pa.Table, mentions: pa.Table | None, actor_names: pa.Array, source_names: pa.Array) -> None:
        """Create the name tables, events and (unless they are in a store) mentions."""
        con = self._con
        con.register("actor_names", pa.table({"id": np.arange(len(actor_names), dtype=np.int32), "name": actor_names}))
        con.register("source_names", pa.table({"id": np.arange(len(source_names), dtype=np.int32), "name": source_names}))
        try:
            con.execute("CREATE TABLE actors AS SELECT id, name FROM actor_names")
            con.execute("CREATE TABLE sources AS SELECT id, name FROM source_names")
        finally:
            con.unregister("actor_names")
            con.unregister("source_names")
        self._fill_rows(events, mentions, actor_names, source_names)
        self._create_texts(self._texts, actor_names, source_names)
        self._texts = None
        self.has_events: bool = self._scalar("SELECT count(*) > 0 FROM events")
        self.has_mentions: bool = self._scalar("SELECT EXISTS (SELECT 1 FROM mentions)")
        self.has_tone: bool = self._scalar("SELECT EXISTS (SELECT 1 FROM mentions WHERE tone IS NOT NULL)")
        self._bounds = self._read_bounds()

    def _open_store(self, events: pa.Table, store: Path) -> None:
        """Mentions from a store file: its name tables keep their codes; the events' names that
        it lacks get the next codes (by name)."""
        con = self._con
        con.execute(f"ATTACH '{str(store).replace(chr(39), chr(39) * 2)}' AS store (READ_ONLY)")

        def names(table: str, *columns) -> pa.Array:
            have = pa.array([r[0] for r in con.execute(f"SELECT name FROM store.{table} ORDER BY id").fetchall()], pa.string())
            more = sorted_names(*columns)
            extra = pc.filter(more, pc.invert(pc.is_in(more, value_set=have))) if len(more) else more
            return pa.concat_arrays([have, extra.cast(pa.string())])

        actor_names = names("actors", events.column("actor"), events.column("target"))
        source_names = names("sources", events.column("source"))
        con.execute(store_mentions_view(con))  # with the rows' positions when the file holds texts
        self._fill(events, None, actor_names, source_names)

    def _fill_rows(self, events: pa.Table, mentions: pa.Table | None, actor_names: pa.Array, source_names: pa.Array) -> None:
        coded = None if mentions is None else pa.table({
            "date": mentions.column("date"),
            "actor": name_codes(mentions.column("actor"), actor_names),
            "source": name_codes(mentions.column("source"), source_names),
            "tone": mentions.column("tone"),
            "count": mentions.column("count"),
        })
        # Mentions not in date order are clustered by date here, once (query/codes.py
        # date_clustering), so that a window's query reads only the row groups of its dates (zone
        # maps) instead of every row. The narrative filter finds a mention by its position in the
        # loaded table (`rowid`, the texts' `row`): moved rows keep it as a column when there are texts.
        order = None if coded is None else date_clustering(coded)
        keep_row = order is not None and self._texts is not None
        con = self._con
        con.register("events_arrow", events)
        if coded is not None:
            con.register("mentions_arrow", coded if order is None else in_order(coded, order, "row" if keep_row else None))
        try:
            # Events' codes through ENUM types: a cast per row keeps the rows in their order (a join
            # would not), so rows already in date order need no sort (events are few: sorted).
            con.execute("CREATE TYPE actor_name AS ENUM (SELECT name FROM actors ORDER BY id)")
            con.execute("CREATE TYPE source_name AS ENUM (SELECT name FROM sources ORDER BY id)")
            actor_code = "CAST(enum_code(CAST({} AS actor_name)) AS INTEGER)".format
            source_code = "CAST(enum_code(CAST({} AS source_name)) AS INTEGER)".format
            cols = ", ".join(f.name for f in EVENT_SCHEMA)
            events_order = "" if date_sorted(events) else " ORDER BY date"
            con.execute(
                f"""CREATE TABLE events AS SELECT {cols}, {actor_code('actor')} AS actor_id,
                {actor_code('target')} AS target_id, {source_code('source')} AS source_id FROM events_arrow{events_order}"""
            )
            if keep_row:
                con.execute("CREATE TABLE mentions_rows AS SELECT date, actor, source, tone, count, row FROM mentions_arrow")
                con.execute("CREATE VIEW mentions AS SELECT date, actor, source, tone, count, row AS rowid FROM mentions_rows")
            elif coded is not None:
                con.execute("CREATE TABLE mentions AS SELECT date, actor, source, tone, count FROM mentions_arrow")
        finally:
            con.unregister("events_arrow")
            if coded is not None:
                con.unregister("mentions_arrow")

    def _create_texts(self, texts: pa.Table | None, actor_names: pa.Array, source_names: pa.Array) -> None:
        if texts is not None:
            texts = texts.set_column(texts.schema.get_field_index("actor"), "actor", name_codes(texts.column("actor"), actor_names))
            texts = texts.set_column(texts.schema.get_field_index("source"), "source", name_codes(texts.column("source"), source_names))
        self.text_rows: int = self.create_texts(texts)
        self.has_text: bool = self.text_rows > 0

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
            ), m AS (
                SELECT a.name, x.n FROM (SELECT actor, sum(count) AS n FROM mentions GROUP BY actor) x
                JOIN actors a ON a.id = x.actor
            )
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

    def _actor_ids(self, names) -> list[int]:
        """The codes of these actor names (names the dataset does not have match nothing). The
        names' codes never change: each choice of names is looked up once (a page's rerun asks
        for the same choice in several queries; the last ACTOR_IDS_KEPT choices are kept)."""
        if not names:
            return []
        key = tuple(names)
        with self._ids_lock:
            kept = self._ids.get(key)
            if kept is not None:
                self._ids.move_to_end(key)
                return list(kept)
        cur = self._cursor()
        try:
            rows = cur.execute("SELECT id FROM actors WHERE list_contains(?, name)", [list(names)]).fetchall()
        finally:
            cur.close()
        ids = [r[0] for r in rows]
        if len(key) <= ACTOR_IDS_NAMES:  # (a choice of thousands is looked up each time: memory stays small)
            with self._ids_lock:
                self._ids[key] = tuple(ids)
                while len(self._ids) > ACTOR_IDS_KEPT:
                    self._ids.popitem(last=False)
        return ids

    def _where(self, sel: Selection, table: str) -> tuple[str, list]:
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
            # Mentions hold actor codes: compare integers, not strings, over millions of rows.
            clauses.append("list_contains(?, actor)")
            params.append(self._actor_ids(sel.actors))
        if sel.narratives:  # by text, in SQL on the side table (dashboard/text/narratives.py)
            clause, more = self.narrative_where(sel, table)
            clauses.append(clause)
            params += more
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def series(self, sel: Selection) -> pd.DataFrame:
        """One row per bucket of the selection, gaps filled with zero volume.

        Columns: date (bucket start, UTC), volume (mentions, counts summed), toned
        (mentions with a tone), tone (count-weighted mean, NaN without toned mentions),
        negative_share (share of toned mentions with tone <= -0.05), events, min_severity
        (the most conflictual event), conflict (sum of the negative severities, as a positive
        number), actors (distinct actors active) and sources (distinct sources).
        """
        span = self._span(sel)
        columns = SERIES_COLUMNS
        if span is None:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).assign(
                date=pd.Series(dtype="datetime64[us]")
            )[columns]
        lo, hi = span
        grid_size(lo, hi, sel.bucket)  # refuses a selection over the bucket cap
        trunc = sel.bucket
        step = _INTERVAL[sel.bucket]
        ew, ep = self._where(sel, "events")
        mw, mp = self._where(sel, "mentions")
        parts = self._series_parts(sel, trunc, mw)  # over the whole range: the daily sums (query/daily.py)
        # Mentions: sums per (bucket, actor) — small — then per bucket; the distinct actors
        # and sources of a bucket are counted over mentions and events together.
        sql = f"""
            WITH grid AS (
                SELECT unnest(range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + {step}, {step})) AS date
            ),
            ma AS MATERIALIZED (
                SELECT date_trunc('{trunc}', date) AS date, actor, {parts.sums} FROM {parts.ma_from}{mw} GROUP BY ALL
            ),
            m AS (
                SELECT date, sum(volume) AS volume, sum(toned) AS toned, sum(tone_sum) AS tone_sum,
                       sum(negative) AS negative
                FROM ma GROUP BY date
            ),
            ms AS ({parts.ms}),
            ev AS MATERIALIZED (
                SELECT date_trunc('{trunc}', date) AS date, severity, fatalities, actor_id, source_id FROM events{ew}
            ),
            e AS (
                SELECT date,
                       count(*) AS events,
                       min(severity) AS min_severity,
                       {CONFLICT} AS conflict,
                       sum(fatalities) AS fatalities
                FROM ev GROUP BY date
            ),
            who AS (
                SELECT date, count(DISTINCT actor) AS actors FROM (
                    SELECT date, actor FROM ma UNION ALL SELECT date, actor_id FROM ev
                ) WHERE actor IS NOT NULL GROUP BY date
            ),
            src AS ({parts.src})
            SELECT grid.date,
                   CAST(coalesce(m.volume, 0) AS BIGINT) AS volume,
                   CAST(coalesce(m.toned, 0) AS BIGINT) AS toned,
                   {unfixed('m.tone_sum')} / nullif(m.toned, 0) AS tone,
                   CAST(coalesce(m.negative, 0) AS DOUBLE) / nullif(m.toned, 0) AS negative_share,
                   CAST(coalesce(e.events, 0) AS BIGINT) AS events,
                   e.min_severity,
                   coalesce(e.conflict, 0.0) AS conflict,
                   CAST(e.fatalities AS DOUBLE) AS fatalities,
                   CAST(coalesce(who.actors, 0) AS BIGINT) AS actors,
                   CAST(coalesce(src.sources, 0) AS BIGINT) AS sources
            FROM grid LEFT JOIN m USING (date) LEFT JOIN e USING (date)
                 LEFT JOIN who USING (date) LEFT JOIN src USING (date)
            ORDER BY grid.date
        """
        return self._frame(sql, [lo, hi] + mp + mp + ep)[columns]

    def volume(self, sel: Selection) -> pd.Series:
        """`series(sel)["volume"]` indexed by bucket date, from one lean query: mentions summed
        per bucket, without the distinct actors, sources and the events `series` also counts
        (the source's total per bucket, model/analysis.source_volume, reads only this)."""
        span = self._span(sel)
        if span is None:  # nothing matches: series' own empty frame, without a query
            return self.series(sel).set_index("date")["volume"]
        lo, hi = span
        grid_size(lo, hi, sel.bucket)  # refuses a selection over the bucket cap, as series does
        step = _INTERVAL[sel.bucket]
        mw, mp = self._where(sel, "mentions")
        table, column = (DAILY, "volume") if self._daily_made(sel) and sel.bucket != "hour" else ("mentions", "count")
        frame = self._frame(
            f"""
            WITH grid AS (
                SELECT unnest(range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + {step}, {step})) AS date
            ),
            m AS (SELECT date_trunc('{sel.bucket}', date) AS date, sum({column}) AS volume FROM {table}{mw} GROUP BY 1)
            SELECT grid.date, CAST(coalesce(m.volume, 0) AS BIGINT) AS volume
            FROM grid LEFT JOIN m USING (date) ORDER BY grid.date
            """,
            [lo, hi] + mp,
        )
        return frame.set_index("date")["volume"]

    def series_each(self, sel: Selection, actors) -> dict[str, pd.DataFrame]:
        """`series(replace(sel, actors=(a,)))` for every actor a, in one pass over the data.

        For the leaderboard: ten actors cost one scan instead of ten.
        """
        names = list(dict.fromkeys(actors))
        ids = dict(self._frame("SELECT name, id FROM actors WHERE list_contains(?, name)", [names]).itertuples(index=False, name=None))
        columns = SERIES_COLUMNS
        empty = self.series(replace(sel, actors=("\x00no such actor",))) if len(ids) < len(names) else None
        out = {name: empty for name in names if name not in ids}
        if not ids:
            return out
        trunc = sel.bucket
        keys = sorted(set(ids.values()))
        dates = replace(sel, actors=())
        mw, mp = self._where(dates, "mentions")
        ew, ep = self._where(dates, "events")
        m_and = " AND " if mw else " WHERE "
        # The same aggregates as `series`, keyed by actor; an event belongs to its actor and
        # to its target (once when they are the same).
        rows = self._frame(
            f"""
            WITH ma AS MATERIALIZED (
                SELECT actor AS k, date_trunc('{trunc}', date) AS date, min(date) AS first_at, max(date) AS last_at,
                       sum(count) AS volume,
                       sum(count) FILTER (WHERE tone IS NOT NULL) AS toned,
                       sum({fixed('tone')} * count) FILTER (WHERE tone IS NOT NULL) AS tone_sum,
                       sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) AS negative
                FROM mentions{mw}{m_and}list_contains(?, actor) GROUP BY ALL
            ),
            ms AS (
                SELECT DISTINCT actor AS k, date_trunc('{trunc}', date) AS date, source
                FROM mentions{mw}{m_and}list_contains(?, actor)
            ),
            ev AS MATERIALIZED (
                SELECT k, date_trunc('{trunc}', date) AS date, date AS happened, severity, fatalities, actor_id, source_id FROM (
                    SELECT *, unnest(list_distinct([actor_id, target_id])) AS k FROM events{ew}
                ) WHERE list_contains(?, k)
            ),
            e AS (
                SELECT k, date, min(happened) AS first_at, max(happened) AS last_at, count(*) AS events, min(severity) AS min_severity,
                       {CONFLICT} AS conflict, sum(fatalities) AS fatalities
                FROM ev GROUP BY ALL
            ),
            who AS (
                SELECT k, date, count(DISTINCT actor) AS actors FROM (
                    SELECT k, date, k AS actor FROM ma UNION ALL SELECT k, date, actor_id FROM ev
                ) WHERE actor IS NOT NULL GROUP BY ALL
            ),
            src AS (
                SELECT k, date, count(DISTINCT source) AS sources FROM (
                    SELECT k, date, source FROM ms UNION ALL SELECT k, date, source_id FROM ev
                ) WHERE source IS NOT NULL GROUP BY ALL
            )
            SELECT k, date, least(ma.first_at, e.first_at) AS first_at, greatest(ma.last_at, e.last_at) AS last_at,
                   CAST(coalesce(ma.volume, 0) AS BIGINT) AS volume,
                   CAST(coalesce(ma.toned, 0) AS BIGINT) AS toned,
                   {unfixed('ma.tone_sum')} / nullif(ma.toned, 0) AS tone,
                   CAST(coalesce(ma.negative, 0) AS DOUBLE) / nullif(ma.toned, 0) AS negative_share,
                   CAST(coalesce(e.events, 0) AS BIGINT) AS events,
                   e.min_severity,
                   coalesce(e.conflict, 0.0) AS conflict,
                   CAST(e.fatalities AS DOUBLE) AS fatalities,
                   CAST(coalesce(who.actors, 0) AS BIGINT) AS actors,
                   CAST(coalesce(src.sources, 0) AS BIGINT) AS sources
            FROM ma FULL OUTER JOIN e USING (k, date) LEFT JOIN who USING (k, date) LEFT JOIN src USING (k, date)
            ORDER BY k, date
            """,
            mp + [keys] + mp + [keys] + ep + [keys],
        )
        by_key = {k: g for k, g in rows.groupby("k", sort=False)}
        for name in names:
            if name not in ids:
                continue
            part = by_key.get(ids[name])
            if part is None:
                out[name] = self.series(replace(sel, actors=(name,)))  # no data: series' own empty frame
                continue
            lo, hi = selection_span(sel, part["first_at"].min().to_pydatetime(), part["last_at"].max().to_pydatetime())
            n = grid_size(lo, hi, sel.bucket)
            frame = on_grid(part, lo, n, sel.bucket)
            for c, fill in (("volume", 0), ("toned", 0), ("events", 0), ("actors", 0), ("sources", 0)):
                frame[c] = frame[c].fillna(fill).astype("int64")
            frame["conflict"] = frame["conflict"].fillna(0.0)
            frame["fatalities"] = frame["fatalities"].astype("float64")
            out[name] = frame[columns]
        return out

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
            f"""SELECT x.date, a.name AS actor, CAST(x.volume AS BIGINT) AS volume, x.tone
                FROM (
                    SELECT date_trunc('{trunc}', date) AS date, actor, sum(count) AS volume,
                           {unfixed(f"sum({fixed('tone')} * count) FILTER (WHERE tone IS NOT NULL)")}
                             / nullif(sum(count) FILTER (WHERE tone IS NOT NULL), 0) AS tone
                    FROM mentions{where} GROUP BY 1, 2
                ) x JOIN actors a ON a.id = x.actor
                ORDER BY 1, 2""",
            params,
        )

    def coverages(self, windows: list[tuple[str, dt.datetime, dt.datetime]]) -> list[tuple[float, float | None]]:
        """The mentions (and their mean tone) of each (actor, start, end) window, in one pass over the mentions."""
        if not windows:
            return []
        ids = dict(self._frame(
            "SELECT name, id FROM actors WHERE list_contains(?, name)", [sorted({w[0] for w in windows})]
        ).itertuples(index=False, name=None))
        known = [(i, ids[a], s, e) for i, (a, s, e) in enumerate(windows) if a in ids and s < e]
        out: list[tuple[float, float | None]] = [(0.0, None)] * len(windows)
        if not known:
            return out
        w = pa.table({
            "i": pa.array([k[0] for k in known], pa.int64()),
            "actor": pa.array([k[1] for k in known], pa.int32()),
            "lo": pa.array([k[2] for k in known], pa.timestamp("us")),
            "hi": pa.array([k[3] for k in known], pa.timestamp("us")),
        })
        lo = min(k[2] for k in known).replace(hour=0, minute=0, second=0, microsecond=0)
        hi = max(k[3] for k in known)
        cur = self._cursor()
        try:
            cur.register("coverage_windows", w)
            # Each window is joined to the rows of its actor on the days it touches, so the
            # join stays small; the date bounds let the zone maps skip everything outside the
            # windows' span. An instant counts when inside [lo, hi); a row at midnight stands
            # for its whole day and counts for the share of that day inside the window.
            rows = cur.execute(
                f"""
                WITH wd AS (
                    SELECT i, actor, lo, hi,
                           unnest(range(date_trunc('day', lo), date_trunc('day', hi) + INTERVAL 1 DAY, INTERVAL 1 DAY)) AS day
                    FROM coverage_windows
                ),
                m AS (
                    SELECT actor, date, date_trunc('day', date) AS day, count, tone FROM mentions
                    WHERE date >= ? AND date < ? AND actor BETWEEN ? AND ?
                ),
                j AS (
                    SELECT wd.i, m.tone,
                           m.count * CASE WHEN m.date = m.day THEN
                               greatest(0, epoch(least(m.date + INTERVAL 1 DAY, wd.hi)) - epoch(greatest(m.date, wd.lo))) / 86400.0
                           ELSE 1.0 END AS weight
                    FROM m JOIN wd ON m.actor = wd.actor AND m.day = wd.day
                    WHERE m.date < wd.hi AND (m.date >= wd.lo OR m.date = m.day)
                )
                SELECT i, {unfixed(f"sum({fixed('weight')})")} AS volume,
                       {unfixed(f"sum({fixed('tone * weight')})")}
                         / nullif({unfixed(f"sum({fixed('weight')}) FILTER (WHERE tone IS NOT NULL)")}, 0) AS tone
                FROM j GROUP BY i
                """,
                [lo, hi, min(k[1] for k in known), max(k[1] for k in known)],
            ).fetchall()
        finally:
            cur.close()
        for i, volume, tone in rows:
            out[i] = (
                0.0 if volume is None or math.isnan(volume) else float(volume),
                None if tone is None or math.isnan(tone) else float(tone),
            )
        return out

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
            SELECT actor, target, CAST(count(*) AS BIGINT) AS events, {MEAN_SEVERITY} AS mean_severity
            FROM e WHERE actor IN (SELECT actor FROM a) AND target IN (SELECT target FROM t)
            GROUP BY actor, target ORDER BY actor, target""",
            params,
        )

    def top_actors(self, sel: Selection, n: int = 10) -> list[str]:
        """The selection's busiest actors: by mentions, then by events."""
        mw, mp = self._where(sel, "mentions")
        ew, ep = self._where(sel, "events")
        table, column = (DAILY, "volume") if self._daily_made(sel) else ("mentions", "count")
        df = self._frame(
            f"""SELECT actor, sum(m) AS m, sum(e) AS e FROM (
                    SELECT a.name AS actor, x.m, 0 AS e FROM (
                        SELECT actor, sum({column}) AS m FROM {table}{mw} GROUP BY actor
                    ) x JOIN actors a ON a.id = x.actor
                    UNION ALL SELECT actor, 0, count(*) FROM events{ew} GROUP BY actor
                ) GROUP BY actor ORDER BY m DESC, e DESC, actor LIMIT {int(n)}""",
            mp + ep,
        )
        if sel.actors:
            return [a for a in df["actor"] if a in sel.actors]
        return df["actor"].tolist()
