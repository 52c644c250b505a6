"""One call from a selection to the full picture: scored buckets, change points, alerts,
claim–retraction pairs and explanations. Shared by the dashboard and the CLI."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.engine import Engine, Selection
from dashboard.escalation import DEFAULT_PARAMS, ModelParams, score
from dashboard.explain import explain
from dashboard.signals import annotate, find_alerts, find_change_points

LOOKBACK_BASELINES = 4  # a chosen start date is scored with 4 baseline windows of history
EVENT_LIMIT = 20_000  # the most conflictual events kept for pairing and explaining

PAIR_COLUMNS = [
    "claim_id", "claim_date", "claim_headline", "retraction_id", "retraction_date",
    "retraction_headline", "actor", "lag_hours", "claim_coverage", "retraction_coverage",
    "reach_ratio", "tone_before", "tone_after_claim", "tone_after_retraction",
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

    @property
    def empty(self) -> bool:
        return len(self.table) == 0

    def explain(self, i: int = -1) -> str:
        """Why bucket i (default: the latest) has its stage."""
        if self.empty:
            return "No data in this selection: no mention and no event matches the filters."
        row = self.table.iloc[i]
        return explain(row, self.events, self.params)

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
    span = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}[sel.bucket]
    days = math.ceil((span * params.baseline_buckets * LOOKBACK_BASELINES) / pd.Timedelta(days=1))
    return replace(sel, start=sel.start - dt.timedelta(days=days))


def analyse(engine: Engine, sel: Selection, params: ModelParams = DEFAULT_PARAMS) -> Analysis:
    """Score a selection. Degrades, never fails: no data gives empty tables."""
    params = params.validated()
    wide = lookback(sel, params)
    series = engine.series(wide)
    events = engine.events_in(wide, limit=EVENT_LIMIT)
    table = score(series, params)
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
    return Analysis(sel, params, table, events, cps, alerts, pairs)


def claim_retraction_pairs(engine: Engine, sel: Selection, params: ModelParams) -> pd.DataFrame:
    """For each retraction in the selection: how far it reached compared with its claim.

    Coverage is the mentions of the claim's actor in the window after each event
    (`retraction_window_hours`); the reach ratio is retraction coverage / claim coverage.
    Tone is the actor's mean tone in the window before the claim and after each event.
    """
    links = engine.retraction_links(sel)
    rows = []
    window = pd.Timedelta(hours=params.retraction_window_hours)
    for _, link in links.iterrows():
        actor = link["claim_actor"]
        c0 = link["claim_date"].to_pydatetime()
        r0 = link["retraction_date"].to_pydatetime()
        claim_cov, tone_after_claim = engine.coverage(actor, c0, c0 + window)
        retr_cov, tone_after_retr = engine.coverage(actor, r0, r0 + window)
        _, tone_before = engine.coverage(actor, c0 - window, c0)
        rows.append({
            "claim_id": link["claim_id"], "claim_date": link["claim_date"], "claim_headline": link["claim_headline"],
            "retraction_id": link["retraction_id"], "retraction_date": link["retraction_date"],
            "retraction_headline": link["retraction_headline"], "actor": actor,
            "lag_hours": (r0 - c0).total_seconds() / 3600.0,
            "claim_coverage": claim_cov, "retraction_coverage": retr_cov,
            "reach_ratio": retr_cov / claim_cov if claim_cov > 0 else math.nan,
            "tone_before": tone_before, "tone_after_claim": tone_after_claim,
            "tone_after_retraction": tone_after_retr,
        })
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)
