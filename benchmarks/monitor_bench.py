"""Monitors: from a file landing to the alert delivered, on a 1M-row history; and a watcher's
memory over simulated arrivals (BENCHMARKS.md, "Monitors").

1. History: 1,000,000 mention rows (50 actors, two years, day buckets) in ten Parquet files,
   already loaded by the watcher (their cached tables in BOILINGPOINT_HOME). A 15-minute
   GDELT-sized file lands: 5,000 mention rows as CSV, 2,000 of them a surge of the monitor's
   actor. Measured: from the file in the folder to the webhook received by a local HTTP
   receiver (one watcher cycle: look at every file, parse the new one, combine the cached
   tables, score, raise the alert, deliver it). Target: at most 5 s.
2. Memory: the watcher's resident memory after each of ARRIVALS cycles, a 5,000-row file
   landing before each (an hour of five-minute arrivals).

Run: PYTHONPATH=. python benchmarks/monitor_bench.py [--arrivals 12]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HISTORY_ROWS = 1_000_000
ACTORS = [f"A{k}" for k in range(50)]
START = pd.Timestamp("2023-01-01")
DAYS = 730
LANDING_ROWS = 5_000
SURGE_ROWS = 2_000


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def history(folder: Path, rng: np.random.Generator) -> None:
    per = HISTORY_ROWS // 10
    for part in range(10):
        seconds = rng.integers(0, DAYS * 86400, per)
        table = pa.table({
            "date": pa.array((START + pd.to_timedelta(np.sort(seconds), unit="s")).to_numpy(), pa.timestamp("us")),
            "actor": pa.array(rng.choice(ACTORS, per)),
            "count": pa.array(rng.integers(1, 6, per), pa.int64()),
            "tone": pa.array(np.round(rng.normal(-0.05, 0.2, per), 3)),
            "source": pa.array(rng.choice(["gdelt", "wire", "web"], per)),
        })
        pq.write_table(table, folder / f"history-{part:02d}.parquet")


def landing(path: Path, day: int, surge: str | None, rng: np.random.Generator) -> None:
    when = START + pd.Timedelta(days=day) + pd.to_timedelta(rng.integers(0, 900, LANDING_ROWS), unit="s")
    actors = rng.choice(ACTORS, LANDING_ROWS)
    if surge:
        actors[:SURGE_ROWS] = surge
    frame = pd.DataFrame({"date": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "actor": actors, "count": 1,
                          "tone": np.round(rng.normal(-0.3, 0.2, LANDING_ROWS), 3), "source": "gdelt"})
    tmp = path.with_suffix(".part")
    frame.to_csv(tmp, index=False)
    tmp.rename(path)  # lands whole, as a file moved into the folder


class Receiver:
    def __init__(self):
        self.bodies: list[tuple[float, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append((time.perf_counter(), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def main() -> None:
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("--arrivals", type=int, default=12)
    args = parser.parse_args()
    from dashboard.loading import use_system_allocator

    use_system_allocator()
    from benchmarks.measure import machine
    from dashboard.monitor.spec import parse_monitor
    from dashboard.monitor.watch import Watcher
    from dashboard.store.db import open_store

    rng = np.random.default_rng(0)
    root = Path(tempfile.mkdtemp(prefix="bp-monitor-bench-"))
    os.environ["BOILINGPOINT_HOME"] = str(root / "home")
    inbox = root / "inbox"
    inbox.mkdir()
    t0 = time.perf_counter()
    history(inbox, rng)
    print(f"history written: {HISTORY_ROWS:,} rows in 10 Parquet files, {time.perf_counter() - t0:.1f} s")
    receiver = Receiver()
    store = open_store(root / "home")
    assert store is not None
    figures: dict = {"machine": machine(), "landing": []}
    for k, actor in enumerate(["A0", "A1", "A2"]):
        spec = parse_monitor(f"name: bench-{actor}\nmentions: {inbox}/*\nactors: [{actor}]\nmin_stage: boiling\nrules: [spike]\n"
                             f"settle_seconds: 0\nwebhook: {receiver.url}\n", root)
        watcher = Watcher(spec, store, root / "home", log=lambda m: None)
        t0 = time.perf_counter()
        cold = watcher.run_cycle()
        cold_s = time.perf_counter() - t0
        before = len(receiver.bodies)
        path = inbox / f"landing-{k}.csv"
        landing(path, DAYS + k, actor, rng)
        t0 = time.perf_counter()
        result = watcher.run_cycle()
        total = time.perf_counter() - t0
        new = receiver.bodies[before:]
        delivered_s = (new[0][0] - t0) if new else None
        row = {"actor": actor, "cold_cycle_s": round(cold_s, 2), "cold_files_read": cold.files_read,
               "land_to_delivered_s": None if delivered_s is None else round(delivered_s, 2), "cycle_s": round(total, 2),
               "files_read": result.files_read, "alerts": [a.episode_key for a in result.new_alerts],
               "buckets": result.buckets}
        print(row)
        figures["landing"].append(row)
    # memory over arrivals: the last watcher, one 5,000-row file before each cycle
    rss = [round(rss_mib())]
    times = []
    for k in range(args.arrivals):
        landing(inbox / f"arrival-{k:03d}.csv", DAYS + 3 + k, None, rng)
        t0 = time.perf_counter()
        watcher.run_cycle()
        times.append(round(time.perf_counter() - t0, 2))
        rss.append(round(rss_mib()))
    figures["arrivals"] = {"cycles": args.arrivals, "rss_mib": rss, "cycle_s": times,
                           "rows_at_end": HISTORY_ROWS + LANDING_ROWS * (3 + args.arrivals)}
    print(json.dumps(figures, indent=1, default=str))


if __name__ == "__main__":
    main()
