"""The escalation model (v2): an explainable 0-100 index, a stage with hysteresis, and why.

Input is the engine's per-bucket series (see Engine.series), with the source's total over
every actor when the caller has it; output is one row per bucket. Everything here is pure
numpy/pandas over a few thousand buckets at most: the heavy lifting (filtering, bucketing
millions of rows) has already happened in the engine.

The formula, in short (docs/model.md has it in full, with a day recomputed by hand):

  attention = clip(log2(ratio) / log2(ATTENTION_FULL_RATIO), 0, 1) * clip((z - Z_LOW) / (Z_FULL - Z_LOW), 0, 1)
              ratio = (volume + k) / (expected + k); expected = long-memory reference (median of the
              last 28 ordinary buckets, frozen while the story is elevated) x weekday factor, or
              reference share x the bucket's total (share mode); z on the count's own noise
              (dashboard/model/attention.py); unknown outside the source's data, in collection
              gaps and after a step in its total coverage
  tone      = 0.5 * negativity + 0.5 * max(negativity, souring); negativity as v1
              (0.5 * clip(-tone / 0.4) + 0.5 * clip((neg_share - 0.5) / 0.4)), souring =
              clip((reference tone - tone) / 0.3); tone shrunk toward the reference by 5 mentions
  severity  = max over events so far of 0.6 * worst / 10 + 0.4 * clip(log2((conflict + 7) /
              (usual conflict + 7)) / 3), each halving every SEVERITY_HALF_LIFE (own history)
  breadth   = clip(log2((actors + sources + 1) / (baseline + 1)) / 2, 0, 1), unknown when constant
  index     = 100 * sum(w_i * c_i) / sum(w_i), over the components known in the bucket
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.contract import STAGES
from dashboard.model.attention import NO_HISTORY, measure_attention, short_median

COMPONENTS = ("attention", "tone", "severity", "breadth")


@dataclass(frozen=True)
class ModelParams:
    """Every tunable number of the model, with the defaults docs/model.md explains."""

    weight_attention: float = 0.35
    weight_tone: float = 0.30
    weight_severity: float = 0.25
    weight_breadth: float = 0.10
    # Attention (dashboard/model/attention.py): "raw" counts against their own long memory,
    # or "share" of the source's total coverage (GDELT, Media Cloud users' habit).
    attention: str = "raw"
    reference_buckets: int = 28  # the long memory: median of the last 28 ordinary buckets
    freeze_buckets: int = 60  # an elevated episode keeps its reference this long (then: chronic)
    episode_end_buckets: int = 7  # this many ordinary buckets in a row end an episode
    freeze_z: float = 2.0  # a bucket this many SD above its expectation is elevated
    attention_z_low: float = 1.0  # attention counts from 1 SD above the expectation ...
    attention_z_full: float = 4.0  # ... fully from 4 SD (count-aware surety)
    max_dispersion: float = 0.6  # negative-binomial phi, at most (a coefficient of variation of 77 %)
    rate_floor: float = 0.25  # the least rate a count is tested against (a silent stream)
    step_window: int = 7  # a coverage step is judged on this many buckets each side
    step_ratio: float = 2.5  # ... and is a jump (or fall) of at least this factor
    gap_min_total: float = 5.0  # a source this busy does not record 0 mentions: a gap
    baseline_buckets: int = 14  # the surprise (spike) baseline: Meltwater's previous 14 buckets
    min_history: int = 3  # fewer reference buckets than this: attention unknown
    warmup_buckets: int = 7  # ... and attention's surety grows with them to full at this many
    smoothing: float = 1.0  # mentions added to both sides of the attention ratio
    attention_full_ratio: float = 8.0  # 8x the expectation scores 1 (log scale: 2x = 1/3, 4x = 2/3)
    tone_full: float = 0.4  # a mean tone of -0.4 scores 1
    tone_drop_full: float = 0.3  # tone this far below its reference scores 1 (souring)
    tone_prior_mentions: float = 5.0  # a bucket's tone is shrunk toward the reference by this many mentions
    severity_half_life_days: float = 3.0  # how long an event's conflict weighs on the index
    severity_worst_share: float = 0.6  # the worst event's share of a bucket's severity
    severity_smoothing: float = 7.0  # conflict points added to both sides of the conflict ratio
    severity_deaths_share: float = 0.35  # where the data count deaths (ACLED): their share of severity
    fatalities_full: float = 100.0  # ... and this many deaths in a bucket score 1 (log scale)
    # Stage thresholds on the index: enter at these, leave only below (enter - exit_margin)
    # for exit_buckets buckets in a row.
    simmering: float = 30.0
    boiling: float = 45.0
    crisis: float = 65.0
    exit_margin: float = 10.0
    exit_buckets: int = 3
    # Downs, Meltwater: a story escalates when people start paying attention. A bucket may
    # only *enter* a higher stage when its attention is at least this many times its
    # expectation and gate_z SD above it. Where attention is unknown, or the stream is so
    # sparse that silence says nothing (expected < gate_min_expected), the gate is open.
    attention_gate: float = 1.5
    gate_z: float = 1.5
    gate_min_expected: float = 1.0
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
        for name, (lo, hi) in PARAM_RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a number, not {value!r}")
            if name in INTEGER_PARAMS and int(value) != value:
                raise ValueError(f"{name} must be a whole number, not {value!r}")
            if not (lo <= value <= hi):
                shown = f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e18 else f"{value:g}"
                raise ValueError(f"{name} must be between {lo:g} and {hi:g}, not {shown}")
        if self.attention not in ATTENTION_MODES:
            raise ValueError(f"attention must be one of {', '.join(ATTENTION_MODES)}, not {self.attention!r}")
        if sum(self.weights().values()) <= 0:
            raise ValueError("at least one weight must be above 0")
        if not (0 < self.simmering < self.boiling < self.crisis <= 100):
            raise ValueError("thresholds must rise: 0 < simmering < boiling < crisis <= 100")
        if self.attention_z_full <= self.attention_z_low:
            raise ValueError("attention_z_full must be above attention_z_low")
        return self


ATTENTION_MODES = ("raw", "share")
# Every numeric parameter's allowed range (inclusive): --param, the UI and links are checked
# against it, so a typo cannot make the model divide by zero or look back a million buckets.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    "weight_attention": (0, 1), "weight_tone": (0, 1), "weight_severity": (0, 1), "weight_breadth": (0, 1),
    "reference_buckets": (3, 400), "freeze_buckets": (0, 1000), "episode_end_buckets": (1, 100),
    "freeze_z": (0, 20), "attention_z_low": (-5, 20), "attention_z_full": (0, 50), "max_dispersion": (0, 10),
    "rate_floor": (0.01, 100), "step_window": (3, 60), "step_ratio": (1.5, 100), "gap_min_total": (0, 1e9),
    "baseline_buckets": (2, 400), "min_history": (1, 100), "warmup_buckets": (1, 400), "smoothing": (0.01, 1e6),
    "attention_full_ratio": (1.01, 1e6), "tone_full": (0.01, 1), "tone_drop_full": (0.01, 2),
    "tone_prior_mentions": (0, 1e6), "severity_half_life_days": (0.01, 365), "severity_worst_share": (0, 1),
    "severity_smoothing": (0.01, 1e6),
    "severity_deaths_share": (0, 1), "fatalities_full": (1, 1e9), "simmering": (0.01, 100), "boiling": (0.01, 100), "crisis": (0.01, 100),
    "exit_margin": (0, 100), "exit_buckets": (1, 100), "attention_gate": (0, 100), "gate_z": (-5, 20),
    "gate_min_expected": (0, 1e9), "direction_buckets": (1, 100), "direction_threshold": (0, 100),
    "spike_ratio": (1, 1000), "spike_z": (0, 100), "cusum_k": (0, 10), "cusum_h": (0.01, 100),
    "pelt_penalty": (0.01, 100), "change_window_days": (0, 365), "retraction_window_hours": (0.01, 24 * 365),
}
INTEGER_PARAMS = frozenset({
    "reference_buckets", "freeze_buckets", "episode_end_buckets", "step_window", "baseline_buckets", "min_history", "warmup_buckets",
    "exit_buckets", "direction_buckets",
})


DEFAULT_PARAMS = ModelParams()


# --- components ---------------------------------------------------------------------------


def trailing_baseline(values: np.ndarray, window: int, min_history: int,
                      restarts: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and robust spread (1.4826 * MAD) of the previous `window` values, per position.

    Position i uses values[i-window : i] (never itself). With fewer than `min_history`
    previous values the baseline is unknown (NaN); between min_history and window it uses
    what there is. At each position of `restarts` (a coverage step) the history starts
    again: nothing before it is used from there on. Returns (median, spread, history length).
    """
    values = np.asarray(values, dtype=float)
    cuts = sorted({int(r) for r in restarts if 0 < r < len(values)})
    if cuts:
        parts = [trailing_baseline(values[a:b], window, min_history) for a, b in zip([0, *cuts], [*cuts, len(values)])]
        return tuple(np.concatenate([p[j] for p in parts]) for j in range(3))  # type: ignore[return-value]
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


