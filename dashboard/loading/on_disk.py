"""Big Parquet mentions files imported once into a DuckDB database file on disk, by date.

A mentions file too big to hold in memory (100 million rows) is validated and organised
here, without materialising its rows in Python or Arrow:

1. the checks of native.py run as DuckDB SQL over the file (`read_parquet`): each rule that
   could reject or change a row is a predicate; the rows that match one — the suspects,
   usually none — are counted, fetched (only they) and given to the full validator
   (validation.validate), so their fate and every rejection's row, column, value and reason
   are the full validator's;
2. the rows that pass, and the suspects the validator loaded, are written once into a DuckDB
   database file, ordered by date (DuckDB sorts out of core, spilling to disk past its memory
   limit), with actor and source as integer codes into two name tables — the engine's own
   layout (duckdb_engine.py), so a query reads only the row groups of its dates;
3. the load report is kept in the same file. The file is named by the SHA-256 of the Parquet
   file's bytes and lives under BOILINGPOINT_HOME/cache: opening the same content again reads
   the report and opens the table, in seconds.

A file with a `text` column keeps its texts in the same file, as the engine's text side table
(on_disk_text.py: its cells checked per row, the suspects through the validator as above).

The engine opens the file read-only (Engine(mentions_store=...)). Anything this path does not
cover — events, options, extra columns, unusual types, a file of many suspects — returns None,
and the caller takes the in-memory path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.contract import COLUMNS
from dashboard.loading.column_sql import MAX_WHOLE, sql_string
from dashboard.loading.load_report import LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.native import eligible, text_type
from dashboard.loading.on_disk_text import TEXT_ONLY, keep_text, row_sql, score_missing_tones, text_suspect_sql, vader_note, write_texts
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column
from dashboard.loading.validation import map_columns, validate

SCHEMA_VERSION = 2  # bump when the layout of the store changes: old files are rebuilt
MAX_SUSPECTS = 1_000_000  # more suspects than this: the in-memory path (they are validated in memory)
ON_DISK_ROWS = 5_000_000  # the default threshold (fewer on a machine with less than 5 GiB)


def on_disk_rows(environ=None, memory_bytes: int | None = None) -> int:
    """From how many rows a Parquet mentions file given by path is kept on disk:
    BOILINGPOINT_ON_DISK_ROWS, or 5 million (one row per KiB of memory on a smaller machine).
    Organised once by date and cached, such a file reopens in seconds and a query reads only
    its dates (BENCHMARKS.md); below it, the rows are loaded in memory."""
    from dashboard.contract import positive_settings
    from dashboard.loading.load_report import machine_memory

    env = os.environ if environ is None else environ
    given = positive_settings(env, {"rows": "BOILINGPOINT_ON_DISK_ROWS"}).get("rows")
    return given or min(ON_DISK_ROWS, (memory_bytes or machine_memory()) // 1024)


def cache_folder(environ=None) -> Path:
    from dashboard.store.db import data_home

    return data_home(environ) / "cache"


def file_digest(path: Path, max_bytes: int | None = None, chunk: int = 1 << 24) -> str:
    """SHA-256 of a regular file's bytes, read in chunks (memory stays flat); OSError for
    anything else (a FIFO or a device is never read) or a file over max_bytes."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb", closefd=True) as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise OSError(f"{path} is over {max_bytes:,} bytes")
        h = hashlib.sha256()
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _stat_key(path: Path) -> str:
    """What identifies a file's version without reading it: its resolved path, size, change
    and modification times (ns) and inode — the shortcut git's index takes."""
    info = path.stat()
    text = f"{path.resolve()}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}|{info.st_ino}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def known_digest(path: Path, folder: Path) -> str | None:
    """The content digest remembered for this very file version (None: hash the bytes).
    Reopening a 1.7 GB file then skips seconds of hashing."""
    try:
        digest = (folder / f"digest-{_stat_key(path)}").read_text().strip()
    except OSError:
        return None
    return digest if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) else None


