"""A big Parquet mentions file through both engines, each in a fresh process: DuckDB (the file
validated in DuckDB and kept on disk, by date: dashboard/loading/on_disk.py) and Spark
(`--engine spark`: the same checks and store, then Spark, in local mode, reads the loaded rows
from disk — the file itself when every row passed unchanged, else the store's rows exported
to Parquet by date).

For each: the open (build_dataset, the load report included; the store built afresh in a
new BOILINGPOINT_HOME, then a reopen, which finds it), a filter change → series (the 5 busiest actors, 90
days by day, as bench.py) and analyse() of it, medians of N warm runs; the peak resident
memory of the Python process and, for Spark, of its JVM (VmHWM of the child processes).

    BOILINGPOINT_MAX_ROWS=1000000000 .venv/bin/python benchmarks/spark_big.py \
        --mentions benchmarks/data/mentions-100M-real.parquet --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # the sibling modules, when run as a script

from measure import status_mib  # noqa: E402

FROM, TO = "2024-03-01", "2024-05-29"


def _vmhwm(pid: int | str = "self") -> float:
    return status_mib(pid, "VmHWM", missing=0.0)


def _descendants(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids + [g for k in kids for g in _descendants(k)]


def child(engine: str, mentions: Path, runs: int) -> dict:
    import datetime as dt

    from dashboard.contract import Selection
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse

    os.environ["BOILINGPOINT_HOME"] = tempfile.mkdtemp(prefix="bp-spark-big-")
    out: dict = {"engine": engine, "load1_start": os.getloadavg()[0]}
    t = time.perf_counter()
    ds = build_dataset(None, mentions, engine=engine)
    out["open_s"] = round(time.perf_counter() - t, 2)
    out["loaded"] = ds.reports["mentions"].loaded
    out["rows_from"] = str(getattr(ds.engine, "mentions_file", None) or "store")
    out["peak_python_open_mib"] = round(_vmhwm(), 0)
    ds.engine.close()
    t = time.perf_counter()
    ds = build_dataset(None, mentions, engine=engine)
    out["reopen_s"] = round(time.perf_counter() - t, 3)
    start, end = dt.date.fromisoformat(FROM), dt.date.fromisoformat(TO)
    actors = tuple(ds.engine.top_actors(Selection(), 5))
    sel = Selection(actors=actors, start=start, end=end, bucket="day")
    for name, work in (("series", lambda: ds.engine.series(sel)), ("analyse", lambda: analyse(ds.engine, sel))):
        work()  # warm
        times = []
        for i in range(runs):
            each = replace(sel, actors=actors[i % 5:] + actors[:i % 5])  # another order: nothing cached by key
            t = time.perf_counter()
            (ds.engine.series(each) if name == "series" else analyse(ds.engine, each))
            times.append(time.perf_counter() - t)
        out[f"{name}_s"] = round(statistics.median(times), 3)
    out["volume"] = int(ds.engine.series(sel)["volume"].sum())
    out["peak_python_mib"] = round(_vmhwm(), 0)
    out["peak_jvm_mib"] = round(sum(_vmhwm(p) for p in _descendants(os.getpid())), 0)
    out["load1_end"] = os.getloadavg()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mentions", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", nargs="*", default=["duckdb", "spark"])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.mentions, args.runs)), flush=True)
        return 0
    results = []
    for engine in args.engines:
        proc = subprocess.run([sys.executable, __file__, "--mentions", str(args.mentions), "--runs", str(args.runs),
                               "--child", engine], capture_output=True, text=True, cwd=REPO)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{engine} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
            return 1
        results.append(json.loads(line[7:]))
        print(json.dumps(results[-1]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
