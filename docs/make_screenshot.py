"""Take the README's screenshot: the dashboard on the TikTok demo, 1280x720, as docs/screenshot.png.

Run it with `make screenshot`. It starts the app the way the browser tests do (tests/conftest.py:
`streamlit run` on a free loopback port, then polls /_stcore/health), opens it in Debian's
Chromium through Playwright, waits until a chart has drawn, and writes a small palette PNG.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "ui" / "app.py"
OUT = REPO / "docs" / "screenshot.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
DRAWN = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
SIZE = {"width": 1280, "height": 720}
CHARTS = 6  # the demo's explore page draws six charts; wait for the last one
COLOURS = 128  # a palette this small keeps the picture well under 200 KB


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy at {url} within {timeout:.0f}s")


def capture(url: str) -> bytes:
    """The first screen of the page, as PNG bytes."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=SIZE, device_scale_factor=1)
            page.goto(url)
            expect(page.locator(DRAWN).nth(CHARTS - 1)).to_be_visible(timeout=60_000)
            page.wait_for_load_state("networkidle")
            return page.screenshot(clip={"x": 0, "y": 0, **SIZE})
        finally:
            browser.close()


def shrink(png: bytes) -> bytes:
    """Reduce to a palette PNG (Pillow comes with Streamlit); the original when Pillow is absent."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=COLOURS, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_app(port)
    try:
        try:
            wait_healthy(url, proc)
        except RuntimeError:
            proc.kill()
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            print(output[-3000:], file=sys.stderr)
            raise
        data = shrink(capture(url))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(REPO)} ({len(data) / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
