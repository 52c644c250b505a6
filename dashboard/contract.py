"""The canonical data contract: the two tables, their columns, ranges and defaults.

Everything that names a column, a range or an allowed value reads it from here, so the
loader, the engine, the CLI and the README describe one and the same contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind  # type: ignore[return-value]
