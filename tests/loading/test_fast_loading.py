"""The loader's fast paths answer exactly as the general rules they shortcut.

Every file of the bad-input corpus (tests/test_loading_corpus.py), and generated ones, is
loaded twice: as it is, and with every fast path switched off — Arrow's CSV reader
(delimited._delimited_arrow), the typed screen of Arrow-read CSV (native.screen_text), typed
Parquet columns, clean text columns and plain-shaped dates and numbers (validate._typed_column_sql, _clean_text_sql, _shaped_sql), the typed Parquet
screen (native.read_mentions), the screen of Arrow-read CSV events (native_events.screen_events). Table and report must be the same.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_loading_corpus import BYTES_AND_ENCODING, HYPOTHESIS, JSON, PARQUET, STRUCTURE, VALUES

from dashboard.loading import DEFAULT_LIMITS, delimited, load_bytes, native_events, parse
from dashboard.loading import native as native_module
from dashboard.loading import validation as validate

OFF = [
    (delimited, "_delimited_arrow", lambda *a, **k: None),
    (validate, "typed_column_sql", lambda *a, **k: None),
    (validate, "clean_text_sql", lambda *a, **k: None),
    (validate, "shaped_sql", lambda *a, **k: None),
    (native_module, "read_mentions", lambda *a, **k: None),
    (native_module, "screen_text", lambda *a, **k: None),
    (native_events, "screen_events", lambda *a, **k: None),
]


def general(data: bytes, kind: str):
    with pytest.MonkeyPatch.context() as mp:
        for module, name, stub in OFF:
            mp.setattr(module, name, stub)
        return load_bytes(data, kind)


def _plain(table: pa.Table | None):
    if table is None:
        return None
    return pa.table({n: (c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c)
                     for n, c in zip(table.column_names, table.columns)}).combine_chunks()


def _by_content(table: pa.Table) -> pa.Table:
    """The rows in one order decided by their values alone (the typed screens keep the
    file's order, the general validator sorts by date)."""
    if table.num_rows == 0:
        return table
    return table.take(pc.sort_indices(table, [(name, "ascending") for name in table.column_names]))


def assert_same(data: bytes, kind: str):
    fast, slow = load_bytes(data, kind), general(data, kind)
    a, b = fast.report, slow.report
    assert (a.error and (a.error.code, a.error.message)) == (b.error and (b.error.code, b.error.message))
    assert (a.rows_read, a.loaded, a.rejected, a.unlisted_rejections) == (b.rows_read, b.loaded, b.rejected, b.unlisted_rejections)
    assert a.rejections == b.rejections
    assert a.notes == b.notes and a.columns == b.columns and a.file_format == b.file_format
    ta, tb = _plain(fast.table), _plain(slow.table)
    ta, tb = (None if ta is None else _by_content(ta)), (None if tb is None else _by_content(tb))
    assert (ta is None) == (tb is None)
    if ta is not None:
        assert ta.schema == tb.schema and ta.equals(tb), (ta.slice(0, 3).to_pylist(), tb.slice(0, 3).to_pylist())


@pytest.mark.parametrize("c", BYTES_AND_ENCODING + STRUCTURE + VALUES + JSON + PARQUET)
def test_every_corpus_file_loads_the_same_with_and_without_the_fast_paths(c):
    assert_same(c.data, c.kind)


def test_the_fast_paths_are_taken_on_a_plain_csv():
    text = "date,actor,tone,count,source\n" + "".join(
        f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z,Actor {i % 7},{(i % 19 - 9) / 10},{1 + i % 4},s{i % 3}\n" for i in range(200)
    )
    raw = parse.parse_text(text, DEFAULT_LIMITS, ("date",))
    assert delimited._delimited_arrow(text, DEFAULT_LIMITS, ("date",)) is not None
    col = raw.table.column("c0")
    from dashboard.contract import column

    assert validate.shaped_sql(column("mentions", "date"), "c0", col) is not None
    assert validate.shaped_sql(column("mentions", "tone"), "c2", raw.table.column("c2")) is not None
    assert validate.clean_text_sql(column("mentions", "actor"), "c1", raw.table.column("c1")) is not None
    assert native_module.screen_text(raw, DEFAULT_LIMITS) is not None
    assert_same(text.encode(), "mentions")


_DATE = st.one_of(
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(lambda d: d.isoformat(timespec="seconds") + "Z"),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(lambda d: d.isoformat() + "Z"),
    # times without a zone (read as UTC, with a note): T or a space, with or without a fraction
    st.tuples(st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)),
              st.sampled_from(["T", " "]), st.sampled_from(["seconds", "auto", "milliseconds"])).map(
        lambda d: d[0].isoformat(sep=d[1], timespec=d[2])),
    # times with an offset (converted to UTC, no note), and near misses validate.py rejects or reads
    st.tuples(st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)),
              st.sampled_from(["seconds", "auto", "milliseconds"]), st.sampled_from("+-"),
              st.integers(0, 14), st.integers(0, 59)).map(
        lambda d: d[0].isoformat(timespec=d[1]) + f"{d[2]}{d[3]:02d}:{0 if d[3] == 14 else d[4]:02d}"),
    st.sampled_from(["2024-01-01T10:00:00+14:01", "2024-01-01T10:00:00+99:99", "2024-01-01T10:00:00-23:60",
                     "2024-01-01T10:00:00+0530", "2024-01-01T10:00:00+02", "2024-01-01 10:00:00+02:00",
                     "2024-01-01T10:00:00.1234567+02:00", "0001-01-01T00:00:00+00:01", "2024-02-29T23:00:00-02:00"]),
    st.sampled_from(["2024-01-01 10:00", "2024-01-01T24:00:00", "2024-02-30 10:00:00", "2024-01-01 10:00:00.1234567",
                     "2024-01-01 10:00:00 ", "2024-01-01 10:00:00z"]),
    st.sampled_from(["", "2023-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01 10:00:00", "2024-01-01",
                     "1700000000", "03/04/2024", "2024-01-01T10:00:00+02:00", " 2024-01-01T00:00:00Z", "NA"]),
)
_NUMBER = st.one_of(
    st.integers(-5, 5).map(str),
    st.floats(-2, 2, allow_nan=False).map(lambda f: f"{f:.3f}"),
    st.sampled_from(["", "1e3", "NaN", "inf", "1,5", " 2", "9" * 30, "-0", "0.0", "2.5", "abc"]),
)
_NAME = st.sampled_from(["A", "B", " A", "", "Ünïcode", "NA", "a;b", "x y"])


