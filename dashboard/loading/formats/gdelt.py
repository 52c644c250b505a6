"""GDELT files: Events 2.0 and 1.0 exports, the GKG 2.1 and the Mentions table.

GDELT's raw files are tab-separated with no header (`.CSV` in name only) and no quoting, so
they are recognised from their content: the number of tab-separated fields of most of the
first lines (61 Events 2.0, 57/58 Events 1.0, 27 GKG 2.1, 16 Mentions) and the shape of the
first two fields (an id and a date). BigQuery exports of the same tables, with a header row,
are recognised by their column names. Every field stays text until converted here or by the
validator, so CAMEO codes keep their leading zeros ("010"), and every row's field count is
checked by the parser (a 60- or 62-field row is rejected as missing-cell or extra-cell).

Mappings (also in docs/formats.md):

- events ← Events 2.0/1.0: id = GLOBALEVENTID; date = SQLDATE (YYYYMMDD, a real date or the
  row is rejected); actor = Actor1Name, else Actor1Code, else "(unidentified)"; target =
  Actor2Name, else Actor2Code; event_type from EventRootCode (CAMEO_ROOTS below; QuadClass
  when the root is empty); severity = GoldsteinScale; headline made from the actors, the
  CAMEO root and the place; source = the domain of SOURCEURL, url = SOURCEURL.
- mentions ← Events: one row per event, dated DATEADDED (when GDELT saw the articles:
  NumMentions counts the mentions in that 15-minute batch), actor as above, count =
  NumMentions, tone = clip(AvgTone / 10, −1, 1).
- mentions ← GKG 2.1: one row per person or organisation the article names (V2Persons and
  V2Organizations, else Persons and Organizations), dated DATE, tone = clip(first V2Tone
  number / 10, −1, 1), source = SourceCommonName, url = DocumentIdentifier. A V2Tone that is
  not 6 or 7 comma-separated numbers rejects the row.
- mentions ← Mentions: one row per mention, dated MentionTimeDate, tone = clip(MentionDocTone
  / 10, −1, 1). The table names no actors, so a mention is filed under its event
  ("GDELT event 741917022").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from dashboard.loading.actors import actor_key
from dashboard.loading.formats.common import (
    ACTOR_SEPARATOR,
    PIECE_ROWS,
    Converted,
    RowBuilder,
    clip_tone,
    consume_pieces,
    label_index,
    number,
    piece_cells,
    plural,
)
from dashboard.loading.load_report import LoadError
from dashboard.loading.raw import RawTable

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_EVENT = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone")


def _events_columns(adm2: bool) -> tuple[str, ...]:
    geo = _GEO if adm2 else tuple(g for g in _GEO if g != "ADM2Code")
    return (
        ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
        + tuple(f"Actor1{a}" for a in _ACTOR)
        + tuple(f"Actor2{a}" for a in _ACTOR)
        + _EVENT
        + tuple(f"{who}Geo_{g}" for who in ("Actor1", "Actor2", "Action") for g in geo)
        + ("DATEADDED",)
    )


EVENTS_2 = _events_columns(adm2=True) + ("SOURCEURL",)  # 61
EVENTS_1 = _events_columns(adm2=False)  # 57: the backfile, 1979 – March 2013
EVENTS_1_URL = EVENTS_1 + ("SOURCEURL",)  # 58: daily files from April 2013
GKG_21 = (
    "GKGRECORDID", "DATE", "SourceCollectionIdentifier", "SourceCommonName", "DocumentIdentifier",
    "Counts", "V2Counts", "Themes", "V2Themes", "Locations", "V2Locations", "Persons", "V2Persons",
    "Organizations", "V2Organizations", "V2Tone", "Dates", "GCAM", "SharingImage", "RelatedImages",
    "SocialImageEmbeds", "SocialVideoEmbeds", "Quotations", "AllNames", "Amounts", "TranslationInfo", "Extras",
)  # 27
MENTIONS = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
    "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
)  # 16

# CAMEO root codes: their names, and the contract event_type each maps to.
CAMEO_ROOTS: dict[str, tuple[str, str]] = {
    "01": ("make public statement", "statement"),
    "02": ("appeal", "statement"),
    "03": ("express intent to cooperate", "statement"),
    "04": ("consult", "other"),
    "05": ("engage in diplomatic cooperation", "statement"),
    "06": ("engage in material cooperation", "action"),
    "07": ("provide aid", "action"),
    "08": ("yield", "policy"),
    "09": ("investigate", "policy"),
    "10": ("demand", "statement"),
    "11": ("disapprove", "statement"),
    "12": ("reject", "response"),
    "13": ("threaten", "threat"),
    "14": ("protest", "action"),
    "15": ("exhibit force posture", "threat"),
    "16": ("reduce relations", "policy"),
    "17": ("coerce", "action"),
    "18": ("assault", "action"),
    "19": ("fight", "action"),
    "20": ("use unconventional mass violence", "action"),
}
# Used only when EventRootCode is empty: 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict.
QUAD_CLASSES: dict[str, tuple[str, str]] = {
    "1": ("verbal cooperation", "statement"),
    "2": ("material cooperation", "action"),
    "3": ("verbal conflict", "statement"),
    "4": ("material conflict", "action"),
}
UNIDENTIFIED = "(unidentified)"


@dataclass(frozen=True)
class Table:
    """Which GDELT table a file holds."""

    key: str  # "events", "gkg", "mentions"
    name: str  # for messages: "GDELT 2.0 Events export"
    columns: tuple[str, ...]
    kinds: tuple[str, ...]  # contract kinds it can be loaded as


TABLES = {
    61: Table("events", "GDELT 2.0 Events export", EVENTS_2, ("events", "mentions")),
    58: Table("events", "GDELT 1.0 Events export", EVENTS_1_URL, ("events", "mentions")),
    57: Table("events", "GDELT 1.0 Events export (backfile, no SOURCEURL)", EVENTS_1, ("events", "mentions")),
    27: Table("gkg", "GDELT GKG 2.1 file (Global Knowledge Graph: one row per article, with its tone, people "
                     "and organisations; no events)", GKG_21, ("mentions",)),
    16: Table("mentions", "GDELT Mentions table (one row per article mentioning an event; no actor names)",
              MENTIONS, ("mentions",)),
}

_SHAPES = {
    "events": (re.compile(r"^\d+$"), re.compile(r"^\d{8}$")),
    "gkg": (re.compile(r"^\d{14}-T?\d+$"), re.compile(r"^\d{14}$")),
    "mentions": (re.compile(r"^\d+$"), re.compile(r"^\d{14}$")),
}


def detect(text: str) -> Table | None:
    """The GDELT table a headerless tab-separated text holds, from its first lines; else None."""
    head = text[:400_000]
    lines = [ln.rstrip("\r") for ln in head.split("\n")[:51] if ln.strip()]
    if len(head) == 400_000 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    if not lines or "\t" not in lines[0]:
        return None
    counts = Counter(ln.count("\t") + 1 for ln in lines)
    width, seen = counts.most_common(1)[0]
    table = TABLES.get(width)
    if table is None or seen * 2 < len(lines):
        return None
    first_id, second = _SHAPES[table.key]

    def shaped(line: str) -> bool:
        fields = line.split("\t")
        return bool(first_id.match(fields[0]) and len(fields) > 1 and second.match(fields[1]))

    if not shaped(lines[0]):
        return None
    sample = [ln for ln in lines if ln.count("\t") + 1 == width]
    return table if sum(map(shaped, sample)) * 5 >= len(sample) * 4 else None


def identify_header(labels: list[str]) -> Table | None:
    """A GDELT table exported with a header row (BigQuery), from its column names."""
    names = {label.strip().lower() for label in labels}
    if {"globaleventid", "sqldate", "eventrootcode", "actor1name"} <= names:
        if "actor1geo_adm2code" in names:
            return TABLES[61]
        return TABLES[58] if "sourceurl" in names else TABLES[57]
    if {"gkgrecordid", "v2tone"} <= names or {"gkgrecordid", "tone"} <= names:
        return TABLES[27]
    if {"globaleventid", "mentiontimedate", "mentiondoctone"} <= names:
        return TABLES[16]
    return None


def convert(raw: RawTable, table: Table, kind: str) -> Converted:
    """The GDELT raw table as contract columns for `kind`; LoadError when it cannot be that kind."""
    if kind not in table.kinds:
        raise LoadError(
            "format-error",
            f"the file is a {table.name}. It can be loaded as {' or '.join(table.kinds)}, not as {kind}.",
        )
    index = label_index(raw.labels)
    needed = {
        ("events", "events"): ("GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor2Code", "Actor2Name",
                               "EventCode", "EventRootCode", "QuadClass", "GoldsteinScale"),
        ("events", "mentions"): ("GLOBALEVENTID", "Actor1Code", "Actor1Name", "NumMentions", "AvgTone", "DATEADDED"),
        ("gkg", "mentions"): ("DATE", "V2Tone"),
        ("mentions", "mentions"): ("GLOBALEVENTID", "MentionTimeDate", "MentionDocTone"),
    }[(table.key, kind)]
    missing = [n for n in needed if n.lower() not in index and not (n == "V2Tone" and "tone" in index)]
    if missing:
        raise LoadError("missing-label", f"the file looks like a {table.name} but has no column {', '.join(missing)}")

    def pieces():
        """(first row, rows, col) a piece at a time: col(name) is the piece's cells of a column
        (Nones when the file has none); the raw table is consumed as it goes (consume_pieces)."""
        for lo, n, piece in consume_pieces(raw, _PIECE_ROWS):
            def col(name: str, piece=piece, n: int = n) -> list[str | None]:
                i = index.get(name.lower())
                return piece_cells(piece, i) if i is not None else [None] * n

            yield lo, n, col
            del col, piece

    if table.key == "events" and kind == "events":
        return _events(raw, table, pieces())
    if table.key == "events":
        return _event_mentions(raw, table, pieces())
    if table.key == "gkg":
        return _gkg(raw, table, pieces(), index)
    return _mentions(raw, table, pieces())


_PIECE_ROWS = PIECE_ROWS  # rows converted at a time (their cells as Python strings)


def _tone(out: RowBuilder, i: int, column: str, cell) -> tuple[bool, str | None]:
    """(False, None) when the cell is no number (the row rejected), else (True, the clipped tone
    as text, or None for an empty cell)."""
    if not _text(cell):
        return True, None
    value = number(cell)
    if value is None:
        out.reject(i, column, cell, "type-error", f"{column} is not a number")
        return False, None
    return True, repr(clip_tone(value))


def _text(value: str | None) -> str:
    return value.strip() if value else ""


def _actor(name: str | None, code: str | None) -> str:
    return _text(name) or _text(code)


@functools.lru_cache(maxsize=1 << 16)  # values repeat: a batch shares its DATEADDED, an article its URL
def _source(url: str | None) -> tuple[str | None, str | None]:
    """(source, url): the domain of an http(s) link without www., or the text itself."""
    url = _text(url)
    if not url:
        return None, None
    parts = urlsplit(url) if url.lower().startswith(("http://", "https://")) else None
    host = parts.hostname if parts else None
    if not host:
        return url, None
    return host.removeprefix("www."), url


@functools.lru_cache(maxsize=1 << 16)
def _day(text: str) -> str | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


@functools.lru_cache(maxsize=1 << 16)
def _stamp(text: str) -> str | None:
    """YYYYMMDDHHMMSS (UTC) to ISO with Z; YYYYMMDD to a date."""
    if len(text) == 8:
        return _day(text)
    if len(text) != 14 or not text.isdigit():
        return None
    try:
        moment = dt.datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:]))
    except ValueError:
        return None
    return moment.isoformat() + "Z"


def _date_reason(name: str, text: str, layout: str) -> str:
    if len(text) == len(layout) and text.isdigit():
        month, day = int(text[4:6]), int(text[6:8])
        if not 1 <= month <= 12:
            return f"{name} must be a real date written {layout}: month {month} does not exist"
        if len(text) == 8 or not _day(text[:8]):
            return f"{name} must be a real date written {layout}: {text[:4]}-{month:02d} has no day {day}"
        return f"{name} must be a real date and time written {layout}: the time of day is impossible"
    return f"{name} must be a date written {layout}"


def _events(raw: RawTable, table: Table, pieces) -> Converted:
    extras = ("EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "NumMentions", "NumSources",
              "NumArticles", "AvgTone", "Actor1Code", "Actor2Code", "ActionGeo_FullName", "ActionGeo_CountryCode",
              "DATEADDED")
    labels = ["id", "date", "actor", "target", "event_type", "severity", "headline", "source", "url", *extras]
    out = RowBuilder(raw, labels)
    unidentified = 0
    by_quad = 0
    for lo, n, col in pieces:
        ids, sqldate = col("GLOBALEVENTID"), col("SQLDATE")
        a1c, a1n, a2c, a2n = col("Actor1Code"), col("Actor1Name"), col("Actor2Code"), col("Actor2Name")
        code, root, quad, goldstein = col("EventCode"), col("EventRootCode"), col("QuadClass"), col("GoldsteinScale")
        place, url = col("ActionGeo_FullName"), col("SOURCEURL")
        extra_cells = [col(e) for e in extras]
        for j in range(n):
            i = lo + j
            gid = _text(ids[j])
            if not gid.isdigit():
                out.reject(i, "GLOBALEVENTID", ids[j], "type-error", "GLOBALEVENTID must be a whole number")
                continue
            day = _day(_text(sqldate[j]))
            if day is None:
                out.reject(i, "SQLDATE", sqldate[j], "type-error", _date_reason("SQLDATE", _text(sqldate[j]), "YYYYMMDD"))
                continue
            q = _text(quad[j])
            if q not in QUAD_CLASSES:
                out.reject(i, "QuadClass", quad[j], "constraint-error", "QuadClass must be 1, 2, 3 or 4")
                continue
            r = _text(root[j])
            if r:
                if r not in CAMEO_ROOTS:
                    out.reject(i, "EventRootCode", root[j], "constraint-error", "not a CAMEO root code (01 to 20, two digits)")
                    continue
                action, event_type = CAMEO_ROOTS[r]
            else:
                action, event_type = QUAD_CLASSES[q]
                by_quad += 1
            actor = _actor(a1n[j], a1c[j])
            if not actor:
                actor = UNIDENTIFIED
                unidentified += 1
            target = _actor(a2n[j], a2c[j]) or None
            where = _text(place[j])
            event_code = _text(code[j])
            headline = (
                f"{actor}{' → ' + target if target else ''}: {action}"
                + (f" (CAMEO {event_code})" if event_code else "")
                + (f" in {where}" if where else "")
            )
            source, link = _source(url[j])
            out.add(i, [gid, day, actor, target, event_type, goldstein[j], headline, source, link,
                        *(c[j] for c in extra_cells)])
    notes = [
        "event_type from the CAMEO root code and severity = GoldsteinScale (see docs/formats.md for the table); "
        "headlines are made from the actors, the CAMEO root and the place"
    ]
    if unidentified:
        notes.append(f"{plural(unidentified, 'event')} had no Actor1 (name or code): filed under the actor {UNIDENTIFIED!r}")
    if by_quad:
        notes.append(f"{plural(by_quad, 'event')} had no EventRootCode: event_type taken from QuadClass")
    built = out.build(f"{table.name} ({raw.file_format})", notes)
    sources = {"id": "GLOBALEVENTID", "date": "SQLDATE", "severity": "GoldsteinScale", "actor": "Actor1Name",
               "target": "Actor2Name", "source": "SOURCEURL", "url": "SOURCEURL"}
    return Converted(built, sources)


def _event_mentions(raw: RawTable, table: Table, pieces) -> Converted:
    labels = ["date", "actor", "tone", "count", "source", "url", "GLOBALEVENTID", "target", "EventCode", "GoldsteinScale", "AvgTone"]
    out = RowBuilder(raw, labels)
    unidentified = 0
    for lo, n, col in pieces:
        ids, a1c, a1n = col("GLOBALEVENTID"), col("Actor1Code"), col("Actor1Name")
        added, mentions, tone, url = col("DATEADDED"), col("NumMentions"), col("AvgTone"), col("SOURCEURL")
        target_c, target_n, code, goldstein = col("Actor2Code"), col("Actor2Name"), col("EventCode"), col("GoldsteinScale")
        for j in range(n):
            i = lo + j
            stamp = _stamp(_text(added[j]))
            if stamp is None:
                out.reject(i, "DATEADDED", added[j], "type-error",
                           _date_reason("DATEADDED", _text(added[j]), "YYYYMMDDHHMMSS" if len(_text(added[j])) > 8 else "YYYYMMDD"))
                continue
            known, t = _tone(out, i, "AvgTone", tone[j])
            if not known:
                continue
            actor = _actor(a1n[j], a1c[j])
            if not actor:
                actor = UNIDENTIFIED
                unidentified += 1
            source, link = _source(url[j])
            out.add(i, [stamp, actor, t, mentions[j], source, link, ids[j], _actor(target_n[j], target_c[j]) or None,
                        code[j], goldstein[j], tone[j]])
    notes = ["one mention row per event, dated DATEADDED (when GDELT saw the articles), count = NumMentions, "
             "actor = Actor1, tone = clip(AvgTone / 10, −1, 1)"]
    if unidentified:
        notes.append(f"{plural(unidentified, 'event')} had no Actor1 (name or code): filed under the actor {UNIDENTIFIED!r}")
    built = out.build(f"{table.name} ({raw.file_format}), read as mentions", notes)
    return Converted(built, {"date": "DATEADDED", "count": "NumMentions", "tone": "AvgTone", "actor": "Actor1Name",
                             "source": "SOURCEURL", "url": "SOURCEURL"})


V2TONE_PARTS = (6, 7)


def _names(enhanced: str | None, plain: str | None) -> list[str]:
    """Names from a V2 enhanced list ("Name,offset;...") or a V1 list ("name;name")."""
    if enhanced is not None and _text(enhanced):
        return [part.rsplit(",", 1)[0].strip() for part in enhanced.split(";") if part.strip()]
    if plain is not None and _text(plain):
        return [part.strip() for part in plain.split(";") if part.strip()]
    return []


def _gkg(raw: RawTable, table: Table, pieces, index: dict[str, int]) -> Converted:
    tone_label = "V2Tone" if "v2tone" in index else "Tone"
    out = RowBuilder(raw, ["date", "actor", "tone", "source", "url", "GKGRECORDID"])
    several = 0
    no_tone = 0
    for lo, n, col in pieces:
        date, tone_cells = col("DATE"), col("V2Tone") if "v2tone" in index else col("Tone")
        persons, persons1 = col("V2Persons"), col("Persons")
        orgs, orgs1 = col("V2Organizations"), col("Organizations")
        source, doc, record_id = col("SourceCommonName"), col("DocumentIdentifier"), col("GKGRECORDID")
        for j in range(n):
            i = lo + j
            stamp = _stamp(_text(date[j])) if len(_text(date[j])) == 14 else None
            if stamp is None:
                out.reject(i, "DATE", date[j], "type-error", _date_reason("DATE", _text(date[j]), "YYYYMMDDHHMMSS"))
                continue
            t = None
            raw_tone = _text(tone_cells[j])
            if raw_tone:
                parts = raw_tone.split(",")
                values = [number(p) for p in parts]
                if len(parts) not in V2TONE_PARTS or any(v is None for v in values):
                    out.reject(i, tone_label, tone_cells[j], "type-error",
                               f"{tone_label} must hold 6 or 7 comma-separated numbers (tone, positive, negative, polarity, "
                               f"activity density, self/group density[, word count]); it holds {len(parts)} "
                               + ("values" if all(v is not None for v in values) else "values, not all numbers"))
                    continue
                first = values[0]
                assert first is not None  # every value is a number here: checked above
                t = repr(clip_tone(first))
            else:
                no_tone += 1
            found: dict[str, str] = {}
            for name in _names(persons[j], persons1[j]) + _names(orgs[j], orgs1[j]):
                found.setdefault(actor_key(name), name)
            if not found:
                out.reject(i, "V2Persons", "", "constraint-error",
                           "the article names no person or organisation (V2Persons, V2Organizations, Persons and "
                           "Organizations are all empty), so it cannot be filed under an actor")
                continue
            if len(found) > 1:
                several += 1
            s = _text(source[j]) or None
            d = _text(doc[j]) or None
            out.add(i, [stamp, ACTOR_SEPARATOR.join(found.values()), t, s, d, record_id[j]])
    notes = ["one mention row per person or organisation an article names (V2Persons, V2Organizations), dated DATE, "
             f"tone = clip(first {tone_label} number / 10, −1, 1)"]
    if no_tone:
        notes.append(f"{plural(no_tone, 'article')} had an empty {tone_label}: their tone is missing")
    built = out.build(f"{table.name.split(' (')[0]} ({raw.file_format})", notes)
    return Converted(built, {"date": "DATE", "tone": tone_label, "actor": "V2Persons", "source": "SourceCommonName",
                             "url": "DocumentIdentifier"}, explode_actors=True, what="articles")


def _mentions(raw: RawTable, table: Table, pieces) -> Converted:
    out = RowBuilder(raw, ["date", "actor", "tone", "source", "url", "GLOBALEVENTID", "EventTimeDate", "MentionType", "Confidence"])
    for lo, n, col in pieces:
        ids, when, event_time = col("GLOBALEVENTID"), col("MentionTimeDate"), col("EventTimeDate")
        tone, source, ident = col("MentionDocTone"), col("MentionSourceName"), col("MentionIdentifier")
        mtype, confidence = col("MentionType"), col("Confidence")
        for j in range(n):
            i = lo + j
            gid = _text(ids[j])
            if not gid.isdigit():
                out.reject(i, "GLOBALEVENTID", ids[j], "type-error", "GLOBALEVENTID must be a whole number")
                continue
            stamp = _stamp(_text(when[j])) if len(_text(when[j])) == 14 else None
            if stamp is None:
                out.reject(i, "MentionTimeDate", when[j], "type-error",
                           _date_reason("MentionTimeDate", _text(when[j]), "YYYYMMDDHHMMSS"))
                continue
            known, t = _tone(out, i, "MentionDocTone", tone[j])
            if not known:
                continue
            s = _text(source[j]) or None
            link = _text(ident[j])
            out.add(i, [stamp, f"GDELT event {gid}", t, s, link if link.lower().startswith(("http://", "https://")) else None,
                        gid, event_time[j], mtype[j], confidence[j]])
    notes = ["the Mentions table names no actors: each mention is filed under its event ('GDELT event <GLOBALEVENTID>'); "
             "load the matching Events export to see who acted. Dated MentionTimeDate, tone = clip(MentionDocTone / 10, −1, 1)"]
    built = out.build(f"{table.name.split(' (')[0]} ({raw.file_format})", notes)
    return Converted(built, {"date": "MentionTimeDate", "tone": "MentionDocTone", "source": "MentionSourceName",
                             "url": "MentionIdentifier"})
