"""The tables every query engine holds: their columns and types, and how a loaded table is
made to fit them. One definition for DuckDB, Ibis and Spark alike."""

from __future__ import annotations

import pyarrow as pa

EVENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("date", pa.timestamp("us")),
        ("actor", pa.string()),
        ("target", pa.string()),
        ("event_type", pa.string()),
        ("severity", pa.float64()),
        ("headline", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("retracts", pa.string()),
        # Deaths, where the data have them (ACLED's `fatalities`); null elsewhere.
        ("fatalities", pa.float64()),
    ]
)
# The mention columns the engine reads; text and url are never queried, so never copied.
MENTION_SCHEMA = pa.schema(
    [
        ("date", pa.timestamp("us")),
        ("actor", pa.string()),
        ("tone", pa.float64()),
        ("count", pa.int64()),
        ("source", pa.string()),
    ]
)


def conform(table: pa.Table | None, schema: pa.Schema, keep_dictionary: tuple[str, ...] = ()) -> pa.Table:
    """The schema's columns of `table`, in its types (absent ones all null); others dropped.

    Columns named in keep_dictionary stay dictionary-encoded when they are (the codes are
    computed from the dictionary, not from millions of strings).
    """
    if table is None:
        return schema.empty_table()
    columns = []
    for f in schema:
        if f.name not in table.column_names:
            columns.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table.column(f.name)
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            col = col.cast(pa.timestamp(col.type.unit))  # the same instants, as naive UTC
        if f.name in keep_dictionary and pa.types.is_dictionary(col.type):
            col = col.cast(pa.dictionary(pa.int32(), f.type))
        elif f.name == "fatalities" and col.type != f.type:
            col = _counts(col)
        elif col.type != f.type:
            col = col.cast(f.type)
        columns.append(col)
    return pa.table(columns, names=schema.names)


def _counts(col) -> pa.ChunkedArray | pa.Array:
    """A column of counts kept as text (an importer's extra column) as numbers: a cell that is
    not a number of 0 or more is null, never an error (the importer has checked ACLED's)."""
    import pandas as pd  # only for files that carry such a column

    values = pd.to_numeric(pd.Series(col.to_pylist(), dtype="object"), errors="coerce")
    return pa.array(values.where(values >= 0), type=pa.float64(), from_pandas=True)


# The columns of a series, one row per bucket (QueryEngine.series). `fatalities` is the sum of
# the events' deaths, NaN where no event of the bucket says.
SERIES_COLUMNS = [
    "date", "volume", "toned", "tone", "negative_share", "events", "min_severity", "conflict", "fatalities",
    "actors", "sources",
]
