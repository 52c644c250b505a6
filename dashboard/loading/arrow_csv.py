"""Arrow's C++ CSV reader for quoted delimited text, with a proof that it read what Python's
csv module (the reference parser in delimited.py) reads.

Arrow and Python's csv module (strict, doubled quotes) split fields the same way but for one
case: after a quoted field's closing quote, Python accepts only a delimiter or the end of the
line, while Arrow reads any further characters into the field (`"ab"cd` is `abcd`). A file
whose records each take exactly one line is proven to parse the same when, for every row:

- field 0 starts at the line's start; a field is quoted when its first byte is a quote, and
  then takes 2 + its value's bytes + the value's quote count (each written doubled), or else
  exactly its value's bytes; each field ends at a delimiter, the last at the line's end;
- a quoted field's last byte is a quote.

For a field whose value holds no quote character this is exact: if Arrow had read characters
after a closing quote, the field's last byte would be one of them (not a quote) or the lengths
would not add up. Rows with a quote inside some value (rare) are read again with Python's csv
module, line by line, and must give the same cells. Anything else: None, and the caller takes
the reference parser.
"""

from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.loading.chunks import map_parallel

_QUOTE = ord('"')
_CHUNK = 1 << 26  # bytes scanned for line ends at a time (bounded temporary memory)


def line_starts(buf: np.ndarray, start: int) -> np.ndarray:
    """The offset of every line after `start` (the byte after each LF), and len(buf) last."""
    def ends(lo: int) -> np.ndarray:
        return np.flatnonzero(buf[lo:lo + _CHUNK] == 10).astype(np.int64) + (lo + 1)

    parts = [np.array([start], dtype=np.int64)] + map_parallel(ends, range(start, len(buf), _CHUNK))
    starts = np.concatenate(parts)
    if starts[-1] != len(buf):
        starts = np.append(starts, np.int64(len(buf)))
    return starts


def _holds_quote(values: pa.Array) -> bool:
    """Whether some value of a string array may hold a quote: a look at its bytes (all of its
    data buffer: a slice's neighbours may answer yes, never a wrong no), far cheaper than
    counting the quotes of every value."""
    data = values.buffers()[2]
    return data is not None and len(data) > 0 and bool((np.frombuffer(data, dtype=np.uint8) == _QUOTE).any())


def same_as_python(table: pa.Table, data: bytes, header_bytes: int, delimiter: str, dialect: dict) -> bool:
    """Whether Python's csv module, reading `data` line by line after its header, gives the
    rows of `table` (Arrow's reading, one row per line, every column a string)."""
    n = table.num_rows
    if n == 0:
        return True
    buf = np.frombuffer(data, dtype=np.uint8)
    starts = line_starts(buf, header_bytes)
    if len(starts) != n + 1:
        return False
    batches = table.to_batches()
    firsts = np.cumsum([0] + [b.num_rows for b in batches])
    # Each batch of rows on its own core (numpy releases the GIL): whether its rows without
    # a quote in a value are proven, and which rows hold one.
    parts = map_parallel(lambda k: _proven(batches[k], buf, starts[firsts[k]:firsts[k + 1] + 1], ord(delimiter)),
                         range(len(batches)))
    if not all(proven for proven, _, _ in parts):
        return False
    rows = np.concatenate([firsts[k] + recheck for k, (_, recheck, _) in enumerate(parts)])
    if not len(rows):
        return True
    # The rows with a quote in some value, read again by Python's csv module: one reader over
    # all their lines gives one record per line exactly when each line alone would (a line
    # ending inside a quoted field would take the next one in, and no cell Arrow read holds
    # a line break; the file's last line, which may lack its LF, comes last).
    names = table.column_names
    want = [[cells[name] for name in names] for _, _, taken in parts if taken is not None for cells in taken.to_pylist()]
    lines = [data[starts[row]:starts[row + 1]].decode("utf-8") for row in rows.tolist()]
    try:
        got = list(csv.reader(lines, **dialect))
    except csv.Error:
        return False
    return got == want


def _proven(batch: pa.RecordBatch, buf: np.ndarray, starts: np.ndarray,
            sep: int) -> tuple[bool, np.ndarray, pa.RecordBatch | None]:
    """For the rows of batch, whose lines start at starts (and the next line's start last):
    whether every row with no quote in a value is proven read alike (the module's rules), the
    rows (numbered within the batch) with a quote in some value, to read again, and their cells."""
    n = batch.num_rows
    line_end = starts[1:] - 1  # the LF, or the end of the data for a last line without one
    last = len(buf)
    has_lf = buf[np.minimum(line_end, last - 1)] == 10
    line_end = np.where(has_lf & (line_end < last), line_end, last)
    cr = np.zeros(n, dtype=bool)
    inner = line_end > starts[:-1]
    cr[inner] = buf[line_end[inner] - 1] == 13
    line_end = line_end - cr
    pos = starts[:-1]
    ok = np.ones(n, dtype=bool)
    recheck = np.zeros(n, dtype=bool)
    width = batch.num_columns
    for i in range(width):
        col = batch.column(i)
        # Reads past the data are clipped to its last byte: they only happen on a row already
        # failed (an end past its line), or for an empty last field after a delimiter that
        # ends the data (the byte read is that delimiter, not a quote).
        quoted = np.take(buf, pos, mode="clip") == _QUOTE
        end = pos + _lengths(col)
        if _holds_quote(col):
            quotes = np.asarray(pc.count_substring(col, '"').to_numpy(zero_copy_only=False), dtype=np.int64)
            recheck |= quotes > 0
            end += quoted * (2 + quotes)
        else:
            end += quoted * 2
        # An end past its line makes the last field's end miss the line's end (ends only grow).
        ok &= ~quoted | (np.take(buf, end - 1, mode="clip") == _QUOTE)
        if i < width - 1:
            ok &= np.take(buf, end, mode="clip") == sep
            ok &= end < line_end
            pos = end + 1
        else:
            ok &= end == line_end
    rows = np.flatnonzero(recheck)
    return bool(ok[~recheck].all()), rows, (batch.take(pa.array(rows)) if len(rows) else None)


def _lengths(values: pa.Array) -> np.ndarray:
    """Each value's length in bytes, from the string array's offsets."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset:values.offset + len(values) + 1]
    return np.diff(offsets).astype(np.int64)
