"""Typed Parquet mentions, validated in Arrow: the fast path for big files.

A Parquet file's columns already have types, so most of what validate.py does cell by cell
through text (trim, a handful of regular expressions, a cast) says nothing new about them.
For a mentions file whose columns are all of simple types (a timestamp or date, numbers,
text) this module:

1. reads the file with pyarrow, actor and source as dictionaries (500 distinct actors in
   10 million rows are decoded and checked 500 times, not 10 million);
2. screens every row with vectorised checks that are *conservative*: a row is a suspect
   when any rule of validate.py could reject or change it (a missing required value, text
   with spaces around it or a NUL byte, an empty text, NaN or infinity, a number out of its
   range, a missing or fractional count, ...);
3. gives the suspects — usually none, at most a few — to validate.py itself, so that their
   fate and every rejection's column, value and reason are exactly what the full validator
   says; the rows that pass the screen are loaded as they are.

So the report and the rows are the full validator's (tests/test_native.py checks both on
clean, dirty and odd files), at the speed of the Arrow reader. The rows keep the file's order
(the full validator returns them by date): a sort of every row would cost more than the rest
of the import. Anything else — events,
nested or unusual types, import options — goes through the general path.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.contract import COLUMNS
from dashboard.loading.arrow_types import portable
from dashboard.loading.chunks import chunked_or_none, map_chunks
from dashboard.loading.column_sql import MAX_WHOLE, typed_kind
from dashboard.loading.load_report import LoadError, LoadLimits, LoadReport
from dashboard.loading.parse import invalid_utf8
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column
from dashboard.loading.text_rules import text_rules_suspects
from dashboard.loading.validation import map_columns, naive_note, validate

_SPACE = " \t\r\n"  # what validate.py trims
_TEXT_OUT = ("text", "source", "url")
PLAIN_FIRST = pa.scalar(dt.datetime(1000, 1, 1), pa.timestamp("us"))
PLAIN_LAST = pa.scalar(dt.datetime(9999, 12, 31, 23, 59, 59), pa.timestamp("us"))



def text_type(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type)
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def eligible(col, t: pa.DataType) -> bool:
    """Whether a column of this type can be screened here (else: the general path): text,
    or a type validate.py checks as it is (no ns timestamps, float32 or decimals)."""
    if col.type == "text":
        return text_type(t)
    kind = typed_kind(t)
    return kind is not None and (kind != "num") == (col.type == "datetime")


def read_mentions(data: bytes, limits: LoadLimits) -> tuple[pa.Table, LoadReport] | None:
    """Load a Parquet mentions file through the typed screen, or None when it does not apply.

    Returns the canonical table (actor and source dictionary-encoded) and the report, with
    the same rows, values and rejections as validate(parse_parquet(data)).
    """
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        schema = pf.schema_arrow
        meta = pf.metadata
    except Exception:  # a damaged file: the general path says what is wrong with it
        return None
    if meta.num_rows > limits.max_rows or meta.num_columns > limits.max_columns:
        return None  # the general path gives the size error
    labels = [str(n) for n in schema.names]
    if len(set(labels)) != len(labels):
        return None
    by_key: dict[str, int] = {}
    for i, label in enumerate(labels):
        by_key.setdefault(label.strip().lower(), i)
    contract = {c.name: c for c in COLUMNS["mentions"]}
    for i, label in enumerate(labels):
        t = schema.field(i).type
        col = contract.get(label.strip().lower())
        if col is None:
            if not label.strip() or not text_type(t):
                return None  # extra columns are kept as text: only text ones are kept as they are
        elif not eligible(col, t):
            return None
    dict_cols = [labels[by_key[n]] for n in ("actor", "source") if n in by_key]
    try:
        table = pq.ParquetFile(pa.BufferReader(data), read_dictionary=dict_cols).read() if dict_cols else pf.read()
    except Exception:
        return None
    if table.num_rows != meta.num_rows:
        return None
    if invalid_utf8(table):
        return None  # the general path rejects the rows whose text is not UTF-8
    n = table.num_rows
    table = table.rename_columns([raw_column(i) for i in range(len(labels))])
    table = table.append_column(RECORD, pa.array(np.arange(1, n + 1, dtype=np.int64)))
    table = table.append_column(LINE, pa.nulls(n, type=pa.int64()))
    raw, changed = portable(RawTable(labels, table, n, "Parquet"))
    if changed:
        return None  # a type or a date the general path converts or rejects, with its reasons
    try:
        cmap, notes = map_columns(raw, "mentions")
    except LoadError:
        return None  # the general path raises the same error with its hint
    return _screen(raw, cmap, notes, limits)


# Text cells of one plain shape that Arrow's casts read exactly as validate.py's SQL does
# (column_sql.shaped_sql and column_sql.column_sql): a UTC time with a real hour, minute and
# second, a plain decimal; a date alone, which validate.py reads as midnight UTC without a
# note (a date has no time of day, so no zone is assumed); and the same time of day with no
# zone after a `T` or a space, which validate.py reads as UTC with a note (ISO_PATTERN's
# zone-less times: TRY_CAST of 'YYYY-MM-DD HH:MM:SS[.ffffff]' AS TIMESTAMP, less no offset;
# Arrow casts the same text to the same naive timestamp); and the time after a `T` with an
# offset `±HH:MM` within ±14:00 (minutes below 60), which validate.py reads as the local time
# less the offset, without a note (ISO_PATTERN's zone group, offset_min; its range check
# rejects only offsets beyond these), as Arrow's cast to a UTC timestamp subtracts it. Its
# 7-9-digit or comma fractions, hours without seconds, `z`, `UTC`, offsets after a space or
# written `±HHMM` or `±HH`, and offsets out of range are left to validate.py.
_TIME = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?"
_OFFSET = r"[+-]((0\d|1[0-3]):[0-5]\d|14:00)"
_DATE_OR_UTC_TEXT = rf"^\d{{4}}-\d{{2}}-\d{{2}}(T{_TIME}(Z|{_OFFSET})|[T ]{_TIME})?$"
_ZONED = rf"(Z|{_OFFSET})$"  # (of _DATE_OR_UTC_TEXT's cells) a time with its zone
DECIMAL_TEXT = r"^-?\d+(\.\d+)?$"
_DELIMITED = ("CSV", "TSV", "semicolon-separated", "pipe-separated")
_UTC = pa.timestamp("us", tz="UTC")


def screen_text(raw: RawTable, limits: LoadLimits) -> tuple[pa.Table, LoadReport] | None:
    """CSV mentions read by Arrow (every cell text, nothing rejected yet) through the typed
    screen, or None when it does not apply.

    When every date cell is empty, `2024-03-01`, `2024-03-01T12:00:00[.ffffff]Z`, that time with an
    offset `±HH:MM` within ±14:00 (its UTC instant, no note) or the same time
    without a zone (`T` or a space before it: read as UTC, with validate.py's note) and every tone and count
    cell empty or a plain decimal, those columns are cast in Arrow (an empty cell is missing,
    as validate.py reads it; a date Arrow cannot cast: None) and screened as typed columns
    are; the suspects go to validate.py as the text they were, so their rejections name the
    cells as written. The same rows, values and report as validate(raw), in the file's order.
    """
    if raw.rejections or raw.unlisted or raw.notes or raw.table.num_rows != raw.rows_read:
        return None
    if raw.file_format not in _DELIMITED or raw.table.column_names != [raw_column(i) for i in range(len(raw.labels))] + [RECORD, LINE]:
        return None
    try:
        cmap, notes = map_columns(raw, "mentions")
    except LoadError:
        return None  # the general path raises the same error with its hint
    typed = raw.table
    values = cast = None
    naive_rows = None
    encode = []
    for col in COLUMNS["mentions"]:
        rc = cmap.contract.get(col.name)
        if rc is None:
            continue
        values = typed.column(rc)
        if col.type == "text":
            if col.name in ("actor", "source"):  # as read_mentions reads them: few distinct values, checked once each
                encode.append(rc)
            continue
        if not pa.types.is_string(values.type):
            return None
        # Each chunk on its own core (chunks.py); any chunk that says no sends the file on.
        if col.type == "datetime":
            cast = chunked_or_none(_utc_or_dates, values, _UTC)
            if cast is not None:
                naive_rows = np.concatenate([_mask(naive_cells(c)) for c in values.chunks]) if len(values) else np.zeros(0, bool)
        else:
            cast = chunked_or_none(_decimals, values, pa.float64())
        if cast is None:
            return None  # another shape, or a date that is not a real one: validate.py says so
        typed = typed.set_column(typed.schema.get_field_index(rc), rc, cast)
    for rc in encode:
        typed = typed.set_column(typed.schema.get_field_index(rc), rc, _dictionary(typed.column(rc)))
    # No way back to the general path from here: the raw cells are handed over (raw.table
    # emptied, as validate's consume does), so _screen can free them once it has taken the
    # suspects' cells, before the loaded table is built beside the typed columns.
    written = [raw.table]
    raw.table = raw.table.schema.empty_table()
    del values, cast
    table, report = _screen(RawTable(raw.labels, typed, raw.rows_read, raw.file_format), cmap, notes, limits, written,
                            naive_rows)
    report.exact = False  # the rows come from text, not from a Parquet file an engine could read
    return table, report


def _missing_as_null(values, empty):
    """Empty cells as null (a copy of the column only when some cell is empty)."""
    return pc.if_else(empty, pa.scalar(None, pa.string()), values) if pc.any(empty).as_py() else values


def _dictionary(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """pc.dictionary_encode(values), a chunk per core: each chunk's dictionary, then one for
    all (unify_dictionaries keeps the order of first appearance, so the dictionary and the
    codes are those pc.dictionary_encode gives)."""
    parts = map_chunks(pc.dictionary_encode, values)
    encoded = pa.chunked_array(parts, type=pa.dictionary(pa.int32(), values.type))
    return pa.table({"v": encoded}).unify_dictionaries().column(0)


def _decimals(values: pa.Array) -> pa.Array | None:
    """Cells that are all empty or a plain decimal as float64 (empty: missing); else None."""
    empty = pc.equal(values, "")
    # Whole counts are ASCII digits alone, DECIMAL_TEXT's commonest cells: told without the
    # regular expression first (a tenth of its time), which then reads any other column.
    if (len(values) and not pc.all(pc.or_(empty, pc.ascii_is_decimal(values))).as_py()
            and not pc.all(pc.or_(empty, pc.match_substring_regex(values, DECIMAL_TEXT))).as_py()):
        return None
    try:
        return pc.cast(_missing_as_null(values, empty), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def utc_or_dates(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """_utc_or_dates of a column; a chunked one a chunk per core (chunks.py)."""
    if isinstance(values, pa.ChunkedArray):
        return chunked_or_none(_utc_or_dates, values, _UTC)
    return _utc_or_dates(values)


def naive_cells(values):
    """Where the date cells (of _DATE_OR_UTC_TEXT's shapes) hold a time of day without a zone:
    longer than a date alone, and ending in neither Z nor an offset."""
    lengths = pc.binary_length(values)
    return pc.fill_null(pc.and_(pc.greater(lengths, 10), pc.invert(_zoned(values))), False)


def _zoned(values):
    """Where the cells end in Z or an offset (null at null cells): _ZONED's matches. When every
    cell that is not empty ends in Z (an export in UTC), those are the matches, told without
    the regular expression (0.05 s, where it took 0.3 s over 10 million dates on one core)."""
    z = pc.ends_with(values, "Z")
    if pc.all(pc.or_(pc.equal(values, ""), z)).as_py():
        return z
    return pc.match_substring_regex(values, _ZONED)


def naive_screened(naive: np.ndarray, suspect: np.ndarray, records) -> tuple[int, int]:
    """How many screened rows (not suspect) have a date without a zone, and the first one's
    record (0 when none); records None: each row's record is its position + 1."""
    rows = np.flatnonzero(naive & ~suspect)
    if not len(rows):
        return 0, 0
    first = int(rows[0]) + 1 if records is None else int(pc.min(records.take(pa.array(rows))).as_py())
    return len(rows), first


def naive_notes(notes: list[str], counts: dict[str, int], screened: int, first: int) -> list[str]:
    """The suspects' notes (validate.py's, counts from its `counts`) with their note on dates
    without a zone made the file's: the screened rows' `screened` such dates (the first at
    record `first`) added, in the note's place (after the text rules' notes, as validate.py
    makes it)."""
    own = naive_note(counts["naive"], counts["naive_first"]) if counts.get("naive") else None
    out = [x for x in notes if x != own]
    total = screened + counts.get("naive", 0)
    if total:
        firsts = [f for f, k in ((first, screened), (counts.get("naive_first", 0), counts.get("naive", 0))) if k]
        at = max((i + 1 for i, x in enumerate(out) if " normalised: Unicode NFC" in x), default=0)
        out.insert(at, naive_note(total, min(firsts)))
    return out


def _utc_or_dates(values: pa.Array) -> pa.Array | None:
    """Date cells that are all empty, `2024-03-01`, `2024-03-01T12:00:00[.ffffff]Z`, that time
    with an offset within ±14:00 (`+02:00`, `-05:30`) or without a zone (after `T` or a space)
    as UTC timestamps (a date alone is its midnight, UTC, an offset is subtracted and a time
    without a zone is read as UTC, as validate.py reads them); None when some cell has another
    shape or is no real date."""
    if not len(values):
        return pc.cast(values, _UTC)
    empty = pc.equal(values, "")
    cells = _missing_as_null(values, empty)
    try:
        # One pass of one expression (either shape) over every cell; then a cell of 10 bytes
        # is a date alone, any other non-empty one a UTC time.
        if not pc.all(pc.or_(empty, pc.match_substring_regex(values, _DATE_OR_UTC_TEXT))).as_py():
            return None
        zoned = _zoned(values)
        if not pc.any(zoned).as_py():
            # dates alone and times without a zone: naive, then marked UTC (the values stay:
            # Arrow keeps instants in UTC)
            return pc.cast(cells, pa.timestamp("us")).cast(_UTC)
        if not pc.all(pc.or_(empty, zoned)).as_py():
            # Arrow reads a zone-less cell as a UTC one only with its Z (a zoned one, Z or an
            # offset, it casts to its UTC instant)
            date_only = pc.equal(pc.binary_length(values), 10)
            cells = pc.if_else(date_only, pc.binary_join_element_wise(values, "T00:00:00Z", ""),
                               pc.if_else(pc.or_(zoned, empty), cells, pc.binary_join_element_wise(values, "Z", "")))
        return pc.cast(cells, _UTC)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def utc_dates_and_others(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Date cells of mixed shapes: the UTC timestamps of the cells utc_or_dates reads (empty
    ones null), null at every other cell; and where those others are (True: another shape, or
    no real date such as 2024-02-30 — the general rules decide them)."""
    empty = pc.fill_null(pc.equal(values, ""), True)
    plain = pc.fill_null(pc.match_substring_regex(values, _DATE_OR_UTC_TEXT), False)
    # A real date, as Arrow's strptime does not say (it reads 2024-02-30 as 2024-03-01): its
    # day printed back as it was written. The time of day the expression above already checked.
    day = pc.utf8_slice_codeunits(pc.if_else(plain, values, pa.scalar("1970-01-01")), 0, 10)
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), day), False)
    others = pc.and_(pc.invert(empty), pc.invert(pc.and_(plain, real)))
    stamps = utc_or_dates(pc.if_else(others, pa.scalar(""), values))
    if stamps is None:  # (not expected: every cell left is empty or of the plain shapes, and real)
        return pa.nulls(len(values), _UTC), pc.invert(empty)
    return stamps, others


def _screen(raw: RawTable, cmap, notes: list[str], limits: LoadLimits,
            written: list[pa.Table] | None = None, naive_rows: np.ndarray | None = None) -> tuple[pa.Table, LoadReport]:
    """written: [the raw cells as the file holds them], when raw.table holds them converted;
    taken from the list (and freed) once the suspects' cells are taken from it. naive_rows: the
    rows whose date cell held a time without a zone (text read as UTC: validate.py's note)."""
    table = raw.table
    n = table.num_rows
    contract = cmap.contract
    suspect = np.zeros(n, dtype=bool)
    out: dict[str, pa.ChunkedArray] = {}
    altered = False  # a value the table holds differently from the file (NaN tone, missing count)
    for col in COLUMNS["mentions"]:
        rc = contract.get(col.name)
        if rc is None:
            continue
        values = table.column(rc)
        if col.type == "datetime":
            if pa.types.is_timestamp(values.type) and values.type.tz is None:
                naive_rows = np.ones(n, dtype=bool)  # a Parquet timestamp without a zone: every one read as UTC
            stamps = values.cast(pa.timestamp("us"))  # tz-aware: the same instants, as naive UTC
            if values.null_count:
                suspect |= _nulls(values)
            # Years outside 1000-9999 print differently as text: let the validator decide. (Compared
            # in Arrow: an offset can take a time to year 0, which Python's datetime does not hold.)
            outside = pc.or_kleene(pc.less(stamps, PLAIN_FIRST), pc.greater(stamps, PLAIN_LAST))
            if pc.any(outside).as_py():
                suspect |= _mask(outside)
            out[col.name] = stamps
        elif col.type == "text":
            suspect |= _text_suspects(values, required=col.required)
            out[col.name] = values
        else:
            as_float = values.cast(pa.float64(), safe=False)  # an int64 above 2^53 is a suspect below, not an error
            if pa.types.is_floating(values.type) and pc.any(pc.is_nan(as_float)).as_py():
                # NaN is a missing value, as the text 'nan' is
                as_float = pc.if_else(pc.fill_null(pc.is_nan(as_float), False), pa.scalar(None, pa.float64()), as_float)
                altered = True
            # Null stays null through every comparison, so a missing value is never suspect
            # here: validate.py leaves a missing tone empty and counts a missing count as 1.
            bad = pc.invert(pc.is_finite(as_float))
            if col.minimum is not None:
                bad = pc.or_kleene(bad, pc.less(as_float, col.minimum))
            if col.maximum is not None:
                bad = pc.or_kleene(bad, pc.greater(as_float, col.maximum))
            if col.type == "integer":
                bad = pc.or_kleene(bad, pc.not_equal(as_float, pc.round(as_float)))
                bad = pc.or_kleene(bad, pc.greater(as_float, MAX_WHOLE))
                if pa.types.is_integer(values.type):
                    whole = values.cast(pa.int64())
                else:  # fractions and infinities are suspects: their rows are dropped below
                    whole = pc.cast(as_float, pa.int64(), safe=False)
                out[col.name] = pc.fill_null(whole, 1) if whole.null_count else whole
                altered = altered or bool(whole.null_count)
            else:
                out[col.name] = as_float
            if pc.any(bad).as_py():
                suspect |= _mask(bad)
    # Extra columns are kept as text, as they are (validate.py neither trims nor checks them).
    extras = {name: _plain(table.column(rc)) for name, rc in cmap.extras.items()}

    report = LoadReport(kind="mentions", file_format=raw.file_format)
    report.notes.extend(notes)
    any_suspect = bool(suspect.any())
    # The suspects' cells as written, taken before the loaded table is built; the rest of the
    # raw cells are freed here (the caller handed them over).
    cells = table if written is None else written.pop()
    sub = cells.take(pa.array(np.flatnonzero(suspect))) if any_suspect else None
    del cells
    clean = _canonical(out, extras, table.column(RECORD), n, np.flatnonzero(~suspect) if any_suspect else None)
    rejections, listed_more, rejected = [], 0, 0
    sub_notes: list[str] = []
    counts: dict[str, int] = {}
    if any_suspect:
        assert sub is not None
        sub_raw = RawTable(raw.labels, sub, sub.num_rows, raw.file_format)
        checked, sub_report = validate(sub_raw, "mentions", limits, keep_record=True, counts=counts)
        rejections, listed_more, rejected = sub_report.rejections, sub_report.unlisted_rejections, sub_report.rejected
        sub_notes = [n for n in sub_report.notes if " normalised: Unicode NFC" in n]  # the text rules' note
        clean = _in_file_order(_merge(clean, checked))  # the loaded suspects were appended
    if naive_rows is not None:
        sub_notes = naive_notes(sub_notes, counts, *naive_screened(naive_rows, suspect, table.column(RECORD)))
    report.notes.extend(sub_notes)
    clean = clean.drop_columns([RECORD])
    report.rejections = rejections
    report.unlisted_rejections = listed_more
    report.rows_read = n
    report.rejected = rejected
    report.loaded = clean.num_rows
    report.columns = clean.column_names
    if not report.balanced:  # an invariant: if it breaks, say so loudly rather than mislead
        raise RuntimeError(f"internal error: {n} rows read but {report.loaded} loaded + {report.rejected} rejected")
    # The file itself holds exactly the loaded rows: an engine may read it in place.
    report.exact = not any_suspect and not altered and "text" not in contract
    return clean, report


def _mask(bools) -> np.ndarray:
    """A boolean (chunked) array as numpy, null read as False."""
    return np.asarray(pc.fill_null(bools, False).to_numpy(zero_copy_only=False), dtype=bool)


def _plain(values):
    return values.cast(values.type.value_type) if pa.types.is_dictionary(values.type) else values


def _nulls(values) -> np.ndarray:
    return _mask(pc.is_null(values))


def _text_suspects(values, required: bool) -> np.ndarray:
    """Rows whose text validate.py would reject or change: a NUL byte, spaces around it,
    empty (after trimming) — and a null one where the value is required."""
    if pa.types.is_dictionary(values.type):
        # Decide once per distinct value, then look the rows' codes up.
        chunks = [c for c in values.chunks]
        flags = []
        for chunk in chunks:
            bad_value = bad_text(chunk.dictionary)
            idx = chunk.indices
            if not (required and idx.null_count) and not pc.any(bad_value).as_py():
                flags.append(np.zeros(len(idx), dtype=bool))  # no bad value, no missing one
                continue
            hit = pc.take(bad_value, idx) if len(bad_value) else pa.nulls(len(idx), pa.bool_())
            flags.append(pc.fill_null(hit, required).to_numpy(zero_copy_only=False))
        return np.concatenate(flags).astype(bool) if flags else np.zeros(0, dtype=bool)
    bad = bad_text(values)
    return _mask(pc.fill_null(bad, required))


def bad_text(values):
    nul = pc.match_substring(values, "\x00")
    trimmed = pc.utf8_trim(values, _SPACE)
    changed = pc.not_equal(pc.binary_length(trimmed), pc.binary_length(values))
    empty = pc.equal(pc.binary_length(trimmed), 0)
    bad = pc.or_(pc.or_(nul, changed), empty)
    if not pc.all(pc.fill_null(pc.string_is_ascii(values), True)).as_py():
        # The text rules (text_rules.py) may change or refuse a non-ASCII value: validate.py decides.
        bad = pc.or_(bad, text_rules_suspects(values))
    return bad


def _canonical(out: dict, extras: dict, records, n: int, keep: np.ndarray | None) -> pa.Table:
    """The canonical mentions columns of the screened rows (date, actor, tone, count, text,
    source, url, extras..., _record), as validate.py names and types them."""
    cols = {
        "date": out["date"],
        "actor": out["actor"],
        "tone": out.get("tone", pa.chunked_array([pa.nulls(n, pa.float64())])),
        "count": out["count"] if "count" in out else pa.chunked_array([pa.array(np.ones(n, dtype=np.int64))]),
    }
    for name in _TEXT_OUT:
        cols[name] = out[name] if name in out else pa.chunked_array([pa.nulls(n, pa.string())])
    for name, values in extras.items():
        cols[name] = values
    cols[RECORD] = records
    table = pa.table(cols)
    if keep is not None:
        table = table.take(pa.array(keep))
    return table


def _merge(clean: pa.Table, checked: pa.Table) -> pa.Table:
    """Screened rows plus the suspects the full validator loaded, in one schema."""
    checked = checked.select(clean.column_names)
    columns = []
    for name in clean.column_names:
        want = clean.schema.field(name).type
        col = checked.column(name)
        columns.append(col if col.type == want else col.cast(want))
    checked = pa.Table.from_arrays(columns, schema=clean.schema)
    return pa.concat_tables([clean, checked]).unify_dictionaries()


def _in_file_order(table: pa.Table) -> pa.Table:
    """Rows by record (the file's order).

    Not by date: sorting ten million rows took more than half of a whole `score` at 10M
    (BENCHMARKS.md), and nothing downstream needs it — the engine filters and aggregates
    without an order (duckdb_engine.py)."""
    return table.take(pc.sort_indices(table.column(RECORD)))
