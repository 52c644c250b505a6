"""What the format modules share: reading raw cells, building the raw table the validator reads.

A format module turns the raw table of its file (labels as the file names them) into a raw
table whose labels are contract columns (date, actor, ...), still text, so that the one
validator converts and checks them. Rows the module itself cannot read (a SQLDATE that is
no date, a malformed V2Tone) are rejected here with the file's own column name and raw
value; they never reach the validator, and the ledger still balances because the
validator counts these structural rejections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from dashboard.loading.heap import release_free_heap
from dashboard.loading.load_report import Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column

# Several actors found in one record travel in one cell, joined by this character, through
# the validator (which sees one row per record, so the ledger balances) and are split into
# one row each afterwards. It cannot occur in a name: it is a control character.
ACTOR_SEPARATOR = "\x1f"


@dataclass
class Converted:
    """A raw table in contract columns, and what the loader must do after validating it."""

    raw: RawTable
    sources: dict[str, str] = field(default_factory=dict)  # contract column -> the file's column, for messages
    explode_actors: bool = False  # actor cells may hold several names joined by ACTOR_SEPARATOR
    what: str = ""  # what kind of record one row is ("texts", "GKG articles"), for the notes


def cells(raw: RawTable, label: str) -> list[str | None]:
    """The text cells of the column a label names (the first with that label)."""
    return cells_at(raw, raw.labels.index(label))


def cells_at(raw: RawTable, i: int, start: int = 0, length: int | None = None) -> list[str | None]:
    """The text cells of the i-th column (of its rows start .. start + length, when given: a
    format module reads a big file a piece at a time, never every cell as Python at once)."""
    col = raw.table.column(raw_column(i))
    if start or length is not None:
        col = col.slice(start, length)
    return _text_cells(col)


PIECE_ROWS = 65_536  # rows a format module converts at a time (their cells as Python strings)


def consume_pieces(raw: RawTable, rows: int = PIECE_ROWS):
    """(first row, rows, piece) for each piece of at most `rows` rows of the raw table, in order.

    The raw table is consumed: once a piece is converted (when the next is asked for) its rows are
    cut from raw.table, so the Arrow chunks holding only converted rows are freed as the
    conversion goes, never held beside the whole converted table. raw.table is empty at the end;
    RowBuilder reads the rows' record and line numbers before. Read a piece's cells with
    piece_cells. Between pieces the C heap's free pages go back to the system (heap.py)."""
    lo = 0
    while raw.table.num_rows:
        n = min(rows, raw.table.num_rows)
        yield lo, n, raw.table.slice(0, n)
        raw.table = raw.table.slice(n)
        lo += n
        release_free_heap()  # the piece's transient cells freed: their pages back to the system


def piece_cells(piece: pa.Table, i: int) -> list[str | None]:
    """The text cells of the i-th column of a piece (a table with the raw table's columns)."""
    return _text_cells(piece.column(raw_column(i)))


