"""The bad-input corpus of RELIABILITY.md, fed through `load_bytes`.

Each table row is one input and what its report must say: the file-level error code and
message, or the exact rejections (record, physical line, column, code) and the rows that
still load. Every case also checks the ledger: rows_read == loaded + rejected.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import zipfile
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.loading import LoadLimits, LoadResult, load_bytes
from dashboard.loading.load_report import FILE_CODES, ROW_CODES
from dashboard.loading.text_rules import BIDI, normalise

HYPOTHESIS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

EVENTS = "date,actor,headline"


# --- helpers ----------------------------------------------------------------------------


def load(data: bytes, kind: str = "events", limits: LoadLimits | None = None) -> LoadResult:
    """load_bytes, plus the checks every input must pass whatever it holds."""
    result = load_bytes(data, kind, limits) if limits else load_bytes(data, kind)
    assert_balanced(result)
    return result


def assert_balanced(result: LoadResult) -> None:
    report = result.report
    assert report.rows_read == report.loaded + report.rejected, report.lines()
    assert report.balanced
    if report.error is not None:
        assert result.table is None
        assert report.error.code in FILE_CODES
        assert report.error.message.strip()
        assert report.loaded == report.rejected == 0
    else:
        assert result.table is not None
        assert result.table.num_rows == report.loaded
        for r in report.rejections:
            assert r.code in ROW_CODES, r
            assert r.reason.strip(), r
            assert 1 <= r.record <= report.rows_read, r


def text_file(*rows: str, header: str = EVENTS, end: str = "\n") -> bytes:
    return (end.join((header, *rows)) + end).encode("utf-8")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buf.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def d(*args: int) -> dt.datetime:
    return dt.datetime(*args)


ONE_ROW = text_file("2020-01-01,A,x")
VALID_PARQUET = parquet_bytes(
    pa.table(
        {
            "date": pa.array([d(2020, 1, 1), d(2020, 1, 2, 6, 30)], pa.timestamp("us")),
            "actor": ["A", "B"],
            "headline": ["x", "y"],
            "severity": [-3.5, 2.0],
        }
    )
)


# --- file-level problems ----------------------------------------------------------------


def file_error(id_: str, data: bytes, code: str, message: str, kind: str = "events", limits: LoadLimits | None = None):
    return pytest.param(data, kind, limits, code, message, id=id_)


FILE_ERRORS = [
    # Bytes and encoding
    file_error("empty file", b"", "format-error", "empty"),
    file_error("whitespace only", b"  \r\n\n\t", "format-error", "empty"),
    file_error("not cp1252 either", text_file("2020-01-01,A,\x81x").replace(b"\xc2\x81", b"\x81"), "encoding-error", "not UTF-8 at line 2"),
    file_error("zip with two members", zip_bytes({"a.csv": ONE_ROW, "b.csv": ONE_ROW}), "format-error", "holds 2 files ('a.csv', 'b.csv')"),
    file_error("zip with no member", zip_bytes({}), "format-error", "holds 0 files"),
    file_error("nested zip", zip_bytes({"inner.zip": zip_bytes({"a.csv": ONE_ROW})}), "format-error", "another archive"),
    file_error("zip in gzip", gzip.compress(zip_bytes({"a.csv": ONE_ROW})), "format-error", "another archive"),
    file_error("damaged gzip", gzip.compress(ONE_ROW)[:15], "format-error", "gzip data is damaged"),
    file_error("ELF executable named csv", b"\x7fELF\x02\x01\x01\x00" + bytes(200), "format-error", "ELF executable, not a table"),
    file_error("Windows executable", b"MZ\x90\x00" + bytes(200), "format-error", "Windows executable"),
    file_error("PNG image", b"\x89PNG\r\n\x1a\n" + bytes(50), "format-error", "PNG image"),
    file_error(
        "100,000-column header",
        b",".join(b"c%d" % i for i in range(100_000)) + b"\n1\n",
        "size-error",
        "more than 500 columns (at least 100,000 CSV fields)",
    ),
    file_error("100,000-column TSV header", b"\t".join([b"h"] * 100_000) + b"\n", "size-error", "100,000 TSV fields"),
    file_error("file over the byte cap", ONE_ROW * 10, "size-error", "the limit is 50 bytes", limits=LoadLimits(max_bytes=50)),
    file_error(
        "gzip expanding past the cap",
        gzip.compress(text_file("2020-01-01,A," + "x" * 5000)),
        "size-error",
        "expands past 1,000 bytes",
        limits=LoadLimits(max_uncompressed_bytes=1000),
    ),
    file_error(
        "zip member expanding past the cap",
        zip_bytes({"big.csv": text_file("2020-01-01,A," + "x" * 5000)}),
        "size-error",
        "the limit is 1,000",
        limits=LoadLimits(max_uncompressed_bytes=1000),
    ),
    file_error("rows over the row cap", text_file(*[f"2020-01-0{i},A,x" for i in range(1, 6)]), "size-error", "more than 3 rows", limits=LoadLimits(max_rows=3)),
    # Structure
    file_error("blank first line", b"\n" + ONE_ROW, "blank-header", "first line is blank"),
    file_error("contract column twice", text_file("2020-01-01,A,x,B", header="date,actor,headline,actor"), "duplicate-label", "'actor' appears twice (columns 2 and 4)"),
    file_error("contract column twice ignoring case", text_file("2020-01-01,A,x,B", header="date,actor,headline, Date"), "duplicate-label", "'date' appears twice (columns 1 and 4)"),
    file_error("required column missing", text_file("2020-01-01,A", header="date,actor"), "missing-label", "headline not found for events; the file's columns are: 'date', 'actor'"),
    file_error("mentions without tone, text or count", text_file("2020-01-01,A", header="date,actor"), "missing-label", "at least one of the columns tone, text or count", kind="mentions"),
    file_error("headerless data", b"2020-01-01,A,x\n2020-01-02,B,y\n", "missing-label", "the file's columns are: '2020-01-01', 'A', 'x'"),
    # JSON
    file_error("JSON top-level number", b"42\n", "format-error", "single JSON value (a number)"),
    file_error("JSON top-level string", b'"date,actor,headline"', "format-error", "single JSON value (a string)"),
    file_error("JSON top-level null", b"null", "format-error", "single JSON value (null)"),
    file_error("JSON top-level true", b" true ", "format-error", "single JSON value (true)"),
    file_error("JSON trailing comma in array", b'[{"date":"2020-01-01","actor":"A","headline":"x"},\n]', "format-error", "line 1, column 50: trailing comma before ']'"),
    file_error("JSON trailing comma in object", b'[{"date":"2020-01-01","actor":"A","headline":"x",}]', "format-error", "invalid JSON at line 1, column 50"),
    file_error("JSON 100,000 nested brackets", b"[" * 100_000 + b"]" * 100_000, "format-error", "nested too deeply"),
    file_error("JSON 100,000 nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "format-error", "nested too deeply"),
    file_error("JSON unclosed array", b'[{"date":"2020-01-01","actor":"A","headline":"x"}', "format-error", "expected ',' or ']'"),
    file_error("JSON one pretty-printed object", b'{\n  "date": "2020-01-01",\n  "actor": "A"\n}\n', "format-error", "one JSON object with keys date, actor"),
    file_error("JSON data after the array", b'[{"date":"2020-01-01","actor":"A","headline":"x"}] [1]', "format-error", "extra data after the closing ']'"),
    # Parquet
    file_error("Parquet truncated footer", VALID_PARQUET[:-20], "format-error", "Parquet file cannot be read"),
    file_error("Parquet cut in half", VALID_PARQUET[: len(VALID_PARQUET) // 2], "format-error", "Parquet file cannot be read"),
    file_error("Parquet magic only", b"PAR1", "format-error", "Parquet file cannot be read"),
    file_error("Parquet zero bytes", b"", "format-error", "empty"),
    file_error("Parquet footer over the row cap", VALID_PARQUET, "size-error", "footer declares 2 rows; the limit is 1", limits=LoadLimits(max_rows=1)),
    file_error(
        "Parquet contract column twice",
        parquet_bytes(pa.Table.from_arrays([pa.array(["2020-01-01"]), pa.array(["A"]), pa.array(["x"]), pa.array(["B"])], names=["date", "actor", "headline", "actor"])),
        "duplicate-label",
        "'actor' appears twice",
    ),
]


@pytest.mark.parametrize(("data", "kind", "limits", "code", "message"), FILE_ERRORS)
def test_load_bytes_reports_file_problem(data, kind, limits, code, message):
    result = load(data, kind, limits)
    assert result.report.error is not None, result.report.lines()
    assert result.report.error.code == code
    assert message in result.report.error.message
    assert not result.report.usable
    # The message is for a person: no traceback, no Python or SQL internals.
    assert "Traceback" not in result.report.error.message
    assert "SELECT" not in result.report.error.message


# --- row-level cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One input and what its report must say.

    rejections are (record, line, column, code, reason fragment) in report order; values
    are the loaded rows' values per column, in table order (date, then record).
    """

    data: bytes
    kind: str = "events"
    loaded: int = 0
    rejections: tuple[tuple, ...] = ()
    values: dict[str, list] = field(default_factory=dict)
    note: str | None = None
    file_format: str | None = None
    columns: tuple[str, ...] = ()


