"""Attention, model v2: a bucket's mentions against what the source gives on an ordinary day.

What v1 got wrong on real data, and what this module does instead (docs/model.md has the
formula and a worked example):

- **Level, not surprise.** The reference is a long memory (the median of the last
  `reference_buckets` ordinary buckets), and it *freezes* while a story is elevated: buckets
  significantly above it do not enter it for up to `freeze_buckets` buckets, so a sustained
  crisis stays one. After that the elevated level becomes the new normal (Fink's chronic
  stage). The 14-bucket surprise rule stays, for spike alerts (dashboard.model.signals).
- **Counts are counts.** How far a count is above its expectation is judged on the count's
  own noise: Poisson where the history is steady, negative binomial (var = mu + phi*mu^2,
  phi estimated from the history's robust spread) where it is bursty. 1 -> 4 mentions in a
  bursty stream is noise; 0 -> 3 headlines in a stream that is almost always silent is not.
- **No data is not no attention.** Before the source's first mention, after its last, in a
  collection gap (a bucket in which the whole source recorded nothing where that is
  implausible) and for `min_history` buckets after an abrupt, lasting change of the
  source's total volume, attention is *unknown*, says why, and is left out of the index.
- **Total coverage.** `total` is the source's mentions over every actor (the sum over a
  file's actors). In `share` mode the expectation is the reference share times the bucket's
  total, so a source that collects three times as much moves nothing; in `raw` mode the
  expectation is the reference count times the weekday's factor, and a collection step
  restarts the reference instead.
- **The weekday rhythm** (day buckets, raw mode): each weekday's factor is the median of its
  buckets over the median of all, from the selection's known buckets.

Everything is numpy over at most a few thousand buckets; one pass, no lookahead except in
the coverage-step test (a step is confirmed by the `step_window` buckets after it; until
three buckets of a new level exist, the buckets from the jump are unknown, `pending_step`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betainc, gammainc, ndtri

BEFORE_FIRST = "before the source's first mention"
AFTER_LAST = "after the source's last mention"
GAP = "a collection gap: the source recorded no mention at all in this bucket"
NO_HISTORY = "too little history for a reference yet"
MIN_STEP_LEVEL = 10.0  # a source must carry this many mentions a bucket for a step to be told from noise


@dataclass(frozen=True)
class Attention:
    """Per bucket: whether attention is known (and why not), the expectation and the scores."""

    known: np.ndarray  # bool
    why_unknown: list[str]  # "" where known
    reference: np.ndarray  # the long-memory level: mentions per ordinary bucket, or a share of the total
    expected: np.ndarray  # mentions expected in this bucket (reference x weekday, or share x total)
    ratio: np.ndarray  # (volume + k) / (expected + k)
    z: np.ndarray  # (volume - expected) / sd, the count's noise (Poisson or negative binomial)
    component: np.ndarray  # 0..1, NaN where unknown
    frozen: np.ndarray  # bool: the reference is held at its level before the episode
    episode_start: np.ndarray  # int: first bucket of the elevated episode, -1 outside one
    weekday: np.ndarray  # the weekday factor applied (1.0 where none)
    steps: list[tuple[int, float]]  # (bucket, factor) of each coverage step found


def short_median(values) -> float:
    """np.median of a short sequence, the same value (the middle one, or the mean of the two
    middle ones, (a + b) / 2 as numpy computes it; NaN when any is NaN), without numpy's
    per-call cost: the scoring loops take thousands of medians of a few dozen buckets each."""
    ordered = sorted(values.tolist() if isinstance(values, np.ndarray) else values)
    n = len(ordered)
    # A sum is NaN when a value is (or +inf meets -inf): only then look at each value.
    if n == 0 or (math.isnan(sum(ordered)) and any(x != x for x in ordered)):
        return math.nan
    m = n // 2
    return float(ordered[m]) if n % 2 else (ordered[m - 1] + ordered[m]) / 2


class SortedWindow:
    """The last `size` values pushed, in order and sorted, for a median on every bucket
    without sorting the window again: short_median's value, bit for bit.

    New values go in after their equals (insort) and the oldest leaves from the left of its
    equals (bisect_left), so the sorted list is always sorted(window) with Python's stable
    sort, -0.0 and 0.0 where they were. NaNs are only counted: a median over one is NaN."""

    __slots__ = ("nans", "order", "size", "sorted")

    def __init__(self, size: int) -> None:
        self.size = size
        self.order: deque[float] = deque()
        self.sorted: list[float] = []
        self.nans = 0

    def __len__(self) -> int:
        return len(self.order)

    def push(self, value: float) -> None:
        x = float(value)
        self.order.append(x)
        if x != x:
            self.nans += 1
        else:
            insort(self.sorted, x)
        if len(self.order) > self.size:
            old = self.order.popleft()
            if old != old:
                self.nans -= 1
            else:
                del self.sorted[bisect_left(self.sorted, old)]

    def median(self) -> float:
        """short_median(window): NaN when empty or when a value is NaN."""
        n = len(self.order)
        if n == 0 or self.nans:
            return math.nan
        s, m = self.sorted, n // 2
        return s[m] if n % 2 else (s[m - 1] + s[m]) / 2

    def deviation_median(self, level: float) -> float:
        """short_median(abs(window - level)), the median absolute deviation's median."""
        if self.nans or level != level:
            return math.nan
        # From the sorted window the deviations fall then rise: sorted() merges two runs.
        return short_median([abs(x - level) for x in self.sorted])


