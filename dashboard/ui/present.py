"""Meeting mode: the story told beat by beat, one moment per step, sized for a projector.

Each moment is drawn zoomed to its neighbourhood with the whole story as a context strip
beside its event, the linked retraction, its effect on the index and the explanation.
Stepping: the buttons, their keyboard shortcuts (st.button's own `shortcut`: ←/→,
PageUp/PageDown as a presentation clicker sends them, Home/End), and the browser's Back and
Forward — every step is one entry in the browser's history (page.render_meeting).
"""

from __future__ import annotations

import math
from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.charts.common import short
from dashboard.model.analysis import Analysis
from dashboard.model.explain import describe_event
from dashboard.model.story import neighbourhood
from dashboard.textsafe import escape_markdown
from dashboard.ui import vega

NEIGHBOURHOOD_BUCKETS = 10  # a moment is drawn with this many buckets either side
FONT = 18  # the smallest type on a meeting-mode chart, in px
# (key, label, icon, shortcut, where it goes: "first", "prev", "next" or "last")
NAVIGATION = (
    ("first", "First", ":material/first_page:", "Home", "first"),
    ("prev", "Previous", ":material/chevron_left:", "PageUp", "prev"),
    ("left", "←", None, "Left", "prev"),
    ("right", "→", None, "Right", "next"),
    ("next", "Next", ":material/chevron_right:", "PageDown", "next"),
    ("last", "Last", ":material/last_page:", "End", "last"),
)


def _go(where: str, count: int) -> None:
    step = int(st.session_state.get("step", 0))
    target = {"first": 0, "prev": step - 1, "next": step + 1, "last": count - 1}[where]
    st.session_state["step"] = min(max(target, 0), max(count - 1, 0))


def _leave() -> None:
    st.session_state["mode"] = "explore"


def window_of(analysis: Analysis, lo: pd.Timestamp, hi: pd.Timestamp) -> Analysis:
    """The analysis cut to [lo, hi] (buckets, events, change points, alerts, pairs)."""
    span = pd.Timedelta(analysis.selection.step)

    def cut(frame: pd.DataFrame, column: str = "date") -> pd.DataFrame:
        if not len(frame):
            return frame
        return frame[(frame[column] >= lo) & (frame[column] < hi + span)].reset_index(drop=True)

    return replace(analysis, table=cut(analysis.table), events=cut(analysis.events),
                   change_points=cut(analysis.change_points), alerts=cut(analysis.alerts),
                   pairs=cut(analysis.pairs, "claim_date"))


def near_notes(notes: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, span: pd.Timedelta) -> pd.DataFrame:
    return notes[(notes["date"] >= lo) & (notes["date"] < hi + span)] if len(notes) else notes


def moment_chart(analysis: Analysis, moment: pd.Series, simulated: bool, notes: pd.DataFrame | None = None):
    """The escalation panel zoomed on a moment's neighbourhood, its type at FONT px or more,
    with the notes pinned there."""
    lo, hi = neighbourhood(analysis.table, moment["date"], NEIGHBOURHOOD_BUCKETS)
    near = window_of(analysis, lo, hi)
    pinned = near_notes(notes, lo, hi, pd.Timedelta(analysis.selection.step)) if notes is not None else None
    chart = charts.escalation_chart(near.table, near.events, near.change_points, near.params, highlight=moment["date"],
                                    bucket=analysis.selection.bucket, label_size=FONT, label_room=450, notes=pinned)
    title = f"Escalation around {moment['date']:%d %b %Y}: index 0–100 and stage"
    chart = chart.properties(title=alt_title(title, "SIMULATED mentions" if simulated else ""), height=250)
    return chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT).configure_legend(
        labelFontSize=FONT, titleFontSize=FONT, symbolSize=200).configure_title(fontSize=22, subtitleFontSize=FONT), (lo, hi)


def alt_title(text: str, subtitle: str) -> alt.Title:
    return alt.Title(text, subtitle=subtitle or alt.Undefined, anchor="start", subtitleColor="#b45309")


def context_strip(table: pd.DataFrame, window: tuple, bucket: str):
    """The whole story as a strip, the moment's neighbourhood marked on it."""
    strip = charts.overview_chart(table, bucket=bucket, marked=window)
    strip = strip.properties(title=alt_title("The whole story (the moment's neighbourhood marked)", ""), height=44)
    return strip.configure_axis(labelFontSize=FONT).configure_title(fontSize=FONT, fontWeight="normal")


