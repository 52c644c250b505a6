"""The Arrow read of zoned local times (`_zoned_local_times`) against the per-cell reader it
replaces: every cell must come out as `_one` reads it, DST edges included."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.loading.formats import dates
from dashboard.loading.formats.dates import DateReader, _attempt, _clean, _one, check_timezone

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]

# Instants near the DST changes of those zones, as local wall-clock text.
EDGES = [
    "2021-03-28 02:30:00", "2021-10-31 02:30:00", "2021-03-14 02:30:00", "2021-11-07 01:30:00",
    "2021-04-04 01:45:00", "2021-10-03 02:15:00", "2021-04-04 01:30:00", "2021-10-03 02:00:00",
    "2020-02-29 12:00:00", "2021-02-29 12:00:00", "2021-02-30 00:00:00", "0999-01-01 00:00:00",
]


def _oracle(cells, timezone):
    tz = check_timezone(timezone)
    values, errors = [], {}
    for i, cell in enumerate(cells):
        text = _clean(cell)
        if not text:
            values.append(None)
            continue
        value, error = _attempt(lambda text=text: _one(text, None, tz, declared=False))
        values.append(value)
        if error is not None:
            errors[i] = error
    return values, errors


local = st.builds(
    lambda d, h, m, s: f"{d:%Y-%m-%d} {h:02d}:{m:02d}:{s:02d}",
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
)
cell = st.one_of(
    local, st.sampled_from(EDGES), st.sampled_from(["", " ", None, " 2021-03-28 02:30:00", "2021-03-28T02:30:00",
                                                    "2021-03-28 02:30:00Z", "2021-03-28", "2021-03-28 24:00:00"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, max_size=30), st.sampled_from(ZONES))
def test_arrow_read_equals_the_per_cell_reader(cells, timezone):
    read = DateReader(None, timezone).read(cells)
    values, errors = _oracle(cells, timezone)
    assert read.values == values
    assert read.errors == errors


def test_dst_edges_exactly():
    cells = EDGES * 2
    for timezone in ZONES:
        read = DateReader(None, timezone).read(cells)
        assert read.values == _oracle(cells, timezone)[0]
    # the hour Paris's clocks go back: the first 02:30 (summer time, +02:00)
    assert DateReader(None, "Europe/Paris").read(["2021-10-31 02:30:00"]).values == ["2021-10-31T00:30:00Z"]
    # a time in the spring gap is read as Python reads it (the offset before the change)
    assert DateReader(None, "Europe/Paris").read(["2021-03-28 02:30:00"]).values == ["2021-03-28T01:30:00Z"]


def test_the_arrow_path_is_taken(monkeypatch):
    calls = []
    real = dates._one
    monkeypatch.setattr(dates, "_one", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    read = DateReader(None, "Europe/Paris").read(["2021-01-01 00:00:01", "2021-03-28 02:30:00"])
    assert read.values == ["2020-12-31T23:00:01Z", "2021-03-28T01:30:00Z"]
    assert calls == ["2021-03-28 02:30:00"]  # only the gap's time went cell by cell


def _load(cells, timezone, arrow):
    from dashboard.loading import load_bytes

    with pytest.MonkeyPatch.context() as m:
        if not arrow:
            m.setattr(dates, "_zoned_local_times", lambda *a: None)
        text = "date,actor,count\n" + "".join(f"{c or ''},A{i % 3},{i % 5 + 1}\n" for i, c in enumerate(cells))
        return load_bytes(text.encode(), "mentions", timezone=timezone)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(local, st.sampled_from(EDGES), st.sampled_from(["", "2021-03-28", "x"])), max_size=20),
       st.sampled_from(ZONES))
def test_load_bytes_with_a_timezone_is_unchanged(cells, timezone):
    cells = EDGES + cells  # every zone's DST edges in each load
    fast, slow = _load(cells, timezone, True), _load(cells, timezone, False)
    assert (fast.table is None) == (slow.table is None)
    if fast.table is not None:
        assert fast.table.equals(slow.table)
    assert fast.report == slow.report
