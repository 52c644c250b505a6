"""Altair chart builders. Each takes frames and options and returns a chart; none renders.

Field names are our own fixed column names, always given as alt.X(field=..., type=...);
data values (actor names, headlines) only ever travel as data, never inside an expression.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

Y_AXIS_EXTENT = 64  # every panel's y axis takes the same room, so the plots line up
PANEL_HEIGHT = {"volume": 170, "tone": 110, "events": 120}
INK = "#1f2937"
MUTED = "#6b7280"
VOLUME_COLOR = "#5b7fa6"
TONE_COLOR = "#b45309"
# Diverging conflict (orange-red) to cooperation (blue): readable for the common forms of
# colour blindness (no red/green pair).
SEVERITY_SCHEME = alt.Scale(domain=[-10, 0, 10], range=["#b2182b", "#f7f7f7", "#2166ac"])


def outer_height(chart) -> int:
    """Room for a panel when the page fits it: plot height plus title, x axis and legend."""
    has_legend = "shape" in chart.to_dict(validate=False).get("encoding", {})
    return int(chart.height) + 80 + (50 if has_legend else 0)


def _size(panel: str, width: int | None) -> dict:
    """Height per panel; width only when fixed (Streamlit sizes a stretched chart itself)."""
    return {"height": PANEL_HEIGHT[panel]} | ({"width": width} if width else {})


def _x(title: str | None = None, domain: list[str] | None = None, field: str = "date") -> alt.X:
    return alt.X(
        field=field,
        type="temporal",
        title=title,
        scale=alt.Scale(domain=domain) if domain else alt.Undefined,
        axis=alt.Axis(format="%d %b", labelColor=MUTED, grid=False, labelOverlap="greedy", labelFlush=True, tickCount=8),
    )


def bucket_length(series: pd.DataFrame) -> pd.Timedelta:
    """The spacing of the series' buckets (a day when it cannot tell)."""
    steps = series["date"].diff().dropna()
    return steps.min() if len(steps) else pd.Timedelta(days=1)


def date_domain(series: pd.DataFrame) -> list[str] | None:
    """From the first bucket's start to the last bucket's end: one x range for every panel."""
    if not len(series):
        return None
    end = series["date"].max() + bucket_length(series)
    return [series["date"].min().isoformat(), end.isoformat()]


def _y(field: str, title: str, domain: list[float] | None = None, fmt: str | None = None) -> alt.Y:
    return alt.Y(
        field=field,
        type="quantitative",
        title=title,
        scale=alt.Scale(domain=domain) if domain else alt.Undefined,
        axis=alt.Axis(minExtent=Y_AXIS_EXTENT, maxExtent=Y_AXIS_EXTENT, format=fmt or alt.Undefined, labelColor=MUTED),
    )


def volume_chart(series: pd.DataFrame, subtitle: str = "", domain: list[str] | None = None, width: int | None = None) -> alt.Chart:
    """Mentions per bucket as bars, each spanning its bucket (date to end)."""
    data = series[["date", "volume"]].copy()
    data["end"] = data["date"] + bucket_length(series)
    return (
        alt.Chart(data, title=alt.Title("Attention: mentions per bucket", subtitle=subtitle or alt.Undefined, anchor="start"))
        .mark_bar(color=VOLUME_COLOR, opacity=0.85, stroke="white", strokeWidth=0.3)
        .encode(
            x=_x(domain=domain),
            x2=alt.X2(field="end"),
            y=_y("volume", "mentions", fmt="~s"),
            y2=alt.Y2(datum=0),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y %H:%M"),
                alt.Tooltip(field="volume", type="quantitative", title="mentions", format=","),
            ],
        )
        .properties(**_size("volume", width))
    )


