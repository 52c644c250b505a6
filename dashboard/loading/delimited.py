"""Delimited text (CSV, TSV, semicolon, pipe) and headerless tab-separated exports to a raw table.

A record the parser cannot read (an unterminated quote, a quoted field that swallowed the
next lines) is rejected and parsing resumes on the line after its start, so one stray quote
never takes the rows after it down with it.
"""

from __future__ import annotations

import csv
import io
import sys

import pyarrow as pa

from dashboard.loading.heap import release_free_heap
from dashboard.loading.load_report import LoadError, LoadLimits, Rejection
from dashboard.loading.raw import LINE, RECORD, ChunkedRows, Lines, RawTable, RejectionLog, first_long_cell, raw_column

DELIMITERS = (",", "\t", ";", "|")
BLOCK_BYTES = 1 << 24  # what Arrow's reader parses at a time: a chunk of the table, each checked on its own core
_DELIMITER_NAMES = {",": "CSV", "\t": "TSV", ";": "semicolon-separated", "|": "pipe-separated"}

# Cell sizes are checked per cell below; the csv module's own (process-wide) limit only has
# to be above ours so that its error never fires first.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


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


def parse_delimited(text: str, limits: LoadLimits, expected: tuple[str, ...], dictionary: bool = False) -> RawTable:
    try:
        fast = _delimited_arrow(text, limits, expected, dictionary)
    except LoadError:
        raise
    except Exception:  # noqa: BLE001 - any surprise from the fast path: take the reference one
        fast = None
    return fast if fast is not None else _parse_delimited_lines(text, limits, expected)


def parse_utf8(data: bytes, limits: LoadLimits, expected: tuple[str, ...], dictionary: bool = False) -> RawTable | None:
    """What decode_text then parse_text make of `data`, read by Arrow from the bytes
    themselves (no text copy of the file in Python), for a plain delimited UTF-8 file; None
    for any other file (the caller decodes and parses as usual).

    Taken only where the two steps would do nothing but decode UTF-8 and call _delimited_arrow:
    no byte-order mark, no JSON (the first character is none a JSON value starts with, or a
    quote opening a first line that cannot be one JSON string: _quoted_header), no tab
    in the first line (GDELT exports are told from their tabs), every cell valid UTF-8 (Arrow
    checks it, as Python's decoder would; else None and decode_text decides line by line).
    """
    start = data[:4096].lstrip()[:1]
    if not start or start in b'[{-0123456789tfnNI' or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    nl = data.find(b"\n")
    if start == b'"' and not _quoted_header(data if nl < 0 else data[:nl]):
        return None
    if b"\t" in (data if nl < 0 else data[:nl]):
        return None
    try:
        return _delimited_arrow(data, limits, expected, dictionary)
    except LoadError:
        raise  # a cap: the file is refused once, not parsed again by the usual path to find the same
    except Exception:  # noqa: BLE001 - any surprise: the usual path decides, with its own message
        return None


def _quoted_header(first_line: bytes) -> bool:
    """Whether a file whose first line this is, starting with a quote, cannot be one JSON
    string (which parse_text reports as such): the line is UTF-8 and its first JSON string
    is followed by more text on the line. A JSON string never holds a raw line break, so a
    file that is one JSON string has nothing but white space after it on its first line."""
    import json

    try:
        head = first_line.decode("utf-8").strip()
        end = json.JSONDecoder().raw_decode(head)[1]
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False  # the usual path decides
    return bool(head[end:].strip())


