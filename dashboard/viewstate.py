"""The view a URL describes: which dataset, actors, dates and bucket — and back again.

Pure: the UI reads the query string into a ViewState on a session's first run and writes
the current ViewState back after every run, so a copied link reopens the same view.
Unknown or malformed values are dropped and named, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dashboard.engine import BUCKETS

QUERY_KEYS = ("ds", "actor", "from", "to", "bucket")


@dataclass(frozen=True)
class ViewState:
    dataset: str | None = None
    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    bucket: str = "day"
    problems: tuple[str, ...] = field(default=(), compare=False)

    def to_query(self) -> dict[str, list[str]]:
        q: dict[str, list[str]] = {}
        if self.dataset:
            q["ds"] = [self.dataset]
        if self.actors:
            q["actor"] = list(self.actors)
        if self.start:
            q["from"] = [self.start.isoformat()]
        if self.end:
            q["to"] = [self.end.isoformat()]
        if self.bucket != "day":
            q["bucket"] = [self.bucket]
        return q


def _date(value: str, name: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"'{name}' is not a date (YYYY-MM-DD): {value[:40]!r}")
        return None


def from_query(query: Mapping[str, Sequence[str]], datasets: Sequence[str]) -> ViewState:
    """Read a view from query parameters (each key mapped to all its values)."""
    problems: list[str] = []

    def first(key: str) -> str | None:
        values = query.get(key) or []
        return values[-1] if values else None

    ds = first("ds")
    if ds is not None and ds not in datasets:
        problems.append(f"unknown dataset {ds[:40]!r}")
        ds = None
    actors = tuple(dict.fromkeys(a for a in (query.get("actor") or []) if a.strip()))
    start = _date(first("from"), "from", problems) if first("from") else None
    end = _date(first("to"), "to", problems) if first("to") else None
    if start and end and start > end:
        problems.append(f"'from' {start} is after 'to' {end}; both ignored")
        start = end = None
    bucket = first("bucket") or "day"
    if bucket not in BUCKETS:
        problems.append(f"unknown bucket {bucket[:20]!r}")
        bucket = "day"
    return ViewState(ds, actors, start, end, bucket, tuple(problems))


def clamp_dates(
    start: dt.date | None, end: dt.date | None, lo: dt.date, hi: dt.date
) -> tuple[dt.date, dt.date]:
    """A requested range cut to the data's bounds; the whole range when nothing fits."""
    s = max(start or lo, lo)
    e = min(end or hi, hi)
    if s > e:
        return lo, hi
    return s, e
