"""CSV events read by Arrow, screened in Arrow: the fast path for big events files (issue 14).

What native.screen_text does for mentions, for events. A date cell `2024-03-01`,
`2024-03-01T12:00:00[.ffffff]Z`, that time with a numeric offset within ±14:00 (`+02:00`, `-05:30`,
`+14:00`: read as its UTC instant, without a note, as validate.py reads it; other offsets are left to
validate.py, which rejects those out of range) or that time without a zone (`2024-03-01 12:00:00[.ffffff]` or with a
`T`: read as UTC, as validate.py reads it, and counted in its note with the suspects' own) is cast in
Arrow (a chunk of rows at a time; in a chunk that holds a cell of another shape, or no real date, the
other cells are cast and that row is a suspect). A row whose cells the general rules (validate.py) would take as they are is loaded as
it is: text without spaces around it, a NUL byte or a character the text rules change; an
event_type of the allowed ones; a severity empty or a plain decimal within its range. The
suspects — a row with any other cell, and every row whose id repeats another's — go to
validate.py as the text they were, so their fate and every rejection (column, value, reason) are
the validator's; validate.py is given the file's columns (an unnamed column empty in the
suspects alone is still the file's). The ids are the validator's own SQL
(validation.event_id_sql), run by DuckDB over the typed Arrow columns once the rows are sorted;
the repeats are found before, by a 64-bit hash of each row's id (of the id's fields when the file
has no id column: equal fields, equal ids). When a loaded suspect's id may equal a screened
row's (its hash is the screened row's), that screened row is validated with the suspects, so
validate.py ranks every row of the id (again until no loaded suspect may repeat a screened row).
The screen gives the file to validate.py whole only when more than half of a big file (over a
million rows) is suspect. In a file with a `retracts` column, the suspects are validated without
the retraction graph (validate(retractions=False)); the graph is checked over all the loaded
rows, as validate.py checks it (retractions.py's checks and notes, on a `final` table), but that
table holds only what the checks read: the loaded rows that retract and the rows whose id they
name — record, id, date, retracts. The refused rows leave the table; their rejections, note and
counts are merged in validate.py's order.

The same rows, values, order (by date, then record) and report as validate(raw), without
DuckDB's working tables: a 9-million-row upload peaked at 1.6 GiB through validate, ~0.9 GiB
here, and a 9-million-row upload with 1 % dirty rows (dates without a zone, duplicates of a
screened row) no longer goes whole to validate: 1.6 GiB, 414 s → 0.94 GiB, 66 s (BENCHMARKS.md, the memory-bound section).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import COLUMNS, DEFAULT_SEVERITY, Column
from dashboard.loading.chunks import map_chunks
from dashboard.loading.load_report import LoadError, LoadLimits, LoadReport, Rejection
from dashboard.loading.native import (
    DECIMAL_TEXT,
    PLAIN_FIRST,
    PLAIN_LAST,
    bad_text,
    naive_cells,
    naive_notes,
    naive_screened,
    utc_dates_and_others,
    utc_or_dates,
)
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column
from dashboard.loading.retractions import dangling_note, refuse_retractions, refused_note
from dashboard.loading.validation import bound_memory, event_id_sql, event_notes, map_columns, validate

_DELIMITED = ("CSV", "TSV", "semicolon-separated", "pipe-separated")
_OUT = ("id", "date", "actor", "target", "event_type", "severity", "headline", "source", "url", "retracts")
_BATCH = 1 << 20  # rows a shared chunk of nulls holds
_RESULT_BATCH = 122_880  # rows a DuckDB result batch holds (60 of its vectors)


def screen_events(raw: RawTable, limits: LoadLimits) -> tuple[pa.Table, LoadReport] | None:
    """Arrow-read CSV events (every cell text, nothing rejected yet) through the screen, or None
    when it does not apply. The same table and report as validate(raw)."""
    if not _plain(raw):
        return None
    try:
        cmap, notes = map_columns(raw, "events")
    except LoadError:
        return None  # the general path raises the same error with its hint
    if any(not pa.types.is_string(raw.table.schema.field(rc).type)
                                          for rc in list(cmap.contract.values()) + list(cmap.extras.values())):
        return None
    # Records 1..n on lines 2..n+1 (a file of one line a record, as Arrow reads it) are not kept
    # while the screen runs (144 MB at 9 million rows): they are made again where they are needed.
    numbered = _numbered(raw.table)
    if numbered:
        raw.table = raw.table.drop_columns([RECORD, LINE])
    out = _screen(raw, cmap, notes, limits, numbered)
    if out is None and numbered:
        raw.table = _with_numbers(raw.table, np.arange(raw.table.num_rows))
    return out


def _screen(raw: RawTable, cmap, notes: list[str], limits: LoadLimits, numbered: bool) -> tuple[pa.Table, LoadReport] | None:
    table = raw.table
    n = table.num_rows
    suspect = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    cols: dict[str, pa.ChunkedArray] = {}  # the v_ columns of validate.py, named as there
    for col in COLUMNS["events"]:
        rc = cmap.contract.get(col.name)
        if rc is None:
            continue
        screened = _screen_column(col, table.column(rc))
        if screened is None:
            return None  # a number Arrow cannot cast (not expected): validate.py says why
        cols[f"v_{col.name}"], bad = screened
        suspect |= bad
        if col.type == "datetime":  # a time without a zone, read as UTC: said in a note
            naive = np.concatenate([_mask(naive_cells(c)) for c in table.column(rc).chunks]) if n else np.zeros(0, bool)
    del screened  # (it held the last column's cells: freed when the columns are taken below)
    for i, rc in enumerate(cmap.extras.values()):
        cols[f"x{i}"] = table.column(rc)  # kept as the text they are, as validate.py keeps them
    has = cmap.contract.__contains__
    id_sql = event_id_sql(has, len(cmap.extras))
    if has("id"):
        id_sql = f"coalesce(v_id, {id_sql})"
    # A 64-bit hash of what each id is made of: with an id column, of the id itself; without one,
    # of the fields the id is derived from (equal fields, equal ids; two rows of unequal fields
    # have equal ids only if SHA-256 collides in 96 bits), which skips the id's text and its SHA-256.
    key = f"hash({id_sql})" if has("id") else f"hash({', '.join(cols)})"
    hashes = _duckdb_column(pa.table(cols), key).to_numpy()
    suspect |= _repeated(hashes, ~suspect)  # every row of an id that repeats: validate.py ranks them

    counts = {"defaulted": 0, "derived": 0}
    checked, sub_report = None, None
    while suspect.any():
        if suspect.sum() > max(n // 2, _BATCH):
            return None  # most of a big file: validate.py over it costs less than over a copy of most of it
        rows = np.flatnonzero(suspect)
        sub = table.take(pa.array(rows))
        sub = _with_numbers(sub, rows) if numbered else sub
        del rows
        checked, sub_report = validate(RawTable(raw.labels, sub, sub.num_rows, raw.file_format), "events", limits,
                                       keep_record=True, counts=counts, columns=cmap, retractions=not has("retracts"))
        del sub
        if not checked.num_rows:
            break
        # The screened rows a loaded suspect's id may equal (their hash is one of its keys): they
        # are validated with the suspects, so validate.py ranks every row of such an id (and
        # again, until no loaded row's key is a screened row's: the set only grows).
        repeats = ~suspect & _member(hashes, _keys(checked, cmap, list(cols), has))
        if not repeats.any():
            break
        suspect |= repeats
        del repeats
    del hashes
    # The screened rows' dates without a zone (the suspects' ones their notes count)
    naive_count = naive_screened(naive, suspect, None if numbered else table.column(RECORD))
    del naive
    # No way back from here: the raw cells are freed (raw.table emptied, as validate's consume
    # does); the screened rows' text columns are the raw ones, kept as they are.
    cols[RECORD] = pa.chunked_array([pa.array(np.arange(1, n + 1))]) if numbered else table.column(RECORD)
    lines = None if numbered or not has("retracts") else (table.column(RECORD).to_numpy(), table.column(LINE).to_numpy())
    raw.table = raw.table.schema.empty_table()
    del table
    keep = np.flatnonzero(~suspect) if suspect.any() else None
    del suspect
    if keep is not None:
        _take(cols, pa.array(keep))
        del keep
    defaulted, derived = _counts(cols, has)
    if checked is not None and checked.num_rows:
        cols["known"] = pa.chunked_array([pa.nulls(len(cols[RECORD]), pa.string())])
        _append(cols, _as_inputs(checked, cmap))
    del checked
    records = cols.pop(RECORD)
    order = pc.sort_indices(pa.table({"d": cols["v_date"], "r": records}), [("d", "ascending"), ("r", "ascending")])
    if not has("retracts"):
        del records  # (the graph of retractions needs them)
    if not np.array_equal(order.to_numpy(), np.arange(len(order))):
        # validate.py's order: by date, then record (the records freed first; 4-byte indices when they fit)
        order = order.cast(pa.int32()) if len(order) < 2**31 else order
        _take(cols, order)
        if has("retracts"):
            records = records.take(order)
    del order
    ids = _duckdb_column(pa.table(cols),
                         f"coalesce(known, {id_sql})" if "known" in cols else id_sql)
    table_out = _canonical(cols, ids, cmap, has)
    del ids
    graph: tuple[list[tuple], int, str | None] = ([], 0, None)
    if has("retracts"):
        gone, graph, refused_defaulted, refused_derived = _retractions(table_out, records, lines, cols, counts, has, limits)
        del records
        cols.clear()  # (the loaded table shares their buffers: each column is freed as it is filtered)
        box = [table_out]
        del table_out
        table_out = _without(box, gone)
        defaulted -= refused_defaulted
        derived -= refused_derived
    return table_out, _report(raw, n, table_out, notes, sub_report, counts,
                              event_notes(defaulted + counts["defaulted"], derived + counts["derived"]),
                              naive_count, graph, limits)


def _plain(raw: RawTable) -> bool:
    """Whether raw is a delimited file read by Arrow with nothing rejected or noted yet."""
    if raw.rejections or raw.unlisted or raw.notes or raw.table.num_rows != raw.rows_read or not raw.rows_read:
        return False
    return raw.file_format in _DELIMITED and raw.table.column_names == [raw_column(i) for i in range(len(raw.labels))] + [RECORD, LINE]


def _report(raw: RawTable, n: int, table_out: pa.Table, notes: list[str], sub_report: LoadReport | None,
            sub_counts: dict, events: list[str], naive: tuple[int, int],
            graph: tuple[list[tuple], int, str | None], limits: LoadLimits) -> LoadReport:
    """validate.py's report: its notes in its order, the suspects' rejections (all there are).
    The suspects' notes on what the text rules changed, and on dates given as epoch numbers,
    are the file's (no screened row has such a cell); their note on dates without a zone counts
    the screened rows' too (`naive`: how many, the first's record); their notes on events are
    replaced by the file's (`events`), made after them as validate.py makes them. `graph`: the
    retractions refused over all the loaded rows (the first of them, their count: their rejections
    merged in validate.py's order and cap) and the note on ids not in the file, which validate.py
    makes around the events' notes."""
    report = LoadReport(kind="events", file_format=raw.file_format)
    report.notes.extend(notes)
    sub_notes: list[str] = []
    if sub_report is not None:
        own = set(event_notes(sub_counts["defaulted"], sub_counts["derived"]))
        sub_notes = [x for x in sub_report.notes if x not in own]
    report.notes.extend(naive_notes(sub_notes, sub_counts, *naive))
    if sub_report is not None:
        report.rejections = sub_report.rejections
        report.unlisted_rejections = sub_report.unlisted_rejections
        report.rejected = sub_report.rejected
    refused, refused_n, dangling = graph
    if refused_n:
        total = len(report.rejections) + report.unlisted_rejections + refused_n
        merged = report.rejections + [Rejection(*p) for p in refused]
        merged.sort(key=lambda r: (r.record, r.column))
        report.rejections = merged[:limits.max_listed_rejections]
        report.unlisted_rejections = max(0, total - limits.max_listed_rejections)
        report.rejected += refused_n
        report.notes.append(refused_note(refused_n))
    report.notes.extend(events)
    if dangling:
        report.notes.append(dangling)
    report.rows_read = n
    report.loaded = table_out.num_rows
    report.columns = table_out.column_names
    if not report.balanced:  # an invariant: if it breaks, say so loudly rather than mislead
        raise RuntimeError(f"internal error: {n} rows read but {report.loaded} loaded + {report.rejected} rejected")
    return report


def _retractions(table: pa.Table, records: pa.ChunkedArray, lines, cols: dict[str, pa.ChunkedArray],
                 counts: dict, has, limits: LoadLimits) -> tuple[np.ndarray, tuple[list[tuple], int, str | None], int, int]:
    """The retraction graph of the loaded rows (`table`, in its order, their `records`), checked
    as validate.py checks it (retractions.py) over a lean `final` table: the rows that retract
    and the rows they name (the only rows the checks read), their record, id, date and retracts.
    The refused rows' positions in the table; the first refused (as problems, to the listing's cap and
    one more), how many were refused, and the note on ids not in the file; how many of the
    refused had their severity defaulted and their id derived (the screened rows' from their
    cells, the suspects' as validate.py listed them in `counts`). `lines`: the records' lines
    when they are not the record + 1 (the file's records and lines, as numpy). The graph is
    checked in DuckDB (refuse_retractions): Python holds the refused rows' records as numpy, and
    the listed few."""
    retracts = table.column("retracts")
    if retracts.null_count == len(retracts):
        return _NONE, ([], 0, None), 0, 0
    # (the columns as they are, no copy: DuckDB picks the rows)
    lean = pa.table({RECORD: records, "id": table.column("id"), "date": table.column("date"), "retracts": retracts})
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")
        bound_memory(con)
        con.execute("SET memory_limit = '128MB'")  # (its joins spill past it: a graph of millions of rows)
        con.register("lean", lean)
        con.execute(f"CREATE TEMP TABLE final AS SELECT {RECORD}, NULL::BIGINT AS {LINE}, id, date, retracts FROM lean "
                    "WHERE retracts IS NOT NULL OR id IN (SELECT retracts FROM lean WHERE retracts IS NOT NULL)")
        con.unregister("lean")
        del lean
        refused_n = refuse_retractions(con)
        dangling = dangling_note(con)
        if refused_n:
            refused = con.execute("SELECT * FROM retraction_problems ORDER BY record LIMIT ?",
                                  [limits.max_listed_rejections + 1]).fetchall()
            gone = np.asarray(con.execute("SELECT record FROM retraction_problems").fetchnumpy()["record"], dtype=np.int64)
    finally:
        con.close()
    if not refused_n:
        return _NONE, ([], 0, dangling), 0, 0
    listed = np.array([p[0] for p in refused], dtype=np.int64)
    line_of = dict(zip(listed.tolist(), (listed + 1).tolist()))
    if lines is not None:
        at = np.isin(lines[0], listed)
        line_of = dict(zip(lines[0][at].tolist(), lines[1][at].tolist()))
    refused = [(p[0], line_of[p[0]], *p[2:]) for p in refused]
    positions = np.flatnonzero(np.isin(records.to_numpy(), gone))
    # Whose severity was defaulted, whose id derived: the screened rows' from their cells, the suspects' from validate.py
    picked = pa.array(positions)
    screened = _mask(pc.is_null(cols["known"].take(picked))) if "known" in cols else np.ones(len(positions), dtype=bool)
    derived = _mask(pc.is_null(cols["v_id"].take(picked))) if has("id") else np.ones(len(positions), dtype=bool)
    defaulted = np.zeros(len(positions), dtype=bool)
    if has("event_type"):
        defaulted = _mask(pc.is_valid(cols["v_event_type"].take(picked)))
        if has("severity"):
            defaulted &= _mask(pc.is_null(cols["v_severity"].take(picked)))
    suspects = records.take(picked).to_numpy()[~screened]  # (records are unique, and so are those listed in counts)
    defaulted_n = int((defaulted & screened).sum()) + int(np.isin(suspects, np.asarray(counts.get("defaulted_at", ()), dtype=np.int64)).sum())
    derived_n = int((derived & screened).sum()) + int(np.isin(suspects, np.asarray(counts.get("derived_at", ()), dtype=np.int64)).sum())
    return positions, (refused, refused_n, dangling), defaulted_n, derived_n


_NONE = np.empty(0, dtype=np.int64)


def _without(box: list[pa.Table], positions: np.ndarray) -> pa.Table:
    """The table in `box` (taken out of it) without the rows at `positions`, filtered a column at
    a time, each old column freed as its copy is made (not the whole table twice at once)."""
    table = box.pop()
    if not len(positions):
        return table
    keep = np.ones(table.num_rows, dtype=bool)
    keep[positions] = False
    mask = pa.array(keep)
    schema, columns = table.schema, table.columns
    del table
    for i in range(len(columns)):
        columns[i] = columns[i].filter(mask)
    return pa.Table.from_arrays(columns, schema=schema)


def _keys(checked: pa.Table, cmap, names: list[str], has) -> np.ndarray:
    """The hashes the screen's rows are keyed by, of the suspects validate.py loaded: of their ids;
    or of their fields — twice when their severity is their event_type's default: it may have
    been set from it, and the screen's rows hash a missing one as missing."""
    if has("id"):
        return _duckdb_column(checked.select(["id"]), "hash(id)").to_numpy()
    fields = {f"v_{name}": checked.column(name) for name in cmap.contract}
    fields.update({f"x{i}": checked.column(name) for i, name in enumerate(cmap.extras)})
    keys = [_duckdb_column(pa.table(fields).select(names), f"hash({', '.join(names)})").to_numpy()]
    if has("event_type"):  # a severity that is its event_type's default may have been set from it
        severity = checked.column("severity")
        maybe_set = pc.fill_null(pc.equal(severity, _default_severity(checked.column("event_type"))), False)
        fields["v_severity"] = pc.if_else(maybe_set, pa.scalar(None, pa.float64()), severity)
        keys.append(_duckdb_column(pa.table(fields).select(names), f"hash({', '.join(names)})").to_numpy())
    return np.concatenate(keys)


def _numbered(table: pa.Table) -> bool:
    """Whether the records are 1..n and their lines 2..n+1 (checked a million rows at a time)."""
    n = table.num_rows
    for name, first in ((RECORD, 1), (LINE, 2)):
        column = table.column(name)
        if column.null_count or column.type != pa.int64():
            return False
        start = 0
        for chunk in column.chunks:
            values = chunk.to_numpy()
            for at in range(0, len(values), _BATCH):
                block = values[at:at + _BATCH]
                if not np.array_equal(block, np.arange(start + at + first, start + at + first + len(block))):
                    return False
            start += len(values)
        if start != n:
            return False
    return True


def _with_numbers(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """The table with the records (rows + 1) and lines (rows + 2) of its rows (as positions in the file)."""
    return table.append_column(RECORD, pa.array(rows + 1, pa.int64())).append_column(LINE, pa.array(rows + 2, pa.int64()))


def _screen_column(col: Column, cells: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray] | None:
    """One contract column's v_ value as validate.py computes it for the cells the screen passes,
    and the suspects (any other cell); None when the column cannot be screened."""
    missing = pc.fill_null(pc.equal(cells, ""), True)  # what validate.py reads as no value
    if col.type == "datetime":
        stamps, others = _dates(cells)
        stamps = stamps.cast(pa.timestamp("us"))  # the same instants, as naive UTC (DuckDB's TIMESTAMP)
        bad = _mask(missing) | others  # a required value is empty, or a date of another shape
        # (compared in Arrow: a year 0 has no Python datetime)
        bad |= _mask(pc.or_kleene(pc.less(stamps, PLAIN_FIRST), pc.greater(stamps, PLAIN_LAST)))  # years print otherwise
        return stamps, bad
    if col.type == "number":
        plain = pc.fill_null(pc.match_substring_regex(cells, DECIMAL_TEXT), False)
        try:
            values = pc.cast(pc.if_else(plain, cells, pa.scalar(None, pa.string())), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        out = pc.invert(pc.is_finite(values))
        if col.minimum is not None:
            out = pc.or_kleene(out, pc.less(values, col.minimum))
        if col.maximum is not None:
            out = pc.or_kleene(out, pc.greater(values, col.maximum))
        # a null token, a sign, an exponent, spaces: the general rules decide
        return values, (~_mask(plain) & ~_mask(missing)) | _mask(out)
    bad = np.concatenate([_mask(bad_text(chunk)) for chunk in cells.chunks]) if cells.num_chunks else np.zeros(0, bool)
    bad = bad | _mask(missing) if col.required else bad & ~_mask(missing)
    values = cells
    if col.allowed:
        values = pc.utf8_lower(cells)
        allowed = pc.is_in(values, value_set=pa.array(col.allowed))
        ascii_ = pc.fill_null(pc.string_is_ascii(cells), True)
        bad |= ~_mask(missing) & ~(_mask(allowed) & _mask(ascii_))  # not one of them, or a case rule of another script
    if _mask(missing).any():
        values = pc.if_else(missing, pa.scalar(None, pa.string()), values)
    return values, bad


def _dates(cells: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """A date column's UTC timestamps where Arrow casts them, and the cells it does not (of
    another shape, or no real date): those rows are suspects, and only the chunks that hold
    one are read again cell by cell (a chunk per core, as utc_or_dates)."""
    parts = map_chunks(_chunk_dates, cells)
    typ = pa.timestamp("us", tz="UTC")
    others = np.concatenate([bad for _, bad in parts]) if parts else np.zeros(0, dtype=bool)
    return pa.chunked_array([part for part, _ in parts], type=typ), others


def _chunk_dates(chunk: pa.Array) -> tuple[pa.Array, np.ndarray]:
    stamps = utc_or_dates(chunk)
    if stamps is not None:
        return stamps, np.zeros(len(chunk), dtype=bool)
    stamps, others = utc_dates_and_others(chunk)
    return stamps, _mask(others)


def _mask(bools) -> np.ndarray:
    """A boolean (chunked) array as numpy, null read as False."""
    return np.asarray(pc.fill_null(bools, False).to_numpy(zero_copy_only=False), dtype=bool)


def _repeated(hashes: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Rows (of `among`) whose id hash another row of `among` has too."""
    h = hashes[among] if not among.all() else hashes.copy()
    h.sort()  # in place: one copy of the hashes, not two
    twice = h[1:][h[1:] == h[:-1]]
    del h
    return among & _member(hashes, twice) if len(twice) else np.zeros(len(hashes), dtype=bool)


def _member(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """np.isin(values, keys) for a few keys, a million values at a time: numpy's isin sorts the
    values with the keys (three copies of 72 MB of hashes at 9 million rows, beside the table)."""
    keys = np.unique(keys)
    out = np.zeros(len(values), dtype=bool)
    if not len(keys):
        return out
    for at in range(0, len(values), _BATCH):
        block = values[at:at + _BATCH]
        found = np.minimum(np.searchsorted(keys, block), len(keys) - 1)
        out[at:at + _BATCH] = keys[found] == block
    return out


def _duckdb_column(table: pa.Table, expr: str) -> pa.ChunkedArray:
    """One SQL expression over an Arrow table's rows, in their order, streamed out of DuckDB in
    batches (no working table)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")  # the rows come out in the table's order
        con.execute("SET allocator_flush_threshold = '16MB'")  # its allocator keeps less of what it freed
        bound_memory(con)
        con.register("t", table)
        reader = con.sql(f"SELECT {expr} AS v FROM t").to_arrow_reader(_RESULT_BATCH)
        chunks = [batch.column(0) for batch in reader]
        typ = reader.schema.field(0).type
    finally:
        con.close()
    out = pa.chunked_array(chunks, type=typ)
    if len(out) != table.num_rows:
        raise RuntimeError(f"internal error: {len(out)} values for {table.num_rows} rows")
    return out


def _take(cols: dict[str, pa.ChunkedArray], indices) -> None:
    """Each column taken at `indices`, one at a time. The chunks are joined first, the old ones
    freed: Arrow's take of a chunked text column joins them itself, beside the old chunks and its
    output (three copies of the column at once, not two)."""
    for name in list(cols):
        whole = cols[name].combine_chunks()
        cols[name] = pa.chunked_array([], whole.type)  # (frees the chunks)
        cols[name] = pa.chunked_array([whole.take(indices)])
        del whole


def _counts(cols: dict[str, pa.ChunkedArray], has) -> tuple[int, int]:
    """The screened rows whose severity validate.py sets from their event_type, and whose id it derives."""
    rows = len(cols[RECORD])
    defaulted = 0
    if has("event_type"):
        typed = _mask(pc.is_valid(cols["v_event_type"]))
        defaulted = int((typed & _mask(pc.is_null(cols["v_severity"]))).sum() if has("severity") else typed.sum())
    derived = int(cols["v_id"].null_count) if has("id") else rows
    return defaulted, derived


def _as_inputs(checked: pa.Table, cmap) -> dict[str, pa.ChunkedArray]:
    """The suspects validate.py loaded, as the screen's columns (their own id as `known`)."""
    out = {f"v_{name}": checked.column(name) for name in cmap.contract}
    out.update({f"x{i}": checked.column(name) for i, name in enumerate(cmap.extras)})
    out["known"] = checked.column("id")
    out[RECORD] = checked.column(RECORD)
    return out


def _append(cols: dict[str, pa.ChunkedArray], more: dict[str, pa.ChunkedArray]) -> None:
    for name in cols:
        want = cols[name].type
        extra = more[name] if more[name].type == want else more[name].cast(want)
        cols[name] = pa.chunked_array(cols[name].chunks + extra.chunks, type=want)


def _canonical(cols: dict[str, pa.ChunkedArray], ids: pa.ChunkedArray, cmap, has) -> pa.Table:
    """The loaded table as validate.py names and types it (severity defaulted from event_type)."""
    rows = len(ids)
    none = _shared_nulls(rows)
    out: dict[str, pa.ChunkedArray] = {"id": ids}
    for name in _OUT[1:]:
        typ = pa.float64() if name == "severity" else pa.string()
        out[name] = cols[f"v_{name}"] if has(name) else none(typ)
    if has("event_type"):
        default = _default_severity(out["event_type"])
        out["severity"] = pc.coalesce(out["severity"], default) if has("severity") else default
    for i, name in enumerate(cmap.extras):
        out[name] = cols[f"x{i}"]
    return pa.table(out)


def _default_severity(event_type):
    """The severity validate.py sets from each event_type (null where it has none)."""
    values = pa.array(list(DEFAULT_SEVERITY.values()), pa.float64())
    return pc.take(values, pc.index_in(event_type, value_set=pa.array(list(DEFAULT_SEVERITY))))


def _shared_nulls(rows: int):
    """A column of `rows` nulls of a type, made of one shared chunk (a column the file does not
    have costs nothing, not 4–8 bytes a row)."""
    def of(typ: pa.DataType) -> pa.ChunkedArray:
        chunk = pa.nulls(min(rows, _BATCH), typ)
        whole, rest = divmod(rows, _BATCH)
        return pa.chunked_array([chunk] * whole + ([chunk.slice(0, rest)] if rest else []), type=typ)
    return of
