"""Meeting mode: the story told beat by beat, one moment per step, sized for a projector.

Each moment is drawn zoomed to its neighbourhood with the whole story as a context strip
beside its event, the linked retraction, its effect on the index and the explanation.
Stepping: the buttons, their keyboard shortcuts (st.button's own `shortcut`: ←/→,
PageUp/PageDown as a presentation clicker sends them, Home/End), and the browser's Back and
Forward — every step is one entry in the browser's history (page.render_meeting).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.common import short
from dashboard.charts.story import context_strip, moment_chart
from dashboard.model.analysis import Analysis
from dashboard.model.explain import describe_event
from dashboard.model.story import effect_text, moment_events, moment_retraction, near_notes, retraction_text
from dashboard.textsafe import escape_markdown
from dashboard.ui import theme, vega

# (key, label, icon, shortcut, where it goes: "first", "prev", "next" or "last"). A button
# carries one shortcut and shows it beside its label, so the arrow keys get buttons of their
# own that are not shown (theme.MEETING_CSS): each visible button then reads once ("← Previous  PageUp").
NAVIGATION = (
    ("first", "First", ":material/first_page:", "Home", "first"),
    ("prev", "← Previous", None, "PageUp", "prev"),
    ("next", "Next →", None, "PageDown", "next"),
    ("last", "Last", ":material/last_page:", "End", "last"),
)
ARROW_KEYS = (("left", "Left", "prev"), ("right", "Right", "next"))


def _go(where: str, count: int) -> None:
    step = int(st.session_state.get("step", 0))
    target = {"first": 0, "prev": step - 1, "next": step + 1, "last": count - 1}[where]
    st.session_state["step"] = min(max(target, 0), max(count - 1, 0))


def _leave() -> None:
    st.session_state["mode"] = "explore"


def _event_lines(analysis: Analysis, moment: pd.Series, skip: str | None = None) -> list[tuple[str, str | None]]:
    """The moment's events as markdown, each with its full text when it is shortened."""
    shown, more = moment_events(analysis, moment, skip)
    lines: list[tuple[str, str | None]] = [
        (f"**{e['date']:%d %b %H:%M}** · {escape_markdown(describe_event(e))}", None) for _, e in shown.head(1).iterrows()]
    lines += [(f"Also: {escape_markdown(short(describe_event(e), 90))}", escape_markdown(describe_event(e)))
              for _, e in shown.iloc[1:].iterrows()]
    if more:
        lines.append((f"+{more} more events this {analysis.selection.bucket} (Events tab)", None))
    return lines


def render_navigation(step: int, count: int) -> None:
    def disabled(where: str) -> bool:
        return (where in ("first", "prev") and step == 0) or (where in ("next", "last") and step >= count - 1)

    cols = st.columns([1, 1.3, 1.3, 1, 1], vertical_alignment="center")
    for col, (key, text, icon, shortcut, where) in zip(cols[:4], NAVIGATION):
        col.button(text, key=key, icon=icon, shortcut=shortcut, disabled=disabled(where), width="stretch",
                   on_click=_go, args=(where, count), help=f"{text.strip('← →')} moment ({shortcut}; the arrow keys too)"
                   if where in ("prev", "next") else f"{text} moment ({shortcut})")
    cols[4].button("Leave", key="leave", icon=":material/close:", width="stretch", on_click=_leave,
                   help="Leave meeting mode")
    for key, shortcut, where in ARROW_KEYS:
        st.button(shortcut, key=key, shortcut=shortcut, disabled=disabled(where), on_click=_go, args=(where, count))


# The moment chart's plot width, in px, in each of meeting mode's layouts (theme.MEETING_CSS),
# so that its event labels are laid out for the room they really get: beside the text (below
# 1600×960: a 1280×720 projector gives the plot about 480 px) or across the whole width (from
# 1600×960: at least 1340 px, about 1660 at 1920×1080). Each value is the smallest plot of
# its layout, so no label overlaps another anywhere in it. Both charts are drawn;
# theme.MEETING_CSS shows the one for the screen, on the same media query as the layout itself.
LABEL_ROOM = {"narrow": 450, "wide": 1340}


