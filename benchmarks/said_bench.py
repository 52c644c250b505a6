"""What the text side table costs and how fast `said` answers, on generated text mentions.

Seeded synthetic mentions (benchmarks/generate.py's actors, sources, bursts and tone) each
given a simulated headline-like text — "<actor> <verb> <word> <word> ... <n>" drawn from a
2,000-word made-up vocabulary, a fifth of them syndicated copies of an earlier text under
another source — and a url. Nothing here is real text.

Measured: the DuckDB memory of the engine (`duckdb_memory()`) with and without the texts,
bytes per text row, the time to build both, and `compute_said` on the busiest day and on a
quiet one (median of 3); and the whole series with and without a narrative filter.

    PYTHONPATH=. .venv/bin/python benchmarks/said_bench.py 1M
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import SEED, bursts, mention_chunk, parse_size  # noqa: E402

VOCAB = 2_000
SYNDICATED = 0.2
VERBS = ("warns", "threatens", "sanctions", "sues", "praises", "meets", "criticises", "backs", "bans", "answers")


def simulated_texts(rng: np.random.Generator, actors: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(text, url) for each row: simulated words, a fifth of them copies of an earlier row."""
    n = len(actors)
    words = np.array([f"w{i:04d}" for i in range(VOCAB)])
    p = 1.0 / np.arange(1, VOCAB + 1) ** 1.1
    p /= p.sum()
    parts = [actors.cast(pa.string()), pa.array(np.array(VERBS)[rng.integers(0, len(VERBS), n)])]
    for _ in range(7):
        parts.append(pa.array(words[rng.choice(VOCAB, size=n, p=p)]))
    parts.append(pa.array(rng.integers(0, 10_000, n).astype(str)))
    text = pc.binary_join_element_wise(*parts, " ")
    copy = rng.random(n) < SYNDICATED
    origin = np.arange(n)
    origin[copy] = (np.arange(n)[copy] * rng.random(int(copy.sum()))).astype(np.int64)
    text = text.take(pa.array(origin))
    url = pc.binary_join_element_wise(pa.array(np.full(n, "https://example.invalid/a")),
                                      pa.array(np.arange(n).astype(str)), "/")
    return text, url


def build(n: int) -> pa.Table:
    rng = np.random.default_rng(SEED)
    story = bursts(rng)
    actor_tone = rng.normal(0.05, 0.15, size=500)
    table = mention_chunk(rng, n, story, actor_tone)
    table = table.take(pc.sort_indices(table, [("date", "ascending")]))
    text, url = simulated_texts(rng, table.column("actor").combine_chunks())
    return table.append_column("text", text).append_column("url", url)


def engine_memory(engine) -> int:
    return int(engine._con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0])


def main(argv: list[str] | None = None) -> int:
    from dashboard.contract import NarrativeFilter, Selection
    from dashboard.query.duckdb_engine import Engine
    from dashboard.text.said import compute_said

    ap = argparse.ArgumentParser()
    ap.add_argument("size", default="1M", nargs="?")
    args = ap.parse_args(argv)
    n = parse_size(args.size)
    t0 = time.perf_counter()
    table = build(n)
    print(f"generated {n:,} rows in {time.perf_counter() - t0:.1f} s; text {table.column('text').nbytes / n:.0f} B/row "
          f"and url {table.column('url').nbytes / n:.0f} B/row as Arrow", file=sys.stderr)
    t0 = time.perf_counter()
    lean = Engine(mentions=table.drop_columns(["text", "url"]))
    t_lean = time.perf_counter() - t0
    mem_lean = engine_memory(lean)
    lean.close()
    t0 = time.perf_counter()
    engine = Engine(mentions=table)
    t_text = time.perf_counter() - t0
    mem_text = engine_memory(engine)
    sel = Selection()
    days = engine._frame("SELECT date_trunc('day', date) AS d, count(*) AS n FROM texts GROUP BY 1 ORDER BY n DESC")
    timings = {}
    for label, day in (("busiest day", days.iloc[0]["d"]), ("median day", days.iloc[len(days) // 2]["d"])):
        lo = day.to_pydatetime()
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            said = compute_said(engine, sel, lo, lo + dt.timedelta(days=1))
            runs.append(time.perf_counter() - t0)
        timings[label] = {"day": lo.date().isoformat(), "texts": said.texts, "median_s": round(statistics.median(runs), 3),
                          "runs_s": [round(r, 3) for r in runs]}
    # A narrative as a filter: the whole series with and without one (a common word, a rarer
    # one and a phrase), median of 3 — the regular expression runs over every text row.
    narrative = NarrativeFilter("bench", ("w0001", "w0150", "w0002 w0003"))
    filtered = {}
    for label, chosen in (("series without a narrative", Selection()), ("series with a narrative", Selection(narratives=(narrative,)))):
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            volume = int(engine.series(chosen)["volume"].sum())
            runs.append(time.perf_counter() - t0)
        # the first run with a narrative matches the texts; the next ones reuse the rows it found
        filtered[label] = {"mentions": volume, "median_s": round(statistics.median(runs), 3),
                           "runs_s": [round(r, 3) for r in runs]}
    out = {
        "rows": n, "text_rows": engine.text_rows, "narrative_filter": filtered,
        "engine_bytes_without_text": mem_lean, "engine_bytes_with_text": mem_text,
        "text_table_bytes_per_row": round((mem_text - mem_lean) / max(engine.text_rows, 1), 1),
        "build_s_without_text": round(t_lean, 2), "build_s_with_text": round(t_text, 2),
        "said": timings, "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
