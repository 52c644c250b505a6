"""Timing that says how busy the machine was: medians of N runs, each with the load average
and the share of the CPUs that *other* processes used while it ran.

Other engineers run their tests on the same 2-core machine. A run during which others took
more than QUIET_SHARE of the CPUs is noted and re-measured (up to twice, after a pause);
the figure kept is the median of the quietest N runs seen.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

QUIET_SHARE = 0.25  # others using more than a quarter of the machine: measure again
CPUS = len(os.sched_getaffinity(0))


def status_mib(pid: int | str = "self", field: str = "VmRSS", missing: float = float("nan")) -> float:
    """A memory figure of /proc/PID/status in MiB (VmRSS now, VmHWM the peak); `missing` when
    the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return missing


def loadavg() -> tuple[float, float, float]:
    a, b, c = Path("/proc/loadavg").read_text().split()[:3]
    return float(a), float(b), float(c)


def _cpu_busy() -> float:
    """Seconds of CPU time all processes have used (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    busy = sum(ticks) - ticks[3] - ticks[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    """CPU seconds used by this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Run:
    seconds: float
    load1: float  # the 1-minute load average when the run started
    others: float  # share of all CPUs used by other processes during the run (0..1)


@dataclass
class Figure:
    """One measured quantity: the median of its quietest runs, and how busy the machine was."""

    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def kept(self) -> list[Run]:
        return self.runs

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def load(self) -> float:
        return max((r.load1 for r in self.runs), default=float("nan"))

    @property
    def others(self) -> float:
        return statistics.median(r.others for r in self.runs) if self.runs else float("nan")

    def as_dict(self) -> dict:
        return {"name": self.name, "median_s": self.median, "n": len(self.runs), "load1_max": self.load,
                "others_cpu_median": self.others, "note": self.note, "runs": [asdict(r) for r in self.runs]}


def timed(fn: Callable[[], object], others_from_children: bool = False) -> tuple[float, Run, object]:
    """Run fn once; return its wall time, the run record and its result."""
    load1 = loadavg()[0]
    busy0, own0, t0 = _cpu_busy(), _own_cpu(), time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    busy, own = _cpu_busy() - busy0, _own_cpu() - own0
    others = max(0.0, busy - own) / (CPUS * wall) if wall > 0 else 0.0
    return wall, Run(wall, load1, round(min(1.0, others), 3)), result


def measure(name: str, fn: Callable[[], object], runs: int = 5, budget_s: float = 600.0,
            setup: Callable[[], None] | None = None, warmup: bool = False, log=print) -> tuple[Figure, object]:
    """Median of `runs` runs of fn (after `setup` each time, untimed).

    A run taken while others used more than QUIET_SHARE of the CPUs is kept but answered by
    an extra run after a pause (at most `runs` extra); the quietest `runs` runs are kept. When
    one run takes so long that `runs` of them would exceed `budget_s`, fewer are taken (at
    least 3) and the figure says so.
    """
    fig = Figure(name)
    result = None
    if warmup:
        if setup:
            setup()
        fn()
    want = runs  # runs to keep
    retries = runs  # extra runs allowed, one per busy run
    used = 0
    taken: list[Run] = []
    while len(taken) < want + used:
        if setup:
            setup()
        _, run, result = timed(fn)
        taken.append(run)
        if len(taken) == 1 and run.seconds * runs > budget_s and runs > 3:
            want = max(3, min(runs, int(budget_s // max(run.seconds, 1e-9))))
            retries = 0
            fig.note = f"{want} runs (one takes {run.seconds:.0f} s)"
        if run.others > QUIET_SHARE and retries > 0:
            retries -= 1
            used += 1
            time.sleep(min(10.0, 2 + run.seconds))
    fig.runs = sorted(taken, key=lambda r: r.others)[:want] if len(taken) > want else taken
    if len(taken) > want:
        fig.note = (fig.note + "; " if fig.note else "") + f"quietest {want} of {len(taken)} runs"
    busy = [r for r in fig.runs if r.others > QUIET_SHARE]
    if busy:
        fig.note = (fig.note + "; " if fig.note else "") + f"{len(busy)} run(s) with others > {QUIET_SHARE:.0%} CPU"
    log(f"  {name:58s} {fmt_s(fig.median):>10s}  n={len(fig.runs)}  load {fig.load:.2f}  others {fig.others:.0%}"
        + (f"  ({fig.note})" if fig.note else ""))
    return fig, result


def fmt_s(seconds: float) -> str:
    if seconds != seconds:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def wait_quiet(max_wait_s: float = 120.0, threshold: float = 1.0, log=print) -> float:
    """Wait (up to max_wait_s) for the 1-minute load average to fall below threshold."""
    start = time.monotonic()
    load = loadavg()[0]
    if load >= threshold:
        log(f"  load average {load:.2f}: waiting up to {max_wait_s:.0f} s for the machine to quieten")
    while load >= threshold and time.monotonic() - start < max_wait_s:
        time.sleep(5)
        load = loadavg()[0]
    return load


def machine() -> dict:
    """What the figures were measured on."""
    import duckdb
    import numpy
    import pandas
    import pyarrow

    info = {
        "cpu": cpu_model(),
        "cores": CPUS,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
    }
    for mod in ("streamlit", "altair", "ruptures", "playwright"):
        try:
            from importlib.metadata import version

            info[mod] = version(mod)
        except Exception:  # noqa: BLE001 — optional
            pass
    try:
        info["chromium"] = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                          timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        info["chromium"] = "absent"
    repo = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo, capture_output=True, text=True).stdout.strip()
        info["commit"] = commit + (" + uncommitted changes" if dirty else "")
    except OSError:
        pass
    info["executable"] = sys.executable
    return info


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
