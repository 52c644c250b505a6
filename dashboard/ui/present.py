"""Meeting mode: no sidebar, large type, the timeline full width, a step through key moments."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.analysis import Analysis, key_moments
from dashboard.textsafe import escape_markdown


def render_present(analysis: Analysis, label: str, simulated: str) -> None:
    st.title(escape_markdown(label))
    if simulated:
        st.warning(simulated, icon=":material/science:")
    moments = key_moments(analysis)
    if not len(moments):
        st.info("No key moments in this selection.")
        return
    step = min(max(int(st.session_state.get("step", 0)), 0), len(moments) - 1)
    st.session_state["step"] = step
    moment = moments.iloc[step]
    nav = st.columns([1, 1, 6, 2])
    if nav[0].button("◀ Previous", key="prev", disabled=step == 0, width="stretch"):
        st.session_state["step"] = step - 1
        st.rerun()
    if nav[1].button("Next ▶", key="next", disabled=step >= len(moments) - 1, width="stretch"):
        st.session_state["step"] = step + 1
        st.rerun()
    nav[2].markdown(f"### Moment {step + 1} of {len(moments)} · {moment['date']:%d %B %Y}")
    if nav[3].button("Leave meeting mode", key="leave", width="stretch"):
        st.session_state["mode"] = "explore"
        st.rerun()
    before = moment["index_before"]
    change = "" if math.isnan(before) else f" ({moment['index'] - before:+.0f} on the bucket before)"
    st.markdown(f"## {escape_markdown(moment['title'])}")
    st.markdown(f"#### Index {moment['index']:.0f}{change} · **{moment['stage']}**")
    st.markdown("##### " + escape_markdown(analysis.explain_date(moment["date"])))
    subtitle = "SIMULATED mentions" if simulated else ""
    for i, panel in enumerate(charts.timeline_layers(analysis, subtitle, highlight=pd.Timestamp(moment["date"]))[:3]):
        st.altair_chart(panel.configure_axis(labelFontSize=15, titleFontSize=15).configure_title(fontSize=20),
                        width="stretch", height=charts.outer_height(panel) + 30, key=f"present-{i}")
