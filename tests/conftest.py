"""Shared fixtures: the repo's paths, the real external data, app and browser harnesses."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "ui" / "app.py"
EXTERNAL = REPO.parent / "shared" / "data" / "external"
CHROMIUM = Path(os.environ.get("BOILINGPOINT_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def skip_or_fail(message: str) -> None:
    """Skip with a message locally; in CI a missing prerequisite is a failure."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true: this may not be skipped)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def external() -> Path:
    """../shared/data/external: the real files nobody on this project wrote."""
    if not EXTERNAL.is_dir():
        skip_or_fail(f"the real data folder {EXTERNAL} is not beside the repo (clone ../shared next to it)")
    return EXTERNAL


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_data / cache_resource outlive an AppTest: start every test cold."""
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    if "dashboard.ui.vega" in sys.modules:
        sys.modules["dashboard.ui.vega"].clear_specs()


# --- browser -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
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


def start_app(extra_args: list[str] | None = None):
    """Start `streamlit run` on a free loopback port; return (url, process)."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    if extra_args:
        cmd += ["--", *extra_args]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
    except Exception:
        proc.kill()
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        raise RuntimeError(f"could not start the app:\n{out[-3000:]}") from None
    return url, proc


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url():
    url, proc = start_app()
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: drive Debian's Chromium (Playwright cannot download its own here)."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        skip_or_fail(
            f"browser tests need Chromium at {CHROMIUM}: run `make test` as root, "
            "or `sudo apt-get install -y chromium`"
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests save screenshots for a person to look at (git-ignored)."""
    path = REPO / "artifacts"
    path.mkdir(exist_ok=True)
    return path


# --- AppTest -------------------------------------------------------------------------------


def _chart_frames(at) -> list[dict]:
    """Every Vega-Lite chart on the page as {"spec": dict, "data": [DataFrame, ...]}."""
    import json

    import pyarrow as pa

    charts = []
    for el in at.get("vega_lite_chart"):
        frames = []
        for ds in el.proto.datasets:
            frames.append(pa.ipc.open_stream(ds.data.data).read_all().to_pandas())
        if el.proto.data.data:
            frames.append(pa.ipc.open_stream(el.proto.data.data).read_all().to_pandas())
        charts.append({"spec": json.loads(el.proto.spec), "data": frames})
    return charts


@pytest.fixture
def chart_frames():
    return _chart_frames


@pytest.fixture
def make_app():
    """An AppTest of the dashboard, opened as if from a link with these query parameters."""
    from streamlit.testing.v1 import AppTest

    def make(query: dict | None = None):
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at

    return make


HOSTILE_EVENTS = REPO / "tests" / "data" / "hostile_events.csv"
HOSTILE_MENTIONS = REPO / "tests" / "data" / "hostile_mentions.csv"


@pytest.fixture(scope="session")
def hostile_files() -> tuple[Path, Path]:
    """Events and mentions whose actors, headlines and column names hold HTML, script,
    markdown links and images, template syntax and Vega-special characters."""
    return HOSTILE_EVENTS, HOSTILE_MENTIONS


@pytest.fixture(scope="session")
def hostile_app_url(hostile_files):
    events, mentions = hostile_files
    url, proc = start_app(["--events", str(events), "--mentions", str(mentions)])
    yield url
    stop_app(proc)


REAL_EVENT_FILES = {
    "acled": ("acled-2020-afghanistan-sample", "ACLED.csv"),
    "gdelt": ("gdelt-v2-events-20180326", "20180326044500.export.CSV"),
}


@pytest.fixture(scope="session")
def real_file_urls(external):
    """The app on the ACLED and the GDELT events file from ../shared, one server each."""
    started = {name: start_app(["--events", str(external.joinpath(*parts))]) for name, parts in REAL_EVENT_FILES.items()}
    yield {name: url for name, (url, _) in started.items()}
    for _, proc in started.values():
        stop_app(proc)
