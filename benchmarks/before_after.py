"""The engine and model as they are, against the same files at an earlier commit.

The earlier dashboard package is taken from git (`git show COMMIT:dashboard/...`) into a
temporary folder as `dashboard_before`, so both run in one process on the same data. Each
figure is the median of N runs; the outputs are compared too.

    .venv/bin/python benchmarks/before_after.py --commit dd5385a --sizes 1M 10M
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import measure  # noqa: E402


def checkout(commit: str, into: Path) -> None:
    """dashboard/ at `commit`, importable as dashboard_before."""
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", commit, "dashboard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if not name.endswith(".py"):
            continue
        text = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=REPO, capture_output=True, text=True, check=True).stdout
        text = re.sub(r"\bdashboard\.", "dashboard_before.", text)
        text = re.sub(r"from dashboard import", "from dashboard_before import", text)
        target = into / name.replace("dashboard/", "dashboard_before/", 1)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def tables(files: dict):
    """Both files validated once (by today's loader: the loader is not what is compared)."""
    import pyarrow as pa

    from dashboard.loading import load_path

    ev = load_path(files["events_parquet"], "events").table
    me = load_path(files["mentions_parquet"], "mentions").table
    full = lambda t, cols: t if all(c in t.column_names for c in cols) else t.append_column(  # noqa: E731
        [c for c in cols if c not in t.column_names][0], pa.nulls(t.num_rows, pa.string()))
    return ev, me, full(ev, ["url"]), full(full(me, ["text"]), ["url"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commit", default="dd5385a")
    ap.add_argument("--sizes", nargs="*", default=["1M", "10M"])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bp-before-"))
    checkout(args.commit, tmp)
    sys.path.insert(0, str(tmp))
    OE = importlib.import_module("dashboard_before.engine")
    OA = importlib.import_module("dashboard_before.analysis")
    OS = importlib.import_module("dashboard_before.escalation")
    OG = importlib.import_module("dashboard_before.signals")
    from dashboard.model import analysis as NA
    from dashboard.model import escalation as NS
    from dashboard.model import signals as NG
    from dashboard.query import duckdb_engine as NE

    results = {"commit": args.commit, "machine": measure.machine(), "sizes": {}}
    for label in args.sizes:
        files = generate.generate(label, generate.parse_size(label), csv=False)
        ev, me, ev_full, me_full = tables(files)
        row: dict = {}
        print(f"\n== {label} ==", file=sys.stderr)

        def both(name, before, after, runs=args.runs):
            fb, rb = measure.measure(f"{name}: before", before, runs, 600, log=lambda *a: print(*a, file=sys.stderr))
            fa, ra = measure.measure(f"{name}: after", after, runs, 600, log=lambda *a: print(*a, file=sys.stderr))
            row[name] = {"before_s": fb.median, "after_s": fa.median, "speedup": fb.median / fa.median,
                         "n_before": len(fb.runs), "n_after": len(fa.runs), "load1": max(fb.load, fa.load)}
            return rb, ra

        old, new = both("engine build", lambda: OE.Engine(ev_full, me_full), lambda: NE.Engine(ev, me), 3)
        mem = lambda e: e._scalar("SELECT sum(memory_usage_bytes) FROM duckdb_memory()") / 2**20  # noqa: E731
        row["engine tables MiB"] = {"before": round(mem(old)), "after": round(mem(new))}
        actors = tuple(new.top_actors(NE.Selection(), 5))
        so = OE.Selection(actors=actors, start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 29))
        sn = NE.Selection(actors=actors, start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 29))
        both("series (5 actors, 90 days)", lambda: old.series(so), lambda: new.series(sn))
        both("series (every actor, two years)", lambda: old.series(replace(so, actors=(), start=None, end=None)),
             lambda: new.series(replace(sn, actors=(), start=None, end=None)), 3)
        ao, an = both("analyse (5 actors, 90 days)", lambda: OA.analyse(old, so), lambda: NA.analyse(new, sn), 3)
        row["analyse same index"] = bool(len(ao.table) == len(an.table) and
                                         max(abs(ao.table["index"] - an.table["index"])) <= 0.0101)
        both("analyse overview (5 actors, two years)", lambda: OA.analyse(old, replace(so, start=None, end=None)),
             lambda: NA.analyse(new, replace(sn, start=None, end=None)), 3)
        both("leaderboard (top 10 of the 5)", lambda: OA.actor_leaderboard(old, so), lambda: NA.actor_leaderboard(new, sn), 3)
        series = new.series(replace(sn, start=None, end=None))
        both("score (731 days)", lambda: OS.score(series), lambda: NS.score(series))
        table = NS.score(series)
        both("change points (731 days)", lambda: OG.find_change_points(table, an.events, NS.DEFAULT_PARAMS),
             lambda: NG.find_change_points(table, an.events, NS.DEFAULT_PARAMS), 3)
        old.close()
        new.close()
        results["sizes"][label] = row
    out = HERE / "results" / "before-after.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str))
    print(json.dumps(results["sizes"], indent=1, default=str))
    for label, row in results["sizes"].items():
        for name, f in row.items():
            if isinstance(f, dict) and "before_s" in f:
                print(f"| {label} | {name} | {measure.fmt_s(f['before_s'])} | {measure.fmt_s(f['after_s'])} | {f['speedup']:,.0f}× |")
    return 0 if math.isfinite(1.0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
