"""What an import tells its user: every row read is either loaded or rejected, with a reason.

Reason codes follow frictionless's names (blank-row, extra-cell, type-error, ...), plus the
file-level codes encoding-error, format-error and size-error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dashboard.contract import positive_settings

ROW_CODES = (
    "blank-header",
    "duplicate-label",
    "blank-label",
    "extra-label",
    "missing-label",
    "blank-row",
    "duplicate-row",
    "extra-cell",
    "missing-cell",
    "type-error",
    "constraint-error",
    "truncated-value",
    "format-error",
)
# Codes a report.error can carry (a contract column named twice is duplicate-label for the file).
FILE_CODES = ("encoding-error", "format-error", "size-error", "missing-label", "blank-header", "duplicate-label")


@dataclass(frozen=True)
class LoadLimits:
    """Caps checked before (or while) parsing, so a hostile file cannot exhaust memory.

    Defaults: 200 MB on disk (Streamlit's upload cap), 256 MB uncompressed, 10 million rows.
    Each is checked while the file is read, decompressed and parsed, so a hostile file is
    refused at a bounded cost (tests/loading/test_memory_bound.py: under 1 GiB in a fresh
    process); the largest valid text files they allow peak near 1.4 GB (mentions) and 1.7 GB
    (events) (BENCHMARKS.md). A
    deployment changes them with BOILINGPOINT_MAX_* (from_env). max_cell_chars defaults to 32,767, the longest
    cell a spreadsheet can hold.
    """

    max_bytes: int = 200 * 1024 * 1024
    max_uncompressed_bytes: int = 256 * 1024 * 1024
    max_columns: int = 500
    max_cell_chars: int = 32_767
    max_rows: int = 10_000_000
    max_listed_rejections: int = 100_000

    @classmethod
    def from_env(cls, environ: dict | None = None) -> LoadLimits:
        """The defaults, overridden by BOILINGPOINT_MAX_BYTES, _MAX_UNCOMPRESSED_BYTES,
        _MAX_COLUMNS, _MAX_CELL_CHARS, _MAX_ROWS (whole positive numbers)."""
        import os

        env = os.environ if environ is None else environ
        names = ("max_bytes", "max_uncompressed_bytes", "max_columns", "max_cell_chars", "max_rows")
        return cls(**positive_settings(env, {name: f"BOILINGPOINT_{name.upper()}" for name in names}))

    @classmethod
    def for_local_files(cls, environ: dict | None = None, memory_bytes: int | None = None) -> LoadLimits:
        """The limits of the user's own files, given on the command line or at launch (not uploads).

        They follow the machine, not the upload caps: a file may take up to 1/8 of the memory
        on disk, 1/4 once decompressed, and one row per 128 bytes of memory (a mention row
        loaded in memory peaks near 110 bytes; a big Parquet file stays on disk:
        dashboard/loading/on_disk.py) — on a 24 GiB machine 3 GiB, 6 GiB and 200 million rows.
        Never below the upload caps. BOILINGPOINT_LOCAL_MEMORY (bytes) says how
        much memory to plan for instead of the machine's. A BOILINGPOINT_MAX_* variable set higher
        (from_env) still raises its cap; columns and cell sizes keep theirs.
        """
        import os

        env = os.environ if environ is None else environ
        memory = positive_settings(env, {"memory": "BOILINGPOINT_LOCAL_MEMORY"}).get("memory") or memory_bytes or machine_memory()
        base = cls.from_env(environ)
        return replace(
            base,
            max_bytes=max(base.max_bytes, memory // 8),
            max_uncompressed_bytes=max(base.max_uncompressed_bytes, memory // 4),
            max_rows=max(base.max_rows, memory // 128),
        )


def machine_memory() -> int:
    """The machine's physical memory in bytes (8 GiB when the system does not say)."""
    import os

    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


DEFAULT_LIMITS = LoadLimits()


@dataclass(frozen=True)
class Rejection:
    """One reason a row was not loaded.

    record is the 1-based number of the data record (the header is not a record); line is
    the physical line it starts on, which differs from record when a header, a quoted
    newline or a blank line came before. line is None for formats without lines (Parquet).
    """

    record: int
    line: int | None
    column: str
    value: str
    code: str
    reason: str

    def describe(self) -> str:
        where = f"row {self.record}"
        if self.line is not None:
            where += f" (line {self.line})"
        col = f", column {self.column!r}" if self.column else ""
        return f"{where}{col}: {self.code}: {self.reason} [value: {_shorten(self.value)!r}]"


class LoadError(ValueError):
    """The file as a whole cannot be read as a table (empty, not text, too large, ...)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class LoadReport:
    """The account of one import: rows_read == loaded + rejected, always."""

    kind: str
    file_format: str = ""
    encoding: str = ""
    rows_read: int = 0
    loaded: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unlisted_rejections: int = 0
    notes: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    error: LoadError | None = None
    exact: bool = False  # the file holds exactly the loaded rows (a typed Parquet read as it is)

    @property
    def usable(self) -> bool:
        return self.error is None and self.loaded > 0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.loaded + self.rejected

    def summary(self) -> str:
        if self.error is not None:
            return f"{self.error.code}: {self.error.message}"
        return (
            f"{self.rows_read:,} {'row' if self.rows_read == 1 else 'rows'} read: {self.loaded:,} loaded, {self.rejected:,} rejected"
        )

    def lines(self) -> list[str]:
        """The report as plain text lines (CLI and tests)."""
        out = [f"kind: {self.kind}"]
        if self.file_format:
            out.append(f"format: {self.file_format}" + (f", {self.encoding}" if self.encoding else ""))
        out.append(self.summary())
        out.extend(f"note: {n}" for n in self.notes)
        out.extend(f"rejected {r.describe()}" for r in self.rejections)
        if self.unlisted_rejections:
            out.append(f"... and {self.unlisted_rejections:,} more rejections not listed")
        return out

    def rejections_frame(self):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "row": r.record,
                    "line": r.line,
                    "column": r.column,
                    "value": _shorten(r.value),
                    "reason code": r.code,
                    "reason": r.reason,
                }
                for r in self.rejections
            ],
            columns=["row", "line", "column", "value", "reason code", "reason"],
        )


def _shorten(value: str, limit: int = 80) -> str:
    value = value.replace("\x00", "\\0")
    return value if len(value) <= limit else value[: limit - 1] + "…"
