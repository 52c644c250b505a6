"""Wide tables of counts: a date column, then one count column per actor, melted to mentions.

The layout of the GDELT/Twitter COVID-19 files: `Date,Algeria,Argentina,…,Grand Total`, one
row per day. The date column is the first one (or the one `mapping={"date": ...}` names);
a column called `Grand Total` or `Total` is a sum, not an actor, and is left out. Every
other column is an actor, named by its header with surrounding spaces removed.

Cells are counts: empty, `0` and the missing-value tokens (NA, null, …) are days without
mentions and make no row; fractional counts are rounded to the nearest whole number, halves
up (6.5 → 7); the report says how many of each. A day whose date cannot be read, or with a
cell that is no count (a word, a negative number, a decimal comma), is rejected whole —
with the column and the value — rather than loaded with a hole in it.

The load report counts the wide rows (days): rows read = loaded + rejected; a note says
how many mention rows the loaded days became.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import NUMBER_NULL_TOKENS
from dashboard.loading.column_sql import MAX_WHOLE, MAX_WHOLE_REASON
from dashboard.loading.formats.common import cells_at, consume_pieces, piece_cells, plural
from dashboard.loading.formats.dates import normalise_dates
from dashboard.loading.formats.mapping import find_label
from dashboard.loading.load_report import LoadError, Rejection
from dashboard.loading.raw import LINE, RECORD, RawTable, raw_column
from dashboard.loading.text_rules import bidi, normalise

TOTAL_COLUMNS = ("grand total", "total")
_COUNT = re.compile(r"^\+?(\d+(\.\d*)?|\.\d+)$")
_SIGNED = re.compile(r"^-(\d+(\.\d*)?|\.\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
MAX_COUNT = MAX_WHOLE  # the validator's cap on a count: a melted row must pass it
_DATE = " date "
_PIECE_CELLS = 1 << 20  # cells read at a time (rows of a piece × its actor columns)


def melt_wide_counts(
    frame: pd.DataFrame,
    date_column: str,
    exclude: tuple[str, ...] = (),
    source: str = "",
) -> tuple[pd.DataFrame, dict[str, int]]:
    """A table with one count column per actor, melted to mentions rows (date, actor, count).

    Actor names are the column names with surrounding spaces removed. Zero and empty cells
    are days without mentions, so they make no row; fractional cells are rounded to the
    nearest whole number, halves up (0.5 -> 1). Returns the rows and a tally of what was
    done, so the caller can report it.
    """
    long = frame.melt(id_vars=[date_column], var_name="actor", value_name="raw")
    long = long[~long["actor"].isin(exclude)]
    tally = {"cells": len(long), "empty_or_zero": 0, "rounded": 0}
    counts: list[int] = []
    keep: list[bool] = []
    for raw in long["raw"].astype(str):
        whole, rounded = _whole(raw)
        tally["rounded"] += rounded
        if whole <= 0:
            tally["empty_or_zero"] += 1
        counts.append(whole)
        keep.append(whole > 0)
    long = long.assign(count=counts)[keep]
    out = pd.DataFrame(
        {
            "date": long[date_column].astype(str).str.strip(),
            "actor": long["actor"].astype(str).str.strip(),
            "count": long["count"].astype("int64"),
        }
    )
    if source:
        out["source"] = source
    out = out.sort_values(["date", "actor"], kind="stable").reset_index(drop=True)
    return out, tally


def count_problem(cell: str | None) -> tuple[str, str] | None:
    """(code, reason) when a wide cell is not a count; None when it is one (or empty)."""
    text = (cell or "").strip()
    if text.lower() in NUMBER_NULL_TOKENS:
        return None
    if _COUNT.match(text):
        if Decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP) > MAX_COUNT:
            return "constraint-error", MAX_WHOLE_REASON
        return None
    if _SIGNED.match(text):
        return None if Decimal(text) == 0 else ("constraint-error", "a count cannot be negative")
    if _DECIMAL_COMMA.match(text):
        return "type-error", "not a number: a decimal comma? write 1.5, not 1,5"
    return "type-error", "not a count (a number of 0 or more)"


def melt_raw(
    raw: RawTable, date_label: str | None = None, date_format: str | None = None, timezone: str | None = None
) -> tuple[pa.Table, list[Rejection], list[str]]:
    """Check a wide raw table and melt its good rows: (mentions table: date, actor, count; rejections,
    notes). The raw table is consumed."""
    if date_label is not None:
        date_at = find_label(raw.labels, date_label)
        if date_at is None:
            raise LoadError("missing-label", f"the wide table has no date column {date_label!r}")
    else:
        date_at = 0
    shown = raw.labels[date_at].strip() or "column 1"
    notes: list[str] = []
    actors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for i, label in enumerate(raw.labels):
        name = normalise(label)  # the validator's text rules: the melted actor must pass them
        if i == date_at or name.lower() in TOTAL_COLUMNS:
            continue
        values = cells_at(raw, i)
        if not name:
            if all(not (v or "").strip() for v in values):
                notes.append(f"column {i + 1} has no name and no values (a trailing delimiter?); ignored")
                continue
            raise LoadError("format-error", f"column {i + 1} of the wide table has counts but no actor name in the header")
        if "\x00" in name or bidi(name):
            raise LoadError("format-error", f"the header of column {i + 1} ({name.replace(chr(0), '␀')!r}) holds a NUL byte or a "
                            "bidirectional control character: it cannot name an actor")
        if name.lower() in seen:
            raise LoadError("duplicate-label", f"the actor column {name!r} appears twice (columns {seen[name.lower()] + 1} and {i + 1})")
        seen[name.lower()] = i
        actors.append((i, name))
    if not actors:
        raise LoadError("missing-label", "a wide table needs a date column and at least one count column")
    totals = [lab.strip() for lab in raw.labels if lab.strip().lower() in TOTAL_COLUMNS]
    if totals:
        notes.append(f"the column {totals[0]!r} is a sum, not an actor: left out")
    dates = normalise_dates(cells_at(raw, date_at), date_format, timezone, column=shown, check_iso=True)
    notes.extend(dates.notes)
    raw_dates = cells_at(raw, date_at)
    rejections: list[Rejection] = []
    good = 0
    tally = {"cells": 0, "empty_or_zero": 0, "rounded": 0}
    pieces: list[pa.Table] = []
    # A piece of the day rows at a time: only its cells are Python strings at once, and only its
    # mention rows (the cells that are counts above zero) are kept, as Arrow; the raw table is
    # consumed as it goes. The melted rows are as melt_wide_counts makes them: sorted by date
    # then actor, stably (Arrow's sort is stable; UTF-8 byte order is code point order). Each day's
    # rows are made in actor order, so when the days come in order (most files) the rows are
    # sorted already and the sort, with its copy of every row, is skipped.
    order = sorted(range(len(actors)), key=lambda k: actors[k][1].strip())
    in_order: list = [None, True]  # (date, actor) of the last row made; sorted so far
    for lo, n, piece in consume_pieces(raw, max(1, _PIECE_CELLS // len(actors))):
        found, melted_piece = _melt_piece(lo, n, piece, actors, dates, raw_dates, shown, rejections, tally,
                                          order, in_order)
        del piece
        good += found
        pieces.append(melted_piece)
    tally["cells"] = good * len(actors)
    schema = pa.schema([("date", pa.string()), ("actor", pa.string()), ("count", pa.int64())])
    melted = pa.concat_tables(pieces) if pieces else schema.empty_table()
    del pieces
    if melted.num_rows and not in_order[1]:
        melted = melted.take(pc.sort_indices(melted, [("date", "ascending"), ("actor", "ascending")]))
    notes.append(
        f"wide table melted: {plural(good, 'day row')} × {plural(len(actors), 'actor column')} = "
        f"{plural(tally['cells'], 'cell')} made {plural(melted.num_rows, 'mention row')}; "
        f"{tally['empty_or_zero']:,} empty or zero cells made no row; "
        f"{tally['rounded']:,} fractional counts were rounded to whole numbers, halves up"
    )
    return melted, rejections, notes


def _melt_piece(lo: int, n: int, piece: pa.Table, actors: list[tuple[int, str]], dates, raw_dates: list[str | None],
                shown: str, rejections: list[Rejection], tally: dict[str, int], order: list[int],
                in_order: list) -> tuple[int, pa.Table]:
    """The good day rows of one piece of a wide table melted: (how many, their mention rows, each
    day's in the actor order given); the bad ones added to rejections; in_order kept (above)."""
    records = piece.column(RECORD).to_pylist()
    lines = piece.column(LINE).to_pylist()
    counts = _plain_counts(piece, actors)
    if counts is not None:
        return _melt_plain(lo, n, counts, records, lines, actors, dates, raw_dates, shown, rejections, tally, order,
                           in_order)
    columns = [piece_cells(piece, i) for i, _ in actors]
    del piece
    names = [name.strip() for _, name in actors]
    good = 0
    out_dates: list[str] = []
    out_actors: list[str] = []
    out_counts: list[int] = []
    for j in range(n):
        row = lo + j
        where = (records[j], lines[j])
        if row in dates.errors:
            rejections.append(Rejection(*where, shown, (raw_dates[row] or "")[:200], "type-error", dates.errors[row]))
            continue
        day = dates.values[row]
        if day is None:
            rejections.append(Rejection(*where, shown, "", "constraint-error", "a required value is empty"))
            continue
        problem = next(((k, name, p) for k, (_, name) in enumerate(actors) if (p := count_problem(columns[k][j]))), None)
        if problem:
            k, name, (code, reason) = problem
            rejections.append(Rejection(*where, name, (columns[k][j] or "")[:200], code, reason))
            continue
        good += 1
        day = str(day).strip()
        first = len(out_actors)
        for k in order:
            whole, rounded = _whole(_count_text(columns[k][j]))
            tally["rounded"] += rounded
            if whole <= 0:
                tally["empty_or_zero"] += 1
                continue
            out_dates.append(day)
            out_actors.append(names[k])
            out_counts.append(whole)
        if len(out_actors) > first:
            if in_order[0] is not None and (day, out_actors[first]) < in_order[0]:
                in_order[1] = False
            in_order[0] = (day, out_actors[-1])
    return good, pa.table({"date": pa.array(out_dates, pa.string()), "actor": pa.array(out_actors, pa.string()),
                           "count": pa.array(out_counts, pa.int64())})


_PLAIN = r"^[0-9]{1,11}$"  # a count as most files write it: digits only, under MAX_COUNT (10^11)


def _plain_counts(piece: pa.Table, actors: list[tuple[int, str]]) -> list | None:
    """Each actor column's counts in the piece (numpy int64, one per day row) when every one of its
    cells is plain digits (_PLAIN) — what _melt_piece's cell-by-cell reading makes of them, with no
    problem and no rounding; None when some cell is anything else (that reading decides)."""
    import numpy as np

    out = []
    for i, _ in actors:
        col = piece.column(raw_column(i))
        dictionary = pa.types.is_dictionary(col.type)
        if not pa.types.is_string(col.type.value_type if dictionary else col.type) or col.null_count:
            return None
        parts = []
        for chunk in col.chunks:
            if not len(chunk):
                continue
            if not dictionary:
                if not pc.all(pc.match_substring_regex(chunk, _PLAIN)).as_py():
                    return None
                parts.append(pc.cast(chunk, pa.int64()).to_numpy())
                continue
            # A slice of a chunk keeps the chunk's whole dictionary: only the texts it uses count.
            plain = pc.match_substring_regex(chunk.dictionary, _PLAIN)
            if not pc.all(plain.take(chunk.indices)).as_py():
                return None
            values = pc.cast(pc.if_else(plain, chunk.dictionary, "0"), pa.int64()).to_numpy()
            parts.append(values[chunk.indices.to_numpy()])
        out.append(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))
    return out


