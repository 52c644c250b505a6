"""The events screen (native_events.screen_events) answers exactly as validate.py: the same
rows in the same order (by date, then record), the same report — on clean files it takes, on
dirty ones whose suspects validate.py decides, and on the ones it leaves to validate.py."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loading import load_bytes, native_events


def _general(data: bytes):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(native_events, "screen_events", lambda *a, **k: None)
        return load_bytes(data, "events")


def _screened(data: bytes):
    """load_bytes, and whether the screen answered (not None)."""
    answered = []
    real = native_events.screen_events

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        answered.append(out is not None)
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(native_events, "screen_events", spy)
        return load_bytes(data, "events"), answered == [True]


def _assert_same(data: bytes) -> bool:
    fast, took = _screened(data)
    slow = _general(data)
    a, b = fast.report, slow.report
    assert (a.error and a.error.message) == (b.error and b.error.message)
    assert (a.rows_read, a.loaded, a.rejected, a.unlisted_rejections) == (b.rows_read, b.loaded, b.rejected, b.unlisted_rejections)
    assert a.rejections == b.rejections
    assert a.notes == b.notes and a.columns == b.columns
    assert (fast.table is None) == (slow.table is None)
    if fast.table is not None:
        assert fast.table.schema == slow.table.schema
        assert fast.table.equals(slow.table), (fast.table.slice(0, 4).to_pylist(), slow.table.slice(0, 4).to_pylist())
    return took


CLEAN = "".join(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},Actor {i % 7},headline {i}\n" for i in range(300))

# (name, file, whether the screen answers: True, or leaves the file to validate.py: False)
CASES = [
    ("date-only dates, unsorted", "date,actor,headline\n" + CLEAN, True),
    ("UTC times with fractions", "date,actor,headline\n2024-01-02T10:00:00.5Z,A,x\n2024-01-01T23:59:59Z,B,y\n"
     "2024-01-01T23:59:59.000001Z,B,y\n", True),
    ("every contract column but retracts, and an extra one",
     "date,actor,target,event_type,severity,headline,source,url,id,note\n"
     "2024-01-02,A,B,Threat,,Talks end,S,http://u,ev1,n1\n"
     "2024-01-01,B,,statement,-2.5,Said it,,,,\n"
     "2024-01-01,C,A,,3,Did it,S,,,x\n"
     "2024-01-03,A,B,action,-0,Moved,,,ev4,\n", True),
    ("suspects: spaces, NFC, an unknown type, a bad severity, an empty actor, a NUL",
     "date,actor,event_type,severity,headline\n"
     "2024-01-02, A,threat,,x\n2024-01-01,Cafe\u0301,policy,1,y\n2024-01-03,B,riot,,z\n"
     "2024-01-04,B,,11,w\n2024-01-05,B,,abc,w\n2024-01-06,B,,na,v\n2024-01-07,,other,,u\n"
     "2024-01-08,B,\u0131other,,t\n2024-01-09,B\x00,other,,s\n2024-01-10,B,OTHER,+2,r\n" + "2024-02-01,Z,other,0.5,q\n" * 1,
     True),
    ("repeats: derived and given ids", "date,actor,headline\n2024-01-02,A,x\n2024-01-01,B,y\n2024-01-02,A,x\n2024-01-02,A,x\n", True),
    ("repeated ids", "date,actor,headline,id\n2024-01-02,A,x,1\n2024-01-01,B,y,1\n2024-01-03,C,z,\n2024-01-03,C,z,\n", True),
    ("a suspect that loads as a screened row: both validated, the later one a duplicate",
     "date,actor,headline\n2024-01-02,A,x\n2024-01-02,A ,x\n2024-01-03,B,y\n", True),
    ("a suspect whose severity was set, as a screened row's: a duplicate of it",
     "date,actor,event_type,severity,headline\n2024-01-02,A,threat,,x\n2024-01-02,A, threat,,x\n2024-01-03,B,other,1,y\n", True),
    ("a suspect with the severity a screened row's type sets: loaded",
     "date,actor,event_type,severity,headline\n2024-01-02,A,threat,,x\n2024-01-02,A, threat,-6,x\n", True),
    ("a suspect repeating a screened row's id: rejected, the screened row first",
     "date,actor,headline,id\n2024-01-02,A,x,k1\n2024-01-03,B,y, k1\n2024-01-04,C,z,k2\n", True),
    ("years the screen leaves to the validator", "date,actor,headline\n0999-01-01,A,x\n2024-01-01,B,y\n", True),
    ("an empty date", "date,actor,headline\n,A,x\n2024-01-01,B,y\n", True),
    ("a date of another shape: a suspect", "date,actor,headline\n2024-01-01 10:00,A,x\n2024-01-01,B,y\n", True),
    ("no real date: a suspect", "date,actor,headline\n2024-02-30,A,x\n", True),
    ("a retracts column: a valid pair", "date,actor,headline,id,retracts\n2024-01-01,A,x,1,\n2024-01-02,A,y,2,1\n", True),
]

_R = "date,actor,headline,id,retracts\n"

# Files with a retracts column: the graph checked over every loaded row as validate.py checks it (name, file)
RETRACTS = [
    ("valid pairs, unsorted", _R + "2024-01-03,A,x,c2,\n2024-01-02,A,y,r1,c1\n2024-01-01,B,z,c1,\n2024-01-04,B,w,r2,c2\n"),
    ("a self-retraction", _R + "2024-01-01,A,x,1,\n2024-01-02,A,y,2,2\n2024-01-03,B,z,3,1\n"),
    ("a 2-cycle", _R + "2024-01-01,A,x,a,b\n2024-01-01,A,y,b,a\n2024-01-03,B,z,c,\n"),
    ("a 3-cycle and a chain into it", _R + "2024-01-01,A,x,a,b\n2024-01-01,A,y,b,c\n2024-01-01,B,z,c,a\n"
     "2024-01-02,B,w,d,a\n2024-01-03,B,v,e,\n"),
    ("a retraction dated before its claim", _R + "2024-01-05,A,x,c1,\n2024-01-02,A,y,r1,c1\n2024-01-06,B,z,r2,c1\n"),
    ("ids not in the file, more than five", _R + "".join(f"2024-01-{1 + i:02d},A,h{i},i{i},gone{9 - i}\n" for i in range(9))
     + "2024-02-01,B,z,k,i0\n"),
    ("retracts naming a rejected row", _R + "2024-02-30,A,x,c1,\n2024-01-02,A,y,r1,c1\n2024-01-03,B,z,c2,\n"),
    ("retracts naming a duplicate row's id: the first of the id is the claim",
     _R + "2024-01-01,A,x,c1,\n2024-01-05,A,y,c1,\n2024-01-03,B,z,r1,c1\n"),
    ("a retracting suspect and a suspect claim", _R + "2024-01-01, A,x,c1,\n2024-01-02,A,y,r1,c1\n"
     "2024-01-01,B,z,c2,\n2024-01-02, B,w,r2,c2\n2024-01-02,C,v,r3, c2\n2024-01-01,C ,u,r4,r4\n"),
    ("a rejected suspect that retracts", _R + "2024-01-01,A,x,c1,\n2024-02-30,A,y,r1,c1\n2024-01-01,,z,r2,r2\n"),
    ("empty retracts only", _R + "2024-01-01,A,x,1,\n2024-01-02,A,y,2,\n"),
    ("derived ids and a self-retraction of a suspect severity", "date,actor,event_type,severity,headline,retracts\n"
     "2024-01-01,A,threat,,x,\n2024-01-02,A,threat,,y,zz\n2024-01-02,A,threat, 2,y,q\n"),
    ("given and derived ids, refused rows with defaulted severity",
     "date,actor,event_type,headline,id,retracts\n2024-01-01,A,threat,x,,\n2024-01-02,A,threat,y,s,s\n"
     "2024-01-02,A, threat,y,t,t\n2024-01-03,A,threat,z,,t\n"),
]


@pytest.mark.parametrize("name, text", RETRACTS, ids=[c[0] for c in RETRACTS])
def test_screen_events_checks_retractions_as_validate(name, text):
    assert _assert_same(text.encode()) is True


@pytest.mark.parametrize("name, text, screened", CASES, ids=[c[0] for c in CASES])
def test_screen_events_loads_what_validate_loads(name, text, screened):
    assert _assert_same(text.encode()) is screened


def test_screen_events_loads_a_clean_file_without_validate(monkeypatch):
    # No suspect, no repeat: validate.py is never called.
    monkeypatch.setattr(native_events, "validate", lambda *a, **k: pytest.fail("validate called"))
    result = load_bytes(("date,actor,headline\n" + CLEAN).encode(), "events")
    assert result.report.loaded == 300 and result.report.rejected == 0
    assert result.table.column("date").to_pylist() == sorted(result.table.column("date").to_pylist())


def _mixed_dates(n: int) -> str:
    """n rows of plain dates with a dirty one every seventh: another shape, no real date, a time
    without a zone, an epoch number, an offset out of range, an empty cell."""
    dirty = ["2024-01-01 10:00", "2024-02-30", "2024-03-01T10:00:00", "1709164800", "2024-03-01T10:00:00+15:00",
             "", "01/03/2024", "0000-01-01", "2024-13-01", "2024-03-01T24:00:00Z"]
    rows = []
    for i in range(n):
        date = dirty[(i // 7) % len(dirty)] if i % 7 == 3 else f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rows.append(f"{date},Actor {i % 5},headline {i}\n")
    return "date,actor,headline\n" + "".join(rows)


# Dirty shapes the screen answers (it used to give up on the first two kinds): (name, file)
DIRTY = [
    ("bad date shapes mixed with good ones", _mixed_dates(300)),
    ("a year 0", "date,actor,headline\n0000-01-01,A,x\n2024-01-01,B,y\n"),
    ("times without a zone and epoch numbers: their notes",
     "date,actor,headline\n2024-01-01T10:00:00,A,x\n1709164800,B,y\n2024-01-02,C,z\n2024-01-03T10:00,D,w\n"),
    ("a suspect before the screened row it repeats: the screened one is the duplicate",
     "date,actor,headline\n2024-01-02,A ,x\n2024-01-03,B,y\n2024-01-02,A,x\n"),
    ("a suspect id before a screened row's: the screened one is rejected",
     "date,actor,headline,id\n2024-01-02,A,x, k1\n2024-01-03,B,y,k1\n2024-01-04,C,z,k2\n2024-01-05,D,w,k3\n"),
    ("a suspect repeating a screened row that repeats another",
     "date,actor,headline,id\n2024-01-02,A,x,k1\n2024-01-03,B,y,k1\n2024-01-04,C,z, k1\n2024-01-05,D,w,k2\n"),
    ("a rejected suspect with a screened row's id: the screened row loads",
     "date,actor,headline,id\n2024-01-02,A,x,k1\n2024-02-30,B,y,k1\n2024-01-04,C,z,k2\n"),
    ("a bad date on a repeated row", "date,actor,headline\n2024-01-02,A,x\n2024-01-02 00:00,A,x\n2024-01-03,B,y\n"),
    ("an unnamed column empty in the suspects alone: kept",
     "date,actor,headline,\n2024-01-02,A,x,n1\n2024-01-01 10:00,B,y,\n2024-01-03, C,z,\n2024-01-04,D,w,n4\n"),
    ("a named extra column empty in the suspects alone",
     "date,actor,headline,note\n2024-01-02,A,x,n1\n2024-02-30,B,y,\n2024-01-04,D,w,n4\n"),
    ("an unnamed column empty in every row: ignored",
     "date,actor,headline,\n2024-01-02,A,x,\n2024-01-01 10:00,B,y,\n2024-01-03, C,z,\n"),
    ("whole-row duplicates among suspects and screened rows",
     "date,actor,event_type,severity,headline\n2024-01-02,A,threat,,x\n2024-01-02,A,threat,,x\n"
     "2024-01-02 00:00,A,threat,,x\n2024-01-02,A,THREAT,-6,x\n2024-01-02,A,threat,-6,x\n2024-01-03,B,,,y\n"),
]


# Times without a zone, which validate.py reads as UTC with a note (the same count, first row and
# words from the screen, merged with the suspects' own): (name, file)
NAIVE = [
    ("zone-less times, space and T, with and without fractions",
     "date,actor,headline\n2024-01-02 10:00:00,A,x\n2024-01-01T23:59:59,B,y\n2024-01-01 00:00:00.5,C,z\n"
     "2024-01-01T12:34:56.123456,D,w\n2024-01-01 12:34:56.000001,E,v\n"),
    ("zone-less times among UTC times and dates alone",
     "date,actor,headline\n2024-01-02,A,x\n2024-01-01T10:00:00Z,B,y\n2024-01-01 10:00:00,C,z\n"
     "2024-01-01T10:00:00.25Z,D,w\n,E,v\n2024-03-01T00:00:00,F,u\n2024-01-01T10:00:00,G,t\n"),
    ("zone-less times among cells the screen leaves to validate.py",
     "date,actor,headline\n2024-01-02 10:00:00,A,x\n2024-01-01 10:00,B,y\n2024-02-30 10:00:00,C,z\n"
     "2024-01-01T24:00:00,D,w\n2024-01-01 10:00:00.1234567,E,v\n\"2024-01-01 10:00:00,5\",F,u\n2024-01-01T10:00:00z,G,t\n"
     "2024-01-01 10:00:00 UTC,H,s\n2024-01-01T10:00:00+02:00,I,r\n2024-01-01 10:60:00,J,q\n"
     "2024-01-01 10:00:00 ,K,p\n2024-01-01  10:00:00,L,o\n1709164800,M,n\n2024-01-03T10:00:00,N,m\n"),
    ("the first zone-less time a suspect's (loaded), the others screened",
     "date,actor,headline\n2024-01-05 10:00:00, A,x\n2024-01-01,B,y\n2024-01-02T10:00:00,C,z\n"),
    ("the first zone-less time a rejected suspect's",
     "date,actor,headline\n2024-01-05 10:00:00,,x\n2024-01-01,B,y\n2024-01-02T10:00:00,C,z\n"),
    ("a zone-less time repeated: the duplicate is counted as validate.py counts it",
     "date,actor,headline\n2024-01-02 10:00:00,A,x\n2024-01-03,B,y\n2024-01-02 10:00:00,A,x\n"),
    ("zone-less times with the text rules' and the epoch notes",
     "date,actor,headline\n2024-01-02 10:00:00,Cafe\u0301,x\n1709164800,B,y\n2024-01-03T10:00:00,C,z\n"
     "2024-01-04T10:00:00,D,w\n"),
    ("one zone-less time", "date,actor,headline\n2024-01-02,A,x\n2024-01-03T10:00:00,B,y\n"),
    ("a zone-less time of a year the screen leaves to validate.py",
     "date,actor,headline\n0999-01-01 10:00:00,A,x\n2024-01-03T10:00:00,B,y\n"),
]


# Times with a numeric offset, which validate.py reads as the local time less the offset (no note);
# the screen reads `THH:MM:SS[.ffffff]±HH:MM` within ±14:00 and leaves other offsets to validate.py,
# which rejects those out of range with its reason: (name, file)
OFFSETS = [
    ("offsets +, -, 00:00 and ±14:00, with and without fractions",
     "date,actor,headline\n2024-03-01T12:00:00+02:00,A,x\n2024-03-01T12:00:00-05:00,B,y\n2024-03-01T12:00:00+00:00,C,z\n"
     "2024-03-01T12:00:00-00:00,D,w\n2024-03-01T12:00:00+14:00,E,v\n2024-03-01T12:00:00-14:00,F,u\n"
     "2024-03-01T12:00:00.5+05:30,G,t\n2024-03-01T12:00:00.123456-09:45,H,s\n"),
    ("offsets among UTC times, zone-less times and dates alone",
     "date,actor,headline\n2024-01-02,A,x\n2024-01-01T10:00:00Z,B,y\n2024-01-01 10:00:00,C,z\n"
     "2024-01-01T10:00:00+01:00,D,w\n,E,v\n2024-01-01T10:00:00,F,u\n2024-01-01T09:00:00-01:00,G,t\n"),
    ("offsets out of range: rejected by validate.py with its reason",
     "date,actor,headline\n2024-03-01T12:00:00+02:00,A,x\n2024-03-01T12:00:00+14:01,B,y\n2024-03-01T12:00:00+99:99,C,z\n"
     "2024-03-01T12:00:00-23:60,D,w\n2024-03-01T12:00:00-15:00,E,v\n2024-03-01T12:00:00+13:59,F,u\n"),
    ("offsets of other forms the screen leaves to validate.py",
     "date,actor,headline\n2024-03-01T12:00:00+0530,A,x\n2024-03-01T12:00:00+02,B,y\n2024-03-01 12:00:00+02:00,C,z\n"
     "2024-03-01T12:00+02:00,D,w\n2024-03-01T12:00:00 +02:00,E,v\n2024-03-01T12:00:00.1234567+02:00,F,u\n"
     "2024-03-01T12:00:00+02:00,G,t\n"),
    ("a day crossed by the offset, Feb 29 and a year's end",
     "date,actor,headline\n2024-02-29T23:30:00-02:00,A,x\n2024-03-01T01:00:00+03:00,B,y\n2023-02-28T23:00:00-01:00,C,z\n"
     "2024-12-31T23:00:00-14:00,D,w\n2025-01-01T00:00:00+14:00,E,v\n2023-02-29T10:00:00+01:00,F,u\n"),
    ("an offset that takes the time out of the range validate.py holds",
     "date,actor,headline\n0001-01-01T00:00:00+01:00,A,x\n9999-12-31T23:00:00-02:00,B,y\n2024-01-01T10:00:00+01:00,C,z\n"),
    ("offsets with the zone-less note of other rows",
     "date,actor,headline\n2024-01-02T10:00:00+01:00,A,x\n2024-01-03 10:00:00,B,y\n2024-01-04T10:00:00, D,w\n"
     "2024-01-02T10:00:00+01:00,A,x\n"),
]


@pytest.mark.parametrize("name, text", OFFSETS, ids=[c[0] for c in OFFSETS])
def test_screen_events_reads_offset_times_as_validate(name, text):
    assert _assert_same(text.encode()) is True


def test_screen_events_reads_offset_times_without_validate(monkeypatch):
    # A file of offset times only: screened whole, converted to UTC, no note.
    monkeypatch.setattr(native_events, "validate", lambda *a, **k: pytest.fail("validate called"))
    zones = [f"{'+-'[i % 2]}{i % 15:02d}:{0 if i % 15 == 14 else i % 60:02d}" for i in range(300)]  # up to ±14:00
    text = "date,actor,headline\n" + "".join(
        f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00{'.5' if i % 3 else ''}{zones[i]},A{i % 5},h{i}\n" for i in range(300))
    result = load_bytes(text.encode(), "events")
    assert result.report.loaded == 300 and not any("time zone" in n for n in result.report.notes)
    cells = [line.split(",")[0] for line in text.splitlines()[1:]]
    expected = sorted(dt.datetime.fromisoformat(c).astimezone(dt.UTC).replace(tzinfo=None) for c in cells)
    assert result.table.column("date").to_pylist() == expected


@pytest.mark.parametrize("name, text", NAIVE, ids=[c[0] for c in NAIVE])
def test_screen_events_reads_times_without_a_zone_as_validate(name, text):
    assert _assert_same(text.encode()) is True


def test_screen_events_reads_zone_less_times_without_validate(monkeypatch):
    # A file of zone-less times only: screened whole, validate.py's note from the screen.
    monkeypatch.setattr(native_events, "validate", lambda *a, **k: pytest.fail("validate called"))
    text = "date,actor,headline\n" + "".join(
        f"2024-01-{1 + i % 28:02d}{' ' if i % 2 else 'T'}{i % 24:02d}:00:00{'.5' if i % 3 else ''},A{i % 5},h{i}\n"
        for i in range(300))
    result = load_bytes(text.encode(), "events")
    assert result.report.loaded == 300
    assert "300 dates have a time of day but no time zone; they were read as UTC (first at row 1)" in result.report.notes
    assert result.table.column("date").to_pylist()[0].isoformat() == "2024-01-01T00:00:00"


@pytest.mark.parametrize("name, text", DIRTY, ids=[c[0] for c in DIRTY])
def test_screen_events_answers_dirty_files_as_validate(name, text):
    assert _assert_same(text.encode()) is True


def test_screen_events_validates_only_the_suspects_and_the_rows_they_may_repeat(monkeypatch):
    # 300 rows, a dirty date every seventh, and a suspect id equal to a screened row's: validate.py
    # sees those rows and the screened row, never the whole file.
    text = _mixed_dates(300).replace("headline\n", "headline,id\n", 1)
    lines = text.splitlines()
    lines[1:] = [f"{line},k{i}" for i, line in enumerate(lines[1:])]
    lines[-1] = lines[-1].rsplit(",", 1)[0] + ", k0"  # a suspect (spaces) with row 1's id
    data = ("\n".join(lines) + "\n").encode()
    seen = []
    real = native_events.validate

    def spy(raw, *args, **kwargs):
        seen.append(raw.rows_read)
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(native_events, "validate", spy)
    assert _assert_same(data) is True
    # (a time without a zone, 2024-03-01T10:00:00, is screened: not among the suspects)
    dirty = sum(1 for i in range(300) if i % 7 == 3 and (i // 7) % 10 != 2)
    assert seen and max(seen) == dirty + 2, seen  # the dirty dates, the suspect id and the row it repeats


def test_screen_events_date_chunks_read_again_only_where_dirty():
    cells = pa.chunked_array([["2024-01-01", "2024-01-02T10:00:00Z"], ["2024-02-30", "", "2024-01-01 10:00", "2024-03-01"]])
    stamps, others = native_events._dates(cells)
    assert others.tolist() == [False, False, True, False, True, False]
    assert [None if x is None else x.isoformat() for x in stamps.cast(pa.timestamp("us")).to_pylist()] == [
        "2024-01-01T00:00:00", "2024-01-02T10:00:00", None, None, None, "2024-03-01T00:00:00"]


_DATE_CELLS = ["2024-01-02", "2024-01-01", "2024-01-01T10:00:00Z", "2024-01-01 10:00", "2024-02-30", "", "1709164800",
               "2024-01-01T10:00:00", "0999-12-31", "2024-01-01 10:00:00", "2024-01-02 10:00:00.5", "2024-01-01T10:00:00.000001",
               "2024-02-30 10:00:00", "2024-01-01 10:00:00.1234567", "2024-01-01T24:00:00",
               "2024-01-01T10:00:00+02:00", "2024-01-01T08:00:00.5-00:00", "2024-01-01T23:00:00-14:00", "2024-01-01T10:00:00+14:01",
               "2024-01-01T10:00:00+99:99", "2024-01-01T10:00:00-23:60", "2024-01-01T10:00:00+0200"]
_ACTOR_CELLS = ["A", "B", "A ", "", "Cafe\u0301", "Café"]
_ID_CELLS = ["k1", "k2", " k1", "", "k3"]
_TYPE_CELLS = ["", "threat", " threat", "THREAT", "riot", "other"]
_SEVERITY_CELLS = ["", "-6", "1", "abc", " 2", "11"]
_RETRACTS_CELLS = ["", "", "k1", "k2", " k1", "k3", "gone"]  # (ids of the file, one with spaces, one not in it)


@st.composite
def _dirty_events(draw):
    """A small events file: some optional columns, cells from small sets of good and dirty ones
    (so ids and whole rows repeat, across suspects and screened rows)."""
    optional = draw(st.lists(st.sampled_from(["id", "event_type", "severity", "note", "", "retracts"]), unique=True))
    header = ["date", "actor", "headline"] + optional
    cells = {"date": _DATE_CELLS, "actor": _ACTOR_CELLS, "headline": ["x", "y", "x "], "id": _ID_CELLS,
             "event_type": _TYPE_CELLS, "severity": _SEVERITY_CELLS, "note": ["", "n"], "": ["", "m"],
             "retracts": _RETRACTS_CELLS}
    rows = draw(st.lists(st.tuples(*[st.sampled_from(cells[name]) for name in header]), min_size=1, max_size=12))
    return (",".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows)).encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dirty_events())
def test_screen_events_equals_validate_on_random_dirty_files(data):
    # (rows read = loaded + rejected: the screen's report checks it, and equals validate.py's)
    assert _assert_same(data) is True


def test_screen_events_lists_refused_retractions_within_the_cap_as_validate(monkeypatch):
    # Rejected suspects (an empty actor) and refused self-retractions, listed to a cap of 3: the
    # same first three (by row, then column) and the same count of unlisted ones.
    import dataclasses

    from dashboard.loading.load_report import LoadLimits

    limits = dataclasses.replace(LoadLimits(), max_listed_rejections=3)
    data = ("date,actor,headline,id,retracts\n" + "".join(
        f"2024-01-01,,x,{i},\n" if i % 3 == 0 else f"2024-01-02,A,y{i},{i},{i}\n" for i in range(10))).encode()
    answered = []
    real = native_events.screen_events
    monkeypatch.setattr(native_events, "screen_events", lambda *a, **k: answered.append(real(*a, **k)) or answered[-1])
    fast = load_bytes(data, "events", limits)
    monkeypatch.setattr(native_events, "screen_events", lambda *a, **k: None)
    slow = load_bytes(data, "events", limits)
    assert answered and answered[0] is not None
    a, b = fast.report, slow.report
    assert a.rejections == b.rejections and [(r.record, r.column) for r in a.rejections] == [
        (1, "actor"), (2, "retracts"), (3, "retracts")]
    assert (a.unlisted_rejections, a.rejected, a.loaded, a.notes) == (b.unlisted_rejections, b.rejected, b.loaded, b.notes)
    assert (a.unlisted_rejections, a.rejected) == (7, 10)
    assert fast.table.equals(slow.table)