def case(id_: str, data: bytes, **kw) -> pytest.param:
    return pytest.param(Case(data, **kw), id=id_)


def check_case(c: Case) -> LoadResult:
    result = load(c.data, c.kind)
    report = result.report
    assert report.error is None, report.summary()
    got = [(r.record, r.line, r.column, r.code) for r in report.rejections]
    assert got == [tuple(x[:4]) for x in c.rejections], "\n".join(report.lines())
    for rejection, expected in zip(report.rejections, c.rejections):
        assert expected[4].lower() in rejection.reason.lower(), rejection
    assert report.loaded == c.loaded, report.lines()
    assert report.rejected == len({x[0] for x in c.rejections})
    for column, values in c.values.items():
        assert result.table.column(column).to_pylist() == values, column
    if c.note is not None:
        assert any(c.note in n for n in report.notes), report.notes
    if c.file_format is not None:
        assert report.file_format == c.file_format
    for column in c.columns:
        assert column in result.table.column_names, result.table.column_names
    return result


BYTES_AND_ENCODING = [
    case("header only", text_file(), loaded=0, note="no row could be loaded"),
    case("header only without newline", EVENTS.encode(), loaded=0, note="no row could be loaded"),
    case(
        "UTF-8 BOM",
        b"\xef\xbb\xbf" + text_file("2020-01-01,A,x"),
        loaded=1,
        values={"actor": ["A"], "date": [d(2020, 1, 1)]},
        note="UTF-8 byte-order mark was removed",
    ),
    case(
        "cp1252 text",
        text_file("2020-01-01,A,ok").replace(b"ok\n", b"ok\n2020-01-02,B,Caf\xe9\n"),
        loaded=2,
        values={"headline": ["ok", "Café"]},
        note="not UTF-8 at line 3, byte 53: 1 line (3) decoded as Windows-1252",
    ),
    case(
        "cp1252 text with CR line ends",
        b"date,actor,headline\r2020-01-01,A,ok\r2020-01-02,B,Caf\xe9\r",
        loaded=2,
        values={"headline": ["ok", "Café"]},
        note="not UTF-8 at line 3, byte 53",
    ),
    case(
        "UTF-16 LE with BOM",
        (EVENTS + "\r\n2020-01-01,Zoë,Café\r\n").encode("utf-16"),
        loaded=1,
        values={"actor": ["Zoë"], "headline": ["Café"]},
        note="UTF-16",
    ),
    case(
        "UTF-16 BE with BOM",
        b"\xfe\xff" + (EVENTS + "\n2020-01-01,A,Café\n").encode("utf-16-be"),
        loaded=1,
        values={"headline": ["Café"]},
        note="UTF-16",
    ),
    case(
        "gzip bytes named csv",
        gzip.compress(text_file("2020-01-01,A,x", "2020-01-02,B,y")),
        loaded=2,
        values={"actor": ["A", "B"]},
        note="gzip-compressed",
        file_format="CSV (gzip)",
    ),
    case(
        "zip with one member",
        zip_bytes({"events.csv": text_file("2020-01-01,A,x")}),
        loaded=1,
        values={"actor": ["A"]},
        note="read its one member 'events.csv'",
        file_format="CSV (zip)",
    ),
    case(
        "zip with a folder and one member",
        zip_bytes({"data/": b"", "data/events.csv": text_file("2020-01-01,A,x")}),
        loaded=1,
        values={"actor": ["A"]},
    ),
    case(
        "NUL byte in a cell",
        text_file("2020-01-01,A,x\x00y", "2020-01-02,B,ok"),
        loaded=1,
        rejections=((1, 2, "headline", "constraint-error", "NUL byte"),),
        values={"actor": ["B"]},
    ),
    case(
        "mixed CR, LF and CRLF",
        b"date,actor,headline\r2020-01-01,A,x\n2020-01-02,B\r\n2020-01-03,C,z\r2020-01-04,D,w\r\n",
        loaded=3,
        rejections=((2, 3, "headline", "missing-cell", "2 cells"),),
        values={"actor": ["A", "C", "D"], "headline": ["x", "z", "w"]},
    ),
    case(
        "200 KB cell",
        text_file("2020-01-01,A," + "x" * 200_000, "2020-01-02,B,ok"),
        loaded=1,
        rejections=((1, 2, "headline", "constraint-error", "200,000 characters; the limit is 32,767"),),
        values={"actor": ["B"]},
    ),
    case(
        "cell at the size cap",
        text_file("2020-01-01,A," + "x" * 32_767),
        loaded=1,
        values={"actor": ["A"]},
    ),
    case(
        # str.splitlines would cut these rows in two: they are ordinary characters in a cell.
        "unicode separators inside cells",
        text_file("2020-01-01,A,a\u2028b", "2020-01-02,B,c\x0cd", "2020-01-03,C,e\x85f", "2020-01-04,D,g\x1eh"),
        loaded=4,
        values={"headline": ["a\u2028b", "c\x0cd", "e\x85f", "g\x1eh"]},
    ),
]


@pytest.mark.parametrize("c", BYTES_AND_ENCODING)
def test_load_bytes_bytes_and_encoding(c):
    result = check_case(c)
    assert all("\ufffd" not in (h or "") for h in result.table.column("headline").to_pylist())


