"""Case 4: null models — streams with no story in them must stay a slow boil.

- Seasonal noise (synthetic.seasonal_noise): two years of a weekday/weekend rhythm (weekends
  at 60 %) and day-to-day noise around a constant mean of 5, 50 and 500 mentions a day, three
  seeds each; counts only with mild (CV 22 %) or bursty (CV 45 %) noise, and bursty with tone.
- Shuffled days of a real series: COVID-19 attention to Italy on GDELT with its 445 days put
  in random order (five seeds) — the same counts, no story.

Measured: entries into simmering (or higher) per 90 days, pooled over the series of a family
(target ≤ 0.5), and the series that ever reach boiling (target: none).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.validity import api, synthetic
from benchmarks.validity.metrics import BOILING, SIMMERING, entries
from benchmarks.validity.results import CaseResult, Detail, Measure, Target

TITLE = "4. Null models: noise and shuffled days (synthetic, seeded)"
NEEDS_EXTERNAL = False
DAYS = 730
MEANS = (5, 50, 500)
SEEDS = (1, 2, 3)
SHUFFLE_SEEDS = (1, 2, 3, 4, 5)
FAMILIES = {
    "mild": ("counts only, mild noise (CV 22 %)", synthetic.MILD, False),
    "bursty": ("counts only, bursty noise (CV 45 %)", synthetic.BURSTY, False),
    "bursty_toned": ("with tone, bursty noise (CV 45 %)", synthetic.BURSTY, True),
}
COVID = "gdelt-twitter-covid-country-mentions-2020/gdelt.csv"
SHUFFLED_ACTOR = "Italy"


def run(external: Path) -> CaseResult:
    result = CaseResult("noise", TITLE)
    rows = []
    for family, (label, dispersion, toned) in FAMILIES.items():
        series = []
        for mean in MEANS:
            for seed in SEEDS:
                frame = synthetic.seasonal_noise(DAYS, mean, seed, dispersion=dispersion, toned=toned)
                series.append((f"mean {mean}", seed, api.analyse_tables(None, frame)["level"]))
        rows += _rows(label, series)
        result.measures += _measures(f"noise.{family}", f"seasonal noise, {label}", series)
    if (external / COVID).is_file():
        counts = _daily(external / COVID, SHUFFLED_ACTOR)
        series = [("shuffled", seed, api.analyse_tables(None, synthetic.shuffled(counts, seed, SHUFFLED_ACTOR))["level"])
                  for seed in SHUFFLE_SEEDS]
        rows += _rows(f"{SHUFFLED_ACTOR}, GDELT, days shuffled", series)
        result.measures += _measures("noise.shuffled", f"{SHUFFLED_ACTOR} on GDELT, {len(counts)} days shuffled", series)
        result.notes.append(f"Shuffled series: ../shared/data/external/{COVID} (InnocensiaO/GDELT_TwitterCOVID19project, MIT).")
    else:
        result.notes.append(f"Shuffled series not measured: ../shared/data/external/{COVID} is missing.")
    result.details.append(Detail(
        "noise.series", "Every null series", ["family", "level", "seed", "days", "entries into simmering", "highest stage"],
        rows, key_columns=3,
    ))
    return result


def _rows(label: str, series) -> list[list]:
    return [[label, level, seed, len(levels), entries(levels, SIMMERING), api.stage_name(int(levels.max()))]
            for level, seed, levels in series]


def _measures(key: str, label: str, series) -> list[Measure]:
    total_entries = sum(entries(levels, SIMMERING) for _, _, levels in series)
    total_days = sum(len(levels) for _, _, levels in series)
    rate = total_entries * 90.0 / total_days
    boiled = sum(int(levels.max() >= BOILING) for _, _, levels in series)
    return [
        Measure(f"{key}.entries_per_90_days", TITLE, f"{label}: entries into simmering per 90 days",
                rate, f"{rate:.2f} ({total_entries} in {total_days:,} days)", Target("<=", 0.5, "≤ 0.5")),
        Measure(f"{key}.boiling", TITLE, f"{label}: series that reach boiling", boiled,
                f"{boiled} of {len(series)}", Target("<=", 0, "none")),
    ]


def _daily(path: Path, actor: str) -> pd.Series:
    """One country's daily counts from a wide file, every day of the file (0 where none)."""
    frame, _, _ = api.load(path, "mentions", wide=True)
    frame["date"] = pd.to_datetime(frame["date"], utc=True).dt.tz_convert(None).dt.normalize()
    days = pd.date_range(frame["date"].min(), frame["date"].max(), freq="D")
    mine = frame[frame["actor"] == actor].groupby("date")["count"].sum()
    return mine.reindex(days, fill_value=0)