@HYPOTHESIS
@given(rows=st.lists(st.tuples(_DATE, _NAME, _NUMBER, _NUMBER, _NAME), max_size=25),
       delimiter=st.sampled_from([",", ";", "|"]), kind=st.sampled_from(["mentions", "events"]))
def test_generated_tables_load_the_same_with_and_without_the_fast_paths(rows, delimiter, kind):
    header = ["date", "actor", "tone", "count", "source"] if kind == "mentions" else ["date", "actor", "severity", "headline", "source"]
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    assert_same(("\n".join(lines) + "\n").encode(), kind)


def test_date_only_mentions_and_utf8_bytes_take_the_fast_paths_and_load_the_same():
    # A date alone is midnight UTC for validate.py (no note): the typed screen reads it so too,
    # alone or beside full UTC times; a date that is no real one leaves the screen to validate.py.
    rows = "".join(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},Actor {i % 7},{(i % 19 - 9) / 10},{1 + i % 4}\n" for i in range(300))
    text = "date,actor,tone,count\n" + rows
    data = text.encode()
    raw = delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",))
    assert raw is not None and raw.table.equals(parse.parse_text(text, DEFAULT_LIMITS, ("date",)).table)
    assert native_module.screen_text(raw, DEFAULT_LIMITS) is not None
    assert_same(data, "mentions")
    assert_same((text + "2024-05-06T07:08:09Z,Actor 1,0.5,2\n").encode(), "mentions")
    assert_same((text + "2023-02-30,Actor 1,0.5,2\n").encode(), "mentions")
    assert_same(("date,actor,tone\n2024-01-01,Société,0.1\n2024-01-02,Zoë,\n").encode(), "mentions")


