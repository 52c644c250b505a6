"""The dashboard in a real Chromium: time to the first chart, and from a filter change to
the redrawn chart.

Times are read in the page's own clock. An init script notes every change Vega makes to a
chart (a DOM mutation inside a chart element for the SVG renderer the app uses; a canvas
clear for the canvas renderer) and the moment an actor's option is clicked. A chart counts as redrawn
when the app's rerun has finished, no element is stale, and no chart has changed for
QUIET_MS: the time kept is that of the last change.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules, when run as a script

from measure import status_mib  # noqa: E402

APP = REPO / "dashboard" / "ui" / "app.py"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
CHARTS = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'
QUIET_MS = 400

INIT = """
(() => {
  const bp = window.__bp = {draws: 0, first: 0, last: 0, key: 0, ran: false};
  const drew = () => {
    const now = performance.now();
    if (!bp.draws) bp.first = now;
    bp.draws += 1; bp.last = now;
  };
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (...args) { drew(); return clear.apply(this, args); };
  const CHART = '[data-testid="stVegaLiteChart"]';
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && el.closest && el.closest(CHART) && (el.closest('svg') || el.querySelector && el.querySelector('svg.marks'))) { drew(); return; }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('pointerdown', (e) => {
    if (e.target.closest && e.target.closest('[role="option"]')) { bp.key = performance.now(); bp.ran = false; }
  }, true);
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return setTimeout(watch, 20);
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') bp.ran = true;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  watch();
})();
"""

SETTLED = f"""([n, quiet]) => {{
  const bp = window.__bp, app = document.querySelector('[data-testid="stApp"]');
  if (!bp || !app) return false;
  if (app.getAttribute('data-test-script-state') === 'running') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelectorAll('{CHARTS}').length < n) return false;
  return bp.draws > 0 && performance.now() - bp.last > quiet;
}}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str], timeout: float = 120.0) -> tuple[str, subprocess.Popen]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.maxUploadSize", "2000"]
    if args:
        cmd += ["--", *args]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_mib(pid: int) -> float:
    return status_mib(pid, "VmRSS")


def _open(browser, url: str, charts: int, timeout_ms: int) -> tuple[object, float, float]:
    """A new page at url: (page, ms to the first chart, ms to every chart drawn and settled)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT)
    page = context.new_page()
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function("() => window.__bp && window.__bp.draws > 0", timeout=timeout_ms, polling=20)
    first = page.evaluate("() => window.__bp.first")
    page.wait_for_function(SETTLED, arg=[charts, QUIET_MS], timeout=timeout_ms, polling=50)
    full = page.evaluate("() => window.__bp.last")
    return page, float(first), float(full)


def _add_actor(page, actor: str, charts: int, timeout_ms: int) -> float:
    """Choose one more actor in the sidebar; ms from the click on its option to the last redraw."""
    box = page.locator('[data-testid="stMultiSelect"]').first.locator("input").first
    box.click()
    box.fill(actor)
    # The search is fuzzy ("Actor 001" also finds "Actor 013") and offers "Select all
    # matches" first: click the option whose label starts with the name.
    option = page.get_by_role("option", name=re.compile("^" + re.escape(actor) + "( ·|$)"))
    option.first.click(timeout=timeout_ms)
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.__bp.ran", timeout=timeout_ms, polling=20)
    page.wait_for_function(SETTLED, arg=[charts, QUIET_MS], timeout=timeout_ms, polling=50)
    return float(page.evaluate("() => window.__bp.last - window.__bp.key"))


def run(url: str, query: dict, actors: list[str], visits: int = 5, charts: int | None = None,
        timeout_s: float = 600.0, screenshot: Path | None = None, log=print) -> dict:
    """Cold first visit, `visits` warm visits, then one filter change per actor in `actors`.

    `charts`: how many charts a settled page has; None: as many as the first visit drew once
    its script had finished and no chart had changed for QUIET_MS."""
    from playwright.sync_api import sync_playwright

    target = url + "/?" + urllib.parse.urlencode(query, doseq=True) if query else url + "/"
    timeout_ms = int(timeout_s * 1000)
    out: dict = {"url_query": query, "warm_first_chart_ms": [], "warm_full_page_ms": [], "filter_change_ms": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            t0 = time.perf_counter()
            page, first, full = _open(browser, target, charts or 1, timeout_ms)
            if charts is None:  # as many as the settled first page drew (5 at 100M, 6 at 10M with dates)
                charts = int(page.evaluate(f"() => document.querySelectorAll('{CHARTS}').length"))
            out["charts"] = charts
            out["cold_first_chart_ms"] = first
            out["cold_full_page_ms"] = full
            out["cold_wall_s"] = time.perf_counter() - t0
            page.context.close()
            for _ in range(visits):
                page, first, full = _open(browser, target, charts, timeout_ms)
                out["warm_first_chart_ms"].append(first)
                out["warm_full_page_ms"].append(full)
                page.context.close()
            page, _, _ = _open(browser, target, charts, timeout_ms)
            for actor in actors:
                out["filter_change_ms"].append(_add_actor(page, actor, charts, timeout_ms))
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            out["final_url"] = page.url
            page.context.close()
        finally:
            browser.close()
    return out
