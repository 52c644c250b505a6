"""The timeline: the escalation panel (stage bands, index, thresholds, change points, event
labels), attention, tone, events with claim → retraction links, the overview strip and the
stage gauge."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts.common import (
    INK,
    MUTED,
    PANEL_HEIGHT,
    SEVERITY_SCHEME,
    STAGE_SCALE,
    TONE_COLOR,
    VOLUME_COLOR,
    bucket_length,
    date_domain,
    neutral_band,
    panel_size,
    style,
    tagged,
    tone_domain,
    x_axis,
    y_axis,
    zero_rule,
)
from dashboard.charts.event_labels import (
    INDEX_TICKS,
    Span,
    event_labels,
    label_key,
    lane_of,
    strip_ceiling,
)
from dashboard.contract import STAGES
from dashboard.model.escalation import ModelParams, peak_position


def volume_chart(series: pd.DataFrame, subtitle: str = "", domain: list[str] | None = None, width: int | None = None,
                 bucket: str | None = None) -> alt.Chart:
    """Mentions per bucket as bars, each spanning its bucket (date to end)."""
    data = series[["date", "volume"]].copy()
    data["end"] = data["date"] + bucket_length(series, bucket)
    return (
        alt.Chart(data, title=alt.Title("Attention: mentions per bucket", subtitle=subtitle or alt.Undefined, anchor="start"),
                  **panel_size("volume", width))
        .mark_bar(color=VOLUME_COLOR, opacity=0.85, stroke="white", strokeWidth=0.3)
        .encode(
            x=x_axis(domain=domain),
            x2=alt.X2(field="end"),
            y=y_axis("volume", "mentions", fmt="~s"),
            y2=alt.Y2(datum=0),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y %H:%M"),
                alt.Tooltip(field="volume", type="quantitative", title="mentions", format=","),
            ],
        )
    )


def tone_chart(series: pd.DataFrame, domain: list[str] | None = None, width: int | None = None,
               bucket: str | None = None, subtitle: str = "") -> alt.LayerChart:
    """Mean tone per bucket (-1 negative ... +1 positive) on an axis fitted to the data, with
    the neutral band and a zero line."""
    data = series[["date", "tone", "negative_share"]].dropna(subset=["tone"]).copy()
    data["mid"] = data["date"] + bucket_length(series, bucket) / 2  # a bucket's tone sits mid-bucket
    # The axis is fitted by data, not written into the spec: two invisible points at the fitted
    # ends (every tone, the band and the zero line lie within them), which Vega then rounds to
    # nice ticks as it did the written domain. So the spec is the same whatever the tones, and
    # a filter change replaces the chart's data in place instead of drawing it anew in the browser.
    ends = alt.Chart(pd.DataFrame({"tone": tone_domain(data["tone"])})).mark_point(opacity=0, size=0).encode(
        y=alt.Y(field="tone", type="quantitative"))
    line = (
        alt.Chart(data)
        .mark_line(color=TONE_COLOR, strokeWidth=2, point=alt.OverlayMarkDef(size=12, color=TONE_COLOR))
        .encode(
            x=x_axis(domain=domain, field="mid"),
            y=y_axis("tone", "tone", None, "+.2f"),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y %H:%M"),
                alt.Tooltip(field="tone", type="quantitative", title="mean tone", format="+.2f"),
                alt.Tooltip(field="negative_share", type="quantitative", title="negative share", format=".0%"),
            ],
        )
    )
    zero = zero_rule("y")
    band = neutral_band("y")
    title = alt.Title("Tone: mean of mentions (−1 to +1; axis fitted to the data, grey band neutral)", anchor="start",
                      subtitle=subtitle or alt.Undefined, subtitleColor="#b45309")
    return alt.LayerChart(layer=[band, zero, line, ends], title=title, **panel_size("tone", width))


def events_chart(events: pd.DataFrame, domain: list[str] | None = None, width: int | None = None,
                 selectable: bool = False) -> alt.Chart:
    """Each event as a marker: date across, severity up (cooperation) or down (conflict).

    With `selectable`, a click selects one event (the selection is named "event" and carries
    the event's id).
    """
    cols = ["id", "date", "actor", "target", "event_type", "severity", "headline"]
    data = events.reindex(columns=cols).copy() if len(events) else pd.DataFrame(columns=cols)
    data["severity"] = pd.to_numeric(data["severity"])
    data["y"] = data["severity"].fillna(0.0)  # an event of unknown severity sits on the zero line
    data["target"] = data["target"].fillna("—")
    data["magnitude"] = data["y"].abs()
    chart = (
        alt.Chart(data, title=alt.Title("Events: severity, −10 conflict to +10 cooperation", anchor="start"),
                  **panel_size("events", width))
        .mark_point(filled=True, stroke=INK, strokeWidth=0.6, opacity=0.95)
        .encode(
            x=x_axis("date (UTC)", domain),
            y=y_axis("y", "severity", [-10, 10], "+d"),
            color=alt.Color(field="y", type="quantitative", scale=SEVERITY_SCHEME, legend=None),
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
    )
    if selectable:
        pick = alt.selection_point(name="event", fields=["id"], on="click", clear="dblclick")
        chart = chart.add_params(pick).encode(
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.35)),
        )
    return chart


# --- the escalation panel -------------------------------------------------------------------


def stage_runs(table: pd.DataFrame, bucket: str | None = None) -> pd.DataFrame:
    """Consecutive buckets of one stage as (start, end, stage) spans, for the bands."""
    if not len(table):
        return pd.DataFrame(columns=["start", "end", "stage"])
    step = bucket_length(table, bucket)
    stage = table["stage"].to_numpy()
    starts = np.flatnonzero(np.r_[True, stage[1:] != stage[:-1]])
    ends = np.r_[starts[1:], len(stage)]
    dates = table["date"].reset_index(drop=True)
    return pd.DataFrame(
        {
            "start": [dates.iloc[a] for a in starts],
            "end": [dates.iloc[b - 1] + step for b in ends],
            "stage": [stage[a] for a in starts],
        }
    )


def escalation_chart(
    table: pd.DataFrame,
    events: pd.DataFrame,
    change_points: pd.DataFrame,
    params: ModelParams,
    domain: list[str] | None = None,
    width: int | None = None,
    highlight: pd.Timestamp | None = None,
    bucket: str | None = None,
    label_size: int = 11,
    label_room: int | None = None,
    notes: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Stage bands behind the index line, thresholds, change points as rules, and labels on
    the most conflictual events (at `label_size` px: meeting mode draws them at 18; `label_room`
    is the plot's expected width in px when it is stretched, so that labels are laid out for it)."""
    domain = domain or date_domain(table, bucket)
    labels, shown, span = (event_labels(events, domain, width or label_room, label_size, table, bucket) if len(events)
                           else ([], 0, None))
    # Labels in a strip above the plot (no lane at the top or foot was clear of the line) widen
    # the index axis past 100; the bands and the axis's ticks stay within 0–100.
    strip = span is not None and span[1] > 100.0
    ceiling = strip_ceiling(labels) if strip else None
    layers = [_stage_bands(table, domain, bucket, ceiling), _threshold_rules(params), *_index_line(table, domain, bucket, ceiling)]
    if len(change_points):
        layers.append(_change_point_rules(change_points, domain, span))
    layers += labels
    if notes is not None and len(notes):
        layers += note_marks(notes, domain, label_size, span)
    if highlight is not None:
        layers.append(_highlight_rule(highlight, domain, span))
    key = ["dotted lines: stage thresholds " + "/".join(f"{t:g}" for t in params.thresholds())]
    if len(change_points):
        key.append("dashed: change points")
    if notes is not None and len(notes):
        key.append("violet ✎: notes")
    if len(events):
        key.append(label_key(shown, len(events)))
    title = alt.Title("Escalation: index 0–100 and stage", anchor="start", subtitle=" · ".join(key), subtitleColor=MUTED)
    return alt.LayerChart(
        layer=layers, title=title, description=escalation_description(table),
        usermeta={"labels": {"shown": shown, "events": len(events)}, "label_lane": lane_of(span)}, **panel_size("escalation", width)
    )


def escalation_description(table: pd.DataFrame) -> str:
    """The escalation chart in one line: its span, its peak and where it ends."""
    if not len(table):
        return "Escalation index: no data"
    peak = peak_position(table["index"])
    first, last = table["date"].iloc[0], table["date"].iloc[-1]
    return (f"Escalation index from {first:%d %b %Y} to {last:%d %b %Y}: peak {table['index'].iloc[peak]:.0f} "
            f"({table['stage'].iloc[peak]}) on {table['date'].iloc[peak]:%d %b %Y}; {table['stage'].iloc[-1]} "
            f"at {table['index'].iloc[-1]:.0f} on {last:%d %b %Y}.")


def _stage_bands(table: pd.DataFrame, domain: list[str] | None, bucket: str | None, ceiling: float | None = None) -> alt.Chart:
    """One coloured band per run of buckets in the same stage (from 0 to 100 when the index
    axis reaches past 100 to `ceiling`, the labels' strip above the plot left blank)."""
    rows = {} if ceiling is None else {"y": alt.YDatum(0, type="quantitative"), "y2": alt.Y2Datum(100)}
    return (
        alt.Chart(stage_runs(table, bucket))
        .mark_rect(opacity=0.55)
        .encode(
            x=x_axis(domain=domain, field="start"),
            x2=alt.X2(field="end"),
            **rows,
            color=alt.Color(field="stage", type="ordinal", scale=STAGE_SCALE, title=None,
                            legend=alt.Legend(orient="top", direction="horizontal", labelColor=INK, titleColor=MUTED)),
            tooltip=[
                alt.Tooltip(field="stage", type="nominal", title="stage"),
                alt.Tooltip(field="start", type="temporal", title="from", format="%d %b %Y"),
                alt.Tooltip(field="end", type="temporal", title="until", format="%d %b %Y"),
            ],
        )
    )


def _threshold_rules(params: ModelParams) -> alt.Chart:
    """A dotted rule at each stage's entry threshold."""
    thresholds = pd.DataFrame({"y": list(params.thresholds()), "stage": list(STAGES[1:])})
    return (
        alt.Chart(thresholds)
        .mark_rule(color=MUTED, strokeDash=[2, 3], opacity=0.6)
        .encode(
            y=alt.Y(field="y", type="quantitative"),
            tooltip=[alt.Tooltip(field="stage", title="threshold of"), alt.Tooltip(field="y", title="index")],
        )
    )


def _index_line(table: pd.DataFrame, domain: list[str] | None, bucket: str | None, ceiling: float | None = None) -> list[alt.Chart]:
    """The index, mid-bucket, and invisible points under it as a wider tooltip target; the
    axis runs to `ceiling` (room for the labels' strip above 100) with ticks up to 100."""
    columns = ["date", "index", "stage", "direction", "attention_ratio", "tone", "c_attention", "c_tone", "c_severity", "c_breadth"]
    data = table[columns].copy()
    data["mid"] = data["date"] + bucket_length(table, bucket) / 2
    line = (
        alt.Chart(data)
        .mark_line(color=INK, strokeWidth=2.2, interpolate="monotone")
        .encode(
            x=x_axis(domain=domain, field="mid"),
            y=y_axis("index", "escalation index", [0, ceiling or 100], values=None if ceiling is None else INDEX_TICKS),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%a %d %b %Y %H:%M"),
                alt.Tooltip(field="index", type="quantitative", title="index", format=".0f"),
                alt.Tooltip(field="stage", type="nominal", title="stage"),
                alt.Tooltip(field="direction", type="nominal", title="direction"),
                alt.Tooltip(field="attention_ratio", type="quantitative", title="attention × baseline", format=".1f"),
                alt.Tooltip(field="tone", type="quantitative", title="tone", format="+.2f"),
            ],
        )
    )
    return [line, line.mark_point(size=40, opacity=0, filled=True)]


