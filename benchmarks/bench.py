"""Boiling Point's benchmarks: one run, every figure side by side, medians of N runs.

For each size of the synthetic data (generate.py: 100k, 1M, 10M mention rows):

  a. import of the Parquet and of the CSV mentions file with full validation (load_path),
     and the engine built from the validated tables;
  b. a filter change (the 5 busiest actors, 90 days) to the aggregated series the charts
     use (Engine.series) — against naive pandas and one hand-written DuckDB query over the
     Parquet (baselines.py);
  c. the full escalation score of that selection (analyse: look-back, model, change points,
     alerts, claim/retraction reach) — against the same two;
  d. every chart spec of the main view (KPI gauge, overview, timeline panels), to JSON, and
     the largest dataset any chart of the page carries;
  e. an AppTest rerun of the page after a filter change;
  f. in Chromium: time to the first chart, and from a filter change to the redrawn chart
     (the demo, 1M, and 10M when asked for);

plus `boilingpoint score` on one actor against a bare `python -c` running the single DuckDB
query, and the peak memory of a process that loads the files and scores the selection.

    .venv/bin/python benchmarks/bench.py                 # 100k 1M 10M, 5 runs each
    .venv/bin/python benchmarks/bench.py --sizes 100k --runs 3
    .venv/bin/python benchmarks/bench.py --doc BENCHMARKS.md   # also refresh its figures

Results: benchmarks/results/bench-<time>.json, bench-latest.json and bench-latest.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))  # the sibling modules, when run as a script

import generate  # noqa: E402
import measure  # noqa: E402
from measure import fmt_s  # noqa: E402

FROM, TO = dt.date(2024, 3, 1), dt.date(2024, 5, 29)  # 90 days
N_ACTORS = 5
DOC_BEGIN = "<!-- bench:begin (written by benchmarks/bench.py --doc; do not edit by hand) -->"
DOC_END = "<!-- bench:end -->"
STEPS = ("import", "csv", "engine", "charts", "apptest", "browser", "cli", "memory", "store")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# --- one size ----------------------------------------------------------------------------------


def selection_for(engine):
    from dashboard.contract import Selection

    actors = tuple(engine.top_actors(Selection(), N_ACTORS))
    return Selection(actors=actors, start=FROM, end=TO)


def column(res: dict) -> str:
    """A result's column in the tables: its size, and `real` for the real-shaped files."""
    return res["size"] if res.get("shape", "sorted") == "sorted" else f"{res['size']} {res['shape']}"


