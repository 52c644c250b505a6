"""One call from a selection to the full picture: scored buckets, change points, alerts,
claim–retraction pairs and explanations. Shared by the dashboard and the CLI."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.contract import KPI_CHANGE_BUCKETS, MAX_BUCKETS, STAGES, Selection
from dashboard.model import memo
from dashboard.model.escalation import DEFAULT_PARAMS, ModelParams, peak_position, score
from dashboard.model.explain import explain, explain_evidence
from dashboard.model.signals import annotate, find_alerts, find_change_points
from dashboard.model.story import MAX_MOMENTS, story_moments
from dashboard.query.protocol import QueryEngine

STAGES_INDEX = {name: i for i, name in enumerate(STAGES)}
LOOKBACK_BASELINES = 4  # a chosen start date is scored with 4 baseline windows of history
# The most conflictual events kept for pairing, explaining and drawing: the events panel is a
# chart like the others, and no chart carries more than MAX_BUCKETS rows to the browser.
EVENT_LIMIT = MAX_BUCKETS

PAIR_COLUMNS = [
    "claim_id", "claim_date", "claim_headline", "retraction_id", "retraction_date",
    "retraction_headline", "actor", "lag_hours", "claim_coverage", "retraction_coverage",
    "reach_ratio", "window_hours", "tone_before", "tone_after_claim", "tone_after_retraction",
]


@dataclass
class Analysis:
    selection: Selection
    params: ModelParams
    table: pd.DataFrame  # one row per bucket (escalation.SCORED_COLUMNS)
    events: pd.DataFrame  # the selection's events
    change_points: pd.DataFrame
    alerts: pd.DataFrame
    pairs: pd.DataFrame
    # Per bucket: distinct sources, the top source's share, copies; peaks flagged
    # (dashboard/text/evidence.py). None when the engine cannot say.
    evidence: pd.DataFrame | None = None

    @property
    def empty(self) -> bool:
        return len(self.table) == 0

    def explain(self, i: int = -1) -> str:
        """Why bucket i (default: the latest) has its stage."""
        if self.empty:
            return "No data in this selection: no mention and no event matches the filters."
        row = self.table.iloc[i]
        return explain(row, self.events, self.params, self.selection.bucket) + explain_evidence(self.evidence_at(row["date"]))

    def evidence_at(self, when) -> pd.Series | None:
        """The evidence row of the bucket starting at `when` (None without evidence)."""
        if self.evidence is None or not len(self.evidence):
            return None
        hit = self.evidence[self.evidence["date"] == pd.Timestamp(when)]
        return hit.iloc[0] if len(hit) else None

    def explain_date(self, when) -> str:
        if self.empty:
            return self.explain()
        ts = pd.Timestamp(when)
        positions = np.flatnonzero(self.table["date"] <= ts)
        return self.explain(int(positions[-1]) if len(positions) else 0)


def lookback(sel: Selection, params: ModelParams) -> Selection:
    """The selection widened to start LOOKBACK_BASELINES baselines earlier, so that the first
    chosen bucket has its baseline, its carried-over stage and its recent events."""
    if sel.start is None:
        return sel
    span = pd.Timedelta(sel.step)
    days = math.ceil((span * max(params.baseline_buckets, params.reference_buckets) * LOOKBACK_BASELINES) / pd.Timedelta(days=1))
    return replace(sel, start=sel.start - dt.timedelta(days=days))


def _trim_lookback(series: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Drop the empty buckets at the head of the look-back period: before the data begin,
    an empty bucket is no evidence of silence, and would make the first real bucket a spike."""
    if sel.start is None or not len(series):
        return series
    busy = (series["volume"] > 0) | (series["events"] > 0) | (series["date"] >= pd.Timestamp(sel.start))
    first = int(np.argmax(busy.to_numpy()))
    return series.iloc[first:].reset_index(drop=True)


def with_total(engine: QueryEngine, sel: Selection, series: pd.DataFrame, every: pd.Series | None = None) -> pd.DataFrame:
    """The series with `total`: the source's mentions per bucket over every actor (the
    selection's own volume when it names no actor). Attention's share mode divides by it,
    and its gaps and steps tell a collection change from a story (model/attention.py).
    `every`: source_volume(engine, sel), when the caller scores several actors with it. A
    narrative is a part of the source's coverage, as an actor is: its total is every mention."""
    if not (sel.actors or sel.narratives) or not len(series):
        return series.assign(total=series["volume"])
    every = source_volume(engine, sel) if every is None else every
    total = every.reindex(series["date"]).fillna(0).to_numpy()
    return series.assign(total=np.maximum(total, series["volume"].to_numpy()))


