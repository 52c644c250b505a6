"""Any table through a column mapping: name which of the file's columns hold the contract's.

`mapping={"date": "Time", "text": "Headlines", "actor": "airline"}` says that the file's
column `Time` is the contract's `date`, and so on. Source names are matched exactly, else
without regard to case and surrounding spaces. Columns the mapping does not name are kept
(as extra columns, or as contract columns when that is already their name). A file column
that is named like a contract column the mapping fills from elsewhere is kept under
"<name> (not mapped)", so nothing is overwritten.

Dates in the mapped date column are read by `dates.normalise_dates` (ISO 8601, 2/24/2015
11:35, 21 March 2020, 18-Jul-20, Jul 18 2020, 7:51 PM ET Fri, 17 July 2020, or a declared
format): each cell either converts or its row is rejected naming the file's column and
value. A row whose mapped cells are all empty is a blank-row (a file holding several tables
side by side, like TikTokUserTweets.csv, is blank below the end of the shorter ones).
"""

from __future__ import annotations

import functools

import pyarrow as pa

from dashboard.contract import check_kind, column_names
from dashboard.loading.formats.common import Converted, drop_rows, plural
from dashboard.loading.formats.dates import DateReader
from dashboard.loading.load_report import LoadError, Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column


def check_mapping(kind: str, mapping: dict[str, str] | None) -> dict[str, str]:
    """The mapping with trimmed names; ValueError when a key is not a column of `kind`."""
    if not mapping:
        return {}
    allowed = column_names(check_kind(kind))
    out: dict[str, str] = {}
    for key, source in mapping.items():
        name = str(key).strip().lower()
        if name not in allowed:
            raise ValueError(f"the mapping names {key!r}, which is not a {kind} column ({', '.join(allowed)})")
        if not str(source).strip():
            raise ValueError(f"the mapping gives no file column for {name!r}")
        out[name] = str(source).strip()
    return out


def find_label(labels: list[str], wanted: str) -> int | None:
    """The position of a file column: exact name first, then trimmed and case-insensitive."""
    if wanted in labels:
        return labels.index(wanted)
    key = wanted.strip().lower()
    for i, label in enumerate(labels):
        if label.strip().lower() == key:
            return i
    return None


def apply_mapping(
    raw: RawTable,
    mapping: dict[str, str],
    date_format: str | None = None,
    timezone: str | None = None,
    date_column: str = "date",
) -> Converted:
    """Relabel the mapped columns with contract names and read the date column's cells."""
    labels = list(raw.labels)
    table = raw.table
    notes: list[str] = []
    positions: dict[str, int] = {}
    for target, source in mapping.items():
        i = find_label(labels, source)
        if i is None:
            found = ", ".join(repr(lab) for lab in raw.labels[:12]) or "none"
            raise LoadError(
                "missing-label",
                f"the column mapping names {source!r} for {target}, but the file has no such column; its columns are: {found}",
            )
        positions[target] = i
    sources = {target: raw.labels[i].strip() for target, i in positions.items()}
    # A file column already named like a contract column that the mapping fills from another column.
    for i, label in enumerate(raw.labels):
        key = label.strip().lower()
        if key in mapping and positions[key] != i:
            labels[i] = f"{label.strip()} (not mapped)"
            notes.append(f"the file's column {label.strip()!r} is kept as {labels[i]!r}: the mapping fills {key} from {sources[key]!r}")
    claimed: dict[int, str] = {}
    for target, i in positions.items():
        if i in claimed:
            # One file column mapped to two contract columns: give the second its own copy.
            table = table.append_column(raw_column(len(labels)), table.column(raw_column(i)))
            labels.append(target)
        else:
            claimed[i] = target
            labels[i] = target
    notes.insert(0, "columns mapped: " + ", ".join(f"{t} ← {s!r}" for t, s in sources.items()))
    mapped = RawTable(labels, table, raw.rows_read, raw.file_format, list(raw.rejections), list(raw.notes) + notes, unlisted=raw.unlisted)
    mapped = _reject_blank_mapped(mapped, [positions[t] for t in positions], sources)
    if date_column in labels:
        mapped = read_dates(mapped, labels.index(date_column), sources.get(date_column, date_column), date_format, timezone)
    return Converted(mapped, sources)


