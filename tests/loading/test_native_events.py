"""The events screen (native_events.screen_events) answers exactly as validate.py: the same
rows in the same order (by date, then record), the same report — on clean files it takes, on
dirty ones whose suspects validate.py decides, and on the ones it leaves to validate.py."""

from __future__ import annotations

import pytest

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
    ("a retracts column: left to validate.py", "date,actor,headline,id,retracts\n2024-01-01,A,x,1,\n2024-01-02,A,y,2,1\n", False),
]


@pytest.mark.parametrize("name, text, screened", CASES, ids=[c[0] for c in CASES])
def test_screen_events_loads_what_validate_loads(name, text, screened):
    assert _assert_same(text.encode()) is screened


def test_screen_events_loads_a_clean_file_without_validate(monkeypatch):
    # No suspect, no repeat: validate.py is never called.
    monkeypatch.setattr(native_events, "validate", lambda *a, **k: pytest.fail("validate called"))
    result = load_bytes(("date,actor,headline\n" + CLEAN).encode(), "events")
    assert result.report.loaded == 300 and result.report.rejected == 0
    assert result.table.column("date").to_pylist() == sorted(result.table.column("date").to_pylist())