def tone_chart(series: pd.DataFrame, domain: list[str] | None = None, width: int | None = None) -> alt.LayerChart:
    """Mean tone per bucket (-1 negative ... +1 positive) with a zero line."""
    data = series[["date", "tone", "negative_share"]].dropna(subset=["tone"]).copy()
    data["mid"] = data["date"] + bucket_length(series) / 2  # a bucket's tone sits mid-bucket
    line = (
        alt.Chart(data)
        .mark_line(color=TONE_COLOR, strokeWidth=2, point=alt.OverlayMarkDef(size=12, color=TONE_COLOR))
        .encode(
            x=_x(domain=domain, field="mid"),
            y=_y("tone", "tone", [-1, 1], "+.1f"),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y %H:%M"),
                alt.Tooltip(field="tone", type="quantitative", title="mean tone", format="+.2f"),
                alt.Tooltip(field="negative_share", type="quantitative", title="negative share", format=".0%"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=MUTED, strokeDash=[3, 3]).encode(
        y=alt.Y(field="y", type="quantitative")
    )
    return alt.layer(zero, line, title=alt.Title("Tone: mean of mentions, −1 to +1", anchor="start")).properties(
        **_size("tone", width)
    )


def events_chart(events: pd.DataFrame, domain: list[str] | None = None, width: int | None = None) -> alt.Chart:
    """Each event as a marker: date across, severity up (cooperation) or down (conflict)."""
    cols = ["date", "actor", "target", "event_type", "severity", "headline"]
    data = events[cols].copy() if len(events) else pd.DataFrame(columns=cols)
    data["severity"] = pd.to_numeric(data["severity"]).fillna(0.0)
    data["target"] = data["target"].fillna("—")
    data["magnitude"] = data["severity"].abs()
    return (
        alt.Chart(data, title=alt.Title("Events: severity, −10 conflict to +10 cooperation", anchor="start"))
        .mark_point(filled=True, stroke=INK, strokeWidth=0.6, opacity=0.95)
        .encode(
            x=_x("date (UTC)", domain),
            y=_y("severity", "severity", [-10, 10], "+d"),
            color=alt.Color(field="severity", type="quantitative", scale=SEVERITY_SCHEME, legend=None),
            size=alt.Size(field="magnitude", type="quantitative", scale=alt.Scale(domain=[0, 10], range=[30, 260]), legend=None),
            shape=alt.Shape(
                field="event_type",
                type="nominal",
                title="event type",
                legend=alt.Legend(orient="bottom", direction="horizontal", labelColor=MUTED),
            ),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y"),
                alt.Tooltip(field="actor", type="nominal", title="actor"),
                alt.Tooltip(field="target", type="nominal", title="target"),
                alt.Tooltip(field="event_type", type="nominal", title="type"),
                alt.Tooltip(field="severity", type="quantitative", title="severity", format="+.1f"),
                alt.Tooltip(field="headline", type="nominal", title="what happened"),
            ],
        )
        .properties(**_size("events", width))
    )


def timeline_panels(series: pd.DataFrame, events: pd.DataFrame, subtitle: str = "", width: int | None = None) -> list:
    """Attention, tone and events panels over one shared date range, top to bottom.

    Panels without data are left out (no tone panel for volume-only data, no events panel
    without events); at least the attention panel is always there.
    """
    domain = date_domain(series)  # the same on every panel: a date sits at one x everywhere
    panels: list = []
    if series["volume"].sum() > 0:
        panels.append(volume_chart(series, subtitle, domain, width))
    if series["tone"].notna().any():
        panels.append(tone_chart(series, domain, width))
    if len(events):
        panels.append(events_chart(events, domain, width))
    if not panels:
        panels.append(volume_chart(series, subtitle, domain, width))
    return [_style(p) for p in panels]


def _style(chart):
    return (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, titleColor=MUTED)
        .configure_title(fontSize=15, color=INK, subtitleColor=MUTED)
    )


def timeline_chart(series: pd.DataFrame, events: pd.DataFrame, subtitle: str = "", width: int = 960) -> alt.VConcatChart:
    """The panels stacked in one chart with a fixed width: for PNG/SVG export and reports."""
    panels = timeline_panels(series, events, subtitle, width)
    plain = []
    for p in panels:
        p = p.copy(deep=False)
        p.config = alt.Undefined
        plain.append(p)
    return _style(alt.vconcat(*plain, spacing=14).resolve_scale(x="shared"))
