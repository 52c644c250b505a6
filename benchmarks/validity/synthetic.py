"""Seeded generators of mentions and events with a known truth (cases 4 and 5).

Everything here is numpy and pandas only, and every function takes its seed: the same
arguments give the same rows. Mentions come as canonical rows (date, actor, tone, count,
source): each day is split into a negative, a neutral and a positive row (tones -0.5, 0,
+0.5) whose shares give the day's mean tone, so that the model sees a mean tone *and* a
share of negative mentions that fluctuate as real counts do.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

START = dt.date(2022, 1, 3)  # a Monday
TONES = (-0.5, 0.0, 0.5)
WEEKEND_FACTOR = 0.6  # Saturdays and Sundays get 60 % of a weekday's mentions
# Gamma shape of the day-to-day noise on the daily rate (before Poisson counting): the rate's
# coefficient of variation is 1/sqrt(shape). MILD (CV 22 %) is a steady stream; BURSTY
# (CV 45 %) is closer to news attention, where some days simply carry more stories.
MILD, BURSTY = 20.0, 5.0
DISPERSION = MILD


def days(n: int, start: dt.date = START) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(start), periods=n, freq="D")


def tone_shares(mean_tone: np.ndarray) -> np.ndarray:
    """Shares of negative, neutral and positive mentions (rows sum to 1) with the given mean
    tone (clipped to ±0.3), for tones of ±0.5: mean = 0.5 × (positive − negative). The
    smaller side keeps at least 2 %; a neutral tone is a quarter negative, a quarter positive."""
    m = np.clip(np.asarray(mean_tone, dtype=float), -0.3, 0.3)
    small = np.maximum(0.02, 0.25 - np.abs(m))
    neg = np.where(m >= 0, small, small - 2 * m)
    pos = neg + 2 * m
    return np.column_stack([neg, 1.0 - pos - neg, pos])


def daily_counts(mean: np.ndarray, dates: pd.DatetimeIndex, rng: np.random.Generator,
                 weekend: float = WEEKEND_FACTOR, dispersion: float = DISPERSION) -> np.ndarray:
    """Mentions per day: mean × weekday rhythm × gamma noise, drawn as Poisson counts."""
    rhythm = np.where(dates.day_of_week >= 5, weekend, 1.0)
    rate = np.asarray(mean, dtype=float) * rhythm * rng.gamma(dispersion, 1.0 / dispersion, len(dates))
    return rng.poisson(rate)


def mentions(dates: pd.DatetimeIndex, counts: np.ndarray, mean_tone, rng: np.random.Generator | None,
             actor: str = "A", source: str = "synthetic") -> pd.DataFrame:
    """Canonical mention rows: per day the counts split by tone (days with 0 mentions make no row).

    With a generator the split is drawn (multinomial); without one (rng=None) it is exact:
    each share rounded down, the neutral row taking the rest."""
    tone = np.broadcast_to(np.asarray(mean_tone, dtype=float), (len(dates),))
    shares = tone_shares(tone)
    counts = np.asarray(counts, dtype=int)
    if rng is None:
        split = np.floor(counts[:, None] * shares).astype(int)
        split[:, 1] = counts - split[:, 0] - split[:, 2]
    else:
        split = np.array([rng.multinomial(int(c), s) for c, s in zip(counts, shares)]).reshape(len(dates), 3)
    rows = [
        (d, actor, TONES[k], int(split[i, k]), source)
        for i, d in enumerate(dates) for k in range(3) if split[i, k] > 0
    ]
    frame = pd.DataFrame(rows, columns=["date", "actor", "tone", "count", "source"])
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    return frame


def counts_only(dates: pd.DatetimeIndex, counts: np.ndarray, actor: str = "A", source: str = "synthetic") -> pd.DataFrame:
    """Canonical mention rows without tone: one row per day with mentions (a volume-only feed)."""
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "actor": actor, "count": counts, "source": source})
    return frame[frame["count"] > 0].reset_index(drop=True)


def seasonal_noise(n_days: int, mean: float, seed: int, actor: str = "Noise", *,
                   dispersion: float = DISPERSION, toned: bool = True) -> pd.DataFrame:
    """A story-free stream: weekday rhythm and day-to-day noise around a constant mean;
    with `toned`, a mildly positive tone (+0.05) throughout, else counts only."""
    rng = np.random.default_rng(seed)
    d = days(n_days)
    counts = daily_counts(np.full(n_days, mean), d, rng, dispersion=dispersion)
    return mentions(d, counts, 0.05, rng, actor) if toned else counts_only(d, counts, actor)


def shuffled(counts: pd.Series, seed: int, actor: str) -> pd.DataFrame:
    """A real daily series with its days put in random order: the same counts, no story."""
    rng = np.random.default_rng(seed)
    values = counts.to_numpy().copy()
    rng.shuffle(values)
    frame = pd.DataFrame({"date": counts.index.strftime("%Y-%m-%d"), "actor": actor, "count": values})
    return frame[frame["count"] > 0].reset_index(drop=True)


def events(rows: list[tuple[pd.Timestamp, str, str, float]], actor: str) -> pd.DataFrame:
    """Canonical events from (date, event_type, headline, severity)."""
    frame = pd.DataFrame(rows, columns=["date", "event_type", "headline", "severity"])
    frame.insert(1, "actor", actor)
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%dT12:00:00Z")
    return frame


# --- the scenarios ------------------------------------------------------------------------

TRIGGER_DAY = 60  # the flat part of every scenario: 60 days, a baseline four times over


def sudden_trigger(seed: int, actor: str = "A", mean: float = 50.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """60 flat days, then a jump: six times the mentions for a week (three times after),
    tone souring to -0.3, and three conflictual events on days 0-2 of the jump."""
    rng = np.random.default_rng(seed)
    n = TRIGGER_DAY + 30
    d = days(n)
    level = np.full(n, mean)
    level[TRIGGER_DAY:TRIGGER_DAY + 7] = 6 * mean
    level[TRIGGER_DAY + 7:] = 3 * mean
    tone = np.where(np.arange(n) >= TRIGGER_DAY, -0.3, 0.05)
    m = mentions(d, daily_counts(level, d, rng), tone, rng, actor)
    t = d[TRIGGER_DAY]
    ev = events([
        (t, "action", f"{actor} acts against its rival", -7.0),
        (t + pd.Timedelta(days=1), "threat", f"{actor} threatens more", -6.0),
        (t + pd.Timedelta(days=2), "action", f"{actor} escalates", -8.0),
    ], actor)
    return ev, m


DRIFT_DAYS = 42


def slow_drift(seed: int | None, mean: float = 50.0) -> pd.DataFrame:
    """60 flat days, then six weeks in which tone sours linearly from +0.05 to -0.30 and
    attention creeps up by half (mean 50 -> 75), then four weeks at the end values.
    seed=None: the same story without noise (exact counts, weekday rhythm kept)."""
    n = TRIGGER_DAY + DRIFT_DAYS + 28
    d = days(n)
    ramp = np.clip((np.arange(n) - TRIGGER_DAY + 1) / DRIFT_DAYS, 0.0, 1.0)
    level = mean * (1.0 + 0.5 * ramp)
    tone = 0.05 + (-0.30 - 0.05) * ramp
    if seed is None:
        counts = np.rint(level * np.where(d.day_of_week >= 5, WEEKEND_FACTOR, 1.0)).astype(int)
        return mentions(d, counts, tone, None, "A")
    rng = np.random.default_rng(seed)
    return mentions(d, daily_counts(level, d, rng), tone, rng, "A")


def two_actors(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One file, two actors: A has the sudden trigger, B stays flat (its own seed stream)."""
    ev, a = sudden_trigger(seed, actor="A")
    rng = np.random.default_rng(10_000 + seed)
    d = days(TRIGGER_DAY + 30)
    b = mentions(d, daily_counts(np.full(len(d), 50.0), d, rng), 0.05, rng, "B")
    return ev, pd.concat([a, b], ignore_index=True)


