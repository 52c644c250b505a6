"""The event labels on the escalation panel: lines where no two overlap, on the side that keeps
them inside the plot, in the lane (the plot's top, its foot, or a strip above it) where the
index line runs through none of them; and the key saying how many are left out."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts.common import INK, LABELLED_EVENTS, bucket_length, short, x_axis
from dashboard.model.explain import actor_said

Span = tuple[float, float]  # a vertical rule's extent on the index axis, clear of the event labels


def label_rows(
    dates: pd.Series,
    labels: pd.Series,
    domain_days: float,
    width_px: float = 720,
    rows: int = 3,
    aligns: list[str] | None = None,
) -> list[int]:
    """Put each label on one of `rows` lines so that no two labels on a line overlap.

    Labels are placed in the order given (give the most important first); a left-aligned
    label runs right from its date, a right-aligned one runs left. A label is assumed to
    take 6.5 px per character at the chart's font size; one that fits on no line gets -1
    (not drawn — its marker and tooltip still are).
    """
    px_per_day = width_px / max(domain_days, 1e-9)
    origin = dates.min() if len(dates) else None
    taken: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    out: list[int] = []
    for k, (date, label) in enumerate(zip(dates, labels)):
        x = (date - origin).total_seconds() / 86400.0 * px_per_day
        width = 6.5 * len(label) + 10
        lo, hi = (x - width, x) if aligns is not None and aligns[k] == "right" else (x, x + width)
        placed = -1
        for r in range(rows):
            if all(hi <= a or lo >= b for a, b in taken[r]):
                taken[r].append((lo, hi))
                placed = r
                break
        out.append(placed)
    return out


def label_key(shown: int, total: int, brief: bool = False) -> str:
    """What the event labels show, and how many events they leave out (none silently);
    `brief` for a narrow line (meeting mode's)."""
    if not shown:
        return f"{total:,} events, none labelled" + ("" if brief else " (too close together; Events tab)")
    what = f"{shown} most conflictual" if brief else ("the most conflictual event" if shown == 1 else f"the {shown} most conflictual events")
    more = total - shown
    return f"labels: {what}" + ((f", +{more:,} more" if brief else f", +{more:,} more unlabelled (Events tab)") if more else "")


INDEX_TICKS: list[float] = [0, 25, 50, 75, 100]
STRIP_GAP = 4.0  # index points between the plot's top (100) and the labels' strip


def lane_of(span: Span | None) -> str | None:
    """Where the event labels sit, read from the span they leave free: "top", "foot" or
    "strip" (above the plot); None without labels."""
    if span is None:
        return None
    return "strip" if span[1] > 100.0 else ("top" if span[0] == 0.0 else "foot")


def strip_ceiling(labels: list[alt.Chart]) -> float:
    """The index axis's top when the labels sit in a strip above the plot (kept in their
    layers' data as `ceiling`)."""
    for layer in labels:
        data = layer.data
        if isinstance(data, pd.DataFrame) and "ceiling" in data:
            return float(data["ceiling"].iloc[0])
    return 100.0


def strip_rows(rows: int, line: float) -> tuple[float, float]:
    """The height of a strip of `rows` label lines above the plot, and one line's height in
    it, in index points, so that a line takes as many pixels as `line` points on a 0–100 axis
    (the plot shrinks to make room: k of the height for the strip, 1 − k for 0–100)."""
    k = rows * line / 100.0
    if not 0 < k < 0.9:
        raise ValueError(f"{rows} label lines of {line:g} points do not fit above the plot")
    strip = (100.0 * k + STRIP_GAP) / (1.0 - k)
    return strip, line * (100.0 + strip) / 100.0


def event_labels(events: pd.DataFrame, domain: list[str] | None, width: int | None, size: int = 11,
                  table: pd.DataFrame | None = None, bucket: str | None = None) -> tuple[list[alt.Chart], int, Span | None]:
    """Labels on the most conflictual events, on lines where they do not overlap, and a tick
    at each; a label that would run past the plot's end reads leftwards, to stay inside it.
    The lines sit at the top of the plot, or at its foot when the index runs through no label
    there (a story in crisis runs along the top); when it runs through labels in both (GDELT's
    day of 100 after a fall), in a strip above the plot, where the index never goes.

    Returns the layers, how many events are labelled (those that fit: the others are counted
    in the chart's key, never dropped silently) and the index span the labels leave free, to
    which the vertical rules keep."""
    top = events.dropna(subset=["severity"]).nsmallest(LABELLED_EVENTS, "severity").sort_values("date")
    if not len(top):
        return [], 0, None
    top = top[["date", "actor", "headline", "severity"]].copy()
    top["said"] = [actor_said(a, h) for a, h in zip(top["actor"], top["headline"])]
    top["label"] = [short(said) for said in top["said"]]  # cut; its full text is "said", in the tooltip
    span_days = (pd.Timestamp(domain[1]) - pd.Timestamp(domain[0])).total_seconds() / 86400.0 if domain else 1.0
    # The most conflictual events claim their line first.
    top = top.sort_values(["severity", "date"], kind="stable").reset_index(drop=True)
    # label_rows measures at 11 px; a larger font takes the same room on a narrower chart.
    room = (width or 720) * 11 / size
    start = pd.Timestamp(domain[0]) if domain else top["date"].min()
    aligns = [label_side((d - start).total_seconds() / 86400.0 / max(span_days, 1e-9) * room, 6.5 * len(t) + 10, room)
              for d, t in zip(top["date"], top["label"])]
    top["row"] = label_rows(top["date"], top["label"], span_days, room, aligns=aligns)
    placed = top["row"] >= 0
    top, aligns = top[placed], [a for a, keep in zip(aligns, placed) if keep]
    if not len(top):
        return [], 0, None
    line = 9 * size / 11  # one line of labels, in index points
    reach = pd.to_timedelta([(6.5 * len(t) + 10) / room * span_days for t in top["label"]], unit="D")
    top["lo"] = [d - r if a == "right" else d for d, r, a in zip(top["date"], reach, aligns)]
    top["hi"] = [d if a == "right" else d + r for d, r, a in zip(top["date"], reach, aligns)]
    lanes = {"top": 97 - line * top["row"], "foot": 3 + line * top["row"]}
    crossed = {k: crossings(table, top, ys, line, bucket) for k, ys in lanes.items()}
    lane = min(crossed, key=lambda k: crossed[k])  # "top" on a tie: listed first
    span: Span
    if crossed[lane]:
        strip, row = strip_rows(int(top["row"].max()) + 1, line)
        top = top.assign(y=100.0 + STRIP_GAP + row * (top["row"] + 0.5), ceiling=100.0 + strip)
        span = (0.0, 100.0 + 1e-6)  # the rules keep to the plot (a span past 100 says "strip")
    else:
        top = top.assign(y=lanes[lane])
        span = (0.0, float(top["y"].min() - 0.5 * line)) if lane == "top" else (float(top["y"].max() + 0.5 * line), 100.0)
    top = top.assign(side=aligns)  # lo, hi: each label's extent, kept in its data (tests read it)
    layers = []
    for side, part in (("left", top[top["side"] == "left"]), ("right", top[top["side"] == "right"])):
        if not len(part):
            continue
        layers.append(
            alt.Chart(part)
            .mark_text(align="left" if side == "left" else "right", baseline="middle", dx=5 if side == "left" else -5, fontSize=size, color=INK)
            .encode(
                x=x_axis(domain=domain),
                y=alt.Y(field="y", type="quantitative"),
                text=alt.Text(field="label", type="nominal"),
                tooltip=[
                    alt.Tooltip(field="date", type="temporal", title="date", format="%d %b %Y"),
                    alt.Tooltip(field="actor", type="nominal", title="actor"),
                    alt.Tooltip(field="said", type="nominal", title="what happened"),  # the label in full
                    alt.Tooltip(field="severity", type="quantitative", title="severity", format="+.0f"),
                ],
            )
        )
    layers.append(
        alt.Chart(top).mark_tick(color=INK, thickness=1.5, size=8).encode(
            x=x_axis(domain=domain), y=alt.Y(field="y", type="quantitative")
        )
    )
    return layers, len(top), span


def label_side(x: float, width: float, room: float) -> str:
    """Which way a label at x px reads: rightwards when it fits before the plot's end, else
    leftwards when it fits after its start, else the way with more room."""
    if x + width <= room:
        return "left"
    if x - width >= 0:
        return "right"
    return "left" if room - x >= x else "right"


def crossings(table: pd.DataFrame | None, labels: pd.DataFrame, ys: pd.Series, line: float, bucket: str | None = None) -> int:
    """How many labels the index line runs through: its buckets inside a label's box (its dates,
    its line), and the line drawn between buckets, which crosses a short box no bucket falls in.
    The line is drawn mid-bucket (as _index_line draws it) when `bucket` is given."""
    if table is None or not len(table):
        return 0
    known = table["index"].notna().to_numpy()
    mids = pd.DatetimeIndex(table["date"]) + (bucket_length(table, bucket) / 2 if bucket is not None else pd.Timedelta(0))
    dates = mids.as_unit("ns").asi8[known].astype(float)
    index = table["index"].astype(float).to_numpy()[known]
    if not len(index):
        return 0
    count = 0
    for lo, hi, y in zip(labels["lo"], labels["hi"], ys):
        a, b = (float(pd.Timestamp(t).value) for t in (lo, hi))  # ns since the epoch, as the dates
        inside = (dates >= a) & (dates <= b)
        count += int((np.abs(index[inside] - y) <= 0.6 * line).sum())
        if a <= dates[-1] and b >= dates[0]:  # the line as drawn (straight between buckets) over the box
            ends = np.interp([max(a, dates[0]), min(b, dates[-1])], dates, index)
            values = np.concatenate([ends, index[inside]])
            count += int(values.min() <= y + 0.6 * line and values.max() >= y - 0.6 * line)
    return count
