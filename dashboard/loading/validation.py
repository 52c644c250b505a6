"""Raw cells to the canonical tables, one explicit conversion per column, every failure listed.

The checks run as SQL in a private in-process DuckDB, column by column over the whole
table, so a million rows are validated as fast as they are read. Text cells go through
the text rules; a Parquet column that already has a timestamp or number type is checked
as that type (the same rules, without printing each value and parsing it back). Nothing is guessed
silently: a value either converts under the documented rule or its row is rejected with
the column, the raw value and a reason; everything that was assumed (a date without a
zone read as UTC, a default severity) is said in the report's notes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from dashboard.contract import (
    COLUMNS,
    DEFAULT_SEVERITY,
    MENTION_SIGNAL_COLUMNS,
    NUMBER_NULL_TOKENS,
    Column,
    Kind,
    required_columns,
)
from dashboard.loading.load_report import LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, nested_column, raw_column

ISO_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2})"
    r"(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$"
)
NUMBER_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
INFINITY_TOKENS = ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
EPOCH_SECONDS = r"^\d{9,10}(\.\d+)?$"
EPOCH_MILLIS = r"^\d{12,13}$"
SLASH_DATE = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.*$"


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values) -> str:
    return "(" + ", ".join(sql_string(v) for v in values) + ")"


@dataclass
class _Check:
    column: str  # contract name shown in the report
    raw: str  # raw column name (c0...)
    condition: str  # SQL, true when the row fails
    code: str
    reason: str  # SQL expression giving the reason text


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
        key = label.strip().lower()
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
            name = label.strip()
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


def _text_expr(rc: str) -> str:
    return f"CAST({rc} AS VARCHAR)"


def _trimmed(rc: str) -> str:
    return f"trim({_text_expr(rc)}, ' \t\r\n')"


def _value_checks(col: Column, rc: str, ok: str) -> list[_Check]:
    """A number column's range and whole-number checks; `ok` is SQL, true when the cell holds
    a finite number (v_NAME). Shared by the text, typed and plain-shape paths."""
    v = f"v_{col.name}"
    checks: list[_Check] = []
    if col.minimum is not None and col.maximum is not None:
        checks.append(_Check(col.name, rc, f"{ok} AND ({v} < {col.minimum} OR {v} > {col.maximum})",
                             "constraint-error", sql_string(f"must be between {col.minimum:g} and {col.maximum:g}")))
    elif col.minimum is not None:
        checks.append(_Check(col.name, rc, f"{ok} AND {v} < {col.minimum}", "constraint-error",
                             sql_string(f"must be at least {col.minimum:g}")))
    if col.type == "integer":
        checks.append(_Check(col.name, rc, f"{ok} AND {v} <> round({v})", "constraint-error", "'must be a whole number'"))
        # The loaded column is BIGINT: a larger whole number must be rejected, not crash the cast.
        checks.append(_Check(col.name, rc, f"{ok} AND {v} = round({v}) AND TRY_CAST({v} AS BIGINT) IS NULL",
                             "constraint-error", "'too large for a whole number (at most 9,223,372,036,854,775,807)'"))
    return checks


def _column_sql(
    col: Column, rc: str, nested: bool, nested_flag: str | None = None
) -> tuple[list[str], list[_Check]]:
    """SELECT expressions for the converted value(s) of one column, and its checks.

    nested: the whole column is a list/struct type (Parquet); nested_flag: a boolean column
    marking the cells that were JSON lists or objects.
    """
    name = col.name
    t = _trimmed(rc)
    select: list[str] = []
    checks: list[_Check] = []
    raw_missing = f"({rc} IS NULL OR {t} = '')"
    nested_cond = f"NOT {raw_missing}" if nested else nested_flag
    if col.type == "text":
        select.append(f"CASE WHEN {raw_missing} THEN NULL ELSE {t} END AS v_{name}")
        checks.append(
            _Check(name, rc, f"contains({_text_expr(rc)}, chr(0))", "constraint-error", "'the cell contains a NUL byte'")
        )
        if col.allowed:
            checks.append(
                _Check(
                    name,
                    rc,
                    f"NOT {raw_missing} AND lower({t}) NOT IN {sql_list(col.allowed)}",
                    "constraint-error",
                    sql_string(f"must be one of {', '.join(col.allowed)}"),
                )
            )
            select[-1] = f"CASE WHEN {raw_missing} THEN NULL ELSE lower({t}) END AS v_{name}"
    elif col.type == "datetime":
        iso = sql_string(ISO_PATTERN)
        g = lambda n: f"regexp_extract({t}, {iso}, {n})"  # noqa: E731
        zone = f"upper({g(3)})"
        zone_digits = f"replace({zone}, ':', '')"
        offset_min = (
            f"(CASE WHEN {zone} IN ('', 'Z', 'UTC') THEN 0 ELSE "
            f"(CASE WHEN left({zone}, 1) = '-' THEN -1 ELSE 1 END) * "
            f"(CAST(substr({zone_digits}, 2, 2) AS INTEGER) * 60 + "
            f"CASE WHEN length({zone_digits}) = 5 THEN CAST(substr({zone_digits}, 4, 2) AS INTEGER) ELSE 0 END) END)"
        )
        local = f"TRY_CAST({g(1)} || ' ' || CASE WHEN {g(2)} = '' THEN '00:00:00' ELSE replace({g(2)}, ',', '.') END AS TIMESTAMP)"
        is_iso = f"regexp_full_match({t}, {iso})"
        epoch_s = f"regexp_full_match({t}, {sql_string(EPOCH_SECONDS)})"
        epoch_ms = f"regexp_full_match({t}, {sql_string(EPOCH_MILLIS)})"
        value = (
            f"CASE WHEN {raw_missing} THEN NULL "
            f"WHEN {is_iso} THEN {local} - to_minutes({offset_min}) "
            f"WHEN {epoch_s} THEN epoch_ms(CAST(round(CAST({t} AS DOUBLE) * 1000) AS BIGINT)) "
            f"WHEN {epoch_ms} THEN epoch_ms(CAST({t} AS BIGINT)) END"
        )
        select.append(f"{value} AS v_{name}")
        select.append(f"({is_iso} AND {g(2)} <> '' AND {g(3)} = '') AS naive_{name}")
        select.append(f"({epoch_s} OR {epoch_ms}) AS epoch_{name}")
        hint = (
            f"CASE WHEN regexp_full_match({t}, {sql_string(SLASH_DATE)}) "
            f"THEN 'not an ISO 8601 date: the day/month order is ambiguous; write YYYY-MM-DD' "
            f"WHEN {is_iso} THEN 'not a real date or time' "
            f"ELSE 'not an ISO 8601 date (YYYY-MM-DD, optionally THH:MM[:SS] and Z or ±HH:MM) or epoch seconds/milliseconds' END"
        )
        checks.append(_Check(name, rc, f"NOT {raw_missing} AND v_{name} IS NULL", "type-error", hint))
    else:  # number / integer
        missing = f"({rc} IS NULL OR lower({t}) IN {sql_list(sorted(NUMBER_NULL_TOKENS))})"
        syntax = f"(regexp_full_match({t}, {sql_string(NUMBER_PATTERN)}) OR lower({t}) IN {sql_list(INFINITY_TOKENS)})"
        select.append(f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST({t} AS DOUBLE) END AS v_{name}")
        select.append(f"{missing} AS missing_{name}")
        decimal_comma = f"regexp_full_match({t}, '^[+-]?\\d+,\\d+$')"
        checks.append(
            _Check(
                name,
                rc,
                f"NOT {missing} AND NOT {syntax}",
                "type-error",
                f"CASE WHEN {decimal_comma} THEN 'not a number: a decimal comma? write 1.5, not 1,5' "
                f"ELSE 'not a number' END",
            )
        )
        finite = f"NOT {missing} AND {syntax} AND (v_{name} IS NULL OR NOT isfinite(v_{name}))"
        checks.append(_Check(name, rc, finite, "constraint-error", "'not a finite number'"))
        ok = f"NOT {missing} AND {syntax} AND v_{name} IS NOT NULL AND isfinite(v_{name})"
        checks += _value_checks(col, rc, ok)
    if col.required:
        checks.append(_Check(name, rc, raw_missing, "constraint-error", "'a required value is empty'"))
    if nested_cond:
        # One reason per cell: a list or object is a type error, not also "not a number".
        checks = [
            _Check(name, rc, nested_cond, "type-error", "'a nested list or object, not a single value'")
        ] + [
            _Check(c.column, c.raw, f"NOT coalesce({nested_cond}, false) AND ({c.condition})", c.code, c.reason)
            for c in checks
        ]
    return select, checks


def typed_kind(typ: pa.DataType) -> str | None:
    """Which typed path a Parquet column can take: 'ts', 'tstz', 'date', 'num', or None (text)."""
    if pa.types.is_timestamp(typ):
        if typ.unit == "ns":
            return None  # nine fraction digits: keep the text path's rounding
        return "tstz" if typ.tz is not None else "ts"
    if pa.types.is_date(typ):
        return "date"
    # float32 and decimals keep the text path: their shortest text is not their double.
    if pa.types.is_float64(typ) or (pa.types.is_integer(typ) and not pa.types.is_uint64(typ)):
        return "num"
    return None


def _typed_column_sql(col: Column, rc: str, typ: pa.DataType) -> tuple[list[str], list[_Check]] | None:
    """_column_sql for a typed (Parquet) column: the same SELECT items and checks with no
    text round trip. None when the column must take the text path."""
    kind = typed_kind(typ)
    if kind is None or col.type == "text" or (col.type == "datetime") != (kind != "num"):
        return None
    name = col.name
    select: list[str] = []
    checks: list[_Check] = []
    if col.type == "datetime":
        missing = f"({rc} IS NULL)"
        value = f"timezone('UTC', {rc})" if kind == "tstz" else f"CAST({rc} AS TIMESTAMP)"
        select.append(f"{value} AS v_{name}")
        # As text, a naive timestamp reads 'YYYY-MM-DD HH:MM:SS': a time without a zone, said
        # in the notes. A DATE has no time; a TIMESTAMPTZ has its zone.
        select.append(f"({rc} IS NOT NULL) AS naive_{name}" if kind == "ts" else f"false AS naive_{name}")
        select.append(f"false AS epoch_{name}")
    else:
        missing = f"({rc} IS NULL OR isnan(CAST({rc} AS DOUBLE)))"  # NaN is missing, as the text 'nan' is
        select.append(f"CASE WHEN {missing} THEN NULL ELSE CAST({rc} AS DOUBLE) END AS v_{name}")
        select.append(f"{missing} AS missing_{name}")
        checks.append(_Check(name, rc, f"NOT {missing} AND NOT isfinite(v_{name})", "constraint-error", "'not a finite number'"))
        checks += _value_checks(col, rc, f"NOT {missing} AND isfinite(v_{name})")
    if col.required:
        checks.append(_Check(name, rc, missing, "constraint-error", "'a required value is empty'"))
    return select, checks


def _clean_text_sql(col: Column, rc: str, values) -> tuple[list[str], list[_Check]] | None:
    """_column_sql for a text column whose every cell is already what the text rules would
    make of it — no spaces around, no empty cell, no NUL byte (checked in Arrow, in one
    pass): the cells are taken as they are. None otherwise."""
    import pyarrow.compute as pc

    if col.type != "text" or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    if values.null_count == len(values):
        return None
    trimmed = pc.utf8_trim(values, " \t\r\n")
    if pc.any(pc.less(pc.binary_length(trimmed), pc.binary_length(values))).as_py():
        return None  # spaces to trim
    if pc.any(pc.equal(pc.binary_length(values), 0)).as_py() or pc.any(pc.match_substring(values, "\x00")).as_py():
        return None  # an empty cell (missing) or a NUL byte (rejected): the text rules say so
    name = col.name
    checks: list[_Check] = []
    value = rc
    if col.allowed:
        value = f"lower({rc})"
        checks.append(_Check(name, rc, f"{rc} IS NOT NULL AND lower({rc}) NOT IN {sql_list(col.allowed)}",
                             "constraint-error", sql_string(f"must be one of {', '.join(col.allowed)}")))
    if col.required:
        checks.append(_Check(name, rc, f"{rc} IS NULL", "constraint-error", "'a required value is empty'"))
    return [f"{value} AS v_{name}"], checks


# Cells of one plain shape, common in exports: read directly when every cell of a column has it.
_UTC_SHAPE = r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)?$"
_DECIMAL_SHAPE = r"^(-?\d+(\.\d+)?)?$"


def _shaped_sql(col: Column, rc: str, values) -> tuple[list[str], list[_Check]] | None:
    """_column_sql for a text column whose every cell is empty or of one plain shape —
    `2024-03-01T12:00:00Z` for dates, `-12.5` for numbers (checked in Arrow, in one pass) —
    read with one cast instead of the general rules' regular expressions. The values, the
    checks and their reasons are the general rules' for such cells. None otherwise."""
    import pyarrow.compute as pc

    if col.type == "text" or not pa.types.is_string(values.type) or values.null_count == len(values):
        return None
    shape = _UTC_SHAPE if col.type == "datetime" else _DECIMAL_SHAPE
    if not pc.all(pc.match_substring_regex(values, shape)).as_py():
        return None
    name = col.name
    missing = f"({rc} IS NULL OR {rc} = '')"
    checks: list[_Check] = []
    if col.type == "datetime":
        select = [f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST(replace(rtrim({rc}, 'Z'), 'T', ' ') AS TIMESTAMP) END AS v_{name}",
                  f"false AS naive_{name}", f"false AS epoch_{name}"]
        checks.append(_Check(name, rc, f"NOT {missing} AND v_{name} IS NULL", "type-error", "'not a real date or time'"))
    else:
        select = [f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST({rc} AS DOUBLE) END AS v_{name}", f"{missing} AS missing_{name}"]
        checks.append(_Check(name, rc, f"NOT {missing} AND (v_{name} IS NULL OR NOT isfinite(v_{name}))",
                             "constraint-error", "'not a finite number'"))
        checks += _value_checks(col, rc, f"NOT {missing} AND isfinite(v_{name})")
    if col.required:
        checks.append(_Check(name, rc, missing, "constraint-error", "'a required value is empty'"))
    return select, checks


def validate(raw: RawTable, kind: Kind, limits: LoadLimits, *, keep_record: bool = False) -> tuple[pa.Table, LoadReport]:
    """Convert a raw table to the canonical table of `kind`; report every rejection.

    keep_record: keep the `_record` column (each row's record number in the file).
    """
    report = LoadReport(kind=kind, file_format=raw.file_format)
    report.notes.extend(raw.notes)
    cmap, notes = map_columns(raw, kind)
    report.notes.extend(notes)

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads TO 2")
        _bound_memory(con)
        con.register("raw_input", raw.table)
        selects: list[str] = [RECORD, LINE]
        checks: list[_Check] = []
        for col in COLUMNS[kind]:
            rc = cmap.contract.get(col.name)
            if rc is None:
                continue
            flag = _nested_flag(raw.table, rc)
            typed = None if flag else (_typed_column_sql(col, rc, raw.table.schema.field(rc).type)
                                       or _clean_text_sql(col, rc, raw.table.column(rc))
                                       or _shaped_sql(col, rc, raw.table.column(rc)))
            s, c = typed or _column_sql(col, rc, _nested(raw.table, rc), flag)
            if flag:
                s.append(flag)
            selects += s
            checks += c
        for i, rc in enumerate(cmap.extras.values()):
            selects.append(f"CAST({rc} AS VARCHAR) AS x{i}")
        # Keep the raw cells of the contract columns for the rejection messages.
        raw_cols = sorted(set(cmap.contract.values()))
        selects += raw_cols
        # A view: the converted values are computed once, as the flagged table is made.
        con.execute(f"CREATE TEMP VIEW prep AS SELECT {', '.join(selects)} FROM raw_input")
        if checks:
            bad = " OR ".join(f"coalesce({c.condition}, false)" for c in checks)
        else:
            bad = "false"
        con.execute(f"CREATE TEMP TABLE flagged AS SELECT *, ({bad}) AS _bad FROM prep")

        problems_sql = " UNION ALL ".join(
            f"SELECT {RECORD} AS record, {LINE} AS line, {sql_string(c.column)} AS col, "
            f"coalesce(CAST({c.raw} AS VARCHAR), '') AS value, {sql_string(c.code)} AS code, {c.reason} AS reason "
            f"FROM flagged WHERE _bad AND coalesce({c.condition}, false)"
            for c in checks
        ) or "SELECT NULL::BIGINT AS record, NULL::BIGINT AS line, '' AS col, '' AS value, '' AS code, '' AS reason WHERE false"
        con.execute(f"CREATE TEMP TABLE problems AS {problems_sql}")

        out_cols, dup_problems = _finish(con, kind, cmap, report)
        if dup_problems:
            con.execute(f"INSERT INTO problems {dup_problems}")

        value_rejected = con.execute("SELECT count(DISTINCT record) FROM problems").fetchall()[0][0]
        listed = con.execute(
            "SELECT record, line, col, value, code, reason FROM problems ORDER BY record, col "
            f"LIMIT {int(limits.max_listed_rejections) + 1}"
        ).fetchall()
        total_problems = con.execute("SELECT count(*) FROM problems").fetchall()[0][0]
        table = con.sql(f"SELECT {', '.join(out_cols)} FROM final ORDER BY date, _record").to_arrow_table()
    finally:
        con.close()

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
    if not keep_record:
        table = table.drop_columns([RECORD])
    report.loaded = table.num_rows
    report.columns = table.column_names
    if not report.balanced:  # an invariant: if it breaks, say so loudly rather than mislead
        raise RuntimeError(
            f"internal error: {report.rows_read} rows read but {report.loaded} loaded + {report.rejected} rejected"
        )
    return table, report


def _bound_memory(con) -> None:
    """DuckDB's share of a load's memory: capped, spilling to a private temporary folder past
    the cap (by default DuckDB may take 80% of the machine for the checks of one file)."""
    import tempfile

    con.execute("SET memory_limit = '512MB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = {sql_string(tempfile.gettempdir() + '/boilingpoint-duckdb')}")


def _finish(con, kind: Kind, cmap: ColumnMap, report: LoadReport) -> tuple[list[str], str]:
    """Create the `final` table of valid rows; return its columns and duplicate problems."""
    has = cmap.contract.__contains__

    def count(sql: str) -> int:
        return int(con.execute(sql).fetchall()[0][0])

    naive = count("SELECT count(*) FROM flagged WHERE NOT _bad AND naive_date")
    if naive:
        first = count("SELECT min(_record) FROM flagged WHERE NOT _bad AND naive_date")
        report.notes.append(
            f"{_plural(naive, 'date has', 'dates have')} a time of day but no time zone; they were read as UTC (first at row {first})"
        )
    epochs = count("SELECT count(*) FROM flagged WHERE NOT _bad AND epoch_date")
    if epochs:
        report.notes.append(
            f"{_plural(epochs, 'date', 'dates')} given as epoch numbers: 9–10 digits were read as seconds, "
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
        derived_id = "'e' || substr(md5(strftime(v_date, '%Y-%m-%dT%H:%M:%S') || '|' || v_actor || '|' || v_headline), 1, 12)"
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
            "CASE WHEN id_derived THEN 'the same date, actor and headline as row ' || _first "
            "ELSE 'the id repeats row ' || _first || '; ids must be unique' END "
            "FROM ranked WHERE _rn > 1"
        )
        con.execute("CREATE TEMP TABLE final AS SELECT * FROM ranked WHERE _rn = 1")
        defaulted = count("SELECT count(*) FROM final WHERE severity_defaulted")
        if defaulted:
            report.notes.append(
                f"{_plural(defaulted, 'event', 'events')} had no severity; it was set from their event_type "
                "(see the README's data format for the defaults)"
            )
        derived = count("SELECT count(*) FROM final WHERE id_derived")
        if derived:
            report.notes.append(f"{_plural(derived, 'event', 'events')} had no id; one was derived from date, actor and headline")
        dangling = con.execute(
            "SELECT retracts FROM final WHERE retracts IS NOT NULL AND retracts NOT IN (SELECT id FROM final) LIMIT 5"
        ).fetchall()
        if dangling:
            report.notes.append(
                "retracts points at ids not in the file: " + ", ".join(repr(d[0]) for d in dangling)
            )
        cols = ["id", "date", "actor", "target", "event_type", "severity", "headline", "source", "url", "retracts"]
    else:
        text = lambda n: f"v_{n}" if has(n) else "NULL::VARCHAR"  # noqa: E731
        tone = "v_tone" if has("tone") else "NULL::DOUBLE"
        count_expr = "CAST(coalesce(v_count, 1) AS BIGINT)" if has("count") else "CAST(1 AS BIGINT)"
        con.execute(
            f"""CREATE TEMP TABLE final AS SELECT _record, v_date AS date, v_actor AS actor,
                {tone} AS tone, {count_expr} AS count, {text('text')} AS text,
                {text('source')} AS source, {text('url')} AS url
                {''.join(', ' + e for e in extras)}
            FROM flagged WHERE NOT _bad"""
        )
        cols = ["date", "actor", "tone", "count", "text", "source", "url"]
    cols = cols + [f'"{_ident(name)}"' for name in cmap.extras] + [RECORD]
    return cols, dup_sql


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _ident(name: str) -> str:
    return name.replace('"', '""')


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_missing_tone(table: pa.Table, report: LoadReport) -> pa.Table:
    """Fill tone from text with VADER's compound score where tone is missing."""
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
    analyzer = _vader()
    texts = table.column("text").take(pa.array(todo)).to_pylist()
    values = tone.to_numpy(zero_copy_only=False).astype(float)  # nulls as NaN
    valid = np.asarray(pc.is_valid(tone).to_numpy(zero_copy_only=False), dtype=bool)
    for i, text in zip(todo, texts):
        values[i] = float(analyzer.polarity_scores(text)["compound"])
        valid[i] = True
    report.notes.append(
        f"{len(todo):,} mentions had text but no tone; tone was scored from the text with VADER (compound score, −1…+1)"
    )
    idx = table.column_names.index("tone")
    return table.set_column(idx, "tone", pa.array(values, type=pa.float64(), mask=~valid))