def source_volume(engine: QueryEngine, sel: Selection) -> pd.Series:
    """The source's mentions per bucket over every actor, by bucket date (one engine query,
    or none when this engine answered it for the same span and bucket already: model/memo.py)."""
    whole = replace(sel, actors=(), targets=(), event_types=(), narratives=())
    return memo.SOURCE_TOTALS.get_or_make(engine, repr(whole), lambda: engine.volume(whole))


def scored_series(engine: QueryEngine, sel: Selection, params: ModelParams) -> pd.DataFrame:
    """The selection's scored buckets, its look-back included (what analyse and overview share)."""
    wide = lookback(sel, params)
    series = _trim_lookback(memo.series(engine, wide, sel.start), sel)
    return score(with_total(engine, wide, series), params, bucket=sel.bucket)


def analyse(engine: QueryEngine, sel: Selection, params: ModelParams = DEFAULT_PARAMS) -> Analysis:
    """Score a selection. Degrades, never fails: no data gives empty tables."""
    params = params.validated()
    wide = lookback(sel, params)
    events = engine.events_in(wide, limit=EVENT_LIMIT)
    table = scored_series(engine, sel, params)
    if len(table) == 0 or (table["volume"].sum() == 0 and not len(events)):
        empty = pd.DataFrame()
        return Analysis(sel, params, table.iloc[0:0], events.iloc[0:0], empty, empty, pd.DataFrame(columns=PAIR_COLUMNS))
    cps = find_change_points(table, events, params)
    alerts = find_alerts(table, params, sel.bucket)
    table = annotate(table, cps, alerts)
    if sel.start is not None:
        first = pd.Timestamp(sel.start)
        table = table[table["date"] >= first].reset_index(drop=True)
        events = events[events["date"] >= first].reset_index(drop=True)
        cps = cps[cps["date"] >= first].reset_index(drop=True) if len(cps) else cps
        alerts = alerts[alerts["date"] >= first].reset_index(drop=True) if len(alerts) else alerts
    pairs = claim_retraction_pairs(engine, sel, params)
    from dashboard.text.evidence import compute_evidence

    return Analysis(sel, params, table, events, cps, alerts, pairs, compute_evidence(engine, sel, table))


