"""The story's charts: one moment zoomed to its neighbourhood, and the whole story as a strip
with that neighbourhood marked — for meeting mode and the slides (pure)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.event_labels import label_key
from dashboard.charts.palette import COMPONENT_COLORS, MUTED
from dashboard.charts.timeline import escalation_chart, overview_chart
from dashboard.model.story import near_notes, neighbourhood, window_of

NEIGHBOURHOOD_BUCKETS = 10  # a moment is drawn with this many buckets either side
FONT = 18  # the smallest type on a moment's chart, in px: legible on a projector
SIMULATED_COLOR = COMPONENT_COLORS["tone"]  # the orange "SIMULATED" is written in everywhere


def story_title(text: str, subtitle: str = "", simulated: bool = True) -> alt.Title:
    """A story chart's title; its subtitle in "SIMULATED" orange when the numbers are simulated."""
    return alt.Title(text, subtitle=subtitle or alt.Undefined, anchor="start", subtitleColor=SIMULATED_COLOR if simulated else MUTED)


def moment_chart(analysis, moment: pd.Series, simulated: bool, notes: pd.DataFrame | None = None,
                 width: int | None = None, label_room: int | None = None) -> tuple[alt.LayerChart, tuple]:
    """The escalation panel zoomed on a moment's neighbourhood (NEIGHBOURHOOD_BUCKETS either
    side), type at FONT px or more, the notes pinned there, "SIMULATED" in the subtitle when
    the mentions are. Returns the chart and the neighbourhood (first, last bucket)."""
    lo, hi = neighbourhood(analysis.table, moment["date"], NEIGHBOURHOOD_BUCKETS)
    near = window_of(analysis, lo, hi)
    pinned = near_notes(notes, lo, hi, pd.Timedelta(analysis.selection.step)) if notes is not None else None
    chart = escalation_chart(near.table, near.events, near.change_points, near.params, width=width, highlight=moment["date"],
                             bucket=analysis.selection.bucket, label_size=FONT, label_room=label_room, notes=pinned)
    title = f"Escalation around {moment['date']:%d %b %Y}: index 0–100 and stage"
    meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    labels = meta.get("labels") or {"shown": 0, "events": 0}
    key = ["SIMULATED mentions"] if simulated else []
    if labels["events"]:
        key.append(label_key(labels["shown"], labels["events"], brief=True))  # the events left unlabelled, said
    chart = chart.properties(title=story_title(title, " · ".join(key), simulated), height=250)
    chart = chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT).configure_legend(
        labelFontSize=FONT, titleFontSize=FONT, symbolSize=200).configure_title(fontSize=22, subtitleFontSize=FONT)
    return chart, (lo, hi)


def context_strip(table: pd.DataFrame, window: tuple, bucket: str, width: int | None = None) -> alt.LayerChart:
    """The whole story as a strip, the moment's neighbourhood outlined on it."""
    strip = overview_chart(table, bucket=bucket, marked=window)
    strip = strip.properties(title=story_title("The whole story (the moment's neighbourhood marked)"), height=44,
                             **({"width": width} if width else {}))
    return strip.configure_axis(labelFontSize=FONT).configure_title(fontSize=FONT, fontWeight="normal")
