"""Seeded synthetic mentions and events for the benchmarks: 100k, 1M or 10M mention rows.

About 500 actors with a Zipf-like skew (the busiest has ~15 % of the mentions, the median a
few hundredths of a percent), two years (2023-01-01 to 2024-12-31, UTC), and stories: a
quarter of the mentions fall in ~300 bursts around one actor, darker in tone, with the
events (threats, actions, retractions...) that go with them. One events row per 100
mentions. The same seed always gives the same files, byte for byte.

Two shapes of the same data:

- **sorted** (mentions-<size>.*): rows in time order, microsecond timestamps, Parquet written
  by pyarrow (zstd, dictionary-encoded strings, row groups of 1M rows);
- **real** (mentions-<size>-real.*), shaped as users' files are (a Spark or database export):
  rows in no order, timestamps at whole seconds (a tenth with milliseconds), strings *not*
  dictionary-encoded, snappy, row groups of 500k rows (at least 4 at every size), every 50th
  actor's name holding a comma and double quotes (`Actor 050, "Ltd"`), and 1 % of the
  mention rows repeated exactly (duplicates are valid mentions: each is loaded).

The CSV of each shape is written by DuckDB's COPY from its Parquet (dates as ISO 8601 with a
Z, the canonical format; the real shape quotes every text field, so quoted fields with
commas and escaped quotes inside are the norm, not the exception). Files land in
benchmarks/data/ (git-ignored).

    .venv/bin/python benchmarks/generate.py 100k 1M 10M            # both shapes
    .venv/bin/python benchmarks/generate.py 10M --shape real --out /tmp/bp-data
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20240229
N_ACTORS = 500
N_SOURCES = 200
START = dt.datetime(2023, 1, 1)
DAYS = 731  # 2023 and 2024 (a leap year)
BURST_SHARE = 0.25  # of mentions inside a story burst
N_BURSTS = 300
EVENTS_PER_MENTION = 0.01
EVENT_TYPES = np.array(["statement", "threat", "policy", "action", "retraction", "response", "other"])
EVENT_TYPE_P = np.array([0.34, 0.12, 0.12, 0.14, 0.02, 0.20, 0.06])
VERBS = ("warns", "threatens", "sanctions", "sues", "praises", "meets", "criticises", "backs", "bans", "answers")
SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
CHUNK = 1_000_000  # rows generated and written at a time: memory stays flat at any size
SHAPES = ("sorted", "real")
REAL_ROW_GROUP = 500_000  # rows per row group of the real shape (at most; at least 4 groups a file)
REAL_DUPLICATES = 0.01  # of the real shape's mention rows: exact repeats of another row
REAL_MILLIS = 0.10  # of the real shape's timestamps: with milliseconds (the rest whole seconds)


def parse_size(text: str) -> int:
    if text in SIZES:
        return SIZES[text]
    t = text.lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1], 1)
    return int(float(t.rstrip("km")) * mult)


def actor_names(shape: str = "sorted") -> list[str]:
    """Actor 001 ... Actor 500; in the real shape every 50th has a comma and quotes in it."""
    if shape == "real":
        return [f'Actor {i:03d}, "Ltd"' if i % 50 == 0 else f"Actor {i:03d}" for i in range(1, N_ACTORS + 1)]
    return [f"Actor {i:03d}" for i in range(1, N_ACTORS + 1)]


def zipf_p(n: int, s: float) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** s
    return p / p.sum()


ACTOR_P = zipf_p(N_ACTORS, 1.05)
SOURCE_P = zipf_p(N_SOURCES, 0.9)


def bursts(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The stories: which actor, centred on which day, how wide (days), how dark."""
    return {
        "actor": rng.choice(N_ACTORS, size=N_BURSTS, p=zipf_p(N_ACTORS, 0.8)),
        "centre": rng.uniform(20, DAYS - 5, size=N_BURSTS),
        "width": rng.gamma(2.0, 2.0, size=N_BURSTS) + 0.5,
        "darkness": rng.uniform(0.1, 0.5, size=N_BURSTS),
    }


def _seconds(days: np.ndarray) -> np.ndarray:
    return np.clip(days, 0, DAYS - 1e-6) * 86_400.0


