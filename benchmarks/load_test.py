"""Load test: N real Chromium sessions open the demo at once against one local server.

Records errors (must be 0), time to the first chart and to the full page (p50, p95), and the
server's memory (resident set, from /proc). Only 127.0.0.1 is contacted; the loop is bounded.

    .venv/bin/python benchmarks/load_test.py --sessions 20
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


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "ui" / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


async def run(sessions: int, url: str, charts: int, timeout_ms: int) -> list[dict]:
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--charts", type=int, default=6, help="charts a session waits for (the demo's first tab draws 6)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a session may take")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--doc", type=Path, help="rewrite the load-test block of this file (BENCHMARKS.md)")
    ap.add_argument("--cold", action="store_true", help="do not open one warm-up session first (measure a cold cache)")
    args = ap.parse_args()
    port = free_port()
    server = start_server(port)
    load_before = os.getloadavg()[0]
    try:
        idle = rss_mib(server.pid)
        peak = idle
        start = time.perf_counter()
        results, peak = asyncio.run(_with_sampling(args, port, server.pid))
        wall = time.perf_counter() - start
        load = (load_before, os.getloadavg()[0])
    finally:
        server.terminate()
        server.wait(timeout=10)
    errors = [e for r in results for e in r["errors"]]
    firsts = [r["first_chart_s"] for r in results]
    fulls = [r["full_page_s"] for r in results]
    summary = {
        "sessions": args.sessions,
        "cache": "cold" if args.cold else "warm (one session opened first)",
        "errors": len(errors),
        "first_chart_p50_s": round(pct(firsts, 0.5), 2),
        "first_chart_p95_s": round(pct(firsts, 0.95), 2),
        "full_page_p50_s": round(pct(fulls, 0.5), 2),
        "full_page_p95_s": round(pct(fulls, 0.95), 2),
        "wall_s": round(wall, 1),
        "server_rss_idle_mib": round(idle, 0),
        "server_rss_peak_mib": round(peak, 0),
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}",
    }
    print(json.dumps(summary, indent=1))
    for e in errors[:10]:
        print("error:", e)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "sessions": results}, indent=1, default=str))
    if args.doc:
        write_doc(args.doc, summary, load)
    return 0 if not errors else 1


DOC_BEGIN = "<!-- loadtest:begin (written by benchmarks/load_test.py --doc; do not edit by hand) -->"
DOC_END = "<!-- loadtest:end -->"


def write_doc(doc: Path, s: dict, load: tuple[float, float]) -> None:
    """The summary as a table between the load-test markers of `doc`."""
    import datetime as dt

    table = "\n".join([
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {s['machine']}.", "",
        "| | value |", "|---|---|",
        f"| sessions | {s['sessions']} (cache {s['cache']}) |",
        f"| errors | **{s['errors']}** |",
        f"| time to first chart, p50 / p95 | {s['first_chart_p50_s']:.1f} s / {s['first_chart_p95_s']:.1f} s |",
        f"| time to the full first view, p50 / p95 | {s['full_page_p50_s']:.1f} s / {s['full_page_p95_s']:.1f} s |",
        f"| wall time for all {s['sessions']} | {s['wall_s']:.1f} s |",
        f"| server memory (RSS) idle → peak | {s['server_rss_idle_mib']:.0f} MiB → {s['server_rss_peak_mib']:.0f} MiB |",
        f"| load average (1 min) before → after | {load[0]:.2f} → {load[1]:.2f} |",
    ])
    text = doc.read_text()
    if DOC_BEGIN in text and DOC_END in text:
        head, rest = text.split(DOC_BEGIN, 1)
        text = head + DOC_BEGIN + "\n" + table + "\n" + DOC_END + rest.split(DOC_END, 1)[1]
    else:
        text += f"\n{DOC_BEGIN}\n{table}\n{DOC_END}\n"
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
    if not args.cold:
        await run(1, url, args.charts, int(args.timeout * 1000))  # the demo as someone already opened it
    results = await run(args.sessions, url, args.charts, int(args.timeout * 1000))
    done.set()
    await sampler
    return results, max(peak, rss_mib(pid))


if __name__ == "__main__":
    raise SystemExit(main())
