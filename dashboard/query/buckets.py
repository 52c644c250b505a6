"""Bucket arithmetic shared by every query engine: a selection's span, its grid, the cap.

The bucket sizes and their lengths are the contract's (`dashboard.contract.BUCKET_STEPS`);
this module turns a selection and the data's first and last instants into the buckets a
series has, so that every engine makes the same grid.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.contract import MAX_BUCKETS, Selection, bucket_count, bucket_step, truncate


def selection_span(sel: Selection, data_lo: dt.datetime, data_hi: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The first and last bucket start of a selection whose matching data run from data_lo to
    data_hi: a chosen start or end date wins over the data's own edge."""
    lo, hi = data_lo, data_hi
    if sel.start is not None:
        lo = dt.datetime.combine(sel.start, dt.time())
    if sel.end is not None:
        hi = dt.datetime.combine(sel.end, dt.time(23, 59, 59))
    return truncate(lo, sel.bucket), truncate(hi, sel.bucket)


def chosen_span(sel: Selection) -> tuple[dt.datetime, dt.datetime] | None:
    """The bucket span of a selection with both dates chosen (None when either is open)."""
    days = sel.span_of_days()
    if days is None:
        return None
    return truncate(days[0], sel.bucket), truncate(days[1], sel.bucket)


def span_buckets(span: tuple[dt.datetime, dt.datetime] | None, bucket: str) -> int:
    """How many buckets a selection's span has (0 for no span: nothing matched)."""
    return 0 if span is None else bucket_count(*span, bucket)


def check_buckets(n: int, bucket: str) -> None:
    """ValueError when a selection would make more than MAX_BUCKETS points."""
    if n > MAX_BUCKETS:
        raise ValueError(
            f"the selection spans {n:,} {bucket}s; choose a shorter date range "
            f"or a coarser bucket (at most {MAX_BUCKETS:,} points per chart)"
        )


def grid_size(lo: dt.datetime, hi: dt.datetime, bucket: str) -> int:
    """The number of buckets from lo to hi, checked against the cap."""
    n = bucket_count(lo, hi, bucket)
    check_buckets(n, bucket)
    return n


def on_grid(rows: pd.DataFrame, lo: dt.datetime, n: int, bucket: str) -> pd.DataFrame:
    """Bucket rows (a `date` column) on the full grid of n buckets from lo; missing ones NaN."""
    grid = pd.DatetimeIndex(pd.Timestamp(lo) + pd.Timedelta(bucket_step(bucket)) * np.arange(n)).astype("datetime64[us]")
    frame = rows.set_index("date").reindex(grid)
    frame.index.name = "date"
    return frame.reset_index()
