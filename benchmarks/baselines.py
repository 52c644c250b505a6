"""The two yardsticks the engine is measured against, doing the same work on the same files.

- naive pandas: the whole table in one DataFrame, a boolean filter, a groupby — what a
  notebook would do;
- raw DuckDB: one hand-written query straight over the Parquet files — the practical floor
  for an engine that reads those files.

Both return exactly what Engine.series returns (checked by bench.py on every run), and
`*_analysis` adds what analyse() adds on top: the look-back, the events, the model, change
points, alerts and claim/retraction coverage, with the dashboard's own pure functions.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.contract import NEGATIVE_TONE, Selection
from dashboard.model.analysis import EVENT_LIMIT, PAIR_COLUMNS, _trim_lookback, lookback
from dashboard.model.escalation import DEFAULT_PARAMS, ModelParams, score
from dashboard.model.signals import annotate, find_alerts, find_change_points
from dashboard.query.schema import SERIES_COLUMNS

_FREQ = {"hour": "h", "day": "D", "week": "7D"}
_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}


def _bucket(dates: pd.Series, bucket: str) -> pd.Series:
    if bucket == "hour":
        return dates.dt.floor("h")
    day = dates.dt.floor("D")
    return day - pd.to_timedelta(day.dt.weekday, unit="D") if bucket == "week" else day


def _bounds(sel: Selection) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    lo = pd.Timestamp(sel.start) if sel.start else None
    hi = pd.Timestamp(sel.end) + pd.Timedelta(days=1) if sel.end else None
    return lo, hi


def _span(sel: Selection, dates: list[pd.Series]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    present = [d for d in dates if len(d)]
    if not present:
        return None
    lo = min(d.min() for d in present)
    hi = max(d.max() for d in present)
    if sel.start:
        lo = pd.Timestamp(sel.start)
    if sel.end:
        hi = pd.Timestamp(sel.end) + pd.Timedelta(hours=23, minutes=59, seconds=59)
    one = lambda t: _bucket(pd.Series([t]), sel.bucket).iloc[0]  # noqa: E731
    return one(lo), one(hi)


# --- naive pandas ------------------------------------------------------------------------------


def read_frames(events: Path, mentions: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both files whole, as pandas, dates as naive UTC (not timed: the notebook's first cell)."""
    e = pd.read_parquet(events)
    m = pd.read_parquet(mentions)
    for f in (e, m):
        f["date"] = f["date"].dt.tz_convert(None).astype("datetime64[us]")
    return e, m


