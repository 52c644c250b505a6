"""Who drives the story: share of voice, tone by actor, who acts on whom, the leaderboard."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.common import (
    INK,
    MUTED,
    SEVERITY_SCHEME,
    SEVERITY_SCHEME_TONE,
    STAGE_SCALE,
    cap_rows,
    neutral_band,
    tone_domain,
    zero_rule,
)
from dashboard.charts.palette import series_colors

# --- actors -----------------------------------------------------------------------------------


def share_of_voice_chart(by_actor: pd.DataFrame, normalise: bool, top: int = 8) -> alt.Chart:
    """Mentions per bucket by actor, stacked; the top actors by volume, the rest as 'others'."""
    data = by_actor[["date", "actor", "volume"]].copy()
    leaders = data.groupby("actor")["volume"].sum().nlargest(top).index
    data["actor"] = data["actor"].where(data["actor"].isin(leaders), "others")
    data = data.groupby(["date", "actor"], as_index=False)["volume"].sum()
    data, k = cap_rows(data, "actor", ["volume"])  # a long span by day: k buckets a point
    # Order by a rank column in the data, so no actor name has to appear in the spec itself.
    rank = {name: i for i, name in enumerate(list(leaders) + ["others"])}
    data["rank"] = data["actor"].map(rank)
    title = "Share of voice: mentions by actor" + (" (share of each bucket)" if normalise else "")
    subtitle = f"each point sums {k} consecutive buckets, to keep the chart light" if k > 1 else alt.Undefined
    return (
        alt.Chart(data, title=alt.Title(title, subtitle=subtitle, anchor="start"))
        # Straight: a curve on each stacked boundary lets one band cross the next between points.
        .mark_area(interpolate="linear", opacity=0.9)
        .encode(
            x=alt.X(field="date", type="temporal", title=None, axis=alt.Axis(format="%d %b", labelColor=MUTED)),
            y=alt.Y(field="volume", type="quantitative", stack="normalize" if normalise else "zero",
                    title="share of mentions" if normalise else "mentions",
                    axis=alt.Axis(format="%" if normalise else "~s")),
            color=alt.Color(field="actor", type="nominal", sort=alt.EncodingSortField(field="rank", op="min"),
                            scale=alt.Scale(range=series_colors(len(rank))),  # in rank order: "others" last, grey
                            legend=alt.Legend(orient="right", title="actor")),
            tooltip=[
                alt.Tooltip(field="date", type="temporal", title="date", format="%d %b %Y"),
                alt.Tooltip(field="actor", type="nominal", title="actor"),
                alt.Tooltip(field="volume", type="quantitative", title="mentions", format=","),
            ],
        )
        .properties(height=260)
    )


def tone_by_actor_chart(by_actor: pd.DataFrame, top: int = 12) -> alt.LayerChart:
    """Each actor's count-weighted mean tone over the selection, most negative first, on an
    axis fitted to the data (as the tone panel's) with the neutral band and a zero line."""
    d = by_actor.dropna(subset=["tone"]).copy()
    d["weighted"] = d["tone"] * d["volume"]
    agg = d.groupby("actor", as_index=False).agg(weighted=("weighted", "sum"), volume=("volume", "sum"))
    agg["tone"] = agg["weighted"] / agg["volume"]
    agg = agg.nlargest(top, "volume").sort_values("tone")
    domain = tone_domain(agg["tone"])
    reach = max(abs(domain[0]), abs(domain[1]))  # the colours spread over the data's tones, not over −1…+1
    colours = alt.Scale(domain=[-reach, 0, reach], range=SEVERITY_SCHEME_TONE.range)
    bars = (
        alt.Chart(agg[["actor", "tone", "volume"]])
        .mark_bar()
        .encode(
            y=alt.Y(field="actor", type="nominal", sort=None, title=None,
                    axis=alt.Axis(labelOverlap=False, labelLimit=200)),  # every actor named; a long name ends in … (full in the tooltip)
            x=alt.X(field="tone", type="quantitative", title="mean tone", scale=alt.Scale(domain=domain),
                    axis=alt.Axis(format="+.2f")),
            x2=alt.X2(datum=0),  # bars grow from neutral, whichever way the axis is fitted
            color=alt.Color(field="tone", type="quantitative", scale=colours, legend=None),
            tooltip=[
                alt.Tooltip(field="actor", type="nominal"),
                alt.Tooltip(field="tone", type="quantitative", format="+.2f"),
                alt.Tooltip(field="volume", type="quantitative", title="mentions", format=","),
            ],
        )
    )
    title = alt.Title("Tone by actor (mean)", subtitle="axis fitted to the data; grey band: neutral", anchor="start")
    return alt.LayerChart(layer=[neutral_band("x"), zero_rule("x"), bars], title=title).properties(
        height=max(120, 22 * len(agg)))


MATRIX_TOP = 12  # rows and columns of who-acts-on-whom: the most active, the rest counted


def matrix_chart(matrix: pd.DataFrame, top: int = MATRIX_TOP) -> alt.LayerChart:
    """Who acts on whom: cells coloured by mean severity with their count; the `top` actors and
    targets by events, and how many more there are in the subtitle (none dropped silently)."""
    data = matrix[["actor", "target", "events", "mean_severity"]]
    actors = data.groupby("actor")["events"].sum().nlargest(top).index
    targets = data.groupby("target")["events"].sum().nlargest(top).index
    more = [f"+{n} more {what}" for n, what in ((data["actor"].nunique() - len(actors), "actors"),
                                                (data["target"].nunique() - len(targets), "targets")) if n > 0]
    data = data[data["actor"].isin(actors) & data["target"].isin(targets)]
    base = alt.Chart(data)
    cells = base.mark_rect(stroke="white").encode(
        x=alt.X(field="target", type="nominal", title="target", axis=alt.Axis(labelAngle=-35, labelLimit=140, labelOverlap=False)),
        y=alt.Y(field="actor", type="nominal", title="actor", axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        color=alt.Color(field="mean_severity", type="quantitative", scale=SEVERITY_SCHEME, title="mean severity"),
        tooltip=[
            alt.Tooltip(field="actor", type="nominal"),
            alt.Tooltip(field="target", type="nominal"),
            alt.Tooltip(field="events", type="quantitative", title="events"),
            alt.Tooltip(field="mean_severity", type="quantitative", title="mean severity", format="+.1f"),
        ],
    )
    text = base.mark_text(fontSize=11, color=INK).encode(
        x=alt.X(field="target", type="nominal"), y=alt.Y(field="actor", type="nominal"),
        text=alt.Text(field="events", type="quantitative"),
    )
    n = max(data["actor"].nunique(), 1)
    subtitle = f"the {top} most active of each; " + ", ".join(more) + " (Events tab)" if more else alt.Undefined
    title = alt.Title("Who acts on whom: events (number) and mean severity (colour)", anchor="start", subtitle=subtitle)
    return alt.LayerChart(layer=[cells, text], title=title).properties(height=max(140, 26 * n))


def leaderboard_chart(board: pd.DataFrame) -> alt.Chart:
    """Actors by how much their own index rose over the last 7 buckets."""
    data = board[["actor", "change", "index_now", "stage"]]
    return (
        alt.Chart(data, title=alt.Title("Escalating fastest", subtitle="change of each actor's own index over 7 buckets",
                                        anchor="start"))
        .mark_bar()
        .encode(
            y=alt.Y(field="actor", type="nominal", sort=None, title=None,
                    axis=alt.Axis(labelOverlap=False, labelLimit=200)),  # every actor named; a long name ends in … (full in the tooltip)
            x=alt.X(field="change", type="quantitative", title="index change (points)"),
            color=alt.Color(field="stage", type="ordinal", scale=STAGE_SCALE, title="stage now"),
            tooltip=[
                alt.Tooltip(field="actor", type="nominal"),
                alt.Tooltip(field="change", type="quantitative", title="change", format="+.0f"),
                alt.Tooltip(field="index_now", type="quantitative", title="index now", format=".0f"),
                alt.Tooltip(field="stage", type="nominal", title="stage now"),
            ],
        )
        .properties(height=max(120, 24 * len(data)))
    )
