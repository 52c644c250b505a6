"""Narratives defined by keywords: the definition, the matching rule, and the engine's filter."""

from __future__ import annotations

import datetime as dt
import random
import re

import duckdb
import pandas as pd
import pytest

from dashboard.contract import NarrativeFilter, Selection
from dashboard.loading import load_bytes
from dashboard.query.duckdb_engine import Engine
from dashboard.text.narratives import (
    NarrativeError,
    define,
    from_found,
    keywords_pattern,
    matches,
    merge,
    parse_definition,
    split_keywords,
)
from dashboard.text.said import Narrative as Found


def _re2(text: str, keywords) -> bool:
    """The rule as DuckDB (RE2) applies it."""
    return bool(duckdb.execute("SELECT coalesce(regexp_matches(?, ?), false)", [text, keywords_pattern(keywords)]).fetchone()[0])


# (text, keywords, matched?) — worked out by hand
CASES = [
    ("EU tax ruling on Apple", ["tax"], True),
    ("Tax!", ["tax"], True),
    ("TAX", ["tax"], True),
    ("a taxi strike", ["tax"], False),  # word boundaries: not inside a longer word
    ("the syntax of it", ["tax"], False),
    ("tax_free", ["tax"], False),  # "_" is a word character
    ("tax-free shopping", ["tax"], True),  # "-" is not
    ("White   House says", ["white house"], True),  # a phrase's words: any run of space
    ("White\nHouse", ["white house"], True),
    ("Whitehouse", ["white house"], False),
    ("Café society", ["café"], True),  # letters of any script are word characters
    ("CAFÉ", ["café"], True),  # and case-folded
    ("cafés", ["café"], False),
    ("Überweisung", ["über"], False),
    ("über alles", ["über"], True),
    ("北京 says", ["北京"], True),
    ("#TikTok ban", ["#tiktok"], True),
    ("C++ jobs", ["c++"], True),
    ("Cxx jobs", ["c++"], False),
    ("", ["tax"], False),
    ("Huawei ban and tax", ["vaccine", "huawei"], True),  # any keyword
]


@pytest.mark.parametrize(("text", "keywords", "expected"), CASES)
def test_matches_case_and_word_boundaries(text, keywords, expected):
    assert matches(text, keywords) is expected
    assert _re2(text, keywords) is expected  # the engine's rule agrees


# Hostile keywords: each must match only itself, literally, in SQL and in Python.
HOSTILE = ["100%", "a_b", "back\\slash", "o'brien", 'say "no"', "a.b", "a*b", "(x)", "[x]", "x|y", "^x$", "x+?",
           "{2}", "\\d", "\\b", "%_%", "%", "_", "\\", "a\\", "\\Ex\\Q", "'", "''"]


@pytest.mark.parametrize("keyword", HOSTILE)
def test_hostile_keywords_are_literal(keyword):
    kw = define("n", [keyword]).keywords[0]
    assert matches(f"it is {kw} here", [kw]) and _re2(f"it is {kw} here", [kw])
    # the pattern characters do not act: a text lacking the literal characters does not match
    for other in ("it is ab here", "it is axb here", "it is x here", "it is 100 here", "it is 5 here", "it is y here",
                  "it is aab here", "it is \\ here", "zzz"):
        if kw in other:
            continue
        assert matches(other, [kw]) is False, other
        assert _re2(other, [kw]) is False, other


def test_define_cleans_names_and_keywords():
    n = define("  Huawei   and the UK ", ["Huawei", " huawei", "UK  ban", "", "uk ban"])
    assert n == NarrativeFilter("Huawei and the UK", ("huawei", "uk ban"))


@pytest.mark.parametrize(("name", "keywords", "reason"), [
    ("", ["x"], "needs a name"),
    ("n", [], "at least one keyword"),
    ("n", ["", "  "], "at least one keyword"),
    ("n", ["a\x00b"], "control characters"),
    ("n\u200b", ["x"], "control characters"),
    ("n", ["x" * 101], "at most 100"),
    ("n", [f"k{i}" for i in range(51)], "at most 50"),
    ("x" * 81, ["x"], "at most 80"),
])
def test_define_refuses_with_a_reason(name, keywords, reason):
    with pytest.raises(NarrativeError, match=reason):
        define(name, keywords)


def test_parse_definition_and_split_keywords():
    assert parse_definition("huawei=huawei, 5G ,uk ban") == NarrativeFilter("huawei", ("huawei", "5g", "uk ban"))
    assert split_keywords("a, b\nc,,") == ["a", " b", "c"]
    with pytest.raises(NarrativeError, match="NAME=KEYWORD"):
        parse_definition("huawei")
    with pytest.raises(NarrativeError, match="keyword"):
        parse_definition("huawei=")


def test_merge_is_the_union_of_keywords_in_order():
    a, b = define("a", ["huawei", "5g"]), define("b", ["5g", "uk ban"])
    assert merge("tech", [a, b]) == NarrativeFilter("tech", ("huawei", "5g", "uk ban"))
    with pytest.raises(NarrativeError):
        merge("x", [a])


def test_from_found_uses_the_top_terms():
    found = [Found("huawei / china / uk", ["huawei", "china", "uk", "ban"], 0.4), Found("apple / eu", ["apple", "eu"], 0.6)]
    assert from_found(found) == [NarrativeFilter("huawei / china / uk", ("huawei", "china", "uk")),
                                 NarrativeFilter("apple / eu", ("apple", "eu"))]


# --- the engine's filter -----------------------------------------------------------------

WORDS = ["huawei", "tax", "taxi", "vaccine", "Vaccines", "café", "CAFÉ", "cafés", "100%", "a_b", "o'brien", "x|y",
         "china", "China's", "shares", "uk", "ban", "the", "of", "on"]