def window_medians(values: np.ndarray, window: int) -> list[float]:
    """out[j] = short_median(values[max(0, j - window):j]) for j in 0..n (n + 1 values)."""
    w = SortedWindow(window)
    out = [math.nan]
    for x in np.asarray(values, dtype=float).tolist():
        w.push(x)
        out.append(w.median())
    return out


def coverage_steps(total: np.ndarray, window: int, ratio: float) -> list[tuple[int, float]]:
    """Abrupt, lasting changes of a source's total volume: (bucket, factor) pairs.

    A step at t: the median of the `window` buckets from t is at least `ratio` times (or at
    most 1/ratio of) the median of the `window` buckets before; the bucket itself is already
    at least half (at most twice) the new level, the bucket before still within sqrt(ratio)
    of the old one; the new level flat (the last buckets of the window within 1.5x of the
    first three); and the old level is at least MIN_STEP_LEVEL. A story grows over days and
    keeps moving; a collection change happens from one bucket to the next and stays.
    """
    t_all = np.asarray(total, dtype=float)
    n = len(t_all)
    out: list[tuple[int, float]] = []
    # The medians of the windows before and after each bucket (and after its first three),
    # each kept sorted as it slides: short_median's values without a sort per bucket.
    # ahead[k][j] is the median of t_all[n - j : n - j + k], read from the reversed series.
    behind = window_medians(t_all, window)
    ahead = {k: window_medians(t_all[::-1], k) for k in {window, max(1, window - 3)}}
    t = 3
    while t < n - 2:
        post = t_all[t:t + window]
        before = behind[t]
        if before >= MIN_STEP_LEVEL and len(post) >= 3:
            after = ahead[window][n - t]
            now, prev = t_all[t] / before, t_all[t - 1] / before
            jump = math.sqrt(ratio)
            # At once (the bucket already at half the new level), from a level that had not
            # moved (the bucket before within sqrt(ratio) of the old one): a story that grows
            # over days fails the first, one already rising fails the second.
            up = after >= ratio * before and now * before >= after / 2 and prev < jump
            down = (after <= before / ratio and now * before <= 2 * after and prev > 1 / jump
                    and post.min() > 0)  # a fall to nothing is a gap, not a step
            # And flat afterwards: a collection change stays at its new level, a story that lifts
            # the whole source keeps moving (the demo's 31 July 2020 doubles again within the week).
            early = float(short_median(post[:3]))
            late = ahead[window - 3][n - t - 3] if len(post) > 3 else after
            flat = early > 0 and 1 / 1.5 <= late / early <= 1.5
            if (up or down) and flat:
                out.append((t, after / before))
                t += window
                continue
        t += 1
    return out


def pending_step(total: np.ndarray, window: int, ratio: float) -> tuple[int, float] | None:
    """A jump of the total in the last two buckets that coverage_steps cannot judge yet (it
    needs three buckets of the new level to see that it stays flat): (bucket, factor), or None.

    The same tests as coverage_steps on the buckets there are, without the flatness one. This
    is what keeps the newest bucket honest when the data end at a collection change: scored
    as live (a monitor, the latest day on the page), a source that starts collecting three
    times as much looks like a surge of every actor until the step can be told from a story."""
    t_all = np.asarray(total, dtype=float)
    n = len(t_all)
    for t in range(max(3, n - 2), n):
        before = float(short_median(t_all[max(0, t - window):t]))
        if before < MIN_STEP_LEVEL:
            continue
        post = t_all[t:]
        after = float(short_median(post))
        now, prev = t_all[t] / before, t_all[t - 1] / before
        jump = math.sqrt(ratio)
        up = after >= ratio * before and now * before >= after / 2 and prev < jump
        down = after <= before / ratio and now * before <= 2 * after and prev > 1 / jump and post.min() > 0
        if up or down:
            return t, after / before
    return None


