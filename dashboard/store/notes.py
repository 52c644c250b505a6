"""Notes: a line of text pinned to a date of a dataset (optionally to an actor), kept in the
store for everyone who opens the same data on this server; CSV out and back in.

Text is kept as given and is only ever data: the page escapes it before markdown, charts
carry it as data, the CSV guards it against spreadsheet formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from dashboard.store.db import Store, closing

MAX_NOTE_CHARS = 2000
MAX_IMPORT_ROWS = 10_000
CSV_COLUMNS = ("date", "actor", "text", "author")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")  # as exports.tables: a spreadsheet would run these


def notes_key(events_digest: str, mentions_digest: str) -> str:
    """What notes are pinned to: the content of the two files (their SHA-256 digests, "" for
    a file not given) — the same data get the same notes, whatever engine or session opens them."""
    return f"{events_digest}:{mentions_digest}"


class NoteError(ValueError):
    """A note that cannot be kept, with the reason in words."""


@dataclass(frozen=True)
class Note:
    id: int
    dataset: str
    date: pd.Timestamp
    actor: str | None
    text: str
    author: str | None
    created: pd.Timestamp


def _when(value) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise NoteError(f"the date {str(value)[:40]!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise NoteError("a note needs a date")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.floor("min")


def _clean(text, what: str, limit: int, required: bool) -> str | None:
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    value = value.replace("\0", "").strip()
    if not value:
        if required:
            raise NoteError(f"the {what} is empty")
        return None
    if len(value) > limit:
        raise NoteError(f"the {what} is {len(value):,} characters long; at most {limit:,}")
    return value


def add_note(store: Store, dataset: str, date, text: str, actor: str | None = None, author: str | None = None) -> Note:
    """Keep one note; NoteError says why one cannot be kept."""
    if not dataset:
        raise NoteError("a note belongs to a dataset")
    when = _when(date)
    body = _clean(text, "note", MAX_NOTE_CHARS, required=True)
    who = _clean(actor, "actor", 200, required=False)
    by = _clean(author, "author", 200, required=False)
    created = pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None)).floor("s")
    with closing(store.connect()) as conn:
        cur = conn.execute(
            "INSERT INTO notes (dataset, date, actor, text, author, created) VALUES (?, ?, ?, ?, ?, ?)",
            (dataset, when.isoformat(), who, body, by, created.isoformat()),
        )
        return Note(int(cur.lastrowid or 0), dataset, when, who, str(body), by, created)


def list_notes(store: Store | None, dataset: str, start=None, end=None) -> list[Note]:
    """The dataset's notes in date order, those from `start` to the end of the day `end` when given."""
    if store is None:
        return []
    query, args = "SELECT id, dataset, date, actor, text, author, created FROM notes WHERE dataset = ?", [dataset]
    if start is not None:
        query += " AND date >= ?"
        args.append(_when(start).isoformat())
    if end is not None:
        query += " AND date < ?"
        args.append((_when(end).normalize() + pd.Timedelta(days=1)).isoformat())
    with closing(store.connect()) as conn:
        rows = conn.execute(query + " ORDER BY date, id", args).fetchall()
    return [Note(r[0], r[1], pd.Timestamp(r[2]), r[3], r[4], r[5], pd.Timestamp(r[6])) for r in rows]


def delete_note(store: Store, note_id: int) -> bool:
    with closing(store.connect()) as conn:
        return conn.execute("DELETE FROM notes WHERE id = ?", (int(note_id),)).rowcount > 0


def notes_frame(notes: list[Note]) -> pd.DataFrame:
    """The notes as a frame (date, actor, text, author, id) for charts and tables."""
    return pd.DataFrame(
        {"date": pd.to_datetime([n.date for n in notes]), "actor": [n.actor for n in notes],
         "text": [n.text for n in notes], "author": [n.author for n in notes], "id": [n.id for n in notes]},
        columns=["date", "actor", "text", "author", "id"],
    )


def _guard(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def export_notes_csv(notes: list[Note]) -> str:
    """The notes as CSV (date, actor, text, author), cells that a spreadsheet would run as a
    formula prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; and a \r inside a note gets the note quoted
    writer.writerow(CSV_COLUMNS)
    for n in notes:
        writer.writerow([n.date.strftime("%Y-%m-%d %H:%M"), _guard(n.actor), _guard(n.text), _guard(n.author)])
    return out.getvalue()


def _unguard(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def import_notes_csv(store: Store, dataset: str, data: bytes) -> tuple[int, list[str]]:
    """Add the notes of a CSV with columns date, text (and optionally actor, author).
    Returns how many were added and, for each row that was not, why (row numbers as in a
    spreadsheet, the header being row 1). A note already kept (same date, actor and text) is
    not added twice."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0, ["the file is not UTF-8 text"]
    reader = csv.DictReader(io.StringIO(text, newline=""))  # a \r inside a quoted note stays in the note
    fields = {f.strip().lower(): f for f in (reader.fieldnames or [])}
    if "date" not in fields or "text" not in fields:
        return 0, ["the file needs a 'date' and a 'text' column"]
    kept: set[tuple] = {(n.date, n.actor, n.text) for n in list_notes(store, dataset)}
    added, problems = 0, []
    for row_number, row in enumerate(reader, start=2):
        if row_number - 1 > MAX_IMPORT_ROWS:
            problems.append(f"only the first {MAX_IMPORT_ROWS:,} rows are read")
            break
        def cell(name: str, row: dict = row) -> str | None:
            raw = row.get(fields[name]) if name in fields else None
            return _unguard(raw) if isinstance(raw, str) else None

        try:
            key = (_when(cell("date")), _clean(cell("actor"), "actor", 200, False), _clean(cell("text"), "note", MAX_NOTE_CHARS, True))
            if key in kept:
                continue
            add_note(store, dataset, cell("date"), cell("text") or "", cell("actor"), cell("author"))
            kept.add(key)
            added += 1
        except NoteError as exc:
            problems.append(f"row {row_number}: {exc}")
    return added, problems
