"""Narratives as filters on the real headlines, read in place from ../shared/data/external.

No headline is written into the repo: the tests check properties — found narratives are the
same twice, a narrative's mentions are exactly those a pandas reference matches, what is said
within a narrative uses its keywords.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from factories import load_headlines

from dashboard.contract import NarrativeFilter, Selection
from dashboard.query.duckdb_engine import Engine
from dashboard.text.narratives import find_for_dataset, matches
from dashboard.text.said import compute_said

pytestmark = pytest.mark.external

@pytest.fixture(scope="module")
def headlines(external, tmp_path_factory):
    actors = tmp_path_factory.mktemp("actors") / "actors.csv"
    actors.write_text("canonical,alias\nNews,the\nNews,a\nNews,to\nNews,of\nNews,in\nNews,on\nNews,for\n")
    table = load_headlines(external, actors)
    engine = Engine(mentions=table)
    yield engine, table.select(["date", "text", "count"]).to_pandas()
    engine.close()


def _reference(frame, keywords) -> int:
    body = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keywords)
    pat = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    return int(frame.loc[frame["text"].fillna("").map(lambda t: bool(pat.search(t))), "count"].sum())


def test_real_found_narratives_are_deterministic_definitions(headlines):
    engine, _ = headlines
    first = find_for_dataset(engine)
    assert 2 <= len(first) <= 6
    assert find_for_dataset(engine) == first  # seed 0: the same file, the same narratives
    assert all(n.keywords and n.name for n in first)


def test_real_narrative_filter_matches_a_pandas_reference(headlines):
    engine, frame = headlines
    for n in find_for_dataset(engine)[:3] + [NarrativeFilter("huawei", ("huawei", "5g"))]:
        got = int(engine.series(Selection(narratives=(n,)))["volume"].sum())
        assert got == _reference(frame, n.keywords) > 0, n


def test_real_said_within_a_narrative_uses_its_keywords(headlines):
    engine, _ = headlines
    sel = Selection(narratives=(NarrativeFilter("huawei", ("huawei",)),))
    said = compute_said(engine, sel, dt.datetime(2020, 7, 13), dt.datetime(2020, 7, 18), top=5)
    assert said.mentions and all(matches(m.text, ["huawei"]) for m in said.mentions)