def _rule_span(span: Span | None) -> dict:
    """A vertical rule's y extent: the whole plot, or `span` (the part the labels leave free)."""
    return {} if span is None else {"y": alt.YDatum(span[0], type="quantitative"), "y2": alt.Y2Datum(span[1])}


def _change_point_rules(change_points: pd.DataFrame, domain: list[str] | None, span: Span | None = None) -> alt.Chart:
    """A dashed rule at each change point (clear of the event labels), its likely trigger in
    the tooltip."""
    cps = change_points[["date", "signal", "before", "after", "event_actor", "event_headline", "lag_hours"]].copy()
    cps["event_actor"] = cps["event_actor"].fillna("—")
    cps["event_headline"] = cps["event_headline"].fillna("no event in the window before it")
    return (
        alt.Chart(cps)
        .mark_rule(color="#374151", strokeDash=[6, 3], strokeWidth=1.4)
        .encode(
            x=x_axis(domain=domain),
            **_rule_span(span),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="change point", format="%d %b %Y"),
                alt.Tooltip(field="signal", type="nominal", title="in"),
                alt.Tooltip(field="before", type="quantitative", title="mean before", format=",.2f"),
                alt.Tooltip(field="after", type="quantitative", title="mean after", format=",.2f"),
                alt.Tooltip(field="event_actor", type="nominal", title="likely trigger by"),
                alt.Tooltip(field="event_headline", type="nominal", title="likely trigger"),
                alt.Tooltip(field="lag_hours", type="quantitative", title="lag (hours)", format=".0f"),
            ],
        )
    )


