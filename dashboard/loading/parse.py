"""Text or Parquet bytes to a raw table of cells, with structural problems reported per row.

Every cell of a text format stays text here; converting values is validate.py's job. Each
record keeps its record number and the physical line it starts on, so that a report can
name both. A record the parser cannot read (an unterminated quote, a quoted field that
swallowed the next lines) is rejected and parsing resumes on the line after its start, so
one stray quote never takes the rows after it down with it.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field

import pyarrow as pa

from dashboard.loading.load_report import LoadError, LoadLimits, Rejection

RECORD = "_record"
LINE = "_line"
DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "CSV", "\t": "TSV", ";": "semicolon-separated", "|": "pipe-separated"}

# Cell sizes are checked per cell below; the csv module's own (process-wide) limit only has
# to be above ours so that its error never fires first.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class RawTable:
    """Cells as read, before any conversion.

    table has columns c0..cN (one per label, text for text formats, typed for Parquet) plus
    _record and _line (and, for JSON, a boolean _nested_cI for each column where some cell
    held a list or object). labels are the header's names as written.
    """

    labels: list[str]
    table: pa.Table
    rows_read: int
    file_format: str
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def raw_column(i: int) -> str:
    return f"c{i}"


def nested_column(rc: str) -> str:
    """The optional boolean column marking the cells of raw column rc that held a list or object."""
    return f"_nested_{rc}"


def parse_text(text: str, limits: LoadLimits, expected: tuple[str, ...] = ()) -> RawTable:
    """Parse CSV / TSV / semicolon / JSON array / JSON Lines text, detected from content."""
    stripped = text.lstrip()
    if not stripped:
        raise LoadError("format-error", "the file is empty")
    scalar = _json_scalar(stripped)
    if scalar is not None:
        raise LoadError("format-error", f"the file is a single JSON value ({scalar}), not a table of records")
    if stripped[0] == "[":
        return _parse_json_array(text, limits)
    if stripped[0] == "{":
        return _parse_json_lines(text, limits)
    return _parse_delimited(text, limits, expected)


def _json_scalar(stripped: str) -> str | None:
    """Name the JSON value when the whole file is one number, string, true, false or null."""
    if stripped[0] not in '"-0123456789tfnNI':
        return None
    try:
        value = json.loads(stripped, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and stripped[0] == '"':
        return "a string"
    return "a number" if isinstance(value, str) else None


def physical_lines(text: str) -> list[str]:
    """Split on CR, LF and CRLF only, keeping the line ends.

    str.splitlines also breaks on form feeds, U+0085, U+2028 and other separators, which
    are ordinary characters inside a CSV cell or a JSON string.
    """
    return io.StringIO(text, newline="").readlines()


# --- delimited text ---------------------------------------------------------------------


class _Lines:
    """An iterator over physical lines that knows its position and can be moved."""

    def __init__(self, lines: list[str], pos: int = 0):
        self.lines = lines
        self.pos = pos

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        line = self.lines[self.pos]
        self.pos += 1
        return line


def _dialect(delimiter: str) -> dict:
    if delimiter == "\t":
        # GDELT and most TSV have no quoting: a stray quote must not merge rows.
        return {"delimiter": "\t", "quoting": csv.QUOTE_NONE, "strict": False}
    return {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "strict": True}


def _choose_delimiter(header_line: str, limits: LoadLimits, expected: tuple[str, ...]) -> str | None:
    for d in DELIMITERS:
        if header_line.count(d) + 1 > limits.max_columns:
            raise LoadError(
                "size-error",
                f"the header has more than {limits.max_columns:,} columns "
                f"(at least {header_line.count(d) + 1:,} {_DELIMITER_NAMES[d]} fields)",
            )
    best, best_score = None, (0, 0)
    wanted = {e.lower() for e in expected}
    for d in DELIMITERS:
        if d not in header_line:
            continue
        try:
            fields = next(csv.reader([header_line], **_dialect(d)))
        except csv.Error:
            continue
        known = sum(1 for f in fields if f.strip().lower() in wanted)
        score = (known, len(fields))
        if score > best_score:
            best, best_score = d, score
    return best


def _parse_delimited(text: str, limits: LoadLimits, expected: tuple[str, ...]) -> RawTable:
    try:
        fast = _delimited_arrow(text, limits, expected)
    except Exception:  # noqa: BLE001 - any surprise from the fast path: take the reference one
        fast = None
    return fast if fast is not None else _parse_delimited_lines(text, limits, expected)


def _delimited_arrow(text: str, limits: LoadLimits, expected: tuple[str, ...]) -> RawTable | None:
    """_parse_delimited_lines' answer from Arrow's C++ CSV reader, for the plain files it
    cannot read differently; None for every other file.

    Plain: a one-line header, comma, semicolon or pipe separated, no quote character and
    no carriage return anywhere, every line holding the header's number of cells, no blank
    line, no cell over the size cap. Then record n is line n + 1 and every cell is the text
    between two delimiters, as the reference parser reads it (tests/test_loading_corpus.py
    compares the two on every corpus file and on generated text).
    """
    if '"' in text or "\r" in text:
        return None
    first, _, _ = text.partition("\n")
    if not first.strip():
        return None
    delimiter = _choose_delimiter(first + "\n", limits, expected)
    if delimiter is None or delimiter == "\t":
        return None
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    labels = [lab.strip() for lab in first.split(delimiter)]
    names = [raw_column(i) for i in range(len(labels))]
    data = text.encode("utf-8")
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # a short or long row, a blank line: the reference parser says which
    n = table.num_rows
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if n != lines - 1 or n > limits.max_rows:
        return None
    blank = None
    for col in table.columns:
        if n and pc.max(pc.utf8_length(col)).as_py() > limits.max_cell_chars:
            return None
        empty = pc.equal(pc.utf8_trim_whitespace(col), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    if n and pc.any(blank).as_py():
        return None  # a row of blank cells is a blank-row rejection there
    table = table.append_column(RECORD, pa.array(np.arange(1, n + 1, dtype=np.int64)))
    table = table.append_column(LINE, pa.array(np.arange(2, n + 2, dtype=np.int64)))
    return RawTable(labels, table, n, _DELIMITER_NAMES[delimiter])


def _parse_delimited_lines(text: str, limits: LoadLimits, expected: tuple[str, ...]) -> RawTable:
    lines = physical_lines(text)
    # The header is the first line; a file that starts with blank lines has no header.
    if not lines[0].strip():
        raise LoadError("blank-header", "the first line is blank: the file must start with a header row")
    delimiter = _choose_delimiter(lines[0], limits, expected)
    kw = _dialect(delimiter or ",")
    if delimiter is None:
        kw = {"delimiter": ",", "quoting": csv.QUOTE_NONE, "strict": False}
        # One column: no delimiter in the header. Keep each line whole.
        kw["delimiter"] = "\x1f"
    source = _Lines(lines)
    reader = csv.reader(source, **kw)
    try:
        labels = next(reader)
    except csv.Error as exc:
        raise LoadError("format-error", f"the header row cannot be read: {exc}") from None
    header_lines = source.pos
    labels = [lab.strip() for lab in labels]
    width = len(labels)

    cells: list[list[str]] = []
    records: list[int] = []
    starts: list[int] = []
    rejections: list[Rejection] = []
    record_no = 0

    def reject(start_line: int, column: str, value: str, code: str, reason: str) -> None:
        rejections.append(Rejection(record_no, start_line, column, value, code, reason))

    while True:
        start = source.pos
        if start >= len(lines):
            break
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record_no += 1
            msg = str(exc)
            if "end of data" in msg or "unexpected end" in msg:
                reason = f"a quoted field opened on line {start + 1} is never closed"
            else:
                reason = f"the row cannot be parsed: {msg}"
            reject(start + 1, "", lines[start].rstrip("\r\n"), "format-error", reason)
            source.pos = start + 1
            reader = csv.reader(source, **kw)
            continue
        record_no += 1
        if record_no > limits.max_rows:
            raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
        spanned = source.pos - start
        line_no = start + 1
        if not row or all(not c.strip() for c in row):
            reject(line_no, "", lines[start].rstrip("\r\n"), "blank-row", "the row is empty")
            continue
        if len(row) != width:
            if spanned > 1:
                # A quoted field ran across lines and the cell count is off: most likely an
                # unmatched quote. Reject the first line only and read on from the next.
                reject(
                    line_no,
                    "",
                    lines[start].rstrip("\r\n"),
                    "format-error",
                    f"a quoted field runs from line {line_no} to line {source.pos} and leaves "
                    f"{len(row)} cells instead of {width}: probably an unmatched quote",
                )
                source.pos = start + 1
                reader = csv.reader(source, **kw)
                continue
            if len(row) > width:
                extra = row[width:]
                reject(
                    line_no,
                    f"#{width + 1}",
                    extra[0],
                    "extra-cell",
                    f"the row has {len(row)} cells; the header has {width}",
                )
            else:
                missing = labels[len(row)] if len(row) < width else ""
                reject(
                    line_no,
                    missing,
                    "",
                    "missing-cell",
                    f"the row has {len(row)} cells; the header has {width}",
                )
            continue
        too_long = _first_long_cell(row, limits.max_cell_chars)
        if too_long is not None:
            reject(
                line_no,
                labels[too_long],
                row[too_long][:80],
                "constraint-error",
                f"the cell holds {len(row[too_long]):,} characters; the limit is "
                f"{limits.max_cell_chars:,}",
            )
            continue
        cells.append(row)
        records.append(record_no)
        starts.append(line_no)

    fmt = _DELIMITER_NAMES[delimiter] if delimiter else "single-column text"
    notes: list[str] = []
    if header_lines > 1:
        notes.append(f"the header spans {header_lines} lines")
    table = _to_arrow(width, cells, records, starts)
    return RawTable(labels, table, record_no, fmt, rejections, notes)


def parse_headerless(text: str, limits: LoadLimits, labels: tuple[str, ...], what: str, delimiter: str = "\t") -> RawTable:
    """Parse delimited text that has no header row and no quoting (GDELT): each line is a record.

    labels name the columns the format defines; a line with another number of fields is
    rejected as extra-cell or missing-cell, saying `what` the format is ("a GDELT 2.0
    Events export record"). With no quoting a record is exactly one line, split at every
    delimiter (what csv.QUOTE_NONE does). Arrow's CSV reader does the splitting; the
    line-by-line reader below is the reference it is tested against, and the fallback.
    """
    if not text.strip():
        raise LoadError("format-error", "the file is empty")
    try:
        fast = _headerless_arrow(text, limits, labels, what, delimiter)
    except LoadError:
        raise
    except Exception:  # noqa: BLE001 - any surprise from the fast path: take the slow one
        fast = None
    return fast if fast is not None else parse_headerless_lines(text, limits, labels, what, delimiter)


def _headerless_rejection(number: int, row: list[str], labels, what: str, text: str) -> Rejection:
    width = len(labels)
    if all(not f.strip() for f in row):
        return Rejection(number, number, "", "", "blank-row", "the row is empty")
    reason = f"the row has {len(row)} cells; {what} has {width}"
    if len(row) > width:
        return Rejection(number, number, f"#{width + 1}", row[width], "extra-cell", reason)
    return Rejection(number, number, labels[len(row)], "", "missing-cell", reason)


def parse_headerless_lines(
    text: str, limits: LoadLimits, labels: tuple[str, ...], what: str, delimiter: str = "\t"
) -> RawTable:
    """parse_headerless, one Python line at a time."""
    lines = physical_lines(text)
    width = len(labels)
    if len(lines) > limits.max_rows:
        raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    cells: list[list[str]] = []
    numbers: list[int] = []
    rejections: list[Rejection] = []
    for number, line in enumerate(lines, start=1):
        content = line.rstrip("\r\n")
        row = content.split(delimiter)
        if len(row) != width:
            rejections.append(_headerless_rejection(number, row, labels, what, content))
            continue
        cells.append(row)
        numbers.append(number)
    table = _to_arrow(width, cells, numbers, numbers)
    return _headerless_checks(table, labels, len(lines), rejections, limits, delimiter)


def _headerless_arrow(text: str, limits: LoadLimits, labels, what: str, delimiter: str) -> RawTable | None:
    import numpy as np
    import pyarrow.csv as pacsv

    width = len(labels)
    names = [raw_column(i) for i in range(width)]
    bad: list[Rejection] = []

    def invalid(row) -> str:
        if row.number is None:
            raise ValueError("row numbers unknown")
        fields = row.text.split(delimiter)
        bad.append(_headerless_rejection(row.number, fields, labels, what, row.text))
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
            newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, null_values=[], strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    total = table.num_rows + len(bad)
    if total > limits.max_rows:
        raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    keep = np.ones(total + 1, dtype=bool)
    keep[0] = False
    keep[[r.record for r in bad]] = False
    numbers = np.flatnonzero(keep)
    if len(numbers) != table.num_rows:
        return None
    table = table.append_column(RECORD, pa.array(numbers, type=pa.int64()))
    table = table.append_column(LINE, pa.array(numbers, type=pa.int64()))
    return _headerless_checks(table, labels, total, sorted(bad, key=lambda r: r.record), limits, delimiter)


def _headerless_checks(table: pa.Table, labels, rows_read: int, rejections: list[Rejection], limits: LoadLimits,
                       delimiter: str) -> RawTable:
    """Rows of empty cells are blank-row; cells over the size cap reject their row (as parse_text does)."""
    import pyarrow.compute as pc

    width = len(labels)
    extra: dict[int, Rejection] = {}
    if table.num_rows:
        blank = None
        for i in range(width):
            empty = pc.equal(pc.utf8_trim_whitespace(table.column(raw_column(i))), "")
            blank = empty if blank is None else pc.and_(blank, empty)
        lengths = [pc.utf8_length(table.column(raw_column(i))) for i in range(width)]
        long_rows = None
        for length in lengths:
            over = pc.greater(length, limits.max_cell_chars)
            long_rows = over if long_rows is None else pc.or_(long_rows, over)
        flagged = pc.or_(blank, long_rows)
        if pc.any(flagged).as_py():
            numbers = table.column(RECORD).to_pylist()
            for row in pc.indices_nonzero(flagged).to_pylist():
                n = numbers[row]
                cells = [table.column(raw_column(i))[row].as_py() for i in range(width)]
                if blank[row].as_py():
                    extra[row] = Rejection(n, n, "", "", "blank-row", "the row is empty")
                    continue
                i = next(j for j, c in enumerate(cells) if len(c) > limits.max_cell_chars)
                extra[row] = Rejection(n, n, labels[i], cells[i][:80], "constraint-error",
                                       f"the cell holds {len(cells[i]):,} characters; the limit is {limits.max_cell_chars:,}")
            mask = pa.array([row not in extra for row in range(table.num_rows)], type=pa.bool_())
            table = table.filter(mask)
    rejections = sorted(rejections + list(extra.values()), key=lambda r: r.record)
    fmt = f"{_DELIMITER_NAMES.get(delimiter, 'delimited')}, no header"
    return RawTable(list(labels), table, rows_read, fmt, rejections)


def _first_long_cell(row: list[str], cap: int) -> int | None:
    if max(map(len, row)) <= cap:
        return None
    for i, cell in enumerate(row):
        if len(cell) > cap:
            return i
    return None


def _to_arrow(width: int, cells: list[list], records: list[int], lines: list[int | None]) -> pa.Table:
    columns = list(zip(*cells)) if cells else [()] * width
    arrays = {raw_column(i): pa.array(columns[i], type=pa.string()) for i in range(width)}
    arrays[RECORD] = pa.array(records, type=pa.int64())
    arrays[LINE] = pa.array(lines, type=pa.int64())
    return pa.table(arrays)


# --- JSON -------------------------------------------------------------------------------


class _DuplicateKeys(dict):
    """An object whose JSON text repeated a key; the row is rejected, not silently merged."""

    duplicates: list[str]


def _object_pairs(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dups = [k for k, _ in pairs if k in seen or seen.add(k)]
        out = _DuplicateKeys(obj)
        out.duplicates = dups
        return out
    return obj


class _JsonNumber(str):
    """A JSON number (or NaN / Infinity literal), kept as the exact text it was written as."""


def _decoder() -> json.JSONDecoder:
    # Numbers keep their exact text (20- or 30-digit ids survive); NaN/Infinity literals
    # stay text for the value checks to judge; dates are never converted here.
    return json.JSONDecoder(
        object_pairs_hook=_object_pairs,
        parse_int=_JsonNumber,
        parse_float=_JsonNumber,
        parse_constant=_JsonNumber,
    )


def _cell(value: object) -> str | None:
    """A JSON value as cell text; lists and objects as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    return _json_text(value)


class _Literal(str):
    """Punctuation written as is by _json_text."""


def _json_text(value: object) -> str:
    """A value back to JSON text with numbers as written (json.dumps would quote them).

    Iterative, so that a value nested as deeply as the decoder allows cannot overflow the stack.
    """
    out: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (_Literal, _JsonNumber)):
            out.append(str(item))
        elif isinstance(item, str):
            out.append(json.dumps(item, ensure_ascii=False))
        elif item is None:
            out.append("null")
        elif isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, dict):
            parts: list[object] = [_Literal("{")]
            for i, (k, v) in enumerate(item.items()):
                parts += [_Literal((", " if i else "") + json.dumps(k, ensure_ascii=False) + ": "), v]
            stack.extend(reversed(parts + [_Literal("}")]))
        elif isinstance(item, list):
            parts = [_Literal("[")]
            for i, v in enumerate(item):
                parts += [_Literal(", "), v] if i else [v]
            stack.extend(reversed(parts + [_Literal("]")]))
        else:
            out.append(json.dumps(item, ensure_ascii=False))
    return "".join(out)