def _reject_blank_mapped(raw: RawTable, positions: list[int], sources: dict[str, str]) -> RawTable:
    if not positions or raw.table.num_rows == 0:
        return raw
    import numpy as np
    import pyarrow.compute as pc

    first, *rest = sorted(set(positions))
    blank = blank_cells(raw.table.column(raw_column(first)))
    for i in rest:
        blank = pc.and_(blank, blank_cells(raw.table.column(raw_column(i))))
    rows = np.flatnonzero(np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(rows):
        return raw
    names = ", ".join(repr(s) for s in dict.fromkeys(sources.values()))
    records, lines = _where(raw, rows)
    bad = {int(row): Rejection(record, line, "", "", "blank-row", f"every mapped column ({names}) is empty")
           for row, record, line in zip(rows, records, lines)}
    raw = drop_rows(raw, bad)
    raw.notes.append(f"{plural(len(bad), 'row')} had every mapped column empty: rejected as blank-row")
    return raw


@functools.cache
def _blank_pattern() -> str:
    """A regular expression (RE2) of the cells that hold only what Python's str.strip removes."""
    import sys

    spaces = "".join(f"\\x{{{c:x}}}" for c in range(sys.maxunicode + 1) if chr(c).isspace())
    return f"^[{spaces}]*$"


def blank_cells(column) -> pa.ChunkedArray:
    """True where a cell is missing or only white space (as Python's str.strip sees it), in Arrow:
    no Python string a cell. A typed (Parquet) column's cells are blank only when missing."""
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        try:
            column = column.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return pc.is_null(column)
    return pc.fill_null(pc.match_substring_regex(column, _blank_pattern()), True)


def _where(raw: RawTable, rows) -> tuple[list[int], list[int | None]]:
    """The records and lines of the rows at the given positions (only those made Python values)."""
    at = pa.array(rows, type=pa.int64())
    return raw.table.column(RECORD).take(at).to_pylist(), raw.table.column(LINE).take(at).to_pylist()


# Cells made Python strings at a time when a column's dates are read (a piece's list, not the column's).
PIECE_ROWS = 262_144


def _pieces(column: pa.ChunkedArray):
    for chunk in column.chunks:
        for start in range(0, len(chunk), PIECE_ROWS):
            yield chunk.slice(start, PIECE_ROWS)


def read_dates(raw: RawTable, position: int, shown: str, date_format: str | None, timezone: str | None) -> RawTable:
    """Replace the date column's cells by ISO text; reject the rows whose date cannot be read.
    The cells are read a piece at a time (DateReader), so Python holds one piece's strings."""
    col = raw.table.column(raw_column(position))
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return raw  # Parquet dates and numbers are typed: the validator reads them as they are
    reader = DateReader(date_format, timezone, shown, pieces=(piece.to_pylist() for piece in _pieces(col)))
    arrays: list[pa.Array] = []
    rows: list[int] = []
    failures: list[tuple[str, str]] = []
    offset = 0
    for piece in _pieces(col):
        values = piece.to_pylist()
        result = reader.read(values)
        arrays.append(pa.array(result.values, type=pa.string()))
        for i, reason in result.errors.items():
            rows.append(offset + i)
            failures.append(((values[i] or "")[:200], reason))
        offset += len(values)
        del values, result
    records, lines = _where(raw, rows)
    bad = {row: Rejection(record, line, shown, value, "type-error", reason)
           for row, record, line, (value, reason) in zip(rows, records, lines, failures)}
    dates = pa.chunked_array(arrays, type=pa.string())
    del arrays
    table = raw.table.set_column(position, raw_column(position), dates)
    out = RawTable(raw.labels, table, raw.rows_read, raw.file_format, list(raw.rejections), list(raw.notes) + reader.notes(), unlisted=raw.unlisted)
    return drop_rows(out, bad)
