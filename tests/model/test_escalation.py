"""The escalation model: hand-worked series, properties, degraded inputs and the TikTok demo."""

from __future__ import annotations

import datetime as dt
import functools
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from factories import make_series
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.contract import STAGES, Selection
from dashboard.dataset import build_dataset
from dashboard.demo import DATASETS
from dashboard.loading import load_bytes
from dashboard.model.analysis import analyse
from dashboard.model.escalation import (
    DEFAULT_PARAMS,
    classify_stages,
    combine,
    decayed_max,
    score,
    trailing_baseline,
    with_params,
)
from dashboard.query.duckdb_engine import Engine

P = DEFAULT_PARAMS


# --- worked by hand ---------------------------------------------------------------------------


def test_trailing_baseline_uses_only_previous_buckets():
    med, spread, hist = trailing_baseline(np.array([10, 20, 30, 40, 100.0]), window=3, min_history=2)
    assert math.isnan(med[0]) and math.isnan(med[1])  # fewer than 2 previous values
    assert med[2] == 15 and med[3] == 20 and med[4] == 30  # median of the 3 before, never itself
    assert spread[4] == pytest.approx(1.4826 * 10)  # MAD of 20, 30, 40 is 10
    assert list(hist) == [0, 1, 2, 3, 3]


def test_score_attention_by_hand():
    # 14 quiet days of 95 mentions (a steady stream: Poisson, no weekday rhythm under 28
    # days), then 795: ratio (795 + 1) / (95 + 1) = 8.29 -> strength 1, far beyond 4 SD.
    s = make_series([95] * 14 + [795, 195])
    t = score(s)
    assert t["reference"].iloc[14] == 95 and t["expected"].iloc[14] == 95
    assert t["attention_level"].iloc[14] == pytest.approx(796 / 96)
    assert t["c_attention"].iloc[14] == pytest.approx(1.0)
    # One elevated bucket opens no episode (two in a row do), so the 795 entered the
    # reference buckets: their median stays 95, their mean is 141.7, and the next day's 195 is
    # read against the mean: (195 + 1) / (95 + 1) = 2.04 strong, but only 1.4 SD sure.
    assert not t["reference_frozen"].iloc[15] and t["reference"].iloc[15] == 95
    surety = min(1.0, max(0.0, (t["attention_z"].iloc[15] - 1) / 3))
    assert 0 < surety < 0.2
    assert t["c_attention"].iloc[15] == pytest.approx(math.log2(196 / 96) / 3 * surety, abs=1e-4)
    # Volume only, one actor and one source throughout: tone, severity and breadth say
    # nothing and drop out, so the index is attention's: 100 * 1.
    assert t["index"].iloc[14] == pytest.approx(100.0)
    assert t["c_tone"].isna().all() and t["c_severity"].isna().all() and t["c_breadth"].isna().all()
    # One loud bucket after a quiet one is a spike, not yet an escalation: the stage waits
    # for the next bucket (here no longer high enough to enter).
    assert t["stage"].iloc[14] == "slow boil"
    assert t["stage"].iloc[15] == ("simmering" if t["index"].iloc[15] >= 30 else "slow boil")
    # The first min_history buckets have no reference: attention unknown, said why.
    assert not t["attention_known"].iloc[:3].any() and t["attention_known"].iloc[3:].all()
    assert t["attention_note"].iloc[0] == "too little history for a reference yet"
    assert t["index"].iloc[:3].isna().all()  # nothing else known there: no index


def test_a_count_is_judged_on_its_own_noise():
    # 0 -> 3 in a stream that is almost always silent is a surge; 1 -> 4 in a bursty stream is not.
    sparse = score(make_series([1] + [0] * 26 + [1] + [0] * 2 + [3]))
    bursty = score(make_series([1, 6, 0, 9, 2, 0, 7, 1, 0, 5] * 3 + [4]))
    assert sparse["attention_z"].iloc[-1] > 2.5 and sparse["c_attention"].iloc[-1] > 0.3
    assert bursty["attention_z"].iloc[-1] < 1.5 and bursty["c_attention"].iloc[-1] < 0.05


