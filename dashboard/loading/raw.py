"""The raw table every parser makes: cells as read, each record with its number and line.

Shared by the delimited, JSON and Parquet parsers (parse.py chooses one) and read by
validation and the format converters.
"""

from __future__ import annotations

import io
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
