"""The scored series as files: CSV guarded for spreadsheets, JSON for programs."""

from __future__ import annotations

import json
import math

import pandas as pd

from dashboard.model.escalation import SCORED_COLUMNS

# Order of the export: the headline columns first, then the components and the rest.
EXPORT_COLUMNS = [
    "date", "volume", "total", "expected", "attention_level", "attention_z", "attention_known", "attention_note",
    "baseline", "attention_ratio", "tone", "tone_reference", "negative_share", "severity", "conflict",
    "breadth", "c_attention", "c_tone", "c_severity", "c_breadth", "index", "stage", "direction", "phase",
    "alerts", "change_point", "events", "warmup",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def guard_cell(value):
    """OWASP CSV injection: a text cell a spreadsheet could run as a formula gets a leading '.

    Numbers are not text and stay numbers (a tone of -0.32 is written as -0.32).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _export_frame(table: pd.DataFrame) -> pd.DataFrame:
    assert set(EXPORT_COLUMNS) <= set(SCORED_COLUMNS)
    out = table[EXPORT_COLUMNS].copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def scored_csv(table: pd.DataFrame) -> str:
    out = _export_frame(table)
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith(("str", "string")):
            out[col] = out[col].map(guard_cell)
    return out.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def scored_json(table: pd.DataFrame) -> str:
    out = _export_frame(table)
    records = []
    for rec in out.to_dict(orient="records"):
        records.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()})
    return json.dumps(records, ensure_ascii=False, indent=1, default=_json_default) + "\n"


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
