"""What every chart shares: panel sizes, axes, scales, the row cap and the look."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts.palette import COMPONENT_COLORS, INK, MUTED, STAGE_COLORS
from dashboard.contract import BUCKET_STEPS, MAX_CHART_ROWS, STAGES, bucket_step

Y_AXIS_EXTENT = 64  # every panel's y axis takes the same room, so the plots line up
PANEL_HEIGHT = {"escalation": 190, "volume": 150, "tone": 100, "events": 120, "overview": 56}
VOLUME_COLOR = COMPONENT_COLORS["attention"]
TONE_COLOR = COMPONENT_COLORS["tone"]
STAGE_SCALE = alt.Scale(domain=list(STAGES), range=[STAGE_COLORS[s] for s in STAGES])
LABELLED_EVENTS = 6  # the most conflictual events get a label on the escalation panel
# Diverging conflict (orange-red) to cooperation (blue): readable for the common forms of
# colour blindness (no red/green pair).
SEVERITY_SCHEME = alt.Scale(domain=[-10, 0, 10], range=["#b2182b", "#f7f7f7", "#2166ac"])
SEVERITY_SCHEME_TONE = alt.Scale(domain=[-1, 0, 1], range=["#b2182b", "#f7f7f7", "#2166ac"])




NEUTRAL_TONE = 0.05  # |tone| below this reads as neutral (VADER's own cut-off for its compound score)
NEUTRAL_BAND_COLOR = "#e5e7eb"


def tone_domain(tone: pd.Series) -> list[float]:
    """A tone axis: the data's range with a margin, always showing the neutral band, within −1…+1."""
    values = tone.dropna()
    lo = float(values.min()) if len(values) else -NEUTRAL_TONE
    hi = float(values.max()) if len(values) else NEUTRAL_TONE
    lo, hi = min(lo, -2 * NEUTRAL_TONE), max(hi, 2 * NEUTRAL_TONE)
    pad = (hi - lo) * 0.1
    return [round(max(-1.0, lo - pad), 2), round(min(1.0, hi + pad), 2)]


def neutral_band(channel: str) -> alt.Chart:
    """The neutral tone band (−NEUTRAL_TONE…+NEUTRAL_TONE) across a plot, on the "x" or "y" channel."""
    data = pd.DataFrame({"lo": [-NEUTRAL_TONE], "hi": [NEUTRAL_TONE]})
    pos, pos2 = (alt.X, alt.X2) if channel == "x" else (alt.Y, alt.Y2)
    return alt.Chart(data).mark_rect(color=NEUTRAL_BAND_COLOR, opacity=0.7).encode(
        **{channel: pos(field="lo", type="quantitative"), channel + "2": pos2(field="hi")})


def zero_rule(channel: str) -> alt.Chart:
    """A dashed rule at tone 0, on the "x" or "y" channel."""
    pos = alt.X if channel == "x" else alt.Y
    return alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=MUTED, strokeDash=[3, 3]).encode(
        **{channel: pos(field="zero", type="quantitative")})