GAP_DAYS = 14


def collection_gap(seed: int, mean: float = 50.0) -> pd.DataFrame:
    """120 days of a flat stream, with no rows at all for two weeks from day 60."""
    frame = seasonal_noise(120, mean, seed, actor="A")
    dates = pd.to_datetime(frame["date"])
    gap = (dates >= pd.Timestamp(days(120)[TRIGGER_DAY])) & (dates < pd.Timestamp(days(120)[TRIGGER_DAY + GAP_DAYS]))
    return frame[~gap].reset_index(drop=True)


STEP_ACTORS = ("A", "B", "C", "D", "E")


def coverage_step(seed: int, factor: float = 3.0) -> bytes:
    """A wide table (Date, A..E, Grand Total) of 120 days in which the source collects
    `factor` times as much from day 60 on: every actor's count and the total coverage."""
    rng = np.random.default_rng(seed)
    n = 120
    d = days(n)
    step = np.where(np.arange(n) >= TRIGGER_DAY, factor, 1.0)
    table = {"Date": d.strftime("%Y-%m-%d")}
    for actor, mean in zip(STEP_ACTORS, (50, 30, 80, 20, 120)):
        table[actor] = daily_counts(mean * step, d, rng)
    others = daily_counts(2000 * step, d, rng)  # everything else the source collected
    table["Grand Total"] = sum(table[a] for a in STEP_ACTORS) + others
    return pd.DataFrame(table).to_csv(index=False, lineterminator="\n").encode()