NOTE_COLOR = "#7c3aed"  # violet: apart from the stages' warm colours and the blue highlight


def note_marks(notes: pd.DataFrame, domain: list[str] | None, size: int = 11, span: Span | None = None) -> list[alt.Chart]:
    """The notes people pinned: a thin rule at each date (clear of the event labels) and a ✎
    at the end of the rule (the plot's foot, unless the labels are there), the note (with its
    actor and author) in the tooltip. The text travels as data only."""
    data = notes[["date", "actor", "text", "author"]].copy()
    data["actor"] = data["actor"].fillna("the whole story")
    data["author"] = data["author"].fillna("—")
    at_foot = span is None or span[0] == 0.0
    data["y"] = 3.0 if at_foot else 97.0
    tooltip = [
        alt.Tooltip(field="date", type="temporal", title="note on", format="%d %b %Y %H:%M"),
        alt.Tooltip(field="actor", type="nominal", title="about"),
        alt.Tooltip(field="text", type="nominal", title="note"),
        alt.Tooltip(field="author", type="nominal", title="by"),
    ]
    rule = alt.Chart(data).mark_rule(color=NOTE_COLOR, strokeWidth=1.5, opacity=0.7).encode(
        x=x_axis(domain=domain), **_rule_span(span), tooltip=tooltip)
    pen = alt.Chart(data).mark_text(text="✎", fontSize=size + 5, color=NOTE_COLOR, baseline="bottom" if at_foot else "top").encode(
        x=x_axis(domain=domain), y=alt.Y(field="y", type="quantitative"), tooltip=tooltip)
    return [rule, pen]


