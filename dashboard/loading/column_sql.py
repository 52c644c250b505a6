"""The SQL of one column's conversion and checks: the text rules, and the typed, clean-text and
plain-shape paths that give the same values and reasons faster (validation.py runs them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from dashboard.contract import NUMBER_NULL_TOKENS, Column
from dashboard.loading.text_rules import IDENTITY_COLUMNS, bidi_sql, needs_rules_arrow, normalised_sql

ISO_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2})"
    r"(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$"
)
NUMBER_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
INFINITY_TOKENS = ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
EPOCH_SECONDS = r"^\d{9,10}(\.\d+)?$"
EPOCH_MILLIS = r"^\d{12,13}$"
SLASH_DATE = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.*$"
# The largest count a row may carry: exact as a double (2^53 is 9.0e15) and, times the default
# row cap of ten million, still a sum within BIGINT (9.2e18). Wide tables use the same cap.
MAX_WHOLE = 100_000_000_000
MAX_WHOLE_REASON = "too large: a count is at most 100,000,000,000 (so that sums of counts stay exact)"
# Dates the engine, pandas and Python's datetime all hold.
DATE_RANGE = ("TIMESTAMP '0001-01-01 00:00:00'", "TIMESTAMP '9999-12-31 23:59:59.999999'")


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values) -> str:
    return "(" + ", ".join(sql_string(v) for v in values) + ")"


@dataclass
class Check:
    column: str  # contract name shown in the report
    raw: str  # raw column name (c0...)
    condition: str  # SQL, true when the row fails
    code: str
    reason: str  # SQL expression giving the reason text


def text_expr(rc: str) -> str:
    return f"CAST({rc} AS VARCHAR)"


def trimmed(rc: str) -> str:
    return f"trim({text_expr(rc)}, ' \t\r\n')"


def value_checks(col: Column, rc: str, ok: str) -> list[Check]:
    """A number column's range and whole-number checks; `ok` is SQL, true when the cell holds
    a finite number (v_NAME). Shared by the text, typed and plain-shape paths."""
    v = f"v_{col.name}"
    checks: list[Check] = []
    if col.minimum is not None and col.maximum is not None:
        checks.append(Check(col.name, rc, f"{ok} AND ({v} < {col.minimum} OR {v} > {col.maximum})",
                             "constraint-error", sql_string(f"must be between {col.minimum:g} and {col.maximum:g}")))
    elif col.minimum is not None:
        checks.append(Check(col.name, rc, f"{ok} AND {v} < {col.minimum}", "constraint-error",
                             sql_string(f"must be at least {col.minimum:g}")))
    if col.type == "integer":
        checks.append(Check(col.name, rc, f"{ok} AND {v} <> round({v})", "constraint-error", "'must be a whole number'"))
        # Whole numbers are exact in a double up to 2^53, and ten million rows of them sum within
        # 64 bits only below ~9.2e11: a count above MAX_WHOLE is refused, never rounded or overflowed.
        checks.append(Check(col.name, rc, f"{ok} AND {v} = round({v}) AND {v} > {MAX_WHOLE}",
                             "constraint-error", sql_string(MAX_WHOLE_REASON)))
    return checks


def _chunks(values) -> list:
    return values.chunks if isinstance(values, pa.ChunkedArray) else [values]


def any_chunk(values, test, reduce=None) -> bool:
    """Whether `test` (an Arrow expression of one chunk, reduced with `reduce` when given) is
    true for some chunk of a column: a whole-column decision computed a chunk at a time, so that
    its temporary arrays are a chunk's, not the column's."""
    for chunk in _chunks(values):
        result = test(chunk) if reduce is None else reduce(test(chunk))
        if result.as_py():
            return True
    return False


def column_sql(
    col: Column, rc: str, nested: bool, nested_flag: str | None = None
) -> tuple[list[str], list[Check]]:
    """SELECT expressions for the converted value(s) of one column, and its checks.

    nested: the whole column is a list/struct type (Parquet); nested_flag: a boolean column
    marking the cells that were JSON lists or objects.
    """
    name = col.name
    t = trimmed(rc)
    select: list[str] = []
    checks: list[Check] = []
    raw_missing = f"({rc} IS NULL OR {t} = '')"
    nested_cond = f"NOT {raw_missing}" if nested else nested_flag
    if col.type == "text":
        # The text rules (text_rules.py): NFC, zero-width characters removed, Unicode spaces trimmed.
        n = normalised_sql(text_expr(rc))
        plain_missing = raw_missing
        raw_missing = f"({rc} IS NULL OR {n} = '')"
        select.append(f"CASE WHEN {raw_missing} THEN NULL ELSE {n} END AS v_{name}")
        select.append(f"(NOT {raw_missing} AND {n} <> {t}) AS changed_{name}")
        checks.append(
            Check(name, rc, f"contains({text_expr(rc)}, chr(0))", "constraint-error", "'the cell contains a NUL byte'")
        )
        if name in IDENTITY_COLUMNS:
            checks.append(Check(name, rc, f"NOT {raw_missing} AND {bidi_sql(text_expr(rc))}", "constraint-error",
                                 "'holds a bidirectional control character (U+202A-U+202E or U+2066-U+2069), "
                                 "which can make a name display as another'"))
        if col.allowed:
            checks.append(
                Check(
                    name,
                    rc,
                    f"NOT {raw_missing} AND lower({n}) NOT IN {sql_list(col.allowed)}",
                    "constraint-error",
                    sql_string(f"must be one of {', '.join(col.allowed)}"),
                )
            )
            select[-2] = f"CASE WHEN {raw_missing} THEN NULL ELSE lower({n}) END AS v_{name}"
        if col.required:
            checks.append(Check(name, rc, f"{raw_missing} AND NOT {plain_missing}", "constraint-error",
                                 "'a required value is empty: the cell holds only invisible characters "
                                 "(zero-width or no-break spaces)'"))
            raw_missing = plain_missing
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
        hours = f"TRY_CAST(substr({zone_digits}, 2, 2) AS INTEGER)"
        minutes = f"(CASE WHEN length({zone_digits}) = 5 THEN TRY_CAST(substr({zone_digits}, 4, 2) AS INTEGER) ELSE 0 END)"
        bad_zone = (f"({is_iso} AND {zone} NOT IN ('', 'Z', 'UTC') AND ({hours} > 14 OR {minutes} >= 60 "
                    f"OR {hours} * 60 + {minutes} > 840))")
        checks.append(Check(name, rc, f"NOT {raw_missing} AND {bad_zone}", "type-error",
                             f"'the time-zone offset ' || {g(3)} || ' is not a real one: offsets run from -14:00 to +14:00, "
                             "with minutes below 60'"))
        checks.append(Check(name, rc, f"NOT {raw_missing} AND v_{name} IS NULL AND NOT {bad_zone}", "type-error", hint))
    else:  # number / integer
        missing = f"({rc} IS NULL OR lower({t}) IN {sql_list(sorted(NUMBER_NULL_TOKENS))})"
        syntax = f"(regexp_full_match({t}, {sql_string(NUMBER_PATTERN)}) OR lower({t}) IN {sql_list(INFINITY_TOKENS)})"
        select.append(f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST({t} AS DOUBLE) END AS v_{name}")
        select.append(f"{missing} AS missing_{name}")
        decimal_comma = f"regexp_full_match({t}, '^[+-]?\\d+,\\d+$')"
        checks.append(
            Check(
                name,
                rc,
                f"NOT {missing} AND NOT {syntax}",
                "type-error",
                f"CASE WHEN {decimal_comma} THEN 'not a number: a decimal comma? write 1.5, not 1,5' "
                f"ELSE 'not a number' END",
            )
        )
        finite = f"NOT {missing} AND {syntax} AND (v_{name} IS NULL OR NOT isfinite(v_{name}))"
        checks.append(Check(name, rc, finite, "constraint-error", "'not a finite number'"))
        ok = f"NOT {missing} AND {syntax} AND v_{name} IS NOT NULL AND isfinite(v_{name})"
        checks += value_checks(col, rc, ok)
    if col.required:
        checks.append(Check(name, rc, raw_missing, "constraint-error", "'a required value is empty'"))
    if nested_cond:
        # One reason per cell: a list or object is a type error, not also "not a number".
        checks = [
            Check(name, rc, nested_cond, "type-error", "'a nested list or object, not a single value'")
        ] + [
            Check(c.column, c.raw, f"NOT coalesce({nested_cond}, false) AND ({c.condition})", c.code, c.reason)
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


def typed_column_sql(col: Column, rc: str, typ: pa.DataType) -> tuple[list[str], list[Check]] | None:
    """column_sql for a typed (Parquet) column: the same SELECT items and checks with no
    text round trip. None when the column must take the text path."""
    kind = typed_kind(typ)
    if kind is None or col.type == "text" or (col.type == "datetime") != (kind != "num"):
        return None
    name = col.name
    select: list[str] = []
    checks: list[Check] = []
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
        checks.append(Check(name, rc, f"NOT {missing} AND NOT isfinite(v_{name})", "constraint-error", "'not a finite number'"))
        checks += value_checks(col, rc, f"NOT {missing} AND isfinite(v_{name})")
    if col.required:
        checks.append(Check(name, rc, missing, "constraint-error", "'a required value is empty'"))
    return select, checks


def clean_text_sql(col: Column, rc: str, values) -> tuple[list[str], list[Check]] | None:
    """column_sql for a text column whose every cell is already what the text rules would
    make of it — no spaces around, no empty cell, no NUL byte (checked in Arrow, in one
    pass): the cells are taken as they are. None otherwise."""
    import pyarrow.compute as pc

    if col.type != "text" or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    if values.null_count == len(values):
        return None
    if any_chunk(values, lambda v: pc.any(pc.less(pc.binary_length(pc.utf8_trim(v, " \t\r\n")), pc.binary_length(v)))):
        return None  # spaces to trim
    if any_chunk(values, lambda v: pc.any(pc.or_(pc.equal(pc.binary_length(v), 0), pc.match_substring(v, "\x00")))):
        return None  # an empty cell (missing) or a NUL byte (rejected): the text rules say so
    if any(needs_rules_arrow(chunk) for chunk in _chunks(values)):
        return None  # a cell the text rules change or refuse
    name = col.name
    checks: list[Check] = []
    value = rc
    if col.allowed:
        value = f"lower({rc})"
        checks.append(Check(name, rc, f"{rc} IS NOT NULL AND lower({rc}) NOT IN {sql_list(col.allowed)}",
                             "constraint-error", sql_string(f"must be one of {', '.join(col.allowed)}")))
    if col.required:
        checks.append(Check(name, rc, f"{rc} IS NULL", "constraint-error", "'a required value is empty'"))
    return [f"{value} AS v_{name}"], checks


# Cells of one plain shape, common in exports: read directly when every cell of a column has it.
_UTC_SHAPE = r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)?$"
_DECIMAL_SHAPE = r"^(-?\d+(\.\d+)?)?$"


def shaped_sql(col: Column, rc: str, values) -> tuple[list[str], list[Check]] | None:
    """column_sql for a text column whose every cell is empty or of one plain shape —
    `2024-03-01T12:00:00Z` for dates, `-12.5` for numbers (checked in Arrow, in one pass) —
    read with one cast instead of the general rules' regular expressions. The values, the
    checks and their reasons are the general rules' for such cells. None otherwise."""
    import pyarrow.compute as pc

    if col.type == "text" or not pa.types.is_string(values.type) or values.null_count == len(values):
        return None
    shape = _UTC_SHAPE if col.type == "datetime" else _DECIMAL_SHAPE
    if any_chunk(values, lambda v: pc.invert(pc.match_substring_regex(v, shape)), reduce=pc.any):
        return None
    name = col.name
    missing = f"({rc} IS NULL OR {rc} = '')"
    checks: list[Check] = []
    if col.type == "datetime":
        select = [f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST(replace(rtrim({rc}, 'Z'), 'T', ' ') AS TIMESTAMP) END AS v_{name}",
                  f"false AS naive_{name}", f"false AS epoch_{name}"]
        checks.append(Check(name, rc, f"NOT {missing} AND v_{name} IS NULL", "type-error", "'not a real date or time'"))
    else:
        select = [f"CASE WHEN {missing} THEN NULL ELSE TRY_CAST({rc} AS DOUBLE) END AS v_{name}", f"{missing} AS missing_{name}"]
        checks.append(Check(name, rc, f"NOT {missing} AND (v_{name} IS NULL OR NOT isfinite(v_{name}))",
                             "constraint-error", "'not a finite number'"))
        checks += value_checks(col, rc, f"NOT {missing} AND isfinite(v_{name})")
    if col.required:
        checks.append(Check(name, rc, missing, "constraint-error", "'a required value is empty'"))
    return select, checks