STRUCTURE = [
    case(
        "extra cell",
        text_file("2020-01-01,A,x,surplus", "2020-01-02,B,ok"),
        loaded=1,
        rejections=((1, 2, "#4", "extra-cell", "4 cells; the header has 3"),),
        values={"actor": ["B"]},
    ),
    case(
        "missing cell",
        text_file("2020-01-01,A", "2020-01-02,B,ok"),
        loaded=1,
        rejections=((1, 2, "headline", "missing-cell", "2 cells; the header has 3"),),
        values={"actor": ["B"]},
    ),
    case(
        "quoted field spanning lines then a bad row",
        text_file('2020-01-01,A,"two\nlines"', "2020-01-02,B", "2020-01-03,C,ok"),
        loaded=2,
        rejections=((2, 4, "headline", "missing-cell", "2 cells"),),
        values={"headline": ["two\nlines", "ok"]},
    ),
    case(
        "quoted field spanning three lines then an extra cell",
        text_file('2020-01-01,A,"one\r\ntwo\r\nthree"', "2020-01-02,B,x,y", "2020-01-03,C,ok", end="\r\n"),
        loaded=2,
        rejections=((2, 5, "#4", "extra-cell", "4 cells"),),
        values={"headline": ["one\r\ntwo\r\nthree", "ok"]},
    ),
    case(
        "unterminated quote in the middle",
        text_file("2020-01-01,A,ok", '2020-01-02,B,"open', "2020-01-03,C,after", "2020-01-04,D,after too"),
        loaded=3,
        rejections=((2, 3, "", "format-error", "opened on line 3 is never closed"),),
        values={"actor": ["A", "C", "D"]},
    ),
    case(
        "unterminated quote on the last line",
        text_file("2020-01-01,A,ok", "2020-01-02,B,ok", '2020-01-03,C,"open'),
        loaded=2,
        rejections=((3, 4, "", "format-error", "never closed"),),
        values={"actor": ["A", "B"]},
    ),
    case(
        "stray quote inside an unquoted cell",
        text_file('2020-01-01,A,say "hi"', "2020-01-02,B,ok"),
        loaded=2,
        values={"headline": ['say "hi"', "ok"]},
    ),
    case(
        "text after a closing quote",
        text_file('2020-01-01,A,"quoted"tail', "2020-01-02,B,ok"),
        loaded=1,
        rejections=((1, 2, "", "format-error", "cannot be parsed"),),
        values={"actor": ["B"]},
    ),
    case(
        "extra column twice",
        text_file("2020-01-01,A,x,n1,n2", header="date,actor,headline,note,note"),
        loaded=1,
        values={"note": ["n1"], "note (2)": ["n2"]},
        note="'note' repeats (column 5); kept as 'note (2)'",
    ),
    case(
        "extra columns differing only in case",
        text_file("2020-01-01,A,x,n1,n2", header="date,actor,headline,Note,note"),
        loaded=1,
        values={"Note": ["n1"], "note (2)": ["n2"]},
    ),
    case(
        "extra columns named like the loader's working columns",
        text_file("2020-01-01,A,x,r,l,i,n", header="date,actor,headline,_record,_LINE,id_derived,_rn"),
        loaded=1,
        values={"_record (2)": ["r"], "_LINE (2)": ["l"], "id_derived (2)": ["i"], "_rn (2)": ["n"]},
        note="'_record' is reserved",
    ),
    case(
        "contract header in another case",
        text_file("2020-01-01,A,x", header=" Date ,ACTOR,Headline"),
        loaded=1,
        values={"actor": ["A"]},
        note="matched without case or spaces",
    ),
    case(
        "blank column name with values",
        text_file("2020-01-01,A,v,x", header="date,actor,,headline"),
        loaded=1,
        values={"column_3": ["v"], "headline": ["x"]},
        note="column 3 has no name; kept as 'column_3'",
    ),
    case(
        "trailing delimiter on every line",
        text_file("2020-01-01,A,x,", "2020-01-02,B,y,", header=EVENTS + ","),
        loaded=2,
        values={"actor": ["A", "B"]},
        note="column 4 has no name and no values (a trailing delimiter?); ignored",
    ),
    case(
        "blank and all-empty rows",
        text_file("2020-01-01,A,x", "", ",,", "  ", " , ,\t", "2020-01-02,B,y"),
        loaded=2,
        rejections=(
            (2, 3, "", "blank-row", "empty"),
            (3, 4, "", "blank-row", "empty"),
            (4, 5, "", "blank-row", "empty"),
            (5, 6, "", "blank-row", "empty"),
        ),
        values={"actor": ["A", "B"]},
    ),
    case(
        "semicolons with decimal commas",
        text_file("2020-01-01;A;x;1,5", "2020-01-02;B;y;2", "2020-01-03;C;z;-0,25", header="date;actor;headline;severity"),
        loaded=1,
        rejections=(
            (1, 2, "severity", "type-error", "decimal comma? write 1.5, not 1,5"),
            (3, 4, "severity", "type-error", "decimal comma"),
        ),
        values={"severity": [2.0]},
        file_format="semicolon-separated",
    ),
    case(
        "decimal comma in a comma-separated file",
        text_file("2020-01-01,A,x,1,5", "2020-01-02,B,y,2", header="date,actor,headline,severity"),
        loaded=1,
        rejections=((1, 2, "#5", "extra-cell", "5 cells; the header has 4"),),
        values={"severity": [2.0]},
    ),
    case(
        "tab-separated with a stray quote",
        b'date\tactor\theadline\n2020-01-01\tA\t"quoted\n2020-01-02\tB\tplain\n2020-01-03\tC\tend"\n',
        loaded=3,
        values={"headline": ['"quoted', "plain", 'end"']},
        file_format="TSV",
    ),
    case(
        "text cells starting with = + - @",
        text_file(
            '2020-01-01,=1+2,"=HYPERLINK(""http://x"")"',
            "2020-01-02,+SUM(A1),-2",
            "2020-01-03,-cmd,@SUM(A1)",
            "2020-01-04,@A,+1",
        ),
        loaded=4,
        values={
            "actor": ["=1+2", "+SUM(A1)", "-cmd", "@A"],
            "headline": ['=HYPERLINK("http://x")', "-2", "@SUM(A1)", "+1"],
        },
    ),
]


@pytest.mark.parametrize("c", STRUCTURE)
def test_load_bytes_structure(c):
    check_case(c)


def test_load_bytes_decimal_comma_never_becomes_fifteen():
    data = text_file("2020-01-01;A;x;1,5", header="date;actor;headline;severity")
    result = load(data)
    assert result.report.loaded == 0
    assert 15.0 not in result.table.column("severity").to_pylist()
    assert result.report.rejections[0].value == "1,5"