_NAIVE_MENTIONS = "date,actor,tone,count\n" + "".join(
    f"2024-01-{1 + i % 28:02d}{' ' if i % 2 else 'T'}{i % 24:02d}:{i % 60:02d}:00{'.25' if i % 3 else ''},A{i % 5},0.{i % 10},1\n"
    for i in range(60))


@pytest.mark.parametrize(("text", "screened"), [
    (_NAIVE_MENTIONS, True),
    (_NAIVE_MENTIONS + "2024-02-01,A1,0.1,1\n2024-02-01T10:00:00Z,A2,0.2,2\n2024-02-01T10:00:00.123456Z,A2,,2\n"
     "2024-02-01 23:59:59.999999,A3,0.3,1\n", True),
    # suspects (loaded or not) with zone-less times, the first of them one: the note counts them with the screened rows
    ("date,actor,tone,count\n2024-02-01 10:00:00, A,0.1,1\n" + _NAIVE_MENTIONS[len("date,actor,tone,count\n"):]
     + "2024-02-01 10:00:00,,0.1,1\n2024-02-02T10:00:00,Cafe\u0301,0.1,1\n2024-02-02T10:00:00,B,9,1\n", True),
    ("date,actor,tone,count\n2024-02-01,A,0.1,1\n2024-02-01 10:00:00.5,A,0.1,1.5\n2024-02-03T01:02:03,B,,1\n", True),
    # a cell of another shape: the general path (the mentions screen takes a date column whole or not at all)
    (_NAIVE_MENTIONS + "2024-02-01 10:00,A,0.1,1\n", False),
    (_NAIVE_MENTIONS + "2024-02-30 10:00:00,A,0.1,1\n", False),
    (_NAIVE_MENTIONS + "2024-02-01T10:00:00+15:00,A,0.1,1\n", False),
    (_NAIVE_MENTIONS + "2024-02-01 10:00:00.1234567,A,0.1,1\n", False),
], ids=["zone-less", "among dates and UTC times", "suspects among them", "a rejected suspect", "no seconds",
        "no real date", "an offset out of range", "seven digits"])
def test_mentions_with_times_without_a_zone_take_the_typed_screen_and_load_the_same(text, screened):
    data = text.encode()
    raw = delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",))
    assert raw is not None
    assert (native_module.screen_text(raw, DEFAULT_LIMITS) is not None) == screened
    assert_same(data, "mentions")
    if screened:
        assert any("a time of day but no time zone;" in n and "read as UTC" in n for n in load_bytes(data, "mentions").report.notes)


_OFFSET_MENTIONS = "date,actor,tone,count\n" + "".join(
    f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00{'.25' if i % 3 else ''}{'+-'[i % 2]}{i % 15:02d}:{0 if i % 15 == 14 else i % 60:02d},"
    f"A{i % 5},0.{i % 10},1\n" for i in range(60))


