"""The interface every query engine implements: what the model, the charts and the page ask of one.

`Engine` (embedded DuckDB, dashboard/query/duckdb_engine.py) and `IbisEngine` (Ibis on DuckDB
or Spark, dashboard/query/ibis_engine.py) both satisfy it; tests run the same queries on both.
Every method returns a small pandas frame or plain values — never raw mention rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import pandas as pd

from dashboard.contract import Selection


@runtime_checkable
class QueryEngine(Protocol):
    has_events: bool
    has_mentions: bool
    has_tone: bool
    has_text: bool  # whether any mention has a text (dashboard/text)

    def close(self) -> None: ...

    def date_bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last day with any event or mention (UTC), or None when empty."""

    def actor_counts(self) -> pd.DataFrame:
        """Every actor (or target) with its number of events and of mentions, busiest first."""

    def targets(self) -> list[str]: ...

    def event_types(self) -> list[str]: ...

    def bucket_count(self, sel: Selection) -> int:
        """How many buckets the selection's series has (0 when nothing matches)."""

    def series(self, sel: Selection) -> pd.DataFrame:
        """One row per bucket of the selection (columns: dashboard.query.schema.SERIES_COLUMNS)."""

    def volume(self, sel: Selection) -> pd.Series:
        """`series(sel)["volume"]` indexed by bucket date: the mentions per bucket alone."""

    def series_each(self, sel: Selection, actors: Iterable[str]) -> dict[str, pd.DataFrame]:
        """`series` of the selection narrowed to each of these actors."""

    def events_in(self, sel: Selection, limit: int = 2_000) -> pd.DataFrame: ...

    def volume_by_actor(self, sel: Selection) -> pd.DataFrame: ...

    def coverages(self, windows: list[tuple[str, dt.datetime, dt.datetime]]) -> list[tuple[float, float | None]]: ...

    def retraction_links(self, sel: Selection) -> pd.DataFrame: ...

    def matrix(self, sel: Selection, top: int = 12) -> pd.DataFrame: ...

    def top_actors(self, sel: Selection, n: int = 10) -> list[str]: ...

    def text_groups(self, sel: Selection, lo: dt.datetime, hi: dt.datetime, limit: int = 2_000,
                    order: str = "copies") -> pd.DataFrame:
        """The selection's distinct texts in [lo, hi) with their copies (dashboard/text/table.py)."""

    def text_total(self, sel: Selection, lo: dt.datetime, hi: dt.datetime) -> tuple[int, int]:
        """(text mentions, distinct texts) of the selection in [lo, hi)."""

    def text_evidence(self, sel: Selection) -> pd.DataFrame:
        """Per bucket: distinct sources, the top source's share, the share of copied texts."""