def remember_digest(path: Path, folder: Path, digest: str) -> None:
    try:
        (folder / f"digest-{_stat_key(path)}").write_text(digest)
    except OSError:
        pass  # only a shortcut


def parquet_rows(path: Path) -> int | None:
    """The row count a Parquet file's footer claims (None when it is no Parquet file)."""
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # noqa: BLE001 - not Parquet, or damaged: the general path says what is wrong
        return None


def store_mentions(path: Path, limits: LoadLimits, folder: Path | None = None) -> tuple[Path, LoadReport] | None:
    """The database file holding this Parquet mentions file's valid rows (built now, or found
    in the cache), and its load report; None when the file is not one this path covers."""
    folder = folder or cache_folder()
    try:
        if not path.is_file() or path.stat().st_size > limits.max_bytes:
            return None  # the general path gives the size (or format) error
        digest = known_digest(path, folder) or file_digest(path, limits.max_bytes)
    except OSError:
        return None
    target = folder / f"mentions-{digest[:32]}-v{SCHEMA_VERSION}.duckdb"
    if target.exists():
        report = read_report(target)
        if report is not None:
            remember_digest(path, folder, digest)
            return target, report
    plan = _plan(path, limits)
    if plan is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        try:
            report = _build(path, tmp, plan, limits)
        except duckdb.InvalidInputException:
            report = None  # a cell DuckDB cannot read (text that is not UTF-8): the general path says which
        if report is None:
            return None
        tmp.replace(target)
        remember_digest(path, folder, digest)
    finally:
        for leftover in (tmp, tmp.with_suffix(tmp.suffix + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return target, report


def read_report(store: Path) -> LoadReport | None:
    """The load report kept in a store file (None when the file is unreadable or older)."""
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT version, report FROM load_report").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if not rows or rows[0][0] != SCHEMA_VERSION:
        return None
    data = json.loads(rows[0][1])
    data["rejections"] = [Rejection(**r) for r in data["rejections"]]
    data["error"] = None
    return LoadReport(**data)


def store_parquet(store: Path) -> Path:
    """A Parquet file of a store's loaded mentions — date (UTC), actor, tone, count, source, the
    names rather than their codes — in the store's order (by date), for an engine that reads
    Parquet itself (Spark: dashboard/query/ibis_engine.py). DuckDB streams the rows from the
    store into the file; none pass through Python. Written once beside the store (its name,
    .parquet; atomically), then reused: it holds exactly the rows the store's report loaded."""
    target = store.with_suffix(".parquet")
    if target.exists():
        return target
    tmp = store.with_suffix(f".parquet.tmp{os.getpid()}")
    con = duckdb.connect(str(store), read_only=True)
    try:
        con.execute("SET threads TO 2")
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET memory_limit = '1GB'")
        # The codes decoded by a list lookup, a projection: the rows keep the store's order
        # (a join with the name tables would not keep it).
        for table in ("actors", "sources"):
            con.execute(f"SET VARIABLE {table} = (SELECT coalesce(list(name ORDER BY id), []) FROM {table})")
        con.execute(
            "COPY (SELECT CAST(date AS TIMESTAMPTZ) AS date, getvariable('actors')[actor + 1] AS actor, tone, count, "
            "getvariable('sources')[source + 1] AS source FROM mentions) "
            f"TO {sql_string(str(tmp))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
        )
        tmp.replace(target)
    finally:
        con.close()
        if tmp.exists():
            tmp.unlink()
    return target


@dataclasses.dataclass(frozen=True)
class _Plan:
    labels: list[str]
    schema: pa.Schema
    contract: dict[str, str]  # contract column -> raw column name (c0...)
    notes: list[str]
    rows: int
    cleared: frozenset[str] = frozenset()  # contract columns whose footer statistics prove no suspect


def _plan(path: Path, limits: LoadLimits) -> _Plan | None:
    """Which column is which, from the footer alone; None when this path does not apply."""
    try:
        pf = pq.ParquetFile(path)
        schema, meta = pf.schema_arrow, pf.metadata
    except Exception:  # noqa: BLE001
        return None
    if meta.num_rows > limits.max_rows or meta.num_columns > limits.max_columns:
        return None
    labels = [str(n) for n in schema.names]
    if len(set(labels)) != len(labels):
        return None
    contract_cols = {c.name: c for c in COLUMNS["mentions"]}
    for i, label in enumerate(labels):
        col = contract_cols.get(label.strip().lower())
        t = schema.field(i).type
        # Extra columns, and types the validator converts: the in-memory path.
        if col is None or not eligible(col, t) or pa.types.is_dictionary(t):
            return None
        if col.type == "datetime" and pa.types.is_timestamp(t) and t.unit == "ns":
            return None
        if col.type == "text" and not text_type(t):
            return None
    empty = pa.table({raw_column(i): pa.array([], schema.field(i).type) for i in range(len(labels))})
    try:
        cmap, notes = map_columns(RawTable(labels, empty, 0, "Parquet"), "mentions")
    except LoadError:
        return None
    cleared = frozenset(name for name, rc in cmap.contract.items() if _stats_clear(meta, int(rc[1:]), contract_cols[name], schema))
    return _Plan(labels, schema, dict(cmap.contract), notes, meta.num_rows, cleared)


def _stats_clear(meta, i: int, col, schema: pa.Schema) -> bool:
    """Whether the row groups' statistics (nulls, minimum, maximum) prove that no value of
    column i is a suspect of its row-level rules (text values are checked per distinct value
    anyway). Missing statistics prove nothing."""
    import datetime as dt
    import math

    t = schema.field(i).type
    for g in range(meta.num_row_groups):
        st = meta.row_group(g).column(i).statistics
        if st is None or st.null_count is None:
            return False
        if col.type == "text":
            if col.required and st.null_count:
                return False
            continue
        if not st.has_min_max:
            if st.num_values == 0 and (not col.required or not st.null_count):
                continue  # an all-null group of an optional column
            return False
        lo, hi = st.min, st.max
        if col.type == "datetime":
            if st.null_count:
                return False
            if isinstance(lo, dt.datetime):
                if lo.year < 1000 or hi.year > 9998:
                    return False
            elif isinstance(lo, dt.date):
                if lo.year < 1000 or hi.year > 9998:
                    return False
            else:
                return False
            continue
        if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)):
            return False
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return False
        if (col.minimum is not None and lo < col.minimum) or (col.maximum is not None and hi > col.maximum):
            return False
        if col.type == "integer" and (not pa.types.is_integer(t) or hi > MAX_WHOLE):
            return False  # a float column may hold fractions between its bounds
    return True


