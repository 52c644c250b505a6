"""Plain-language reasons: why a bucket has its stage, in one or two sentences."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from dashboard.contract import STAGES, bucket_step
from dashboard.model.escalation import COMPONENTS, ModelParams, raw_stage


def _fmt_date(t: pd.Timestamp) -> str:
    if t.hour or t.minute:
        return t.strftime("%d %b %Y %H:%M")
    return t.strftime("%d %b %Y")


def describe_event(event: pd.Series) -> str:
    """'Donald Trump → ByteDance, policy, severity -8: <headline>'."""
    who = event["actor"]
    target = event.get("target")
    if isinstance(target, str) and target:
        who = f"{who} → {target}"
    details = [event.get("event_type") or "event"]
    sev = event.get("severity")
    if sev is not None and not (isinstance(sev, float) and math.isnan(sev)):
        details.append(f"severity {sev:+.0f}")
    return f"{who} ({', '.join(details)}): {event['headline']}"


def explain(row: pd.Series, events: pd.DataFrame, params: ModelParams, bucket: str = "day") -> str:
    """Why this bucket has its stage: the drivers, then how the stage follows from the index.

    `events` are the selection's events (to name the one behind the severity component);
    `bucket` is the selection's bucket size (an event "in this bucket" is within its length).
    """
    stage = row["stage"]
    parts: list[str] = []
    if not math.isnan(row["attention_ratio"]):
        parts.append(f"attention {row['attention_ratio']:.1f}× its {params.baseline_buckets}-bucket baseline ({int(row['volume']):,} mentions)")
    elif row["volume"] > 0:
        parts.append(f"{int(row['volume']):,} mentions (too little history for a baseline yet)")
    if not math.isnan(row["tone"]):
        neg = row["negative_share"]
        share = f" ({neg:.0%} negative)" if not math.isnan(neg) else ""
        parts.append(f"tone {row['tone']:+.2f}{share}")
    driver = _severity_driver(row, events, bucket_step(bucket))
    if driver:
        parts.append(driver)
    head = f"{stage.capitalize()}: " + ("; ".join(parts) if parts else "no data in this bucket") + "."
    return f"{head} {_why_stage(row, params)}"


def _severity_driver(row: pd.Series, events: pd.DataFrame, step: dt.timedelta) -> str:
    src = row.get("severity_from")
    if src is None or pd.isna(src) or not len(events) or not (row["c_severity"] > 0):
        return ""
    bucket_events = events[(events["date"] >= src) & (events["date"] < src + pd.Timedelta(step))]
    if not len(bucket_events):
        bucket_events = events[events["date"].dt.normalize() == pd.Timestamp(src).normalize()]
    if not len(bucket_events):
        return ""
    worst = bucket_events.sort_values("severity", na_position="last").iloc[0]
    if src == row["date"]:
        return f"most conflictual event: {describe_event(worst)}"
    return f"still weighed by an event of {_fmt_date(pd.Timestamp(src))}: {describe_event(worst)}"


def _why_stage(row: pd.Series, params: ModelParams) -> str:
    index = float(row["index"])
    level = STAGES.index(row["stage"])
    reached = raw_stage(index, params)
    thresholds = dict(zip(STAGES[1:], params.thresholds()))
    formula = " + ".join(
        f"{params.weights()[c]:.2f}×{row['c_' + c]:.2f} {c}" for c in COMPONENTS if not math.isnan(row["c_" + c])
    )
    index_txt = f"Index {index:.0f} (weighted mean of {formula})"
    if level == reached:
        if level == 0:
            return f"{index_txt} is below the simmering threshold ({params.simmering:g})."
        return f"{index_txt} is at or above the {row['stage']} threshold ({thresholds[row['stage']]:g})."
    if level > reached:
        exit_at = thresholds[row["stage"]] - params.exit_margin
        return (
            f"{index_txt} is below the {row['stage']} threshold ({thresholds[row['stage']]:g}); the stage "
            f"holds until the index stays under {exit_at:g} for {params.exit_buckets} buckets in a row (hysteresis)."
        )
    if math.isnan(row["attention_ratio"]):
        return (
            f"{index_txt} reaches {STAGES[reached]}, but there is too little history to tell whether attention "
            f"is rising, and a higher stage needs attention {params.attention_gate:g}× its baseline."
        )
    return (
        f"{index_txt} reaches {STAGES[reached]}, but attention is only {row['attention_ratio']:.1f}× its baseline, "
        f"under the {params.attention_gate:g}× needed to enter a higher stage."
    )