def bench_size(label: str, runs: int, skip: set[str], budget: float, shape: str = "sorted",
               data: Path = generate.DATA) -> dict:
    import baselines

    from dashboard.loading import load_path as _load_path
    from dashboard.loading.load_report import LoadLimits
    from dashboard.model.analysis import analyse

    limits = LoadLimits.for_local_files()  # a file on the command line, as `boilingpoint` reads it

    def load_path(path, kind):
        """The import timed, refused loudly when it failed: a refused file is fast, not a figure."""
        result = _load_path(path, kind, limits)
        if result.report.error is not None or result.table is None:
            raise SystemExit(f"bench: {path} was not imported: {result.report.error}")
        return result
    from dashboard.query.duckdb_engine import Engine

    n = generate.parse_size(label)
    t0 = time.perf_counter()
    files = generate.generate(label, n, data, csv="csv" not in skip, shape=shape)
    out: dict = {"size": label, "shape": shape, "rows": n, "generate_s": round(time.perf_counter() - t0, 1),
                 "files_mib": {k: round(p.stat().st_size / 2**20, 1) for k, p in files.items() if p.exists()},
                 "figures": {}, "checks": {}}
    figs = out["figures"]

    def keep(fig: measure.Figure) -> measure.Figure:
        figs[fig.name] = fig.as_dict()
        return fig

    log(f"\n== {label} ({shape}): {n:,} mention rows ==")
    measure.wait_quiet(log=log)
    # (a) import
    fig, mres = measure.measure("a. import Parquet (mentions, validated)", lambda: load_path(files["mentions_parquet"], "mentions"),
                                runs, budget, log=log)
    keep(fig)
    out["checks"]["parquet_loaded"] = mres.report.loaded
    _, eres = measure.measure("a. import Parquet (events, validated)", lambda: load_path(files["events_parquet"], "events"),
                              runs, budget, log=log)
    keep(_)
    if "csv" not in skip:
        fig, cres = measure.measure("a. import CSV (mentions, validated)", lambda: load_path(files["mentions_csv"], "mentions"),
                                    runs, budget, log=log)
        keep(fig)
        out["checks"]["csv_loaded"] = cres.report.loaded
        del cres
    ev_table, me_table = eres.table, mres.table
    del mres, eres
    fig, engine = measure.measure("a. engine build (validated tables to DuckDB)", lambda: Engine(ev_table, me_table), runs, budget,
                                  setup=None, log=log)
    keep(fig)
    del ev_table, me_table
    out["checks"]["engine_mib"] = round(engine._scalar("SELECT sum(memory_usage_bytes) FROM duckdb_memory()") / 2**20, 1)
    sel = selection_for(engine)
    out["selection"] = {"actors": list(sel.actors), "from": str(sel.start), "to": str(sel.end)}

    # (b) the series, three ways
    fig, ours = measure.measure("b. filter change → series: engine", lambda: engine.series(sel), runs, budget, warmup=True, log=log)
    keep(fig)
    raw = baselines.RawDuckDB(files["events_parquet"], files["mentions_parquet"])
    fig, theirs = measure.measure("b. filter change → series: raw DuckDB on Parquet", lambda: raw.series(sel), runs, budget,
                                  warmup=True, log=log)
    keep(fig)
    out["checks"]["raw_series_same"] = baselines.same_series(ours, theirs) or "identical"
    t = time.perf_counter()
    frames = baselines.read_frames(files["events_parquet"], files["mentions_parquet"])
    out["pandas_read_s"] = round(time.perf_counter() - t, 2)
    fig, theirs = measure.measure("b. filter change → series: naive pandas", lambda: baselines.pandas_series(frames[1], frames[0], sel),
                                  runs, budget, log=log)
    keep(fig)
    out["checks"]["pandas_series_same"] = baselines.same_series(ours, theirs) or "identical"

    # (c) the full score, three ways
    fig, analysis = measure.measure("c. full escalation score: analyse()", lambda: analyse(engine, sel), runs, budget, warmup=True, log=log)
    keep(fig)
    fig, theirs = measure.measure("c. full escalation score: raw DuckDB", lambda: raw.analysis(sel), runs, budget, warmup=True, log=log)
    keep(fig)
    out["checks"]["raw_score_same"] = _same_score(analysis, theirs)
    fig, theirs = measure.measure("c. full escalation score: naive pandas", lambda: baselines.pandas_analysis(frames[1], frames[0], sel),
                                  runs, budget, log=log)
    keep(fig)
    out["checks"]["pandas_score_same"] = _same_score(analysis, theirs)
    del frames, theirs
    raw.close()
    out["checks"]["buckets"] = len(analysis.table)
    out["checks"]["events"] = len(analysis.events)
    out["checks"]["pairs"] = len(analysis.pairs)

    # (d) chart specs of the main view, and the largest chart payload anywhere on the page
    if "charts" not in skip:
        overview = replace(sel, start=None, end=None, bucket="day")
        full = analyse(engine, overview)
        fig, specs = measure.measure("d. every chart spec of the main view", lambda: main_view_specs(analysis, full), runs, budget,
                                     warmup=True, log=log)
        keep(fig)
        out["payload_rows"] = payloads(engine, sel, analysis, full, specs)
        log(f"  largest chart payload: {max(out['payload_rows'].values()):,} rows "
            f"({max(out['payload_rows'], key=out['payload_rows'].get)})")
    engine.close()
    del engine, analysis

    # (e) AppTest, in a child process (its own caches and argv)
    if "apptest" not in skip:
        out["apptest"] = child("apptest", files, runs)
    # memory: a fresh process that loads both files and scores the selection
    if "memory" not in skip:
        out["memory"] = child("memory", files, runs)
    # a file kept on disk (dashboard/loading/on_disk.py): first open, reopen, queries on the store
    if "store" not in skip:
        out["store"] = child("store", files, runs)
    # boilingpoint score on one actor vs a bare python -c running the one DuckDB query
    if "cli" not in skip:
        out["cli"] = cli_vs_query(files, sel.actors[0], runs, budget)
    return out


