"""The evidence behind a peak, on the attention chart: a peak resting on one source or on
copies of one text gets a marker above its bar, with the sources in its tooltip."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.common import INK, bucket_length, x_axis

FLAG_COLOR = "#b45309"  # amber: a caution, not a stage colour


def evidence_marks(table: pd.DataFrame, evidence: pd.DataFrame, domain: list[str] | None = None,
                   bucket: str | None = None) -> alt.LayerChart:
    """A triangle and a short label ("one source", "copies") above each flagged peak's bar."""
    return alt.LayerChart(layer=_mark_layers(table, evidence, domain, bucket))


def _mark_layers(table: pd.DataFrame, evidence: pd.DataFrame, domain: list[str] | None,
                 bucket: str | None) -> list[alt.Chart]:
    flagged = evidence[evidence["flag"] != ""][["date", "flag", "sources", "top_source", "top_share", "copy_share"]]
    data = flagged.merge(table[["date", "volume"]], on="date", how="left")
    data["mid"] = data["date"] + bucket_length(table, bucket) / 2
    data["top_source"] = data["top_source"].fillna("(none)").astype(str)
    data["top_share"] = data["top_share"].astype("float64")
    data["copy_share"] = data["copy_share"].astype("float64")
    tooltip = [
        alt.Tooltip(field="date", type="temporal", title="bucket", format="%a %d %b %Y %H:%M"),
        alt.Tooltip(field="flag", type="nominal", title="peak rests on"),
        alt.Tooltip(field="sources", type="quantitative", title="distinct sources", format=","),
        alt.Tooltip(field="top_source", type="nominal", title="top source"),
        alt.Tooltip(field="top_share", type="quantitative", title="top source's share", format=".0%"),
        alt.Tooltip(field="copy_share", type="quantitative", title="text mentions that are copies", format=".0%"),
    ]
    base = alt.Chart(data).encode(
        x=x_axis(domain=domain, field="mid"),
        y=alt.Y(field="volume", type="quantitative"),
        tooltip=tooltip,
    )
    marker = base.mark_point(shape="triangle-down", filled=True, color=FLAG_COLOR, size=70, yOffset=-8)
    # One label per run of flagged buckets, over its highest bar: adjacent labels would overlap.
    step = bucket_length(table, bucket)
    run = (data["date"].diff() != step).cumsum()
    top = data.loc[data.groupby(run)["volume"].idxmax()] if len(data) else data
    label = (alt.Chart(top).mark_text(color=INK, fontSize=10, dy=-20)
             .encode(x=x_axis(domain=domain, field="mid"), y=alt.Y(field="volume", type="quantitative"),
                     text=alt.Text(field="flag", type="nominal"), tooltip=tooltip))
    return [marker, label]


def with_evidence_flags(volume: alt.Chart, table: pd.DataFrame, evidence: pd.DataFrame, domain: list[str] | None = None,
                        bucket: str | None = None) -> alt.LayerChart:
    """The attention chart with the flagged peaks marked (its title and size kept)."""
    bars = volume.copy(deep=False)
    title, width, height = bars.title, bars.width, bars.height
    bars.title = alt.Undefined
    bars.width = alt.Undefined
    bars.height = alt.Undefined
    chart = alt.LayerChart(layer=[bars, *_mark_layers(table, evidence, domain, bucket)], title=title)
    size = {k: v for k, v in (("width", width), ("height", height)) if v is not alt.Undefined}
    return chart.properties(**size) if size else chart
