"""validate reads the raw table in pieces (validation.PIECE_ROWS rows at a time) and the import
options read a date column in pieces (mapping.PIECE_ROWS, with a bounded cache of readings,
dates.CACHE_CELLS): the loaded table and the report must be the same whatever the piece size —
the same rows in the same order, the same rejections (row, line, column, value, reason), the
same notes in the same order (issue 14: bounded memory without a changed result).

Each case is loaded with pieces of a few rows (duplicates, retractions, rejections and the
first rows of the notes then fall in different pieces) and with one piece, and the two compared.
"""

from __future__ import annotations

import csv
import io
import os

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loading import DEFAULT_LIMITS, load_bytes, validation
from dashboard.loading.formats import dates, mapping
from dashboard.loading.parse import parse_text
from dashboard.loading.raw import RawTable
from dashboard.loading.validation import validate

HYPOTHESIS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
WHOLE = 10**9  # a piece size no test table reaches: one piece (even: the loaded table not spooled)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def report_of(report) -> dict:
    return {
        "rows_read": report.rows_read, "loaded": report.loaded, "rejected": report.rejected,
        "unlisted": report.unlisted_rejections, "rejections": list(report.rejections), "notes": list(report.notes),
        "columns": list(report.columns), "format": report.file_format,
        "error": None if report.error is None else (report.error.code, report.error.message),
    }


def validated(monkeypatch, text: str, kind: str, piece_rows: int, *, consume: bool = True, split=None, limits=DEFAULT_LIMITS):
    monkeypatch.setattr(validation, "PIECE_ROWS", piece_rows)
    # pieces of an odd size: the loaded table also goes through the file (validation._spool)
    monkeypatch.setattr(validation, "SPOOL_ROWS", 0 if piece_rows % 2 else 10**9)
    raw = parse_text(text, limits)
    if split is not None:  # the raw table in chunks of these sizes (an empty one among them)
        table, at, parts = raw.table, 0, []
        for size in split:
            parts.append(table.slice(at, size))
            at += size
        parts.append(table.slice(at))
        raw = RawTable(raw.labels, pa.concat_tables(parts), raw.rows_read, raw.file_format, raw.rejections, raw.notes,
                       raw.unlisted)
    table, report = validate(raw, kind, limits, consume=consume, keep_record=True)
    if consume:
        assert raw.table.num_rows == 0  # let go, as the callers rely on
    return table, report_of(report)


def assert_same_in_pieces(monkeypatch, text: str, kind: str, sizes=(1, 3, 5, 7), **kw) -> None:
    whole_table, whole_report = validated(monkeypatch, text, kind, WHOLE, **kw)
    assert whole_report["rows_read"] == whole_report["loaded"] + whole_report["rejected"]
    for size in sizes:
        table, report = validated(monkeypatch, text, kind, size, **kw)
        assert report == whole_report, size
        assert table.equals(whole_table), size
        assert table.schema.equals(whole_table.schema, check_metadata=True)


EVENTS_HEADER = ["date", "actor", "headline", "id", "retracts", "event_type", "severity", "note"]
EVENTS_ROWS = [
    ["2021-01-03", "A", "h1", "e1", "", "protest", "", "x"],           # severity defaulted
    ["2021-01-02", "B\u00a0", "h2", "", "", "", "0.5", ""],            # normalised actor, derived id
    ["yesterday", "C", "h3", "e3", "", "", "", ""],                    # not a date
    ["2021-01-01T10:00", "A", "h4", "e1", "", "", "", ""],             # id repeats row 1; naive time
    ["2021-01-05", "A", "h5", "e5", "e1", "", "", ""],                 # a retraction of e1
    ["2021-01-01", "A", "h6", "e6", "e5", "", "", ""],                 # dated before its claim: refused
    ["2021-01-02", "B\u00a0", "h2", "", "", "", "0.5", ""],            # the same as row 2: duplicate-row
    ["2021-01-07", "C", "h8", "e8", "e8", "", "", ""],                 # self-retraction
    ["1609459200", "D", "h9", "", "", "", "", ""],                     # epoch seconds
    ["2021-01-09T00:00:00+05:30", "E", "h10", "e10", "zz", "", "", ""],  # dangling retracts
    ["", "F", "h11", "", "", "", "", ""],                              # date missing
    ["2021-01-10", "G\u200b", "h12", "", "", "", "x", ""],             # zero width; severity not a number
    ["2021-01-11", "H", "h13", "e13", "e14", "", "", ""],              # a cycle with the next row
    ["2021-01-11", "H", "h14", "e14", "e13", "", "", ""],
    ["2021-01-12", "I", "", "", "", "", "-1", ""],                     # headline missing; severity out of range
    ["2021-01-13T05:00:00+99:00", "J", "h16", "", "", "", "", ""],     # an offset that is not one
    ["2021-01-14 08:00", "K", "h17", "e17", "", "riot", "", ""],       # naive; severity defaulted
    ["2021-01-03", "A", "h1", "e1", "", "protest", "", "x"],           # row 1 again: its id repeats
]
MENTIONS_HEADER = ["date", "actor", "tone", "count", "text", "extra"]
MENTIONS_ROWS = [
    ["2021-01-02", "A", "0.5", "2", "", "x"],
    ["2021-01-01 10:00", "B", "", "", "", ""],        # naive time; tone and count missing
    ["2021-01-01", "C", "1,5", "1", "", ""],          # a decimal comma
    ["2021-01-03", "D", "2", "-1.5", "", ""],         # tone out of range; count negative and not whole
    ["2021-01-03", "\u200b", "0", "1", "", ""],       # an actor of only a zero-width space
    ["2021-02-30", "E", "0", "1", "", ""],            # not a real date
    ["2021-01-04", "F\u00a0", "0", "1e12", "", ""],   # normalised actor; a count too large
    ["1609459200000", "G", "-1", "3", "t", ""],       # epoch milliseconds
    ["2021-01-05", "H", "inf", "1", "", ""],          # not finite
    ["2021-01-01", "A", "0.5", "2", "", "x"],
    ["2021-01-06T00:00:00Z", "I\u202e", "0", "1", "", ""],  # a bidi control in the actor
]