def _same_score(analysis, theirs: dict) -> str:
    import numpy as np

    t = theirs["table"]
    if len(t) != len(analysis.table):
        return f"{len(t)} buckets vs {len(analysis.table)}"
    if not np.allclose(t["index"], analysis.table["index"], atol=0.0101):
        return "index differs"
    if not (t["stage"].to_numpy() == analysis.table["stage"].to_numpy()).all():
        return "stages differ"
    if len(theirs["pairs"]) != len(analysis.pairs) or len(theirs["change_points"]) != len(analysis.change_points):
        return "pairs or change points differ"
    return "identical"


def to_page(chart) -> dict:
    """A chart as the page sends it: the app's own conversion (dashboard/ui/vega.py: the
    Vega-Lite spec, datasets as Arrow IPC bytes), then the spec as JSON."""
    from dashboard.ui.vega import chart_spec

    spec = chart_spec(chart)
    datasets = spec.pop("datasets", {})
    json.dumps(spec)
    spec["datasets"] = datasets
    return spec


def main_view_specs(analysis, full) -> list[dict]:
    """What the Timeline tab sends: the KPI gauge, the overview strip and every panel."""
    from dashboard import charts

    built = [charts.stage_gauge_chart(analysis.table["stage"].iloc[-1]), charts.overview_chart(full.table)]
    built += charts.timeline_layers(analysis, "", events_selectable=True)
    return [to_page(c) for c in built]


def _rows(spec: dict) -> int:
    """The most rows any dataset of one chart holds."""
    import pyarrow as pa

    sizes = []
    for v in (spec.get("datasets") or {}).values():
        if isinstance(v, (bytes, bytearray)):
            sizes.append(pa.ipc.open_stream(v).read_all().num_rows)
        elif isinstance(v, list):
            sizes.append(len(v))
    return max(sizes, default=0)


def payloads(engine, sel, analysis, full, specs) -> dict:
    """Rows in the largest dataset of each chart: the main view of the selection, and every
    chart of every tab for the whole dataset unfiltered (the worst case)."""
    from dashboard import charts
    from dashboard.contract import MAX_BUCKETS, Selection
    from dashboard.model.analysis import actor_leaderboard, analyse
    from dashboard.model.escalation import DEFAULT_PARAMS

    out = {"main view (selection)": max(_rows(s) for s in specs)}
    everything = Selection(start=engine.date_bounds()[0], end=engine.date_bounds()[1])
    for bucket in ("hour", "day", "week"):
        if engine.bucket_count(replace(everything, bucket=bucket)) <= MAX_BUCKETS:
            everything = replace(everything, bucket=bucket)
            break
    whole = analyse(engine, everything)
    overview = analyse(engine, replace(everything, start=None, end=None, bucket="day"))
    by_actor = engine.volume_by_actor(everything)
    built = {
        "timeline panels (everything)": charts.timeline_layers(whole, "", events_selectable=True),
        "overview (everything)": [charts.overview_chart(overview.table)],
        "share of voice (everything)": [charts.share_of_voice_chart(by_actor, False)],
        "tone by actor (everything)": [charts.tone_by_actor_chart(by_actor)],
        "who acts on whom (everything)": [charts.matrix_chart(engine.matrix(everything))],
        "leaderboard (everything)": [charts.leaderboard_chart(actor_leaderboard(engine, everything, DEFAULT_PARAMS))],
        "why: components (everything)": [charts.components_chart(whole.table, DEFAULT_PARAMS)],
    }
    for name, cs in built.items():
        out[name] = max((_rows(to_page(c)) for c in cs), default=0)
    return out


# --- child processes ---------------------------------------------------------------------------