@pytest.mark.parametrize(("text", "screened"), [
    (_OFFSET_MENTIONS, True),
    # +, -, 00:00, ±14:00, fractions, beside UTC times, zone-less times and dates alone
    (_OFFSET_MENTIONS + "2024-02-01T10:00:00+00:00,A1,0.1,1\n2024-02-01T10:00:00-00:00,A1,0.1,1\n"
     "2024-02-01T10:00:00+14:00,A2,0.2,2\n2024-02-01T10:00:00.123456-14:00,A2,,2\n2024-02-01T10:00:00.5+05:30,A3,0.3,1\n"
     "2024-02-01,A1,0.1,1\n2024-02-01T10:00:00Z,A2,0.2,2\n2024-02-01 23:59:59.999999,A3,0.3,1\n", True),
    # a day crossed by the offset, Feb 29, a year's end
    ("date,actor,tone,count\n2024-02-29T23:30:00-02:00,A,0.1,1\n2024-03-01T01:00:00+03:00,B,0.2,1\n"
     "2023-02-28T23:00:00-01:00,C,,1\n2024-12-31T23:00:00-14:00,D,0.1,1\n2025-01-01T00:00:00+14:00,E,0.1,1\n", True),
    # suspects among offset times: rejected or loaded by validate.py
    ("date,actor,tone,count\n2024-02-01T10:00:00+01:00, A,0.1,1\n" + _OFFSET_MENTIONS[len("date,actor,tone,count\n"):]
     + "2024-02-01T10:00:00+01:00,,0.1,1\n2024-02-02T10:00:00-03:00,B,9,1\n0001-01-01T00:00:00+01:00,B,0.1,1\n", True),
    # offsets out of range or of other forms: the general path, which rejects those out of range with its reason
    (_OFFSET_MENTIONS + "2024-02-01T10:00:00+14:01,A,0.1,1\n", False),
    (_OFFSET_MENTIONS + "2024-02-01T10:00:00+99:99,A,0.1,1\n", False),
    (_OFFSET_MENTIONS + "2024-02-01T10:00:00-23:60,A,0.1,1\n", False),
    (_OFFSET_MENTIONS + "2024-02-01T10:00:00+0530,A,0.1,1\n", False),
    (_OFFSET_MENTIONS + "2024-02-30T10:00:00+01:00,A,0.1,1\n", False),
], ids=["offsets", "among other shapes", "days crossed", "suspects among them", "+14:01", "+99:99", "-23:60",
        "no colon", "no real date"])
def test_mentions_with_offset_times_take_the_typed_screen_and_load_the_same(text, screened):
    data = text.encode()
    raw = delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",))
    assert raw is not None
    assert (native_module.screen_text(raw, DEFAULT_LIMITS) is not None) == screened
    assert_same(data, "mentions")


@pytest.mark.parametrize("cell", ["2024-02-01T10:00:00+14:01", "2024-02-01T10:00:00+99:99", "2024-02-01T10:00:00-23:60"])
def test_mentions_with_offsets_out_of_range_rejected_with_validates_reason(cell):
    report = load_bytes((_OFFSET_MENTIONS + f"{cell},A,0.1,1\n").encode(), "mentions").report
    assert [r.reason for r in report.rejections] == [
        f"the time-zone offset {cell[19:]} is not a real one: offsets run from -14:00 to +14:00, with minutes below 60"]


def test_text_the_bytes_path_leaves_to_the_decoder():
    # Not UTF-8, a byte-order mark, JSON, a tab in the header: decode_text and parse_text decide.
    for data in (b"date,actor,tone\n2024-01-01,Soci\xe9t\xe9,0.1\n", b"\xef\xbb\xbfdate,actor,tone\n2024-01-01,A,0.1\n",
                 b'{"date": "2024-01-01", "actor": "A", "tone": 0.1}\n', b"date\tactor\ttone\n2024-01-01\tA\t0.1\n"):
        assert delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",)) is None
        assert_same(data, "mentions")


def test_gzip_members_and_zero_padding_read_as_gzip_reads_them():
    import gzip

    text = b"date,actor,tone\n2024-01-01,A,0.1\n2024-01-02,B,0.2\n"
    for data in (gzip.compress(text[:20]) + gzip.compress(text[20:]), gzip.compress(text) + b"\x00" * 8):
        result = load_bytes(data, "mentions")
        assert result.report.error is None and result.report.loaded == 2
        assert result.report.notes[0] == "the file was gzip-compressed; read its uncompressed content"
    damaged = load_bytes(gzip.compress(text)[:-12], "mentions").report.error
    assert damaged is not None and damaged.code == "format-error" and "gzip data is damaged" in damaged.message


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_file_over_the_row_cap_is_refused_by_one_parse(monkeypatch, quoted):
    """A plain UTF-8 CSV over the row cap is refused where Arrow's reader finds it (parse_utf8),
    with the message the usual path gives, and not parsed a second time by the usual path."""
    from dashboard.loading.load_report import LoadLimits

    calls = []
    real = delimited._delimited_arrow
    monkeypatch.setattr(delimited, "_delimited_arrow", lambda *a, **k: calls.append(1) or real(*a, **k))
    cell = '"A"' if quoted else "A"
    data = ("date,actor,count\n" + "".join(f"2024-01-0{1 + i % 9},{cell},1\n" for i in range(50))).encode()
    result = load_bytes(data, "mentions", LoadLimits(max_rows=40))
    assert result.table is None and "more than 40 rows" in str(result.report.error)
    assert len(calls) == 1


