"""Work over a table's chunks on every core.

Arrow's compute functions take a chunked column's chunks one after another, on one core.
Arrow's CSV reader gives a 10-million-row file as some thirty chunks (one per block read),
so the checks of a big import run a function on every chunk at once, in threads: Arrow's
kernels and numpy's array operations release the GIL while they work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pyarrow as pa

T = TypeVar("T")
U = TypeVar("U")


def map_chunks(fn: Callable[..., T], *columns: pa.ChunkedArray) -> list[T]:
    """[fn(chunk i of each column) for every i], in order, computed in threads.

    The columns must be cut alike (the columns of one table read by Arrow's CSV reader are:
    one chunk per block); else ValueError.
    """
    if not columns:
        return []
    cuts = [[len(c) for c in col.chunks] for col in columns]
    if any(cut != cuts[0] for cut in cuts):
        raise ValueError("the columns are not cut into chunks alike")
    parts = [[col.chunk(i) for col in columns] for i in range(columns[0].num_chunks)]
    return map_parallel(lambda part: fn(*part), parts)


def map_parallel(fn: Callable[[U], T], items: Iterable[U]) -> list[T]:
    """[fn(item) for item in items], in order, computed in threads (one per core at most)."""
    items = list(items)
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def chunked_or_none(fn: Callable[[pa.Array], pa.Array | None], values: pa.ChunkedArray,
                    out_type: pa.DataType) -> pa.ChunkedArray | None:
    """fn of every chunk of values, as one chunked column of out_type; None when fn says
    None for some chunk."""
    parts = map_chunks(fn, values)
    if any(part is None for part in parts):
        return None
    return pa.chunked_array(parts, type=out_type)
