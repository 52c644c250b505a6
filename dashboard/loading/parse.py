"""Text or Parquet bytes to a raw table of cells, with structural problems reported per row.

Every cell of a text format stays text here; converting values is validation.py's job. Each
record keeps its record number and the physical line it starts on, so that a report can
name both. The format is told from the content: delimited.py reads delimited text,
json_records.py JSON arrays and JSON Lines, and Parquet is read here.
"""

from __future__ import annotations

import io
import json

import pyarrow as pa

from dashboard.loading.delimited import parse_delimited
from dashboard.loading.json_records import parse_json_array, parse_json_lines
from dashboard.loading.load_report import LoadError, LoadLimits, Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column


def parse_text(text: str, limits: LoadLimits, expected: tuple[str, ...] = (), dictionary: bool = False) -> RawTable:
    """Parse CSV / TSV / semicolon / JSON array / JSON Lines text, detected from content
    (dictionary: delimited cells may come dictionary-encoded, see delimited._delimited_arrow)."""
    stripped = text.lstrip()
    if not stripped:
        raise LoadError("format-error", "the file is empty")
    scalar = _json_scalar(stripped)
    if scalar is not None:
        raise LoadError("format-error", f"the file is a single JSON value ({scalar}), not a table of records")
    if stripped[0] == "[":
        return parse_json_array(text, limits, expected)
    if stripped[0] == "{":
        return parse_json_lines(text, limits, expected)
    return parse_delimited(text, limits, expected, dictionary)


def _json_scalar(stripped: str) -> str | None:
    """Name the JSON value when the whole file is one number, string, true, false or null."""
    if stripped[0] not in '"-0123456789tfnNI':
        return None
    try:
        value = json.loads(stripped, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and stripped[0] == '"':
        return "a string"
    return "a number" if isinstance(value, str) else None


def parse_parquet(data: bytes | str, limits: LoadLimits) -> RawTable:
    """Read a Parquet file (bytes or a path) into a raw table; its columns keep their types."""
    import pyarrow.parquet as pq

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        pf = pq.ParquetFile(source)
        meta = pf.metadata
        if meta.num_rows > limits.max_rows:
            raise LoadError(
                "size-error", f"the Parquet footer declares {meta.num_rows:,} rows; the limit is {limits.max_rows:,}"
            )
        if meta.num_columns > limits.max_columns:
            raise LoadError(
                "size-error", f"the Parquet file has {meta.num_columns:,} columns; the limit is {limits.max_columns:,}"
            )
        table = pf.read()
    except LoadError:
        raise
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise LoadError("format-error", f"the Parquet file cannot be read ({type(exc).__name__}: {_first_line(exc)})") from None
    if table.num_rows != meta.num_rows:
        raise LoadError("format-error", f"the Parquet footer declares {meta.num_rows:,} rows but holds {table.num_rows:,}")
    labels = [str(name) for name in table.column_names]
    n = table.num_rows
    renamed = table.rename_columns([raw_column(i) for i in range(len(labels))])
    import numpy as np

    renamed = renamed.append_column(RECORD, pa.array(np.arange(1, n + 1, dtype=np.int64)))  # (no Python int a row)
    renamed = renamed.append_column(LINE, pa.nulls(n, type=pa.int64()))
    rejections = []
    bad = invalid_utf8(table)
    if bad:  # those rows are rejected, each naming its cell; the others load
        import pyarrow.compute as pc

        rejections = [Rejection(i + 1, None, column, value.decode("utf-8", "backslashreplace"), "encoding-error",
                                "the text is not valid UTF-8; write the file with UTF-8 text")
                      for i, (column, value) in sorted(bad.items())]
        renamed = renamed.filter(pc.invert(pc.is_in(renamed.column(RECORD), pa.array([i + 1 for i in bad], pa.int64()))))
    from dashboard.loading.arrow_types import portable

    return portable(RawTable(labels, renamed, n, "Parquet", rejections))[0]


def invalid_utf8(table: pa.Table) -> dict[int, tuple[str, bytes]]:
    """The rows (0-based) of a Parquet table holding a text cell that is not valid UTF-8 (a
    writer can store any bytes in a string column): row -> (the first such column, its bytes).
    Checked by Arrow in one pass per column; the rows are looked for only when one is bad."""
    bad: dict[int, tuple[str, bytes]] = {}
    for i, name in enumerate(table.column_names):  # by position: a name may repeat
        column = table.column(i)
        kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            continue
        offset = 0
        for chunk in column.chunks:
            values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            try:
                values.validate(full=True)
            except pa.ArrowInvalid:
                raw = values.view(pa.binary() if pa.types.is_string(kind) else pa.large_binary()).to_pylist()
                wrong = {j for j, v in enumerate(raw) if v is not None and not _is_utf8(v)}
                codes = chunk.indices.to_pylist() if values is not chunk else range(len(chunk))
                for row, code in enumerate(codes):
                    if code in wrong:
                        bad.setdefault(offset + row, (name, raw[code]))
            offset += len(chunk)
    return bad


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""
