"""Typed (Parquet) columns made readable by the validator, every Arrow type handled or reported.

DuckDB, which runs the checks, cannot scan some Arrow types (decimal256, what BigQuery's
BIGNUMERIC exports; float16; durations, unions, extension types, ...) and fails on
timestamps or dates beyond what it or Python can hold. Before validation each column is:

- kept as it is when DuckDB reads it exactly (integers, float32/64, decimal128, text,
  binary, booleans, dates and timestamps within the years 1-9999, lists and structs of those);
- float16 widened to float32 (exact); decimal256 written as its exact decimal text;
- any other type written as text, value by value (a note names the column and its type);
- a date or timestamp value outside the years 1-9999 rejects its row in the date column (a
  reason names the value) and is written as text in any other column.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.loading.load_report import Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column

FIRST = dt.datetime(1, 1, 1)
LAST = dt.datetime(9999, 12, 31, 23, 59, 59, 999999)
_UNIT_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_EPOCH_TO_FIRST_S = -62_135_596_800  # 0001-01-01T00:00:00 in seconds since 1970
_EPOCH_TO_LAST_S = 253_402_300_799  # 9999-12-31T23:59:59
RANGE_REASON = "outside the years 1 to 9999, which the dashboard can hold"


def _readable(t: pa.DataType) -> bool:
    """Whether DuckDB scans this type exactly (timestamps and dates: their range is checked apart)."""
    if pa.types.is_dictionary(t):
        return _readable(t.value_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _readable(t.value_type)
    if pa.types.is_struct(t):
        return all(_readable(t.field(i).type) for i in range(t.num_fields))
    return (
        pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_float32(t) or pa.types.is_float64(t)
        or pa.types.is_decimal128(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
        or pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_null(t)
        or pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_time(t)
    )


def _out_of_range(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """True where a timestamp or date value lies outside the years 1-9999 (None: no such type)."""
    t = values.type
    if pa.types.is_timestamp(t):
        per = _UNIT_PER_SECOND[t.unit]
        ints = values.cast(pa.int64())
        lo, hi = _EPOCH_TO_FIRST_S * per, (_EPOCH_TO_LAST_S + 1) * per - 1
    elif pa.types.is_date32(t):
        ints = values.cast(pa.int32()).cast(pa.int64())
        lo, hi = _EPOCH_TO_FIRST_S // 86_400, _EPOCH_TO_LAST_S // 86_400
    elif pa.types.is_date64(t):
        ints = values.cast(pa.int64())
        lo, hi = _EPOCH_TO_FIRST_S * 1000, (_EPOCH_TO_LAST_S + 1) * 1000 - 1
    else:
        return None
    lo, hi = max(lo, -(2**63)), min(hi, 2**63 - 1)  # nanoseconds: every int64 is within the years
    return pc.fill_null(pc.or_(pc.less(ints, lo), pc.greater(ints, hi)), False)


def _as_text(values: pa.ChunkedArray) -> pa.Array:
    try:
        return values.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
        return pa.array([None if v is None else str(v) for v in _python_values(values)], pa.string())


def _python_values(values: pa.ChunkedArray) -> list:
    """Values as Python objects; a timestamp beyond Python's years as its raw integer and unit."""
    t = values.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        ints = values.cast(pa.int64()) if not pa.types.is_date32(t) else values.cast(pa.int32())
        unit = t.unit if pa.types.is_timestamp(t) else ("days" if pa.types.is_date32(t) else "ms")
        return [None if v is None else f"{v} {unit} since 1970-01-01" for v in ints.to_pylist()]
    return values.to_pylist()


def portable(raw: RawTable, date_labels: tuple[str, ...] = ("date",)) -> tuple[RawTable, bool]:
    """The raw table with every column in a type the validator reads; (table, changed).

    Rows whose date column (a label in date_labels, trimmed, any case) holds a value outside
    the years 1-9999 are rejected here, with the value and the reason.
    """
    table = raw.table
    notes = list(raw.notes)
    changed = False
    bad_rows = None
    bad_values: dict[int, str] = {}
    for i, label in enumerate(raw.labels):
        rc = raw_column(i)
        values = table.column(rc)
        t = values.type
        is_date = label.strip().lower() in date_labels
        outside = _out_of_range(values)
        if outside is not None and pc.any(outside).as_py():
            changed = True
            if is_date:
                bad_rows = outside if bad_rows is None else pc.or_(bad_rows, outside)
                idx = pc.indices_nonzero(outside).slice(0, 100_000).to_pylist()
                shown = _python_values(values.take(pa.array(idx)))
                for row, value in zip(idx, shown):
                    bad_values.setdefault(row, str(value))
                continue
            table = table.set_column(i, rc, _as_text(values))
            notes.append(f"the column {label!r} holds {t} values outside the years 1-9999: kept as text")
            continue
        if _readable(t):
            continue
        changed = True
        if pa.types.is_float16(t):
            table = table.set_column(i, rc, values.cast(pa.float32()))
            continue
        table = table.set_column(i, rc, _as_text(values))
        if not pa.types.is_decimal(t):
            notes.append(f"the column {label!r} has the Arrow type {t}, which is read as text")
    rejections = list(raw.rejections)
    if bad_rows is not None:
        records = table.column(RECORD)
        lines = table.column(LINE)
        date_label = next(label for label in raw.labels if label.strip().lower() in date_labels)
        rows = pc.indices_nonzero(bad_rows)
        unlisted = max(0, len(rows) - 100_000)
        for row in rows.slice(0, 100_000).to_pylist():
            rejections.append(Rejection(records[row].as_py(), lines[row].as_py(), date_label.strip(),
                                        bad_values.get(row, ""), "constraint-error", RANGE_REASON))
        table = table.filter(pc.invert(bad_rows))
    else:
        unlisted = 0
    if not changed:
        return raw, False
    return RawTable(raw.labels, table, raw.rows_read, raw.file_format, rejections, notes, unlisted=raw.unlisted + unlisted), True
