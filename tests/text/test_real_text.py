"""What is being said, on real text read in place from ../shared/data/external.

No text of these files is written into the repo: the tests load them where they are and
check properties (every mention shown is verbatim one of the file's texts, copies add up,
terms are significant), plus a few words any reader of July 2020 news would expect.
"""

from __future__ import annotations

import datetime as dt

import pytest
from factories import PUBLISHERS, load_headlines

from dashboard.contract import Selection
from dashboard.loading import load_path
from dashboard.model.analysis import analyse
from dashboard.query.duckdb_engine import Engine
from dashboard.text.said import MIN_G2, compute_said

pytestmark = pytest.mark.external

# A broad dictionary of who and what the business news of 2020 is about (names, not text).
ACTORS = """canonical,alias
Donald Trump,Trump
China,China
China,Chinese
China,Beijing
Federal Reserve,Fed
Federal Reserve,Federal Reserve
Coronavirus,coronavirus
Coronavirus,Covid
Coronavirus,Covid-19
Coronavirus,pandemic
Coronavirus,vaccine
Stocks,stocks
Stocks,Wall Street
Stocks,shares
Apple,Apple
Amazon,Amazon
TikTok,TikTok
European Union,EU
"""


@pytest.fixture(scope="module")
def headlines(external, tmp_path_factory):
    """The three publishers' headlines, each loaded as its own file, with its publisher as source."""
    actors = tmp_path_factory.mktemp("actors") / "actors.csv"
    actors.write_text(ACTORS)
    table = load_headlines(external, actors)
    engine = Engine(mentions=table)
    yield engine, set(table.column("text").to_pylist())
    engine.close()


def _check_honest(said, texts):
    for m in said.mentions:
        assert m.text in texts, "a representative mention must be verbatim one of the file's texts"
        assert m.copies >= 1 and m.sources >= (1 if m.source else 0)
    for t in said.terms:
        assert t.score >= MIN_G2 and t.window >= 2
    assert sum(n.share for n in said.narratives) == pytest.approx(1.0) or not said.narratives


def test_real_headlines_keep_their_text_and_source(headlines):
    engine, texts = headlines
    assert engine.has_text and engine.text_rows > 500
    g = engine.text_groups(Selection(), dt.datetime(2020, 1, 1), dt.datetime(2021, 1, 1), limit=5_000)
    assert set(g["source"].dropna()) == set(PUBLISHERS.values())
    assert set(g["text"]) <= texts


def test_real_headlines_said_on_the_huawei_day(headlines):
    engine, texts = headlines
    said = compute_said(engine, Selection(), dt.datetime(2020, 7, 15), dt.datetime(2020, 7, 16), top=5)
    _check_honest(said, texts)
    assert said.texts >= 30
    terms = [t.term for t in said.terms]
    # The UK's ban of Huawei (14 July 2020) leads the day's new words against the week before.
    assert "huawei" in terms[:3]
    assert len({m.source for m in said.mentions}) == 3  # one per publisher first
    assert said.narratives and any("huawei" in n.terms for n in said.narratives)


def test_real_headlines_said_for_one_actor_and_a_range(headlines):
    engine, texts = headlines
    said = compute_said(engine, Selection(actors=("China",)), dt.datetime(2020, 7, 13), dt.datetime(2020, 7, 18))
    _check_honest(said, texts)
    assert said.mentions and all("chin" in m.text.lower() or "beijing" in m.text.lower() for m in said.mentions)


def test_real_headlines_evidence_per_bucket(headlines):
    engine, _ = headlines
    a = analyse(engine, Selection(start=dt.date(2020, 6, 1), end=dt.date(2020, 7, 18)))
    assert a.evidence is not None
    busy = a.evidence[a.evidence["texts"] > 0]
    assert (busy["sources"] >= 1).all() and (busy["sources"] <= 3).all()
    assert busy["top_share"].between(0, 1).all()


def test_real_tiktok_tweets_collapse_copies(external):
    path = external / "tiktok-tweets-jul2022" / "TikTokUserTweets.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    r = load_path(path, "mentions", mapping={"date": "A_Date", "text": "A_Tweets"}, actors="data/tiktok-2020/actors.csv")
    texts = set(r.table.column("text").to_pylist())
    engine = Engine(mentions=r.table)
    try:
        lo, hi = engine.date_bounds()
        start, end = dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi + dt.timedelta(days=1), dt.time())
        said = compute_said(engine, Selection(), start, end, top=5)
        total, distinct = engine.text_total(Selection(), start, end)
    finally:
        engine.close()
    _check_honest(said, texts)
    assert distinct < total  # the same tweet posted again is one text
    assert said.mentions[0].copies > 1
    assert "tiktok" in {t.term for t in said.terms} or said.baseline.startswith("nothing")


def test_real_airline_tweets_said_on_a_day(external):
    path = external / "us-airline-tweets-sentiment-feb2015" / "Tweets.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    r = load_path(path, "mentions", mapping={"date": "tweet_created", "text": "text", "actor": "airline"},
                  timezone="America/Los_Angeles")
    texts = set(r.table.column("text").to_pylist())
    engine = Engine(mentions=r.table)
    try:
        days = engine._frame("SELECT date_trunc('day', date) AS d, count(*) AS n FROM texts GROUP BY 1 ORDER BY n DESC")
        busiest = days.iloc[0]["d"].to_pydatetime()
        said = compute_said(engine, Selection(), busiest, busiest + dt.timedelta(days=1), top=5)
        one = compute_said(engine, Selection(actors=("United",)), busiest, busiest + dt.timedelta(days=1), top=3)
    finally:
        engine.close()
    _check_honest(said, texts)
    _check_honest(one, texts)
    assert said.texts > 1_000 and said.terms
    # Words of the mentions themselves, not of their markup: no handles or links among the terms.
    assert not any(t.term.startswith(("http", "@")) for t in said.terms)
    assert all("@united" in m.text.lower() for m in one.mentions)