VALUES = [
    case(
        "null-like tokens",
        text_file("2020-01-01,NA,x,null", "2020-01-02,None,y,NaN", "2020-01-03,null,z,n/a", "2020-01-04,N/A,w,-", header="date,actor,headline,severity"),
        loaded=4,
        values={"actor": ["NA", "None", "null", "N/A"], "severity": [None, None, None, None]},
    ),
    case(
        "null-like tone tokens in mentions",
        text_file("2020-01-01,NA,null", "2020-01-02,None,NaN", "2020-01-03,B,n/a", "2020-01-04,C,", header="date,actor,tone"),
        kind="mentions",
        loaded=4,
        values={"actor": ["NA", "None", "B", "C"], "tone": [None, None, None, None], "count": [1, 1, 1, 1]},
    ),
    case(
        "CAMEO codes with leading zeros",
        text_file("001,2020-01-01,010,x,0042", header="id,date,actor,headline,cameo"),
        loaded=1,
        values={"id": ["001"], "actor": ["010"], "cameo": ["0042"]},
    ),
    case(
        "number column with abc",
        text_file("2020-01-01,A,x,abc", "2020-01-02,B,y,3", header="date,actor,headline,severity"),
        loaded=1,
        rejections=((1, 2, "severity", "type-error", "not a number"),),
        values={"severity": [3.0]},
    ),
    case(
        "inf, NaN and 1e400",
        text_file(
            "2020-01-01,A,x,inf",
            "2020-01-02,B,y,NaN",
            "2020-01-03,C,z,1e400",
            "2020-01-04,D,w,-Infinity",
            "2020-01-05,E,v,1e-400",
            "2020-01-06,F,u,-2.5e0",
            header="date,actor,headline,severity",
        ),
        loaded=3,
        rejections=(
            (1, 2, "severity", "constraint-error", "not a finite number"),
            (3, 4, "severity", "constraint-error", "not a finite number"),
            (4, 5, "severity", "constraint-error", "not a finite number"),
        ),
        values={"actor": ["B", "E", "F"], "severity": [None, 0.0, -2.5]},
    ),
    case(
        "severity outside -10..10",
        text_file("2020-01-01,A,x,10.5", "2020-01-02,B,y,-10", "2020-01-03,C,z,10", header="date,actor,headline,severity"),
        loaded=2,
        rejections=((1, 2, "severity", "constraint-error", "between -10 and 10"),),
        values={"severity": [-10.0, 10.0]},
    ),
    case(
        "tone outside -1..+1",
        text_file("2020-01-01,A,1.5", "2020-01-02,B,-1", "2020-01-03,C,-1.0001", "2020-01-04,D,1", "2020-01-05,E,+0.5", header="date,actor,tone"),
        kind="mentions",
        loaded=3,
        rejections=(
            (1, 2, "tone", "constraint-error", "between -1 and 1"),
            (3, 4, "tone", "constraint-error", "between -1 and 1"),
        ),
        values={"tone": [-1.0, 1.0, 0.5]},
    ),
    case(
        "count zero, fractional and too large",
        text_file(
            "2020-01-01,A,0",
            "2020-01-02,B,1.5",
            "2020-01-03,C,2",
            "2020-01-04,D,3.0",
            "2020-01-05,E,99999999999999999999",
            "2020-01-06,F,",
            header="date,actor,count",
        ),
        kind="mentions",
        loaded=3,
        rejections=(
            (1, 2, "count", "constraint-error", "at least 1"),
            (2, 3, "count", "constraint-error", "whole number"),
            (5, 6, "count", "constraint-error", "too large"),
        ),
        values={"count": [2, 3, 1]},
    ),
    case(
        "20-digit ids kept as text",
        text_file("12345678901234567890,2020-01-01,A,x", "00000000000000000001,2020-01-02,B,y", header="id,date,actor,headline"),
        loaded=2,
        values={"id": ["12345678901234567890", "00000000000000000001"]},
    ),
    case(
        "mixed date formats",
        text_file(
            "2020-01-01,A,a",
            "2020-01-02T03:04:05Z,B,b",
            "2020/01/03,C,c",
            "3 Jan 2020,D,d",
            "20200104,E,e",
            "2020-01-05 06:07,F,f",
            "2020-01-06T07:08:09.123456+00:00,G,g",
        ),
        loaded=4,
        rejections=(
            (3, 4, "date", "type-error", "not an ISO 8601 date"),
            (4, 5, "date", "type-error", "not an ISO 8601 date"),
            (5, 6, "date", "type-error", "not an ISO 8601 date"),
        ),
        values={
            "actor": ["A", "B", "F", "G"],
            "date": [d(2020, 1, 1), d(2020, 1, 2, 3, 4, 5), d(2020, 1, 5, 6, 7), d(2020, 1, 6, 7, 8, 9, 123456)],
        },
    ),
    case(
        "30 February and other impossible dates",
        text_file("2020-02-30,A,a", "2020-02-29,B,b", "2021-02-29,C,c", "2020-01-01T25:00,D,d", "2020-13-01,E,e"),
        loaded=1,
        rejections=(
            (1, 2, "date", "type-error", "not a real date"),
            (3, 4, "date", "type-error", "not a real date"),
            (4, 5, "date", "type-error", "not a real date"),
            (5, 6, "date", "type-error", "not a real date"),
        ),
        values={"date": [d(2020, 2, 29)]},
    ),
    case(
        "ambiguous day and month",
        text_file("03/04/2020,A,a", "2020-04-03,B,b", "3.4.20,C,c"),
        loaded=1,
        rejections=(
            (1, 2, "date", "type-error", "day/month order is ambiguous; write YYYY-MM-DD"),
            (3, 4, "date", "type-error", "ambiguous"),
        ),
        values={"date": [d(2020, 4, 3)]},
    ),
    case(
        "aware and naive datetimes mixed",
        text_file(
            "2020-01-01T12:00:00+02:00,A,a",
            "2020-01-01T12:00:00,B,b",
            "2020-01-01T12:00:00Z,C,c",
            "2020-01-01T12:00-0530,D,d",
            "2020-01-01 12:00:00 UTC,E,e",
        ),
        loaded=5,
        values={
            "actor": ["A", "B", "C", "E", "D"],
            "date": [d(2020, 1, 1, 10), d(2020, 1, 1, 12), d(2020, 1, 1, 12), d(2020, 1, 1, 12), d(2020, 1, 1, 17, 30)],
        },
        note="1 date has a time of day but no time zone; it was read as UTC (first at row 2)",
    ),
    case(
        "epoch seconds and milliseconds",
        text_file("1577836800,A,a", "1577836800000,B,b", "1577836800.5,C,c", "15778368000,D,d"),
        loaded=3,
        rejections=((4, 5, "date", "type-error", "epoch seconds/milliseconds"),),
        values={"actor": ["A", "B", "C"], "date": [d(2020, 1, 1), d(2020, 1, 1), d(2020, 1, 1, 0, 0, 0, 500000)]},
        note="9–10 digits were read as seconds, 12–13 digits as milliseconds",
    ),
    case(
        "duplicate ids",
        text_file("x1,2020-01-01,A,a", "x2,2020-01-02,B,b", "x1,2020-01-03,C,c", header="id,date,actor,headline"),
        loaded=2,
        rejections=((3, 4, "id", "constraint-error", "the id repeats row 1"),),
        values={"id": ["x1", "x2"], "actor": ["A", "B"]},
    ),
    case(
        "duplicate rows without ids",
        text_file("2020-01-01,A,a", "2020-01-02,B,b", "2020-01-01,A,a", "2020-01-01 00:00,A,a"),
        loaded=2,
        rejections=(
            (3, 4, "", "duplicate-row", "same values in every column as row 1"),
            (4, 5, "", "duplicate-row", "as row 1"),
        ),
        values={"actor": ["A", "B"]},
    ),
    case(
        "required value empty",
        text_file("2020-01-01,,a", ",B,b", "2020-01-03,C,c"),
        loaded=1,
        rejections=(
            (1, 2, "actor", "constraint-error", "required value is empty"),
            (2, 3, "date", "constraint-error", "required value is empty"),
        ),
        values={"actor": ["C"]},
    ),
    case(
        "event_type outside the list",
        text_file("2020-01-01,A,a,threat", "2020-01-02,B,b,Rumour", "2020-01-03,C,c,RETRACTION", header="date,actor,headline,event_type"),
        loaded=2,
        rejections=((2, 3, "event_type", "constraint-error", "must be one of"),),
        values={"event_type": ["threat", "retraction"], "severity": [-6.0, 2.0]},
        note="set from its event_type",
    ),
]


