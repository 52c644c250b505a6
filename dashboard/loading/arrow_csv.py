"""Arrow's C++ CSV reader for quoted delimited text, with a proof that it read what Python's
csv module (the reference parser in delimited.py) reads.

Arrow and Python's csv module (strict, doubled quotes) split fields the same way but for one
case: after a quoted field's closing quote, Python accepts only a delimiter or the end of the
line, while Arrow reads any further bytes into the field, quotes among them as they are
(`"ab"cd` is `abcd`). Both read a field that does not start with a quote as its bytes up to the
delimiter, quotes as they are. A file whose records each take exactly one line is proven to
parse the same when, for every row:

- field 0 starts at the line's start; a field is quoted when its first byte is a quote, and
  then takes 2 + its value's bytes + the value's quote count, or else exactly its value's
  bytes; each field ends at a delimiter, the last at the line's end;
- a quoted field's last byte is a quote.

This is exact. Say Arrow read a quoted field as its quoted part, then a tail of t bytes after
the closing quote holding q_t quotes, giving a value of V bytes with q quotes. The quoted part
wrote each of its q - q_t quotes doubled: the field took 2 + (V - t) + (q - q_t) + t =
2 + V + q - q_t bytes. So the length is 2 + V + q exactly when the tail holds no quote, and a
tail without a quote that is not empty ends in a byte that is not a quote: the two rules hold
exactly when there is no tail, which is when Python reads the field alike. (A quote left open
at the line's end has no closing quote: the field is one byte shorter than the rule, so it
misses the line's end.) tests/loading/test_quoted_csv.py reads every line of a few bytes both
ways, and random files.
"""

from __future__ import annotations

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


def same_as_python(table: pa.Table, data: bytes, header_bytes: int, delimiter: str) -> bool:
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
    # Each batch of rows on its own core (numpy releases the GIL).
    return all(map_parallel(lambda k: _proven(batches[k], buf, starts[firsts[k]:firsts[k + 1] + 1], ord(delimiter)),
                            range(len(batches))))


def _proven(batch: pa.RecordBatch, buf: np.ndarray, starts: np.ndarray, sep: int) -> bool:
    """Whether every row of batch, whose lines start at starts (and the next line's start
    last), is proven read alike (the module's rules)."""
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
    return bool(ok.all())


def _lengths(values: pa.Array) -> np.ndarray:
    """Each value's length in bytes, from the string array's offsets."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset:values.offset + len(values) + 1]
    return np.diff(offsets).astype(np.int64)