def test_no_data_is_not_no_attention():
    # A busy stream with a week of nothing in it: a collection gap, attention unknown, the
    # stage held, and the first bucket back measured against the reference from before.
    t = score(make_series([100] * 20 + [0] * 7 + [100] * 5))
    gap = t.iloc[20:27]
    assert not gap["attention_known"].any()
    assert set(gap["attention_note"]) == {"a collection gap: the source recorded no mention at all in this bucket"}
    assert gap["index"].isna().all() and set(gap["stage"]) == {"slow boil"}
    assert t["reference"].iloc[27] == 100 and t["c_attention"].iloc[27] == 0


def test_score_tone_and_severity_by_hand():
    n = 16
    tone = [-0.2] * n
    neg = [0.7] * n
    sev = [float("nan")] * n
    sev[15] = -8.0
    conflict = [0.0] * n
    conflict[15] = 8.0
    t = score(make_series([100] * n, tone, neg, sev, conflict))
    # Day 0 has no tone reference yet: 0 (neutral) and 0.5, and its 100 toned mentions
    # weigh 100 / (100 + 5) of the shrunk tone: -0.1905 and 0.6905.
    w = 100 / 105
    t0, n0 = w * -0.2, w * 0.7 + (1 - w) * 0.5
    negativity = 0.5 * (-t0 / 0.4) + 0.5 * ((n0 - 0.5) / 0.4)
    # No reference tone yet: nothing to sour from, so tone is its negativity alone.
    assert t["c_tone"].iloc[0] == pytest.approx(negativity, abs=1e-4)
    # From day 3 on the reference is the stream's own -0.2: no souring, negativity 0.5.
    assert t["tone_reference"].iloc[5] == pytest.approx(-0.2)
    assert t["c_tone"].iloc[5] == pytest.approx(0.5, abs=1e-4)
    # Severity: 0.6 * 8/10 + 0.4 * log2((8 + 7) / (0 + 7)) / 3, against a history without conflict.
    assert t["c_severity"].iloc[15] == pytest.approx(0.6 * 0.8 + 0.4 * math.log2(15 / 7) / 3, abs=1e-4)
    # Index on day 15: attention 0 (flat), breadth unknown (constant); the known weights
    # renormalise: 100 * (0.35*0 + 0.30*0.5 + 0.25*c_sev) / 0.90.
    c_sev = t["c_severity"].iloc[15]
    assert t["index"].iloc[15] == pytest.approx(100 * (0.30 * 0.5 + 0.25 * c_sev) / 0.90, abs=0.01)


def test_severity_decays_with_its_half_life():
    dates = pd.Series(pd.date_range("2024-01-01", periods=7, freq="D"))
    values, src = decayed_max(np.array([0, 0.8, 0, 0, 0.3, 0, 0]), dates, half_life_days=3)
    assert values[0] == 0 and src[0] == -1
    assert values[1] == pytest.approx(0.8)
    assert values[4] == pytest.approx(0.4)  # three days later, half
    assert src[4] == 1  # 0.3 that day is below the carried 0.4
    assert values[6] == pytest.approx(0.8 * 0.5 ** (5 / 3))


def test_stages_have_hysteresis():
    p = with_params(P, exit_buckets=2, exit_margin=10)
    index = np.array([10, 50, 40, 37, 34, 34, 20, 70, 60])
    stages = [STAGES[k] for k in classify_stages(index, p)]
    assert stages == [
        "slow boil",
        "boiling",  # 50 >= 45: enter at once
        "boiling",  # 40: below 45 but not below 35
        "boiling",  # 37: still not below 35
        "boiling",  # 34: first bucket below 35
        "simmering",  # 34: second in a row -> down one stage
        "simmering",  # 20: first below 30 - 10 = 20? no: 20 is not below 20
        "crisis",
        "crisis",
    ]


def test_attention_gate_holds_a_stage_without_attention():
    tone = [0.0] * 15 + [-0.4] * 5
    neg = [0.3] * 15 + [0.9] * 5
    s = make_series([100] * 20, tone, neg, [float("nan")] * 19 + [-9.0], [0.0] * 19 + [9.0])
    t = score(s)
    assert t["index"].iloc[19] >= P.simmering  # tone and severity are high...
    assert t["stage"].iloc[19] == "slow boil"  # ...but nobody is paying more attention
    no_gate = score(s, with_params(P, attention_gate=0.0, gate_z=-5.0))
    assert no_gate["stage"].iloc[19] != "slow boil"


def test_direction_shows_the_decline():
    t = score(make_series([100] * 14 + [900, 600, 300, 150, 100]))
    assert t["direction"].iloc[14] == "rising"
    assert list(t["direction"].iloc[16:18]) == ["cooling", "cooling"]