def _highlight_rule(highlight: pd.Timestamp, domain: list[str] | None, span: Span | None = None) -> alt.Chart:
    """A bold rule at the moment being shown (clear of the event labels)."""
    return (
        alt.Chart(pd.DataFrame({"date": [highlight]}))
        .mark_rule(color="#1d4ed8", strokeWidth=3, opacity=0.8)
        .encode(x=x_axis(domain=domain), **_rule_span(span))
    )


def retraction_links_chart(pairs: pd.DataFrame, events: pd.DataFrame, domain: list[str] | None) -> alt.Chart | None:
    """A line from each claim's marker to its retraction's marker on the events panel."""
    if not len(pairs):
        return None
    sev = events.set_index("id")["severity"] if len(events) else pd.Series(dtype=float)
    data = pd.DataFrame(
        {
            "date": pairs["claim_date"],
            "end": pairs["retraction_date"],
            "y": [float(sev.get(i, 0.0) if pd.notna(sev.get(i, np.nan)) else 0.0) for i in pairs["claim_id"]],
            "y2": [float(sev.get(i, 0.0) if pd.notna(sev.get(i, np.nan)) else 0.0) for i in pairs["retraction_id"]],
            "actor": pairs["actor"],
            "reach_ratio": pairs["reach_ratio"],
            "claim": pairs["claim_headline"],
            "retraction": pairs["retraction_headline"],
        }
    )
    return (
        alt.Chart(data)
        .mark_rule(color="#1d4ed8", strokeWidth=2, strokeDash=[4, 2])
        .encode(
            x=x_axis(domain=domain),
            x2=alt.X2(field="end"),
            y=alt.Y(field="y", type="quantitative"),
            y2=alt.Y2(field="y2"),
            tooltip=[
                alt.Tooltip(field="actor", type="nominal", title="claim → retraction by"),
                alt.Tooltip(field="claim", type="nominal", title="claim"),
                alt.Tooltip(field="retraction", type="nominal", title="retraction"),
                alt.Tooltip(field="reach_ratio", type="quantitative", title="reach ratio", format=".2f"),
            ],
        )
    )