ACTORS = ["Apple", "Huawei", "Pfizer"]


@pytest.fixture(scope="module")
def generated():
    """Generated mentions with text (some without), several actors, a few days; and the frame."""
    rng = random.Random(7)
    rows = []
    start = dt.datetime(2020, 7, 1)
    for i in range(1500):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))) if i % 11 else ""
        rows.append({"date": start + dt.timedelta(hours=rng.randint(0, 24 * 20)), "actor": rng.choice(ACTORS),
                     "text": text, "count": rng.randint(1, 3)})
    frame = pd.DataFrame(rows)
    csv = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(index=False)
    r = load_bytes(csv.encode(), "mentions")
    assert r.report.loaded == len(frame)
    engine = Engine(mentions=r.table)
    loaded = r.table.select(["date", "actor", "text", "count"]).to_pandas()
    yield engine, loaded
    engine.close()


def _reference(frame: pd.DataFrame, keywords, actors=(), start=None, end=None) -> pd.Series:
    """Mentions per day of the rows whose text matches, computed in pandas with Python's re."""
    body = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keywords)
    pat = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    keep = frame["text"].fillna("").map(lambda t: bool(pat.search(t)))
    if actors:
        keep &= frame["actor"].isin(actors)
    f = frame[keep]
    day = pd.to_datetime(f["date"]).dt.tz_localize(None).dt.floor("D")
    if start is not None:
        f, day = f[day >= pd.Timestamp(start)], day[day >= pd.Timestamp(start)]
    if end is not None:
        f, day = f[day <= pd.Timestamp(end)], day[day <= pd.Timestamp(end)]
    return f.groupby(day)["count"].sum()


@pytest.mark.parametrize(("keywords", "actors", "start", "end"), [
    (("tax",), (), None, None),
    (("café",), (), None, None),
    (("100%", "a_b"), ("Apple",), None, None),
    (("o'brien", "x|y"), (), dt.date(2020, 7, 5), dt.date(2020, 7, 12)),
    (("vaccine", "china"), ("Huawei", "Pfizer"), None, None),
])
def test_engine_narrative_filter_counts_match_pandas(generated, keywords, actors, start, end):
    engine, frame = generated
    sel = Selection(actors=actors, start=start, end=end, narratives=(NarrativeFilter("n", keywords),))
    got = engine.series(sel).set_index("date")["volume"]
    want = _reference(frame, keywords, actors, start, end)
    assert want.sum() > 0
    got = got[got > 0]
    got.index = pd.to_datetime(got.index)
    want.index = pd.to_datetime(want.index)
    pd.testing.assert_series_equal(got.astype("int64"), want.astype("int64"), check_names=False, check_index_type=False,
                                   check_freq=False)


def test_engine_two_narratives_are_either(generated):
    engine, frame = generated
    a, b = NarrativeFilter("a", ("huawei",)), NarrativeFilter("b", ("shares",))
    both = engine.series(Selection(narratives=(a, b)))["volume"].sum()
    assert both == _reference(frame, ("huawei", "shares")).sum()
    assert both > engine.series(Selection(narratives=(a,)))["volume"].sum()


def test_engine_narrative_filter_narrows_the_texts_too(generated):
    engine, _ = generated
    sel = Selection(narratives=(NarrativeFilter("n", ("taxi",)),))
    g = engine.text_groups(sel, dt.datetime(2020, 6, 1), dt.datetime(2020, 8, 1))
    assert len(g) > 0 and all(matches(t, ["taxi"]) for t in g["text"])
    ev = engine.text_evidence(sel)
    assert ev["texts"].sum() > 0


def test_engine_refuses_a_narrative_without_text():
    r = load_bytes(b"date,actor,tone\n2020-07-01,A,0.1\n", "mentions")
    engine = Engine(mentions=r.table)
    try:
        with pytest.raises(ValueError, match="have none"):
            engine.series(Selection(narratives=(NarrativeFilter("n", ("x",)),)))
    finally:
        engine.close()


def test_engine_narrative_filters_events_by_headline():
    events = load_bytes(b"date,actor,headline\n2020-07-01,A,Huawei banned\n2020-07-02,A,Apple taxed\n", "events")
    mentions = load_bytes(b"date,actor,text\n2020-07-01,A,huawei again\n", "mentions")
    engine = Engine(events=events.table, mentions=mentions.table)
    try:
        got = engine.events_in(Selection(narratives=(NarrativeFilter("n", ("huawei",)),)))
        assert got["headline"].tolist() == ["Huawei banned"]
    finally:
        engine.close()


def test_engine_mention_rows_line_up_with_their_texts(generated):
    """The filter finds mentions by position: the engine's rowid is the text's row."""
    engine, frame = generated
    rows = engine._con.execute(
        "SELECT t.row, m.date = t.date AND m.actor = t.actor AND m.count = t.count FROM texts t "
        "JOIN (SELECT rowid AS r, * FROM mentions) m ON m.r = t.row").fetchall()
    assert len(rows) == int((frame["text"].fillna("") != "").sum()) and all(ok for _, ok in rows)



def test_engine_keeps_the_matched_rows_of_a_few_narrative_sets(generated):
    """Each set of narratives is matched once; only the last NARRATIVE_TABLES sets are kept."""
    from dashboard.text.table import NARRATIVE_TABLES

    engine, frame = generated
    for i in range(NARRATIVE_TABLES + 3):
        keywords = ("tax", f"nothing{i}")
        assert engine.series(Selection(narratives=(NarrativeFilter("n", keywords),)))["volume"].sum() == _reference(frame, keywords).sum()
    kept = engine._con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'narrative_rows_%'").fetchone()[0]
    assert kept == NARRATIVE_TABLES
