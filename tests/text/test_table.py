"""The engine keeps the mentions' texts in a lean side table, and only aggregates come out."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from dashboard.contract import Selection
from dashboard.loading import load_bytes
from dashboard.query.duckdb_engine import Engine
from dashboard.text.table import TEXT_COLUMNS, text_rows

D1 = dt.datetime(2020, 7, 1)
D3 = dt.datetime(2020, 7, 3)

CSV = (
    "date,actor,text,source,url\n"
    "2020-07-01T08:00:00Z,Amazon,Amazon bans TikTok on phones,Reuters,https://r/1\n"
    "2020-07-01T09:00:00Z,Amazon,\"AMAZON bans TikTok, on phones!\",CNBC,https://c/1\n"
    "2020-07-01T09:30:00Z,TikTok,Amazon bans TikTok on phones,Guardian,\n"
    "2020-07-02T10:00:00Z,TikTok,TikTok weighs a London office,Reuters,https://r/2\n"
    "2020-07-02T11:00:00Z,TikTok,,Reuters,\n"
)


@pytest.fixture
def engine():
    r = load_bytes(CSV.encode(), "mentions")
    assert r.report.loaded == 5
    e = Engine(mentions=r.table)
    yield e
    e.close()


def test_texts_kept_in_the_engine_with_source_and_url(engine):
    assert engine.has_text and engine.text_rows == 4  # the row without text is a mention, not a text
    cols = [r[0] for r in engine._con.execute("DESCRIBE texts").fetchall()]
    assert tuple(cols) == TEXT_COLUMNS
    urls = {r[0] for r in engine._con.execute("SELECT url FROM texts").fetchall()}
    assert urls == {"https://r/1", "https://c/1", None, "https://r/2"}


def test_texts_not_in_the_mentions_table(engine):
    cols = {r[0] for r in engine._con.execute("DESCRIBE mentions").fetchall()}
    assert "text" not in cols and "url" not in cols


def test_text_groups_collapse_exact_copies_across_case_and_punctuation(engine):
    g = engine.text_groups(Selection(), D1, D3)
    assert len(g) == 2
    top = g.iloc[0]
    assert top["copies"] == 3 and top["sources"] == 3
    assert top["text"] == "Amazon bans TikTok on phones"  # the earliest wording
    assert top["source"] == "Reuters"


def test_text_groups_follow_the_actor_filter_and_window(engine):
    g = engine.text_groups(Selection(actors=("TikTok",)), D1, D3)
    assert sorted(g["copies"]) == [1, 1]
    g = engine.text_groups(Selection(), dt.datetime(2020, 7, 2), D3)
    assert g["text"].tolist() == ["TikTok weighs a London office"]
    assert engine.text_groups(Selection(actors=("Nobody",)), D1, D3).empty


def test_text_groups_limit_and_sample_order(engine):
    assert len(engine.text_groups(Selection(), D1, D3, limit=1)) == 1
    a = engine.text_groups(Selection(), D1, D3, order="sample")
    b = engine.text_groups(Selection(), D1, D3, order="sample")
    assert a["key"].tolist() == b["key"].tolist() == sorted(a["key"].tolist())
    with pytest.raises(ValueError, match="order"):
        engine.text_groups(Selection(), D1, D3, order="drop table")


def test_a_text_naming_two_actors_is_one_copy():
    csv = "date,text,source\n2020-07-01,Amazon and TikTok agree,Reuters\n2020-07-01,TikTok alone,Reuters\n"
    actors = b"canonical,alias\nAmazon,Amazon\nTikTok,TikTok\n"
    r = load_bytes(csv.encode(), "mentions", actors=actors)
    assert r.table.num_rows == 3
    e = Engine(mentions=r.table)
    try:
        g = e.text_groups(Selection(), D1, D3)
        assert dict(zip(g["text"], g["copies"], strict=True)) == {"Amazon and TikTok agree": 1, "TikTok alone": 1}
        assert e.text_total(Selection(), D1, D3) == (2, 2)
        assert e.text_total(Selection(actors=("Amazon",)), D1, D3) == (1, 1)
    finally:
        e.close()


def test_text_evidence_per_bucket(engine):
    ev = engine.text_evidence(Selection())
    assert ev["date"].dt.day.tolist() == [1, 2]
    day1, day2 = ev.iloc[0], ev.iloc[1]
    assert day1["volume"] == 3 and day1["sources"] == 3 and day1["top_share"] == pytest.approx(1 / 3)
    assert day1["texts"] == 3 and day1["distinct_texts"] == 1 and day1["copy_share"] == pytest.approx(2 / 3)
    assert day2["top_source"] == "Reuters" and day2["top_share"] == 1.0 and day2["copy_share"] == 0.0


@pytest.mark.parametrize("csv", [
    "date,actor,tone\n2020-07-01,A,0.5\n",  # no text column
    "date,actor,tone,text\n2020-07-01,A,0.5,\n2020-07-02,A,0.1,   \n",  # text column, all blank
])
def test_no_text_means_no_text_rows(csv):
    r = load_bytes(csv.encode(), "mentions")
    e = Engine(mentions=r.table)
    try:
        assert not e.has_text and e.text_rows == 0
        assert e.text_groups(Selection(), D1, D3).empty
        assert e.text_total(Selection(), D1, D3) == (0, 0)
    finally:
        e.close()


def test_empty_engine_has_an_empty_texts_table():
    e = Engine()
    try:
        assert not e.has_text
        assert e.text_evidence(Selection()).empty
    finally:
        e.close()


def test_text_rows_keeps_dictionary_columns_and_fills_count():
    t = pa.table({
        "date": pa.array([D1, D1], pa.timestamp("us", tz="UTC")),
        "actor": pa.array(["A", "B"]).dictionary_encode(),
        "text": pa.array(["x y", None]),
        "count": pa.array([None, 2], pa.int64()),
    })
    out = text_rows(t)
    assert out is not None and out.num_rows == 1
    assert out.column("count").to_pylist() == [1]
    assert out.column("row").to_pylist() == [0]
    assert out.column("date").type == pa.timestamp("us")


def test_hostile_text_is_data_not_sql(engine):
    csv = "date,actor,text\n2020-07-01,A,\"'); DROP TABLE texts; --\"\n2020-07-01,A,<script>alert(1)</script>\n"
    e = Engine(mentions=load_bytes(csv.encode(), "mentions").table)
    try:
        g = e.text_groups(Selection(), D1, D3)
        assert set(g["text"]) == {"'); DROP TABLE texts; --", "<script>alert(1)</script>"}
    finally:
        e.close()


def test_the_side_table_is_stored_compressed_and_read_through_its_view():
    """The texts sit in a compressed in-memory database (dictionary/FSST), `texts` a view of them:
    what a text costs in memory is its compressed size (BENCHMARKS.md, the text side table)."""
    n = 4_000
    table = pa.table({
        "date": pa.array([D1 + dt.timedelta(minutes=i) for i in range(n)], pa.timestamp("us")),
        "actor": pa.array(["TikTok", "Amazon"] * (n // 2)),
        "count": pa.array([1] * n, pa.int64()),
        "tone": pa.array([0.0] * n),
        "text": pa.array([f"TikTok weighs a London office, report {i % 89}" for i in range(n)]),
    })
    engine = Engine(mentions=table)
    try:
        kinds = dict(engine._con.execute(
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('textdb.texts') GROUP BY ALL").fetchall())
        assert "Uncompressed" not in kinds["text"], kinds
        assert engine._con.execute("SELECT count(*), count(DISTINCT key) FROM texts").fetchall() == [(n, 89)]
    finally:
        engine.close()


@pytest.mark.parametrize("shuffled", [False, True], ids=["in date order", "in no order"])
def test_the_side_table_filled_in_batches_is_the_table_filled_at_once(monkeypatch, shuffled):
    """create_texts puts the texts in TEXT_BATCH rows at a time, each batch compressed before the
    next (the memory of 10 million texts): the same rows, keys and order (date, then row) as one
    batch, whether the file was in date order or not, every batch compressed."""
    import random

    from dashboard.text import table as side

    n = 2_500
    minutes = list(range(n))
    if shuffled:
        random.Random(7).shuffle(minutes)
    table = pa.table({
        "date": pa.array([D1 + dt.timedelta(minutes=m // 3) for m in minutes], pa.timestamp("us")),  # ties: by row
        "actor": pa.array(["TikTok", "Amazon", "Oracle"] * (n // 3) + ["TikTok"] * (n % 3)),
        "count": pa.array([1 + i % 4 for i in range(n)], pa.int64()),
        "tone": pa.array([0.0] * n),
        "text": pa.array([f"TikTok weighs a London office, report {i % 97}" if i % 11 else "" for i in range(n)]),
        "url": pa.array([f"https://example.org/{i}" for i in range(n)]),
    })

    def rows(batch: int):
        monkeypatch.setattr(side, "TEXT_BATCH", batch)
        engine = Engine(mentions=table)
        try:
            got = engine._con.execute("SELECT * FROM texts").fetchall()  # the stored order, no ORDER BY
            kinds = {k for (k,) in engine._con.execute(
                "SELECT DISTINCT compression FROM pragma_storage_info('textdb.texts') WHERE column_name = 'text'").fetchall()}
            return got, kinds
        finally:
            engine.close()

    once, _ = rows(10**9)
    batched, kinds = rows(400)
    assert batched == once and len(once) == sum(1 for i in range(n) if i % 11)
    assert [(r[1], r[0]) for r in once] == sorted((r[1], r[0]) for r in once)  # date, then row
    assert "Uncompressed" not in kinds, kinds