def cap_rows(data: pd.DataFrame, series: str, values: list[str], limit: int = MAX_CHART_ROWS) -> tuple[pd.DataFrame, int]:
    """At most `limit` rows of a (date, series) frame: consecutive dates merged k at a time
    (values summed, each bin dated by its first date) when there are more. Returns the frame
    and k (1 when nothing was merged)."""
    if len(data) <= limit:
        return data, 1
    dates = np.sort(data["date"].unique())
    per_date = max(1, data[series].nunique())
    k = int(np.ceil(len(dates) * per_date / limit))
    while int(np.ceil(len(dates) / k)) * per_date > limit:
        k += 1
    first = pd.Series(dates[(np.arange(len(dates)) // k) * k], index=dates)
    binned = data.assign(date=data["date"].map(first))
    return binned.groupby(["date", series], as_index=False)[values].sum(), k


# Room a panel needs around its plot when the page fits it: title, axis, legend.
PANEL_CHROME = {"escalation": 120, "volume": 80, "tone": 70, "events": 130, "overview": 60}


def outer_height(chart) -> int:
    """The height to give a stretched panel so that its plot keeps its own height."""
    meta = chart.usermeta if chart.usermeta is not alt.Undefined else {}
    panel = meta.get("panel") if isinstance(meta, dict) else None
    if panel in PANEL_HEIGHT:
        return PANEL_HEIGHT[panel] + PANEL_CHROME[panel]
    return int(chart.height) + 80


def panel_size(panel: str, width: int | None) -> dict:
    """Height per panel; width only when fixed (Streamlit sizes a stretched chart itself)."""
    return {"height": PANEL_HEIGHT[panel]} | ({"width": width} if width else {})


def props(chart, **kwargs):
    """chart.properties(**kwargs) without Altair checking each value against the Vega-Lite schema
    on the way (jsonschema: a third of building the timeline's panels on a filter change); the
    tests validate every chart the page sends (tests/ui), as the page itself skips the check."""
    out = shallow_copy(chart)
    for key, value in kwargs.items():
        setattr(out, key, value)
    return out


def shallow_copy(chart):
    """chart.copy(deep=False) without running the chart's constructor again: a LayerChart's
    merges its layers' data and parameters anew, deep-copying every layer twice (a quarter of
    building the timeline's panels on a filter change), to give back the layers it was built
    with. The copy has the chart's own arguments, the top-level ones in a dict of its own:
    setting a property on it leaves the chart as it was (tests/charts/test_charts.py)."""
    out = object.__new__(type(chart))
    object.__setattr__(out, "_args", chart._args)
    object.__setattr__(out, "_kwds", dict(chart._kwds))
    return out


def tagged(chart, panel: str):
    """Name a top-level panel (in usermeta, which Vega ignores) so the page can size it."""
    meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    return props(chart, usermeta={**meta, "panel": panel})


def x_axis(title: str | None = None, domain: list[str] | None = None, field: str = "date") -> alt.X:
    return alt.X(
        field=field,
        type="temporal",
        title=title,
        scale=alt.Scale(domain=domain) if domain else alt.Undefined,
        axis=alt.Axis(format="%d %b", labelColor=MUTED, grid=False, labelOverlap="greedy", labelFlush=True, tickCount=8),
    )


def bucket_length(series: pd.DataFrame, bucket: str | None = None) -> pd.Timedelta:
    """The length of the series' buckets: the contract's for a named bucket size; otherwise
    the spacing of its dates, as the contract's bucket of that length (a day when it cannot
    tell: a single bucket)."""
    if bucket is not None:
        return pd.Timedelta(bucket_step(bucket))
    steps = series["date"].diff().dropna()
    if not len(steps):
        return pd.Timedelta(BUCKET_STEPS["day"])
    spacing = pd.Timedelta(steps.min())
    known = [pd.Timedelta(step) for step in BUCKET_STEPS.values()]
    return spacing if spacing not in known else known[known.index(spacing)]


def date_domain(series: pd.DataFrame, bucket: str | None = None) -> list[str] | None:
    """From the first bucket's start to the last bucket's end: one x range for every panel."""
    if not len(series):
        return None
    end = series["date"].max() + bucket_length(series, bucket)
    return [series["date"].min().isoformat(), end.isoformat()]


def y_axis(field: str, title: str, domain: list[float] | None = None, fmt: str | None = None,
           values: list[float] | None = None) -> alt.Y:
    return alt.Y(
        field=field,
        type="quantitative",
        title=title,
        scale=alt.Scale(domain=domain) if domain else alt.Undefined,
        axis=alt.Axis(minExtent=Y_AXIS_EXTENT, maxExtent=Y_AXIS_EXTENT, format=fmt or alt.Undefined, labelColor=MUTED,
                      values=values if values is not None else alt.Undefined),
    )


def style(chart):
    """The panels' shared look, set on the chart itself: each configure_* call would deep-copy
    the whole chart, three copies per panel on every rerun."""
    chart.config = alt.Config(
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, titleColor=MUTED),
        title=alt.TitleConfig(fontSize=15, color=INK, subtitleColor=MUTED),
    )
    return chart


def short(text: str, n: int = 28) -> str:
    """text cut to n characters with an ellipsis (the full text goes in the tooltip)."""
    return text if len(text) <= n else text[: n - 1] + "…"


SIMULATED_NOTE = "SIMULATED mentions: the shape follows real events, the numbers are invented"
SIMULATED_BRIEF = "SIMULATED mentions"  # for a half-width chart, where the whole note would be cut


def with_simulated(chart, simulated: bool, brief: bool = False):
    """The chart with "SIMULATED" first in its subtitle when its numbers come from simulated
    mentions (a chart whose title is a plain string gets a Title); `brief` for a narrow chart."""
    if not simulated:
        return chart
    note = SIMULATED_BRIEF if brief else SIMULATED_NOTE
    title = chart.title
    if isinstance(title, alt.Title):
        old = title.subtitle
        lines = [] if old is alt.Undefined else ([old] if isinstance(old, str) else list(old))
        return props(chart, title=alt.Title(title.text, subtitle=[note, *lines], anchor=title.anchor,
                                            subtitleColor="#b45309"))
    text = title if isinstance(title, str) else ""
    return props(chart, title=alt.Title(text, subtitle=note, anchor="start", subtitleColor="#b45309"))


def text_alternative(spec: dict) -> str:
    """A one-line text alternative of a chart spec, for screen readers (Vega-Lite's
    `description` becomes the drawing's aria-label): its own description, else its title and
    subtitle."""
    if isinstance(spec.get("description"), str) and spec["description"]:
        return spec["description"]
    title = spec.get("title")
    if isinstance(title, dict):
        sub = title.get("subtitle")
        sub = " ".join(sub) if isinstance(sub, list) else (sub or "")
        text = title.get("text")
        text = " ".join(text) if isinstance(text, list) else (text or "")
        return f"Chart: {text}" + (f" ({sub})" if sub else "")
    return f"Chart: {title}" if isinstance(title, str) and title else "Chart"