def overview(engine: QueryEngine, sel: Selection, params: ModelParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """The scored buckets of a selection and nothing else — no change points, alerts or
    claim/retraction pairs: the overview strip's stages over the whole range, the same as
    analyse(engine, sel).table's at a fraction of the work."""
    params = params.validated()
    table = scored_series(engine, sel, params)
    if sel.start is not None and len(table):
        table = table[table["date"] >= pd.Timestamp(sel.start)].reset_index(drop=True)
    return table


def claim_retraction_pairs(engine: QueryEngine, sel: Selection, params: ModelParams) -> pd.DataFrame:
    """For each retraction in the selection: how far it reached compared with its claim.

    Coverage is the mentions of the claim's actor in a window after each event. The two
    windows never overlap and are the same length: each lasts min(`retraction_window_hours`,
    the lag from claim to retraction), so the claim's window closes when the retraction comes
    out and the retraction's is as long. The reach ratio is retraction coverage / claim
    coverage: mentions per hour after the retraction against mentions per hour after the
    claim, which nothing in the rule forces towards 1 (on daily counts, each day's mentions
    are spread evenly over its hours). A retraction at the claim's own instant has no window
    (ratio NaN). Tone is the actor's mean tone in the full window before the claim and in each
    event's window after it; `window_hours` says how long the windows were.
    """
    links = engine.retraction_links(sel)
    rows = []
    cap = pd.Timedelta(hours=params.retraction_window_hours)
    records = links.to_dict("records")
    starts = [(link["claim_actor"], link["claim_date"].to_pydatetime(), link["retraction_date"].to_pydatetime())
              for link in records]
    lengths = [max(min(cap, pd.Timedelta(r0 - c0)), pd.Timedelta(0)).to_pytimedelta() for _, c0, r0 in starts]
    # Three windows per pair, all measured in one query: after the claim (until the
    # retraction), after the retraction (as long), and before the claim.
    covered = memo.coverages(engine, [
        w for (actor, c0, r0), length in zip(starts, lengths)
        for w in ((actor, c0, c0 + length), (actor, r0, r0 + length), (actor, c0 - cap.to_pytimedelta(), c0))
    ])
    for k, (link, (actor, c0, r0)) in enumerate(zip(records, starts)):
        (claim_cov, tone_after_claim), (retr_cov, tone_after_retr), (_, tone_before) = covered[3 * k : 3 * k + 3]
        rows.append({
            "claim_id": link["claim_id"], "claim_date": link["claim_date"], "claim_headline": link["claim_headline"],
            "retraction_id": link["retraction_id"], "retraction_date": link["retraction_date"],
            "retraction_headline": link["retraction_headline"], "actor": actor,
            "lag_hours": (r0 - c0).total_seconds() / 3600.0, "window_hours": lengths[k].total_seconds() / 3600.0,
            "claim_coverage": claim_cov, "retraction_coverage": retr_cov,
            "reach_ratio": retr_cov / claim_cov if claim_cov > 0 else math.nan,
            "tone_before": tone_before, "tone_after_claim": tone_after_claim,
            "tone_after_retraction": tone_after_retr,
        })
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def actor_leaderboard(engine: QueryEngine, sel: Selection, params: ModelParams = DEFAULT_PARAMS,
                      top: int = 10, window: int = KPI_CHANGE_BUCKETS) -> pd.DataFrame:
    """The busiest actors by how much their own index changed over the last `window` buckets.
    An actor's row depends only on its own series and the source's total: the rows this engine
    scored already for the same window and parameters are kept (model/memo.py), so adding an
    actor to the filter scores that actor alone."""
    wide = lookback(sel, params)
    actors = engine.top_actors(sel, top)
    base = repr((replace(sel, actors=()), params, window))
    rows = {actor: memo.LEADERBOARD_ROWS.get(engine, f"{base}|{actor}") for actor in actors}
    missing = [actor for actor, row in rows.items() if row is None]
    series = engine.series_each(wide, missing) if missing else {}  # one pass for every actor not kept
    every = source_volume(engine, wide) if series else None  # each actor's attention against the same source
    for actor, frame in series.items():
        rows[actor] = _leaderboard_row(engine, sel, wide, actor, frame, every, params, window)
        memo.LEADERBOARD_ROWS.put(engine, f"{base}|{actor}", rows[actor])
    kept = [row for row in rows.values() if row]  # {}: no index to compare for that actor
    board = pd.DataFrame(kept, columns=["actor", "index_now", "index_before", "change", "stage"])
    return board.sort_values(["change", "index_now"], ascending=False).reset_index(drop=True)


def _leaderboard_row(engine: QueryEngine, sel: Selection, wide: Selection, actor: str, frame: pd.DataFrame,
                     every: pd.Series | None, params: ModelParams, window: int) -> dict:
    one = replace(wide, actors=(actor,))
    table = score(with_total(engine, one, _trim_lookback(frame, sel), every), params, bucket=sel.bucket)
    if sel.start is not None:
        table = table[table["date"] >= pd.Timestamp(sel.start)]
    if len(table) <= window:
        return {}
    if pd.isna(table["index"].iloc[-1]) or pd.isna(table["index"].iloc[-1 - window]):
        return {}  # no index to compare (nothing known there)
    now, before = float(table["index"].iloc[-1]), float(table["index"].iloc[-1 - window])
    return {"actor": actor, "index_now": now, "index_before": before, "change": now - before,
            "stage": table["stage"].iloc[-1]}


def align_on_boiling(table: pd.DataFrame, label: str) -> tuple[pd.DataFrame, str]:
    """The table with an `offset` in buckets from the first bucket at 'boiling' or above.

    A narrative that never boiled is aligned on its peak instead, and the note says so.
    """
    if not len(table):
        return pd.DataFrame(columns=["series", "date", "offset", "index", "stage"]), f"{label}: no data"
    levels = table["stage"].map(STAGES_INDEX)
    hot = np.flatnonzero(levels.to_numpy() >= STAGES_INDEX["boiling"])
    if len(hot):
        zero = int(hot[0])
        note = f"{label}: day 0 is {table['date'].iloc[zero]:%d %b %Y}, when it entered {table['stage'].iloc[zero]}"
    else:
        zero = peak_position(table["index"])
        note = f"{label}: never reached boiling; aligned on its peak ({table['date'].iloc[zero]:%d %b %Y})"
    out = table[["date", "index", "stage"]].copy()
    out.insert(0, "series", label)
    out["offset"] = np.arange(len(out)) - zero
    return out, note


def key_moments(analysis: Analysis, limit: int = MAX_MOMENTS) -> pd.DataFrame:
    """The moments worth stepping through in a meeting, in time order: the story's beats
    (story.story_moments — each major actor's first move, every claim and its retraction,
    stage rises, change points, the peak, the decline), one moment per bucket."""
    return story_moments(analysis, limit)
