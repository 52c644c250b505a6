"""The story: the episode the page opens on, and the beats meeting mode steps through."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.contract import STAGES, Selection
from dashboard.dataset import build_dataset
from dashboard.demo import DATASETS
from dashboard.model.analysis import analyse, claim_retraction_pairs
from dashboard.model.escalation import DEFAULT_PARAMS
from dashboard.model.story import LEAD_BUCKETS, MERGE_GAP_BUCKETS, TAIL_BUCKETS, find_episode, neighbourhood, story_moments
from tests.factories import BOIL, CRI, SB, SIM, make_analysis


def _table(stages: list[str], index: list[float]) -> pd.DataFrame:
    return make_analysis(stages, index).table


@pytest.mark.parametrize("stages,index,want", [
    # one run above slow boil: from LEAD before its onset to TAIL after it settles
    ([SB] * 20 + [SIM, BOIL, CRI, BOIL, SIM] + [SB] * 20, [5] * 20 + [35, 55, 80, 50, 30] + [5] * 20,
     (20 - LEAD_BUCKETS, 20, 22, 24, 24 + TAIL_BUCKETS)),
    # two runs apart: the one with the higher peak wins
    ([SB] * 12 + [SIM] * 3 + [SB] * 20 + [BOIL] * 3 + [SB] * 12, [5] * 12 + [40, 45, 40] + [5] * 20 + [50, 60, 50] + [5] * 12,
     (35 - LEAD_BUCKETS, 35, 36, 37, 37 + TAIL_BUCKETS)),
    # a short dip inside a run does not end the episode
    ([SB] * 15 + [SIM] * 3 + [SB] * MERGE_GAP_BUCKETS + [BOIL] * 3 + [SB] * 15,
     [5] * 15 + [40, 45, 40] + [20] * MERGE_GAP_BUCKETS + [50, 60, 50] + [5] * 15,
     (15 - LEAD_BUCKETS, 15, 15 + 3 + MERGE_GAP_BUCKETS + 1, 17 + MERGE_GAP_BUCKETS + 3, 17 + MERGE_GAP_BUCKETS + 3 + TAIL_BUCKETS)),
    # the window is cut to the data
    ([SIM, BOIL, SB, SB], [40, 60, 10, 5], (0, 0, 1, 1, 3)),
    # never above slow boil: the window around the peak
    ([SB] * 30, [1] * 14 + [20] + [1] * 15, (14 - LEAD_BUCKETS, 14, 14, 14, 14 + TAIL_BUCKETS)),
])
def test_find_episode_by_hand(stages, index, want):
    table = _table(stages, index)
    episode = find_episode(table)
    dates = table["date"]
    assert (episode.start, episode.onset, episode.peak, episode.settled, episode.end) == tuple(dates.iloc[i] for i in want)
    assert episode.peak_index == max(index)


def test_find_episode_of_nothing_is_none():
    assert find_episode(_table([], [])) is None


@given(st.lists(st.tuples(st.sampled_from(STAGES), st.floats(0, 100)), min_size=1, max_size=80))
def test_find_episode_holds_the_highest_index_inside_the_data(rows):
    stages, index = [s for s, _ in rows], [i for _, i in rows]
    table = _table(stages, index)
    episode = find_episode(table)
    first, last = table["date"].iloc[0], table["date"].iloc[-1]
    assert first <= episode.start <= episode.onset <= episode.peak <= episode.settled <= episode.end <= last
    hot = [i for s, i in rows if s != STAGES[0]]
    if not hot:
        assert episode.peak_index == max(index)  # never left slow boil: the peak itself


@pytest.fixture(scope="module")
def tiktok_episode():
    demo = DATASETS["tiktok-2020"]
    engine = build_dataset(demo.events, demo.mentions).engine
    whole = analyse(engine, Selection())
    episode = find_episode(whole.table)
    return engine, whole, episode, analyse(engine, Selection(start=episode.dates[0], end=episode.dates[1]))


def test_find_episode_on_the_demo_is_the_summer_of_2020(tiktok_episode):
    _, _, episode, _ = tiktok_episode
    # Model v2: the long memory holds the crisis longer, so the episode settles on 4 September
    # (v1: 22 August) and the window runs to 11 September; the executive order stays the peak.
    assert episode.dates == (dt.date(2020, 6, 27), dt.date(2020, 9, 11))
    assert episode.onset == pd.Timestamp("2020-07-07") and episode.peak == pd.Timestamp("2020-08-06")
    assert episode.peak_stage == "crisis" and round(episode.peak_index) == 80


def test_story_moments_on_the_demo_hold_its_beats(tiktok_episode):
    _, _, _, analysis = tiktok_episode
    moments = story_moments(analysis)
    by_day = {m.date.date(): m for m in moments.itertuples()}
    assert moments["date"].is_monotonic_increasing and moments["date"].is_unique
    pompeo, trump = by_day[dt.date(2020, 7, 6)], by_day[dt.date(2020, 7, 7)]
    assert pompeo.event_id == "tt-2020-07-06-pompeo-looking-at-ban" and "first move" in pompeo.kinds
    assert trump.event_id == "tt-2020-07-07-trump-looking-at-ban" and {"stage", "first move"} <= set(trump.kinds)
    amazon = by_day[dt.date(2020, 7, 10)]
    assert amazon.event_id == "tt-2020-07-10-amazon-email" and amazon.retraction_id == "tt-2020-07-10-amazon-retraction"
    assert amazon.label == "Amazon's claim and its retraction"
    order = by_day[dt.date(2020, 8, 6)]
    assert order.kind == "peak" and order.event_id == "tt-2020-08-06-eo-13942"
    assert by_day[dt.date(2020, 9, 5)].kind == "decline"
    assert pompeo.index_before < pompeo.index  # its effect on the index is carried


def test_story_moments_keep_the_highest_kinds_when_cut(tiktok_episode):
    _, whole, _, _ = tiktok_episode
    moments = story_moments(whole, limit=3)
    assert len(moments) == 3
    assert "peak" in set(moments["kind"]) and set(moments["kind"]) <= {"peak", "stage"}


def test_story_moments_of_an_empty_analysis_are_empty():
    empty = make_analysis([], [])
    assert len(story_moments(empty)) == 0


def test_neighbourhood_is_cut_to_the_table():
    table = _table([SB] * 30, [1] * 30)
    assert neighbourhood(table, table["date"].iloc[2], 10) == (table["date"].iloc[0], table["date"].iloc[12])
    assert neighbourhood(table, table["date"].iloc[25], 10) == (table["date"].iloc[15], table["date"].iloc[29])


def test_claim_retraction_windows_never_overlap_and_are_as_long(tiktok_episode):
    engine, _, _, _ = tiktok_episode
    pairs = claim_retraction_pairs(engine, Selection(), DEFAULT_PARAMS)
    amazon = pairs.iloc[0]
    # Email at 15:00, retraction at 20:00: each window lasts the 5 hours between them, not 48.
    assert amazon["lag_hours"] == 5 and amazon["window_hours"] == 5
    assert amazon["claim_date"] + pd.Timedelta(hours=amazon["window_hours"]) <= amazon["retraction_date"]
    # Daily counts spread over their hours: 5 h of 10 July against 4 h of 10 July and 1 of 11 July.
    day = engine.coverages([("Amazon", dt.datetime(2020, 7, 10), dt.datetime(2020, 7, 11)),
                            ("Amazon", dt.datetime(2020, 7, 11), dt.datetime(2020, 7, 12))])
    assert amazon["claim_coverage"] == pytest.approx(day[0][0] * 5 / 24)
    assert amazon["retraction_coverage"] == pytest.approx(day[0][0] * 4 / 24 + day[1][0] / 24)
    assert amazon["reach_ratio"] == pytest.approx(amazon["retraction_coverage"] / amazon["claim_coverage"])


def test_claim_retraction_long_lag_uses_the_full_window():
    events = (b"id,date,actor,target,event_type,severity,headline,retracts\n"
              b"c,2024-01-01,A,B,statement,-5,claims,\n"
              b"r,2024-01-10,A,B,retraction,3,retracts,c\n")
    rows = "\n".join(f"2024-01-{d:02d},A,{100 if d < 10 else 10},-0.1" for d in range(1, 16))
    mentions = ("date,actor,count,tone\n" + rows + "\n").encode()
    engine = build_dataset(events, mentions).engine
    pair = claim_retraction_pairs(engine, Selection(), DEFAULT_PARAMS).iloc[0]
    assert pair["window_hours"] == DEFAULT_PARAMS.retraction_window_hours
    # 48 h of 100 a day against 48 h of 10 a day: the ratio says the retraction reached a tenth.
    assert pair["reach_ratio"] == pytest.approx(0.1)