def mention_chunk(rng: np.random.Generator, n: int, story: dict, actor_tone: np.ndarray, shape: str = "sorted") -> pa.Table:
    in_burst = rng.random(n) < BURST_SHARE
    actor = rng.choice(N_ACTORS, size=n, p=ACTOR_P)
    # Quiet coverage: uniform over the two years, busier on weekdays.
    day = rng.uniform(0, DAYS, size=n)
    weekend = ((np.floor(day).astype(int) + START.weekday()) % 7) >= 5
    day = np.where(weekend & (rng.random(n) < 0.35), rng.uniform(0, DAYS, size=n), day)
    darkness = np.zeros(n)
    k = int(in_burst.sum())
    if k:
        b = rng.integers(0, N_BURSTS, size=k)
        actor[in_burst] = story["actor"][b]
        # A story rises fast and fades slowly: an exponential tail after its centre.
        day[in_burst] = story["centre"][b] + rng.exponential(story["width"][b]) - rng.exponential(0.3, size=k)
        darkness[in_burst] = story["darkness"][b]
    tone = np.clip(actor_tone[actor] - darkness + rng.normal(0, 0.3, size=n), -1, 1).round(3)
    tone_mask = rng.random(n) < 0.03  # 3 % without a tone
    count = np.where(rng.random(n) < 0.9, 1, rng.geometric(0.08, size=n)).astype(np.int64)
    micros = (_seconds(day) * 1e6).astype(np.int64) + int(START.replace(tzinfo=dt.UTC).timestamp() * 1e6)
    source = rng.choice(N_SOURCES, size=n, p=SOURCE_P)
    names = pa.array(actor_names(shape))
    sources = pa.array([f"source-{i:03d}" for i in range(N_SOURCES)])
    unit = "us"
    if shape == "real":
        # Whole seconds, a tenth with milliseconds; and 1 % of the rows repeating another.
        millis = rng.random(n) < REAL_MILLIS
        micros = np.where(millis, micros // 1_000 * 1_000, micros // 1_000_000 * 1_000_000) // 1_000
        unit = "ms"
        dup = np.flatnonzero(rng.random(n) < REAL_DUPLICATES)
        of = rng.integers(0, n, size=len(dup))
        for arr in (actor, tone, tone_mask, count, micros, source):
            arr[dup] = arr[of]
    return pa.table({
        "date": pa.array(micros, type=pa.timestamp(unit, tz="UTC")),
        "actor": names.take(pa.array(actor)),
        "tone": pa.array(tone, mask=tone_mask),
        "count": pa.array(count),
        "source": sources.take(pa.array(source)),
    })


def event_table(rng: np.random.Generator, n: int, story: dict, shape: str = "sorted") -> pa.Table:
    in_burst = rng.random(n) < 0.5
    actor = rng.choice(N_ACTORS, size=n, p=ACTOR_P)
    target = rng.choice(N_ACTORS, size=n, p=ACTOR_P)
    day = rng.uniform(0, DAYS, size=n)
    k = int(in_burst.sum())
    if k:
        b = rng.integers(0, N_BURSTS, size=k)
        actor[in_burst] = story["actor"][b]
        day[in_burst] = story["centre"][b] + rng.normal(0, story["width"][b] / 2)
    target = np.where(target == actor, (target + 1) % N_ACTORS, target)
    etype = rng.choice(EVENT_TYPES, size=n, p=EVENT_TYPE_P)
    severity = np.clip(rng.normal(-2.0, 3.5, size=n) - np.where(in_burst, 2.5, 0.0), -10, 10).round(1)
    severity = np.where(etype == "retraction", np.abs(severity) / 2, severity)
    micros = (_seconds(day) * 1e6).astype(np.int64) + int(START.replace(tzinfo=dt.UTC).timestamp() * 1e6)
    order = np.argsort(micros, kind="stable")
    actor, target, etype, severity, micros = actor[order], target[order], etype[order], severity[order], micros[order]
    ids = np.array([f"ev{i:07d}" for i in range(n)], dtype=object)
    # A retraction takes back an earlier event by the same actor, when there is one close by.
    retracts = np.full(n, None, dtype=object)
    last_by_actor: dict[int, int] = {}
    for i in range(n):
        a = int(actor[i])
        if etype[i] == "retraction" and a in last_by_actor and micros[i] - micros[last_by_actor[a]] < 7 * 86_400e6:
            retracts[i] = ids[last_by_actor[a]]
        else:
            last_by_actor[a] = i
    if shape == "real":  # an export in no particular order
        shuffle = rng.permutation(n)
        actor, target, etype, severity, micros = (a[shuffle] for a in (actor, target, etype, severity, micros))
        ids, retracts = ids[shuffle], retracts[shuffle]
        micros = micros // 1_000_000 * 1_000_000 // 1_000  # whole seconds, as ms
    names = actor_names(shape)
    verbs = rng.integers(0, len(VERBS), size=n)
    headline = [f"{names[a]} {VERBS[v]} {names[t]}" for a, v, t in zip(actor, verbs, target)]
    source = rng.choice(N_SOURCES, size=n, p=SOURCE_P)
    return pa.table({
        "id": pa.array(ids, type=pa.string()),
        "date": pa.array(micros, type=pa.timestamp("ms" if shape == "real" else "us", tz="UTC")),
        "actor": pa.array([names[a] for a in actor]),
        "target": pa.array([names[t] for t in target]),
        "event_type": pa.array(etype),
        "severity": pa.array(severity),
        "headline": pa.array(headline),
        "source": pa.array([f"source-{i:03d}" for i in source]),
        "retracts": pa.array(retracts, type=pa.string()),
    })


def paths(label: str, data: Path = DATA, shape: str = "sorted") -> dict[str, Path]:
    suffix = "" if shape == "sorted" else f"-{shape}"
    return {
        f"{kind}_{fmt}": data / f"{kind}-{label}{suffix}.{fmt}"
        for kind in ("mentions", "events") for fmt in ("parquet", "csv")
    }


def real_row_group(n: int) -> int:
    """Several row groups at every size: 500k rows each, or a quarter of a small file."""
    return max(1_000, min(REAL_ROW_GROUP, -(-n // 4)))


def _write_parquet(table: pa.Table, path: Path, shape: str, row_group_size: int | None = None) -> None:
    if shape == "real":
        pq.write_table(table, path, row_group_size=real_row_group(table.num_rows), compression="snappy", use_dictionary=False)
    else:
        pq.write_table(table, path, row_group_size=row_group_size, compression="zstd")


def generate(label: str, n: int, data: Path = DATA, csv: bool = True, shape: str = "sorted") -> dict[str, Path]:
    """Write the four files of one size and shape (skipping those already there); return their paths."""
    if shape not in SHAPES:
        raise ValueError(f"shape: one of {', '.join(SHAPES)}, not {shape!r}")
    data.mkdir(parents=True, exist_ok=True)
    out = paths(label, data, shape)
    rng = np.random.default_rng(SEED)
    story = bursts(rng)
    actor_tone = rng.normal(-0.05, 0.12, size=N_ACTORS)
    if not out["mentions_parquet"].exists():
        tmp = out["mentions_parquet"].with_suffix(".tmp")
        if shape == "real":  # in no order: each chunk written as it is generated
            writer = None
            try:
                for i, start in enumerate(range(0, n, CHUNK)):
                    chunk = mention_chunk(np.random.default_rng([SEED, i]), min(CHUNK, n - start), story, actor_tone, shape)
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, chunk.schema, compression="snappy", use_dictionary=False)
                    writer.write_table(chunk, row_group_size=real_row_group(n))
            finally:
                if writer is not None:
                    writer.close()
        else:
            chunks = [mention_chunk(np.random.default_rng([SEED, i]), min(CHUNK, n - start), story, actor_tone)
                      for i, start in enumerate(range(0, n, CHUNK))]
            # Exports are usually in time order: sort by date, as a feed or a database dump would be.
            con = duckdb.connect()
            con.execute("SET threads TO 2")
            con.register("chunks", pa.concat_tables(chunks))
            del chunks
            table = con.sql("SELECT * FROM chunks ORDER BY date").to_arrow_table()
            con.close()
            _write_parquet(table, tmp, shape, row_group_size=CHUNK)
            del table
        tmp.rename(out["mentions_parquet"])
    if not out["events_parquet"].exists():
        tmp = out["events_parquet"].with_suffix(".tmp")
        _write_parquet(event_table(np.random.default_rng([SEED, 99]), max(100, int(n * EVENTS_PER_MENTION)), story, shape),
                       tmp, shape)
        tmp.rename(out["events_parquet"])
    if csv:
        for kind in ("mentions", "events"):
            target = out[f"{kind}_csv"]
            if target.exists():
                continue
            tmp = target.with_suffix(".tmp")
            con = duckdb.connect()
            con.execute("SET threads TO 2")
            con.execute("SET TimeZone = 'UTC'")
            # The real shape: milliseconds where the time has them, every text field quoted.
            stamp = ("CASE WHEN millisecond(date) % 1000 = 0 THEN strftime(date, '%Y-%m-%dT%H:%M:%S') "
                     "ELSE strftime(date, '%Y-%m-%dT%H:%M:%S.%g') END" if shape == "real"
                     else "strftime(date, '%Y-%m-%dT%H:%M:%S')")
            quote = ", FORCE_QUOTE *" if shape == "real" else ""
            con.execute(
                f"COPY (SELECT * REPLACE ({stamp} || 'Z' AS date) "
                "FROM read_parquet(?)) TO '" + str(tmp).replace("'", "''") + f"' (HEADER, DELIMITER ','{quote})",
                [str(out[f"{kind}_parquet"])],
            )
            con.close()
            tmp.rename(target)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", default=list(SIZES), help="100k, 1M, 10M (or any 250k, 3M...)")
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--no-csv", action="store_true")
    ap.add_argument("--shape", choices=(*SHAPES, "both"), default="both",
                    help="sorted (time order, the project's own files), real (shaped as users' exports) or both")
    args = ap.parse_args(argv)
    shapes = SHAPES if args.shape == "both" else (args.shape,)
    for label in args.sizes:
        for shape in shapes:
            start = time.perf_counter()
            out = generate(label, parse_size(label), args.out, csv=not args.no_csv, shape=shape)
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:,.0f} MiB" for p in out.values() if p.exists())
            print(f"{label} {shape}: {time.perf_counter() - start:.1f} s — {sizes}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