def _record_kind(obj: object) -> str:
    if obj is None:
        return "null"
    if isinstance(obj, _JsonNumber):
        return "a number"
    if isinstance(obj, str):
        return "a string"
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, list):
        return "a list"
    return type(obj).__name__


class _JsonRows:
    def __init__(self, limits: LoadLimits):
        self.limits = limits
        self.labels: list[str] = []
        self.index: dict[str, int] = {}
        self.rows: list[dict[str, str | None]] = []
        self.nested: list[set[str]] = []
        self.records: list[int] = []
        self.lines: list[int | None] = []
        self.rejections: list[Rejection] = []
        self.count = 0

    def add(self, obj: object, line: int | None) -> None:
        self.count += 1
        if self.count > self.limits.max_rows:
            raise LoadError("size-error", f"the file has more than {self.limits.max_rows:,} records")

        def reject(column: str, value: object, code: str, reason: str) -> None:
            self.rejections.append(Rejection(self.count, line, column, (_cell(value) or "")[:80], code, reason))

        if not isinstance(obj, dict):
            reject("", obj, "type-error", f"the record is {_record_kind(obj)}, not an object")
            return
        if isinstance(obj, _DuplicateKeys):
            key = obj.duplicates[0]
            reject(key, obj[key], "duplicate-label", f"the record repeats the key {key!r}")
            return
        if not obj:
            reject("", "{}", "blank-row", "the record is empty")
            return
        cells: dict[str, str | None] = {}
        nested: set[str] = set()
        for key, value in obj.items():
            if len(key) > self.limits.max_cell_chars:
                raise LoadError("size-error", "a key is longer than the cell-size limit")
            if key not in self.index:
                if len(self.labels) >= self.limits.max_columns:
                    raise LoadError("size-error", f"the records have more than {self.limits.max_columns:,} distinct keys")
                self.index[key] = len(self.labels)
                self.labels.append(key)
            cell = _cell(value)
            if cell is not None and len(cell) > self.limits.max_cell_chars:
                reject(
                    key,
                    cell,
                    "constraint-error",
                    f"the value holds {len(cell):,} characters; the limit is {self.limits.max_cell_chars:,}",
                )
                return
            cells[key] = cell
            if isinstance(value, (dict, list)):
                nested.add(key)
        self.rows.append(cells)
        self.nested.append(nested)
        self.records.append(self.count)
        self.lines.append(line)

    def table(self, fmt: str) -> RawTable:
        width = len(self.labels)
        cells = [[r.get(k) for k in self.labels] for r in self.rows]
        table = _to_arrow(width, cells, self.records, self.lines)
        # A list or object is kept as its JSON text; a flag column says which cells were
        # nested, so that validate.py rejects them in a contract column instead of loading
        # '{"name": "A"}' as an actor.
        for i, key in enumerate(self.labels):
            flags = [key in n for n in self.nested]
            if any(flags):
                table = table.append_column(nested_column(raw_column(i)), pa.array(flags, type=pa.bool_()))
        return RawTable(list(self.labels), table, self.count, fmt, self.rejections)


