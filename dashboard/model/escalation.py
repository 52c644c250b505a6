"""The escalation model: an explainable 0-100 index, a stage with hysteresis, and why.

Input is the engine's per-bucket series (see Engine.series); output is one row per bucket.
Everything here is pure numpy/pandas over a few thousand buckets at most: the heavy lifting
(filtering, bucketing millions of rows) has already happened in the engine.

The formula, in short (docs/model.md has it in full):

  attention  = clip(log2(ratio) / log2(ATTENTION_FULL_RATIO), 0, 1)
               ratio = (volume + k) / (baseline + k), baseline = median of the previous
               14 buckets, k = SMOOTHING mentions
  tone       = 0.5 * clip(-tone / TONE_FULL, 0, 1) + 0.5 * clip((neg_share - 0.5) / 0.4, 0, 1)
  severity   = max over events so far of clip(0.7 * -sev / 10 + 0.3 * conflict / 15, 0, 1),
               each halving every SEVERITY_HALF_LIFE since its bucket
  breadth    = clip(log2((actors + sources + 1) / (baseline + 1)) / 2, 0, 1)
  index      = 100 * sum(w_i * c_i) / sum(w_i), over the components the data have
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.contract import STAGES

COMPONENTS = ("attention", "tone", "severity", "breadth")


@dataclass(frozen=True)
class ModelParams:
    """Every tunable number of the model, with the defaults docs/model.md explains."""

    weight_attention: float = 0.40
    weight_tone: float = 0.25
    weight_severity: float = 0.25
    weight_breadth: float = 0.10
    baseline_buckets: int = 14  # Meltwater's editorial rule: a day against its previous 14
    min_history: int = 3  # fewer previous buckets than this: attention and breadth unknown
    smoothing: float = 5.0  # mentions added to both sides of the attention ratio
    attention_full_ratio: float = 8.0  # 8x the baseline scores 1 (log scale: 2x = 1/3, 4x = 2/3)
    tone_full: float = 0.4  # a mean tone of -0.4 scores 1
    severity_half_life_days: float = 3.0  # how long an event's conflict weighs on the index
    # Stage thresholds on the index: enter at these, leave only below (enter - exit_margin)
    # for exit_buckets buckets in a row.
    simmering: float = 30.0
    boiling: float = 45.0
    crisis: float = 65.0
    exit_margin: float = 10.0
    exit_buckets: int = 3
    # Downs, Meltwater: a story escalates when people start paying attention. A bucket may
    # only *enter* a higher stage when its attention ratio is at least this. Data without
    # mentions are not held back; the first buckets of data with mentions (no baseline yet)
    # are: there is no evidence of a surge there.
    attention_gate: float = 1.5
    direction_buckets: int = 3  # index now against the mean of the previous N buckets
    direction_threshold: float = 5.0  # index points
    spike_ratio: float = 2.0  # a spike is >= 2x the baseline ...
    spike_z: float = 3.0  # ... and >= 3 robust standard deviations above it
    cusum_k: float = 0.5  # CUSUM slack, in robust standard deviations
    cusum_h: float = 5.0  # CUSUM alarm threshold
    pelt_penalty: float = 3.0  # PELT penalty, times log(n), on the standardised signal
    change_window_days: float = 3.0  # an event this long before a change point may explain it
    retraction_window_hours: float = 48.0

    def weights(self) -> dict[str, float]:
        return {
            "attention": self.weight_attention,
            "tone": self.weight_tone,
            "severity": self.weight_severity,
            "breadth": self.weight_breadth,
        }

    def thresholds(self) -> tuple[float, float, float]:
        return self.simmering, self.boiling, self.crisis

    def validated(self) -> ModelParams:
        for name, w in self.weights().items():
            if not (w >= 0 and math.isfinite(w)):
                raise ValueError(f"weight_{name} must be a finite number >= 0, not {w}")
        if sum(self.weights().values()) <= 0:
            raise ValueError("at least one weight must be above 0")
        if not (0 < self.simmering < self.boiling < self.crisis <= 100):
            raise ValueError("thresholds must rise: 0 < simmering < boiling < crisis <= 100")
        if self.exit_margin < 0 or self.exit_buckets < 1:
            raise ValueError("exit_margin must be >= 0 and exit_buckets >= 1")
        if self.baseline_buckets < 2 or self.min_history < 1:
            raise ValueError("baseline_buckets must be >= 2 and min_history >= 1")
        if self.pelt_penalty <= 0:
            raise ValueError("pelt_penalty must be above 0")
        return self


DEFAULT_PARAMS = ModelParams()


# --- components ---------------------------------------------------------------------------


def trailing_baseline(values: np.ndarray, window: int, min_history: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and robust spread (1.4826 * MAD) of the previous `window` values, per position.

    Position i uses values[i-window : i] (never itself). With fewer than `min_history`
    previous values the baseline is unknown (NaN); between min_history and window it uses
    what there is. Returns (median, spread, history length).
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    med = np.full(n, np.nan)
    spread = np.full(n, np.nan)
    if n == 0:
        return med, spread, np.zeros(0, dtype=int)
    # Row i of the window matrix holds values[i-window : i], NaN-padded before the start;
    # every row is sorted once (NaN last) and its median read off, as np.median would.
    past = np.lib.stride_tricks.sliding_window_view(np.concatenate([np.full(window, np.nan), values]), window)[:n]
    hist = window - np.isnan(past).sum(axis=1)
    ok = hist >= min_history
    if ok.any():
        rows = past[ok]
        k = hist[ok]
        m = _sorted_median(np.sort(rows, axis=1), k)
        med[ok] = m
        spread[ok] = 1.4826 * _sorted_median(np.sort(np.abs(rows - m[:, None]), axis=1), k)
    return med, spread, hist


def _sorted_median(rows: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The median of the first k[i] values of each sorted row: the middle one, or the mean
    of the two middle ones (computed as np.median does, so the results are identical)."""
    at = np.arange(len(rows))
    hi = rows[at, k // 2]
    lo = rows[at, (k - 1) // 2]
    return np.where(k % 2 == 1, hi, (lo + hi) / 2.0)


def _clip01(x):
    return np.clip(x, 0.0, 1.0)


def attention_component(volume, baseline, params: ModelParams):
    k = params.smoothing
    ratio = (volume + k) / (baseline + k)
    comp = _clip01(np.log2(ratio) / math.log2(params.attention_full_ratio))
    return ratio, comp


def tone_component(tone, negative_share, params: ModelParams):
    neg = _clip01(-tone / params.tone_full)
    share = _clip01((negative_share - 0.5) / 0.4)
    share = np.where(np.isnan(share), neg, share)
    return 0.5 * neg + 0.5 * share


def event_severity_component(min_severity, conflict):
    """One bucket's events on 0..1: mostly the worst event, partly how much conflict in all."""
    worst = np.where(np.isnan(min_severity), 0.0, np.maximum(0.0, -min_severity)) / 10.0
    total = np.nan_to_num(conflict) / 15.0
    return _clip01(0.7 * worst + 0.3 * total)


def decayed_max(values: np.ndarray, dates: pd.Series, half_life_days: float) -> tuple[np.ndarray, np.ndarray]:
    """For each bucket, the max of earlier-or-same buckets' values, halved every half-life.

    Returns the decayed values and the index of the bucket each one came from (-1 if none).
    """
    t = (dates - dates.iloc[0]).dt.total_seconds().to_numpy() / 86400.0 if len(dates) else np.array([])
    out = np.zeros(len(values))
    src = np.full(len(values), -1)
    best, best_t, best_i = 0.0, 0.0, -1
    for i, v in enumerate(values):
        carried = best * 0.5 ** ((t[i] - best_t) / half_life_days) if best_i >= 0 else 0.0
        if v > 0 and v >= carried:
            best, best_t, best_i = float(v), t[i], i
            carried = best
        out[i] = carried
        src[i] = best_i if carried > 0 else -1
    return out, src


def combine(components: dict[str, np.ndarray], params: ModelParams) -> np.ndarray:
    """Weighted mean of the available components, per bucket, on 0..100.

    A component that is NaN in a bucket (no data for it) drops out and the remaining weights
    are renormalised, so volume-only or events-only data can still reach every stage.
    """
    weights = params.weights()
    num = np.zeros(len(next(iter(components.values()))))
    den = np.zeros_like(num)
    for name, values in components.items():
        w = weights[name]
        have = ~np.isnan(values)
        num += np.where(have, w * np.nan_to_num(values), 0.0)
        den += np.where(have, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(den > 0, 100.0 * num / den, 0.0)
    return np.clip(index, 0.0, 100.0)


def raw_stage(index: float, params: ModelParams) -> int:
    """The stage an index reaches by its enter thresholds (0 slow boil ... 3 crisis)."""
    level = 0
    for i, threshold in enumerate(params.thresholds(), start=1):
        if index >= threshold:
            level = i
    return level


def classify_stages(index: np.ndarray, params: ModelParams, may_enter: np.ndarray | None = None) -> np.ndarray:
    """Stages with hysteresis: escalate as soon as a threshold is reached (where `may_enter`
    allows it); step down one stage only after `exit_buckets` buckets in a row below
    (threshold - exit_margin)."""
    thresholds = params.thresholds()
    index = np.asarray(index, dtype=float)
    # raw_stage for every bucket at once: the number of (rising) thresholds reached.
    reached_all = np.sum([(index >= t).astype(int) for t in thresholds], axis=0).astype(int).tolist()
    exit_at = [math.nan] + [t - params.exit_margin for t in thresholds]
    allowed = [True] * len(index) if may_enter is None else np.asarray(may_enter, dtype=bool).tolist()
    values = index.tolist()
    out = np.zeros(len(index), dtype=int)
    level, below = 0, 0
    for i, x in enumerate(values):
        reached = reached_all[i]
        if reached > level and not allowed[i]:
            reached = level  # held at its stage: not enough attention to escalate
        if reached >= level:
            level, below = reached, 0
        else:
            below = below + 1 if x < exit_at[level] else 0
            if below >= params.exit_buckets:
                level = max(reached, level - 1)
                below = 0
        out[i] = level
    return out


def classify_direction(index: np.ndarray, params: ModelParams) -> np.ndarray:
    n = params.direction_buckets
    index = np.asarray(index, dtype=float)
    out = np.array(["steady"] * len(index), dtype=object)
    if len(index) < 2:
        return out
    # The mean of the previous n buckets (fewer at the start), per bucket from the second.
    ref = np.empty(len(index))
    ref[0] = np.nan
    for i in range(1, min(n, len(index))):
        ref[i] = float(np.mean(index[:i]))
    if len(index) > n:
        ref[n:] = np.lib.stride_tricks.sliding_window_view(index[:-1], n).mean(axis=1)
    change = index - ref
    out[1:][change[1:] > params.direction_threshold] = "rising"
    out[1:][change[1:] < -params.direction_threshold] = "cooling"
    return out


# --- scoring --------------------------------------------------------------------------------


SCORED_COLUMNS = [
    "date", "volume", "baseline", "baseline_spread", "attention_ratio", "tone", "negative_share",
    "events", "severity", "conflict", "breadth", "breadth_baseline", "warmup",
    "c_attention", "c_tone", "c_severity", "c_breadth", "index", "stage", "direction",
    "severity_from", "alerts", "change_point",
]


def score(series: pd.DataFrame, params: ModelParams = DEFAULT_PARAMS, *, has_mentions: bool | None = None,
          has_tone: bool | None = None, has_events: bool | None = None) -> pd.DataFrame:
    """Score an engine series: components, index, stage and direction per bucket.

    `has_*` say whether the dataset has that kind of data at all (a selection can have none
    in its range); by default they are read off the series itself.
    """
    params = params.validated()
    s = series.sort_values("date").reset_index(drop=True)
    n = len(s)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SCORED_COLUMNS})
    has_mentions = bool(s["volume"].sum() > 0) if has_mentions is None else has_mentions
    has_tone = bool(s["tone"].notna().any()) if has_tone is None else has_tone
    has_events = bool(s["events"].sum() > 0) if has_events is None else has_events

    volume = s["volume"].to_numpy(dtype=float)
    base, spread, hist = trailing_baseline(volume, params.baseline_buckets, params.min_history)
    ratio, c_att = attention_component(volume, base, params)
    if not has_mentions:
        c_att = np.full(n, np.nan)

    tone = s["tone"].to_numpy(dtype=float)
    neg = s["negative_share"].to_numpy(dtype=float)
    c_tone = tone_component(tone, neg, params) if has_tone else np.full(n, np.nan)
    if has_tone:
        # A bucket with mentions but none toned says nothing about tone: leave it out.
        c_tone = np.where(np.isnan(tone), np.nan, c_tone)

    per_bucket = event_severity_component(s["min_severity"].to_numpy(dtype=float), s["conflict"].to_numpy(dtype=float))
    c_sev, sev_src = decayed_max(per_bucket, s["date"], params.severity_half_life_days)
    if not has_events:
        c_sev = np.full(n, np.nan)

    breadth = (s["actors"] + s["sources"]).to_numpy(dtype=float)
    b_base, _, _ = trailing_baseline(breadth, params.baseline_buckets, params.min_history)
    c_breadth = _clip01(np.log2((breadth + 1) / (b_base + 1)) / 2.0)

    index = combine({"attention": c_att, "tone": c_tone, "severity": c_sev, "breadth": c_breadth}, params)
    # Where attention is unknown (the first min_history buckets) there is no evidence of a
    # surge, so a dataset with mentions does not escalate there; without mentions, no gate.
    gate_open = (ratio >= params.attention_gate) & ~np.isnan(base) if has_mentions else np.ones(n, dtype=bool)
    stages = classify_stages(index, params, gate_open)

    # One constructor call: assigning twenty columns one by one costs more than the model.
    out = pd.DataFrame({
        "date": s["date"],
        "volume": s["volume"].astype("int64"),
        "baseline": base,
        "baseline_spread": spread,
        "attention_ratio": np.where(np.isnan(base) | (not has_mentions), np.nan, ratio),
        "tone": tone,
        "negative_share": neg,
        "events": s["events"].astype("int64"),
        "severity": s["min_severity"].astype(float),
        "conflict": s["conflict"].astype(float),
        "breadth": breadth.astype("int64"),
        "breadth_baseline": b_base,
        "warmup": hist < params.baseline_buckets,
        "c_attention": np.round(c_att, 4),
        "c_tone": np.round(c_tone, 4),
        "c_severity": np.round(c_sev, 4),
        "c_breadth": np.round(c_breadth, 4),
        "index": np.round(index, 2),
        "stage": [STAGES[k] for k in stages],
        "direction": classify_direction(index, params),
        "severity_from": _dates_at(s["date"], sev_src),
        "alerts": "",
        "change_point": "",
    })
    return out[SCORED_COLUMNS]


def _dates_at(dates: pd.Series, positions: np.ndarray) -> list:
    """dates[positions], NaT where a position is -1 (a list: pandas infers the type as before)."""
    values = dates.tolist()
    return [values[j] if j >= 0 else pd.NaT for j in positions.tolist()]


def with_params(params: ModelParams, **changes) -> ModelParams:
    return replace(params, **changes).validated()
