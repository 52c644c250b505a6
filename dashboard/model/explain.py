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


def actor_said(actor, headline) -> str:
    """'Actor: headline', without saying the actor twice when the headline already begins with
    it (GDELT's and ACLED's generated headlines name their actors first)."""
    text = str(headline) if isinstance(headline, str) else ""
    name = str(actor) if isinstance(actor, str) else ""
    if name and text.startswith(name):
        return text
    return f"{name}: {text}" if name else text


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
    attention = _attention_driver(row, params, bucket)
    if attention:
        parts.append(attention)
    if not _nan(row["tone"]):
        neg = row["negative_share"]
        share = f" ({neg:.0%} negative)" if not _nan(neg) else ""
        ref = row.get("tone_reference")
        against = f", against its reference {ref:+.2f}" if ref is not None and not _nan(ref) else ""
        parts.append(f"tone {row['tone']:+.2f}{share}{against}")
    driver = _severity_driver(row, events, bucket_step(bucket))
    if driver:
        parts.append(driver)
    head = f"{stage.capitalize()}: " + ("; ".join(parts) if parts else "no data in this bucket") + "."
    phase = _phase_note(row, params, bucket)
    return f"{head} {_why_stage(row, params)}{phase}"


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or bool(pd.isna(x))


def _attention_driver(row: pd.Series, params: ModelParams, bucket: str) -> str:
    """What attention was measured against (the long memory, or a share of the source's total
    coverage), or why it is unknown."""
    volume = int(row["volume"])
    known = bool(row.get("attention_known", not _nan(row.get("attention_level"))))
    if not known:
        note = row.get("attention_note") or ""
        if not note:
            return f"{volume:,} mentions" if volume else ""
        said = f"{volume:,} mentions, but " if volume else ""
        return f"{said}attention unknown ({note}), so it is left out of the index"
    level, expected, z = row["attention_level"], row["expected"], row["attention_z"]
    sd = "over +20 SD" if z >= 20 else f"{z:+.1f} SD"
    head = f"attention {level:.1f}× expected ({volume:,} mentions against {_count(expected)}; {sd})"
    if params.attention == "share":
        return f"{head} on its usual share of all coverage ({row['reference']:.2%} of {int(row['total']):,})"
    against = f"{head} on its long memory of {_count(row['reference'])} a {bucket}"
    if bucket == "day" and row["reference"] > 0 and abs(expected / row["reference"] - 1) > 0.005:
        against += f" × {expected / row['reference']:.2f} for the weekday"
    start = row.get("episode_start")
    if bool(row.get("reference_frozen", False)) and not _nan(start):
        against += f", held since the episode began {_fmt_date(pd.Timestamp(start))}"
    return against


def _count(x: float) -> str:
    """An expected count: whole above 100, one decimal below (1,124; 6.2; 0.3)."""
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


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
    if math.isnan(index):
        return "No index: nothing is known in this bucket, so the stage holds from the bucket before."
    level = STAGES.index(row["stage"])
    reached = raw_stage(index, params)
    thresholds = dict(zip(STAGES[1:], params.thresholds()))
    weights = params.weights()
    known = [c for c in COMPONENTS if not _nan(row["c_" + c]) and weights[c] > 0]
    missing = [c for c in COMPONENTS if c not in known and weights[c] > 0]
    terms = " + ".join(f"{weights[c]:.2f}×{row['c_' + c]:.2f} {c}" for c in known)
    total_w = sum(weights[c] for c in known)
    if missing:
        index_txt = (f"Index {index:.0f} = 100 × ({terms}) / {total_w:.2f} — {_and(missing)} "
                     f"{'is' if len(missing) == 1 else 'are'} unknown here, so the known weights were renormalised")
    else:
        index_txt = f"Index {index:.0f} = 100 × ({terms}) / {total_w:.2f}"
    if level == reached:
        if level == 0:
            return f"{index_txt}; it is below the simmering threshold ({params.simmering:g})."
        return f"{index_txt}; it is at or above the {row['stage']} threshold ({thresholds[row['stage']]:g})."
    if level > reached:
        exit_at = thresholds[row["stage"]] - params.exit_margin
        return (
            f"{index_txt}; it is below the {row['stage']} threshold ({thresholds[row['stage']]:g}), and the stage "
            f"holds until the index stays under {exit_at:g} for {params.exit_buckets} buckets in a row (hysteresis)."
        )
    held = STAGES[reached]
    known_att = bool(row.get("attention_known", False))
    if known_att and not _gate_open(row, params):
        return (
            f"{index_txt}; it reaches {held}, but attention is only {row['attention_level']:.1f}× its expectation "
            f"({row['attention_z']:+.1f} SD), under the {params.attention_gate:g}× and {params.gate_z:g} SD needed "
            "to enter a higher stage."
        )
    return (
        f"{index_txt}; it reaches {held}, but the bucket before was not within {params.exit_margin:g} points of that "
        "threshold: one loud bucket is a spike, not yet an escalation, so the stage waits for the next one."
    )


def _gate_open(row: pd.Series, params: ModelParams) -> bool:
    expected = row.get("expected")
    if _nan(expected) or expected < params.gate_min_expected:
        return True
    return row["attention_level"] >= params.attention_gate and row["attention_z"] >= params.gate_z


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _phase_note(row: pd.Series, params: ModelParams, bucket: str) -> str:
    phase = row.get("phase")
    if phase == "chronic":
        return (f" Phase: chronic (Fink) — attention has stayed up for over {params.freeze_buckets} {bucket}s, so its "
                "reference now follows it: the level is becoming the new normal.")
    if phase == "resolution":
        return " Phase: resolution (Fink) — down from boiling or worse."
    return ""


def explain_evidence(evidence: pd.Series | None) -> str:
    """The evidence behind a flagged peak, in one sentence ("" when the peak is not flagged).

    `evidence` is one row of dashboard.text.evidence.flag_evidence: a peak resting on one
    source, or on copies of the same text, is said to be so.
    """
    if evidence is None or not evidence.get("flag"):
        return ""
    parts = []
    flag = str(evidence["flag"])
    if "one source" in flag:
        n = int(evidence["sources"])
        parts.append(f"{evidence['top_source']} carried {evidence['top_share']:.0%} of its mentions "
                     f"({n:,} source{'s' if n != 1 else ''} in all)")
    if "copies" in flag:
        parts.append(f"{evidence['copy_share']:.0%} of its {int(evidence['texts']):,} text mentions repeat another "
                     f"({int(evidence['distinct_texts']):,} distinct texts)")
    return " This peak rests on " + ("one source: " if "one source" in flag else "copies: ") + "; ".join(parts) + "."