WEEKDAY_WEEKS = 8  # weekday factors from the last 8 of each weekday
DISPERSION_BUCKETS = 90  # the stream's noise from its last 90 buckets
LAG = 4  # a centred 7-bucket level is final 4 buckets later: estimates use buckets up to i - 4
PRIOR_PHI, PRIOR_BUCKETS = 0.1, 14.0


def weekday_factors(values: np.ndarray, dates: pd.Series, known: np.ndarray) -> np.ndarray:
    """Each bucket's weekday factor, by the ratio-to-moving-average method, from its past only:
    every known bucket over the centred 7-bucket mean around it, and per weekday the median of
    the last WEEKDAY_WEEKS such ratios that were final before this bucket (LAG), normalised to
    average 1 over the week and shrunk toward 1 by 4 weeks' weight. A level change or a surge
    moves the moving average with it, so it does not read as a weekday; and a bucket's factor
    does not depend on what comes after it, so zooming in or out leaves it alone. 1.0 until
    there are four weeks behind a bucket."""
    n = len(values)
    out = np.ones(n)
    if n < 28 + LAG or known.sum() < 28:
        return out
    level = pd.Series(np.where(known, values, np.nan)).rolling(7, center=True, min_periods=7).mean().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(known & (level > 0), values / level, np.nan)
    dow = pd.DatetimeIndex(dates).day_of_week.to_numpy()
    # med[d][i]: the median of weekday d's last WEEKDAY_WEEKS ratios at or before bucket i.
    med = np.full((7, n), np.nan)
    cnt = np.zeros((7, n))
    for d in range(7):
        mine = pd.Series(np.where(dow == d, ratio, np.nan))
        rolled = mine.rolling(7 * WEEKDAY_WEEKS, min_periods=1).median().to_numpy()
        counted = mine.notna().astype(float).rolling(7 * WEEKDAY_WEEKS, min_periods=1).sum().to_numpy()
        med[d], cnt[d] = rolled, counted
    # Every bucket at once, each row what the bucket's own week gives: its weekdays' medians
    # over their mean (a row's mean is numpy's mean of those 7 values, the same sum in the same
    # order), shrunk, and the bucket's weekday clipped to [0.25, 4] as min(4, max(0.25, f)) does.
    at = np.arange(28 + LAG, n)
    f, w = np.ascontiguousarray(med[:, at - LAG].T), np.ascontiguousarray(cnt[:, at - LAG].T)
    ok = ~np.isnan(f).any(axis=1) & (w.min(axis=1) >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = f / f.mean(axis=1)[:, None]
        f = (w * f + 4.0) / (w + 4.0)
    mine = f[np.arange(len(at)), dow[at]]
    mine = np.where(mine > 0.25, mine, 0.25)
    out[at[ok]] = np.where(mine < 4.0, mine, 4.0)[ok]
    return out


def _share_steady(v: np.ndarray, total: np.ndarray, t: int, window: int, factor: float) -> bool:
    """Whether the selection's share of the total is within `factor` across bucket t."""
    before = v[max(0, t - window):t].sum() / max(1.0, total[max(0, t - window):t].sum())
    after = v[t:t + window].sum() / max(1.0, total[t:t + window].sum())
    if before == 0 or after == 0:
        return before == after
    return 1 / factor <= after / before <= factor


def upper_tail(count: float, mean: float, phi: float) -> float:
    """P(X >= count) for X negative binomial with this mean and var = mean + phi * mean^2
    (Poisson when phi is 0): the exact tail a count control chart reads, not a normal z."""
    if count <= 0:
        return 1.0
    if phi <= 1e-9:
        return float(gammainc(count, mean))  # Poisson: P(X >= k) = P(k, mean), regularised
    size = 1.0 / phi
    return float(betainc(count, size, mean / (size + mean)))  # I_{1-p}(k, n), p = n / (n + mean)


def count_z(count: float, mean: float, phi: float) -> float:
    """The count's surprise on the normal scale: the z whose upper tail is upper_tail's
    (0 at the mean or below, capped at 20)."""
    if count <= mean:
        return (count - mean) / math.sqrt(mean + phi * mean * mean) if mean > 0 else 0.0
    tail = upper_tail(count, mean, phi)
    return 20.0 if tail < 1e-16 else float(min(20.0, ndtri(1.0 - tail)))


def stream_dispersion(values: np.ndarray, known: np.ndarray, cap: float) -> np.ndarray:
    """Per bucket, the stream's day-to-day overdispersion (negative-binomial phi) around its
    local level, from its past only: each known bucket against the centred 7-bucket median
    around it, the robust spread (interquartile range / 1.349) of those relative deviations
    over the last DISPERSION_BUCKETS buckets that were final (LAG), less the Poisson part.
    Level changes and a story's rise move the local median with them, so what is left is the
    noise of an ordinary bucket. NaN until 5 such deviations are behind a bucket."""
    n = len(values)
    out = np.full(n, np.nan)
    if n <= LAG:
        return out
    local = pd.Series(np.where(known, values, np.nan)).rolling(7, center=True, min_periods=5).median().to_numpy()
    ok = known & (local > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = pd.Series(np.where(ok, (values - local) / local, np.nan))
        lvl = pd.Series(np.where(ok, local, np.nan))
    roll = rel.rolling(DISPERSION_BUCKETS, min_periods=5)
    # The middle (the interquartile range) and the upper tail (the 90th percentile): a stream
    # whose ordinary days include some at two or three times the level is as noisy as its tail.
    spread = np.fmax(((roll.quantile(0.75) - roll.quantile(0.25)) / 1.349).to_numpy(),
                     (roll.quantile(0.9) / 1.2816).to_numpy())
    typical = lvl.rolling(DISPERSION_BUCKETS, min_periods=5).median().to_numpy()
    seen = rel.notna().astype(float).rolling(DISPERSION_BUCKETS, min_periods=1).sum().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.clip(spread ** 2 - 1.0 / typical, 0.0, cap)
    # Shrunk toward a prior of news-like noise (PRIOR_PHI, a coefficient of variation of about
    # 30 %) that weighs as much as PRIOR_BUCKETS deviations: a stream's first weeks say little.
    phi = (seen * raw + PRIOR_BUCKETS * PRIOR_PHI) / (seen + PRIOR_BUCKETS)
    out[LAG:] = phi[:-LAG]
    return out


def known_span(total: np.ndarray) -> tuple[int, int]:
    """First and last bucket in which the source recorded any mention (-1, -1 if none)."""
    busy = np.flatnonzero(np.asarray(total) > 0)
    return (int(busy[0]), int(busy[-1])) if len(busy) else (-1, -1)


def measure_attention(volume: np.ndarray, total: np.ndarray, dates: pd.Series, params, *, share: bool,
                      day_buckets: bool) -> Attention:
    """Score attention bucket by bucket (see the module docstring). `params` is a ModelParams."""
    v = np.asarray(volume, dtype=float)
    tot = np.maximum(np.asarray(total, dtype=float), v)
    n = len(v)
    known = np.zeros(n, dtype=bool)
    why = [""] * n
    first, last = known_span(tot)
    for i in range(n):
        if first < 0 or i < first:
            why[i] = BEFORE_FIRST
        elif i > last:
            why[i] = AFTER_LAST
        else:
            known[i] = True
    # A step in the total is a collection change only when the total holds more than the
    # selection and the selection's share of it did not move with it; when the selection is
    # the whole source, a step in the total is the story itself and cannot be told apart.
    steps = [] if share or np.array_equal(tot, v) else [
        (t, f) for t, f in coverage_steps(tot, params.step_window, params.step_ratio)
        if _share_steady(v, tot, t, params.step_window, params.step_ratio)
    ]
    step_at = {t: f for t, f in steps}
    pending = None if share or np.array_equal(tot, v) else pending_step(tot, params.step_window, params.step_ratio)
    if pending is not None and _share_steady(v, tot, pending[0], params.step_window, params.step_ratio):
        for i in range(pending[0], n):
            if known[i]:
                known[i] = False
                why[i] = (f"the source's total coverage jumped {pending[1]:.1f}× on {_day(dates, pending[0])}: "
                          f"a collection change or a story, told apart after three buckets of the new level")
    weekday = weekday_factors(v, dates, known) if (day_buckets and not share) else np.ones(n)

    stream_phi = np.full(n, np.nan) if share else stream_dispersion(v / weekday, known, 1.0)
    reference = np.full(n, np.nan)
    expected = np.full(n, np.nan)
    ratio = np.full(n, np.nan)
    z = np.full(n, np.nan)
    comp = np.full(n, np.nan)
    frozen = np.zeros(n, dtype=bool)
    episode = np.full(n, -1, dtype=int)
    hist: list[float] = []  # accepted values: mentions / weekday factor, or share of the total
    window = SortedWindow(params.reference_buckets)  # the last reference_buckets of hist, kept sorted
    totals: list[float] = []  # the source's accepted totals, to tell a gap from a quiet bucket
    step_note = ""
    since_step = params.min_history
    start, quiet, last_elevated = -1, 0, -2
    k = params.smoothing
    log_full = math.log2(params.attention_full_ratio)
    z_lo, z_hi = params.attention_z_low, params.attention_z_full
    for i in range(n):
        if not known[i]:
            continue
        recent_totals = totals[-params.reference_buckets:]
        if tot[i] == 0 and recent_totals and float(short_median(recent_totals)) >= params.gap_min_total:
            known[i] = False
            why[i] = GAP
            continue
        if i in step_at:
            hist, totals = [], []
            window = SortedWindow(params.reference_buckets)
            step_note = (f"the source's total coverage changed {step_at[i]:.1f}× from {_day(dates, i)}: "
                         f"a new reference is being built")
            since_step = 0
        y = (v[i] / tot[i] if tot[i] > 0 else 0.0) if share else v[i] / weekday[i]
        if len(window) < params.min_history:
            known[i] = False
            why[i] = step_note if since_step < params.min_history and step_note else NO_HISTORY
            hist.append(y)
            window.push(y)
            totals.append(tot[i])
            since_step += 1
            continue
        since_step += 1
        h = np.asarray(hist[-params.reference_buckets:])
        level = window.median()
        spread = 1.4826 * window.deviation_median(level)
        scale = tot[i] if share else weekday[i]
        e = level * scale
        sd_hist = spread * scale
        # Overdispersion from the reference buckets' robust spread (a stray day does not make
        # a whole stream look bursty); the negative-binomial tail then reads skewed counts.
        phi = float(stream_phi[i]) if not math.isnan(stream_phi[i]) else (
            min(params.max_dispersion, max(0.0, (sd_hist ** 2 - e) / (e * e))) if e > 0 else 0.0)
        # The tail is the negative binomial's with the reference buckets' mean when it is above
        # their median (skewed counts; a sparse stream whose median is 0), so one loud bucket
        # that entered the reference makes the next ones less sure, not more.
        mean_level = float(np.add.reduce(h)) / len(h) * scale  # np.mean(h), without its per-call cost
        zi = count_z(v[i], max(e, mean_level, params.rate_floor), phi)
        ri = (v[i] + k) / (e + k)
        strength = min(1.0, max(0.0, math.log2(ri) / log_full)) if ri > 0 else 0.0
        # A reference of a few buckets is itself uncertain: surety grows with it to full at warmup_buckets.
        surety = min(1.0, max(0.0, (zi - z_lo) / (z_hi - z_lo))) * min(1.0, len(h) / params.warmup_buckets)
        reference[i], expected[i], ratio[i], z[i], comp[i] = level, e, ri, zi, strength * surety
        elevated = zi >= params.freeze_z and ri >= params.attention_gate
        if elevated and start < 0 and last_elevated == i - 1:
            start = i - 1  # two elevated buckets in a row open an episode; one is noise
        if elevated:
            last_elevated = i
            quiet = 0
        elif start >= 0:
            quiet += 1
            if quiet >= params.episode_end_buckets:
                start, quiet = -1, 0
        episode[i] = start
        frozen[i] = start >= 0 and (i - start) < params.freeze_buckets
        if not (frozen[i] and elevated):
            hist.append(y)
            window.push(y)
            totals.append(tot[i])
    return Attention(known, why, reference, expected, ratio, z, comp, frozen, episode, weekday, steps)


def _day(dates: pd.Series, i: int) -> str:
    t = pd.Timestamp(dates.iloc[i])
    return t.strftime("%d %b %Y %H:%M") if (t.hour or t.minute) else t.strftime("%d %b %Y")