@pytest.mark.parametrize("c", VALUES)
def test_load_bytes_values(c):
    check_case(c)


def json_lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


JSON = [
    case(
        "array over several lines",
        b'[\n  {"date": "2020-01-01", "actor": "A", "headline": "x"},\n  {"date": "2020-13-01", "actor": "B", "headline": "y"}\n]\n',
        loaded=1,
        rejections=((2, 3, "date", "type-error", "not a real date"),),
        values={"actor": ["A"]},
        file_format="JSON",
    ),
    case(
        "date-like keys left as text",
        b'[{"date":"2020-01-01","actor":"A","headline":"x","modified":"2020-02-02","created_at":"2020-03-03T00:00:00Z"}]',
        loaded=1,
        values={"modified": ["2020-02-02"], "created_at": ["2020-03-03T00:00:00Z"]},
    ),
    case(
        "30-digit integer id",
        b'[{"id":123456789012345678901234567890,"date":"2020-01-01","actor":"A","headline":"x"},'
        b'{"id":1.10,"date":"2020-01-02","actor":"B","headline":"y"}]',
        loaded=2,
        values={"id": ["123456789012345678901234567890", "1.10"]},
    ),
    case(
        "NaN and Infinity literals",
        b'[{"date":"2020-01-01","actor":"A","headline":"x","severity":NaN},'
        b'{"date":"2020-01-02","actor":"B","headline":"y","severity":Infinity},'
        b'{"date":"2020-01-03","actor":"C","headline":"z","severity":-3.5}]',
        loaded=2,
        rejections=((2, 1, "severity", "constraint-error", "not a finite number"),),
        values={"actor": ["A", "C"], "severity": [None, -3.5]},
    ),
    case(
        "duplicate keys in one record",
        b'[{"date":"2020-01-01","actor":"A","actor":"B","headline":"x"},\n{"date":"2020-01-02","actor":"C","headline":"y"}]',
        loaded=1,
        rejections=((1, 1, "actor", "duplicate-label", "repeats the key 'actor'"),),
        values={"actor": ["C"]},
    ),
    case(
        "JSON Lines with differing keys",
        json_lines(
            '{"date":"2020-01-01","actor":"A","headline":"x"}',
            '{"date":"2020-01-02","actor":"B","headline":"y","source":"wire"}',
            '{"headline":"z","actor":"C","date":"2020-01-03","extra":1}',
        ),
        loaded=3,
        values={"actor": ["A", "B", "C"], "source": [None, "wire", None], "extra": [None, None, "1"]},
        file_format="JSON Lines",
    ),
    case(
        "nested objects and lists",
        b'[{"date":"2020-01-01","actor":{"name":"A"},"headline":"x"},'
        b'{"date":"2020-01-02","actor":"B","headline":["y"]},'
        b'{"date":"2020-01-03","actor":"C","headline":"z","severity":[1]},'
        b'{"date":"2020-01-04","actor":"D","headline":"ok","meta":{"a":[1,2]}}]',
        loaded=1,
        rejections=(
            (1, 1, "actor", "type-error", "nested list or object"),
            (2, 1, "headline", "type-error", "nested list or object"),
            (3, 1, "severity", "type-error", "nested list or object"),
        ),
        values={"actor": ["D"], "meta": ['{"a": [1, 2]}']},
    ),
    case(
        "records that are not objects",
        b'[{"date":"2020-01-01","actor":"A","headline":"x"}, 5, null, [], {}]',
        loaded=1,
        rejections=(
            (2, 1, "", "type-error", "a number, not an object"),
            (3, 1, "", "type-error", "null, not an object"),
            (4, 1, "", "type-error", "a list, not an object"),
            (5, 1, "", "blank-row", "empty"),
        ),
        values={"actor": ["A"]},
    ),
    case(
        "JSON Lines with a bad line and a blank line",
        json_lines('{"date":"2020-01-01","actor":"A","headline":"x"}', "{bad", "", '{"date":"2020-01-02","actor":"B","headline":"y"}'),
        loaded=2,
        rejections=(
            (2, 2, "", "format-error", "not valid JSON"),
            (3, 3, "", "blank-row", "empty"),
        ),
        values={"actor": ["A", "B"]},
    ),
    case(
        "JSON Lines with a deeply nested line",
        json_lines('{"date":"2020-01-01","actor":"A","headline":"x"}', '{"a":' * 100_000 + "1" + "}" * 100_000),
        loaded=1,
        rejections=((2, 2, "", "format-error", "nested too deeply"),),
        values={"actor": ["A"]},
    ),
    case(
        "JSON Lines with U+2028 inside a string",
        json_lines('{"date":"2020-01-01","actor":"A","headline":"a\u2028b"}', '{"date":"2020-01-02","actor":"B","headline":"c"}'),
        loaded=2,
        values={"headline": ["a\u2028b", "c"]},
    ),
    case(
        "numbers, booleans and epoch dates",
        b'[{"date":1577836800,"actor":"A","headline":"x","severity":-3.5},'
        b'{"date":"2020-01-02","actor":"B","headline":"y","severity":"2"},'
        b'{"date":"2020-01-03","actor":true,"headline":"z","severity":true}]',
        loaded=2,
        rejections=((3, 1, "severity", "type-error", "not a number"),),
        values={"date": [d(2020, 1, 1), d(2020, 1, 2)], "severity": [-3.5, 2.0]},
    ),
]


@pytest.mark.parametrize("c", JSON)
def test_load_bytes_json(c):
    check_case(c)


