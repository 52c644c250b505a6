"""The story in a scored series: its most significant episode, and the beats that tell it.

Pure: a scored table (escalation.SCORED_COLUMNS) and an Analysis in, dates and frames out.
The page opens on `find_episode`'s window; meeting mode steps through `story_moments`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.contract import STAGES
from dashboard.model.escalation import peak_position
from dashboard.model.explain import actor_said

# Two runs above slow boil separated by at most this many slow-boil buckets are one episode:
# a story that dips for a day or two has not ended.
MERGE_GAP_BUCKETS = 7
# The window opens this many buckets before the onset (the build-up) and closes this many after
# the episode ends (the decline), so the view shows the story from before it began.
LEAD_BUCKETS = 10
TAIL_BUCKETS = 7
MAJOR_ACTORS = 6  # the actors whose first move is a beat: the most conflictual, summed
MAX_MOMENTS = 24
MOMENT_COLUMNS = [
    "date", "kind", "kinds", "label", "title", "event_id", "retraction_id", "index", "index_before", "index_after", "stage",
]
# When two beats fall in one bucket, the moment is named after the first kind in this order.
KIND_ORDER = ("peak", "stage", "claim", "retraction", "first move", "change point", "decline", "event")
TOP_EVENTS = 4  # the most conflictual events are beats too, whoever made them


@dataclass(frozen=True)
class Episode:
    """The most significant episode: the window to show, and the dates inside it that matter."""

    start: pd.Timestamp  # first bucket of the window (LEAD_BUCKETS before the onset)
    onset: pd.Timestamp  # first bucket above slow boil (the peak itself when it never left)
    peak: pd.Timestamp
    settled: pd.Timestamp  # last bucket above slow boil of the episode
    end: pd.Timestamp  # last bucket of the window
    peak_index: float
    peak_stage: str

    @property
    def dates(self) -> tuple:
        """The window as (first day, last day), for a date filter."""
        return self.start.date(), self.end.date()


def _hot_runs(levels: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of each run above slow boil, runs closer than the gap merged."""
    hot = np.flatnonzero(levels > 0)
    if not len(hot):
        return []
    runs = [[int(hot[0]), int(hot[0])]]
    for i in hot[1:]:
        if i - runs[-1][1] - 1 <= MERGE_GAP_BUCKETS:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    return [(a, b) for a, b in runs]