def _delimited_arrow(text: str | bytes, limits: LoadLimits, expected: tuple[str, ...],
                     dictionary: bool = False) -> RawTable | None:
    """_parse_delimited_lines' answer from Arrow's C++ CSV reader, for the files it provably
    reads the same; None for every other file.

    Taken for a one-line header, comma, semicolon or pipe separated, line ends LF or CRLF (no
    lone CR), every record one line holding the header's number of cells, no blank line, no
    cell over the size cap. Then record n is line n + 1. Without a quote character every cell
    is the text between two delimiters, as the reference parser reads it; with quotes,
    arrow_csv.same_as_python proves Arrow read each line as Python's csv module does (a
    stray quote, a quoted line break, text after a closing quote: the reference parser).
    tests/loading/test_fast_loading.py compares the two on every corpus file and on generated text.

    text may be the file's UTF-8 bytes (parse_utf8): every check below reads bytes (the
    delimiters and line ends are ASCII, never part of a multi-byte character), and Arrow
    checks that every cell is valid UTF-8 (else None: the caller decodes the text itself).

    dictionary: the cells of a file without quotes come dictionary-encoded (each chunk's distinct
    texts once, an int32 index a cell), the same texts (common.cells_at and piece_cells read them
    as text). For a wide table of counts, whose cells repeat a few short texts: at the caps (128
    million cells), read on one thread, the peak went from 1,071 to 917 MiB (import_memory.py --shape wide).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    counts = byte_counts(data, b'\r\n",;|')  # one pass over the bytes, a piece per core
    cr = counts[ord("\r")]
    if cr and cr != data.count(b"\r\n"):
        return None
    quoted = counts[ord('"')] > 0
    nl = data.find(b"\n")
    try:
        head = (data if nl < 0 else data[:nl + 1]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not head.strip():
        return None
    delimiter = _choose_delimiter(head.rstrip("\r\n") + "\n", limits, expected)
    if delimiter is None or delimiter == "\t":
        return None
    import numpy as np
    import pyarrow.csv as pacsv

    try:
        header = list(csv.reader([head], **_dialect(delimiter)))
    except csv.Error:
        return None  # a header the reference parser reads across lines, or cannot read
    if len(header) != 1:
        return None
    labels = [lab.strip() for lab in header[0]]
    names = [raw_column(i) for i in range(len(labels))]
    # No lone CR (checked above): the line ends are the LFs, plus a last line without one.
    data_lines = counts[ord("\n")] + (0 if data.endswith(b"\n") else 1) - 1
    if not quoted:
        # Plain means every line holds the header's cells: counted in C before Arrow parses
        # anything, so a file of short or long lines never reaches Arrow's reader (which
        # would build every row before saying no). Without quotes a record is a line: the
        # row cap is decided here. A blank line beside lines of the header's cells leaves
        # the delimiters' count short; one beside a long line is refused by Arrow's reader
        # (one cell, not the header's); in a file of one column it is a blank row (below).
        if data_lines > limits.max_rows:
            raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
        if counts[ord(delimiter)] != (len(labels) - 1) * (data_lines + 1):
            return None
    # (Quoted files are checked against Python's reading over string cells: those stay strings.)
    cell_type = pa.dictionary(pa.int32(), pa.string()) if dictionary and not quoted else pa.string()
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # A dictionary reading on one thread: on two, the second block's builders and memo
            # tables beside the first's took ~75 MiB more at the peak of a wide table at the caps
            # (1,003 against 917 MiB, the load 27 s either way: the parse is not its cost).
            read_options=pacsv.ReadOptions(use_threads=not pa.types.is_dictionary(cell_type), block_size=BLOCK_BYTES,
                                           column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False, double_quote=True,
                                             escape_char=False, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: cell_type for n in names}, null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # a short or long row, a blank line, a broken quote, bytes not UTF-8: the reference parser says which
    n = table.num_rows
    if n != data_lines:
        return None  # a record across lines (or a count Arrow and the reference disagree on)
    if quoted:
        from dashboard.loading.arrow_csv import same_as_python

        if not same_as_python(table, data, nl + 1 if nl >= 0 else len(data), delimiter):
            return None
        if n > limits.max_rows:
            raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    if n and (_over_cap(table, limits.max_cell_chars) or _blank_row(table)):
        return None  # a cell over the cap, a row of blank cells: rejections there
    table = table.append_column(RECORD, pa.array(np.arange(1, n + 1, dtype=np.int64)))
    table = table.append_column(LINE, pa.array(np.arange(2, n + 2, dtype=np.int64)))
    return RawTable(labels, table, n, _DELIMITER_NAMES[delimiter])


COUNT_PIECE = 1 << 19  # bytes counted at a time by byte_counts (under glibc's fixed 1 MiB mmap threshold)


def byte_counts(data: bytes, needles: bytes) -> dict[int, int]:
    """{byte: how many times it occurs in data} for each byte of needles: data.count of each,
    but in one pass of numpy over pieces of COUNT_PIECE bytes on every core (numpy releases
    the GIL; bytes.count does not), one comparison buffer a piece (a piece over 1 MiB would be
    fresh pages from the system each time: use_system_allocator). 500 MB, six bytes: 0.11 s on
    two cores, where three data.count took 0.44 s."""
    if len(data) <= COUNT_PIECE:
        return {b: data.count(bytes([b])) for b in needles}
    import numpy as np

    from dashboard.loading.chunks import map_parallel

    view = np.frombuffer(data, dtype=np.uint8)

    def piece(lo: int) -> list[int]:
        part = view[lo:lo + COUNT_PIECE]
        same = np.empty(len(part), dtype=bool)
        return [int(np.count_nonzero(np.equal(part, b, out=same))) for b in needles]

    parts = map_parallel(piece, range(0, len(view), COUNT_PIECE))
    return {b: sum(p[i] for p in parts) for i, b in enumerate(needles)}


def _over_cap(table: pa.Table, cap: int) -> bool:
    """Whether some cell holds more than cap characters (never more than its bytes)."""
    import pyarrow.compute as pc

    for col in table.columns:
        col = _texts(col)
        if pc.max(pc.binary_length(col)).as_py() > cap and pc.max(pc.utf8_length(col)).as_py() > cap:
            return True
    return False


def _texts(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column's distinct texts per chunk when it is dictionary-encoded (every one of a
    chunk's dictionary is a cell's: Arrow's reader builds it from the chunk's cells), else itself."""
    if not pa.types.is_dictionary(col.type):
        return col
    return pa.chunked_array([chunk.dictionary for chunk in col.chunks], col.type.value_type)


