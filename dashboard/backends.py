"""Which query engine a dataset runs on: the embedded DuckDB default, or Apache Spark.

`open_engine(name, events=..., mentions=...)` returns an object with the Engine interface
(dashboard/engine.py). The inputs are validated Arrow tables (or, for a Parquet file read
in place, the loader's ParquetSource).
"""

from __future__ import annotations

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"


def check_engine(name: str | None) -> str:
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"the engine must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def open_engine(name: str | None = None, events=None, mentions=None):
    name = check_engine(name)
    if name == "duckdb":
        from dashboard.engine import Engine

        return Engine(events=events, mentions=mentions)
    raise ValueError("the Spark engine is not available yet")
