"""The raw table every parser makes: cells as read, each record with its number and line.

Shared by the delimited, JSON and Parquet parsers (parse.py chooses one) and read by
validation and the format converters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from dashboard.loading.load_report import Rejection

RECORD = "_record"
LINE = "_line"


@dataclass
class RawTable:
    """Cells as read, before any conversion.

    table has columns c0..cN (one per label, text for text formats, typed for Parquet) plus
    _record and _line (and, for JSON, a boolean _nested_cI for each column where some cell
    held a list or object). labels are the header's names as written.
    """

    labels: list[str]
    table: pa.Table
    rows_read: int
    file_format: str
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unlisted: int = 0  # rejected records beyond the listed cap: counted, not kept (each a distinct record)


def plain_text(table: pa.Table) -> pa.Table:
    """The table with its dictionary-encoded text columns (a wide table's reading) as plain strings."""
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(f.type.value_type))
    return table


def raw_column(i: int) -> str:
    return f"c{i}"


def nested_column(rc: str) -> str:
    """The optional boolean column marking the cells of raw column rc that held a list or object."""
    return f"_nested_{rc}"


def physical_lines(text: str) -> list[str]:
    """Split on CR, LF and CRLF only, keeping the line ends.

    str.splitlines also breaks on form feeds, U+0085, U+2028 and other separators, which
    are ordinary characters inside a CSV cell or a JSON string.
    """
    return io.StringIO(text, newline="").readlines()


class Lines:
    """The physical lines of a text, one at a time, without a list of them all.

    Lines end at CR, LF or CRLF only (see physical_lines). `state()` and `reset()` let a
    reader go back to the start of a record; `line` is the number of lines read so far.
    """

    _END = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        m = self._END.search(self.text, self.pos)
        end = m.end() if m else len(self.text)
        out = self.text[self.pos:end]
        self.pos = end
        self.line += 1
        return out

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def state(self) -> tuple[int, int]:
        return self.pos, self.line

    def reset(self, state: tuple[int, int]) -> None:
        self.pos, self.line = state

    def peek(self, state: tuple[int, int]) -> str:
        """The line that starts at a saved state, without its line end."""
        pos = state[0]
        m = self._END.search(self.text, pos)
        return self.text[pos:m.start() if m else len(self.text)]


class RejectionLog:
    """Rejections listed up to a cap; past it only counted, so a file of a million bad rows
    holds a hundred thousand Rejection objects, not a million."""

    def __init__(self, cap: int, start: list[Rejection] | None = None):
        self.cap = max(0, cap)
        self.listed: list[Rejection] = list(start or [])
        self.unlisted = 0

    def add(self, rejection: Rejection) -> None:
        if len(self.listed) < self.cap:
            self.listed.append(rejection)
        else:
            self.unlisted += 1

    def __len__(self) -> int:
        return len(self.listed) + self.unlisted


class ChunkedRows:
    """Rows of text cells gathered into Arrow a chunk at a time, so that Python holds at most
    one chunk of lists (the Arrow columns are a few bytes a cell, Python lists ~60)."""

    CHUNK = 65_536

    def __init__(self, width: int):
        self.width = width
        self.rows: list[list[str]] = []
        self.records: list[int] = []
        self.lines: list[int | None] = []
        self.chunks: list[pa.Table] = []

    def add(self, row: list, record: int, line: int | None) -> None:
        self.rows.append(row)
        self.records.append(record)
        self.lines.append(line)
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows or not self.chunks:
            self.chunks.append(to_arrow(self.width, self.rows, self.records, self.lines))
        self.rows, self.records, self.lines = [], [], []

    def table(self) -> pa.Table:
        self.flush()
        table = pa.concat_tables(self.chunks) if len(self.chunks) > 1 else self.chunks[0]
        self.chunks = []
        return table


def first_long_cell(row: list[str], cap: int) -> int | None:
    if max(map(len, row)) <= cap:
        return None
    for i, cell in enumerate(row):
        if len(cell) > cap:
            return i
    return None


def to_arrow(width: int, cells: list[list], records: list[int], lines: Sequence[int | None]) -> pa.Table:
    columns = list(zip(*cells)) if cells else [()] * width
    arrays = {raw_column(i): pa.array(columns[i], type=pa.string()) for i in range(width)}
    arrays[RECORD] = pa.array(records, type=pa.int64())
    arrays[LINE] = pa.array(lines, type=pa.int64())
    return pa.table(arrays)