def tone_component(tone, negative_share, toned, params: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """Tone on 0..1 and its reference, per bucket (NaN where no mention is toned).

    Negativity is v1's (how negative the tone is, how many mentions are negative); souring is
    how far the tone has fallen below its own reference: the median tone of the previous
    `reference_buckets` toned buckets, held while tone is souring (up to freeze_buckets), as
    attention's is. A bucket's tone and negative share are first shrunk toward that reference
    by `tone_prior_mentions` mentions, so two headlines do not speak for a whole stream.
    """
    tone = np.asarray(tone, dtype=float)
    neg = np.asarray(negative_share, dtype=float)
    n_toned = np.nan_to_num(np.asarray(toned, dtype=float))
    n = len(tone)
    ref = np.full(n, np.nan)
    ref_neg = np.full(n, np.nan)
    hist_t: list[float] = []
    hist_n: list[float] = []
    sour_since = -1
    prior = params.tone_prior_mentions
    shrunk_t, shrunk_n = np.full(n, np.nan), np.full(n, np.nan)
    have_ref = np.zeros(n, dtype=bool)
    for i in range(n):
        if math.isnan(tone[i]):
            continue
        # short_median: np.median's value bit for bit, without its per-call cost (thousands of calls)
        r = short_median(hist_t[-params.reference_buckets:]) if len(hist_t) >= params.min_history else 0.0
        rn = short_median(hist_n[-params.reference_buckets:]) if len(hist_n) >= params.min_history else 0.5
        ref[i], ref_neg[i] = r, rn
        have_ref[i] = len(hist_t) >= params.min_history
        w = n_toned[i] / (n_toned[i] + prior) if (n_toned[i] + prior) > 0 else 1.0
        shrunk_t[i] = w * tone[i] + (1 - w) * r
        shrunk_n[i] = w * (neg[i] if not math.isnan(neg[i]) else rn) + (1 - w) * rn
        souring = len(hist_t) >= params.min_history and (r - shrunk_t[i]) >= params.tone_drop_full / 3
        if souring:
            sour_since = i if sour_since < 0 else sour_since
        else:
            sour_since = -1
        if not souring or (i - sour_since) >= params.freeze_buckets:
            hist_t.append(float(tone[i]))
            if not math.isnan(neg[i]):
                hist_n.append(float(neg[i]))
    negativity = 0.5 * _clip01(-shrunk_t / params.tone_full) + 0.5 * _clip01((shrunk_n - 0.5) / 0.4)
    souring = np.where(have_ref, _clip01((ref - shrunk_t) / params.tone_drop_full), 0.0)  # no reference yet: no souring
    comp = 0.5 * negativity + 0.5 * np.maximum(negativity, souring)
    return np.where(np.isnan(tone), np.nan, comp), ref


def event_severity_component(min_severity, conflict, params: ModelParams, fatalities=None) -> np.ndarray:
    """One bucket's events on 0..1, against the selection's own history: partly the worst
    event (ACLED's severities carry its fatalities), partly how much more conflict there is
    than usual (the median conflict of the previous reference_buckets buckets). A conflict
    zone's ordinary day is not a crisis; a deadly or unusually violent one can be."""
    worst = np.where(np.isnan(min_severity), 0.0, np.maximum(0.0, -np.asarray(min_severity, dtype=float))) / 10.0
    load = np.nan_to_num(np.asarray(conflict, dtype=float))
    usual, _, _ = trailing_baseline(load, params.reference_buckets, 1)
    usual = np.nan_to_num(usual)
    c0 = params.severity_smoothing
    more = _clip01(np.log2((load + c0) / (usual + c0)) / 3.0)
    share = params.severity_worst_share
    coded = np.where(load > 0, _clip01(share * _clip01(worst) + (1 - share) * more), _clip01(share * _clip01(worst)))
    if fatalities is None:
        return coded
    deaths = np.asarray(fatalities, dtype=float)
    if np.isnan(deaths).all():
        return coded
    # Where the data count deaths: a share of severity is the bucket's deaths themselves,
    # clip(log10(1 + deaths) / log10(1 + fatalities_full)); a bucket whose events say nothing
    # keeps the coded part alone.
    d = params.severity_deaths_share
    toll = _clip01(np.log10(1 + np.nan_to_num(deaths)) / math.log10(1 + params.fatalities_full))
    return np.where(np.isnan(deaths), coded, (1 - d) * coded + d * toll)


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
    """Weighted mean of the known components, per bucket, on 0..100.

    A component that is NaN in a bucket (no data for it, or attention unknown) drops out and
    the remaining weights are renormalised, so volume-only or events-only data can still
    reach every stage. A bucket with no known component has no index (NaN).
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
        index = np.where(den > 0, 100.0 * num / den, np.nan)
    return np.clip(index, 0.0, 100.0)


def raw_stage(index: float, params: ModelParams) -> int:
    """The stage an index reaches by its enter thresholds (0 slow boil ... 3 crisis)."""
    level = 0
    for i, threshold in enumerate(params.thresholds(), start=1):
        if index >= threshold:
            level = i
    return level


def classify_stages(index: np.ndarray, params: ModelParams, may_enter: np.ndarray | None = None,
                    confirm: np.ndarray | None = None) -> np.ndarray:
    """Stages with hysteresis: escalate as soon as a threshold is reached (where `may_enter`
    allows it); step down one stage only after `exit_buckets` buckets in a row below
    (threshold - exit_margin). Where `confirm` is set, a bucket enters a stage only if the
    bucket before was already within exit_margin of its threshold: one loud bucket of a
    noisy stream is a spike, not yet an escalation. A NaN index (nothing known) holds."""
    thresholds = params.thresholds()
    index = np.asarray(index, dtype=float)
    with np.errstate(invalid="ignore"):
        reached_all = np.sum([(index >= t).astype(int) for t in thresholds], axis=0).astype(int).tolist()
    exit_at = [math.nan] + [t - params.exit_margin for t in thresholds]
    allowed = [True] * len(index) if may_enter is None else np.asarray(may_enter, dtype=bool).tolist()
    confirmed = [False] * len(index) if confirm is None else np.asarray(confirm, dtype=bool).tolist()
    values = index.tolist()
    out = np.zeros(len(index), dtype=int)
    level, below, prev = 0, 0, math.nan
    for i, x in enumerate(values):
        if math.isnan(x):  # no index: nothing is known in this bucket, the stage holds
            out[i] = level
            continue
        reached = reached_all[i]
        if reached > level and not allowed[i]:
            reached = level  # held at its stage: not enough attention to escalate
        if reached > level and confirmed[i]:
            # The highest stage whose threshold the bucket before was within exit_margin of.
            ok = level + sum(1 for t in thresholds[level:reached] if not math.isnan(prev) and prev >= t - params.exit_margin)
            reached = max(level, min(reached, ok))
        if reached >= level:
            level, below = reached, 0
        else:
            below = below + 1 if x < exit_at[level] else 0
            if below >= params.exit_buckets:
                level = max(reached, level - 1)
                below = 0
        out[i] = level
        prev = x
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
    "date", "volume", "total", "baseline", "baseline_spread", "attention_ratio", "reference", "expected",
    "attention_level", "attention_z", "attention_known", "attention_note", "reference_frozen", "episode_start",
    "tone", "negative_share", "tone_reference", "events", "severity", "conflict", "breadth", "breadth_baseline", "warmup",
    "c_attention", "c_tone", "c_severity", "c_breadth", "index", "stage", "direction", "phase",
    "severity_from", "alerts", "change_point",
]
PHASES = ("quiet", "prodromal", "acute", "chronic", "resolution")  # Fink (1986), plus quiet


def score(series: pd.DataFrame, params: ModelParams = DEFAULT_PARAMS, *, has_mentions: bool | None = None,
          has_tone: bool | None = None, has_events: bool | None = None, bucket: str = "day") -> pd.DataFrame:
    """Score an engine series: components, index, stage, direction and phase per bucket.

    `series` may carry `total`, the source's mentions over every actor per bucket (analysis
    adds it); without it the selection's own volume is the total. `has_*` say whether the
    dataset has that kind of data at all (a selection can have none in its range); by
    default they are read off the series itself.
    """
    params = params.validated()
    s = series.sort_values("date").reset_index(drop=True)
    n = len(s)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SCORED_COLUMNS})
    volume = s["volume"].to_numpy(dtype=float)
    total = s["total"].to_numpy(dtype=float) if "total" in s.columns else volume
    total = np.maximum(np.nan_to_num(total), volume)
    has_mentions = bool(total.sum() > 0) if has_mentions is None else has_mentions
    has_tone = bool(s["tone"].notna().any()) if has_tone is None else has_tone
    has_events = bool(s["events"].sum() > 0) if has_events is None else has_events

    att = measure_attention(volume, total, s["date"], params, share=params.attention == "share", day_buckets=bucket == "day")
    # Surprise, for spike alerts and the tooltip: v1's 14-bucket median, started again at a
    # coverage step (the source collecting three times as much is not a spike of every actor).
    base, spread, hist = trailing_baseline(volume, params.baseline_buckets, params.min_history,
                                           tuple(t for t, _ in att.steps))
    surprise = (volume + 5.0) / (base + 5.0)
    if not has_mentions:
        known = np.zeros(n, dtype=bool)
        notes = [""] * n
        c_att = np.full(n, np.nan)
    else:
        known, notes, c_att = att.known, att.why_unknown, att.component

    tone = s["tone"].to_numpy(dtype=float)
    neg = s["negative_share"].to_numpy(dtype=float)
    toned = s["toned"].to_numpy(dtype=float) if "toned" in s.columns else np.where(np.isnan(tone), 0.0, volume)
    if has_tone:
        c_tone, tone_ref = tone_component(tone, neg, toned, params)
    else:
        c_tone, tone_ref = np.full(n, np.nan), np.full(n, np.nan)

    deaths = s["fatalities"].to_numpy(dtype=float) if "fatalities" in s.columns else None
    per_bucket = event_severity_component(s["min_severity"].to_numpy(dtype=float), s["conflict"].to_numpy(dtype=float), params,
                                          deaths)
    c_sev, sev_src = decayed_max(per_bucket, s["date"], params.severity_half_life_days)
    if not has_events:
        c_sev = np.full(n, np.nan)

    breadth = (s["actors"] + s["sources"]).to_numpy(dtype=float)
    b_base, _, _ = trailing_baseline(breadth, params.baseline_buckets, params.min_history)
    c_breadth = _clip01(np.log2((breadth + 1) / (b_base + 1)) / 2.0)
    active = breadth > 0
    if not active.any() or np.ptp(breadth[active]) == 0:
        c_breadth = np.full(n, np.nan)  # one actor, one source throughout: breadth says nothing
    elif has_mentions:
        # Where the source recorded nothing, breadth is as unknown as attention (events aside).
        c_breadth = np.where(~known & (s["events"].to_numpy() == 0) & (volume == 0), np.nan, c_breadth)

    index = combine({"attention": c_att, "tone": c_tone, "severity": c_sev, "breadth": c_breadth}, params)
    may_enter, confirm = gate(att, known, params) if has_mentions else (None, None)
    stages = classify_stages(index, params, may_enter, confirm)
    direction = classify_direction(index, params)

    # One constructor call: assigning thirty columns one by one costs more than the model.
    out = pd.DataFrame({
        "date": s["date"],
        "volume": s["volume"].astype("int64"),
        "total": total.astype("int64"),
        "baseline": base,
        "baseline_spread": spread,
        "attention_ratio": np.where(np.isnan(base) | (not has_mentions), np.nan, surprise),
        "reference": np.where(known, att.reference, np.nan),
        "expected": np.where(known, att.expected, np.nan),
        "attention_level": np.where(known, att.ratio, np.nan),
        "attention_z": np.where(known, att.z, np.nan),
        "attention_known": known,
        "attention_note": notes,
        "reference_frozen": att.frozen & known,
        "episode_start": _dates_at(s["date"], np.where(known, att.episode_start, -1)),
        "tone": tone,
        "negative_share": neg,
        "tone_reference": tone_ref,
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
        "direction": direction,
        "phase": phases(stages, att.episode_start, params),
        "severity_from": _dates_at(s["date"], sev_src),
        "alerts": "",
        "change_point": "",
    })
    return out[SCORED_COLUMNS]


def gate(att, known: np.ndarray, params: ModelParams) -> tuple[np.ndarray, np.ndarray]:
    """(may_enter, confirm) for classify_stages. A bucket may enter a higher stage where
    attention is known and clearly up (ratio and z), or unknown, or the stream is so sparse
    that its silence says nothing; where attention is known in a stream that is not sparse,
    the entry must be confirmed by the bucket before (see classify_stages)."""
    with np.errstate(invalid="ignore"):
        up = (att.ratio >= params.attention_gate) & (att.z >= params.gate_z)
        sparse = att.expected < params.gate_min_expected
    # The first buckets of a stream, before it has a reference, are no evidence of a surge:
    # held back, as in v1. Other unknowns (a gap, after the last mention) are not held.
    starting = np.array([w == NO_HISTORY for w in att.why_unknown], dtype=bool)
    return (~known & ~starting) | up | sparse, known & ~sparse


def phases(stages: np.ndarray, episode_start: np.ndarray, params: ModelParams) -> list[str]:
    """Fink's phase per bucket: prodromal (simmering on the way up), acute (boiling or crisis),
    chronic (boiling or crisis in an attention episode older than freeze_buckets: the level
    has become the new normal), resolution (on the way down from boiling or worse), quiet."""
    out = []
    peak = 0
    for i, level in enumerate(np.asarray(stages).tolist()):
        if level == 0:
            peak = 0
            out.append("quiet")
            continue
        if level >= 2:
            start = int(episode_start[i])
            out.append("chronic" if start >= 0 and i - start >= params.freeze_buckets else "acute")
        else:
            out.append("resolution" if peak >= 2 else "prodromal")
        peak = max(peak, level) if level >= 2 else peak
    return out


def peak_position(index) -> int:
    """Where the index is highest (the first, on a tie); buckets without an index (NaN:
    nothing known) are never the peak; 0 when no bucket has one."""
    values = np.asarray(index, dtype=float)
    return 0 if np.isnan(values).all() else int(np.nanargmax(values))


def _dates_at(dates: pd.Series, positions: np.ndarray) -> list:
    """dates[positions], NaT where a position is -1 (a list: pandas infers the type as before)."""
    values = dates.tolist()
    return [values[j] if j >= 0 else pd.NaT for j in positions.tolist()]


def with_params(params: ModelParams, **changes) -> ModelParams:
    return replace(params, **changes).validated()
