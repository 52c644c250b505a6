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

    Given the table in a list (which it empties), the table is exploded a record batch at a
    time and each batch let go once its exploded copy is made: the table and its exploded copy
    are never held whole together (a batch's columns share their buffers, so letting a column
    go alone would free nothing)."""
    import pyarrow.compute as pc

    from dashboard.loading.heap import release_free_heap

    if isinstance(table, list):
        table = table.pop()
    if table.num_rows == 0 or "actor" not in table.column_names:
        return table, 0
    at = table.column_names.index("actor")
    several = int(pc.sum(pc.match_substring(table.column(at), ACTOR_SEPARATOR)).as_py() or 0)
    if not several:
        return table, 0
    schema = table.schema
    batches = table.to_batches()
    del table
    batches.reverse()
    out: list[pa.RecordBatch] = []
    while batches:
        batch = batches.pop()
        parts = pc.split_pattern(batch.column(at), ACTOR_SEPARATOR)
        parents = pc.list_parent_indices(parts)
        columns = [pc.list_flatten(parts) if i == at else batch.column(i).take(parents) for i in range(batch.num_columns)]
        del parts, parents, batch
        out.append(pa.RecordBatch.from_arrays(columns, schema=schema.set(at, pa.field("actor", columns[at].type))))
        del columns
        release_free_heap()
    return pa.Table.from_batches(out, schema=out[0].schema), several


def rename_rejection_columns(report, sources: dict[str, str]) -> None:
    """Name the file's own columns in rejections the validator made under contract names."""
    from dataclasses import replace

    if not sources:
        return
    report.rejections = [
        replace(r, column=sources[r.column]) if r.column in sources else r for r in report.rejections
    ]