def _suspect_sql(plan: _Plan, bad_texts: set[str]) -> tuple[str, dict[str, str]]:
    """One SQL predicate: the rows some rule of the validator could reject or change (as
    native._screen's screen, conservative); and each contract column's value expression."""
    conds: list[str] = []
    values: dict[str, str] = {}
    for col in COLUMNS["mentions"]:
        rc = plan.contract.get(col.name)
        if rc is None:
            continue
        t = plan.schema.field(int(rc[1:])).type
        skip = col.name in plan.cleared  # its statistics prove no suspect: no predicate to evaluate
        if col.type == "datetime":
            stamp = f"CAST({rc} AS TIMESTAMP)"
            if pa.types.is_timestamp(t) and t.tz is not None:
                stamp = f"CAST(timezone('UTC', {rc}) AS TIMESTAMP)"
            values[col.name] = stamp
            if not skip:
                conds.append(f"{rc} IS NULL OR {stamp} < TIMESTAMP '1000-01-01' OR {stamp} > TIMESTAMP '9999-12-31 23:59:59'")
        elif col.name in TEXT_ONLY:  # mostly distinct values: decided per row (on_disk_text.py)
            conds.append(f"{rc} IS NOT NULL AND ({text_suspect_sql(rc)})")
            values[col.name] = rc
        elif col.type == "text":
            # Decided once per distinct value (names_<rc>, made by _build): see _bad_text.
            # bad_texts: the columns with a value to check (usually none: only nulls are looked for).
            listed = f"{rc} IN (SELECT v FROM bad_{rc})" if rc in bad_texts else None
            if col.required and not (skip and not listed):
                conds.append(f"{rc} IS NULL OR {listed}" if listed else f"{rc} IS NULL")
            elif listed:
                conds.append(f"{rc} IS NOT NULL AND {listed}")
            values[col.name] = rc
        else:
            x = f"CAST({rc} AS DOUBLE)"
            bad = [f"isinf({x})"]
            if col.minimum is not None:
                bad.append(f"{x} < {col.minimum!r}")
            if col.maximum is not None:
                bad.append(f"{x} > {col.maximum!r}")
            if col.type == "integer":
                bad += [f"{x} <> round({x})", f"{x} > {MAX_WHOLE}"]
            # NaN is a missing value (as the text 'nan' is): it is neither compared nor a suspect.
            if not skip:
                conds.append(f"{rc} IS NOT NULL AND NOT isnan({x}) AND ({' OR '.join(bad)})")
            if col.type == "integer":
                values[col.name] = f"CAST(coalesce(CASE WHEN isnan({x}) THEN NULL ELSE {rc} END, 1) AS BIGINT)"
            else:
                values[col.name] = f"CASE WHEN isnan({x}) THEN NULL ELSE {x} END"
    return " OR ".join(f"coalesce({c}, false)" for c in conds) or "false", values


