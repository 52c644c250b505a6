"""Load test of the server: N Streamlit sessions at once, spoken at the websocket protocol level.

Each client is a few kilobytes of Python, not a browser: it opens /_stcore/stream, sends the
rerun BackMsg a browser sends (the query string), reads the ForwardMsg deltas until
script_finished, then changes a filter the way the actor multiselect does (a rerun BackMsg
whose widget state names the second busiest actor) and reads again. So the figures are the
server's: errors (an exception or error box, a failed run, a timeout: must be 0), time to the
last chart of the first view and of the filter change (p50, p95), and the server's resident
memory after each of three rounds (it must not grow). Only 127.0.0.1 is contacted; every loop
is bounded (a deadline per message and per session).

    .venv/bin/python benchmarks/load_test.py --sessions 50                 # the demo
    .venv/bin/python benchmarks/load_test.py --sessions 20 --dataset 1M    # benchmarks/generate.py's 1M files
    .venv/bin/python benchmarks/load_test.py --browsers 3                  # the small Chromium variant
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
DRAWN = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_server(port: int, files: list[str] = ()) -> subprocess.Popen:
    """`boilingpoint run` as a deployment starts it (the app's own config, metrics closed)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port), "--address", "127.0.0.1", *files],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def stop_server(server: subprocess.Popen) -> None:
    """Stop `boilingpoint run` and the Streamlit process it started (its own process group)."""
    import signal

    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


async def one_session(browser, url: str, charts: int, timeout_ms: int) -> dict:
    from playwright.async_api import Error

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_ms)
        await page.locator(DRAWN).first.wait_for(timeout=timeout_ms)
        first = time.perf_counter() - start
        await page.locator(DRAWN).nth(charts - 1).wait_for(timeout=timeout_ms)
        full = time.perf_counter() - start
        if await page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
            errors.append("an error box is on the page")
    except Error as exc:
        errors.append(str(exc).splitlines()[0])
        first = full = float("nan")
    finally:
        await context.close()
    return {"first_chart_s": first, "full_page_s": full, "errors": errors}


async def run_browsers(sessions: int, url: str, charts: int, timeout_ms: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return await asyncio.gather(*(one_session(browser, url, charts, timeout_ms) for _ in range(sessions)))
        finally:
            await browser.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(round(q * (len(values) - 1)))))
    return values[k]


class ProtocolSession:
    """One session spoken at the protocol level: open the page, then change the actor filter."""

    def __init__(self, port: int, query: str, timeout: float):
        self.uri = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.origin = f"http://127.0.0.1:{port}"
        self.query = query
        self.timeout = timeout
        self.errors: list[str] = []
        self.self_reruns = 0  # runs the script cut short itself with st.rerun (read on, not errors)
        self.actor_widget: tuple[str, list[str]] | None = None

    async def rerun(self, ws, widgets=None) -> dict:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_script_hash = ""
        if widgets:
            back.rerun_script.widget_states.widgets.extend(widgets)
        start = time.perf_counter()
        await ws.send(back.SerializeToString())
        return await self.read_until_finished(ws, start)

    async def read_until_finished(self, ws, start: float) -> dict:
        from streamlit.proto.Alert_pb2 import Alert
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        last_chart = float("nan")
        charts = messages = 0
        deadline = start + self.timeout
        while True:  # bounded: every message within the deadline, a session ends at script_finished
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), left))
            messages += 1
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what in ("vega_lite_chart", "arrow_vega_lite_chart"):
                    charts += 1
                    last_chart = time.perf_counter() - start
                elif what == "exception":
                    self.errors.append(f"exception: {element.exception.message[:120]}")
                elif what == "alert" and element.alert.format == Alert.ERROR:
                    self.errors.append(f"error box: {element.alert.body[:120]}")
                elif what == "multiselect" and element.multiselect.label == "Actors":
                    self.actor_widget = (element.multiselect.id, list(element.multiselect.options))
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    # The script asked for a rerun itself (st.rerun: the upload step, once an
                    # upload is kept, so the dataset menu lists it): a browser shows the next
                    # run, so read on to its end, within the same deadline.
                    self.self_reruns += 1
                    continue
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.errors.append(f"script finished with status {msg.script_finished}")
                total = time.perf_counter() - start
                return {"last_chart_s": last_chart if charts else total, "finished_s": total, "charts": charts,
                        "messages": messages}

    async def run(self) -> dict:
        import websockets
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        out: dict = {"errors": self.errors}
        try:
            async with websockets.connect(self.uri, subprotocols=["streamlit"], origin=self.origin, max_size=None,
                                          open_timeout=self.timeout) as ws:
                out["open"] = await self.rerun(ws)
                if self.actor_widget is None or len(self.actor_widget[1]) < 2:
                    self.errors.append("no actor filter with two actors on the page")
                    return out
                state = WidgetState(id=self.actor_widget[0])
                state.string_array_value.data.append(self.actor_widget[1][1])
                out["change"] = await self.rerun(ws, [state])
        except (OSError, TimeoutError, Exception) as exc:  # noqa: BLE001 - every failure is an error
            self.errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
        return out


