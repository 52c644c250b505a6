"""Quoted CSV through Arrow's reader (delimited._delimited_arrow, arrow_csv.same_as_python)
reads exactly as the reference parser (Python's csv module, line by line) does.

Each file is read both ways, as raw cells (the same labels, cells, record and line numbers,
rejections, notes) and through load_bytes (the same report and table, see
test_fast_loading.assert_same). Files the fast path must take are checked to take it, and
files it must leave to the reference parser (a stray quote, a quoted line break, text after a
closing quote) to be left.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fast_loading import assert_same
from test_loading_corpus import HYPOTHESIS

from dashboard.contract import column_names
from dashboard.loading import DEFAULT_LIMITS, LoadError, LoadLimits, delimited, native

EVENTS = ("date", "actor", "headline")
H = '"date","actor","headline"'


def raw_both(text: str, limits: LoadLimits = DEFAULT_LIMITS, kind: str = "events"):
    expected = column_names(kind)
    fast = delimited._delimited_arrow(text, limits, expected)
    slow = delimited._parse_delimited_lines(text, limits, expected)
    if fast is not None:
        assert fast.labels == slow.labels
        assert (fast.rows_read, fast.file_format, fast.notes, fast.unlisted) == (slow.rows_read, slow.file_format, slow.notes, slow.unlisted)
        assert fast.rejections == slow.rejections
        assert fast.table.schema == slow.table.schema
        assert fast.table.combine_chunks().equals(slow.table.combine_chunks()), (fast.table.slice(0, 3).to_pylist(),
                                                                                  slow.table.slice(0, 3).to_pylist())
    return fast, slow


def lines(*rows: str, header: str = H, end: str = "\n", last: bool = True) -> str:
    return end.join((header, *rows)) + (end if last else "")


# (id, text, whether Arrow's reader must be taken)
QUOTED = [
    ("quoted commas", lines('"2020-01-01","A, Inc","x, y, z"', '"2020-01-02","B","ok"'), True),
    ("doubled quotes", lines('"2020-01-01","A","say ""hi"""', '"2020-01-02","""B""","a""b"'), True),
    ("a value of one quote", lines('"2020-01-01","A",""""', '"2020-01-02","B","x"'), True),
    ("quoted empty and empty", lines('"2020-01-01","A",""', '2020-01-02,B,', '"2020-01-03","","x"'), True),
    ("spaces inside quotes", lines('"2020-01-01"," A ","  x  "', '"2020-01-02","B","y "'), True),
    ("header unquoted, cells quoted", lines('"2020-01-01","A","x"', header="date,actor,headline"), True),
    ("CRLF", lines('"2020-01-01","A","x, y"', '"2020-01-02","B","z"', end="\r\n"), True),
    ("CRLF, last line without its end", lines('"2020-01-01","A","x"', '"2020-01-02","B","z"', end="\r\n", last=False), True),
    ("LF and CRLF mixed", H + '\n"2020-01-01","A","x"\r\n"2020-01-02","B","y"\n', True),
    ("last line without an end", lines('"2020-01-01","A","x"', '"2020-01-02","B","z"', last=False), True),
    ("empty last cell at the end of the file", lines('"2020-01-01","A","x"', '"2020-01-02","B",', last=False), True),
    ("unicode", lines('"2020-01-01","Zoë","Café ""crème"""', '"2020-01-02","Ünïcode, ☃","日本語"'), True),
    ("duplicates", lines(*['"2020-01-01","A, Ltd","x ""y"""'] * 5), True),
    ("semicolons", 'date;actor;headline\n"2020-01-01";"A; B";"x"\n', True),
    ("pipes", 'date|actor|headline\n"2020-01-01"|"A|B"|"x"\n', True),
    ("header only", H + "\n", True),
    ("quote inside an unquoted cell", lines('2020-01-01,A,say "hi"', '"2020-01-02","B","ok"'), True),
    ("space before an opening quote", lines('2020-01-01,A, "x"', '"2020-01-02","B","ok"'), True),
    ("a delimiter and quotes inside quotes", lines('"2020-01-01","A,""B"",C","x"'), True),
    ("a NUL byte in a quoted cell", lines('"2020-01-01","A","x\x00y"', '"2020-01-02","B","ok"'), True),
    ("stray quote mid-file", lines('"2020-01-01","A","x"', '"2020-01-02","B","open', '"2020-01-03","C","z"'), False),
    ("unterminated quote on the last line", lines('"2020-01-01","A","x"', '"2020-01-02","B","open'), False),
    ("quoted newline", lines('"2020-01-01","A","two\nlines"', '"2020-01-02","B","z"'), False),
    ("quoted CRLF", lines('"2020-01-01","A","two\r\nlines"', '"2020-01-02","B","z"', end="\r\n"), False),
    ("text after a closing quote", lines('"2020-01-01","A","quoted"tail', '"2020-01-02","B","z"'), False),
    ("a space after a closing quote", lines('"2020-01-01","A","x" ', '"2020-01-02","B","z"'), False),
    ("a quote after a closing quote's text", lines('"2020-01-01","ab"c"d","x"', '"2020-01-02","B","z"'), False),
    ("text after a closing quote, then a quoted comma", lines('"2020-01-01","a"b",",x"', '"2020-01-02","B","z"'), False),
    ("a row of the wrong width", lines('"2020-01-01","A"', '"2020-01-02","B","z"'), False),
    ("a row of extra cells", lines('"2020-01-01","A","x","y"', '"2020-01-02","B","z"'), False),
    ("a blank line", lines('"2020-01-01","A","x"', "", '"2020-01-02","B","z"'), False),
    ("a row of blank cells", lines('"2020-01-01","A","x"', '" ","",""'), False),
    ("a header across lines", '"date","actor","head\nline"\n"2020-01-01","A","x"\n', False),
    ("a lone CR", lines('"2020-01-01","A","x\ry"', '"2020-01-02","B","z"'), False),
    ("tab-separated with quotes", 'date\tactor\theadline\n"2020-01-01"\t"A"\t"x"\n', False),
]