def _filter_mentions(m: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    lo, hi = _bounds(sel)
    keep = np.ones(len(m), dtype=bool)
    if lo is not None:
        keep &= (m["date"] >= lo).to_numpy()
    if hi is not None:
        keep &= (m["date"] < hi).to_numpy()
    if sel.actors:
        keep &= m["actor"].isin(sel.actors).to_numpy()
    return m[keep]


def _filter_events(e: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    lo, hi = _bounds(sel)
    keep = np.ones(len(e), dtype=bool)
    if lo is not None:
        keep &= (e["date"] >= lo).to_numpy()
    if hi is not None:
        keep &= (e["date"] < hi).to_numpy()
    if sel.actors:
        keep &= (e["actor"].isin(sel.actors) | e["target"].isin(sel.actors)).to_numpy()
    if sel.targets:
        keep &= e["target"].isin(sel.targets).to_numpy()
    if sel.event_types:
        keep &= e["event_type"].fillna("other").isin(sel.event_types).to_numpy()
    return e[keep]


def pandas_series(m: pd.DataFrame, e: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Engine.series, naively: boolean filter on the whole frame, then groupby."""
    mm, ee = _filter_mentions(m, sel), _filter_events(e, sel)
    span = _span(sel, [mm["date"], ee["date"]])
    if span is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    mb = _bucket(mm["date"], sel.bucket)
    eb = _bucket(ee["date"], sel.bucket)
    toned = mm["tone"].notna()
    parts = pd.DataFrame({
        "date": mb, "volume": mm["count"], "toned": mm["count"].where(toned, 0),
        "tone_sum": (mm["tone"] * mm["count"]).where(toned, 0.0),
        "negative": mm["count"].where(mm["tone"] <= NEGATIVE_TONE, 0),
    })
    ma = parts.groupby("date").sum()
    sev = ee["severity"]
    deaths = pd.to_numeric(ee["fatalities"], errors="coerce") if "fatalities" in ee.columns else pd.Series(np.nan, index=ee.index)
    ea = pd.DataFrame({"date": eb, "severity": sev, "conflict": (-sev).where(sev < 0, 0.0), "fatalities": deaths}).groupby("date").agg(
        events=("severity", "size"), min_severity=("severity", "min"), conflict=("conflict", "sum"),
        fatalities=("fatalities", lambda x: x.sum(min_count=1)))
    who = pd.concat([pd.DataFrame({"date": mb, "name": mm["actor"]}), pd.DataFrame({"date": eb, "name": ee["actor"]})])
    actors = who.dropna().drop_duplicates().groupby("date").size()
    src = pd.concat([pd.DataFrame({"date": mb, "name": mm["source"]}), pd.DataFrame({"date": eb, "name": ee["source"]})])
    sources = src.dropna().drop_duplicates().groupby("date").size()
    grid = pd.date_range(span[0], span[1], freq=_FREQ[sel.bucket]).astype("datetime64[us]")
    out = pd.DataFrame({"date": grid})
    ma = ma.reindex(grid)
    ea = ea.reindex(grid)
    out["volume"] = ma["volume"].fillna(0).astype("int64").to_numpy()
    out["toned"] = ma["toned"].fillna(0).astype("int64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ma["toned"].to_numpy(dtype=float)
        out["tone"] = np.where(t > 0, ma["tone_sum"].to_numpy(dtype=float) / np.where(t > 0, t, 1), np.nan)
        out["negative_share"] = np.where(t > 0, ma["negative"].fillna(0).to_numpy(dtype=float) / np.where(t > 0, t, 1), np.nan)
    out["events"] = ea["events"].fillna(0).astype("int64").to_numpy()
    out["min_severity"] = ea["min_severity"].to_numpy(dtype=float)
    out["conflict"] = ea["conflict"].fillna(0.0).to_numpy(dtype=float)
    out["fatalities"] = ea["fatalities"].to_numpy(dtype=float)
    out["actors"] = actors.reindex(grid).fillna(0).astype("int64").to_numpy()
    out["sources"] = sources.reindex(grid).fillna(0).astype("int64").to_numpy()
    return out[SERIES_COLUMNS]


def _pandas_events(e: pd.DataFrame, sel: Selection, limit: int) -> pd.DataFrame:
    ee = _filter_events(e, sel)
    ee = ee.assign(event_type=ee["event_type"].fillna("other"))
    ee = ee.sort_values(["severity", "date"], na_position="last").head(limit)
    return ee.sort_values(["date", "id"]).reset_index(drop=True)


def _coverage_pandas(m: pd.DataFrame, windows: list[tuple[str, pd.Timestamp, pd.Timestamp]]) -> list[tuple[float, float | None]]:
    out = []
    for actor, lo, hi in windows:
        rows = m[(m["actor"] == actor) & (m["date"] < hi) & (m["date"] + pd.Timedelta(days=1) > lo)]
        midnight = rows["date"] == rows["date"].dt.floor("D")
        overlap = ((np.minimum(rows["date"] + pd.Timedelta(days=1), hi) - np.maximum(rows["date"], lo)).dt.total_seconds() / 86400.0).clip(lower=0)
        inside = ((rows["date"] >= lo) & (rows["date"] < hi)).astype(float)
        weight = rows["count"] * np.where(midnight, overlap, inside)
        toned = rows["tone"].notna()
        wt = weight[toned].sum()
        out.append((float(weight.sum()), float((rows["tone"][toned] * weight[toned]).sum() / wt) if wt > 0 else None))
    return out


def pandas_analysis(m: pd.DataFrame, e: pd.DataFrame, sel: Selection, params: ModelParams = DEFAULT_PARAMS) -> dict:
    """analyse(), with every query done the naive pandas way (the model itself is shared)."""
    wide = lookback(sel, params)
    series = _with_total(_trim_lookback(pandas_series(m, e, wide), sel), lambda s: pandas_series(m, e, s), wide)
    events = _pandas_events(e, wide, EVENT_LIMIT)
    table = score(series, params, bucket=sel.bucket)
    pairs = _pairs(lambda s: _pandas_links(e, s), lambda w: _coverage_pandas(_subset(m, w), w), sel, params)
    return _finish(table, events, sel, params, pairs)


def _with_total(series: pd.DataFrame, series_of, sel: Selection) -> pd.DataFrame:
    """The series with `total`, the source's mentions over every actor (as analysis.with_total)."""
    if not sel.actors or not len(series):
        return series.assign(total=series["volume"])
    every = series_of(replace(sel, actors=(), targets=(), event_types=()))
    total = every.set_index("date")["volume"].reindex(series["date"]).fillna(0).to_numpy()
    return series.assign(total=np.maximum(total, series["volume"].to_numpy()))


def _subset(m: pd.DataFrame, windows) -> pd.DataFrame:
    """The rows the windows can touch: one boolean filter on the whole frame, once."""
    if not windows:
        return m.iloc[0:0]
    actors = {w[0] for w in windows}
    lo = min(w[1] for w in windows) - pd.Timedelta(days=1)
    hi = max(w[2] for w in windows)
    return m[m["actor"].isin(actors) & (m["date"] >= lo) & (m["date"] < hi)]


def _pandas_links(e: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    r = _filter_events(e, sel)
    r = r[r["retracts"].notna()]
    c = e.set_index("id")
    r = r[r["retracts"].isin(c.index)]
    c = c.loc[r["retracts"]]
    return pd.DataFrame({
        "claim_id": r["retracts"].to_numpy(), "claim_date": c["date"].to_numpy(), "claim_actor": c["actor"].to_numpy(),
        "claim_headline": c["headline"].to_numpy(), "retraction_id": r["id"].to_numpy(),
        "retraction_date": r["date"].to_numpy(), "retraction_headline": r["headline"].to_numpy(),
    }).sort_values("retraction_date")


def _pairs(links_of, coverages_of, sel: Selection, params: ModelParams) -> pd.DataFrame:
    links = links_of(sel)
    cap = pd.Timedelta(hours=params.retraction_window_hours)
    recs = links.to_dict("records")
    # As analysis.claim_retraction_pairs: the two windows after the events are back to back,
    # each min(cap, lag) long; the one before the claim is the full cap.
    lengths = [max(min(cap, pd.Timestamp(r["retraction_date"]) - pd.Timestamp(r["claim_date"])), pd.Timedelta(0)) for r in recs]
    wins = [w for r, length in zip(recs, lengths) for w in (
        (r["claim_actor"], pd.Timestamp(r["claim_date"]), pd.Timestamp(r["claim_date"]) + length),
        (r["claim_actor"], pd.Timestamp(r["retraction_date"]), pd.Timestamp(r["retraction_date"]) + length),
        (r["claim_actor"], pd.Timestamp(r["claim_date"]) - cap, pd.Timestamp(r["claim_date"])))]
    cov = coverages_of(wins)
    rows = []
    for k, r in enumerate(recs):
        (cc, tc), (rc, tr), (_, tb) = cov[3 * k: 3 * k + 3]
        rows.append({
            "claim_id": r["claim_id"], "claim_date": r["claim_date"], "claim_headline": r["claim_headline"],
            "retraction_id": r["retraction_id"], "retraction_date": r["retraction_date"],
            "retraction_headline": r["retraction_headline"], "actor": r["claim_actor"],
            "lag_hours": (pd.Timestamp(r["retraction_date"]) - pd.Timestamp(r["claim_date"])).total_seconds() / 3600.0,
            "claim_coverage": cc, "retraction_coverage": rc, "reach_ratio": rc / cc if cc > 0 else math.nan,
            "window_hours": lengths[k].total_seconds() / 3600.0,
            "tone_before": tb, "tone_after_claim": tc, "tone_after_retraction": tr,
        })
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _finish(table: pd.DataFrame, events: pd.DataFrame, sel: Selection, params: ModelParams, pairs: pd.DataFrame) -> dict:
    cps = find_change_points(table, events, params)
    alerts = find_alerts(table, params, sel.bucket)
    table = annotate(table, cps, alerts)
    if sel.start is not None:
        first = pd.Timestamp(sel.start)
        table = table[table["date"] >= first].reset_index(drop=True)
        events = events[events["date"] >= first].reset_index(drop=True)
        cps = cps[cps["date"] >= first].reset_index(drop=True) if len(cps) else cps
        alerts = alerts[alerts["date"] >= first].reset_index(drop=True) if len(alerts) else alerts
    return {"table": table, "events": events, "change_points": cps, "alerts": alerts, "pairs": pairs}


# --- raw DuckDB over the Parquet files ---------------------------------------------------------


class RawDuckDB:
    """Hand-written queries straight over the Parquet files, in one connection (2 threads)."""

    def __init__(self, events: Path, mentions: Path):
        self.con = duckdb.connect()
        self.con.execute("SET threads TO 2")
        self.con.execute("SET TimeZone = 'UTC'")
        self.events, self.mentions = str(events), str(mentions)
        columns = {r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{self.events}')").fetchall()}
        self._fatalities = "TRY_CAST(fatalities AS DOUBLE)" if "fatalities" in columns else "CAST(NULL AS DOUBLE)"

    def close(self) -> None:
        self.con.close()

    def series_sql(self, sel: Selection) -> tuple[str, list]:
        """The one query: filter, bucket and aggregate both files, gaps filled."""
        lo, hi = _bounds(sel)
        mw, mp, ew, ep = ["true"], [], ["true"], []
        if lo is not None:
            mw.append("date >= CAST(? AS TIMESTAMP)")
            ew.append("date >= CAST(? AS TIMESTAMP)")
            mp.append(lo.to_pydatetime())
            ep.append(lo.to_pydatetime())
        if hi is not None:
            mw.append("date < CAST(? AS TIMESTAMP)")
            ew.append("date < CAST(? AS TIMESTAMP)")
            mp.append(hi.to_pydatetime())
            ep.append(hi.to_pydatetime())
        if sel.actors:
            mw.append("list_contains(?, actor)")
            mp.append(list(sel.actors))
            ew.append("(list_contains(?, actor) OR list_contains(?, target))")
            ep += [list(sel.actors), list(sel.actors)]
        if sel.targets:
            ew.append("list_contains(?, target)")
            ep.append(list(sel.targets))
        if sel.event_types:
            ew.append("list_contains(?, coalesce(event_type, 'other'))")
            ep.append(list(sel.event_types))
        b = {"hour": "date_trunc('hour', date)", "day": "date_trunc('day', date)", "week": "date_trunc('week', date)"}[sel.bucket]
        step = {"hour": "INTERVAL 1 HOUR", "day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY"}[sel.bucket]
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT CAST({b} AS TIMESTAMP) AS b, actor, source, count, tone
                FROM read_parquet('{self.mentions}') WHERE {' AND '.join(mw)}),
            e AS MATERIALIZED (
                SELECT CAST({b} AS TIMESTAMP) AS b, actor, source, severity, {self._fatalities} AS fatalities
                FROM read_parquet('{self.events}') WHERE {' AND '.join(ew)}),
            span AS (SELECT min(b) AS lo, max(b) AS hi FROM (SELECT b FROM m UNION ALL SELECT b FROM e)),
            grid AS (SELECT unnest(range(coalesce(CAST(? AS TIMESTAMP), lo), coalesce(CAST(? AS TIMESTAMP), hi) + {step}, {step})) AS b FROM span),
            ma AS (SELECT b, sum(count) AS volume, sum(count) FILTER (WHERE tone IS NOT NULL) AS toned,
                          sum(tone * count) AS tone_sum, sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) AS negative
                   FROM m GROUP BY b),
            ea AS (SELECT b, count(*) AS events, min(severity) AS min_severity,
                          sum(CASE WHEN severity < 0 THEN -severity ELSE 0 END) AS conflict, sum(fatalities) AS fatalities FROM e GROUP BY b),
            who AS (SELECT b, count(DISTINCT actor) AS actors FROM (SELECT b, actor FROM m UNION ALL SELECT b, actor FROM e) GROUP BY b),
            src AS (SELECT b, count(DISTINCT source) AS sources FROM (SELECT b, source FROM m UNION ALL SELECT b, source FROM e) GROUP BY b)
            SELECT grid.b AS date, CAST(coalesce(volume, 0) AS BIGINT) AS volume, CAST(coalesce(toned, 0) AS BIGINT) AS toned,
                   tone_sum / nullif(toned, 0) AS tone, CAST(coalesce(negative, 0) AS DOUBLE) / nullif(toned, 0) AS negative_share,
                   CAST(coalesce(events, 0) AS BIGINT) AS events, min_severity, coalesce(conflict, 0.0) AS conflict,
                   CAST(fatalities AS DOUBLE) AS fatalities, CAST(coalesce(actors, 0) AS BIGINT) AS actors, CAST(coalesce(sources, 0) AS BIGINT) AS sources
            FROM grid LEFT JOIN ma USING (b) LEFT JOIN ea USING (b) LEFT JOIN who USING (b) LEFT JOIN src USING (b)
            ORDER BY grid.b"""
        start = dt.datetime.combine(sel.start, dt.time()) if sel.start else None
        end = dt.datetime.combine(sel.end, dt.time()) if sel.end else None
        if end is not None and sel.bucket == "hour":
            end = end + dt.timedelta(hours=23)
        if start is not None and sel.bucket == "week":
            start -= dt.timedelta(days=start.weekday())
        if end is not None and sel.bucket == "week":
            end -= dt.timedelta(days=end.weekday())
        return sql, mp + ep + [start, end]

    def series(self, sel: Selection) -> pd.DataFrame:
        sql, params = self.series_sql(sel)
        df = self.con.execute(sql, params).df()
        return df[SERIES_COLUMNS] if len(df) else pd.DataFrame(columns=SERIES_COLUMNS)

    def events_in(self, sel: Selection, limit: int) -> pd.DataFrame:
        lo, hi = _bounds(sel)
        w, p = ["true"], []
        if lo is not None:
            w.append("date >= CAST(? AS TIMESTAMP)")
            p.append(lo.to_pydatetime())
        if hi is not None:
            w.append("date < CAST(? AS TIMESTAMP)")
            p.append(hi.to_pydatetime())
        if sel.actors:
            w.append("(list_contains(?, actor) OR list_contains(?, target))")
            p += [list(sel.actors), list(sel.actors)]
        return self.con.execute(
            f"""SELECT * FROM (SELECT id, CAST(date AS TIMESTAMP) AS date, actor, target, coalesce(event_type, 'other') AS event_type,
                       severity, headline, source, NULL::VARCHAR AS url, retracts
                FROM read_parquet('{self.events}') WHERE {' AND '.join(w)}
                ORDER BY severity ASC NULLS LAST, date LIMIT {int(limit)}) ORDER BY date, id""", p).df()

    def links(self, sel: Selection) -> pd.DataFrame:
        ev = self.events_in(sel, 10**9)
        ids = ev.loc[ev["retracts"].notna(), "retracts"].tolist()
        if not ids:
            return pd.DataFrame(columns=["claim_id", "claim_date", "claim_actor", "claim_headline", "retraction_id",
                                         "retraction_date", "retraction_headline"])
        claims = self.con.execute(
            f"SELECT id, CAST(date AS TIMESTAMP) AS date, actor, headline FROM read_parquet('{self.events}') WHERE list_contains(?, id)",
            [ids]).df().set_index("id")
        r = ev[ev["retracts"].isin(claims.index)]
        c = claims.loc[r["retracts"]]
        return pd.DataFrame({
            "claim_id": r["retracts"].to_numpy(), "claim_date": c["date"].to_numpy(), "claim_actor": c["actor"].to_numpy(),
            "claim_headline": c["headline"].to_numpy(), "retraction_id": r["id"].to_numpy(),
            "retraction_date": r["date"].to_numpy(), "retraction_headline": r["headline"].to_numpy(),
        }).sort_values("retraction_date")

    def coverages(self, windows) -> list[tuple[float, float | None]]:
        if not windows:
            return []
        w = pd.DataFrame({"i": range(len(windows)), "actor": [x[0] for x in windows],
                          "lo": [x[1] for x in windows], "hi": [x[2] for x in windows]})
        lo = min(x[1] for x in windows) - pd.Timedelta(days=1)
        hi = max(x[2] for x in windows)
        cur = self.con.cursor()
        cur.register("w", w)
        rows = cur.execute(
            f"""WITH m AS (SELECT actor, CAST(date AS TIMESTAMP) AS date, count, tone FROM read_parquet('{self.mentions}')
                           WHERE date >= CAST(? AS TIMESTAMP) AND date < CAST(? AS TIMESTAMP) AND list_contains(?, actor)),
                j AS (SELECT w.i, m.tone, m.count * CASE WHEN m.date = date_trunc('day', m.date) THEN
                          greatest(0, epoch(least(m.date + INTERVAL 1 DAY, w.hi)) - epoch(greatest(m.date, w.lo))) / 86400.0
                          ELSE CASE WHEN m.date >= w.lo AND m.date < w.hi THEN 1.0 ELSE 0.0 END END AS weight
                      FROM m JOIN w ON m.actor = w.actor AND m.date < w.hi AND m.date + INTERVAL 1 DAY > w.lo)
            SELECT i, sum(weight), sum(tone * weight) / nullif(sum(weight) FILTER (WHERE tone IS NOT NULL), 0) FROM j GROUP BY i""",
            [lo.to_pydatetime(), hi.to_pydatetime(), sorted({x[0] for x in windows})]).fetchall()
        cur.close()
        out = [(0.0, None)] * len(windows)
        for i, v, t in rows:
            out[i] = (float(v or 0.0), None if t is None or t != t else float(t))
        return out

    def analysis(self, sel: Selection, params: ModelParams = DEFAULT_PARAMS) -> dict:
        """analyse(), with every query a hand-written one over the Parquet files."""
        wide = lookback(sel, params)
        series = _with_total(_trim_lookback(self.series(wide), sel), self.series, wide)
        events = self.events_in(wide, EVENT_LIMIT)
        table = score(series, params, bucket=sel.bucket)
        pairs = _pairs(self.links, self.coverages, sel, params)
        return _finish(table, events, sel, params, pairs)


def one_actor_query(mentions: Path, actor: str) -> str:
    """The single query `boilingpoint score --actor A` is compared with: that actor's daily
    volume, tone, negative share and sources, straight from the Parquet file."""
    path = str(mentions).replace("'", "''")
    name = actor.replace("'", "''")
    return (
        "SELECT date_trunc('day', date) AS d, sum(count) AS volume, "
        "sum(tone * count) / nullif(sum(count) FILTER (WHERE tone IS NOT NULL), 0) AS tone, "
        f"sum(count) FILTER (WHERE tone <= {NEGATIVE_TONE}) / nullif(sum(count) FILTER (WHERE tone IS NOT NULL), 0) AS negative_share, "
        f"count(DISTINCT source) AS sources FROM read_parquet('{path}') WHERE actor = '{name}' GROUP BY 1 ORDER BY 1"
    )


def same_series(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """None when two series agree (floats to 1e-9), else what differs."""
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    for c in SERIES_COLUMNS:
        x = pd.to_numeric(a[c], errors="coerce") if c != "date" else a[c].astype("datetime64[us]")
        y = pd.to_numeric(b[c], errors="coerce") if c != "date" else b[c].astype("datetime64[us]")
        if c == "date":
            if not (x.reset_index(drop=True) == y.reset_index(drop=True)).all():
                return "dates differ"
        elif not np.allclose(x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=1e-9, atol=1e-9, equal_nan=True):
            return f"{c} differs"
    return None


def selection_with(sel: Selection, **changes) -> Selection:
    return replace(sel, **changes)