def _bad_text(v: str) -> str:
    """A text value the validator could reject or change: empty, spaces around it, or anything
    outside printable ASCII (a NUL, a control character, Unicode the text rules may normalise):
    the validator decides."""
    return f"{v} = '' OR trim({v}, ' \t\r\n') <> {v} OR NOT regexp_full_match({v}, '[\\x20-\\x7E]*')"


def _connect(db: Path | str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(db))
    con.execute("SET threads TO 2")
    con.execute("SET TimeZone = 'UTC'")
    # Out of core: DuckDB sorts and joins within this much memory, spilling past it.
    con.execute("SET memory_limit = '1GB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = {sql_string(tempfile.gettempdir() + '/boilingpoint-duckdb')}")
    return con


def _build(path: Path, db: Path, plan: _Plan, limits: LoadLimits) -> LoadReport | None:
    """Screen, validate the suspects, write the store; None when the suspects are too many."""
    cols = ", ".join(f'"{_ident(label)}" AS {raw_column(i)}' for i, label in enumerate(plan.labels))
    con = _connect(db)
    try:
        con.execute(
            f"CREATE TEMP VIEW src AS SELECT file_row_number + 1 AS {RECORD}, {cols} "
            f"FROM read_parquet({sql_string(str(path))}, file_row_number = true)"
        )
        texts = {c.name: plan.contract[c.name] for c in COLUMNS["mentions"]
                 if c.type == "text" and c.name in plan.contract and c.name not in TEXT_ONLY}
        bad_texts = _distinct_texts(con, list(texts.values()))
        suspect, values = _suspect_sql(plan, bad_texts)
        con.execute(f"CREATE TEMP TABLE suspects AS SELECT * FROM src WHERE {suspect}")
        n_suspects = con.execute("SELECT count(*) FROM suspects").fetchall()[0][0]
        if n_suspects > MAX_SUSPECTS:
            return None
        report = LoadReport(kind="mentions", file_format="Parquet")
        report.notes.extend(plan.notes)
        checked = _check_suspects(con, plan, limits, report) if n_suspects else None
        if n_suspects and checked is None:
            return None
        first, scored = _write_rows(con, plan, texts, values, suspect, checked)
        loaded = con.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
        stamp = plan.schema.field(int(plan.contract["date"][1:])).type
        if pa.types.is_timestamp(stamp) and stamp.tz is None and loaded:
            report.notes.append(
                f"{loaded:,} {'date has' if loaded == 1 else 'dates have'} a time of day but no time zone; "
                f"{'it was' if loaded == 1 else 'they were'} read as UTC (first at row {first})"
            )
        if scored:
            report.notes.append(vader_note(scored))
        report.rows_read = plan.rows
        report.loaded = int(loaded)
        report.columns = ["date", "actor", "tone", "count", "text", "source", "url"]
        if not report.balanced:  # an invariant: if it breaks, say so loudly rather than mislead
            raise RuntimeError(f"internal error: {plan.rows} rows read but {report.loaded} loaded + {report.rejected} rejected")
        report.exact = n_suspects == 0 and "text" not in plan.contract  # as native.py says of a file with texts
        if report.loaded == 0:
            report.notes.append("no row could be loaded")
        blob = dataclasses.asdict(report)
        blob.pop("error")
        con.execute("CREATE TABLE load_report (version INTEGER, report VARCHAR)")
        con.execute("INSERT INTO load_report VALUES (?, ?)", [SCHEMA_VERSION, json.dumps(blob)])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return report