# --- degrade, never crash -----------------------------------------------------------------


@pytest.mark.parametrize(
    "series",
    [
        make_series([]),
        make_series([5]),
        make_series([0, 0, 0]),
        make_series([10, 0, 0, 0, 50, 0, 0, 0]),
        make_series([0] * 10, min_sev=[float("nan")] * 9 + [-7.0], conflict=[0.0] * 9 + [7.0]),
    ],
    ids=["empty", "one-bucket", "all-zero", "gaps", "events-only"],
)
def test_score_degrades_clearly(series):
    t = score(series)
    assert len(t) == len(series)
    _index_in_range_or_unknown(t)
    assert set(t["stage"]) <= set(STAGES)


def _index_in_range_or_unknown(t: pd.DataFrame) -> None:
    """The index is within 0..100, or NaN exactly where no component is known."""
    components = t[["c_attention", "c_tone", "c_severity", "c_breadth"]]
    unknown = t["index"].isna()
    assert t["index"][~unknown].between(0, 100).all()
    assert (unknown == components.isna().all(axis=1)).all()


def test_events_only_can_reach_every_stage():
    t = score(make_series([0] * 5, min_sev=[-10.0] * 5, conflict=[30.0] * 5))
    assert t["c_attention"].isna().all() and t["c_breadth"].isna().all()
    # Severity alone carries the index: the worst event (10/10) and, the first day, conflict
    # against a history without any: 0.6 + 0.4 * log2(37 / 7) / 3 = 0.92.
    assert t["index"].iloc[0] == pytest.approx(100 * (0.6 + 0.4 * min(1, math.log2(37 / 7) / 3)), abs=0.01)
    assert t["stage"].iloc[0] == "crisis"


@pytest.mark.parametrize(
    "data",
    [
        {"events": b"date,actor,headline,severity\n2024-01-01,A,x,-5\n"},
        {"mentions": b"date,actor,count\n2024-01-01,A,3\n2024-01-05,A,9\n"},
        {"mentions": b"date,actor,tone\n2024-01-01,A,-0.5\n"},
        {},
    ],
    ids=["events-only", "volume-only-with-gaps", "single-day-tone", "nothing"],
)
def test_analyse_degrades_clearly(data):
    ev = load_bytes(data["events"], "events").table if "events" in data else None
    me = load_bytes(data["mentions"], "mentions").table if "mentions" in data else None
    a = analyse(Engine(events=ev, mentions=me), Selection())
    assert isinstance(a.explain(), str) and a.explain()
    if a.empty:
        assert "No data" in a.explain()
    else:
        _index_in_range_or_unknown(a.table)


def test_analyse_empty_selection_says_so():
    a = analyse(build_dataset(DATASETS["tiktok-2020"].events, DATASETS["tiktok-2020"].mentions).engine, Selection(actors=("Nobody",)))
    assert a.empty and "No data" in a.explain()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"weight_tone": -1}, "weight_tone"),
        ({"weight_attention": 0, "weight_tone": 0, "weight_severity": 0, "weight_breadth": 0}, "at least one weight"),
        ({"boiling": 20}, "thresholds must rise"),
        ({"pelt_penalty": 0}, "pelt_penalty"),
        ({"baseline_buckets": 10_000_000}, r"between 2 and 400, not 10,000,000$"),
        ({"smoothing": -0.5}, r"not -0\.5$"),
    ],
)
def test_model_params_are_checked(change, message):
    with pytest.raises(ValueError, match=message):
        with_params(P, **change)


# --- properties ---------------------------------------------------------------------------

unit = st.floats(0, 1, allow_nan=False)
maybe_unit = st.one_of(st.just(float("nan")), unit)


@given(st.lists(st.tuples(maybe_unit, maybe_unit, maybe_unit, maybe_unit), min_size=1, max_size=30))
def test_index_is_always_between_0_and_100(rows):
    comps = {name: np.array([r[i] for r in rows]) for i, name in enumerate(("attention", "tone", "severity", "breadth"))}
    index = combine(comps, P)
    none_known = np.all([np.isnan(c) for c in comps.values()], axis=0)
    assert (np.isnan(index) == none_known).all()  # no index exactly where nothing is known
    assert ((index[~none_known] >= 0) & (index[~none_known] <= 100)).all()


