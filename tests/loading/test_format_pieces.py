"""The known formats converted a piece of rows at a time (formats/acled.py, formats/gdelt.py;
the actors found in text, formats/text.py), the raw table consumed as they go, into a
RowBuilder that turns its rows into Arrow every FLUSH_ROWS rows: the same table and load
report whatever the sizes — on the real ACLED, GDELT and headline files in ../shared and on
synthetic files with rejections in every piece (ACLED: a bad date, an unknown event type, bad
fatalities, a cut-off record; GDELT: a bad id, SQLDATE, QuadClass, root code, DATEADDED,
AvgTone; texts: empty, naming no actor, naming two; wide tables: a bad date, a bad count,
fractions and zeros), the wide tables melted a piece of day rows at a time (formats/wide.py)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from unittest.mock import patch

import pytest

from dashboard.demo import DATA
from dashboard.loading import load_bytes
from dashboard.loading.actors import load_actor_dictionary
from dashboard.loading.formats.common import RowBuilder, piece_cells

EXTERNAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "external"
GDELT = EXTERNAL / "gdelt-v2-events-20180326" / "20180326044500.export.CSV"
HEADLINES = EXTERNAL / "financial-headlines-jul2020" / "cnbc_headlines.csv"
PIECES = ("acled", "gdelt", "text")


def _synthetic_acled() -> bytes:
    head = "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,admin1,location,country,notes,fatalities\n"
    rows = []
    for i in range(200):
        date = ["2021-03-04", "4 March 2021", "4-Mar-21", "2021-13-40"][i % 4]
        kind = "Riots" if i % 7 else "Parade"
        deaths = str(i % 5) if i % 11 else "-1"
        if i % 13 == 0:
            rows.append(f"X{i},{date},2021,{kind},Mob violence,A{i % 9},,,,,,\n")  # cut off
        else:
            rows.append(f"X{i},{date},2021,{kind},Mob violence,A{i % 9},B,R,L{i % 3},C,n,{deaths}\n")
    return (head + "".join(rows)).encode()


def _synthetic_gdelt() -> bytes:
    """GDELT 2.0 Events records (61 fields), some rejected by events, some by mentions."""
    lines = []
    for i in range(120):
        gid = str(800 + i) if (i + 1) % 17 else "x1"  # (the first rows good: the file is recognised by them)
        day = "20180326" if (i + 1) % 5 else "20181332"
        quad = str(i % 4 + 1) if i % 11 else "7"
        root = ["01", "14", "", "19", "99"][i % 5] if i % 3 else "19"
        added = "20180326044500" if i % 7 else "2018032604"
        tone = f"-{i % 9}.25" if i % 13 else "bad"
        actor1 = ["USA", "UNITED STATES"] if i % 4 else ["", ""]
        fields = [gid, day, day[:6], day[:4], "2018.2", *actor1, *[""] * 8, "CAN", f"ACTOR {i % 6}", *[""] * 8,
                  "0", f"{root}1", f"{root}1", root, quad, "-2.0", str(i % 5), "1", "2", tone,
                  *["4", "Toronto, Ontario, Canada", "CA", "CA08", "12686", "43.6", "-79.4", "-5748"] * 3,
                  added, f"https://www.example.com/{i // 3}"]
        assert len(fields) == 61
        lines.append("\t".join(fields))
    return ("\n".join(lines) + "\n").encode()


def _synthetic_texts() -> bytes:
    rows = ["date,text"]
    for i in range(150):
        text = ["TikTok bans Oracle", "nothing here", "", "Microsoft and TikTok", "the White House"][i % 5]
        rows.append(f"2020-07-{i % 28 + 1:02d},{text}")
    return ("\n".join(rows) + "\n").encode()


def _synthetic_wide() -> bytes:
    """Day rows of counts: zeros, fractions, missing-value tokens, bad counts and bad dates; two
    rows of one day."""
    rows = ["Date,Zeta,Alpha, Mid ,Grand Total"]
    for i in range(90):
        day = f"2020-03-{i % 28 + 1:02d}" if i % 17 else "2020-02-30"
        cells = [str(i % 4), ["0.5", "1.5", "2", "NA", "", "+3", "-0"][i % 7], "x" if i % 19 == 5 else str(i % 3), "9"]
        rows.append(",".join([day, *cells]))
    return ("\n".join(rows) + "\n").encode()


def _load(data: bytes, piece: int, flush: int, **options):
    with ExitStack() as stack:
        for module in PIECES:
            stack.enter_context(patch(f"dashboard.loading.formats.{module}._PIECE_ROWS", piece))
        stack.enter_context(patch("dashboard.loading.formats.wide._PIECE_CELLS", piece))  # (a row at least)
        stack.enter_context(patch.object(RowBuilder, "FLUSH_ROWS", flush))
        result = load_bytes(data, **options)
    return result.table, result.report


def _actors():
    return load_actor_dictionary(DATA / "tiktok-2020" / "actors.csv")


CASES = {
    "synthetic ACLED": (_synthetic_acled, {"kind": "events"}),
    "synthetic GDELT events": (_synthetic_gdelt, {"kind": "events"}),
    "synthetic GDELT as mentions": (_synthetic_gdelt, {"kind": "mentions"}),
    "synthetic texts with actors": (_synthetic_texts, {"kind": "mentions", "actors": "tiktok"}),
    "synthetic wide table": (_synthetic_wide, {"kind": "mentions", "wide": True}),
    "covid twitter wide": (EXTERNAL / "gdelt-twitter-covid-country-mentions-2020" / "twitter.csv",
                           {"kind": "mentions", "wide": True}),
    "covid gdelt wide": (EXTERNAL / "gdelt-twitter-covid-country-mentions-2020" / "gdelt.csv",
                         {"kind": "mentions", "wide": True}),
    "acled-2020-global-sample": (EXTERNAL / "acled-2020-global-sample" / "acled.csv", {"kind": "events"}),
    "acled-2020-afghanistan-sample": (EXTERNAL / "acled-2020-afghanistan-sample" / "ACLED.csv", {"kind": "events"}),
    "gdelt-v2-events": (GDELT, {"kind": "events"}),
    "gdelt-v2-events as mentions": (GDELT, {"kind": "mentions"}),
    "cnbc headlines with actors": (HEADLINES, {"kind": "mentions", "mapping": {"date": "Time", "text": "Headlines"},
                                               "actors": "tiktok"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_known_format_converted_in_pieces_is_converted_as_a_whole(name):
    source, options = CASES[name]
    if isinstance(source, Path):
        if not source.exists():
            pytest.skip(f"{source} is not here")
        data = source.read_bytes()
    else:
        data = source()
    options = dict(options)
    if options.get("actors") == "tiktok":
        options["actors"] = _actors()
    whole_table, whole = _load(data, 10**9, 10**9, **options)
    assert whole.loaded > 0
    if name.startswith("synthetic"):
        assert whole.rejected > 0
    # Tiny pieces on the small synthetic files; on the real files (thousands of rows) pieces
    # that still cut them into dozens (a batch a row there would take minutes).
    sizes = ((1, 1), (3, 7), (64, 5)) if whole.rows_read < 1000 and not options.get("wide") else ((97, 211), (1000, 333))
    for piece, flush in sizes:
        table, report = _load(data, piece, flush, **options)
        assert table.equals(whole_table), (piece, flush)
        assert (report.rows_read, report.loaded, report.rejected) == (whole.rows_read, whole.loaded, whole.rejected)
        assert report.rejections == whole.rejections
        assert report.notes == whole.notes


def test_rows_added_a_piece_at_a_time_are_the_rows_added_one_by_one():
    """RowBuilder.add_piece (cells copied as Arrow, of any type the readers give) builds the table
    add builds from the same cells as Python strings, record and line numbers (null lines too) kept."""
    import pyarrow as pa

    from dashboard.loading.raw import LINE, RECORD, RawTable

    n = 9
    source = pa.table({
        "c0": pa.array([f"é{i}" if i % 4 else None for i in range(n)], type=pa.string()),
        "c1": pa.array([f"L{i}" for i in range(n)], type=pa.large_string()),
        "c2": pa.array([i * 10**15 if i % 3 else None for i in range(n)], type=pa.int64()),
        "c3": pa.array([[i, i + 1] for i in range(n)]),
        RECORD: pa.array(range(1, n + 1), type=pa.int64()),
        LINE: pa.array([i + 2 if i % 2 else None for i in range(n)], type=pa.int64()),
    })
    labels = ["made", "a", "b", "c", "d"]
    kept = [0, 2, 3, 7, 8]

    def raw() -> RawTable:
        return RawTable(["a", "b", "c", "d"], source, n, "test")

    one_by_one = RowBuilder(raw(), labels)
    cells = [piece_cells(source, i) for i in range(4)]
    for j in kept:
        one_by_one.add(j, [f"m{j}", *(c[j] for c in cells)])
    at_once = RowBuilder(raw(), labels)
    at_once.add(1, ["first", "x", "y", "z", "w"])  # rows added one by one before a piece stay first
    at_once.add_piece(0, [], [[], *(source.column(f"c{i}") for i in range(4))])
    at_once.add_piece(0, kept, [[f"m{j}" for j in kept], *(source.column(f"c{i}") for i in range(4))])
    expected = RowBuilder(raw(), labels)
    expected.add(1, ["first", "x", "y", "z", "w"])
    for j in kept:
        expected.add(j, [f"m{j}", *(c[j] for c in cells)])
    assert at_once.build("t").table.equals(expected.build("t").table)
    assert one_by_one.build("t").table.column("c4").to_pylist()[1] == "[2, 3]"  # a list column: its text form


def _plain_wide() -> bytes:
    """Day rows of plain digit counts (the numpy melt's), days out of order and repeated, bad and
    empty dates, rows of zeros, leading zeros and 11-digit counts; one fraction and one word (the
    pieces holding them melted cell by cell)."""
    rows = ["Date,Zeta,alpha,Émile, Mid ,Grand Total"]
    for i in range(300):
        day = "" if i == 40 else "2020-13-01" if i % 23 == 7 else f"2020-{(i * 7) % 12 + 1:02d}-{i % 28 + 1:02d}"
        cells = [str(i % 3), "0" if i % 5 else "007", str(10**11 - 1) if i == 3 else str(i % 2), "0" if i % 4 else "12",
                 "99"]
        if i == 150:
            cells[1] = "2.5"
        if i == 250:
            cells[3] = "x"
        rows.append(",".join([day, *cells]))
    return ("\n".join(rows) + "\n").encode()


WIDE_CASES = {
    "plain wide table": _plain_wide,
    "synthetic wide table": _synthetic_wide,
    "covid twitter wide": EXTERNAL / "gdelt-twitter-covid-country-mentions-2020" / "twitter.csv",
    "covid gdelt wide": EXTERNAL / "gdelt-twitter-covid-country-mentions-2020" / "gdelt.csv",
}


def _cell_by_cell(data: bytes, piece: int) -> tuple:
    """The wide table as the reference reads it: string cells, every count read by Python."""
    import dashboard.loading.delimited as delimited

    plain_reader = delimited._delimited_arrow
    with patch("dashboard.loading.formats.wide._plain_counts", return_value=None), \
            patch.object(delimited, "_delimited_arrow", lambda *a, **k: plain_reader(*a[:3])):
        return _load(data, piece, 10**9, kind="mentions", wide=True)


@pytest.mark.parametrize("name", list(WIDE_CASES))
def test_a_wide_table_melted_in_numpy_is_the_one_melted_cell_by_cell(name):
    """The dictionary-encoded reading and the numpy melt of plain counts (formats/wide.py) give the
    table, rejections and notes of string cells read one by one, whatever the pieces."""
    import dashboard.loading.formats.wide as wide

    source = WIDE_CASES[name]
    if isinstance(source, Path) and not source.exists():
        pytest.skip(f"{source} is not here")
    data = source.read_bytes() if isinstance(source, Path) else source()
    for piece in (1, 7, 64, 10**9):
        want_table, want = _cell_by_cell(data, piece)
        plain: list[bool] = []  # for each piece, whether its counts were melted in numpy

        def counted(*args, real=wide._plain_counts, plain=plain):
            counts = real(*args)
            plain.append(counts is not None)
            return counts

        with patch.object(wide, "_plain_counts", counted):
            table, report = _load(data, piece, 10**9, kind="mentions", wide=True)
        assert table.equals(want_table), (name, piece)
        assert (report.rows_read, report.loaded, report.rejected) == (want.rows_read, want.loaded, want.rejected)
        assert report.rejections == want.rejections and report.notes == want.notes
        if name == "plain wide table":
            assert want.rejected > 0
            assert (any(plain) and not all(plain)) if piece < 10**9 else plain == [False]  # (one piece: the fraction's)
