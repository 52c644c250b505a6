"""Spark's cost and DuckDB's on one machine: the same queries through three engines.

On the 1M dataset (generate.py: mentions-1M.parquet, events-1M.parquet), medians of N runs of

  1. session start: a fresh process importing the engine and connecting (DuckDB opens a
     database in memory; Spark starts a JVM and a local[*] session);
  2. load/registration: the engine built from the validated Arrow tables (the load itself,
     the same for every engine, is not counted) — and, for Spark, from the Parquet file read
     by Spark itself;
  3. a filter change: series(the 5 busiest actors, 2024-03-01..2024-05-29, by day), warm;
  4. analyse() of that selection (look-back, model, change points, alerts, pairs), warm;

for the default Engine (hand-written DuckDB SQL), IbisEngine on DuckDB and IbisEngine on
Spark (local mode), and prints a markdown table.

    .venv/bin/python benchmarks/spark_bench.py              # 5 runs
    .venv/bin/python benchmarks/spark_bench.py --runs 3 --size 100k
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # the sibling modules, when run as a script

import measure  # noqa: E402
from measure import fmt_s  # noqa: E402

FROM, TO = dt.date(2024, 3, 1), dt.date(2024, 5, 29)  # 90 days, as bench.py
N_ACTORS = 5
ENGINES = ("duckdb", "ibis-duckdb", "spark")
LABELS = {
    "duckdb": "Engine (DuckDB SQL)",
    "ibis-duckdb": "Ibis on DuckDB",
    "spark": "Ibis on Spark local[*]",
    "spark-parquet": "Ibis on Spark, Parquet read by Spark",
}
# What a fresh process runs to have a ready engine connection (imports included).
START = {
    "duckdb": "import duckdb; duckdb.connect(':memory:').execute('SELECT 1').fetchall()",
    "ibis-duckdb": "from dashboard.query.ibis_engine import connect_duckdb; connect_duckdb().raw_sql('SELECT 1')",
    "spark": "from dashboard.query.spark import connect_spark; c = connect_spark(); c.raw_sql('SELECT 1').collect(); c.disconnect()",
}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def session_start(engine: str) -> float:
    """Seconds from a fresh interpreter's first import to a connection that has answered."""
    code = (
        "import time; t0 = time.perf_counter(); " + START[engine]
        + "; print('SECONDS', time.perf_counter() - t0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{engine}: session start failed:\n{out.stderr[-2000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("SECONDS"))
    return float(line.split()[1])


def measure_start(engine: str, runs: int) -> measure.Figure:
    fig = measure.Figure(f"session start: {engine}")
    for _ in range(runs):
        load1 = measure.loadavg()[0]
        fig.runs.append(measure.Run(session_start(engine), load1, 0.0))
    fig.note = "in a fresh process, imports included"
    log(f"  {fig.name:58s} {fmt_s(fig.median):>10s}  n={len(fig.runs)}")
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1M", help="dataset size from generate.py (default 1M)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from dashboard.contract import Selection
    from dashboard.loading import load_path
    from dashboard.model.analysis import analyse
    from dashboard.query.duckdb_engine import Engine
    from dashboard.query.ibis_engine import IbisEngine, connect_duckdb
    from dashboard.query.spark import connect_spark

    events_path = HERE / "data" / f"events-{args.size}.parquet"
    mentions_path = HERE / "data" / f"mentions-{args.size}.parquet"
    if not (events_path.is_file() and mentions_path.is_file()):
        log(f"missing {mentions_path.name} / {events_path.name}: run benchmarks/generate.py {args.size}")
        return 2
    measure.wait_quiet(log=log)
    log(f"loading {mentions_path.name} and {events_path.name} (validated once, not timed)")
    events = load_path(events_path, "events").table
    mentions = load_path(mentions_path, "mentions").table
    log(f"  {mentions.num_rows:,} mentions, {events.num_rows:,} events")

    figures: dict[str, dict[str, measure.Figure]] = {}
    for engine in ENGINES:
        figures.setdefault(engine, {})["start"] = measure_start(engine, args.runs)

    spark_con = connect_spark()  # started once: the figure above is the cost of starting it
    duck_cons = []

    def build(engine: str):
        if engine == "duckdb":
            return Engine(events, mentions)
        if engine == "ibis-duckdb":
            duck_cons.append(connect_duckdb())
            return IbisEngine(duck_cons[-1], events, mentions, owns_connection=True)
        if engine == "spark":
            return IbisEngine(spark_con, events, mentions)
        return IbisEngine(spark_con, events, mentions_path)  # spark-parquet

    for engine in (*ENGINES, "spark-parquet"):
        built = []

        def release():
            while built:
                built.pop().close()

        fig, _ = measure.measure(f"load/registration: {engine}", lambda: built.append(build(engine)) or built[-1],
                                 runs=args.runs, setup=release, log=log)
        figures.setdefault(engine, {})["load"] = fig
        kept = built[-1]
        actors = tuple(kept.top_actors(Selection(), N_ACTORS))
        sel = Selection(actors=actors, start=FROM, end=TO, bucket="day")
        fig, series = measure.measure(f"series: {engine}", lambda: kept.series(sel), runs=args.runs, warmup=True, log=log)
        assert len(series) == (TO - FROM).days + 1 and series["volume"].sum() > 0
        figures[engine]["series"] = fig
        fig, analysis = measure.measure(f"analyse: {engine}", lambda: analyse(kept, sel), runs=args.runs, warmup=True, log=log)
        assert not analysis.empty
        figures[engine]["analyse"] = fig
        figures[engine]["_answer"] = (list(analysis.table["stage"]), analysis.table["index"].round(9).tolist())
        kept.close()

    answers = {e: figures[e].pop("_answer") for e in figures}
    same = all(a == answers["duckdb"] for a in answers.values())
    table = markdown(figures, mentions.num_rows, events.num_rows, args.runs, same)
    print(table)
    if args.json:
        args.json.write_text(json.dumps({
            "date": dt.date.today().isoformat(), "machine": measure.machine(), "size": args.size, "runs": args.runs,
            "same_stages_and_index": same,
            "figures": {e: {k: f.as_dict() for k, f in figs.items()} for e, figs in figures.items()},
        }, indent=1, default=str))
    spark_con.disconnect()
    return 0 if same else 1


def markdown(figures, n_mentions: int, n_events: int, runs: int, same: bool) -> str:
    engines = list(figures)
    rows = [
        ("session start (fresh process)", "start"),
        ("load/registration of the validated tables", "load"),
        (f"series: {N_ACTORS} busiest actors, {FROM:%d %b}–{TO:%d %b %Y}, by day", "series"),
        ("analyse() of that selection", "analyse"),
    ]
    head = "| step | " + " | ".join(LABELS[e] for e in engines) + " |"
    lines = [
        f"{n_mentions:,} mentions, {n_events:,} events; medians of {runs} runs "
        f"({dt.date.today().isoformat()}, {measure.CPUS} cores, {os.uname().sysname}).",
        "",
        head,
        "|" + "---|" * (len(engines) + 1),
    ]
    for label, key in rows:
        cells = [fmt_s(figures[e][key].median) if key in figures[e] else "—" for e in engines]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"Same stages and index on every engine: {'yes' if same else 'NO'}."]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
