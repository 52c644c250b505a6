"""Real-world formats, recognised from content, converted to the contract's columns.

- gdelt.py    GDELT Events 2.0 / 1.0, GKG 2.1 and Mentions (headerless TSV, or with a header)
- acled.py    ACLED exports
- mapping.py  any table through a column mapping, with the common date layouts (dates.py)
- wide.py     wide tables of counts (one column per actor), melted to mentions
- text.py     text-only mentions: actors found with an actor dictionary, tone with VADER

Each module turns the parser's raw table into a raw table with contract labels, rejecting
the rows it cannot convert with the file's own column names, and hands it to the one
validator: the load report's guarantees hold for every format.
"""

from __future__ import annotations

import pyarrow as pa

from dashboard.loading.formats.common import ACTOR_SEPARATOR, Converted

__all__ = ["ACTOR_SEPARATOR", "Converted", "explode_actors", "rename_rejection_columns"]


def explode_actors(table: pa.Table | list[pa.Table]) -> tuple[pa.Table, int]:
    """One row per actor where an actor cell holds several names; returns (table, rows that did).

    Given the table in a list (which it empties), each column of the table is let go as soon as
    its exploded copy is made: the table and its exploded copy are never held whole together."""
    import pyarrow.compute as pc

    if isinstance(table, list):
        table = table.pop()
    if table.num_rows == 0 or "actor" not in table.column_names:
        return table, 0
    parts = pc.split_pattern(table.column("actor"), ACTOR_SEPARATOR)
    several = int(pc.sum(pc.greater(pc.list_value_length(parts), 1)).as_py() or 0)
    if not several:
        return table, 0
    parents = pc.list_parent_indices(parts)
    flat = pc.list_flatten(parts)
    del parts
    at = table.column_names.index("actor")
    schema = table.schema.set(at, pa.field("actor", flat.type))
    columns = []
    for i in range(table.num_columns):
        columns.append(flat if i == at else table.column(0).take(parents))
        table = table.remove_column(0)  # (the column just copied, freed unless the caller holds the table)
    return pa.Table.from_arrays(columns, schema=schema), several


def rename_rejection_columns(report, sources: dict[str, str]) -> None:
    """Name the file's own columns in rejections the validator made under contract names."""
    from dataclasses import replace

    if not sources:
        return
    report.rejections = [
        replace(r, column=sources[r.column]) if r.column in sources else r for r in report.rejections
    ]