def test_validate_events_same_in_pieces(monkeypatch):
    assert_same_in_pieces(monkeypatch, csv_text(EVENTS_HEADER, EVENTS_ROWS), "events")


def test_validate_mentions_same_in_pieces(monkeypatch):
    assert_same_in_pieces(monkeypatch, csv_text(MENTIONS_HEADER, MENTIONS_ROWS), "mentions")


def test_validate_same_in_pieces_without_consume(monkeypatch):
    assert_same_in_pieces(monkeypatch, csv_text(EVENTS_HEADER, EVENTS_ROWS), "events", sizes=(4,), consume=False)


def test_validate_same_with_empty_chunks_and_no_rows(monkeypatch):
    text = csv_text(EVENTS_HEADER, EVENTS_ROWS)
    assert_same_in_pieces(monkeypatch, text, "events", sizes=(2, 3), split=[3, 0, 4, 0])
    table, report = validated(monkeypatch, csv_text(EVENTS_HEADER, []), "events", 3)
    assert table.num_rows == 0 and report["rows_read"] == 0
    assert table.schema == validated(monkeypatch, csv_text(EVENTS_HEADER, []), "events", WHOLE)[0].schema


def test_validate_in_pieces_keeps_the_notes_first_rows_and_rejections(monkeypatch):
    """Worked out by hand: the first normalised actor and the first naive date lie in later pieces."""
    rows = [["2021-01-01", "A", "h"]] * 7 + [["2021-01-02", "B\u00a0", "h2"], ["2021-01-03 10:00", "C", "h3"],
                                               ["nope", "D", "h4"]]
    table, report = validated(monkeypatch, csv_text(["date", "actor", "headline"], rows), "events", 3)
    assert report["rows_read"] == 10 and report["rejected"] == 7  # rows 2-7 repeat row 1; row 10 no date
    assert [r.record for r in report["rejections"]] == [2, 3, 4, 5, 6, 7, 10]
    assert {r.code for r in report["rejections"][:6]} == {"duplicate-row"}
    assert any("normalised" in n and "(first at row 8)" in n for n in report["notes"]), report["notes"]
    assert any("read as UTC (first at row 9)" in n for n in report["notes"]), report["notes"]
    assert table.column("_record").to_pylist() == [1, 8, 9]


DATES = ["2021-01-01", "2021-01-01T10:00:00", "2021-01-01 10:00", "2021-01-01T00:00:00+0530",
         "2021-01-01T00:00:00.123456789Z", "2021-03-04T05:06:07-14:00", "1609459200", "2021-13-01", "", "x"]
ACTORS = ["A", "B", " A", "A\u00a0", "\u200b", "C\u200bD", "E\u202e", "B\x00"]
NUMBERS = ["", "0", "0.5", "-1", "2", "1,5", "nan", "x", "3", "-1.5", "1e12"]


@HYPOTHESIS
@given(rows=st.lists(st.tuples(st.sampled_from(DATES), st.sampled_from(ACTORS), st.sampled_from(["h", "g", ""]),
                               st.sampled_from(["", "e1", "e2", "e3"]), st.sampled_from(["", "e1", "e2", "e4"]),
                               st.sampled_from(NUMBERS)), max_size=25),
       size=st.integers(1, 7))