def child(kind: str, files: dict | None, runs: int) -> dict:
    """Run a measurement in a fresh process (its own memory, caches and argv); files None: the demo."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--runs", str(runs)]
    if files:
        cmd += ["--events", str(files["events_parquet"]), "--mentions", str(files["mentions_parquet"])]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_memory(events: Path, mentions: Path) -> dict:
    """Load both files as the app does (build_dataset), score the selection and its overview:
    the peak resident memory of the whole process."""
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import actor_leaderboard, analyse

    t = time.perf_counter()
    ds = build_dataset(events, mentions)
    load_s = time.perf_counter() - t
    after_load = _peak_rss()
    sel = selection_for(ds.engine)
    analyse(ds.engine, sel)
    analyse(ds.engine, replace(sel, start=None, end=None))
    actor_leaderboard(ds.engine, sel)
    return {"peak_rss_mib": round(_peak_rss(), 0),
            "peak_rss_after_load_mib": round(after_load, 0), "build_dataset_s": round(load_s, 2),
            "current_rss_mib": round(_rss_now(), 0),
            "engine_mib": round(ds.engine._scalar("SELECT sum(memory_usage_bytes) FROM duckdb_memory()") / 2**20, 1)}


def child_store(events: Path, mentions: Path, runs: int) -> dict:
    """The mentions file kept on disk, in a fresh BOILINGPOINT_HOME: the first open (SQL
    validation and the store written by date), a reopen (the store found by content), then a
    filter change → series and the full score on the store; peak resident memory."""
    import tempfile

    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse

    os.environ["BOILINGPOINT_HOME"] = tempfile.mkdtemp(prefix="bp-bench-home-")
    os.environ.setdefault("BOILINGPOINT_ON_DISK_ROWS", "1")  # every size through the store
    t = time.perf_counter()
    ds = build_dataset(None, mentions)
    first = time.perf_counter() - t
    ds.engine.close()
    reopen = []
    for _ in range(runs):
        t = time.perf_counter()
        ds = build_dataset(None, mentions)
        reopen.append(time.perf_counter() - t)
    sel = selection_for(ds.engine)
    series, score = [], []
    for i in range(runs):
        each = replace(sel, actors=tuple(ds.engine.top_actors(replace(sel, actors=()), N_ACTORS + i))[i:])
        t = time.perf_counter()
        ds.engine.series(each)
        series.append(time.perf_counter() - t)
        t = time.perf_counter()
        analyse(ds.engine, each)
        score.append(time.perf_counter() - t)
    return {"first_open_s": round(first, 2), "reopen_s": round(statistics.median(reopen), 3),
            "series_s": round(statistics.median(series), 4), "analyse_s": round(statistics.median(score), 4),
            "loaded": ds.reports["mentions"].loaded, "peak_rss_mib": round(_peak_rss(), 0), "load1": measure.loadavg()[0]}


def _peak_rss() -> float:
    """This process's peak resident memory in MiB (VmHWM). Not ru_maxrss: Linux carries that
    across fork and exec, so a child started by a parent holding 6 GiB (the naive pandas
    frames) would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_now() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_apptest(events: Path, mentions: Path, runs: int) -> dict:
    """The page through AppTest on the files: its first run (the files loaded, validated and
    cached), then reruns each after a filter change (another 5 actors; analysis caches cleared,
    as a selection never seen before)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    argv = ["app.py"] + (["--events", str(events)] if events else []) + (["--mentions", str(mentions)] if mentions else [])
    sys.argv = argv
    at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=3600)
    if events or mentions:
        at.query_params["from"] = FROM.isoformat()
        at.query_params["to"] = TO.isoformat()
    wall, first, _ = measure.timed(lambda: at.run())
    if at.exception:
        return {"error": str(at.exception)[:500]}
    from dashboard.ui.cache import dataset_from_paths

    ds = dataset_from_paths(events, mentions) if (events or mentions) else None
    if ds is not None:
        from dashboard.contract import Selection

        names = ds.engine.top_actors(Selection(), N_ACTORS * (runs + 2))
    else:
        names = ["Amazon", "Microsoft", "Oracle", "Walmart", "ByteDance", "TikTok", "Donald Trump", "Mike Pompeo",
                 "India", "China", "US Commerce Department"]
    picks = [names[(i * N_ACTORS) % len(names):][:N_ACTORS] or names[:N_ACTORS] for i in range(runs + 1)]
    state = {"i": 0}

    def change():
        from dashboard.ui import cache

        st.cache_data.clear()
        for kept in (cache.cached_analysis, cache.cached_overview, cache.cached_leaderboard):  # kept as objects
            kept.clear()
        at.multiselect(key="actor").set_value(picks[state["i"] % len(picks)])
        state["i"] += 1

    fig, _ = measure.measure("e. AppTest rerun after a filter change", lambda: at.run(), runs, 3600, setup=change,
                             warmup=True, log=log)
    errors = [str(e.value)[:200] for e in at.error] + ([str(at.exception)[:200]] if at.exception else [])
    return {"first_run": {"median_s": first.seconds, "load1": first.load1, "others": first.others},
            "rerun": fig.as_dict(), "errors": errors}


def cli_vs_query(files: dict, actor: str, runs: int, budget: float) -> dict:
    import baselines

    mentions = files["mentions_parquet"]
    cli = [str(Path(sys.executable).parent / "boilingpoint"), "score", "--mentions", str(mentions), "--actor", actor]
    bare = [sys.executable, "-c", "import duckdb; duckdb.sql(" + json.dumps(baselines.one_actor_query(mentions, actor)) + ").fetchall()"]

    def run(cmd):
        def go():
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO)
        return go

    f_cli, _ = measure.measure("boilingpoint score --actor A (whole process)", run(cli), runs, budget, log=log)
    f_bare, _ = measure.measure("python -c: the one DuckDB query (whole process)", run(bare), runs, budget, log=log)
    return {"actor": actor, "cli": f_cli.as_dict(), "bare_query": f_bare.as_dict(), "ratio": f_cli.median / f_bare.median}


# --- the browser -------------------------------------------------------------------------------


def bench_browser(name: str, files: dict | None, runs: int, actors: list[str], query: dict) -> dict:
    import browser

    args = []
    if files:
        args = ["--events", str(files["events_parquet"]), "--mentions", str(files["mentions_parquet"])]
    measure.wait_quiet(log=log)
    log(f"\n== browser: {name} ==")
    url, proc = browser.start_server(args)
    peak = {"rss": browser.rss_mib(proc.pid)}
    idle = peak["rss"]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak["rss"] = max(peak["rss"], browser.rss_mib(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    load = measure.loadavg()[0]
    try:
        shot = RESULTS / f"browser-{name}.png"
        res = browser.run(url, query, actors, visits=runs, screenshot=shot, log=log)
    except Exception as exc:  # noqa: BLE001 — a failed browser run is a result, not a crash
        res = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}
    finally:
        stop.set()
        sampler.join()
        rss_end = browser.rss_mib(proc.pid)
        browser.stop_server(proc)
    res.update({"server_rss_start_mib": round(idle), "server_rss_peak_mib": round(peak["rss"]),
                "server_rss_end_mib": round(rss_end), "load1_start": load, "load1_end": measure.loadavg()[0]})
    if "error" not in res:
        for key in ("warm_first_chart_ms", "warm_full_page_ms", "filter_change_ms"):
            res[key.replace("_ms", "_median_ms")] = statistics.median(res[key])
        log(f"  cold first chart {res['cold_first_chart_ms'] / 1000:.2f} s; warm first chart "
            f"{res['warm_first_chart_median_ms']:.0f} ms; filter change → redrawn {res['filter_change_median_ms']:.0f} ms "
            f"(each: {', '.join(f'{x:.0f}' for x in res['filter_change_ms'])}); server RSS peak {peak['rss']:.0f} MiB; "
            f"load {load:.2f}→{res['load1_end']:.2f}")
    else:
        log("  " + res["error"])
    return res


# --- the report --------------------------------------------------------------------------------


def _f(fig: dict | None) -> str:
    return fmt_s(fig["median_s"]) if fig else "—"


def render(results: dict) -> str:
    """The figures as Markdown: one column per size."""
    sizes = results["sizes"]
    labels = [column(s) for s in sizes]
    lines = [f"Measured {results['finished'][:16].replace('T', ' ')} UTC on {results['machine']['cpu']}, "
             f"{results['machine']['cores']} cores, {results['machine']['memory_gib']} GiB; commit {results['machine'].get('commit', '?')}; "
             f"{results['runs']} runs per figure (median). Load average (1 min) at the start of each size: "
             + ", ".join(f"{column(s)} {s.get('load1_start', float('nan')):.2f}" for s in sizes) + ". "
             "`real`: the real-shaped files (generate.py: rows in no order, second and millisecond "
             "timestamps, plain strings, snappy, several row groups; the CSV quoted, with duplicates).", ""]
    head = "| | " + " | ".join(labels) + " |"
    lines += [head, "|---|" + "---|" * len(labels)]

    def row(name, fn):
        cells = []
        for s in sizes:
            try:
                cells.append(fn(s))
            except (KeyError, TypeError, ZeroDivisionError, ValueError):
                cells.append("—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    fig = lambda s, k: s["figures"][k]  # noqa: E731
    rate = lambda s, k: f"{_f(fig(s, k))} ({s['rows'] / fig(s, k)['median_s'] / 1e6:.2f} M rows/s)"  # noqa: E731
    ratio = lambda a, b: a["median_s"] / b["median_s"]  # noqa: E731
    row("a. import Parquet, validated", lambda s: rate(s, "a. import Parquet (mentions, validated)"))
    row("a. import CSV, validated", lambda s: rate(s, "a. import CSV (mentions, validated)"))
    row("a. engine build from the validated tables", lambda s: _f(fig(s, "a. engine build (validated tables to DuckDB)")))
    row("b. series: **engine**", lambda s: _f(fig(s, "b. filter change → series: engine")))
    row("b. series: raw DuckDB on Parquet (floor)", lambda s: _f(fig(s, "b. filter change → series: raw DuckDB on Parquet")))
    row("b. series: naive pandas", lambda s: _f(fig(s, "b. filter change → series: naive pandas")))
    row("b. engine ÷ raw DuckDB (target ≤ 1.5)", lambda s: f"{ratio(fig(s, 'b. filter change → series: engine'), fig(s, 'b. filter change → series: raw DuckDB on Parquet')):.2f}")
    row("b. pandas ÷ engine (target ≥ 3)", lambda s: f"{ratio(fig(s, 'b. filter change → series: naive pandas'), fig(s, 'b. filter change → series: engine')):.1f}")
    row("c. full score: **analyse()**", lambda s: _f(fig(s, "c. full escalation score: analyse()")))
    row("c. full score: raw DuckDB + the model", lambda s: _f(fig(s, "c. full escalation score: raw DuckDB")))
    row("c. full score: naive pandas + the model", lambda s: _f(fig(s, "c. full escalation score: naive pandas")))
    row("b + c (target < 250 ms)", lambda s: fmt_s(fig(s, "b. filter change → series: engine")["median_s"]
                                                   + fig(s, "c. full escalation score: analyse()")["median_s"]))
    row("d. every chart spec of the main view", lambda s: _f(fig(s, "d. every chart spec of the main view")))
    row("d. largest chart payload, rows (target ≤ 5,000)", lambda s: f"{max(s['payload_rows'].values()):,} ({max(s['payload_rows'], key=s['payload_rows'].get)})")
    row("e. AppTest: first run (load + page)", lambda s: fmt_s(s["apptest"]["first_run"]["median_s"]))
    row("e. AppTest: rerun after a filter change", lambda s: _f(s["apptest"]["rerun"]))
    row("`boilingpoint score --actor` (process)", lambda s: _f(s["cli"]["cli"]))
    row("`python -c` one DuckDB query (process)", lambda s: _f(s["cli"]["bare_query"]))
    row("CLI ÷ bare query (target < 3)", lambda s: f"{s['cli']['ratio']:.1f}")
    row("peak memory: load + score (target < 1.5 GiB)", lambda s: f"{s['memory']['peak_rss_mib']:,.0f} MiB")
    row("engine's tables in memory", lambda s: f"{s['memory']['engine_mib']:,.0f} MiB")
    row("on disk: first open (SQL checks, store by date)", lambda s: fmt_s(s["store"]["first_open_s"]))
    row("on disk: reopen (the store found by content)", lambda s: fmt_s(s["store"]["reopen_s"]))
    row("on disk: filter change → series", lambda s: fmt_s(s["store"]["series_s"]))
    row("on disk: full score (analyse)", lambda s: fmt_s(s["store"]["analyse_s"]))
    row("on disk: peak memory (first open + queries)", lambda s: f"{s['store']['peak_rss_mib']:,.0f} MiB")
    lines.append("")
    checks = {column(s): s["checks"] for s in sizes}
    lines.append("Same answers: " + "; ".join(
        f"{k}: series raw {c.get('raw_series_same')}, pandas {c.get('pandas_series_same')}; score raw {c.get('raw_score_same')}, "
        f"pandas {c.get('pandas_score_same')} ({c.get('buckets')} buckets, {c.get('events')} events, {c.get('pairs')} retraction pairs)"
        for k, c in checks.items()) + ".")
    if results.get("browser"):
        lines += ["", "| Chromium | cold: first chart | warm: first chart | warm: whole page | filter change → redrawn | each change | server RSS peak | load |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, b in results["browser"].items():
            if "error" in b:
                lines.append(f"| {name} | {b['error']} | | | | | | |")
                continue
            lines.append(
                f"| {name} | {b['cold_first_chart_ms'] / 1000:.2f} s | {b['warm_first_chart_median_ms']:.0f} ms | "
                f"{b['warm_full_page_median_ms']:.0f} ms | **{b['filter_change_median_ms']:.0f} ms** | "
                f"{', '.join(f'{x:.0f}' for x in b['filter_change_ms'])} | {b['server_rss_peak_mib']:,} MiB | "
                f"{b['load1_start']:.2f}→{b['load1_end']:.2f} |")
    lines += ["", *targets(results)]
    busy = [(column(s), k, f) for s in sizes for k, f in s["figures"].items() if f.get("note")]
    if busy:
        lines += ["", "Notes: " + "; ".join(f"{size} {k}: {f['note']}" for size, k, f in busy) + "."]
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[str]:
    """Each target of issues #7 and #18 against its figure, on each shape: met or missed (at
    10M rows where it says so)."""
    shapes = list(dict.fromkeys(s.get("shape", "sorted") for s in results["sizes"])) or ["sorted"]
    out = ["| target (issues #7, #18) | measured | |", "|---|---|---|"]
    for shape in shapes:
        out += _targets(results, shape)[2:]
    return out


def _targets(results: dict, shape: str) -> list[str]:
    by = {s["size"]: s for s in results["sizes"] if s.get("shape", "sorted") == shape}
    big = by.get("10M")
    out = ["| target | measured | |", "|---|---|---|"]
    tag = "" if shape == "sorted" else f" {shape}"

    def add(name, fn, ok):
        name = name.replace("10M:", f"10M{tag}:", 1)
        try:
            value = fn()
            out.append(f"| {name} | {value[0]} | {'met' if ok(value[1]) else '**missed**'} |")
        except (KeyError, TypeError, ZeroDivisionError, ValueError, AttributeError):
            out.append(f"| {name} | — | not measured |")

    fig = lambda k: big["figures"][k]["median_s"]  # noqa: E731
    series, raw, naive = (fig("b. filter change → series: engine"), fig("b. filter change → series: raw DuckDB on Parquet"),
                          fig("b. filter change → series: naive pandas")) if big else (None, None, None)
    add("10M: filter change within 1.5× the raw DuckDB query", lambda: (f"{series / raw:.2f}×", series / raw), lambda v: v <= 1.5)
    add("10M: filter change ≥ 3× faster than naive pandas", lambda: (f"{naive / series:.1f}×", naive / series), lambda v: v >= 3)
    add("10M: filter change + full score under 250 ms",
        lambda: (fmt_s(series + fig("c. full escalation score: analyse()")), series + fig("c. full escalation score: analyse()")),
        lambda v: v < 0.25)
    add("10M: `boilingpoint score --actor` under 3× a bare `python -c` query", lambda: (f"{big['cli']['ratio']:.1f}×", big["cli"]["ratio"]),
        lambda v: v < 3)
    add("10M: CSV import ≥ 3 M rows/s", lambda: (f"{big['rows'] / fig('a. import CSV (mentions, validated)') / 1e6:.2f} M rows/s",
                                              big["rows"] / fig("a. import CSV (mentions, validated)")), lambda v: v >= 3e6)
    add("10M: Parquet import under 2 s", lambda: (fmt_s(fig("a. import Parquet (mentions, validated)")), fig("a. import Parquet (mentions, validated)")),
        lambda v: v < 2)
    add("10M: peak memory under 1.5 GiB", lambda: (f"{big['memory']['peak_rss_mib']:,.0f} MiB", big["memory"]["peak_rss_mib"]),
        lambda v: v < 1536)
    add("every chart payload ≤ 5,000 rows, any size", lambda: (f"{max(max(s['payload_rows'].values()) for s in results['sizes']):,} rows",
                                                             max(max(s["payload_rows"].values()) for s in results["sizes"])),
        lambda v: v <= 5000)
    suffix = "" if shape == "sorted" else f" {shape}"
    b = results.get("browser", {}).get(f"1M{suffix}", {})
    add(f"1M{suffix} in Chromium: filter change → redrawn chart under 1 s", lambda: (f"{b['filter_change_median_ms']:.0f} ms", b["filter_change_median_ms"]),
        lambda v: v < 1000)
    b10 = results.get("browser", {}).get(f"10M{suffix}", {})
    add(f"10M{suffix} in Chromium: filter change → redrawn ≤ 500 ms", lambda: (f"{b10['filter_change_median_ms']:.0f} ms", b10["filter_change_median_ms"]),
        lambda v: v <= 500)
    return out


def update_doc(doc: Path, block: str) -> None:
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{DOC_BEGIN}\n{DOC_END}\n"
    if DOC_BEGIN not in text or DOC_END not in text:
        text += f"\n{DOC_BEGIN}\n{DOC_END}\n"
    head, rest = text.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    doc.write_text(f"{head}{DOC_BEGIN}\n{block}{DOC_END}{tail}")


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", default=None, help="default: $BENCH_SIZES or 100k 1M 10M")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    ap.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET_S", 900)),
                    help="seconds one figure may take in all; a slower one gets fewer runs (at least 3)")
    ap.add_argument("--skip", default=os.environ.get("BENCH_SKIP", ""), help=f"comma-separated: {', '.join(STEPS)}")
    ap.add_argument("--shapes", nargs="*", default=None,
                    help="data shapes (generate.py): sorted, real; default: $BENCH_SHAPES or both")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("BENCH_DATA", generate.DATA)),
                    help="where the generated files are (default: benchmarks/data, or $BENCH_DATA)")
    ap.add_argument("--browser-sizes", nargs="*", default=None, help="sizes the browser runs on besides the demo (default 1M, and 10M when measured)")
    ap.add_argument("--browser-only", action="store_true", help="only the Chromium measurements (and the demo's AppTest)")
    ap.add_argument("--doc", type=Path, help="rewrite the figures block of this file (only when 100k, 1M and 10M were all run)")
    ap.add_argument("--child", choices=("apptest", "memory", "store"), help=argparse.SUPPRESS)
    ap.add_argument("--events", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mentions", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child == "memory":
        print(json.dumps(child_memory(args.events, args.mentions)))
        return 0
    if args.child == "store":
        print(json.dumps(child_store(args.events, args.mentions, args.runs)))
        return 0
    if args.child == "apptest":
        print(json.dumps(child_apptest(args.events, args.mentions, args.runs), default=str))
        return 0

    sizes = args.sizes or os.environ.get("BENCH_SIZES", "100k 1M 10M").split()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    results: dict = {"started": started.isoformat(), "machine": measure.machine(), "runs": args.runs, "sizes": [],
                     "browser": {}}
    log(f"machine: {results['machine']}")
    shapes = args.shapes or os.environ.get("BENCH_SHAPES", " ".join(generate.SHAPES)).split()
    for label in [] if args.browser_only else sizes:
        for shape in shapes:
            load = measure.loadavg()[0]
            res = bench_size(label, args.runs, skip, args.budget, shape, args.data)
            res["load1_start"] = load
            results["sizes"].append(res)
            _save(results)
    if "browser" not in skip:
        browser_sizes = args.browser_sizes if args.browser_sizes is not None else [s for s in sizes if s in ("1M", "10M")]
        demo_actors = ["Amazon", "Microsoft", "Oracle", "Walmart", "ByteDance"][: args.runs]
        results["browser"]["demo"] = bench_browser("demo", None, args.runs, demo_actors, {})
        _save(results)
        for label in browser_sizes:
            for shape in shapes:  # both shapes of the files, as every other figure
                files = generate.generate(label, generate.parse_size(label), args.data, csv=False, shape=shape)
                actors = [f"Actor {i:03d}" for i in range(1, args.runs + 1)]
                name = label if shape == "sorted" else f"{label} {shape}"
                results["browser"][name] = bench_browser(name, files, args.runs, actors, {"from": FROM.isoformat(), "to": TO.isoformat()})
                _save(results)
    if "apptest" not in skip:
        log("\n== AppTest: demo ==")
        results["apptest_demo"] = child("apptest", None, args.runs)
    results["finished"] = dt.datetime.now(dt.UTC).isoformat()
    path = _save(results)
    block = render(results)
    (RESULTS / "bench-latest.md").write_text(block)
    print(block)
    log(f"results: {path}, {RESULTS / 'bench-latest.md'}")
    if args.doc:
        if set(generate.SIZES) <= set(sizes) and set(generate.SHAPES) <= set(shapes) and not skip and not args.browser_only:
            update_doc(args.doc, block)
            log(f"updated the figures in {args.doc}")
        else:
            log(f"not updating {args.doc}: it holds the full run (sizes {' '.join(generate.SIZES)}, "
                f"shapes {' '.join(generate.SHAPES)}, nothing skipped)")
    return 0


def _save(results: dict) -> Path:
    stamp = results["started"][:19].replace(":", "").replace("-", "")
    path = RESULTS / f"bench-{stamp}.json"
    text = json.dumps(results, indent=1, default=str)
    path.write_text(text)
    (RESULTS / "bench-latest.json").write_text(text)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