def _parse_json_array(text: str, limits: LoadLimits) -> RawTable:
    decoder = _decoder()
    rows = _JsonRows(limits)
    pos = text.index("[") + 1
    n = len(text)

    def skip_ws(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    def fail(i: int, what: str) -> LoadError:
        ln = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        return LoadError("format-error", f"invalid JSON at line {ln}, column {col}: {what}")

    counted, line = 0, 1  # line number of position `counted`, advanced incrementally

    pos = skip_ws(pos)
    if pos < n and text[pos] == "]":
        pos += 1
    else:
        while True:
            pos = skip_ws(pos)
            line += text.count("\n", counted, pos)
            counted = pos
            start_line = line
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise fail(exc.pos, exc.msg) from None
            except RecursionError:
                raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
            rows.add(obj, start_line)
            pos = skip_ws(end)
            if pos < n and text[pos] == ",":
                nxt = skip_ws(pos + 1)
                if nxt < n and text[nxt] == "]":
                    raise fail(pos, "trailing comma before ']'")
                pos += 1
                continue
            if pos < n and text[pos] == "]":
                pos += 1
                break
            raise fail(pos, "expected ',' or ']'")
    if text[pos:].strip():
        raise fail(skip_ws(pos), "extra data after the closing ']'")
    return rows.table("JSON")


def _parse_json_lines(text: str, limits: LoadLimits) -> RawTable:
    decoder = _decoder()
    lines = [line.rstrip("\r\n") for line in physical_lines(text)]
    first = lines[0].strip() if lines else ""
    # One object spread over several lines is a JSON document, not JSON Lines.
    try:
        decoder.decode(first)
    except json.JSONDecodeError:
        try:
            whole = decoder.decode(text)
        except json.JSONDecodeError as exc:
            raise LoadError("format-error", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
        raise LoadError(
            "format-error",
            f"the file is one JSON object with keys {', '.join(list(whole)[:5])}; "
            "expected an array of records or JSON Lines",
        )
    except RecursionError:
        raise LoadError("format-error", "the JSON is nested too deeply to be a table") from None
    rows = _JsonRows(limits)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            rows.count += 1
            rows.rejections.append(Rejection(rows.count, number, "", "", "blank-row", "the line is empty"))
            continue
        try:
            obj = decoder.decode(raw)
        except json.JSONDecodeError as exc:
            rows.count += 1
            rows.rejections.append(
                Rejection(rows.count, number, "", raw[:80], "format-error", f"not valid JSON: {exc.msg} at column {exc.colno}")
            )
            continue
        except RecursionError:
            rows.count += 1
            rows.rejections.append(
                Rejection(rows.count, number, "", raw[:80], "format-error", "the JSON is nested too deeply")
            )
            continue
        rows.add(obj, number)
    return rows.table("JSON Lines")


# --- Parquet ----------------------------------------------------------------------------


def parse_parquet(data: bytes | str, limits: LoadLimits) -> RawTable:
    """Read a Parquet file (bytes or a path) into a raw table; its columns keep their types."""
    import pyarrow.parquet as pq

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        pf = pq.ParquetFile(source)
        meta = pf.metadata
        if meta.num_rows > limits.max_rows:
            raise LoadError(
                "size-error", f"the Parquet footer declares {meta.num_rows:,} rows; the limit is {limits.max_rows:,}"
            )
        if meta.num_columns > limits.max_columns:
            raise LoadError(
                "size-error", f"the Parquet file has {meta.num_columns:,} columns; the limit is {limits.max_columns:,}"
            )
        table = pf.read()
    except LoadError:
        raise
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise LoadError("format-error", f"the Parquet file cannot be read ({type(exc).__name__}: {_first_line(exc)})") from None
    if table.num_rows != meta.num_rows:
        raise LoadError("format-error", f"the Parquet footer declares {meta.num_rows:,} rows but holds {table.num_rows:,}")
    labels = [str(name) for name in table.column_names]
    n = table.num_rows
    renamed = table.rename_columns([raw_column(i) for i in range(len(labels))])
    renamed = renamed.append_column(RECORD, pa.array(range(1, n + 1), type=pa.int64()))
    renamed = renamed.append_column(LINE, pa.nulls(n, type=pa.int64()))
    return RawTable(labels, renamed, n, "Parquet")


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""
