"""Import of events and mentions files with a load report.

`load_bytes` and `load_path` are the one entry point the UI and the CLI share: the file's
kind is decided from its content, every row read is loaded or rejected with a reason, and
file-level problems come back as the report's `error`, never as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from dashboard.contract import Kind, check_kind, column_names
from dashboard.loading.decode import decode_text, is_parquet, unwrap
from dashboard.loading.parse import parse_parquet, parse_text
from dashboard.loading.report import DEFAULT_LIMITS, LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.validate import score_missing_tone, validate

__all__ = [
    "DEFAULT_LIMITS",
    "LoadError",
    "LoadLimits",
    "LoadReport",
    "LoadResult",
    "Rejection",
    "load_bytes",
    "load_path",
]


@dataclass
class LoadResult:
    """The validated rows (an Arrow table, or None when the file was unusable) and the report."""

    table: pa.Table | None
    report: LoadReport

    def frame(self):
        """The rows as pandas (small tables and tests; the engine reads the Arrow table)."""
        return self.table.to_pandas() if self.table is not None else None


def load_bytes(
    data: bytes,
    kind: str,
    limits: LoadLimits = DEFAULT_LIMITS,
    encoding: str = "auto",
) -> LoadResult:
    """Load one file's bytes as `kind` ("events" or "mentions")."""
    kind = check_kind(kind)
    try:
        return _load(data, kind, limits, encoding)
    except LoadError as exc:
        return LoadResult(None, LoadReport(kind=kind, error=exc))


def load_path(path: str | Path, kind: str, limits: LoadLimits = DEFAULT_LIMITS, encoding: str = "auto") -> LoadResult:
    kind = check_kind(kind)
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return LoadResult(None, LoadReport(kind=kind, error=LoadError("format-error", f"cannot open the file: {exc.strerror}")))
    if size > limits.max_bytes:
        err = LoadError("size-error", f"the file is {size:,} bytes; the limit is {limits.max_bytes:,} bytes")
        return LoadResult(None, LoadReport(kind=kind, error=err))
    try:
        data = p.read_bytes()
    except OSError as exc:
        return LoadResult(None, LoadReport(kind=kind, error=LoadError("format-error", f"cannot read the file: {exc.strerror}")))
    return load_bytes(data, kind, limits, encoding)


def _load(data: bytes, kind: Kind, limits: LoadLimits, encoding: str) -> LoadResult:
    decoded = unwrap(data, limits)
    if is_parquet(decoded.data):
        raw = parse_parquet(decoded.data, limits)
        enc = ""
        notes = list(decoded.notes)
    else:
        text, enc, enc_notes = decode_text(decoded.data, encoding)
        notes = decoded.notes + enc_notes
        raw = parse_text(text, limits, expected=column_names(kind))
    table, report = validate(raw, kind, limits)
    report.encoding = enc
    report.notes[:0] = notes
    if decoded.container:
        report.file_format = f"{report.file_format} ({decoded.container})"
    if kind == "mentions":
        table = score_missing_tone(table, report)
    if report.loaded == 0:
        report.notes.append("no row could be loaded")
    return LoadResult(table, report)