def _distinct_texts(con, texts: list[str]) -> set[str]:
    """The distinct values of every text column (one pass over the file, into `names`), and
    each column's values the validator must see (bad_<rc>); returns the columns that have any."""
    if not texts:
        return set()
    sets = ", ".join(f"({rc})" for rc in texts)
    con.execute(f"CREATE TEMP TABLE names AS SELECT {', '.join(texts)} FROM src GROUP BY GROUPING SETS ({sets})")
    bad = set()
    for rc in texts:
        con.execute(f"CREATE TEMP TABLE bad_{rc} AS SELECT {rc} AS v FROM names WHERE {rc} IS NOT NULL AND ({_bad_text(rc)})")
        if con.execute(f"SELECT count(*) FROM bad_{rc}").fetchall()[0][0]:
            bad.add(rc)
    return bad


def _check_suspects(con, plan: _Plan, limits: LoadLimits, report: LoadReport) -> pa.Table | None:
    """The suspects through the full validator: its rejections go to the report, the rows it
    loads come back (registered as `checked`)."""
    sub = con.sql(f"SELECT * FROM suspects ORDER BY {RECORD}").to_arrow_table()
    sub = _as_file_types(sub, plan)
    if sub is None:
        return None
    sub = sub.append_column(LINE, pa.nulls(sub.num_rows, pa.int64()))
    checked, sub_report = validate(RawTable(plan.labels, sub, sub.num_rows, "Parquet"), "mentions", limits, keep_record=True)
    report.rejections = sub_report.rejections
    report.unlisted_rejections = sub_report.unlisted_rejections
    report.rejected = sub_report.rejected
    report.notes.extend(n for n in sub_report.notes if " normalised: Unicode NFC" in n)
    checked = keep_text(checked.select(["date", "actor", "tone", "count", "source", "text", "url", RECORD]))
    con.register("checked", checked)
    return checked