PARQUET = [
    case(
        "valid file",
        VALID_PARQUET,
        loaded=2,
        values={"actor": ["A", "B"], "severity": [-3.5, 2.0], "date": [d(2020, 1, 1), d(2020, 1, 2, 6, 30)]},
        note="no time zone",
        file_format="Parquet",
    ),
    case(
        "list and struct columns",
        parquet_bytes(
            pa.table(
                {
                    "date": ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"],
                    "actor": pa.array([["A"], None, ["C"], ["D"]]),
                    "headline": ["x", "y", "z", "w"],
                    "tags": pa.array([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}]),
                }
            )
        ),
        loaded=0,
        rejections=(
            (1, None, "actor", "type-error", "nested list or object"),
            (2, None, "actor", "constraint-error", "required value is empty"),
            (3, None, "actor", "type-error", "nested list or object"),
            (4, None, "actor", "type-error", "nested list or object"),
        ),
    ),
    case(
        "struct in a contract column, struct kept as an extra",
        parquet_bytes(
            pa.table(
                {
                    "date": ["2020-01-01", "2020-01-02"],
                    "actor": ["A", "B"],
                    "headline": ["x", "y"],
                    "severity": pa.array([None, {"v": 1.0}], pa.struct([("v", pa.float64())])),
                    "tags": pa.array([[1, 2], []]),
                }
            )
        ),
        loaded=1,
        rejections=((2, None, "severity", "type-error", "nested list or object"),),
        values={"actor": ["A"], "severity": [None], "tags": ["[1, 2]"]},
    ),
    case(
        "years 1 and 9999",
        parquet_bytes(
            pa.table(
                {
                    "date": pa.array([d(1, 1, 1), d(9999, 12, 31, 23, 59, 59), d(2020, 1, 1)], pa.timestamp("us")),
                    "actor": ["A", "B", "C"],
                    "headline": ["x", "y", "z"],
                }
            )
        ),
        loaded=3,
        values={"actor": ["A", "C", "B"], "date": [d(1, 1, 1), d(2020, 1, 1), d(9999, 12, 31, 23, 59, 59)]},
    ),
    case(
        "years 1 and 9999 as dates",
        parquet_bytes(pa.table({"date": pa.array([dt.date(1, 1, 1), dt.date(9999, 12, 31)]), "actor": ["A", "B"], "headline": ["x", "y"]})),
        loaded=2,
        values={"date": [d(1, 1, 1), d(9999, 12, 31)]},
    ),
    case(
        "timestamps with a zone",
        parquet_bytes(
            pa.table(
                {
                    "date": pa.array(
                        [dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))], pa.timestamp("us", tz="Europe/Paris")
                    ),
                    "actor": ["A"],
                    "headline": ["x"],
                }
            )
        ),
        loaded=1,
        values={"date": [d(2020, 1, 1, 11)]},
    ),
    case(
        "extra column twice",
        parquet_bytes(
            pa.Table.from_arrays(
                [pa.array(["2020-01-01"]), pa.array(["A"]), pa.array(["x"]), pa.array(["n1"]), pa.array(["n2"])],
                names=["date", "actor", "headline", "note", "note"],
            )
        ),
        loaded=1,
        values={"note": ["n1"], "note (2)": ["n2"]},
        note="'note' repeats",
    ),
    case(
        "typed numbers, NaN and a uint64 id",
        parquet_bytes(
            pa.table(
                {
                    "id": pa.array([12345678901234567890, 2, 3], pa.uint64()),
                    "date": ["2020-01-01", "2020-01-02", "2020-01-03"],
                    "actor": ["A", "B", "C"],
                    "headline": ["x", "y", "z"],
                    "severity": [float("nan"), float("inf"), 4.0],
                }
            )
        ),
        loaded=2,
        rejections=((2, None, "severity", "constraint-error", "not a finite number"),),
        values={"id": ["12345678901234567890", "3"], "severity": [None, 4.0]},
    ),
    case(
        "CSV bytes named .parquet",
        text_file("2020-01-01,A,x"),
        loaded=1,
        values={"actor": ["A"]},
        file_format="CSV",
    ),
]


@pytest.mark.parametrize("c", PARQUET)
def test_load_bytes_parquet(c):
    check_case(c)


# --- caps -------------------------------------------------------------------------------


def test_load_bytes_row_cap_allows_exactly_the_cap():
    data = text_file("2020-01-01,A,x", "2020-01-02,B,y", "2020-01-03,C,z")
    assert load(data, limits=LoadLimits(max_rows=3)).report.loaded == 3
    assert load(data, limits=LoadLimits(max_rows=2)).report.error.code == "size-error"


def test_load_bytes_byte_cap_allows_exactly_the_cap():
    data = text_file("2020-01-01,A,x")
    assert load(data, limits=LoadLimits(max_bytes=len(data))).report.loaded == 1
    error = load(data, limits=LoadLimits(max_bytes=len(data) - 1)).report.error
    assert error.code == "size-error"
    assert f"the file is {len(data):,} bytes" in error.message


def test_load_bytes_cell_cap_is_configurable():
    data = text_file("2020-01-01,A," + "x" * 11, "2020-01-02,B," + "x" * 10)
    report = load(data, limits=LoadLimits(max_cell_chars=10)).report
    assert [(r.record, r.column, r.code) for r in report.rejections] == [(1, "headline", "constraint-error")]
    assert report.loaded == 1


def test_load_bytes_column_cap_counts_header_before_parsing():
    header = ",".join(["date", "actor", "headline"] + [f"x{i}" for i in range(8)])
    assert load(text_file(header=header), limits=LoadLimits(max_columns=11)).report.error is None
    error = load(text_file(header=header), limits=LoadLimits(max_columns=10)).report.error
    assert error.code == "size-error"
    assert "more than 10 columns" in error.message


def test_load_bytes_listed_rejections_are_capped_but_counted():
    data = text_file(*[f"2020-01-01,A{i},x,abc" for i in range(5)], header="date,actor,headline,severity")
    report = load(data, limits=LoadLimits(max_listed_rejections=2)).report
    assert report.rejected == 5
    assert len(report.rejections) == 2
    assert report.unlisted_rejections == 3


# --- properties -------------------------------------------------------------------------

_PREFIXES = [b"", b"PAR1", b"\x1f\x8b", b"PK\x03\x04", b"[", b"{", b"\xef\xbb\xbf", b"\xff\xfe", (EVENTS + "\n").encode()]


@HYPOTHESIS
@given(prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=600), kind=st.sampled_from(["events", "mentions"]))
def test_load_bytes_never_raises_on_arbitrary_bytes(prefix, body, kind):
    load(prefix + body, kind)


_CELL_CHARS = st.sampled_from(list(',;\t"\r\n =+-@x0123456789.eE:T') + ["\x00", "\u2028", "é", "NA", "2020-01-01"])
_CELLS = st.lists(_CELL_CHARS, max_size=6).map("".join)


@HYPOTHESIS
@given(
    header=st.sampled_from([EVENTS, EVENTS + ",severity", "date;actor;headline", "date,actor,tone,text,count", "x,y"]),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=6), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    kind=st.sampled_from(["events", "mentions"]),
)
def test_load_bytes_balances_csv_shaped_text(header, rows, delimiter, end, kind):
    text = end.join([header] + [delimiter.join(r) for r in rows]) + end
    result = load(text.encode("utf-8"), kind)
    for r in result.report.rejections:
        if r.line is not None:
            # A record starts after the header and after every record before it.
            assert r.line >= r.record + 1, r


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
).filter(lambda s: normalise(s) and not any(c in BIDI for c in s))


