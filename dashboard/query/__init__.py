"""Which query engine a dataset runs on: the embedded DuckDB default, or Apache Spark.

`open_engine(name, events=..., mentions=...)` returns an object with the Engine interface
(dashboard/query/duckdb_engine.py). The inputs are validated Arrow tables, or the loader's results
(`LoadResult`, whose `.table` is the Arrow table); for mentions loaded from a Parquet file
in place, the result's `.source` (a `ParquetSource`: `.path`, `.rejected`) lets Spark read
the file itself instead of receiving the rows from this process.

Nothing here imports DuckDB, Ibis or PySpark until an engine is opened: the command line
imports this module to list the engines.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.query.spark import SPARK_MASTER_ENV, spark_master

__all__ = ["DEFAULT_ENGINE", "ENGINES", "SPARK_MASTER_ENV", "check_engine", "engine_label", "open_engine", "spark_master"]

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"


def check_engine(name: str | None) -> str:
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise ValueError(f"the engine must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def engine_label(name: str | None) -> str:
    """What the engine is, in words: for the page."""
    return "DuckDB (embedded)" if check_engine(name) == "duckdb" else f"Apache Spark ({spark_master()})"


def arrow_table(loaded):
    """The Arrow table of an Arrow table, a LoadResult (materialised now) or None."""
    if loaded is None or not hasattr(loaded, "table"):
        return loaded
    return loaded.table


def parquet_in_place(loaded) -> Path | None:
    """The Parquet file an engine may read as it is, or None.

    `loaded` is a LoadResult (its `.source`) or the ParquetSource itself. Only a file whose
    every row was loaded (none rejected) is read in place: otherwise the engine would see
    rows that the load report says were dropped. Nor one with a `text` column: the loader
    scores the tone of text without one (VADER), which the file does not hold.
    """
    source = getattr(loaded, "source", None) if not hasattr(loaded, "path") else loaded
    if source is None or getattr(source, "rejected", None) != 0:
        return None
    path = Path(source.path)
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    names = {name.strip().lower() for name in pq.read_schema(path).names}
    return None if "text" in names else path


def check_spark_installed() -> None:
    """ValueError naming the extra to install when Ibis or PySpark is missing (imports neither)."""
    import importlib.util

    missing = [m for m in ("ibis", "pyspark") if importlib.util.find_spec(m) is None]
    if missing:
        raise ValueError(
            f"the Spark engine needs {' and '.join(missing)}: pip install 'boilingpoint[spark]' (make test-spark does)"
        )


def open_engine(name: str | None = None, events=None, mentions=None):
    """A new engine holding these events and mentions (Arrow tables, LoadResults or None).

    On Spark, `mentions` may also be the path of a Parquet file that holds exactly the
    loaded rows (a big file's store exported, or the file itself: dashboard/dataset.py):
    Spark reads it, the rows never pass through this process."""
    name = check_engine(name)
    if name == "duckdb":
        from dashboard.query.duckdb_engine import Engine

        return Engine(events=arrow_table(events), mentions=arrow_table(mentions))
    check_spark_installed()
    from dashboard.query.ibis_engine import IbisEngine
    from dashboard.query.spark import connect_spark

    in_place = mentions if isinstance(mentions, Path) else parquet_in_place(mentions)
    return IbisEngine(
        connect_spark(),
        events=arrow_table(events),
        mentions=in_place if in_place is not None else arrow_table(mentions),
    )