def _mentions_csv(rows: int, quoted: bool, odd: str = "") -> bytes:
    """Mentions as benchmarks/generate.py writes them: UTC times with and without
    milliseconds, dates alone, empty tones, actors with quotes and commas, duplicates."""
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quoted else v

    out = [",".join(cell(h) for h in ("date", "actor", "tone", "count", "source"))]
    for i in range(rows):
        date = (f"2024-03-{1 + i % 28:02d}" if i % 11 == 0 else
                f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}{'.123' if i % 3 else ''}Z")
        actor = f'Actor {i % 7}, "Ltd"' if quoted and i % 5 == 0 else f"Actor {i % 7}"
        tone = "" if i % 9 == 0 else f"{(i % 19 - 9) / 10}"
        out.append(",".join([cell(date), cell(actor), cell(tone) if tone else "", cell(str(1 + i % 4)), cell(f"s{i % 3}")]))
    if odd:
        out.insert(rows // 2, odd)
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize("odd", ["", "2024-02-30T00:00:00Z,A,0.1,1,s", "2024-03-01 10:00:00,A,0.1,1,s", "2024-03-01,A,1e3,1,s",
                                 '2024-03-01,A,0.1,1,"s"x', '"2024-03-01,A,0.1,1,s'],
                         ids=["clean", "no real date", "naive time", "exponent", "text after a quote", "open quote"])
def test_files_of_many_chunks_load_as_the_general_rules_load_them(monkeypatch, quoted, odd):
    """Arrow's reader cut into many small blocks and the line scan into small pieces: each
    chunk checked on its own thread (chunks.py) answers as one pass over the whole file, and as
    the general rules, whichever chunk holds the odd line."""
    from dashboard.loading import arrow_csv

    monkeypatch.setattr(delimited, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(arrow_csv, "_CHUNK", 1000)
    data = _mentions_csv(2_000, quoted, odd)
    raw = delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",))
    if not odd:
        assert raw is not None and raw.table.column(0).num_chunks > 10
        assert native_module.screen_text(raw, DEFAULT_LIMITS) is not None
    assert_same(data, "mentions")


def test_dictionaries_built_a_chunk_at_a_time_are_those_of_one_pass():
    values = pa.chunked_array([[f"a{(i * 7 + j) % 13}" for i in range(50)] for j in range(9)] + [[]])
    built = native_module._dictionary(values)
    assert built.equals(pc.dictionary_encode(values))
    assert all(c.dictionary.equals(pc.dictionary_encode(values).chunk(0).dictionary) for c in built.chunks)


@pytest.mark.parametrize(("data", "taken"), [
    (b'"date","actor","tone"\n"2024-01-01","A","0.1"\n', True),
    (b'"date",actor,tone\n2024-01-01,A,0.1\n', True),
    (b'"date"\n"2024-01-01"\n', False),  # one quoted label: could start a JSON string; the usual path decides
    (b'"a file that is one JSON string"\n', False),
    (b'  "date, with a comma"\n', False),
])
def test_a_file_opening_with_a_quote_is_read_from_its_bytes_unless_it_may_be_json(data, taken):
    assert (delimited.parse_utf8(data, DEFAULT_LIMITS, ("date",)) is not None) == taken
    assert_same(data, "mentions")
    assert_same(data, "events")


@HYPOTHESIS
@given(data=st.binary(max_size=200), piece=st.integers(1, 9))
def test_byte_counts_in_pieces_are_the_counts_of_the_whole(data, piece):
    """delimited.byte_counts (numpy over pieces, on every core) counts what bytes.count does,
    wherever the pieces cut the data."""
    from unittest.mock import patch

    needles = b'\r\n",;|'
    with patch.object(delimited, "COUNT_PIECE", piece):
        got = delimited.byte_counts(data, needles)
    assert got == {b: data.count(bytes([b])) for b in needles}
