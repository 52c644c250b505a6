"""Raw cells to the canonical tables, one explicit conversion per column, every failure listed.

The checks run as SQL in a private in-process DuckDB, so a million rows are validated as fast
as they are read. Which SQL converts a column is decided over the whole column; the rows are
then converted and checked a piece of the table at a time (PIECE_ROWS), into DuckDB's
memory-capped tables, and the checks across rows (repeated ids, retractions, the notes' counts
and first rows, the order by date) run over those: the memory of a load stays bounded, and the
result is the one the whole table at once would give. Text cells go through
the text rules; a Parquet column that already has a timestamp or number type is checked
as that type (the same rules, without printing each value and parsing it back). Nothing is guessed
silently: a value either converts under the documented rule or its row is rejected with
the column, the raw value and a reason; everything that was assumed (a date without a
zone read as UTC, a default severity) is said in the report's notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from dashboard.contract import (
    COLUMNS,
    DEFAULT_SEVERITY,
    MENTION_SIGNAL_COLUMNS,
    Kind,
    required_columns,
)
from dashboard.loading.arrow_types import RANGE_REASON
from dashboard.loading.column_sql import (
    DATE_RANGE,
    Check,
    clean_text_sql,
    column_sql,
    shaped_sql,
    sql_string,
    typed_column_sql,
)
from dashboard.loading.heap import release_free_heap
from dashboard.loading.load_report import LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, nested_column, raw_column
from dashboard.loading.retractions import dangling_note, refuse_retractions, refused_note
from dashboard.loading.text_rules import lookalike, normalise

# Columns of the working tables in _finish that an extra column must not shadow.
_WORKING_NAMES = frozenset({RECORD, LINE, "id_derived", "severity_defaulted", "_rn", "_first"})


@dataclass(frozen=True)
class ColumnMap:
    """Which raw column (c0...) holds each contract column, plus the extra columns kept."""

    contract: dict[str, str]
    extras: dict[str, str]  # output name -> raw column


def map_columns(raw: RawTable, kind: Kind) -> tuple[ColumnMap, list[str]]:
    """Match header labels to the contract (trimmed, case-insensitive) and name the rest."""
    notes: list[str] = []
    contract_names = {c.name for c in COLUMNS[kind]}
    contract: dict[str, str] = {}
    extras: dict[str, str] = {}
    renamed: list[str] = []
    for i, label in enumerate(raw.labels):
        key = normalise(label).lower()
        rc = raw_column(i)
        if key in contract_names:
            if key in contract:
                raise LoadError(
                    "duplicate-label",
                    f"the column {key!r} appears twice (columns {_position(raw, contract[key])} and {i + 1}); "
                    "keep one of them",
                )
            contract[key] = rc
            if label != key:
                renamed.append(f"{label!r} → {key}")
            continue
        if not label.strip():
            if _all_empty(raw.table, rc):
                notes.append(f"column {i + 1} has no name and no values (a trailing delimiter?); ignored")
                continue
            name = f"column_{i + 1}"
            notes.append(f"column {i + 1} has no name; kept as {name!r}")
        else:
            name = normalise(label)
        if "\x00" in name:
            # SQL names end at a NUL: it is shown as \0, never cut.
            notes.append(f"the column name {name!r} (column {i + 1}) holds a NUL byte; kept as {name.replace(chr(0), '␀')!r}")
            name = name.replace("\x00", "␀")
        # DuckDB names are case-insensitive, and the working tables use a few names of
        # their own: an extra column must differ from all of them ignoring case.
        taken = contract_names | _WORKING_NAMES | {e.lower() for e in extras}
        if name.lower() in taken:
            n = 2
            while f"{name} ({n})".lower() in taken:
                n += 1
            what = "repeats" if name.lower() in {e.lower() for e in extras} else "is reserved"
            notes.append(f"the column name {name!r} {what} (column {i + 1}); kept as '{name} ({n})'")
            name = f"{name} ({n})"
        extras[name] = rc
    if renamed:
        notes.append("column names matched without case or spaces: " + ", ".join(renamed))
    missing = [c for c in required_columns(kind) if c not in contract]
    if missing:
        alike = [why for lab in raw.labels if (why := lookalike(lab, missing))]
        if alike:
            raise LoadError("missing-label", f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                            f"not found for {kind}: " + "; ".join(alike))
        found = ", ".join(repr(lab) for lab in raw.labels[:12]) or "none"
        raise LoadError(
            "missing-label",
            f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found "
            f"for {kind}; the file's columns are: {found}",
        )
    if kind == "mentions" and not any(c in contract for c in MENTION_SIGNAL_COLUMNS):
        raise LoadError(
            "missing-label",
            "a mentions file needs at least one of the columns tone, text or count",
        )
    if extras:
        notes.append(
            f"{len(extras)} extra column{'s' if len(extras) > 1 else ''} kept but not used: "
            + ", ".join(repr(n) for n in list(extras)[:8])
            + (" …" if len(extras) > 8 else "")
        )
    return ColumnMap(contract, extras), notes


def _position(raw: RawTable, rc: str) -> int:
    return int(rc[1:]) + 1


def _all_empty(table: pa.Table, rc: str) -> bool:
    import pyarrow.compute as pc

    col = table.column(rc)
    if col.null_count == len(col):
        return True
    if not pa.types.is_string(col.type):
        return False
    return bool(pc.all(pc.equal(pc.utf8_trim_whitespace(col.fill_null("")), "")).as_py())


def _nested(table: pa.Table, rc: str) -> bool:
    t = table.schema.field(rc).type
    return pa.types.is_nested(t)


def _nested_flag(table: pa.Table, rc: str) -> str | None:
    """The JSON parser's per-cell flag column for lists and objects in rc, if it made one."""
    flag = nested_column(rc)
    return flag if flag in table.column_names else None


