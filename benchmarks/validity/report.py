"""VALIDITY.md, the printed summary and the baseline file: the suite's results written down.

The baseline (baseline_v1.json) is a run of the suite itself, kept in git: a later run shows
its figures as "old" beside its own ("new"), measure by measure and detail row by row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from benchmarks.validity.results import CaseResult, Detail, Measure

OUTPUTS = ("VALIDITY.md", "benchmarks/validity/baseline_v1.json")  # not "uncommitted changes" of the code


def machine() -> dict:
    """What the figures were measured on: CPUs, CPU model, Python and library versions."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("pandas", "numpy", "duckdb", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model or platform.processor() or "unknown",
        "python": platform.python_version(),
        **versions,
    }


def git_state(repo: Path) -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    changed = [line[3:] for line in git("status", "--porcelain").splitlines() if line[3:] not in OUTPUTS]
    return {"commit": git("rev-parse", "--short=12", "HEAD") or "unknown", "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(changed)}


def run_record(results: list[CaseResult], label: str, repo: Path, seconds: float) -> dict:
    """Everything a run measured, as the baseline file keeps it."""
    return {
        "label": label,
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git_state(repo),
        "machine": machine(),
        "seconds": round(seconds, 1),
        "measures": {m.key: {"case": r.case, "name": m.name, "target": m.target.text if m.target else None, **m.record()}
                     for r in results for m in r.measures},
        "details": {d.key: d.record() for r in results for d in r.details},
    }


def read_baseline(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- rendering ------------------------------------------------------------------------------


def _met(value: bool | None) -> str:
    return "(info)" if value is None else ("met" if value else "**missed**")


def _old(measure: Measure, baseline: dict | None) -> str:
    old = (baseline or {}).get("measures", {}).get(measure.key)
    return "–" if old is None else old["shown"]


def _cell(value) -> str:
    text = "–" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _detail_rows(detail: Detail, baseline: dict | None) -> list[list]:
    """The detail's rows, a cell that changed since the baseline written `old → new`."""
    old = (baseline or {}).get("details", {}).get(detail.key)
    if old is None or old.get("columns") != detail.columns:
        return detail.rows
    k = detail.key_columns
    before = {tuple(str(v) for v in row[:k]): row for row in old["rows"]}
    out = []
    for row in detail.rows:
        prev = before.get(tuple(str(v) for v in row[:k]))
        if prev is None:
            out.append(row)
            continue
        out.append(row[:k] + [v if str(p) == str(v) else f"{p} → {v}" for p, v in zip(prev[k:], row[k:])])
    return out


def count_met(measures: list[Measure]) -> tuple[int, int]:
    targeted = [m for m in measures if m.target is not None]
    return sum(bool(m.met) for m in targeted), len(targeted)


def _old_met(results: CaseResult, baseline: dict | None) -> str:
    if baseline is None:
        return "–"
    old = [baseline["measures"].get(m.key) for m in results.measures if m.target is not None]
    if any(o is None for o in old):
        return "–"
    return f"{sum(bool(o['met']) for o in old)} of {len(old)}"


def markdown(results: list[CaseResult], record: dict, baseline: dict | None, skipped: list[str]) -> str:
    mach, git = record["machine"], record["git"]
    old_label = baseline["label"] if baseline else "v1"
    lines = [
        "# Validity of the escalation model (issue 13)",
        "",
        "Written by `make validity` (`benchmarks/validity/run.py --doc VALIDITY.md`); do not edit by hand.",
        "A measurement, not a test: every case is a real or synthetic story with a known outcome, each",
        f"figure is set against the target of issue 13, and the **old ({old_label})** column is the baseline",
        "`benchmarks/validity/baseline_v1.json` (a run of this suite on the model before v2), the **new**",
        "column this run. Targets the issue does not fix are marked as the suite's choice. In the detail",
        "tables a cell that changed since the baseline reads `old → new`.",
        "",
        "| | |",
        "|---|---|",
        f"| machine | {mach['nproc']} CPUs (nproc), {mach['cpu']} |",
        f"| software | Python {mach['python']}, pandas {mach['pandas']}, numpy {mach['numpy']}, duckdb {mach['duckdb']}, pyarrow {mach['pyarrow']} |",
        f"| date | {record['written']} |",
        f"| commit | `{git['commit']}` ({git['branch']}){' with uncommitted changes' if git['dirty'] else ''} |",
        f"| baseline ({old_label}) | " + (f"commit `{baseline['git']['commit']}`, {baseline['written']}" if baseline else "none yet") + " |",
        f"| runtime | {record['seconds']:.0f} s for the whole suite |",
        "",
        "## Summary",
        "",
    ]
    rows = []
    for r in results:
        met, total = count_met(r.measures)
        rows.append([r.title, _old_met(r, baseline), f"{met} of {total}", f"{r.seconds:.1f} s"])
    lines += _table(["case", f"targets met, old ({old_label})", "targets met, new", "time"], rows)
    for name in skipped:
        lines.append(f"\nNot run: {name}")
    for r in results:
        lines += ["", f"## {r.title}", ""]
        lines += _table(["measure", "target", f"old ({old_label})", "new", "met (new)"],
                        [[m.name, m.target.text if m.target else "–", _old(m, baseline), m.shown, _met(m.met)]
                         for m in r.measures])
        if r.notes:
            lines.append("")
            lines += [f"- {note}" for note in r.notes]
        for d in r.details:
            lines += ["", f"**{d.title}**", ""]
            lines += _table(d.columns, _detail_rows(d, baseline))
    lines.append("")
    return "\n".join(lines)


def print_summary(results: list[CaseResult], baseline: dict | None, stream=sys.stdout) -> None:
    old_label = baseline["label"] if baseline else "v1"
    header = ["measure", "target", f"old ({old_label})", "new", "met"]
    rows = []
    for r in results:
        rows.append([f"== {r.title} ({r.seconds:.1f} s)", "", "", "", ""])
        rows += [[m.name, m.target.text if m.target else "", _old(m, baseline), m.shown, _met(m.met).strip("*")]
                 for m in r.measures]
    widths = [min(72, max(len(str(row[i])) for row in rows + [header])) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(v)[: widths[i]].ljust(widths[i]) for i, v in enumerate(row)).rstrip(), file=stream)