def find_episode(table: pd.DataFrame) -> Episode | None:
    """The episode around the highest index: from its onset to its settling back into slow
    boil, widened by LEAD_BUCKETS before and TAIL_BUCKETS after. None for an empty table.

    The episode is the run of buckets above slow boil (gaps of up to MERGE_GAP_BUCKETS merged)
    that holds the highest index; a series that never leaves slow boil gets the window around
    its peak.
    """
    if not len(table):
        return None
    t = table.reset_index(drop=True)
    index = t["index"].astype(float).fillna(0.0).to_numpy()
    levels = t["stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(0).to_numpy()
    runs = _hot_runs(levels)
    if runs:
        first, last = max(runs, key=lambda r: (index[r[0]: r[1] + 1].max(), r[1] - r[0]))
        peak = first + int(index[first: last + 1].argmax())
    else:
        peak = peak_position(t["index"])
        first = last = peak
    lo = max(0, first - LEAD_BUCKETS)
    hi = min(len(t) - 1, last + TAIL_BUCKETS)
    dates = t["date"]
    return Episode(dates.iloc[lo], dates.iloc[first], dates.iloc[peak], dates.iloc[last], dates.iloc[hi],
                   float(index[peak]), str(t["stage"].iloc[peak]))


def _bucket_of(dates: pd.Series, when: pd.Timestamp):
    at = np.flatnonzero(dates.to_numpy() <= np.datetime64(pd.Timestamp(when)))
    return dates.iloc[int(at[-1])] if len(at) else None


def _major_actors(events: pd.DataFrame) -> list[str]:
    """The actors with the most conflict, summed over their events (ties: more events first)."""
    if not len(events):
        return []
    ev = events.dropna(subset=["actor"])
    weight = ev.assign(w=ev["severity"].abs().fillna(1.0)).groupby("actor")["w"].agg(["sum", "count"])
    weight = weight.sort_values(["sum", "count"], ascending=False)
    return [str(a) for a in weight.index[:MAJOR_ACTORS]]


Beat = tuple[str, pd.Timestamp, str, str, "str | None", "str | None"]


def _beats(analysis) -> list[Beat]:
    """Every beat as (kind, when, label, title, event id, linked retraction id), unordered:
    the label is a few words for a heading, the title says what happened."""
    table, events = analysis.table, analysis.events
    beats: list[Beat] = []
    for actor in _major_actors(events):
        first = events[events["actor"] == actor].sort_values("date").iloc[0]
        beats.append(("first move", first["date"], f"{actor}'s first move", actor_said(actor, first['headline']), first["id"], None))
    for _, p in analysis.pairs.iterrows():
        beats.append(("claim", p["claim_date"], f"{p['actor']}'s claim", actor_said(p['actor'], p['claim_headline']),
                      p["claim_id"], p["retraction_id"]))
        beats.append(("retraction", p["retraction_date"], f"{p['actor']} retracts",
                      f"{p['actor']} retracts: {p['retraction_headline']}", p["retraction_id"], None))
    alerts = analysis.alerts
    for _, a in (alerts[alerts["kind"].str.startswith("stage")] if len(alerts) else alerts).iterrows():
        stage = a["kind"].removeprefix("stage: ")
        beats.append(("stage", a["date"], f"The story enters {stage}", f"The story enters {stage}", None, None))
    for _, c in analysis.change_points.iterrows() if len(analysis.change_points) else []:
        label = title = f"Change point in {c['signal']}"
        if isinstance(c["event_actor"], str):
            title += f", after {c['event_actor']}: {c['event_headline']}"
        beats.append(("change point", c["date"], label, title, c["event_id"] if isinstance(c["event_id"], str) else None, None))
    worst = events.dropna(subset=["severity"]).nsmallest(TOP_EVENTS, "severity") if len(events) else events
    for _, e in worst.iterrows():
        beats.append(("event", e["date"], f"{e['actor']} acts (severity {e['severity']:+.0f})", actor_said(e['actor'], e['headline']),
                      e["id"], None))
    index = table["index"].astype(float).to_numpy()
    peak = peak_position(index)
    top = f"The peak: index {index[peak]:.0f}, {table['stage'].iloc[peak]}"
    beats.append(("peak", table["date"].iloc[peak], top, top, None, None))
    calm = np.flatnonzero((table["stage"].to_numpy() == STAGES[0]) & (np.arange(len(table)) > peak))
    if table["stage"].iloc[peak] != STAGES[0] and len(calm):
        when = table["date"].iloc[int(calm[0])]
        beats.append(("decline", when, "The decline: back to a slow boil", "The decline: back to a slow boil", None, None))
    return beats


def _worst_event(events: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp):
    inside = events[(events["date"] >= lo) & (events["date"] < hi)].dropna(subset=["severity"])
    return inside.nsmallest(1, "severity").iloc[0] if len(inside) else None


def story_moments(analysis, limit: int = MAX_MOMENTS) -> pd.DataFrame:
    """The beats of the story, one moment per bucket, in time order.

    Beats: each major actor's first move, every claim and its retraction, every rise of
    stage, every change point, the peak and the decline back to slow boil. Beats in one
    bucket make one moment (named after the first of KIND_ORDER; `kinds` lists them all).
    Past `limit` moments the lower kinds of KIND_ORDER are dropped first.
    """
    if analysis.empty:
        return pd.DataFrame(columns=MOMENT_COLUMNS)
    table = analysis.table.reset_index(drop=True)
    span = pd.Timedelta(analysis.selection.step)
    grouped: dict[pd.Timestamp, list] = {}
    for beat in _beats(analysis):
        bucket = _bucket_of(table["date"], beat[1])
        if bucket is not None:
            grouped.setdefault(bucket, []).append(beat)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    best = sorted(grouped, key=lambda b: (min(rank[x[0]] for x in grouped[b]), b))[:limit]
    index = table["index"].astype(float).to_numpy()
    rows = []
    for bucket in sorted(best):
        beats = sorted(grouped[bucket], key=lambda x: (rank[x[0]], x[1]))
        kind, _, label, title, event_id, retraction_id = beats[0]
        for b in beats:  # the moment's event: its own, or any beat's in the bucket, or the worst event
            event_id = event_id or b[4]
            retraction_id = retraction_id or b[5]
        if kind == "claim" and "retraction" in {b[0] for b in beats}:
            label += " and its retraction"
        moves = [b[2] for b in beats if b[0] == "first move"]
        if kind != "first move" and moves:
            label += f" — {moves[0]}"
        if event_id is None and len(analysis.events):
            worst = _worst_event(analysis.events, bucket, bucket + span)
            if worst is not None:
                event_id = worst["id"]
        if event_id is not None and kind in ("peak", "stage", "decline", "change point") and ", after " not in title:
            event = analysis.events[analysis.events["id"] == event_id]
            if len(event):
                title += f" — {event['actor'].iloc[0]}: {event['headline'].iloc[0]}"
        pos = int(np.flatnonzero(table["date"] == bucket)[0])
        rows.append({
            "date": bucket, "kind": kind, "kinds": tuple(dict.fromkeys(b[0] for b in beats)), "label": str(label),
            "title": str(title),
            "event_id": event_id, "retraction_id": retraction_id, "index": float(index[pos]),
            "index_before": float(index[pos - 1]) if pos > 0 else float("nan"),
            "index_after": float(index[pos: pos + 4].max()),
            "stage": table["stage"].iloc[pos],
        })
    return pd.DataFrame(rows, columns=MOMENT_COLUMNS)


def neighbourhood(table: pd.DataFrame, when: pd.Timestamp, buckets: int = 10) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The window of `buckets` buckets either side of a moment, cut to the table's range."""
    dates = table["date"].reset_index(drop=True)
    pos = int(np.searchsorted(dates.to_numpy(), np.datetime64(pd.Timestamp(when)), side="right")) - 1
    pos = min(max(pos, 0), len(dates) - 1)
    return dates.iloc[max(0, pos - buckets)], dates.iloc[min(len(dates) - 1, pos + buckets)]


def window_of(analysis, lo: pd.Timestamp, hi: pd.Timestamp):
    """The analysis cut to the buckets from `lo` to `hi` (its table, events, change points,
    alerts and the pairs whose claim falls inside)."""
    span = pd.Timedelta(analysis.selection.step)

    def cut(frame: pd.DataFrame, column: str = "date") -> pd.DataFrame:
        if not len(frame):
            return frame
        return frame[(frame[column] >= lo) & (frame[column] < hi + span)].reset_index(drop=True)

    return replace(analysis, table=cut(analysis.table), events=cut(analysis.events),
                   change_points=cut(analysis.change_points), alerts=cut(analysis.alerts),
                   pairs=cut(analysis.pairs, "claim_date"))


def near_notes(notes: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, span: pd.Timedelta) -> pd.DataFrame:
    """The notes dated in the buckets from `lo` to `hi`."""
    return notes[(notes["date"] >= lo) & (notes["date"] < hi + span)] if len(notes) else notes


def moment_events(analysis, moment: pd.Series, skip: str | None = None) -> tuple[pd.DataFrame, int]:
    """The events to tell at a moment — its own first, then one more of its bucket (never
    `skip`) — and how many more of the bucket are left untold."""
    events = analysis.events
    if not len(events):
        return events, 0
    span = pd.Timedelta(analysis.selection.step)
    inside = events[(events["date"] >= moment["date"]) & (events["date"] < moment["date"] + span) & (events["id"] != skip)]
    own = events[events["id"] == moment["event_id"]] if isinstance(moment["event_id"], str) else events.iloc[0:0]
    shown = pd.concat([own, inside[~inside["id"].isin(own["id"])]]).head(2 if len(own) else 1)
    return shown, max(0, len(inside) + len(own[~own["id"].isin(inside["id"])]) - len(shown))


def moment_retraction(analysis, moment: pd.Series):
    """The claim/retraction pair a moment links to (a row of analysis.pairs), or None."""
    pairs = analysis.pairs
    if not len(pairs) or not isinstance(moment["retraction_id"], str):
        return None
    pair = pairs[pairs["retraction_id"] == moment["retraction_id"]]
    return pair.iloc[0] if len(pair) else None


def effect_text(moment: pd.Series) -> str:
    """The moment's effect on the index, in words: "Index 24 → 44 (+20) · simmering"."""
    before = moment["index_before"]
    change = "" if pd.isna(before) else f"{before:.0f} → "
    delta = "" if pd.isna(before) else f" ({moment['index'] - before:+.0f})"
    after = f"; {moment['index_after']:.0f} at most in the next days" if moment["index_after"] > moment["index"] + 0.5 else ""
    return f"Index {change}{moment['index']:.0f}{delta} · {moment['stage']}{after}"


def retraction_text(pair) -> str:
    """A retraction, when it came and how far it reached, in words."""
    ratio = "" if pd.isna(pair["reach_ratio"]) else (
        f" Reach: {pair['reach_ratio']:.0%} of the claim's coverage ({pair['window_hours']:.0f} h after each).")
    return (f"Retracted {pair['retraction_date']:%d %b %H:%M}, {pair['lag_hours']:.0f} h later: "
            f"{pair['retraction_headline']}.{ratio}")