async def protocol_round(port: int, sessions: int, query: str, timeout: float) -> list[dict]:
    return await asyncio.gather(*(ProtocolSession(port, query, timeout).run() for _ in range(sessions)))


def dataset_files(label: str) -> list[str]:
    """--events/--mentions for `boilingpoint run`: nothing for the demo, else generate.py's files."""
    if label == "demo":
        return []
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    files = generate.generate(label, generate.parse_size(label), csv=False)
    return ["--events", str(files["events_parquet"]), "--mentions", str(files["mentions_parquet"])]


def summarise(rounds: list[list[dict]], rss: list[float], idle: float, peak: float, args) -> dict:
    results = [r for rnd in rounds for r in rnd]
    errors = [e for r in results for e in r["errors"]]
    pick = lambda step, key: [r[step][key] for r in results if step in r]  # noqa: E731
    return {
        "clients": "protocol (websocket BackMsg/ForwardMsg)",
        "dataset": args.dataset,
        "sessions": args.sessions,
        "rounds": args.rounds,
        "errors": len(errors),
        "first_errors": errors[:5],
        "open_last_chart_p50_s": round(pct(pick("open", "last_chart_s"), 0.5), 2),
        "open_last_chart_p95_s": round(pct(pick("open", "last_chart_s"), 0.95), 2),
        "change_last_chart_p50_s": round(pct(pick("change", "last_chart_s"), 0.5), 2),
        "change_last_chart_p95_s": round(pct(pick("change", "last_chart_s"), 0.95), 2),
        "server_rss_idle_mib": round(idle, 0),
        "server_rss_after_rounds_mib": [round(x, 0) for x in rss],
        "server_rss_peak_mib": round(peak, 0),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}",
    }


async def _protocol(args, port: int, pid: int) -> tuple[list[list[dict]], list[float], float]:
    peak = 0.0
    done = asyncio.Event()

    async def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.ensure_future(sample())
    await protocol_round(port, 1, "", args.timeout)  # warm: the data loaded once, as after the first visitor
    rounds, rss = [], []
    for _ in range(args.rounds):
        rounds.append(await protocol_round(port, args.sessions, "", args.timeout))
        await asyncio.sleep(2)  # sessions closed: what the server keeps
        rss.append(rss_mib(pid))
    done.set()
    await sampler
    return rounds, rss, max(peak, *rss)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=50, help="concurrent protocol sessions per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dataset", default="demo", help="demo, or a benchmarks/generate.py size (1M)")
    ap.add_argument("--browsers", type=int, default=0, help="instead: this many real Chromium sessions (the small variant)")
    ap.add_argument("--charts", type=int, default=6, help="charts a browser session waits for (the demo's first tab draws 6)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a session may take")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--doc", type=Path, help="rewrite this run's block of this file (BENCHMARKS.md)")
    args = ap.parse_args()
    port = free_port()
    server = start_server(port, dataset_files(args.dataset))
    load_before = os.getloadavg()[0]
    try:
        idle = rss_mib(server.pid)
        if args.browsers:
            start = time.perf_counter()
            results, peak = asyncio.run(_with_sampling(args, port, server.pid))
            summary = _browser_summary(results, args, idle, peak, time.perf_counter() - start)
        else:
            rounds, rss, peak = asyncio.run(_protocol(args, port, server.pid))
            summary = summarise(rounds, rss, idle, peak, args)
            results = [r for rnd in rounds for r in rnd]
        load = (load_before, os.getloadavg()[0])
    finally:
        stop_server(server)
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "sessions": results}, indent=1, default=str))
    if args.doc:
        write_doc(args.doc, summary, load)
    return 0 if not summary["errors"] else 1