@pytest.mark.parametrize(("text", "taken"), [pytest.param(t, k, id=i) for i, t, k in QUOTED])
def test_quoted_csv_reads_as_the_reference_parser(text, taken):
    fast, _ = raw_both(text)
    assert (fast is not None) == taken
    assert_same(text.encode(), "events")
    assert_same(b"\xef\xbb\xbf" + text.encode(), "events")  # with a BOM


def test_quoted_csv_over_the_row_cap_is_refused_as_the_reference_parser_does():
    text = lines(*[f'"2020-01-0{i}","A","x"' for i in range(1, 6)])
    limits = LoadLimits(max_rows=3)
    for parse in (delimited._delimited_arrow, delimited._parse_delimited_lines):
        with pytest.raises(LoadError, match="more than 3 rows"):
            parse(text, limits, EVENTS)


def test_quoted_csv_with_a_cell_over_the_cap_takes_the_reference_parser():
    text = lines('"2020-01-01","A","' + "x" * 40 + '"', '"2020-01-02","B","z"')
    limits = LoadLimits(max_cell_chars=30)
    fast, slow = raw_both(text, limits)
    assert fast is None and [r.code for r in slow.rejections] == ["constraint-error"]


def test_the_real_shaped_export_takes_arrow():
    """The shape of benchmarks/generate.py's real CSV: every field quoted by DuckDB, nulls empty."""
    rows = [f'"2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z","Actor {i % 7:03d}{", ""Ltd""" if i % 5 == 0 else ""}",'
            f'{"" if i % 9 == 0 else f"{(i % 19 - 9) / 10}"},"{1 + i % 4}","source-{i % 3}"' for i in range(300)]
    text = lines(*rows, header='"date","actor","tone","count","source"')
    fast, _ = raw_both(text, kind="mentions")
    assert fast is not None
    assert native.screen_text(fast, DEFAULT_LIMITS) is not None  # and the typed screen after it
    assert_same(text.encode(), "mentions")


@pytest.mark.parametrize(("header", "alphabet", "longest", "ends"), [
    ("date,actor", '"a,', 8, ("\n",)),
    ("date,actor,headline", '"a, ', 6, ("\n", "\r\n", "")),
])
def test_every_short_line_reads_as_the_reference_parser(header, alphabet, longest, ends):
    """Every line of up to `longest` bytes over an alphabet of quotes, delimiters and text, as the
    only record (LF, CRLF or no line end): Arrow's reading, where the proof takes it, is the
    reference parser's cell for cell (raw_both); the proof holds without reading any line again."""
    taken = 0
    for end in ends:
        for size in range(longest + 1):
            for chars in itertools.product(alphabet, repeat=size):
                fast, _ = raw_both(header + "\n" + "".join(chars) + end)
                taken += fast is not None
    assert taken > 100  # the proof takes the well-quoted lines (a third of them quoted, some with doubled quotes)


_CELL_TEXT = st.text(alphabet=st.sampled_from(['a', 'B', ' ', ',', '"', 'é', '1', '-', ':', 'T', 'Z', '\n', '\r', ';']), max_size=6)


@st.composite
def _cell(draw) -> str:
    """One cell as written: quoted properly, left bare, or broken in one of the ways files are."""
    value = draw(_CELL_TEXT)
    how = draw(st.sampled_from(["quoted", "quoted", "bare", "bare", "open", "tail", "space"]))
    if how == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if how == "bare":
        return value.replace("\n", "").replace("\r", "").replace(",", "")
    if how == "open":
        return '"' + value
    if how == "tail":
        return '"' + value.replace('"', '""') + '"' + draw(st.sampled_from(["x", '"', ' ', 'y"z']))
    return " " + '"' + value + '"'


@HYPOTHESIS
@given(rows=st.lists(st.lists(_cell(), min_size=2, max_size=4), max_size=12),
       end=st.sampled_from(["\n", "\r\n"]), last=st.booleans())
def test_random_quoted_csv_reads_the_same_both_ways(rows, end, last):
    header = '"date","actor","headline"'
    text = end.join([header] + [",".join(r) for r in rows]) + (end if last else "")
    raw_both(text)
    assert_same(text.encode(), "events")


@HYPOTHESIS
@given(rows=st.lists(st.tuples(*[_CELL_TEXT.map(lambda v: '"' + v.replace('"', '""') + '"')] * 3), max_size=12))
def test_random_well_quoted_csv_without_line_breaks_takes_arrow(rows):
    """Every cell quoted and closed, no line break inside: Arrow's reader is taken, and agrees."""
    body = [",".join(r) for r in rows if not any("\n" in c or "\r" in c for c in r)]
    body = [b for b in body if any(ch not in ' ",' for ch in b)]  # a row of blank cells is the reference's
    text = lines(*body)
    fast, _ = raw_both(text)
    assert fast is not None
