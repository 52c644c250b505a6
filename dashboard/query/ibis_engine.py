"""The query layer written once in Ibis: DuckDB through Ibis, or Apache Spark.

`IbisEngine` answers every question `dashboard.query.duckdb_engine.Engine` answers — same methods, same
columns, types and order, same empty frames, the same ValueError for too many buckets — but
as Ibis expressions, so the one code path runs on Ibis's DuckDB backend and on its PySpark
backend (local mode, or a cluster named by BOILINGPOINT_SPARK_MASTER). No distributed code
of our own: Spark plans and runs the queries; the driver only collects aggregated buckets,
the capped event list and small name lists.

Differences from `Engine`, all deliberate:
- Values reach the engine as literals that Ibis quotes (sqlglot escapes them for each
  dialect), not as bound parameters: Ibis has no parameters for a list of values.
- Mentions are kept as they come (actor and source as text), not as integer codes: the
  codes are a DuckDB memory trick; Spark caches its own columnar copy.
- Gaps between buckets are filled on the driver (at most MAX_BUCKETS rows), not by a range
  joined in the engine.
- Coverage windows are joined to the mentions by a range condition rather than unnested
  into days; a daily row's share of its day is computed from whole-second epochs (exact at
  midnight) and the window's bounds in seconds, computed here.
Float sums may differ from Engine's in the last bits (another summation order).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import uuid
from dataclasses import replace
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
from ibis import _

from dashboard.contract import MAX_BUCKETS, NEGATIVE_TONE, Selection, bucket_count
from dashboard.query.buckets import check_buckets, chosen_span, grid_size, on_grid, selection_span, span_buckets
from dashboard.query.schema import EVENT_SCHEMA, MENTION_SCHEMA, SERIES_COLUMNS, conform

_TRUNC = {"hour": "h", "day": "D", "week": "W"}  # Ibis truncate units; weeks start on Monday
_DAY_SECONDS = 86_400.0


# --- connections -------------------------------------------------------------------------


def connect_duckdb():
    """An Ibis connection to a new in-process DuckDB (as Engine's: two threads, UTC)."""
    return ibis.duckdb.connect(threads=2)  # Ibis sets the time zone to UTC itself


# --- the engine --------------------------------------------------------------------------


def _conformed(t, schema: pa.Schema):
    """An Ibis table (a file read in place, a warehouse table) with the schema's columns in
    its types (absent ones null), as conform makes of an Arrow table.

    Column names match as the loader matches them: trimmed and case-insensitive. A missing
    count is 1 and a NaN tone is no tone, as the loader reads them.
    """
    names: dict[str, str] = {}
    for c in t.columns:
        names.setdefault(c.strip().lower(), c)
    cols = {}
    for f in schema:
        typ = ibis.dtype(f.type)
        if f.name not in names:
            cols[f.name] = ibis.literal(1, typ) if f.name == "count" else ibis.null(typ)
            continue
        col = t[names[f.name]].cast(typ)
        if f.name == "count":
            col = col.fill_null(1)
        elif f.name == "tone":
            col = col.isnan().ifelse(ibis.null(typ), col)
        cols[f.name] = col
    return t.select(**cols)


class IbisEngine:
    """One dataset's events and mentions in an Ibis backend (DuckDB, Spark, or any other).

    `events` and `mentions` are each one of:
    - a validated Arrow table (as Engine takes them): registered once, cached in the backend;
    - the path of a Parquet file in the canonical columns, which the backend reads itself
      (on Spark, the executors read it: its rows never pass through this process);
    - an Ibis table already on `con` (a warehouse table, e.g. GDELT in BigQuery, shaped to
      the canonical columns): queried where it is, cached only when `cache` is true.
    Columns are matched and typed as the loader does (_conformed). `owns_connection`:
    close() disconnects (a DuckDB of its own); a shared Spark session is left running, only
    this dataset's views and cached tables are released.
    """

    def __init__(self, con, events=None, mentions=None, owns_connection: bool = False, cache: bool = True):
        self._con = con
        self._owns = owns_connection
        # A DuckDB connection serves one query at a time; Spark takes concurrent jobs.
        self._lock = threading.Lock() if con.name == "duckdb" else None
        self._views: list[str] = []
        self._cached: list = []
        self.mentions_file: Path | None = Path(mentions) if isinstance(mentions, (str, Path)) else None
        self._e = self._table(events, EVENT_SCHEMA, "events", cache)
        self._m = self._table(mentions, MENTION_SCHEMA, "mentions", cache)
        e, m = self._e, self._m
        facts = e.aggregate(n_events=e.count(), e_lo=e.date.min(), e_hi=e.date.max()).cross_join(
            m.aggregate(n_mentions=m.count(), n_toned=m.tone.count(), m_lo=m.date.min(), m_hi=m.date.max())
        )
        row = self._run(facts).iloc[0]
        self.has_events: bool = bool(row["n_events"] > 0)
        self.has_mentions: bool = bool(row["n_mentions"] > 0)
        self.has_tone: bool = bool(row["n_toned"] > 0)
        dates = [row[c] for c in ("e_lo", "e_hi", "m_lo", "m_hi") if not pd.isna(row[c])]
        self._bounds = (min(dates).date(), max(dates).date()) if dates else None

    @property
    def backend(self) -> str:
        """The Ibis backend's name: "duckdb", "pyspark", …"""
        return self._con.name

    def _name(self, what: str) -> str:
        return f"boilingpoint_{what}_{uuid.uuid4().hex[:12]}"

    def _table(self, given, schema: pa.Schema, what: str, cache: bool):
        """The dataset's table of this kind in the backend, in the schema's columns and types."""
        if isinstance(given, (str, Path)):
            given = self._con.read_parquet(str(given), table_name=self._name(f"{what}_file"))
            self._views.append(given.get_name())
        if isinstance(given, ibis.Table):
            conformed = _conformed(given, schema)
            return self._keep(self._con.create_view(self._name(what), conformed)) if cache else conformed
        # Arrow rows: a view over them, copied into the engine's own storage by cache().
        return self._keep(self._con.create_view(self._name(what), ibis.memtable(conform(given, schema))))

    def _keep(self, view):
        self._views.append(view.get_name())
        cached = view.cache()
        self._cached.append(cached)
        return cached

    def close(self) -> None:
        for t in self._cached:
            t.release()
        if self._owns:
            self._con.disconnect()
            return
        for name in reversed(self._views):
            self._con.drop_view(name, force=True)

    def _run(self, expr) -> pd.DataFrame:
        """Execute on the backend, in the pandas types Engine returns: dates as
        datetime64[us]; text without any value (an empty frame, a column of nulls) as
        objects (None), as DuckDB hands them over."""
        if self._lock is None:
            df = self._con.execute(expr)
        else:
            with self._lock:
                df = self._con.execute(expr)
        for c in df.columns:
            kind = str(df[c].dtype)
            if kind.startswith("datetime64"):
                df[c] = df[c].astype("datetime64[us]")
            elif kind in ("str", "string") and not df[c].notna().any():
                df[c] = pd.Series([None] * len(df), index=df.index, dtype=object)
        return df

    # --- what is in the dataset -----------------------------------------------------------

    def date_bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last day with any event or mention (UTC), or None when empty."""
        return self._bounds

    def actor_counts(self) -> pd.DataFrame:
        """Every actor (or target) with its number of events and of mentions, busiest first."""
        e, m = self._e, self._m
        zero = ibis.literal(0, "int64")
        stacked = ibis.union(
            e.group_by(actor=e.actor).agg(events=e.count(), mentions=zero),
            e.filter(e.target.notnull(), e.target != e.actor).group_by(actor=_.target).agg(events=_.count(), mentions=zero),
            m.group_by(actor=m.actor).agg(events=zero, mentions=m["count"].sum().fill_null(0)),
            distinct=False,
        )
        stacked = stacked.filter(stacked.actor.notnull())
        counts = stacked.group_by("actor").agg(events=stacked.events.sum(), mentions=stacked.mentions.sum())
        counts = counts.order_by([ibis.desc(counts.events + counts.mentions), counts.actor])
        df = self._run(counts)
        return df.astype({"events": "int64", "mentions": "int64"})

    def targets(self) -> list[str]:
        e = self._e
        q = e.filter(e.target.notnull()).select("target").distinct().order_by("target")
        return self._run(q)["target"].tolist()

    def event_types(self) -> list[str]:
        e = self._e
        q = e.select(t=e.event_type.fill_null("other")).distinct().order_by("t")
        return self._run(q)["t"].tolist()

    # --- filters ---------------------------------------------------------------------------

    @staticmethod
    def _dates(t, sel: Selection) -> list:
        if sel.narratives:  # matched on the mentions' texts, which this engine does not hold
            raise ValueError("narratives as filters are not supported on the Spark engine yet: run with --engine duckdb")
        preds = []
        if sel.start is not None:
            preds.append(t.date >= ibis.literal(dt.datetime.combine(sel.start, dt.time()), "timestamp"))
        if sel.end is not None:
            preds.append(t.date < ibis.literal(dt.datetime.combine(sel.end + dt.timedelta(days=1), dt.time()), "timestamp"))
        return preds

    def _events(self, sel: Selection):
        e = self._e
        preds = self._dates(e, sel)
        if sel.actors:
            names = list(sel.actors)
            preds.append(e.actor.isin(names) | e.target.isin(names))
        if sel.targets:
            preds.append(e.target.isin(list(sel.targets)))
        if sel.event_types:
            preds.append(e.event_type.fill_null("other").isin(list(sel.event_types)))
        return e.filter(*preds) if preds else e

    def _mentions(self, sel: Selection):
        m = self._m
        preds = self._dates(m, sel)
        if sel.actors:
            preds.append(m.actor.isin(list(sel.actors)))
        return m.filter(*preds) if preds else m

    def bucket_count(self, sel: Selection) -> int:
        return span_buckets(self._span(sel), sel.bucket)

    def _span(self, sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last bucket start of the selection."""
        if sel.start is not None and sel.end is not None:
            # A chosen date range is the span, even where it has no data at its edges.
            if not self._any(sel):
                return None
            return chosen_span(sel)
        e, m = self._events(sel), self._mentions(sel)
        both = ibis.union(
            e.aggregate(lo=e.date.min(), hi=e.date.max()), m.aggregate(lo=m.date.min(), hi=m.date.max()), distinct=False
        )
        row = self._run(both.aggregate(lo=both.lo.min(), hi=both.hi.max())).iloc[0]
        if pd.isna(row["lo"]):
            return None
        return selection_span(sel, row["lo"].to_pydatetime(), row["hi"].to_pydatetime())

    def _any(self, sel: Selection) -> bool:
        """Whether any event or mention matches the selection (one row of each at most)."""
        e, m = self._events(sel).limit(1), self._mentions(sel).limit(1)
        found = e.aggregate(n=e.count()).cross_join(m.aggregate(k=m.count()))
        row = self._run(found).iloc[0]
        return bool(row["n"] + row["k"] > 0)

    # --- buckets ---------------------------------------------------------------------------

    @staticmethod
    def _empty_series() -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SERIES_COLUMNS}).assign(
            date=pd.Series(dtype="datetime64[us]")
        )[SERIES_COLUMNS]


    def _bucket_rows(self, m, e, keys: tuple[str, ...], unit: str, span_columns: bool = False):
        """The per-bucket aggregates of mentions `m` and events `e`, one row per (keys, bucket).

        Mentions are summed per (bucket, actor, source) first — a small table. Those sums and
        the event rows are stacked and aggregated once per bucket: the distinct actors (the
        mentions' and the events' actors) and sources are counted over both together. One
        union and one aggregation: the backend runs one short query.
        """
        by = [*keys, "date"]
        m = m.mutate(date=m.date.truncate(unit), happened=m.date)
        e = e.mutate(date=e.date.truncate(unit), happened=e.date)
        toned = m.tone.notnull()
        ma = m.group_by([*by, "actor", "source"]).agg(
            volume=m["count"].sum(),
            toned=m["count"].sum(where=toned),
            tone_sum=(m.tone * m["count"]).sum(where=toned),
            negative=m["count"].sum(where=m.tone <= NEGATIVE_TONE),
            first_at=m.happened.min(),
            last_at=m.happened.max(),
        )
        i64, f64, ts = "int64", "float64", m.happened.type()
        mentions = ma.select(
            *by, "actor", "source", "volume", "toned", "tone_sum", "negative",
            events=ibis.literal(0, i64), min_severity=ibis.null(f64), conflict=ibis.null(f64), fatalities=ibis.null(f64),
            first_at="first_at", last_at="last_at",
        )
        events = e.select(
            *by, "actor", "source", volume=ibis.null(i64), toned=ibis.null(i64), tone_sum=ibis.null(f64),
            negative=ibis.null(i64), events=ibis.literal(1, i64), min_severity=e.severity,
            conflict=(e.severity < 0).ifelse(-e.severity, 0.0), fatalities=e.fatalities.cast(f64),
            first_at=e.happened.cast(ts), last_at=e.happened.cast(ts),
        )
        u = ibis.union(mentions, events, distinct=False)
        aggs = dict(
            volume=u.volume.sum(), toned=u.toned.sum(), tone_sum=u.tone_sum.sum(), negative=u.negative.sum(),
            events=u.events.sum(), min_severity=u.min_severity.min(), conflict=u.conflict.sum(), fatalities=u.fatalities.sum(),
            actors=u.actor.nunique(), sources=u.source.nunique(),  # nulls are not counted
        )
        if span_columns:
            aggs.update(first_at=u.first_at.min(), last_at=u.last_at.max())
        return u.group_by(by).agg(**aggs).order_by(by)

    @staticmethod
    def _finish(rows: pd.DataFrame, lo: dt.datetime, n: int, bucket: str) -> pd.DataFrame:
        """Collected bucket rows on the full grid of n buckets from lo, in Engine's types."""
        frame = on_grid(rows, lo, n, bucket)
        toned = frame["toned"].astype("float64")
        has_tone = toned > 0
        frame["tone"] = (frame["tone_sum"].astype("float64") / toned).where(has_tone)
        frame["negative_share"] = (frame["negative"].fillna(0).astype("float64") / toned).where(has_tone)
        for c in ("volume", "toned", "events", "actors", "sources"):
            frame[c] = frame[c].fillna(0).astype("int64")
        frame["min_severity"] = frame["min_severity"].astype("float64")
        frame["conflict"] = frame["conflict"].fillna(0.0).astype("float64")
        frame["fatalities"] = frame["fatalities"].astype("float64")
        return frame[SERIES_COLUMNS]

    def series(self, sel: Selection) -> pd.DataFrame:
        """One row per bucket of the selection, gaps filled with zero volume (as Engine.series).

        Columns: date (bucket start, UTC), volume, toned, tone (count-weighted mean),
        negative_share, events, min_severity, conflict, actors and sources.
        """
        chosen = chosen_span(sel)
        if chosen is not None:
            lo, hi = chosen
            n = bucket_count(lo, hi, sel.bucket)
            if n > MAX_BUCKETS and self._any(sel):
                check_buckets(n, sel.bucket)
        else:
            span = self._span(sel)
            if span is None:
                return self._empty_series()
            lo, hi = span
            n = grid_size(lo, hi, sel.bucket)
        rows = self._run(self._bucket_rows(self._mentions(sel), self._events(sel), (), _TRUNC[sel.bucket]))
        if rows.empty:  # nothing matched: no span (a chosen date range alone is not data)
            return self._empty_series()
        return self._finish(rows, lo, n, sel.bucket)

    def volume(self, sel: Selection) -> pd.Series:
        """`series(sel)["volume"]` indexed by bucket date (as Engine.volume)."""
        return self.series(sel).set_index("date")["volume"]

    def series_each(self, sel: Selection, actors) -> dict[str, pd.DataFrame]:
        """`series(replace(sel, actors=(a,)))` for every actor a, in one query.

        An event belongs to its actor and to its target (once when they are the same).
        """
        names = list(dict.fromkeys(actors))
        out: dict[str, pd.DataFrame] = {}
        if not names:
            return out
        dates = replace(sel, actors=())
        m = self._mentions(dates)
        m = m.filter(m.actor.isin(names)).mutate(k=_.actor)
        e = self._events(dates)
        e = ibis.union(
            e.mutate(k=e.actor),
            e.filter(e.target.notnull(), e.target != e.actor).mutate(k=_.target),
            distinct=False,
        )
        e = e.filter(e.k.isin(names))
        rows = self._run(self._bucket_rows(m, e, ("k",), _TRUNC[sel.bucket], span_columns=True))
        by_key = {k: g for k, g in rows.groupby("k", sort=False)}
        # Engine's order: names the dataset does not know first, then the others as asked.
        idle = [name for name in names if name not in by_key]
        unknown = set(idle) - self._known(idle) if idle else set()
        out.update((name, self._empty_series()) for name in names if name in unknown)
        for name in names:
            part = by_key.get(name)
            if part is None:  # no data for this actor in the selection: series' empty frame
                out[name] = self._empty_series()
                continue
            lo, hi = selection_span(sel, part["first_at"].min().to_pydatetime(), part["last_at"].max().to_pydatetime())
            n = grid_size(lo, hi, sel.bucket)
            out[name] = self._finish(part.drop(columns=["k", "first_at", "last_at"]), lo, n, sel.bucket)
        return out

    def _known(self, names: list[str]) -> set[str]:
        """Which of these names the dataset has, as an actor or a target."""
        e, m = self._e, self._m
        found = ibis.union(
            e.filter(e.actor.isin(names)).select(name=_.actor),
            e.filter(e.target.isin(names)).select(name=_.target),
            m.filter(m.actor.isin(names)).select(name=_.actor),
            distinct=True,
        )
        return set(self._run(found)["name"])

    # --- lists -----------------------------------------------------------------------------

    def events_in(self, sel: Selection, limit: int = 2_000) -> pd.DataFrame:
        """The selection's events, most conflictual first when more than `limit`, then by date."""
        e = self._events(sel)
        picked = e.select(
            "id", "date", "actor", "target", event_type=e.event_type.fill_null("other"),
            severity=e.severity, headline=e.headline, source=e.source, url=e.url, retracts=e.retracts,
        )
        picked = picked.order_by([ibis.asc("severity", nulls_first=False), "date"]).limit(int(limit))
        return self._run(picked.order_by(["date", "id"]))

    def volume_by_actor(self, sel: Selection) -> pd.DataFrame:
        """Mentions per bucket and actor (for share-of-voice charts)."""
        m = self._mentions(sel)
        m = m.filter(m.actor.notnull()).mutate(date=_.date.truncate(_TRUNC[sel.bucket]))
        toned = m.tone.notnull()
        g = m.group_by(["date", "actor"]).agg(
            volume=m["count"].sum(), toned=m["count"].sum(where=toned), tone_sum=(m.tone * m["count"]).sum(where=toned)
        )
        q = g.select("date", "actor", volume=g.volume, tone=g.tone_sum / g.toned.nullif(0)).order_by(["date", "actor"])
        df = self._run(q)
        return df.astype({"volume": "int64", "tone": "float64"})

    def coverages(self, windows: list[tuple[str, dt.datetime, dt.datetime]]) -> list[tuple[float, float | None]]:
        """The mentions (and their mean tone) of each (actor, start, end) window, in one query."""
        out: list[tuple[float, float | None]] = [(0.0, None)] * len(windows)
        known = [(i, a, s, e) for i, (a, s, e) in enumerate(windows) if s < e]
        if not known:
            return out
        epoch = dt.datetime(1970, 1, 1)

        def seconds(t: dt.datetime) -> float:
            return (t - epoch) / dt.timedelta(seconds=1)

        w = ibis.memtable(pa.table({
            "i": pa.array([k[0] for k in known], pa.int64()),
            "w_actor": pa.array([k[1] for k in known], pa.string()),
            "lo": pa.array([k[2] for k in known], pa.timestamp("us")),
            "hi": pa.array([k[3] for k in known], pa.timestamp("us")),
            "lo_day": pa.array([k[2].replace(hour=0, minute=0, second=0, microsecond=0) for k in known], pa.timestamp("us")),
            "lo_s": pa.array([seconds(k[2]) for k in known], pa.float64()),
            "hi_s": pa.array([seconds(k[3]) for k in known], pa.float64()),
        }))
        lo = min(k[2] for k in known).replace(hour=0, minute=0, second=0, microsecond=0)
        hi = max(k[3] for k in known)
        m = self._m
        m = m.filter(
            m.date >= ibis.literal(lo, "timestamp"), m.date < ibis.literal(hi, "timestamp"),
            m.actor.isin(sorted({k[1] for k in known})),
        )
        day = m.date.truncate("D")
        m = m.mutate(midnight=m.date == day, day_s=m.date.epoch_seconds().cast("float64"))
        # An instant counts when inside [lo, hi); a row at midnight stands for its whole day
        # and counts for the share of that day inside the window.
        j = m.join(w, [m.actor == w.w_actor, m.date < w.hi, (m.date >= w.lo) | (m.midnight & (m.date >= w.lo_day))])
        overlap = ibis.least(j.day_s + _DAY_SECONDS, j.hi_s) - ibis.greatest(j.day_s, j.lo_s)
        share = j.midnight.ifelse(ibis.greatest(overlap, 0.0) / _DAY_SECONDS, 1.0)
        j = j.mutate(weight=j["count"] * share)
        q = j.group_by("i").agg(
            volume=j.weight.sum(),
            tone=(j.tone * j.weight).sum() / j.weight.sum(where=j.tone.notnull()).nullif(0),
        )
        for i, volume, tone in self._run(q).itertuples(index=False, name=None):
            out[int(i)] = (
                0.0 if volume is None or math.isnan(volume) else float(volume),
                None if tone is None or math.isnan(tone) else float(tone),
            )
        return out

    def retraction_links(self, sel: Selection) -> pd.DataFrame:
        """Pairs of (claim, retraction) events in the selection, linked by `retracts`."""
        r = self._events(sel)
        c = self._e.view()
        j = r.join(c, r.retracts == c.id)
        q = j.select(
            claim_id=c.id, claim_date=c.date, claim_actor=c.actor, claim_headline=c.headline,
            claim_severity=c.severity, retraction_id=r.id, retraction_date=r.date,
            retraction_actor=r.actor, retraction_headline=r.headline,
        ).order_by("retraction_date")
        return self._run(q)

    def matrix(self, sel: Selection, top: int = 12) -> pd.DataFrame:
        """Who acts on whom: events and mean severity per (actor, target), busiest actors."""
        e = self._events(sel)
        e = e.filter(e.target.notnull())
        a = e.group_by("actor").agg(n=e.count())
        a = a.order_by([ibis.desc("n"), "actor"]).limit(int(top))
        t = e.group_by("target").agg(n=e.count())
        t = t.order_by([ibis.desc("n"), "target"]).limit(int(top))
        pairs = e.filter(e.actor.isin(a.actor), e.target.isin(t.target))
        q = pairs.group_by(["actor", "target"]).agg(events=pairs.count(), mean_severity=pairs.severity.mean())
        df = self._run(q.order_by(["actor", "target"]))
        return df.astype({"events": "int64", "mean_severity": "float64"})

    def top_actors(self, sel: Selection, n: int = 10) -> list[str]:
        """The selection's busiest actors: by mentions, then by events."""
        m, e = self._mentions(sel), self._events(sel)
        zero = ibis.literal(0, "int64")
        stacked = ibis.union(
            m.filter(m.actor.notnull()).group_by("actor").agg(m=_["count"].sum(), e=zero),
            e.group_by("actor").agg(m=zero, e=e.count()),
            distinct=False,
        )
        busiest = stacked.group_by("actor").agg(m=stacked.m.sum(), e=stacked.e.sum())
        busiest = busiest.order_by([ibis.desc("m"), ibis.desc("e"), "actor"]).limit(int(n))
        names = self._run(busiest)["actor"].tolist()
        if sel.actors:
            return [a for a in names if a in sel.actors]
        return names

    # --- what is being said (dashboard/text): not on Spark yet ---------------------------

    has_text: bool = False
    text_rows: int = 0
    # Why `said` has nothing here, for the page and the command line.
    text_unsupported: str = ("what is being said (texts, near-copies, terms, narratives) is not supported on the "
                             "Spark engine yet: run with --engine duckdb")

    def text_groups(self, sel: Selection, lo: dt.datetime, hi: dt.datetime, limit: int = 2_000,
                    order: str = "copies") -> pd.DataFrame:
        raise ValueError(self.text_unsupported)

    def text_total(self, sel: Selection, lo: dt.datetime, hi: dt.datetime) -> tuple[int, int]:
        raise ValueError(self.text_unsupported)

    def text_evidence(self, sel: Selection) -> pd.DataFrame:
        raise ValueError(self.text_unsupported)