def _browser_summary(results: list[dict], args, idle: float, peak: float, wall: float) -> dict:
    errors = [e for r in results for e in r["errors"]]
    return {
        "clients": "Chromium", "dataset": args.dataset, "sessions": args.browsers, "errors": len(errors), "first_errors": errors[:5],
        "first_chart_p50_s": round(pct([r["first_chart_s"] for r in results], 0.5), 2),
        "first_chart_p95_s": round(pct([r["first_chart_s"] for r in results], 0.95), 2),
        "full_page_p50_s": round(pct([r["full_page_s"] for r in results], 0.5), 2),
        "full_page_p95_s": round(pct([r["full_page_s"] for r in results], 0.95), 2),
        "wall_s": round(wall, 1), "server_rss_idle_mib": round(idle, 0), "server_rss_peak_mib": round(peak, 0),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}",
    }


DOC_BEGIN = "<!-- loadtest:begin (written by benchmarks/load_test.py --doc; do not edit by hand) -->"
DOC_END = "<!-- loadtest:end -->"


def write_doc(doc: Path, s: dict, load: tuple[float, float]) -> None:
    """The summary as a table between this run's markers in `doc` (one block per client kind and dataset)."""
    import datetime as dt

    tag = f"{'browser' if s['clients'] == 'Chromium' else 'protocol'}-{s['dataset']}"
    begin, end = DOC_BEGIN.replace("loadtest:begin", f"loadtest:{tag}:begin"), DOC_END.replace("loadtest:end", f"loadtest:{tag}:end")
    rows = [f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {s['machine']}; {s['clients']} clients on the {s['dataset']} data.", "",
            "| | value |", "|---|---|", f"| sessions | {s['sessions']}" + (f" at once, {s['rounds']} rounds |" if "rounds" in s else " |"),
            f"| errors | **{s['errors']}** |"]
    if s["clients"] == "Chromium":
        rows += [f"| time to first chart, p50 / p95 | {s['first_chart_p50_s']:.1f} s / {s['first_chart_p95_s']:.1f} s |",
                 f"| time to the full first view, p50 / p95 | {s['full_page_p50_s']:.1f} s / {s['full_page_p95_s']:.1f} s |"]
    else:
        rows += [f"| open the page: time to its last chart, p50 / p95 | {s['open_last_chart_p50_s']:.2f} s / {s['open_last_chart_p95_s']:.2f} s |",
                 f"| change the actor filter: time to the last chart, p50 / p95 | {s['change_last_chart_p50_s']:.2f} s / "
                 f"{s['change_last_chart_p95_s']:.2f} s |",
                 f"| server RSS idle → after each round → peak | {s['server_rss_idle_mib']:.0f} → "
                 f"{' → '.join(f'{x:.0f}' for x in s['server_rss_after_rounds_mib'])} → {s['server_rss_peak_mib']:.0f} MiB |"]
    rows.append(f"| load average (1 min) before → after | {load[0]:.2f} → {load[1]:.2f} |")
    table = "\n".join(rows)
    text = doc.read_text()
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1]
    else:
        text += f"\n{begin}\n{table}\n{end}\n"
    doc.write_text(text)


async def _with_sampling(args, port: int, pid: int):
    peak = 0.0
    done = asyncio.Event()

    async def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.ensure_future(sample())
    url = f"http://127.0.0.1:{port}/"
    await run_browsers(1, url, args.charts, int(args.timeout * 1000))  # the demo as someone already opened it
    results = await run_browsers(args.browsers, url, args.charts, int(args.timeout * 1000))
    done.set()
    await sampler
    return results, max(peak, rss_mib(pid))


if __name__ == "__main__":
    raise SystemExit(main())