def _text_array(col) -> pa.Array:
    """A column as one Arrow string array holding exactly the cells _text_cells would give."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks else pa.array([], type=col.type)
    if pa.types.is_string(col.type):
        return col
    if pa.types.is_large_string(col.type):
        return col.cast(pa.string())
    return pa.array(_text_cells(col), type=pa.string())


def _text_cells(col) -> list[str | None]:
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return col.to_pylist()
    try:
        return col.cast(pa.string()).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # lists, structs: their text form
        return [None if v is None else str(v) for v in col.to_pylist()]


def label_index(labels: list[str]) -> dict[str, int]:
    """Labels, trimmed and lower-cased, to their first position."""
    index: dict[str, int] = {}
    for i, label in enumerate(labels):
        index.setdefault(label.strip().lower(), i)
    return index


class RowBuilder:
    """Collects converted rows (text cells) and rejections, then builds the RawTable.

    The rows added are turned into Arrow every FLUSH_ROWS rows, so that Python holds the cells
    of at most that many rows however big the file (a million ACLED rows as Python lists: 1.6 GiB)."""

    FLUSH_ROWS = 65_536

    def __init__(self, raw: RawTable, labels: list[str]):
        self.raw = raw
        self.labels = labels
        self.columns: list[list[str | None]] = [[] for _ in labels]
        self.records: list[int] = []
        self.lines: list[int | None] = []
        self.rejections: list[Rejection] = list(raw.rejections)
        self._batches: list[pa.RecordBatch] = []
        # (numpy: 8 bytes a row, where Python ints took ~36)
        self._records = raw.table.column(RECORD).to_numpy()
        self._lines = raw.table.column(LINE).fill_null(-1).to_numpy()

    def where(self, i: int) -> tuple[int, int | None]:
        line = int(self._lines[i])
        return int(self._records[i]), None if line < 0 else line

    def add(self, i: int, row: list[str | None]) -> None:
        for column, value in zip(self.columns, row):
            column.append(value)
        record, line = self.where(i)
        self.records.append(record)
        self.lines.append(line)
        if len(self.records) >= self.FLUSH_ROWS:
            self._flush()

    def add_piece(self, lo: int, kept: list[int], columns: list) -> None:
        """The kept rows of one piece (positions in the piece whose first row is lo), in order, at once.

        Each column is either a list of text cells, one per kept row, or the piece's own Arrow
        column, from which the kept rows are taken as they are: cells a format module copies
        unchanged never become Python strings (an ACLED export's ~25 extra columns, its notes)."""
        if self.records:
            self._flush()
        take = pa.array(kept, type=pa.int64())
        arrays = [pa.array(col, type=pa.string()) if isinstance(col, list) else _text_array(col.take(take))
                  for col in columns]
        at = lo + take.to_numpy()
        lines = self._lines[at]
        arrays += [pa.array(self._records[at], type=pa.int64()), pa.array(lines, type=pa.int64(), mask=lines < 0)]
        names = [raw_column(i) for i in range(len(self.columns))] + [RECORD, LINE]
        self._batches.append(pa.RecordBatch.from_arrays(arrays, names=names))

    def reject(self, i: int, column: str, value: str | None, code: str, reason: str) -> None:
        record, line = self.where(i)
        self.rejections.append(Rejection(record, line, column, (value or "")[:200], code, reason))

    def _flush(self) -> None:
        arrays = [pa.array(col, type=pa.string()) for col in self.columns]
        arrays += [pa.array(self.records, type=pa.int64()), pa.array(self.lines, type=pa.int64())]
        names = [raw_column(i) for i in range(len(self.columns))] + [RECORD, LINE]
        self._batches.append(pa.RecordBatch.from_arrays(arrays, names=names))
        self.columns = [[] for _ in self.labels]
        self.records, self.lines = [], []

    def build(self, file_format: str, notes: list[str] | None = None) -> RawTable:
        self._flush()
        table = pa.Table.from_batches(self._batches)
        self._batches = []
        return RawTable(list(self.labels), table, self.raw.rows_read, file_format, self.rejections,
                        list(self.raw.notes) + list(notes or []), unlisted=self.raw.unlisted)


def drop_rows(raw: RawTable, bad: dict[int, Rejection]) -> RawTable:
    """The raw table without the rows at the given positions, their rejections added."""
    if not bad:
        return raw
    import numpy as np

    keep = np.ones(raw.table.num_rows, dtype=bool)
    keep[np.fromiter(bad, dtype=np.int64, count=len(bad))] = False
    return RawTable(raw.labels, raw.table.filter(pa.array(keep)), raw.rows_read, raw.file_format,
                    list(raw.rejections) + list(bad.values()), list(raw.notes), unlisted=raw.unlisted)


def clip_tone(value: float) -> float:
    """GDELT tone (−100…+100, mostly −10…+10) to the contract's −1…+1: clip(value / 10, −1, 1)."""
    return max(-1.0, min(1.0, value / 10.0))


def number(text: str | None) -> float | None:
    """A plain decimal number, or None when the cell is not one (no inf, NaN or decimal comma)."""
    if text is None:
        return None
    text = text.strip()
    if not text or text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
