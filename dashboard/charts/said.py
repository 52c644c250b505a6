"""What is being said, as a chart: the emerging terms of a moment by their G² score."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.common import MUTED, VOLUME_COLOR


def terms_frame(terms) -> pd.DataFrame:
    """The terms (dashboard.text.said.Term) as rows: term, score, window, baseline."""
    return pd.DataFrame(
        [{"term": t.term, "score": float(t.score), "window": int(t.window), "baseline": int(t.baseline)} for t in terms],
        columns=["term", "score", "window", "baseline"],
    )


def terms_chart(terms, title: str = "Emerging terms", subtitle: str = "") -> alt.Chart:
    """Horizontal bars, highest G² on top; the tooltip says in how many texts now and before."""
    data = terms_frame(terms)
    order = data["term"].tolist()
    return (
        alt.Chart(data, title=alt.Title(title, subtitle=subtitle or alt.Undefined, anchor="start"))
        .mark_bar(color=VOLUME_COLOR)
        .encode(
            y=alt.Y(field="term", type="nominal", sort=order, title=None,
                    axis=alt.Axis(labelLimit=220, values=order, labelOverlap=False)),  # every term labelled
            x=alt.X(field="score", type="quantitative", title="G² against the baseline",
                    axis=alt.Axis(labelColor=MUTED, grid=False)),
            tooltip=[
                alt.Tooltip(field="term", type="nominal", title="term"),
                alt.Tooltip(field="score", type="quantitative", title="G²", format=".1f"),
                alt.Tooltip(field="window", type="quantitative", title="texts in the moment", format=","),
                alt.Tooltip(field="baseline", type="quantitative", title="texts in the baseline", format=","),
            ],
        )
        .properties(height=110 + 24 * max(len(data), 1))  # the plot, its title and its axis: Streamlit fits them all in
    )
