"""Tiny series and analyses built by hand, shared by the model, chart and export tests; and the
real headlines the text tests read in place."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from dashboard.contract import Selection
from dashboard.loading import load_path
from dashboard.model.analysis import Analysis
from dashboard.model.escalation import DEFAULT_PARAMS

SB, SIM, BOIL, CRI = "slow boil", "simmering", "boiling", "crisis"
FREQ = {"hour": "h", "day": "D", "week": "W-MON"}  # weeks start on Monday, as the engines' buckets


def make_series(volume, tone=None, neg=None, min_sev=None, conflict=None, start="2024-01-01", freq="D"):
    """An engine-shaped series (dashboard.query.schema.SERIES_COLUMNS) of these values."""
    n = len(volume)
    nan = [float("nan")] * n
    return pd.DataFrame(
        {
            "date": pd.date_range(start, periods=n, freq=freq),
            "volume": volume,
            "toned": volume if tone is not None else [0] * n,
            "tone": tone if tone is not None else nan,
            "negative_share": neg if neg is not None else nan,
            "events": [0 if (min_sev is None or math.isnan(s)) else 1 for s in (min_sev or nan)],
            "min_severity": min_sev if min_sev is not None else nan,
            "conflict": conflict if conflict is not None else [0.0] * n,
            "actors": [1] * n,
            "sources": [1] * n,
        }
    )


def make_analysis(stages: list[str], index: list[float], volume: list[int] | None = None, bucket: str = "day",
                  start: str = "2024-01-01", events: pd.DataFrame | None = None) -> Analysis:
    """An Analysis whose scored table has these stages and index values, one per bucket."""
    n = len(stages)
    table = pd.DataFrame({
        "date": pd.date_range(start, periods=n, freq=FREQ[bucket]),
        "volume": volume or [10] * n,
        "index": index,
        "stage": stages,
        "direction": ["steady"] * n,
    })
    if events is None:
        events = pd.DataFrame({"date": pd.to_datetime(["2024-01-02"])})
    return Analysis(Selection(bucket=bucket), DEFAULT_PARAMS, table, events, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())


PUBLISHERS = {"cnbc_headlines.csv": "CNBC", "guardian_headlines.csv": "The Guardian", "reuters_headlines.csv": "Reuters"}


def load_headlines(external: Path, actors: Path) -> pa.Table:
    """financial-headlines-jul2020's three files, each loaded as its own mentions file (exact load
    report checked) with its publisher as source, in date order; skips when the folder is absent."""
    folder = external / "financial-headlines-jul2020"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    parts = []
    for name, publisher in PUBLISHERS.items():
        r = load_path(folder / name, "mentions", mapping={"date": "Time", "text": "Headlines"}, actors=actors)
        assert r.report.rows_read == r.report.loaded + r.report.rejected
        t = r.table.select(["date", "actor", "tone", "count", "text"])
        parts.append(t.append_column("source", pa.array([publisher] * t.num_rows, pa.string())))
    table = pa.concat_tables(parts)
    return table.take(pc.sort_indices(table, [("date", "ascending")]))