def _melt_plain(lo: int, n: int, counts: list, records: list, lines: list, actors: list[tuple[int, str]], dates,
                raw_dates: list[str | None], shown: str, rejections: list[Rejection], tally: dict[str, int],
                order: list[int], in_order: list) -> tuple[int, pa.Table]:
    """_melt_piece of a piece whose counts are all plain digits (_plain_counts), in numpy: the same
    rows, rejections, tally and in_order. Only a day row's date can reject it."""
    import numpy as np

    days: list[str] = []
    good_rows: list[int] = []
    for j in range(n):
        row = lo + j
        if row in dates.errors:
            rejections.append(Rejection(records[j], lines[j], shown, (raw_dates[row] or "")[:200], "type-error",
                                        dates.errors[row]))
            continue
        day = dates.values[row]
        if day is None:
            rejections.append(Rejection(records[j], lines[j], shown, "", "constraint-error", "a required value is empty"))
            continue
        good_rows.append(j)
        days.append(str(day).strip())
    names = [actors[k][1].strip() for k in order]
    cells = np.column_stack([counts[k] for k in order])[good_rows] if good_rows else np.zeros((0, len(order)), np.int64)
    at_day, at_actor = np.nonzero(cells > 0)  # day by day, each day's actors in `order`: _melt_piece's rows
    tally["empty_or_zero"] += cells.size - len(at_day)
    if len(at_day):  # in_order, as _melt_piece keeps it: each day's first row against the last row before it
        starts = np.flatnonzero(np.diff(at_day, prepend=-1))
        ends = np.append(starts[1:], len(at_day)) - 1
        for first, last in zip(starts.tolist(), ends.tolist()):
            day = days[at_day[first]]
            if in_order[0] is not None and (day, names[at_actor[first]]) < in_order[0]:
                in_order[1] = False
            in_order[0] = (day, names[at_actor[last]])
    return len(good_rows), pa.table({
        "date": pa.array(days, pa.string()).take(pa.array(at_day)),
        "actor": pa.array(names, pa.string()).take(pa.array(at_actor)),
        "count": pa.array(cells[at_day, at_actor], pa.int64()),
    })


def _whole(text: str) -> tuple[int, bool]:
    """A count cell's text as a whole number, halves up: (whole number, whether it was rounded);
    empty or `nan` is 0."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text), False
    value = Decimal(text) if text not in ("", "nan") else Decimal(0)
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return whole, value != whole


def _count_text(cell: str | None) -> str:
    text = (cell or "").strip()
    if text.lower() in NUMBER_NULL_TOKENS or _SIGNED.match(text):
        return "0"
    return text.lstrip("+")


def melted_raw(melted: pa.Table, file_format: str) -> RawTable:
    """The melted rows as a raw table for the validator (every row valid by construction)."""
    n = melted.num_rows
    arrays = {
        raw_column(0): melted.column("date"),
        raw_column(1): melted.column("actor"),
        raw_column(2): pc.cast(melted.column("count"), pa.string()),
        RECORD: pa.array(range(1, n + 1), type=pa.int64()),
        LINE: pa.nulls(n, type=pa.int64()),
    }
    return RawTable(["date", "actor", "count"], pa.table(arrays), n, file_format)