@HYPOTHESIS
@given(
    rows=st.lists(
        st.tuples(
            st.datetimes(min_value=d(1971, 1, 1), max_value=d(2100, 1, 1)),
            _TEXT,
            _TEXT,
            st.one_of(st.none(), st.floats(min_value=-10, max_value=10, allow_nan=False)),
        ),
        min_size=1,
        max_size=15,
    ),
    end=st.sampled_from(["\n", "\r\n"]),
)
def test_load_bytes_loads_every_row_of_a_valid_file(rows, end):
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator=end)
    writer.writerow(["date", "actor", "headline", "severity"])
    expected = []
    for i, (when, actor, headline, severity) in enumerate(rows):
        headline = f"{headline} #{i}"  # no two rows are duplicates
        writer.writerow([when.isoformat() + "Z", actor, headline, "" if severity is None else repr(severity)])
        # The text rules: NFC, zero-width characters removed, Unicode spaces trimmed (text_rules.py).
        expected.append((when, normalise(actor), normalise(headline), severity))
    result = load(buf.getvalue().encode("utf-8"))
    assert result.report.rejections == [], result.report.lines()
    assert result.report.loaded == len(rows)
    got = list(
        zip(
            result.table.column("date").to_pylist(),
            result.table.column("actor").to_pylist(),
            result.table.column("headline").to_pylist(),
            result.table.column("severity").to_pylist(),
        )
    )
    assert sorted(got, key=repr) == sorted(expected, key=repr)


# --- the classes of the second review (issue 14): each fixed at its cause ---------------
# Our own cases, not the review's files: other values of each class, through load_bytes.

SILENT_CORRUPTION = [
    case(
        "offsets beyond ±14:00 or with 60 minutes",
        text_file("2021-03-04T05:06:07+15:00,A,a", "2021-03-04T05:06:07-14:01,B,b", "2021-03-04T05:06:07+05:75,C,c",
                  "2021-03-04T05:06:07+1400,D,d", "2021-03-04T05:06:07-09:30,E,e"),
        loaded=2,
        rejections=(
            (1, 2, "date", "type-error", "offset +15:00 is not a real one"),
            (2, 3, "date", "type-error", "offsets run from -14:00 to +14:00"),
            (3, 4, "date", "type-error", "minutes below 60"),
        ),
        values={"actor": ["D", "E"], "date": [d(2021, 3, 3, 15, 6, 7), d(2021, 3, 4, 14, 36, 7)]},
    ),
    case(
        "one legacy line among UTF-8 lines",
        "date,actor,headline\n2021-01-01,Zürich AG,ok\n".encode() + b"2021-01-02,B,na\xefve\n" + "2021-01-03,Zürich AG,fine\n".encode(),
        loaded=3,
        values={"actor": ["Zürich AG", "B", "Zürich AG"], "headline": ["ok", "naïve", "fine"]},
        note="1 line (3) decoded as Windows-1252 (cp1252), every other line as UTF-8",
    ),
    case(
        "a NUL in an extra column's name",
        text_file("2021-01-01,A,a,v", header="date,actor,headline,sco\x00re"),
        loaded=1,
        values={"sco␀re": ["v"]},
        note="holds a NUL byte",
    ),
    case(
        "a count above 2^53 refused, not rounded",
        text_file("2021-01-01,A,9007199254740993", "2021-01-02,B,100000000000", "2021-01-03,C,100000000001", header="date,actor,count"),
        kind="mentions",
        loaded=1,
        rejections=((1, 2, "count", "constraint-error", "at most 100,000,000,000"), (3, 4, "count", "constraint-error", "too large")),
        values={"count": [100_000_000_000]},
    ),
]

VALID_ROWS_KEPT = [
    case(
        "fields holding the separator still differ",
        text_file("2021-01-01,Wire|Co,Stop", "2021-01-01,Wire,Co|Stop", "2021-01-01,Wire,Co|Stop"),
        loaded=2,
        rejections=((3, 4, "", "duplicate-row", "same values in every column as row 2"),),
    ),
    case(
        "sub-second times are distinct events",
        text_file("2021-01-01T00:00:00.250Z,A,x", "2021-01-01T00:00:00.750Z,A,x"),
        loaded=2,
    ),
    case(
        "JSON Lines: a deeply nested first line rejects that line only",
        json_lines('{"x":' * 50_000 + "1" + "}" * 50_000, '{"date":"2021-01-01","actor":"A","headline":"x"}'),
        loaded=1,
        rejections=((1, 1, "", "format-error", "nested too deeply"),),
    ),
    case(
        "JSON Lines: keys in another case line up, a record naming one twice is rejected",
        json_lines('{"Date":"2021-01-01","ACTOR":"A","headline":"x"}', '{"date":"2021-01-02","actor":"B","Actor":"C","headline":"y"}',
                   '{"date":"2021-01-03","actor":"D","headline":"z"}'),
        loaded=2,
        rejections=((2, 2, "actor", "duplicate-label", "names the column 'actor' twice"),),
        values={"actor": ["A", "D"]},
        note="keys matched to columns without case",
    ),
    case(
        "JSON Lines: a record with too many keys, a lone surrogate",
        json_lines("{" + ",".join(f'"k{i}":1' for i in range(600)) + "}", '{"date":"2021-01-01","actor":"\\udc00x","headline":"x"}',
                   '{"date":"2021-01-02","actor":"B","headline":"y"}'),
        loaded=1,
        rejections=((1, 1, "", "constraint-error", "the limit is 500"), (2, 2, "actor", "type-error", "lone surrogate")),
        values={"actor": ["B"]},
    ),
    case(
        "typed int64 counts above 2^53 reject their row only",
        parquet_bytes(pa.table({"date": pa.array([d(2021, 1, 1), d(2021, 1, 2)], pa.timestamp("us")), "actor": ["A", "B"],
                                "count": pa.array([2**53 + 3, 7], pa.int64())})),
        kind="mentions",
        loaded=1,
        rejections=((1, None, "count", "constraint-error", "too large"),),
        values={"count": [7]},
    ),
]

LATER_STAGE_CRASHES = [
    case(
        "year 0000 and a year past 9999",
        text_file("0000-06-01,A,a", "2021-01-01,B,b", "1577836800000000,C,c"),
        loaded=1,
        rejections=((1, 2, "date", "constraint-error", "outside the years 1 to 9999"), (3, 4, "date", "type-error", "not an ISO 8601 date")),
    ),
    case(
        "Parquet decimal256 and float16 columns",
        parquet_bytes(pa.table({"date": pa.array([d(2021, 1, 1)], pa.timestamp("us")), "actor": ["A"], "headline": ["x"],
                                "severity": pa.array([__import__("decimal").Decimal("-2.50")], pa.decimal256(40, 2)),
                                "weight": pa.array([__import__("numpy").float16(0.5)], pa.float16())})),
        loaded=1,
        values={"severity": [-2.5], "weight": ["0.5"]},
    ),
    case(
        "Parquet timestamps in seconds beyond year 9999",
        parquet_bytes(pa.table({"date": pa.array([253402300800 * 4, 1609459200], pa.timestamp("s")), "actor": ["A", "B"], "count": [1, 2]})),
        kind="mentions",
        loaded=1,
        rejections=((1, None, "date", "constraint-error", "outside the years 1 to 9999"),),
        values={"actor": ["B"]},
    ),
    case(
        "Parquet dates far in the past",
        parquet_bytes(pa.table({"date": pa.array([-1_000_000, 18_000], pa.date32()), "actor": ["A", "B"], "headline": ["x", "y"]})),
        loaded=1,
        rejections=((1, None, "date", "constraint-error", "outside the years 1 to 9999"),),
    ),
]