def render_moment_charts(analysis: Analysis, moment: pd.Series, simulated: bool, notes: pd.DataFrame | None) -> tuple:
    """The moment's chart once per layout (LABEL_ROOM), the one for the screen shown; returns
    the moment's neighbourhood (first, last bucket)."""
    window: tuple = ()
    for layout, room in LABEL_ROOM.items():
        chart, window = moment_chart(analysis, moment, simulated, notes, label_room=room)
        with st.container(key=f"moment_{layout}"):
            vega.altair_chart(chart, width="stretch", height=380, key="moment" if layout == "narrow" else "moment_wide")
    return window


def render_present(analysis: Analysis, moments: pd.DataFrame, step: int, whole: pd.DataFrame, label: str,
                   simulated: str, notes: pd.DataFrame | None = None) -> None:
    """One moment of the story: its chart on the left, what happened and why on the right."""
    theme.apply_meeting_layout()  # the hidden arrow-key buttons; on a large screen the chart takes the whole width
    if not len(moments):
        render_navigation(0, 0)
        st.info("No key moments in this selection.")
        return
    render_navigation(step, len(moments))
    moment = moments.iloc[step]
    label_text = str(moment["label"])
    # One line at 1280 px: a long label is cut, its full text in the tooltip.
    st.markdown(f"### {step + 1} / {len(moments)} · {moment['date']:%d %B %Y} · {escape_markdown(short(label_text, 62))}",
                help=escape_markdown(label_text) if len(label_text) > 62 else None)
    left, right = st.container(key="moment").columns([1.15, 1], gap="medium")
    with left:
        window = render_moment_charts(analysis, moment, bool(simulated), notes)
        strip = context_strip(whole if len(whole) else analysis.table, window, analysis.selection.bucket)
        vega.altair_chart(strip, width="stretch", height=110, key="context")
    with right:
        about, toggle = st.columns([1.6, 1], vertical_alignment="center")
        about.caption(f"{escape_markdown(label)}" + (" · :orange[**SIMULATED mentions**]" if simulated else ""))
        with toggle:
            theme.render_toggle("present_projector")
        reason, _, arithmetic = analysis.explain_date(moment["date"]).partition(" Index ")
        reason = short_reason(reason)
        st.markdown(f"#### {escape_markdown(effect_text(moment))}", help=escape_markdown(f"Index {arithmetic}") if arithmetic else None)
        pair = moment_retraction(analysis, moment)
        for line, full in _event_lines(analysis, moment, skip=moment["retraction_id"] if pair is not None else None):
            st.markdown(f"##### {line}", help=full)
        if pair is not None:
            st.markdown(f"##### :material/undo: {escape_markdown(retraction_text(pair))}")
        # Why: the stage's reason in words; the index's arithmetic is in the tooltip of the line above.
        st.markdown(f"##### {escape_markdown(reason)}")
        pinned = near_notes(notes, window[0], window[1], pd.Timedelta(analysis.selection.step)) if notes is not None else pd.DataFrame()
        for note in pinned.head(3).itertuples():
            who = f" ({escape_markdown(note.actor)})" if isinstance(note.actor, str) else ""
            by = f" — {escape_markdown(note.author)}" if isinstance(note.author, str) else ""
            st.markdown(f"##### :violet[✎ {note.date:%d %b}{who}: {escape_markdown(note.text)}{by}]")
        if len(pinned) > 3:
            st.caption(f"+{len(pinned) - 3} more notes near this moment (Timeline → Notes)")


def short_reason(reason: str) -> str:
    """The stage's reason without the event it names: the moment shows that event above it in
    full (the projector's 720 px have no room for it twice). An event of an earlier day that
    still weighs is named by its date."""
    for marker in ("; most conflictual event: ", "; still weighed by an event of "):
        head, found, rest = reason.partition(marker)
        if found:
            if marker.startswith("; still"):
                return f"{head}; still weighed by the event of {rest.split(':', 1)[0]}."
            return head + "."
    return reason
