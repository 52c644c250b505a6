"""Open a Parquet file of text mentions and score it, in this (fresh) process: time and peak memory.

The figures of BENCHMARKS.md's "10 M mentions with texts, load + score": `build_dataset(None,
file)` (validation, the engine, the text side table; a file of at least on_disk_rows() rows is
kept on disk, dashboard/loading/on_disk.py), then `analyse()` of the 5 busiest actors over 90
days, then `compute_said` of one day; the peak is the process's VmHWM. Run it once per figure,
in a fresh process (the peak is the whole process's). The file: `said_bench.build(n)` written
as one Parquet file, e.g.

    PYTHONPATH=. python -c "import sys; sys.path.insert(0, 'benchmarks'); import pyarrow.parquet as pq; \
        from said_bench import build; pq.write_table(build(10_000_000), '/tmp/text-10M.parquet')"
    PYTHONPATH=. python benchmarks/text_open_bench.py /tmp/text-10M.parquet
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import loadavg, status_mib  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from dashboard.contract import Selection
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse
    from dashboard.text.said import compute_said

    path = Path((argv or sys.argv[1:])[0])
    before = loadavg()
    t0 = time.perf_counter()
    ds = build_dataset(None, path)
    t_open = time.perf_counter() - t0
    rss_open = status_mib()
    engine = ds.engine
    actors = tuple(engine.top_actors(Selection(), 5))
    sel = Selection(actors=actors, start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 29))
    t0 = time.perf_counter()
    analysis = analyse(engine, sel)
    t_analyse = time.perf_counter() - t0
    lo = dt.datetime(2024, 3, 15)
    t0 = time.perf_counter()
    said = compute_said(engine, Selection(), lo, lo + dt.timedelta(days=1))
    t_said = time.perf_counter() - t0
    report = ds.reports["mentions"]
    print(json.dumps({
        "file": str(path), "on_disk": "store" in engine._con.execute("SELECT list(database_name) FROM duckdb_databases()").fetchall()[0][0],
        "rows_read": report.rows_read, "loaded": report.loaded, "text_rows": engine.text_rows,
        "open_s": round(t_open, 2), "analyse_s": round(t_analyse, 2), "said_s": round(t_said, 2),
        "said_texts": said.texts, "buckets": len(analysis.table),
        "peak_mib": round(status_mib(field="VmHWM")), "rss_after_open_mib": round(rss_open),
        "load_before": before, "load_after": loadavg(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