def _event_lines(analysis: Analysis, moment: pd.Series, skip: str | None = None) -> list[tuple[str, str | None]]:
    """The moment's events: its own first, then the others in its bucket (but `skip`, the
    retraction told on its own line), each with its full text when it is shortened."""
    events = analysis.events
    if not len(events):
        return []
    span = pd.Timedelta(analysis.selection.step)
    inside = events[(events["date"] >= moment["date"]) & (events["date"] < moment["date"] + span) & (events["id"] != skip)]
    own = events[events["id"] == moment["event_id"]] if isinstance(moment["event_id"], str) else events.iloc[0:0]
    shown = pd.concat([own, inside[~inside["id"].isin(own["id"])]]).head(2 if len(own) else 1)
    lines: list[tuple[str, str | None]] = [
        (f"**{e['date']:%d %b %H:%M}** · {escape_markdown(describe_event(e))}", None) for _, e in shown.head(1).iterrows()]
    lines += [(f"Also: {escape_markdown(short(describe_event(e), 90))}", escape_markdown(describe_event(e)))
              for _, e in shown.iloc[1:].iterrows()]
    if len(inside) > len(shown):
        lines.append((f"+{len(inside) - len(shown)} more events this {analysis.selection.bucket} (Events tab)", None))
    return lines


def _retraction_line(analysis: Analysis, moment: pd.Series) -> str | None:
    pairs = analysis.pairs
    if not len(pairs) or not isinstance(moment["retraction_id"], str):
        return None
    pair = pairs[pairs["retraction_id"] == moment["retraction_id"]]
    if not len(pair):
        return None
    p = pair.iloc[0]
    ratio = "" if math.isnan(p["reach_ratio"]) else (
        f" Reach: {p['reach_ratio']:.0%} of the claim's coverage ({p['window_hours']:.0f} h after each).")
    return (f":material/undo: **Retracted {p['retraction_date']:%d %b %H:%M}**, {p['lag_hours']:.0f} h later: "
            f"{escape_markdown(p['retraction_headline'])}.{escape_markdown(ratio)}")


def _effect_line(moment: pd.Series) -> str:
    before = moment["index_before"]
    change = "" if math.isnan(before) else f"{before:.0f} → "
    delta = "" if math.isnan(before) else f" ({moment['index'] - before:+.0f})"
    after = f"; {moment['index_after']:.0f} at most in the next days" if moment["index_after"] > moment["index"] + 0.5 else ""
    return f"Index {change}**{moment['index']:.0f}**{delta} · **{moment['stage']}**{after}"


def render_navigation(step: int, count: int) -> None:
    cols = st.columns([1, 1.25, 0.8, 0.8, 1.25, 1, 1.35], vertical_alignment="center")
    for col, (key, text, icon, shortcut, where) in zip(cols[:6], NAVIGATION):
        disabled = (where in ("first", "prev") and step == 0) or (where in ("next", "last") and step >= count - 1)
        col.button(text, key=key, icon=icon, shortcut=shortcut, disabled=disabled, width="stretch",
                   on_click=_go, args=(where, count), help=f"{text} moment ({shortcut})")
    cols[6].button("Leave", key="leave", icon=":material/close:", width="stretch", on_click=_leave,
                   help="Leave meeting mode")


def render_present(analysis: Analysis, moments: pd.DataFrame, step: int, whole: pd.DataFrame, label: str,
                   simulated: str, notes: pd.DataFrame | None = None) -> None:
    """One moment of the story: its chart on the left, what happened and why on the right."""
    if not len(moments):
        render_navigation(0, 0)
        st.info("No key moments in this selection.")
        return
    render_navigation(step, len(moments))
    moment = moments.iloc[step]
    st.markdown(f"### {step + 1} / {len(moments)} · {moment['date']:%d %B %Y} · {escape_markdown(str(moment['label']))}")
    left, right = st.columns([1.15, 1], gap="medium")
    with left:
        chart, window = moment_chart(analysis, moment, bool(simulated), notes)
        vega.altair_chart(chart, width="stretch", height=380, key="moment")
        strip = context_strip(whole if len(whole) else analysis.table, window, analysis.selection.bucket)
        vega.altair_chart(strip, width="stretch", height=110, key="context")
    with right:
        st.caption(f"{escape_markdown(label)}" + (" · :orange[**SIMULATED mentions**]" if simulated else ""))
        reason, _, arithmetic = analysis.explain_date(moment["date"]).partition(" Index ")
        st.markdown(f"#### {_effect_line(moment)}", help=escape_markdown(f"Index {arithmetic}") if arithmetic else None)
        retraction = _retraction_line(analysis, moment)
        for line, full in _event_lines(analysis, moment, skip=moment["retraction_id"] if retraction else None):
            st.markdown(f"##### {line}", help=full)
        if retraction:
            st.markdown(f"##### {retraction}")
        # Why: the stage's reason in words; the index's arithmetic is in the tooltip of the line above.
        st.markdown(f"##### {escape_markdown(reason)}")
        pinned = near_notes(notes, *window, pd.Timedelta(analysis.selection.step)) if notes is not None else pd.DataFrame()
        for note in pinned.head(3).itertuples():
            about = f" ({escape_markdown(note.actor)})" if isinstance(note.actor, str) else ""
            by = f" — {escape_markdown(note.author)}" if isinstance(note.author, str) else ""
            st.markdown(f"##### :violet[✎ {note.date:%d %b}{about}: {escape_markdown(note.text)}{by}]")
        if len(pinned) > 3:
            st.caption(f"+{len(pinned) - 3} more notes near this moment (Timeline → Notes)")
