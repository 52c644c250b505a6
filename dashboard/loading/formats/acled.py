"""ACLED exports (Armed Conflict Location & Event Data) as events.

Recognised by the header: `event_id_cnty`, `event_date`, `event_type`, `actor1` and
`fatalities` (31 columns, or 35 with the population columns; the column count itself is not
required). Every column stays text; `inter1`/`inter2` (numbers or words) and multi-value
cells separated by "; " are kept exactly as written, as extra columns.

Mapping (also in docs/formats.md):

- id = event_id_cnty; actor = actor1; target = actor2; source = source (ACLED's own, "; "
  separated when several).
- date = event_date, in exactly one of ACLED's three forms: `2020-03-21`, `21 March 2020`
  (ACLED's own export) or `9-May-20` (re-saved by a spreadsheet; two-digit years by the
  POSIX rule, 69–99 → 19xx). Anything else rejects the row.
- event_type and a base severity from ACLED's event_type and sub_event_type (SUB_EVENTS);
  severity = max(−10, base − 1.5 × log10(1 + fatalities)): 0 deaths keep the base, 9 take
  1.5 off, 99 take 3 off (so a battle reaches −10 at 99 deaths).
- headline = the sub-event type and the place, "Armed clash in Nahr-e Saraj, Helmand,
  Afghanistan" — made by us; ACLED's `notes` text is kept as its own column, not as the
  headline.
- A row whose cells stop early (country and fatalities empty, every cell after some point
  blank) is rejected as truncated-value, naming where it stops.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re

import pyarrow as pa

from dashboard.loading.formats.common import PIECE_ROWS, Converted, RowBuilder, consume_pieces, label_index, piece_cells, plural
from dashboard.loading.formats.dates import MONTHS, full_year
from dashboard.loading.load_report import LoadError
from dashboard.loading.raw import RawTable, raw_column

REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "fatalities")
SIGNATURE = frozenset({"event_id_cnty", "event_date", "event_type", "actor1", "fatalities"})

# (event_type, sub_event_type) -> (contract event_type, base severity). The base sits near the
# Goldstein value of the matching CAMEO action, at its milder end (as the contract's defaults).
SUB_EVENTS: dict[tuple[str, str], tuple[str, float]] = {
    ("battles", "armed clash"): ("action", -7.0),
    ("battles", "government regains territory"): ("action", -7.0),
    ("battles", "non-state actor overtakes territory"): ("action", -7.0),
    ("explosions/remote violence", "chemical weapon"): ("action", -9.0),
    ("explosions/remote violence", "air/drone strike"): ("action", -7.0),
    ("explosions/remote violence", "suicide bomb"): ("action", -8.0),
    ("explosions/remote violence", "shelling/artillery/missile attack"): ("action", -7.0),
    ("explosions/remote violence", "remote explosive/landmine/ied"): ("action", -7.0),
    ("explosions/remote violence", "grenade"): ("action", -6.0),
    ("violence against civilians", "sexual violence"): ("action", -7.0),
    ("violence against civilians", "attack"): ("action", -7.0),
    ("violence against civilians", "abduction/forced disappearance"): ("action", -7.0),
    ("protests", "peaceful protest"): ("other", -2.0),
    ("protests", "protest with intervention"): ("action", -4.0),
    ("protests", "excessive force against protesters"): ("action", -6.0),
    ("riots", "violent demonstration"): ("action", -5.0),
    ("riots", "mob violence"): ("action", -6.0),
    ("strategic developments", "agreement"): ("policy", 4.0),
    ("strategic developments", "arrests"): ("action", -4.0),
    ("strategic developments", "change to group/activity"): ("policy", -1.0),
    ("strategic developments", "disrupted weapons use"): ("action", -3.0),
    ("strategic developments", "headquarters or base established"): ("policy", -2.0),
    ("strategic developments", "looting/property destruction"): ("action", -4.0),
    ("strategic developments", "non-violent transfer of territory"): ("policy", -2.0),
    ("strategic developments", "other"): ("other", 0.0),
}
# An event type whose sub-event type is not in the table above takes these.
EVENT_TYPES: dict[str, tuple[str, float]] = {
    "battles": ("action", -7.0),
    "explosions/remote violence": ("action", -7.0),
    "violence against civilians": ("action", -7.0),
    "protests": ("other", -2.0),
    "riots": ("action", -5.0),
    "strategic developments": ("other", 0.0),
}
FATALITY_WEIGHT = 1.5  # severity points per tenfold increase of (1 + fatalities)

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LONG = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")
_SPREADSHEET = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{2})$")
_WHOLE = re.compile(r"^\d+$")


def identify(labels: list[str]) -> bool:
    return SIGNATURE <= {label.strip().lower() for label in labels}


def severity(event_type: str, sub_event_type: str, fatalities: int) -> tuple[str, float]:
    """The contract event_type and severity of an ACLED event (see the module docstring)."""
    et, sub = event_type.strip().lower(), sub_event_type.strip().lower()
    kind, base = SUB_EVENTS.get((et, sub)) or EVENT_TYPES[et]
    value = base - FATALITY_WEIGHT * math.log10(1 + fatalities)
    return kind, round(max(-10.0, value), 2)


@functools.lru_cache(maxsize=1 << 16)  # an export has a few hundred distinct dates
def acled_date(text: str) -> tuple[str | None, str]:
    """(ISO date, "") or (None, reason) for one event_date cell."""
    text = text.strip()
    for pattern, order in ((_ISO_DAY, "ymd"), (_LONG, "long"), (_SPREADSHEET, "short")):
        m = pattern.match(text)
        if not m:
            continue
        if order == "ymd":
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            name = m.group(2).lower()
            full = order == "long"
            if (full and name not in _FULL_MONTHS) or (not full and (len(name) != 3 or name not in MONTHS)):
                return None, f"{m.group(2)!r} is not a month name" + (" written in full" if full else " (Jan … Dec)")
            mo = MONTHS[name]
            d, y = int(m.group(1)), full_year(m.group(3))
        try:
            return dt.date(y, mo, d).isoformat(), ""
        except ValueError:
            return None, f"not a real date ({y:04d}-{mo:02d}-{d:02d} does not exist)"
    return None, "ACLED dates are written 2020-03-21, 21 March 2020 or 9-May-20"


_PIECE_ROWS = PIECE_ROWS  # rows converted at a time (their cells as Python strings)

_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"}


def convert(raw: RawTable, kind: str, columns_note: str = "") -> Converted:
    if kind != "events":
        raise LoadError(
            "format-error",
            "the file is an ACLED export: it holds events (one row per dated incident), so load it as events, not mentions",
        )
    index = label_index(raw.labels)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise LoadError("missing-label", f"the file looks like an ACLED export but has no column {', '.join(missing)}")

    used = {"event_id_cnty", "event_date", "actor1", "actor2", "source"}
    renamed = {"event_type": "acled_event_type", "sub_event_type": "acled_sub_event_type"}
    keep = [(i, renamed.get(label.strip().lower(), label.strip())) for i, label in enumerate(raw.labels)
            if label.strip().lower() not in used]
    labels = ["id", "date", "actor", "target", "event_type", "severity", "headline", "source", *(name for _, name in keep)]
    out = RowBuilder(raw, labels)
    short_years = 0
    needed = sorted({index[name] for name in (*REQUIRED, "source", "location", "admin1", "country") if name in index})
    # A piece of the rows at a time, the raw table's converted rows let go as it goes
    # (consume_pieces). Only the cells the mapping reads become Python strings; the extra
    # columns are carried over as Arrow (RowBuilder.add_piece).
    for lo, n, piece in consume_pieces(raw, _PIECE_ROWS):
        read = {i: piece_cells(piece, i) for i in needed}

        def col(name: str, read=read, n: int = n) -> list[str | None]:
            i = index.get(name)
            return read[i] if i is not None else [None] * n

        ids, dates, et, sub = col("event_id_cnty"), col("event_date"), col("event_type"), col("sub_event_type")
        a1, a2, fat, src = col("actor1"), col("actor2"), col("fatalities"), col("source")
        location, admin1, country = col("location"), col("admin1"), col("country")
        truncated = _truncations(piece, raw.labels, country, fat)
        kept: list[int] = []
        derived: list[list[str | None]] = [[] for _ in range(8)]
        for j in range(n):
            i = lo + j
            if j in truncated:
                out.reject(i, *truncated[j])
                continue
            day, reason = acled_date(dates[j] or "")
            if day is None:
                out.reject(i, "event_date", dates[j], "type-error", reason)
                continue
            if _SPREADSHEET.match((dates[j] or "").strip()):
                short_years += 1
            event_type = (et[j] or "").strip()
            if event_type.lower() not in EVENT_TYPES:
                out.reject(i, "event_type", et[j], "constraint-error",
                           "not an ACLED event type (Battles, Explosions/Remote violence, Violence against civilians, "
                           "Protests, Riots, Strategic developments)")
                continue
            deaths = (fat[j] or "").strip()
            if not _WHOLE.match(deaths):
                out.reject(i, "fatalities", fat[j], "type-error" if deaths else "constraint-error",
                           "fatalities must be a whole number of 0 or more" if deaths else "fatalities is empty")
                continue
            kind, sev = severity(event_type, sub[j] or "", int(deaths))
            kept.append(j)
            for cells, value in zip(derived, (ids[j], day, a1[j], a2[j], kind, repr(sev),
                                              _headline(sub[j], event_type, location[j], admin1[j], country[j]), src[j])):
                cells.append(value)
        out.add_piece(lo, kept, [*derived, *(piece.column(raw_column(i)) for i, _ in keep)])
        del read, piece
    notes = [
        f"ACLED export{columns_note}: event_type and severity from ACLED's event_type, sub_event_type and fatalities "
        "(see docs/formats.md); headlines made from the sub-event type and the place; ACLED's notes kept in the column 'notes'"
    ]
    if short_years:
        notes.append(f"{plural(short_years, 'event_date')} written like 9-May-20 (a spreadsheet re-save): two-digit years "
                     "read as 20yy for 00–68 and 19yy for 69–99")
    built = out.build("ACLED export (CSV)", notes)
    return Converted(built, {"id": "event_id_cnty", "date": "event_date", "actor": "actor1", "target": "actor2",
                             "source": "source"})


def _headline(sub: str | None, event_type: str, location: str | None, admin1: str | None, country: str | None) -> str:
    what = (sub or "").strip() or event_type
    places: list[str] = []
    for place in (location, admin1, country):
        place = (place or "").strip()
        if place and place not in places:
            places.append(place)
    return f"{what[0].upper()}{what[1:]}" + (f" in {', '.join(places)}" if places else "")


def _truncations(piece, labels: list[str], country: list[str | None], fatalities: list[str | None]):
    """{row in the piece: (column, value, code, reason)} for the records that were cut off: their
    last cells are all empty. Only the rows with country and fatalities both empty can be, and
    only their cells are read (a few, in a normal export)."""
    suspects = [j for j, (c, f) in enumerate(zip(country, fatalities)) if not (c or "").strip() and not (f or "").strip()]
    if not suspects:
        return {}
    rows = piece.take(pa.array(suspects, type=pa.int64()))
    columns = [piece_cells(rows, i) for i in range(len(labels))]
    found = {}
    for k, j in enumerate(suspects):
        cut = _truncation(k, labels, columns)
        if cut:
            found[j] = cut
    return found


def _truncation(i: int, labels: list[str], columns: list[list[str | None]]):
    """(column, value, code, reason) when record i (country and fatalities empty) was cut off."""
    last = -1
    for j, column in enumerate(columns):
        if (column[i] or "").strip():
            last = j
    if last < 0 or last >= len(columns) - 1:
        return None
    empty = len(columns) - 1 - last
    if empty < 3:
        return None
    return (
        labels[last].strip(),
        columns[last][i] or "",
        "truncated-value",
        f"the record stops at column {labels[last].strip()!r}: all {empty} columns after it are empty "
        f"(country and fatalities among them), so it was cut off",
    )
