"""The canonical data contract: the two tables, their columns, ranges and defaults.

Everything that names a column, a range or an allowed value reads it from here, so the
loader, the engine, the CLI and the docs describe one and the same contract. So does every
concept more than one package needs: the stages, a selection, bucket sizes and their lengths,
the chart and bucket caps, and the negative-tone threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

Kind = Literal["events", "mentions"]
KINDS: tuple[Kind, ...] = ("events", "mentions")

ColumnType = Literal["datetime", "text", "number", "integer"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    meaning: str = ""


EVENT_TYPES: tuple[str, ...] = (
    "statement",
    "threat",
    "policy",
    "action",
    "retraction",
    "response",
    "other",
)

# Severity assumed when an event has an event_type but no severity (Goldstein-like,
# -10 conflict ... +10 cooperation). Chosen to sit near the Goldstein values of the
# CAMEO roots these types usually map to: a public statement (CAMEO 01, "make public
# statement", 0 to -2), a threat (13, about -6), a restrictive policy or sanction
# (16/17, about -5 to -7), a material action (18-20, -8 to -10 — we take the milder end),
# a retraction/correction (de-escalating, +2), a response (a reply, mildly conflictual).
DEFAULT_SEVERITY: dict[str, float] = {
    "statement": -1.0,
    "threat": -6.0,
    "policy": -5.0,
    "action": -7.0,
    "retraction": 2.0,
    "response": -1.0,
    "other": 0.0,
}

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("date", "datetime", required=True, meaning="when it happened (stored as UTC)"),
    Column("actor", "text", required=True, meaning="who acted"),
    Column("headline", "text", required=True, meaning="one line: what happened"),
    Column("target", "text", meaning="who it was aimed at"),
    Column("event_type", "text", allowed=EVENT_TYPES, meaning="kind of event"),
    Column(
        "severity",
        "number",
        minimum=-10.0,
        maximum=10.0,
        meaning="conflict (-) to cooperation (+); default from event_type",
    ),
    Column("source", "text", meaning="where it was reported"),
    Column("url", "text", meaning="link to the report"),
    Column("id", "text", meaning="stable id (derived from content if absent)"),
    Column("retracts", "text", meaning="id of the event this one retracts or corrects"),
)

MENTION_COLUMNS: tuple[Column, ...] = (
    Column("date", "datetime", required=True, meaning="when it was published (stored as UTC)"),
    Column("actor", "text", required=True, meaning="which actor it is about"),
    Column("tone", "number", minimum=-1.0, maximum=1.0, meaning="negative (-1) to positive (+1)"),
    Column("text", "text", meaning="the mention itself; scored for tone when tone is absent"),
    Column("count", "integer", minimum=1, meaning="how many mentions this row stands for"),
    Column("source", "text", meaning="publication"),
    Column("url", "text", meaning="link"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"events": EVENT_COLUMNS, "mentions": MENTION_COLUMNS}

# A mentions file must carry at least one of these (BRIEF: "at least one of tone, text, count").
MENTION_SIGNAL_COLUMNS: tuple[str, ...] = ("tone", "text", "count")

# Cells equal to one of these (after trimming, case-insensitive) are missing values in
# optional number columns. Text columns treat only the empty cell as missing, so that an
# actor called "NA" (Namibia) or "None" stays what it is.
NUMBER_NULL_TOKENS: frozenset[str] = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "nil", "-", "--"}
)

STAGES: tuple[str, ...] = ("slow boil", "simmering", "boiling", "crisis")


def column_names(kind: Kind) -> tuple[str, ...]:
    return tuple(c.name for c in COLUMNS[kind])


def required_columns(kind: Kind) -> tuple[str, ...]:
    return tuple(c.name for c in COLUMNS[kind] if c.required)


def column(kind: Kind, name: str) -> Column:
    for c in COLUMNS[kind]:
        if c.name == name:
            return c
    raise KeyError(f"{kind} has no column {name!r}")


def check_kind(kind: str) -> Kind:
    if kind in KINDS:
        return cast(Kind, kind)
    raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


# --- what a user selects ----------------------------------------------------------------------

Bucket = Literal["hour", "day", "week"]
BUCKETS: tuple[Bucket, ...] = ("hour", "day", "week")  # fine to coarse
# The length of one bucket: the engines' grids, the explanation's "events in this bucket" and
# the charts' bar widths all read it from here. Weeks start on Monday (DuckDB's date_trunc).
BUCKET_STEPS: dict[str, dt.timedelta] = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(days=7),
}

MAX_BUCKETS = 5_000  # more points than this is not a chart but a wall
MAX_CHART_ROWS = MAX_BUCKETS  # the most rows any chart sends to the browser, whatever the input size

# VADER's documented threshold: a compound score <= -0.05 is negative. The engines count a
# mention as negative at or below it; the text scorer uses the same number.
NEGATIVE_TONE = -0.05

# The KPI "change in N buckets": the index now against the index this many buckets before.
KPI_CHANGE_BUCKETS = 7


def check_bucket(bucket: str) -> Bucket:
    if bucket in BUCKETS:
        return cast(Bucket, bucket)
    raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")


def bucket_step(bucket: str) -> dt.timedelta:
    """The length of one bucket of this size (ValueError for an unknown size)."""
    return BUCKET_STEPS[check_bucket(bucket)]


def truncate(t: dt.datetime, bucket: str) -> dt.datetime:
    """The start of t's bucket (weeks start on Monday, as DuckDB's date_trunc has it)."""
    if bucket == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - dt.timedelta(days=day.weekday()) if check_bucket(bucket) == "week" else day


def bucket_count(lo: dt.datetime, hi: dt.datetime, bucket: str) -> int:
    """How many buckets there are from the bucket starting at lo to the one starting at hi."""
    return int((hi - lo) / bucket_step(bucket)) + 1


@dataclass(frozen=True)
class NarrativeFilter:
    """A narrative as a filter: its name and the keywords or phrases that define it. A
    mention (or event) is in it when its text holds any keyword, case-insensitively, on word
    boundaries (dashboard/text/narratives.py). The keywords travel with the name, so a
    cached result keyed on a selection changes when a narrative is edited."""

    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """What the user asked to see. Empty tuples mean "all"; dates are inclusive UTC days."""

    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] = ()
    bucket: Bucket = "day"
    # Narratives as filters: a mention is kept when its text matches any of them (and an
    # event when its headline does). Only on an engine holding the mentions' texts.
    narratives: tuple[NarrativeFilter, ...] = ()

    def __post_init__(self) -> None:
        check_bucket(self.bucket)
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"the start date {self.start} is after the end date {self.end}")

    @property
    def step(self) -> dt.timedelta:
        """The length of one of this selection's buckets."""
        return BUCKET_STEPS[self.bucket]

    def span_of_days(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The chosen date range as the first instant and the last second, or None when open."""
        if self.start is None or self.end is None:
            return None
        return dt.datetime.combine(self.start, dt.time()), dt.datetime.combine(self.end, dt.time(23, 59, 59))


# --- deployment settings -------------------------------------------------------------------


def positive_settings(env: Mapping[str, str], keys: Mapping[str, str]) -> dict[str, int]:
    """{field: value} for each environment variable of `keys` ({field: VARIABLE}) that is set:
    a whole positive number (1_000 allowed), else ValueError naming the variable."""
    out = {}
    for name, key in keys.items():
        if key in env:
            try:
                value = int(str(env[key]).replace("_", ""))
            except ValueError:
                raise ValueError(f"{key} must be a whole number, not {env[key]!r}") from None
            if value <= 0:
                raise ValueError(f"{key} must be above 0, not {value}")
            out[name] = value
    return out
