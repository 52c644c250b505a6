"""The lean coding of mention tables for the DuckDB engine (dashboard/query/duckdb_engine.py):
actor and source names as int32 positions in their sorted distinct values, and whether rows
are in date order already."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def name_codes(column: pa.ChunkedArray, names: pa.Array) -> pa.ChunkedArray:
    """Each row's position in the sorted `names` (int32; null stays null).

    Hashing ten million strings once (dictionary_encode) and mapping the few distinct
    values is several times faster than a per-row cast in SQL.
    """
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    chunks = []
    for chunk in column.chunks:
        where = pc.index_in(chunk.dictionary, value_set=names)
        chunks.append(pc.take(where, chunk.indices))
    return pa.chunked_array(chunks, pa.int32())


def sorted_names(*columns: pa.ChunkedArray) -> pa.Array:
    """The distinct non-null names in the columns, sorted as DuckDB's ORDER BY sorts them
    (byte order)."""
    parts = []
    for col in columns:
        if pa.types.is_dictionary(col.type):  # only the values some row uses
            col = pa.chunked_array([c.dictionary.take(pc.unique(c.indices).drop_null()) for c in col.chunks], col.type.value_type)
        parts.append(pc.unique(col.cast(pa.string())))
    names = pc.unique(pa.chunked_array(parts, pa.string())).drop_null() if parts else pa.array([], pa.string())
    return names.take(pc.sort_indices(names))


def date_sorted(table: pa.Table) -> bool:
    """Whether the rows are in date order already."""
    n = table.num_rows
    if n < 2:
        return True
    date = table.column("date")
    return bool(pc.all(pc.greater_equal(date.slice(1), date.slice(0, n - 1))).as_py() is not False)