@given(
    st.tuples(maybe_unit, maybe_unit, maybe_unit, maybe_unit),
    st.sampled_from(["attention", "tone", "severity", "breadth"]),
    st.floats(0, 1),
)
def test_raising_one_component_never_lowers_the_index(values, name, bump):
    names = ("attention", "tone", "severity", "breadth")
    comps = {n: np.array([v]) for n, v in zip(names, values)}
    before = combine(comps, P)[0]
    current = comps[name][0]
    raised = dict(comps)
    raised[name] = np.array([min(1.0, (0.0 if math.isnan(current) else current) + bump)]) if not math.isnan(current) else comps[name]
    if math.isnan(before):
        assert math.isnan(combine(raised, P)[0])  # nothing known either way
        return
    assert combine(raised, P)[0] >= before - 1e-9


@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.integers(0, 39), st.floats(0, 100))
def test_stage_never_falls_as_the_index_rises(path, at, bump):
    at = at % len(path)
    base = np.array(path)
    higher = base.copy()
    higher[at] = min(100.0, higher[at] + bump)
    assert classify_stages(higher, P)[at] >= classify_stages(base, P)[at]


EVENTS = b"""date,actor,target,headline,severity
2024-01-03,A,B,A warns B,-3
2024-01-09,B,A,B sanctions A,-8
2024-01-12,C,,C comments,0
"""


@functools.cache
def _events_table():
    """EVENTS loaded once: the properties below vary the mentions, and each example paid for
    validating the same three events again (a third of their time)."""
    return load_bytes(EVENTS, "events").table


def _mentions(rows) -> bytes:
    return ("date,actor,tone,count\n" + "".join(f"{d},{a},{t},{c}\n" for d, a, t, c in rows)).encode()


def _mention_table(rows) -> pa.Table:
    """The rows as the loader would hand them to the engine (valid by construction), without
    validating them again per example: the properties are the engine's and the model's, and
    the loader's own tests show it keeps every valid row as it is. Rows stay in the order given
    (the loader would sort them), which makes shuffling a harder test of the engine."""
    dates, actors, tones, counts = zip(*rows)
    return pa.table({
        "date": pa.array([dt.datetime.fromisoformat(d) for d in dates], pa.timestamp("us")),
        "actor": pa.array(actors, pa.string()),
        "tone": pa.array(tones, pa.float64()),
        "count": pa.array(counts, pa.int64()),
    })


def test_mention_table_is_what_the_loader_makes_of_the_same_rows():
    rows = [("2024-01-02", "A", -0.5, 3), ("2024-01-01", "B", 0.25, 1)]
    loaded = load_bytes(_mentions(rows), "mentions").table
    direct = _mention_table(rows)
    for name in direct.column_names:
        got = loaded.column(name).to_pylist()
        want = direct.column(name).to_pylist()
        assert sorted(got, key=str) == sorted(want, key=str), name


mention_rows = st.lists(
    st.tuples(
        st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 25)).map(dt.date.isoformat),
        st.sampled_from(["A", "B"]),
        st.floats(-1, 1).map(lambda x: round(x, 3)),
        st.integers(1, 500),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=25, deadline=None)
@given(mention_rows, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(rows, rnd):
    ev = _events_table()
    a = analyse(Engine(events=ev, mentions=_mention_table(rows)), Selection())
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    b = analyse(Engine(events=ev, mentions=_mention_table(shuffled)), Selection())
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=False, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(mention_rows, mention_rows)
def test_rows_of_a_filtered_out_actor_change_nothing_but_the_total(rows, noise):
    # Another actor's mentions are part of the source's total coverage (model/attention.py):
    # they may tell a collection gap or a coverage step from a quiet day, and share mode
    # divides by them, and they extend the span in which the source is known to collect.
    # With both tests off, raw counts, and the other actor within the selection's own span,
    # they change nothing else.
    ev = _events_table()
    params = with_params(P, gap_min_total=1e9, step_ratio=100.0)
    sel = Selection(actors=("A", "B"), start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 25))
    a = analyse(Engine(events=ev, mentions=_mention_table(rows)), sel, params)
    days = [d for d, _, _, c in rows if c > 0]
    extra = [(d, "Zed", t, c) for d, _, t, c in noise if days and min(days) <= d <= max(days)]
    b = analyse(Engine(events=ev, mentions=_mention_table(rows + extra)), sel, params)
    assert (b.table["total"] >= a.table["total"]).all()
    pd.testing.assert_frame_equal(a.table.drop(columns="total"), b.table.drop(columns="total"))


