"""A dataset: the loaded events and mentions in one engine, with their load reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from dashboard.loading import LoadReport, LoadResult, ParquetSource, load_bytes, load_path
from dashboard.loading.load_report import LoadLimits
from dashboard.loading.options import ImportOptions
from dashboard.query.protocol import QueryEngine


@dataclass
class Dataset:
    engine: QueryEngine
    reports: dict[str, LoadReport]  # "events"/"mentions" -> report, for the files given
    key: str = ""  # what the data are (content digests): the cache key of everything derived

    @property
    def empty(self) -> bool:
        return not (self.engine.has_events or self.engine.has_mentions)


Source = bytes | Path | None


def content_digest(data: bytes) -> str:
    """The key a cached load is stored under: the file's content, never its name."""
    return hashlib.sha256(data).hexdigest()


def load_one(source: Source, kind: str, limits: LoadLimits | None = None, **options) -> LoadResult | None:
    """Load a file: a path is the user's own file (the limits follow the machine:
    LoadLimits.for_local_files), bytes are an upload (the deployment's caps: from_env);
    `limits`, when given, wins."""
    if source is None:
        return None
    if isinstance(source, Path):
        return load_path(source, kind, limits or LoadLimits.for_local_files(), **options)
    return load_bytes(source, kind, limits or LoadLimits.from_env(), **options)


def build_dataset(events: Source, mentions: Source, limits: LoadLimits | None = None,
                  options: ImportOptions | None = None, dictionary=None, engine: str | None = None,
                  only_actors: tuple[str, ...] = ()) -> Dataset:
    """Load whichever files are given and put their valid rows in a new engine.

    Limits default to those of load_one: a path (a file given on the command line or at
    launch) gets LoadLimits.for_local_files(), bytes (an upload) LoadLimits.from_env().
    `options` (column mappings, date layouts, actor dictionary, wide tables) go to each file
    as they concern its kind; `dictionary` (an ActorDictionary) overrides the options' file.
    `engine` names the query engine (dashboard.query: "duckdb", the default, or "spark").
    A Parquet mentions file given by path with at least on_disk_rows() rows (by default 5
    million, one per KiB of memory on a smaller machine; BOILINGPOINT_ON_DISK_ROWS) is
    validated in DuckDB and kept on disk, by date, cached by content
    (dashboard/loading/on_disk.py), when no option applies to it — on either engine: Spark
    then reads the loaded rows from disk (_loaded_rows_file), never from this process.
    `only_actors`: the engine keeps only the mention rows of these actors (and of the actors
    whose claims were retracted, whose coverage the claim/retraction pairs measure) — for a
    command that scores a few actors of a big file. Every row is still read and validated,
    and the report says how many the engine kept.
    ValueError when the options themselves are wrong.
    """
    kwargs: dict[str, dict] = {"events": {}, "mentions": {}}
    if (options is not None and options.given) or dictionary is not None:
        options = options or ImportOptions()
        dictionary = dictionary if dictionary is not None else options.dictionary()
        kwargs = {kind: options.load_kwargs(kind, dictionary) for kind in kwargs}
    from dashboard.query import check_engine, open_engine

    name = check_engine(engine)
    big = mentions if isinstance(mentions, Path) and not only_actors and not kwargs["mentions"] else None
    store = None if big is None else _mentions_on_disk(big, limits)
    if big is not None and store is not None:  # a big Parquet file: validated in DuckDB, its rows stay on disk
        ev = load_one(events, "events", limits, **kwargs["events"])
        reports = {k: r.report for k, r in (("events", ev), ("mentions", store[1])) if r is not None}
        if name == "duckdb":
            from dashboard.query.duckdb_engine import Engine

            return Dataset(Engine(events=None if ev is None else ev.table, mentions_store=store[0]), reports)
        # Spark reads the loaded rows from disk, never from this process.
        rows = _loaded_rows_file(big, store[0], store[1].report)
        return Dataset(open_engine(name, events=ev, mentions=rows), reports)
    loaded = {kind: load_one(src, kind, limits, **kwargs[kind]) for kind, src in (("events", events), ("mentions", mentions))}
    if only_actors and loaded["mentions"] is not None and loaded["mentions"].table is not None:
        _keep_actors(loaded["mentions"], set(only_actors) | _claim_actors(loaded["events"]))
    # The load results, not only their tables: an engine that reads Parquet itself (Spark)
    # takes a file whose rows are exactly the loaded ones from disk (LoadResult.source).
    queries = open_engine(engine, events=loaded["events"], mentions=loaded["mentions"])
    return Dataset(queries, {k: r.report for k, r in loaded.items() if r is not None})


def _mentions_on_disk(path: Path, limits: LoadLimits | None):
    """(store file, report) for a Parquet mentions file of at least on_disk_rows() rows that
    dashboard/loading/on_disk.py covers; None for every other file (loaded in memory)."""
    from dashboard.loading import LoadResult
    from dashboard.loading.on_disk import on_disk_rows, parquet_rows, store_mentions

    rows = parquet_rows(path)
    if rows is None or rows < on_disk_rows():
        return None
    kept = store_mentions(path, limits or LoadLimits.for_local_files())
    if kept is None:
        return None
    return kept[0], LoadResult(None, kept[1])


def _loaded_rows_file(path: Path, store: Path, report: LoadReport) -> Path:
    """A Parquet file holding exactly the rows a store's report loaded, for an engine that
    reads Parquet itself: the user's file when every row passed the checks unchanged (no
    suspect, no text whose tone was scored: report.exact), else the store's own rows exported
    by date (on_disk.store_parquet) — a rejected row never reaches the engine."""
    from dashboard.loading.on_disk import store_parquet
    from dashboard.query import parquet_in_place

    if report.exact and report.rejected == 0 and parquet_in_place(ParquetSource(path, 0)) is not None:
        return path
    return store_parquet(store)


def _claim_actors(events: LoadResult | None) -> set[str]:
    """The actors of the events that some event retracts."""
    if events is None or events.table is None or events.table.num_rows == 0:
        return set()
    import pyarrow.compute as pc

    table = events.table
    retracted = pc.drop_null(table.column("retracts")).unique()
    claims = table.filter(pc.is_in(table.column("id"), value_set=retracted))
    return {a for a in claims.column("actor").to_pylist() if a is not None}


def _keep_actors(result: LoadResult, actors: set[str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    table = result.table
    if table is None:
        return
    column = table.column("actor")
    wanted = pa.array(sorted(actors), pa.string())
    if pa.types.is_dictionary(column.type):  # decide per distinct value, then per row
        mask = pa.chunked_array([pc.take(pc.is_in(c.dictionary, value_set=wanted), c.indices) for c in column.chunks], pa.bool_())
    else:
        mask = pc.is_in(column, value_set=wanted)
    kept = table.filter(pc.fill_null(mask, False))
    if kept.num_rows < table.num_rows:
        result.report.notes.append(
            f"the engine holds the {kept.num_rows:,} mention rows of the actors asked for "
            f"(and of claims' actors), not all {table.num_rows:,}"
        )
    result.table = kept
    result.source = None  # the engine holds fewer rows than the file