def _cell_wise(col: pa.ChunkedArray, test) -> pa.ChunkedArray:
    """test(texts) for each cell of a text column, dictionary-encoded or not: for a dictionary, the
    test of its distinct texts taken back to the cells."""
    if not pa.types.is_dictionary(col.type):
        return test(col)
    return pa.chunked_array([test(chunk.dictionary).take(chunk.indices) for chunk in col.chunks], pa.bool_())


def _blank_row(table: pa.Table) -> bool:
    """Whether some row's cells are all empty or white space (str.strip's), column by column
    over the rows still in question."""
    import pyarrow.compute as pc

    rows = None
    for col in table.columns:
        if rows is not None:
            col = col.take(rows)
        blank = _cell_wise(col, lambda texts: pc.or_(pc.equal(pc.binary_length(texts), 0), pc.utf8_is_space(texts)))
        hits = pc.indices_nonzero(blank.combine_chunks() if hasattr(blank, "combine_chunks") else blank)
        if len(hits) == 0:
            return False
        rows = hits if rows is None else rows.take(hits)
    return True


def _line_count(text: str | bytes) -> int:
    """Physical lines (CR, LF or CRLF end one; a last line without an end counts)."""
    if isinstance(text, bytes):
        cr = text.count(b"\r")
        ends = text.count(b"\n") + (cr - text.count(b"\r\n") if cr else 0)
        return ends + (0 if text.endswith((b"\n", b"\r")) else 1)
    cr = text.count("\r")
    ends = text.count("\n") + (cr - text.count("\r\n") if cr else 0)
    return ends + (0 if text.endswith(("\n", "\r")) else 1)