def overview_chart(table: pd.DataFrame, selected: tuple | None = None, bucket: str | None = None,
                   marked: tuple | None = None) -> alt.LayerChart:
    """A thin strip of the whole range, coloured by stage, with a brush to zoom the timeline;
    `marked` (first, last) outlines a window on it (meeting mode's neighbourhood of a moment)."""
    runs = stage_runs(table, bucket)
    brush = alt.selection_interval(name="zoom", encodings=["x"], value={"x": list(selected)} if selected else alt.Undefined)
    bands = alt.Chart(runs).mark_rect().encode(
        x=alt.X(field="start", type="temporal", title=None,
                axis=alt.Axis(format="%d %b %Y", labelColor=MUTED, grid=False, labelOverlap="greedy", tickCount=6)),
        x2=alt.X2(field="end"),
        color=alt.Color(field="stage", type="ordinal", scale=STAGE_SCALE, legend=None),
    )
    data = table[["date", "index"]]
    line = alt.Chart(data).mark_line(color=INK, strokeWidth=1).encode(
        x=alt.X(field="date", type="temporal"), y=alt.Y(field="index", type="quantitative", axis=None, scale=alt.Scale(domain=[0, 100]))
    ).add_params(brush)
    title = alt.Title("Drag across this strip to zoom the timeline; double-click to reset", fontSize=12, color=MUTED,
                      anchor="start", fontWeight="normal")
    layers = [bands, line]
    if marked is not None:
        window = pd.DataFrame({"start": [pd.Timestamp(marked[0])], "end": [pd.Timestamp(marked[1]) + bucket_length(table, bucket)]})
        layers.append(alt.Chart(window).mark_rect(fill="#1d4ed8", fillOpacity=0.12, stroke="#1d4ed8", strokeWidth=3).encode(
            x=alt.X(field="start", type="temporal"), x2=alt.X2(field="end")))
    return tagged(alt.LayerChart(layer=list(layers), title=title, height=PANEL_HEIGHT["overview"]), "overview")


def timeline_layers(analysis, subtitle: str = "", width: int | None = None, domain: list[str] | None = None,
                    highlight: pd.Timestamp | None = None, events_selectable: bool = False,
                    notes: pd.DataFrame | None = None) -> list:
    """Every panel of the main picture, top to bottom, sharing one date domain; `notes`
    (date, actor, text, author) are drawn on the escalation panel."""
    table = analysis.table
    bucket = analysis.selection.bucket
    domain = domain or date_domain(table, bucket)
    escalation = escalation_chart(table, analysis.events, analysis.change_points, analysis.params, domain, width, highlight, bucket,
                                  notes=notes)
    panels = [tagged(escalation, "escalation")]
    if table["volume"].sum() > 0:
        bars = volume_chart(table, subtitle, domain, width, bucket)
        evidence = getattr(analysis, "evidence", None)
        if evidence is not None and (evidence["flag"] != "").any():
            from dashboard.charts.evidence import with_evidence_flags

            panels.append(tagged(with_evidence_flags(bars, table, evidence, domain, bucket), "volume"))
        else:
            panels.append(tagged(bars, "volume"))
    if table["tone"].notna().any():
        panels.append(tagged(tone_chart(table, domain, width, bucket, subtitle), "tone"))
    if len(analysis.events):
        ev = events_chart(analysis.events, domain, width, selectable=events_selectable)
        link = retraction_links_chart(analysis.pairs, analysis.events, domain)
        panels.append(tagged(alt.layer(link, ev, title=ev.title) if link is not None else ev, "events"))
    return [style(p) for p in panels]


def timeline_export_chart(analysis, subtitle: str = "", width: int = 960, notes: pd.DataFrame | None = None) -> alt.VConcatChart:
    """The timeline as one fixed-width picture: for PNG/SVG export and the HTML report."""
    panels = []
    for p in timeline_layers(analysis, subtitle, width, notes=notes):
        p = p.copy(deep=False)
        p.config = alt.Undefined  # top-level only properties: the vconcat carries them
        p.usermeta = alt.Undefined
        panels.append(p)
    return style(alt.vconcat(*panels, spacing=12).resolve_scale(x="shared", color="independent"))


def stage_gauge_chart(stage: str) -> alt.LayerChart:
    """The four stages as a strip, the current one full colour and named, the others faint."""
    data = pd.DataFrame({"stage": list(STAGES), "pos": range(len(STAGES))})
    data["current"] = data["stage"] == stage
    base = alt.Chart(data)
    cells = base.mark_rect(cornerRadius=3, stroke="white", strokeWidth=2).encode(
        x=alt.X(field="pos", type="ordinal", axis=None),
        color=alt.Color(field="stage", type="ordinal", scale=STAGE_SCALE, legend=None),
        opacity=alt.condition(alt.datum.current, alt.value(1.0), alt.value(0.25)),
        tooltip=[alt.Tooltip(field="stage", type="nominal")],
    )
    labels = base.mark_text(fontSize=10, fontWeight="bold").encode(
        x=alt.X(field="pos", type="ordinal", axis=None),
        text=alt.Text(field="stage", type="nominal"),
        color=alt.condition(alt.datum.current, alt.value(INK if stage != "crisis" else "#ffffff"), alt.value(MUTED)),
    )
    return alt.LayerChart(layer=[cells, labels], height=40).configure_view(stroke=None)
