"""Meeting mode: no sidebar, large type, the timeline full width, a step through key moments."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.model.analysis import Analysis, key_moments
from dashboard.textsafe import escape_markdown
from dashboard.ui import vega


def render_present(analysis: Analysis, label: str, simulated: str) -> None:
    moments = key_moments(analysis)
    head = st.columns([5, 1, 1, 2], vertical_alignment="center")
    head[0].markdown(f"### {escape_markdown(label)}")
    if not len(moments):
        st.info("No key moments in this selection.")
        return
    step = min(max(int(st.session_state.get("step", 0)), 0), len(moments) - 1)
    st.session_state["step"] = step
    moment = moments.iloc[step]
    if head[1].button("◀ Previous", key="prev", disabled=step == 0, width="stretch"):
        st.session_state["step"] = step - 1
        st.rerun()
    if head[2].button("Next ▶", key="next", disabled=step >= len(moments) - 1, width="stretch"):
        st.session_state["step"] = step + 1
        st.rerun()
    if head[3].button("Leave meeting mode", key="leave", width="stretch"):
        st.session_state["mode"] = "explore"
        st.rerun()
    if simulated:
        st.caption(":material/science: Events are real; the mentions (attention and tone) are SIMULATED.")
    title, _, detail = str(moment["title"]).partition(" — ")
    before = moment["index_before"]
    change = "" if math.isnan(before) else f" ({moment['index'] - before:+.0f})"
    st.markdown(
        f"## Moment {step + 1} of {len(moments)} · {moment['date']:%d %B %Y} · {escape_markdown(title)}"
    )
    if detail:
        st.markdown(f"#### {escape_markdown(detail)}")
    subtitle = "SIMULATED mentions" if simulated else ""
    panels = charts.timeline_layers(analysis, subtitle, highlight=pd.Timestamp(moment["date"]))
    big = panels[0].configure_axis(labelFontSize=15, titleFontSize=15).configure_title(fontSize=20).configure_legend(labelFontSize=15)
    vega.altair_chart(big, width="stretch", height=charts.outer_height(panels[0]) + 40, key="present-0")
    st.markdown(f"#### Index {moment['index']:.0f}{change} · {moment['stage']}")
    st.markdown("##### " + escape_markdown(analysis.explain_date(moment["date"])))
    for i, panel in enumerate(panels[1:3], start=1):
        vega.altair_chart(panel.configure_axis(labelFontSize=14, titleFontSize=14).configure_title(fontSize=18),
                        width="stretch", height=charts.outer_height(panel) + 30, key=f"present-{i}")
