"""Why the index is where it is (its components over time), and two stories compared."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts.common import (
    MUTED,
)
from dashboard.charts.palette import COMPONENT_COLORS
from dashboard.model.escalation import COMPONENTS, ModelParams

# --- why and compare --------------------------------------------------------------------------


def components_chart(table: pd.DataFrame, params: ModelParams, highlight: pd.Timestamp | None = None) -> alt.LayerChart:
    """Each component's weighted share of the index over time, stacked: what drove it."""
    weights = params.weights()
    rows = []
    for name in COMPONENTS:
        col = table["c_" + name]
        if col.notna().any():
            rows.append(pd.DataFrame({"date": table["date"], "component": name, "value": col, "weight": weights[name]}))
    if not rows:
        return alt.LayerChart(layer=[alt.Chart(pd.DataFrame({"date": [], "points": []})).mark_area()])
    long = pd.concat(rows, ignore_index=True)
    present = long.groupby("date")["weight"].transform(lambda w: w[long.loc[w.index, "value"].notna()].sum())
    long["points"] = 100.0 * long["weight"] * long["value"].fillna(0) / present.replace(0, np.nan)
    long = long.drop(columns=["weight"])
    area = (
        alt.Chart(long)
        .mark_area(interpolate="step-after", opacity=0.85)
        .encode(
            x=alt.X(field="date", type="temporal", title=None, axis=alt.Axis(format="%d %b", labelColor=MUTED)),
            y=alt.Y(field="points", type="quantitative", stack="zero", title="index points", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(field="component", type="nominal", sort=list(COMPONENTS),
                            scale=alt.Scale(domain=list(COMPONENTS), range=[COMPONENT_COLORS[c] for c in COMPONENTS])),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", format="%d %b %Y"),
                alt.Tooltip(field="component", type="nominal"),
                alt.Tooltip(field="value", type="quantitative", title="component 0–1", format=".2f"),
                alt.Tooltip(field="points", type="quantitative", title="index points", format=".1f"),
            ],
        )
        .properties(height=220)
    )
    layers = [area]
    if highlight is not None:
        layers.append(alt.Chart(pd.DataFrame({"date": [highlight]})).mark_rule(color="#1d4ed8", strokeWidth=2).encode(
            x=alt.X(field="date", type="temporal")))
    return alt.LayerChart(layer=layers, title=alt.Title("Why: each component's share of the index (points of 100)", anchor="start"))


def compare_chart(aligned: pd.DataFrame, unit: str = "day") -> alt.LayerChart:
    """Two (or more) narratives' indexes on one axis of days since each entered 'boiling'."""
    base = alt.Chart(aligned)
    lines = base.mark_line(strokeWidth=2.2, interpolate="monotone").encode(
        x=alt.X(field="offset", type="quantitative", title=f"{unit}s since entering boiling"),
        y=alt.Y(field="index", type="quantitative", title="escalation index", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(field="series", type="nominal", scale=alt.Scale(range=["#1d4ed8", "#b45309", "#047857", "#7c3aed"]), title=None,
                        legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip(field="series", type="nominal", title="narrative"),
            alt.Tooltip(field="date", type="temporal", title="date", format="%d %b %Y"),
            alt.Tooltip(field="offset", type="quantitative", title=f"{unit}s from day 0"),
            alt.Tooltip(field="index", type="quantitative", format=".0f"),
            alt.Tooltip(field="stage", type="nominal"),
        ],
    )
    zero = alt.Chart(pd.DataFrame({"offset": [0]})).mark_rule(color=MUTED, strokeDash=[4, 3]).encode(
        x=alt.X(field="offset", type="quantitative"))
    title = alt.Title(f"Aligned on the {unit} each entered boiling ({unit} 0)", anchor="start")
    return alt.LayerChart(layer=[zero, lines], title=title).properties(height=280)