def _parse_delimited_lines(text: str, limits: LoadLimits, expected: tuple[str, ...]) -> RawTable:
    """The reference parser: Python's csv module over the lines, one record at a time.

    Memory stays bounded whatever the file: lines are read one by one (no list of them),
    rows go to Arrow a chunk at a time, rejections past the listed cap are only counted, and
    the row cap is checked as each record is read.
    """
    if '"' not in text and _line_count(text) - 1 > limits.max_rows:
        # Without a quote character a record is a line: the cap is decided before parsing.
        raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    source = Lines(text)
    first = source.peek(source.state())
    # The header is the first line; a file that starts with blank lines has no header.
    if not first.strip():
        raise LoadError("blank-header", "the first line is blank: the file must start with a header row")
    delimiter = _choose_delimiter(first + "\n", limits, expected)
    kw = _dialect(delimiter or ",")
    if delimiter is None:
        # One column: no delimiter in the header. Keep each line whole.
        kw = {"delimiter": "\x1f", "quoting": csv.QUOTE_NONE, "strict": False}
    reader = csv.reader(source, **kw)
    try:
        labels = next(reader)
    except csv.Error as exc:
        raise LoadError("format-error", f"the header row cannot be read: {exc}") from None
    header_lines = source.line
    labels = [lab.strip() for lab in labels]
    width = len(labels)

    rows = ChunkedRows(width)
    log = RejectionLog(limits.max_listed_rejections)
    record_no = 0

    def reject(start_line: int, column: str, value: str, code: str, reason: str) -> None:
        log.add(Rejection(record_no, start_line, column, value[:200], code, reason))

    while not source.done():
        start = source.state()
        line_no = start[1] + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record_no += 1
            msg = str(exc)
            if "end of data" in msg or "unexpected end" in msg:
                reason = f"a quoted field opened on line {line_no} is never closed"
            else:
                reason = f"the row cannot be parsed: {msg}"
            reject(line_no, "", source.peek(start), "format-error", reason)
            source.reset(start)
            next(source)
            reader = csv.reader(source, **kw)
            continue
        record_no += 1
        if record_no > limits.max_rows:
            raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
        spanned = source.line - start[1]
        if not row or all(not c.strip() for c in row):
            reject(line_no, "", source.peek(start), "blank-row", "the row is empty")
            continue
        if len(row) != width:
            if spanned > 1:
                # A quoted field ran across lines and the cell count is off: most likely an
                # unmatched quote. Reject the first line only and read on from the next.
                reject(
                    line_no,
                    "",
                    source.peek(start),
                    "format-error",
                    f"a quoted field runs from line {line_no} to line {source.line} and leaves "
                    f"{len(row)} cells instead of {width}: probably an unmatched quote",
                )
                source.reset(start)
                next(source)
                reader = csv.reader(source, **kw)
                continue
            if len(row) > width:
                reject(line_no, f"#{width + 1}", row[width], "extra-cell", f"the row has {len(row)} cells; the header has {width}")
            else:
                reject(line_no, labels[len(row)], "", "missing-cell", f"the row has {len(row)} cells; the header has {width}")
            continue
        too_long = first_long_cell(row, limits.max_cell_chars)
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
        rows.add(row, record_no, line_no)

    fmt = _DELIMITER_NAMES[delimiter] if delimiter else "single-column text"
    notes: list[str] = []
    if header_lines > 1:
        notes.append(f"the header spans {header_lines} lines")
    return RawTable(labels, rows.table(), record_no, fmt, log.listed, notes, unlisted=log.unlisted)


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
    """parse_headerless, one Python line at a time (bounded memory, as _parse_delimited_lines)."""
    width = len(labels)
    rows = ChunkedRows(width)
    log = RejectionLog(limits.max_listed_rejections)
    number = 0
    for number, line in enumerate(Lines(text), start=1):
        if number > limits.max_rows:
            raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
        content = line.rstrip("\r\n")
        row = content.split(delimiter)
        if len(row) != width:
            log.add(_headerless_rejection(number, row, labels, what, content))
            continue
        rows.add(row, number, number)
    raw = _headerless_checks(rows.table(), labels, number, log.listed, limits, delimiter)
    raw.unlisted = log.unlisted
    return raw