LOOKALIKE_TEXT = [
    case(
        "invisible-only actors are empty, A + zero-width joiner is A",
        text_file("2021-01-01,\u200d,a", "2021-01-02,\u00a0\u00a0,b", "2021-01-03,A\u2060,c", "2021-01-04,A,d", "2021-01-05,Cafe\u0301,e"),
        loaded=3,
        rejections=((1, 2, "actor", "constraint-error", "only invisible characters"), (2, 3, "actor", "constraint-error", "only invisible")),
        values={"actor": ["A", "A", "Café"]},
        note="normalised: Unicode NFC, zero-width characters removed",
    ),
    case(
        "bidi overrides refused in an actor, kept in a headline",
        text_file("2021-01-01,evil\u202egpj.exe,a", "2021-01-02,B,\u2067quoted\u2069"),
        loaded=1,
        rejections=((1, 2, "actor", "constraint-error", "bidirectional control character"),),
        values={"headline": ["\u2067quoted\u2069"]},
    ),
    case(
        "typed Parquet mentions take the same text rules",
        parquet_bytes(pa.table({"date": pa.array([d(2021, 1, 1)] * 3, pa.timestamp("us")), "actor": ["B\u200b", "B", "\u3000"],
                                "count": [1, 2, 3]})),
        kind="mentions",
        loaded=2,
        rejections=((3, None, "actor", "constraint-error", "only invisible characters"),),
        values={"actor": ["B", "B"]},
        note="1 value in actor was normalised",
    ),
    case(
        "a header with a zero-width space matches its column",
        text_file("2021-01-01,A,a", header="date,\u200bactor\u00a0,headline"),
        loaded=1,
        values={"actor": ["A"]},
    ),
]

RETRACTION_GRAPH = [
    case(
        "self-retraction, retraction before its claim, a cycle",
        text_file("c1,2021-01-05,A,claim,", "r1,2021-01-04,A,too early,c1", "s1,2021-01-06,A,itself,s1",
                  "x,2021-01-07,A,one,y", "y,2021-01-07,A,two,x", "r2,2021-01-08,A,fine,c1",
                  header="id,date,actor,headline,retracts"),
        loaded=2,
        rejections=(
            (2, 3, "retracts", "constraint-error", "before the event it retracts (row 1"),
            (3, 4, "retracts", "constraint-error", "cannot retract itself"),
            (4, 5, "retracts", "constraint-error", "form a cycle"),
            (5, 6, "retracts", "constraint-error", "form a cycle"),
        ),
        values={"id": ["c1", "r2"]},
        note="refused",
    ),
]


@pytest.mark.parametrize("c", SILENT_CORRUPTION + VALID_ROWS_KEPT + LATER_STAGE_CRASHES + LOOKALIKE_TEXT + RETRACTION_GRAPH)
def test_load_bytes_review_classes(c):
    check_case(c)


def test_load_bytes_names_the_first_five_missing_retracted_ids_in_the_file_order():
    # Dates out of the file's order, ids hashed across DuckDB's partitions: the note names the
    # first five rows' missing ids, the same every time.
    rows = [f"e{i},2021-{1 + (i * 7) % 12:02d}-{1 + (i * 5) % 28:02d},A,h{i},m{i}" for i in range(1, 41)]
    notes = load(text_file(*rows, header="id,date,actor,headline,retracts")).report.notes
    assert "retracts points at ids not in the file: 'm1', 'm2', 'm3', 'm4', 'm5'" in notes, notes


REVIEW_FILE_ERRORS = [
    file_error("Cyrillic letter in a header", text_file("2021-01-01,A,x", header="date,\u0430ctor,headline"), "missing-label",
               "U+0430 CYRILLIC SMALL LETTER A"),
    file_error("Greek omicron in a mentions header", text_file("2021-01-01,A,1", header="date,act\u03bfr,count"), "missing-label",
               "U+03BF GREEK SMALL LETTER OMICRON", kind="mentions"),
    file_error("gzip of more lines than the row cap", gzip.compress(text_file(*["2021-01-01,A,x"] * 50)), "size-error", "more than 40 rows",
               limits=LoadLimits(max_rows=40)),
    file_error("gzip of blank lines past the row cap", gzip.compress(b"date,actor,headline\n" + b"\n" * 5000), "size-error", "more than 4,000 rows",
               limits=LoadLimits(max_rows=4000)),
]


@pytest.mark.parametrize(("data", "kind", "limits", "code", "message"), REVIEW_FILE_ERRORS)
def test_load_bytes_reports_review_file_problem(data, kind, limits, code, message):
    test_load_bytes_reports_file_problem(data, kind, limits, code, message)


def test_load_bytes_rejections_past_the_listed_cap_are_counted_not_kept():
    rows = [f"2021-01-01,A{i}" for i in range(300)] + ["2021-01-02,B,ok"]
    report = load(text_file(*rows), limits=LoadLimits(max_listed_rejections=10)).report
    assert (report.rows_read, report.loaded, report.rejected) == (301, 1, 300)
    assert len(report.rejections) == 10 and report.unlisted_rejections == 290


@HYPOTHESIS
@given(rows=st.lists(st.tuples(st.datetimes(min_value=d(1990, 1, 1), max_value=d(2030, 1, 1)), _TEXT, _TEXT), min_size=1, max_size=12),
       separator=st.sampled_from(["|", ":", "1:", ","]))
def test_load_bytes_derived_ids_are_injective(rows, separator):
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL)
    writer.writerow(["date", "actor", "headline"])
    for when, actor, headline in rows:
        writer.writerow([when.isoformat() + "Z", actor + separator, headline])
        writer.writerow([when.isoformat() + "Z", actor, separator + headline])
    result = load(buf.getvalue().encode())
    ids = result.table.column("id").to_pylist()
    assert len(ids) == len(set(ids))
    distinct = {(r[0], *(c.strip() for c in r[1:])) for r in rows}
    assert result.report.loaded >= len(distinct)


@HYPOTHESIS
@given(lines=st.lists(st.tuples(st.booleans(), st.text(alphabet="aéZü ", min_size=1, max_size=8)), min_size=1, max_size=10))
def test_load_bytes_never_alters_a_valid_utf8_line(lines):
    out = [b"date,actor,headline"]
    expected = []
    for i, (legacy, word) in enumerate(lines):
        word = word.strip() or "w"
        line = f"2021-01-01,A{i},{word}"
        out.append(line.encode("cp1252") if legacy else line.encode("utf-8"))
        expected.append(word)
    result = load(b"\n".join(out) + b"\n")
    assert result.report.error is None
    assert sorted(result.table.column("headline").to_pylist()) == sorted(expected)


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("Norway: [NO, Norge]\nOntario: ON\n", {"Norway": ("Norway", "NO", "Norge"), "Ontario": ("Ontario", "ON")}),
    ("Yes Alliance:\n  - yes\n  - Off\n", {"Yes Alliance": ("Yes Alliance", "yes", "Off")}),
    ("'1e3': [~, 0x10]\n", {"1e3": ("1e3", "~", "0x10")}),
])
def test_load_actor_dictionary_keeps_yaml_scalars_as_text(yaml_text, expected):
    from dashboard.loading.actors import load_actor_dictionary

    assert load_actor_dictionary(yaml_text.encode()).aliases == expected
