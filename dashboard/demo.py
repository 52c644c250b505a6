"""The bundled demo datasets, and the code that makes their derived files.

- tiktok-2020: real events (data/tiktok-2020/events.csv, written by hand from public
  reporting) and SIMULATED daily mentions made from them by `simulate_mentions`.
- covid-2020: REAL daily COVID-19 mention counts per country (GDELT), converted from the
  wide file in ../shared/data/external by `melt_wide_counts`.

Run `python -m dashboard.demo` (or `make demo-data`) to regenerate both derived files.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.loading.formats.wide import melt_wide_counts

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED_EXTERNAL = REPO.parent / "shared" / "data" / "external"
COVID_SOURCE = SHARED_EXTERNAL / "gdelt-twitter-covid-country-mentions-2020" / "gdelt.csv"


@dataclass(frozen=True)
class DemoDataset:
    key: str
    label: str
    events: Path | None
    mentions: Path | None
    simulated: str  # what is simulated, shown wherever the data are; "" when nothing is
    attribution: str


DATASETS: dict[str, DemoDataset] = {
    "tiktok-2020": DemoDataset(
        key="tiktok-2020",
        label="TikTok ban scare, 2020",
        events=DATA / "tiktok-2020" / "events.csv",
        mentions=DATA / "tiktok-2020" / "mentions.csv",
        simulated=(
            "Events are real (public reporting, headlines paraphrased). "
            "Mentions — attention and tone — are SIMULATED from the event timeline."
        ),
        attribution="Events compiled by the Boiling Point project from public reporting, 2020.",
    ),
    "covid-2020": DemoDataset(
        key="covid-2020",
        label="COVID-19 attention by country, 2020–21 (GDELT)",
        events=None,
        mentions=DATA / "covid-2020" / "mentions.csv",
        simulated="",
        attribution=(
            "Real daily counts: GDELT via InnocensiaO/GDELT_TwitterCOVID19project (MIT licence)."
        ),
    ),
}
DEFAULT_DATASET = "tiktok-2020"

# --- simulated mentions ------------------------------------------------------------------

# How strongly each actor draws coverage when it acts or is acted upon (1 = ordinary).
PROMINENCE = {
    "Donald Trump": 3.0,
    "TikTok": 2.5,
    "ByteDance": 1.6,
    "Mike Pompeo": 1.6,
    "Amazon": 1.5,
    "Microsoft": 1.5,
    "Oracle": 1.3,
    "Walmart": 1.2,
    "US Commerce Department": 1.2,
    "India": 1.2,
    "China": 1.2,
}
BASELINE_PER_DAY = 40.0  # quiet-day mentions of a prominence-1 actor
HALF_LIFE_DAYS = 2.5  # how fast the attention an event brings fades
TARGET_SHARE = 0.6  # share of an event's attention that also lands on its target
SNOWBALL_EVENTS = 8  # events in 30 days at which a story has its full momentum


def simulate_mentions(
    events: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    seed: int = 2020,
) -> pd.DataFrame:
    """Daily mention counts and mean tone per actor, simulated from an event timeline.

    For each actor, expected mentions on day d are a quiet baseline plus, for every event
    the actor took part in (as actor, or as target at TARGET_SHARE), an impulse that starts
    on the event's day and halves every HALF_LIFE_DAYS. The impulse grows with the event's
    conflict and with the story's momentum (Downs: coverage snowballs as events pile up):
    30 * (1 + |severity|)^1.6 * prominence * salience, where salience = 0.25 + 0.75 *
    min(1, events of the story in the previous 30 days / SNOWBALL_EVENTS). Counts are
    Poisson draws around that expectation. Tone starts near -0.05 and is pulled toward the
    severity of the events in the impulse (severity / 20, weighted by each impulse's share
    of the day's attention), plus Gaussian noise (sd 0.04), clipped to -1..+1.
    Same events and seed, same output.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    n = len(days)
    ev = events.copy()
    ev["day"] = pd.to_datetime(ev["date"]).dt.normalize()
    ev["severity"] = pd.to_numeric(ev["severity"], errors="raise").fillna(0.0)
    actors = sorted(set(ev["actor"]) | set(ev["target"].dropna()))
    prior = np.array(
        [((ev["day"] < d) & (ev["day"] >= d - pd.Timedelta(days=30))).sum() for d in ev["day"]]
    )
    ev["salience"] = 0.1 + 0.9 * np.minimum(1.0, prior / SNOWBALL_EVENTS)
    rows = []
    offsets = np.arange(n, dtype=float)
    for actor in actors:
        prominence = PROMINENCE.get(actor, 1.0)
        expected = np.full(n, BASELINE_PER_DAY * prominence)
        pull = np.zeros(n)  # attention-weighted sum of severity/10
        involved = ev[(ev["actor"] == actor) | (ev["target"] == actor)]
        for _, e in involved.iterrows():
            k = int((e["day"] - days[0]).days)
            if k >= n:
                continue
            share = 1.0 if e["actor"] == actor else TARGET_SHARE
            size = 30.0 * (1.0 + abs(e["severity"])) ** 1.6 * prominence * share * e["salience"]
            since = offsets - k
            impulse = np.where(since >= 0, size * 0.5 ** (since / HALF_LIFE_DAYS), 0.0)
            expected += impulse
            pull += impulse * (e["severity"] / 20.0)
        counts = rng.poisson(expected)
        tone = -0.05 + pull / expected + rng.normal(0.0, 0.04, n)
        tone = np.clip(tone, -1.0, 1.0)
        for day, c, t in zip(days, counts, tone):
            if c > 0:
                rows.append((day.date().isoformat(), actor, int(c), round(float(t), 4)))
    out = pd.DataFrame(rows, columns=["date", "actor", "count", "tone"])
    out["source"] = "simulated"
    return out.sort_values(["date", "actor"], kind="stable").reset_index(drop=True)


# --- wide tables of counts -----------------------------------------------------------------
# melt_wide_counts lives with the loader (dashboard/loading/formats/wide.py), which melts any
# wide table given with --wide; the COVID demo uses the same function.

# --- regeneration --------------------------------------------------------------------------


def build_tiktok(seed: int = 2020) -> Path:
    from dashboard.loading import load_path

    tiktok = DATASETS["tiktok-2020"]
    assert tiktok.events is not None and tiktok.mentions is not None  # the demo's own files, not input
    loaded = load_path(tiktok.events, "events")
    if not loaded.report.usable or loaded.report.rejected:
        raise ValueError("the demo events do not load cleanly:\n" + "\n".join(loaded.report.lines()))
    events = loaded.frame()
    mentions = simulate_mentions(events, dt.date(2020, 6, 1), dt.date(2020, 11, 20), seed=seed)
    path = tiktok.mentions
    mentions.to_csv(path, index=False, lineterminator="\n")
    return path


def build_covid(source: Path = COVID_SOURCE) -> tuple[Path, dict[str, int]]:
    wide = pd.read_csv(source, dtype=str, keep_default_na=False)
    long, tally = melt_wide_counts(
        wide, "Date", exclude=("Grand Total",), source="GDELT (InnocensiaO/GDELT_TwitterCOVID19project)"
    )
    path = DATASETS["covid-2020"].mentions
    assert path is not None  # the demo's own file, not input
    path.parent.mkdir(parents=True, exist_ok=True)
    long.to_csv(path, index=False, lineterminator="\n")
    return path, tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the derived demo data files.")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    print(f"wrote {build_tiktok(args.seed)}")
    if COVID_SOURCE.exists():
        path, tally = build_covid()
        print(f"wrote {path}: {tally}")
    else:
        print(f"skipped covid-2020: {COVID_SOURCE} is not there")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