class TextAsUtf8(io.RawIOBase):
    """A text as a stream of its UTF-8 bytes, encoded PIECE characters at a time (a GDELT file
    at the cap is 256 MB of text: its whole encoding would be another 256 MB while Arrow parses)."""

    PIECE = 1 << 22

    def __init__(self, text: str):
        self._text, self._at, self._pending = text, 0, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not len(self._pending):
            if self._at >= len(self._text):
                return 0
            release_free_heap()  # (the parsed chunks' growth leaves free pages in glibc's heap)
            self._pending = memoryview(self._text[self._at:self._at + self.PIECE].encode("utf-8"))
            self._at += self.PIECE
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _headerless_arrow(text: str, limits: LoadLimits, labels, what: str, delimiter: str) -> RawTable | None:
    from array import array

    import numpy as np
    import pyarrow.csv as pacsv

    width = len(labels)
    names = [raw_column(i) for i in range(width)]
    # Without quoting a record is a line: the row cap is checked before anything is parsed.
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + (0 if text.endswith(("\n", "\r")) else 1)
    if lines > limits.max_rows:
        raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    bad: list[Rejection] = []
    bad_numbers = array("q")  # every skipped row's number, 8 bytes each; Rejections only up to the cap

    def invalid(row) -> str:
        if row.number is None:
            raise ValueError("row numbers unknown")
        bad_numbers.append(row.number)
        if len(bad) < limits.max_listed_rejections:
            fields = row.text.split(delimiter)
            bad.append(_headerless_rejection(row.number, fields, labels, what, row.text))
        return "skip"

    table = pacsv.read_csv(
        TextAsUtf8(text),  # encoded a piece at a time: the text's UTF-8 copy is never held whole beside it
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
    total = table.num_rows + len(bad_numbers)
    if total > limits.max_rows:
        raise LoadError("size-error", f"the file has more than {limits.max_rows:,} rows")
    keep = np.ones(total + 1, dtype=bool)
    keep[0] = False
    keep[np.frombuffer(bad_numbers, dtype=np.int64) if len(bad_numbers) else []] = False
    numbers = np.flatnonzero(keep)
    if len(numbers) != table.num_rows:
        return None
    table = table.append_column(RECORD, pa.array(numbers, type=pa.int64()))
    table = table.append_column(LINE, pa.array(numbers, type=pa.int64()))
    raw = _headerless_checks(table, labels, total, sorted(bad, key=lambda r: r.record), limits, delimiter)
    raw.unlisted += len(bad_numbers) - len(bad)
    return raw


def _headerless_checks(table: pa.Table, labels, rows_read: int, rejections: list[Rejection], limits: LoadLimits,
                       delimiter: str) -> RawTable:
    """Rows of empty cells are blank-row; cells over the size cap reject their row (as parse_text does)."""
    import pyarrow.compute as pc

    width = len(labels)
    extra: dict[int, Rejection] = {}
    unlisted = 0
    if table.num_rows:
        blank = None
        for i in range(width):
            empty = pc.equal(pc.utf8_trim_whitespace(table.column(raw_column(i))), "")
            blank = empty if blank is None else pc.and_(blank, empty)
        long_rows = None
        for i in range(width):  # a column's lengths at a time (all 61 of a GDELT file at the cap: 166 MB)
            over = pc.greater(pc.utf8_length(table.column(raw_column(i))), limits.max_cell_chars)
            long_rows = over if long_rows is None else pc.or_(long_rows, over)
        assert blank is not None and long_rows is not None  # width >= 1: a table has a column
        flagged = pc.or_(blank, long_rows)
        if pc.any(flagged).as_py():
            numbers = table.column(RECORD)
            rows = pc.indices_nonzero(flagged)
            room = max(0, limits.max_listed_rejections - len(rejections))
            unlisted = max(0, len(rows) - room)
            for row in rows.slice(0, room).to_pylist():
                n = numbers[row].as_py()
                cells = [table.column(raw_column(i))[row].as_py() for i in range(width)]
                if blank[row].as_py():
                    extra[row] = Rejection(n, n, "", "", "blank-row", "the row is empty")
                    continue
                i = next(j for j, c in enumerate(cells) if len(c) > limits.max_cell_chars)
                extra[row] = Rejection(n, n, labels[i], cells[i][:80], "constraint-error",
                                       f"the cell holds {len(cells[i]):,} characters; the limit is {limits.max_cell_chars:,}")
            table = table.filter(pc.invert(flagged))
    rejections = sorted(rejections + list(extra.values()), key=lambda r: r.record)
    fmt = f"{_DELIMITER_NAMES.get(delimiter, 'delimited')}, no header"
    return RawTable(list(labels), table, rows_read, fmt, rejections, unlisted=unlisted)