# --- the TikTok demo --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiktok():
    demo = DATASETS["tiktok-2020"]
    return analyse(build_dataset(demo.events, demo.mentions).engine, Selection())


def test_tiktok_june_is_a_slow_boil(tiktok):
    june = tiktok.table[tiktok.table["date"] < pd.Timestamp("2020-07-01")]
    assert len(june) == 30
    assert set(june["stage"]) == {"slow boil"}


def test_tiktok_first_crisis_between_31_july_and_10_august(tiktok):
    crisis = tiktok.table[tiktok.table["stage"] == "crisis"]
    first = crisis["date"].iloc[0]
    assert pd.Timestamp("2020-07-31") <= first <= pd.Timestamp("2020-08-10")
    assert "Crisis" in tiktok.explain_date(first)


def test_tiktok_amazon_pair_has_a_reach_ratio(tiktok):
    pairs = tiktok.pairs
    amazon = pairs[pairs["actor"] == "Amazon"].iloc[0]
    assert amazon["claim_id"] == "tt-2020-07-10-amazon-email"
    assert amazon["retraction_id"] == "tt-2020-07-10-amazon-retraction"
    assert amazon["lag_hours"] == pytest.approx(5.0)
    assert 0 < amazon["reach_ratio"] < 10
    assert amazon["reach_ratio"] == pytest.approx(amazon["retraction_coverage"] / amazon["claim_coverage"])


def test_tiktok_first_change_point_after_5_july_follows_pompeo_or_trump(tiktok):
    cps = tiktok.change_points
    first = cps[cps["date"] > pd.Timestamp("2020-07-05")].iloc[0]
    assert first["event_date"].date() in (dt.date(2020, 7, 6), dt.date(2020, 7, 7))
    assert first["lag_hours"] >= 0


def test_tiktok_explanations_name_numbers_and_events(tiktok):
    text = tiktok.explain_date("2020-08-06")
    assert text.startswith("Crisis: attention")
    assert "× expected (11,705 mentions against" in text and "on its long memory of" in text
    assert "held since the episode began 07 Jul 2020" in text
    assert "negative" in text and "severity -8" in text
    assert "is at or above the crisis threshold (65)" in text
    # The sum it shows is the index: 100 x (w1 c1 + ...) / (w1 + ...).
    row = tiktok.table.set_index("date").loc["2020-08-06"]
    weights = tiktok.params.weights()
    known = [c for c in weights if not pd.isna(row["c_" + c])]
    by_hand = 100 * sum(weights[c] * row["c_" + c] for c in known) / sum(weights[c] for c in known)
    assert f"Index {by_hand:.0f} = 100 × (" in text


def test_tiktok_alerts_include_a_spike_and_a_stage_escalation(tiktok):
    kinds = set(tiktok.alerts["kind"])
    assert "spike" in kinds and "stage: crisis" in kinds
    aug6 = tiktok.table.set_index("date").loc["2020-08-06", "alerts"]
    assert "spike" in aug6  # the executive order's day stands out on its own
    crisis = tiktok.alerts[tiktok.alerts["kind"] == "stage: crisis"]["date"].min()
    assert pd.Timestamp("2020-07-31") <= crisis <= pd.Timestamp("2020-08-10")


def test_tiktok_chosen_start_keeps_the_history(tiktok):
    demo = DATASETS["tiktok-2020"]
    later = analyse(build_dataset(demo.events, demo.mentions).engine, Selection(start=dt.date(2020, 8, 1)))
    assert later.table["date"].iloc[0] == pd.Timestamp("2020-08-01")
    full = tiktok.table.set_index("date").loc["2020-08-01":]
    # the baseline of 1 August comes from July, so the scores agree with the full run
    assert later.table.set_index("date")["index"].iloc[:30].tolist() == full["index"].iloc[:30].tolist()


def test_events_only_explanation_does_not_talk_about_attention():
    ev = load_bytes(b"date,actor,headline,severity\n" + b"".join(f"2024-01-{d:02d},A,x{d},-{d % 7}\n".encode() for d in range(1, 20)), "events").table
    a = analyse(Engine(events=ev), Selection())
    assert a.table["attention_ratio"].isna().all()
    assert "attention" not in a.explain().split(". Index")[0]