def validate(raw: RawTable, kind: Kind, limits: LoadLimits, *, keep_record: bool = False,
             consume: bool = False, counts: dict[str, int] | None = None,
             columns: ColumnMap | None = None, retractions: bool = True) -> tuple[pa.Table, LoadReport]:
    """Convert a raw table to the canonical table of `kind`; report every rejection.

    keep_record: keep the `_record` column (each row's record number in the file).
    consume: the caller needs raw's cells no more: once DuckDB holds its copy of them,
    raw.table is emptied (its columns kept), so the cells and the loaded table are never in
    memory at once (a 9-million-row file: 300 MB less at the peak).
    counts: filled with the loaded rows whose date has a time but no zone (`naive`) and the first
    one's record (`naive_first`, 0 when none); for events, with the loaded rows whose severity was
    defaulted and whose id was derived (what the notes count; the screens, native.py and
    native_events.py, add them up over their screened rows).
    columns: the whole file's column map (map_columns), when raw holds only some of its rows:
    the columns are the file's, not those of these rows (an unnamed column empty in them alone
    is kept, as it is over the whole file); the columns' notes are then the caller's.
    retractions: check the retraction graph of events (retractions.py) and note the ids not in
    the file. False when raw holds only some of the file's rows (the screen checks the graph over
    all of the loaded ones); `counts` then also holds the records of the loaded rows whose id was
    derived (`derived_at`) and whose severity was defaulted (`defaulted_at`).
    """
    report = LoadReport(kind=kind, file_format=raw.file_format)
    report.notes.extend(raw.notes)
    if columns is None:
        cmap, notes = map_columns(raw, kind)
        report.notes.extend(notes)
    else:
        cmap = columns

    con = duckdb.connect(":memory:")
    spool: str | None = None
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET allocator_flush_threshold = '16MB'")  # its allocator keeps less of what it freed
        bound_memory(con)
        # Half bound_memory's cap: DuckDB's tables grow as the raw pieces are let go, and the
        # loaded table is made beside them; past the cap they spill to disk.
        con.execute(f"SET memory_limit = '{VALIDATE_MEMORY}'")
        selects: list[str] = [RECORD, LINE]
        checks: list[Check] = []
        changed: list[str] = []
        for col in COLUMNS[kind]:
            rc = cmap.contract.get(col.name)
            if rc is None:
                continue
            flag = _nested_flag(raw.table, rc)
            typed = None if flag else (typed_column_sql(col, rc, raw.table.schema.field(rc).type)
                                       or clean_text_sql(col, rc, raw.table.column(rc))
                                       or shaped_sql(col, rc, raw.table.column(rc)))
            s, c = typed or column_sql(col, rc, _nested(raw.table, rc), flag)
            if col.type == "datetime":
                lo, hi = DATE_RANGE
                c.append(Check(col.name, rc, f"v_{col.name} IS NOT NULL AND (v_{col.name} < {lo} OR v_{col.name} > {hi})",
                                "constraint-error", sql_string(RANGE_REASON)))
            if any(item.endswith(f"AS changed_{col.name}") for item in s):
                changed.append(col.name)
            if flag:
                s.append(flag)
            selects += s
            checks += c
        for i, rc in enumerate(cmap.extras.values()):
            selects.append(f"CAST({rc} AS VARCHAR) AS x{i}")
        # Keep the raw cells of the contract columns for the rejection messages.
        raw_cols = sorted(set(cmap.contract.values()))
        selects += raw_cols
        if checks:
            bad = " OR ".join(f"coalesce({c.condition}, false)" for c in checks)
        else:
            bad = "false"
        # A subquery: the converted values are computed once, as each piece is flagged.
        piece_sql = f"SELECT *, ({bad}) AS _bad FROM (SELECT {', '.join(selects)} FROM raw_input)"
        problems_sql = " UNION ALL ".join(
            f"SELECT {RECORD} AS record, {LINE} AS line, {sql_string(c.column)} AS col, "
            f"coalesce(CAST({c.raw} AS VARCHAR), '') AS value, {sql_string(c.code)} AS code, {c.reason} AS reason, "
            f"{n} AS n FROM piece WHERE _bad AND coalesce({c.condition}, false)"
            for n, c in enumerate(checks)
        )
        con.execute("CREATE TEMP TABLE problems (record BIGINT, line BIGINT, col VARCHAR, value VARCHAR, "
                    f"code VARCHAR, reason VARCHAR, n INTEGER DEFAULT {len(checks)})")
        # The per-row part, a piece of the raw table at a time: each piece converted and checked
        # into `flagged` (DuckDB's, memory-capped and spilling) and its problems listed; with
        # `consume`, each piece's cells are let go once DuckDB holds them. The choices above
        # (typed, clean-text, plain-shape SQL) are the whole column's, so every piece is
        # converted by the same SQL as the whole table would be.
        for i, piece in enumerate(_pieces(raw, consume)):
            con.register("raw_input", piece)
            con.execute(f"CREATE TEMP TABLE piece AS {piece_sql}")
            con.unregister("raw_input")
            del piece
            con.execute("CREATE TEMP TABLE flagged AS SELECT * FROM piece" if i == 0 else "INSERT INTO flagged SELECT * FROM piece")
            if problems_sql:
                con.execute(f"INSERT INTO problems {problems_sql}")
            con.execute("DROP TABLE piece")
            release_free_heap()  # the piece's cells freed: glibc's free pages back to the system

        _note_normalised(con, changed, report)
        out_cols, dup_problems = _finish(con, kind, cmap, report, counts, retractions)
        if dup_problems:
            con.execute(f"INSERT INTO problems (record, line, col, value, code, reason) {dup_problems}")
        _drop_working_tables(con, kind)

        value_rejected = con.execute("SELECT count(DISTINCT record) FROM problems").fetchall()[0][0]
        listed = con.execute(
            "SELECT record, line, col, value, code, reason FROM problems ORDER BY record, col, n "
            f"LIMIT {int(limits.max_listed_rejections) + 1}"
        ).fetchall()
        total_problems = con.execute("SELECT count(*) FROM problems").fetchall()[0][0]
        # Streamed out in batches: DuckDB never holds a materialised copy of the loaded table.
        selected = out_cols if keep_record else [c for c in out_cols if c != RECORD]
        loaded = con.execute("SELECT count(*) FROM final").fetchall()[0][0]
        reader = con.sql(f"SELECT {', '.join(selected)} FROM final ORDER BY date, _record").to_arrow_reader(RESULT_BATCH)
        if loaded >= SPOOL_ROWS:
            spool = _spool(reader)
        else:
            table = pa.Table.from_batches(list(reader), schema=reader.schema)
        del reader
    finally:
        con.close()
    if spool is not None:
        table = _unspool(spool)

    structural = raw.rejections
    rejections = list(structural) + [
        Rejection(int(r[0]), None if r[1] is None else int(r[1]), r[2], r[3], r[4], r[5]) for r in listed
    ]
    rejections.sort(key=lambda r: (r.record, r.column))
    cap = limits.max_listed_rejections
    report.unlisted_rejections = max(0, len(structural) + raw.unlisted + total_problems - cap)
    report.rejections = rejections[:cap]
    report.rows_read = raw.rows_read
    report.rejected = len({r.record for r in structural}) + raw.unlisted + int(value_rejected)
    report.loaded = table.num_rows
    report.columns = table.column_names
    if not report.balanced:  # an invariant: if it breaks, say so loudly rather than mislead
        raise RuntimeError(
            f"internal error: {report.rows_read} rows read but {report.loaded} loaded + {report.rejected} rejected"
        )
    return table, report


