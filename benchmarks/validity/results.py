"""What a case hands back: measures (a figure against a target) and detail tables."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Target:
    """A target on a measure's value, e.g. Target(">=", 15, "≥ 15 of 16")."""

    op: str
    value: float
    text: str

    def met(self, value: float | None) -> bool | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return bool(_OPS[self.op](value, self.value))


@dataclass
class Measure:
    """One figure of one case. `key` is stable across runs (the baseline is keyed on it);
    `value` is the number the target is checked on, `shown` how it reads in the table."""

    key: str
    case: str
    name: str
    value: float | None
    shown: str
    target: Target | None = None  # None: reported for information, no target

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)

    def record(self) -> dict:
        return {"value": _plain(self.value), "shown": self.shown, "met": self.met}


@dataclass
class Detail:
    """A table behind a case's measures (per country, per seed...), keyed by its first
    `key_columns` columns so that a later run can be set beside this one row by row."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    key_columns: int = 1

    def record(self) -> dict:
        return {"title": self.title, "columns": self.columns, "rows": [[_plain(v) for v in r] for r in self.rows],
                "key_columns": self.key_columns}


@dataclass
class CaseResult:
    case: str
    title: str
    measures: list[Measure] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _plain(value):
    """Numbers as JSON can hold them (NaN as None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        value = float(value) if not isinstance(value, int) else value
        return None if isinstance(value, float) and math.isnan(value) else value
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return str(value)


def fmt_share(k: int, n: int) -> str:
    return f"{k} of {n}"


def fmt_pct(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f} %"