def _write_rows(con, plan: _Plan, texts: dict[str, str], values: dict[str, str], suspect: str,
                checked: pa.Table | None) -> tuple[int | None, int]:
    """The name tables and the mentions, coded and ordered by date (and the texts, when the
    file has them: on_disk_text.py); returns the first loaded record (for the notes) and how
    many tones VADER gave."""
    scored = 0
    if checked is None:
        con.execute("CREATE TEMP VIEW checked AS SELECT NULL::TIMESTAMP AS date, NULL::VARCHAR AS actor, NULL::DOUBLE AS tone, "
                    "NULL::BIGINT AS count, NULL::VARCHAR AS source, NULL::VARCHAR AS text, NULL::VARCHAR AS url, "
                    f"NULL::BOOLEAN AS keep_text, NULL::BIGINT AS {RECORD} WHERE false")
    for name, table in (("actor", "actors"), ("source", "sources")):
        rc = texts.get(name)
        have = (f"SELECT {rc} AS name FROM names WHERE {rc} IS NOT NULL AND {rc} NOT IN (SELECT v FROM bad_{rc}) UNION "
                if rc else "")
        con.execute(f"CREATE TABLE {table} AS SELECT CAST(row_number() OVER (ORDER BY name) - 1 AS INTEGER) AS id, name FROM ("
                    f"{have}SELECT {name} AS name FROM checked WHERE {name} IS NOT NULL)")
        con.execute(f"CREATE TYPE {name}_code AS ENUM (SELECT name FROM {table} ORDER BY id)")
    code = "CAST(enum_code(CAST({} AS {}_code)) AS INTEGER)".format
    tone = values.get("tone", "NULL::DOUBLE")
    count = values.get("count", "CAST(1 AS BIGINT)")
    source = values.get("source", "NULL::VARCHAR")
    with_text = "text" in plan.contract
    text, url = values.get("text", "NULL::VARCHAR"), values.get("url", "NULL::VARCHAR")
    more, more_checked = ("", "")
    if with_text:  # a row that passed the screen has a text that is no blank, or none
        more = f", {text} AS text, {url} AS url, {text} IS NOT NULL AS keep_text"
        more_checked = ", text, url, keep_text"
    # The rows that passed the screen: all, or all but the few suspects (found again by record:
    # the texts' predicate is not evaluated a second time).
    passed = "true" if checked is None and not _count(con, "suspects") else (
        f"{RECORD} NOT IN (SELECT {RECORD} FROM suspects)" if with_text else f"NOT ({suspect})")
    con.execute(
        f"""CREATE TEMP VIEW screened AS
                SELECT {RECORD}, {values['date']} AS date, {values['actor']} AS actor, {source} AS source, {tone} AS tone,
                       {count} AS count{more}
                FROM src WHERE {passed}
                UNION ALL
                SELECT {RECORD}, date, actor, source, tone, count{more_checked} FROM checked"""
    )
    if with_text:
        scored = score_missing_tones(con)  # the view `loaded`
        con.execute(row_sql(con))
        write_texts(con, code)
    # Once, by date: the zone maps of the stored row groups let a query skip other dates.
    con.execute(
        f"""CREATE TABLE mentions AS SELECT date, {code('actor', 'actor')} AS actor, {code('source', 'source')} AS source,
                   tone, count{', row' if with_text else ''}
            FROM {'numbered' if with_text else 'screened'} ORDER BY date{', row' if with_text else ''}"""
    )
    # The first row loaded: the first record that was no suspect, or a suspect the validator loaded.
    firsts = []
    if con.execute("SELECT count(*) FROM suspects").fetchall()[0][0] < plan.rows:
        firsts.append(con.execute(
            f"SELECT min(r) FROM range(1, (SELECT count(*) FROM suspects) + 2) t(r) WHERE r NOT IN (SELECT {RECORD} FROM suspects)"
        ).fetchall()[0][0])
    if checked is not None and checked.num_rows:
        firsts.append(int(pc.min(checked.column(RECORD)).as_py()))
    return (min(firsts) if firsts else None), scored


def _count(con, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _as_file_types(sub: pa.Table, plan: _Plan) -> pa.Table | None:
    """The suspects with the file's own column types (DuckDB hands back microsecond timestamps)."""
    cols = []
    for i in range(len(plan.labels)):
        want = plan.schema.field(i).type
        col = sub.column(raw_column(i))
        try:
            cols.append(col if col.type == want else col.cast(want))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    cols.append(sub.column(RECORD))
    return pa.Table.from_arrays(cols, names=[raw_column(i) for i in range(len(plan.labels))] + [RECORD])


def _ident(name: str) -> str:
    return name.replace('"', '""')