def test_validate_events_in_pieces_is_validate_whole(monkeypatch, rows, size):
    text = csv_text(["date", "actor", "headline", "id", "retracts", "severity"], [list(r) for r in rows])
    assert_same_in_pieces(monkeypatch, text, "events", sizes=(size,))


@HYPOTHESIS
@given(rows=st.lists(st.tuples(st.sampled_from(DATES), st.sampled_from(ACTORS), st.sampled_from(NUMBERS),
                               st.sampled_from(NUMBERS)), max_size=25),
       size=st.integers(1, 7))
def test_validate_mentions_in_pieces_is_validate_whole(monkeypatch, rows, size):
    text = csv_text(["date", "actor", "tone", "count"], [list(r) for r in rows])
    assert_same_in_pieces(monkeypatch, text, "mentions", sizes=(size,))


def loaded(monkeypatch, data: bytes, kind: str, pieces: int | None, **options):
    if pieces is not None:
        monkeypatch.setattr(validation, "PIECE_ROWS", pieces)
        monkeypatch.setattr(mapping, "PIECE_ROWS", pieces)
        monkeypatch.setattr(validation, "SPOOL_ROWS", 0)
        monkeypatch.setattr(dates, "CACHE_CELLS", 2)
    result = load_bytes(data, kind, **options)
    monkeypatch.undo()
    return result.table, report_of(result.report)


OPTION_FILES = {
    "mapping": (csv_text(["Time", "Who", "Tone"], [["24/02/2021", "A", "0.5"], ["", "", ""], ["2/3/2021", "B", "x"],
                                                   ["31/12/2020 10:30", "C", "0"], ["", " ", ""], ["13/13/2021", "D", "0"],
                                                   ["24/02/2021", "A", "0.5"], ["5.6.21", "E", "1"]]),
                "mentions", {"mapping": {"date": "Time", "actor": "Who", "tone": "Tone"}}),
    "day-first": (csv_text(["date", "actor", "count"], [["1/2/2021", "A", "1"], ["13/2/2021", "B", "2"], ["x", "C", "1"],
                                                        ["2/1/21", "D", "1"], ["1/2/2021", "A", "1"], ["2021-01-01", "E", "1"],
                                                        ["30/2/2021", "F", "1"]]),
                  "mentions", {"date_format": "day-first"}),
    "proven order": (csv_text(["date", "actor", "count"], [["1/2/2021", "A", "1"], ["2/3/2021", "B", "1"], ["3/4/2021", "C", "1"],
                                                           ["4/5/2021", "D", "1"], ["5/25/2021", "E", "1"], ["6/7/21", "F", "1"]]),
                     "mentions", {"date_format": None, "mapping": {"date": "date"}}),
    "strptime": (csv_text(["date", "actor", "headline"], [["01.02.2021 10:00", "A", "h"], ["bad", "B", "h"],
                                                          ["03.02.2021 11:00", "C", "h"], ["01.02.2021 10:00", "A", "h"]]),
                 "events", {"date_format": "%d.%m.%Y %H:%M", "timezone": "Europe/Paris"}),
    "timezone": (csv_text(["date", "actor", "headline"], [["2021-03-28 01:30", "A", "h"], ["2021-03-28 02:30", "B", "h"],
                                                          ["2021-03-28", "C", "h"], ["2021-03-28T03:00:00Z", "D", "h"],
                                                          ["2021-03-28 01:30", "A", "h"], ["nope", "E", "h"]]),
                 "events", {"timezone": "Europe/Paris"}),
}


@pytest.mark.parametrize("name", list(OPTION_FILES))
def test_load_with_options_same_in_pieces(monkeypatch, name):
    text, kind, options = OPTION_FILES[name]
    whole = loaded(monkeypatch, text.encode(), kind, None, **options)
    assert whole[1]["error"] is None, whole[1]
    for size in (1, 2, 3):
        table, report = loaded(monkeypatch, text.encode(), kind, size, **options)
        assert report == whole[1], (name, size)
        assert table.equals(whole[0]), (name, size)


def test_date_reader_in_pieces_is_normalise_dates():
    """The numeric order is the whole column's, the two-digit-year count is over all pieces."""
    cells = ["1/2/21", "2/3/2021", None, "x", "4/5/2021", "1/2/21", "5/25/2021"]
    whole = dates.normalise_dates(cells)
    reader = dates.DateReader(None, None, "date", pieces=[cells[:3], cells[3:]])
    values, errors = [], {}
    for start in (0, 3):
        part = reader.read(cells[start:start + 3] if start == 0 else cells[3:])
        values += part.values
        errors.update({start + i: why for i, why in part.errors.items()})
    assert values == whole.values and errors == whole.errors and reader.notes() == whole.notes
    assert whole.values[0] == "2021-01-02" and any("two-digit" in n for n in whole.notes)