# Rows of a raw table converted and checked at a time (validate's per-row part).
PIECE_ROWS = 262_144
RESULT_BATCH = 122_880  # rows of the loaded table a DuckDB result batch holds (60 of its vectors)
VALIDATE_MEMORY = "256MB"  # DuckDB's cap in validate (bound_memory's, halved)
SPOOL_ROWS = 1_000_000  # a loaded table this long goes through a file (_spool), not DuckDB's memory


def _pieces(raw: RawTable, consume: bool):
    """raw.table as tables of at most PIECE_ROWS rows (at least one, maybe empty), in order.
    With consume, raw.table is emptied first (its columns kept) and each piece is let go once
    the caller is done with it: the cells are freed as they are read (a column chunk's buffers
    when the last piece of it is gone)."""
    table = raw.table
    if consume:
        raw.table = table.schema.empty_table()  # (a slice would keep the buffers)
    schema = table.schema
    batches = table.to_batches(max_chunksize=PIECE_ROWS)
    del table
    if not batches:
        yield schema.empty_table()
        return
    batches.reverse()
    while batches:
        yield pa.Table.from_batches([batches.pop()], schema=schema)


def _spool(reader) -> str:
    """The loaded table's batches written to a private Arrow IPC file as DuckDB sorts them out;
    its path. So DuckDB's working memory is let go (the connection closed) before the loaded
    table is read back: the two are never in memory at once."""
    import os
    import tempfile

    fd, path = tempfile.mkstemp(prefix="boilingpoint-loaded-", suffix=".arrow")
    try:
        with os.fdopen(fd, "wb") as out, pa.ipc.new_file(out, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    except BaseException:
        os.unlink(path)
        raise
    return path


def _unspool(path: str) -> pa.Table:
    """The table _spool wrote, read into memory (the same schema, values and order); the file removed."""
    import os

    try:
        with pa.OSFile(path, "rb") as source:
            return pa.ipc.open_file(source).read_all()
    finally:
        os.unlink(path)


def _drop_working_tables(con, kind: Kind) -> None:
    """What only the per-row part needed, let go before the loaded table is made."""
    if kind == "events":
        con.execute("DROP VIEW ranked")
        con.execute("DROP TABLE valid")
        con.execute("DROP TABLE flagged")  # (a mention's `final` is a view of it)


def _note_normalised(con, columns: list[str], report: LoadReport) -> None:
    """Say how many loaded cells the text rules changed (NFC, zero-width characters, Unicode spaces)."""
    for name in columns:
        n = int(con.execute(f"SELECT count(*) FROM flagged WHERE NOT _bad AND changed_{name}").fetchall()[0][0])
        if n:
            first = int(con.execute(f"SELECT min(_record) FROM flagged WHERE NOT _bad AND changed_{name}").fetchall()[0][0])
            report.notes.append(
                f"{plural(n, 'value', 'values')} in {name} {'was' if n == 1 else 'were'} normalised: Unicode NFC, zero-width characters removed, "
                f"no-break and other Unicode spaces trimmed (first at row {first})"
            )


def bound_memory(con) -> None:
    """DuckDB's share of a load's memory: capped, spilling to a private temporary folder past
    the cap (by default DuckDB may take 80% of the machine for the checks of one file)."""
    import tempfile

    con.execute("SET memory_limit = '512MB'")
    con.execute(f"SET temp_directory = {sql_string(tempfile.gettempdir() + '/boilingpoint-duckdb')}")


def _finish(con, kind: Kind, cmap: ColumnMap, report: LoadReport, counts: dict | None = None,
            retractions: bool = True) -> tuple[list[str], str]:
    """Create the `final` table of valid rows; return its columns and duplicate problems."""
    has = cmap.contract.__contains__

    def count(sql: str) -> int:
        return int(con.execute(sql).fetchall()[0][0])

    naive = count("SELECT count(*) FROM flagged WHERE NOT _bad AND naive_date")
    first = count("SELECT min(_record) FROM flagged WHERE NOT _bad AND naive_date") if naive else 0
    if naive:
        report.notes.append(naive_note(naive, first))
    if counts is not None:
        counts.update(naive=naive, naive_first=first)
    epochs = count("SELECT count(*) FROM flagged WHERE NOT _bad AND epoch_date")
    if epochs:
        report.notes.append(
            f"{plural(epochs, 'date', 'dates')} given as epoch numbers: 9–10 digits were read as seconds, "
            "12–13 digits as milliseconds since 1970-01-01 UTC"
        )
    extras = [f'x{i} AS "{_ident(name)}"' for i, name in enumerate(cmap.extras)]
    dup_sql = ""
    if kind == "events":
        sev_default = "CASE v_event_type " + " ".join(
            f"WHEN {sql_string(k)} THEN {v}" for k, v in DEFAULT_SEVERITY.items()
        ) + " END"
        severity = "v_severity" if has("severity") else "NULL::DOUBLE"
        event_type = "v_event_type" if has("event_type") else "NULL::VARCHAR"
        text = lambda n: f"v_{n}" if has(n) else "NULL::VARCHAR"  # noqa: E731
        derived_id = event_id_sql(has, len(extras))
        con.execute(
            f"""CREATE TEMP TABLE valid AS SELECT _record, _line,
                coalesce({text('id')}, {derived_id}) AS id,
                ({text('id')} IS NULL) AS id_derived,
                v_date AS date, v_actor AS actor, {text('target')} AS target,
                {event_type} AS event_type,
                coalesce({severity}, {sev_default if has('event_type') else 'NULL::DOUBLE'}) AS severity,
                ({severity} IS NULL AND {event_type} IS NOT NULL) AS severity_defaulted,
                v_headline AS headline, {text('source')} AS source, {text('url')} AS url,
                {text('retracts')} AS retracts
                {''.join(', ' + e for e in extras)}
            FROM flagged WHERE NOT _bad"""
        )
        repeats = count("SELECT count(*) - count(DISTINCT id) FROM valid")
        con.execute(
            """CREATE TEMP VIEW ranked AS SELECT *,
                row_number() OVER (PARTITION BY id ORDER BY _record) AS _rn,
                first_value(_record) OVER (PARTITION BY id ORDER BY _record) AS _first
            FROM valid""" if repeats else "CREATE TEMP VIEW ranked AS SELECT *, 1 AS _rn, _record AS _first FROM valid"
        )
        dup_sql = (
            "SELECT _record, _line, CASE WHEN id_derived THEN '' ELSE 'id' END, "
            "CASE WHEN id_derived THEN headline ELSE id END, "
            "CASE WHEN id_derived THEN 'duplicate-row' ELSE 'constraint-error' END, "
            "CASE WHEN id_derived THEN 'the same values in every column as row ' || _first "
            "ELSE 'the id repeats row ' || _first || '; ids must be unique' END "
            "FROM ranked WHERE _rn > 1"
        )
        con.execute("CREATE TEMP TABLE final AS SELECT * FROM ranked WHERE _rn = 1")
        refused = refuse_retractions(con) if retractions else 0  # (in DuckDB: no row a retraction in Python)
        if refused:
            con.execute("INSERT INTO problems (record, line, col, value, code, reason) "
                        "SELECT record, line, col, value, code, reason FROM retraction_problems")
            report.notes.append(refused_note(refused))
        defaulted = count("SELECT count(*) FROM final WHERE severity_defaulted")
        derived = count("SELECT count(*) FROM final WHERE id_derived")
        report.notes.extend(event_notes(defaulted, derived))
        if counts is not None:
            counts.update(defaulted=defaulted, derived=derived)
            if not retractions:
                for name, flag in (("defaulted_at", "severity_defaulted"), ("derived_at", "id_derived")):
                    counts[name] = [r[0] for r in con.execute(f"SELECT _record FROM final WHERE {flag}").fetchall()]
        dangling = dangling_note(con) if retractions else None
        if dangling:
            report.notes.append(dangling)
        cols = ["id", "date", "actor", "target", "event_type", "severity", "headline", "source", "url", "retracts"]
    else:
        text = lambda n: f"v_{n}" if has(n) else "NULL::VARCHAR"  # noqa: E731
        tone = "v_tone" if has("tone") else "NULL::DOUBLE"
        count_expr = "CAST(coalesce(v_count, 1) AS BIGINT)" if has("count") else "CAST(1 AS BIGINT)"
        # A view (mentions have no cross-row checks): the loaded rows are read from `flagged`
        # once, as they are sorted, not copied to a table of their own first.
        con.execute(
            f"""CREATE TEMP VIEW final AS SELECT _record, v_date AS date, v_actor AS actor,
                {tone} AS tone, {count_expr} AS count, {text('text')} AS text,
                {text('source')} AS source, {text('url')} AS url
                {''.join(', ' + e for e in extras)}
            FROM flagged WHERE NOT _bad"""
        )
        cols = ["date", "actor", "tone", "count", "text", "source", "url"]
    cols = cols + [f'"{_ident(name)}"' for name in cmap.extras] + [RECORD]
    return cols, dup_sql


def naive_note(naive: int, first: int) -> str:
    """The note on loaded dates with a time of day but no zone (read as UTC); first: the first one's row."""
    return (f"{plural(naive, 'date has', 'dates have')} a time of day but no time zone; "
            f"{'it was' if naive == 1 else 'they were'} read as UTC (first at row {first})")


def event_notes(defaulted: int, derived: int) -> list[str]:
    """The notes on events whose severity was set from their event_type, or whose id was derived."""
    notes = []
    if defaulted:
        notes.append(f"{plural(defaulted, 'event', 'events')} had no severity; "
                     f"{'it was set from its' if defaulted == 1 else 'each was set from its'} event_type "
                     "(see docs/formats.md for the defaults)")
    if derived:
        notes.append(f"{plural(derived, 'event', 'events')} had no id; one was derived from all of its fields")
    return notes


def event_id_sql(has, extras: int) -> str:
    """The SQL of an event's derived id over the v_ columns of the contract columns it has
    (`has(name)`) and the extra columns x0, x1, ...: one definition for validate and the screen."""
    text = lambda n: f"v_{n}" if has(n) else "NULL::VARCHAR"  # noqa: E731
    return derived_id_sql([text(n) for n in ("actor", "target", "event_type")]
                          + ["v_severity" if has("severity") else "NULL::DOUBLE"]
                          + [text(n) for n in ("headline", "source", "url", "retracts")] + [f"x{i}" for i in range(extras)])


def derived_id_sql(fields: list[str]) -> str:
    """An event id derived from every field, injectively: each field is written as its length,
    a colon and its text (a missing one as `~`), so no separator inside a field can make two
    rows alike; the date keeps its microseconds. 'e' and 24 hex digits of its SHA-256 (96 bits:
    no collision expected below ~10^14 rows)."""
    parts = ["strftime(v_date, '%Y-%m-%dT%H:%M:%S.%f')"] + [f"CAST({f} AS VARCHAR)" for f in fields]
    encoded = " || '|' || ".join(f"coalesce(CAST(length({p}) AS VARCHAR) || ':' || {p}, '~')" for p in parts)
    return f"'e' || substr(sha256({encoded}), 1, 24)"


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _ident(name: str) -> str:
    return name.replace('"', '""')


def score_missing_tone(table: pa.Table, report: LoadReport, tone_model=None) -> pa.Table:
    """Fill tone from text where tone is missing: with VADER's compound score, or with
    `tone_model` (a dashboard.tone.ToneModel) when one is given. A row that has a tone, or has
    no text, is left as it is."""
    if "text" not in table.column_names or table.num_rows == 0:
        return table
    import numpy as np
    import pyarrow.compute as pc

    tone = table.column("tone")
    # Find the rows in Arrow: only they are turned into Python strings.
    need = pc.and_(pc.is_null(tone), pc.greater(pc.fill_null(pc.binary_length(table.column("text")), 0), 0))
    todo = np.flatnonzero(np.asarray(need.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(todo):
        return table
    texts = table.column("text").take(pa.array(todo)).to_pylist()
    values = tone.to_numpy(zero_copy_only=False).astype(float)  # nulls as NaN
    valid = np.asarray(pc.is_valid(tone).to_numpy(zero_copy_only=False), dtype=bool)
    if tone_model is None:
        from dashboard.tone.vader import vader_tone

        values[todo] = vader_tone(texts)
        how = "with VADER (compound score, −1…+1)"
    else:
        values[todo] = tone_model.score(texts)
        how = f"with {tone_model.describe()}: P(positive) − P(negative), −1…+1"
    valid[todo] = True
    report.notes.append(f"{len(todo):,} mentions had text but no tone; tone was scored from the text {how}")
    idx = table.column_names.index("tone")
    return table.set_column(idx, "tone", pa.array(values, type=pa.float64(), mask=~valid))
