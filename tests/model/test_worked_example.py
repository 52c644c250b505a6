"""docs/model.md's worked example (TikTok demo, 6 August 2020), recomputed by hand from its
formulas and checked against the model's table and against the page itself."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from dashboard.contract import Selection
from dashboard.dataset import build_dataset
from dashboard.demo import DATASETS
from dashboard.model.analysis import analyse

DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"


@pytest.fixture(scope="module")
def demo():
    d = DATASETS["tiktok-2020"]
    return analyse(build_dataset(d.events, d.mentions).engine, Selection())


def test_the_worked_example_recomputes_by_hand(demo):
    p = demo.params
    t = demo.table.set_index("date")
    day = t.loc[pd.Timestamp("2020-08-06")]
    text = DOC.read_text(encoding="utf-8")

    # Attention: the reference held since the episode began, the weekday factor, the ratio.
    assert bool(day["reference_frozen"]) and day["episode_start"] == pd.Timestamp("2020-07-07")
    before = t.loc[: pd.Timestamp("2020-07-06"), "volume"]
    assert f"{day['reference']:,.1f} a day" in text and f"{day['expected']:,.1f} are expected" in text
    assert f"{day['expected'] / day['reference']:.3f}" in text  # the weekday factor
    ratio = (day["volume"] + p.smoothing) / (day["expected"] + p.smoothing)
    assert ratio == pytest.approx(day["attention_level"]) and f"= {ratio:.2f}" in text
    strength = min(1.0, math.log2(ratio) / math.log2(p.attention_full_ratio))
    surety = min(1.0, max(0.0, (day["attention_z"] - p.attention_z_low) / (p.attention_z_full - p.attention_z_low)))
    assert strength * surety == pytest.approx(day["c_attention"], abs=1e-4)
    assert len(before) >= p.reference_buckets  # the 28 ordinary days exist

    # Tone: negativity beats souring; the shrinkage by 5 mentions is invisible over 11,705.
    w = day["volume"] / (day["volume"] + p.tone_prior_mentions)
    tone = w * day["tone"] + (1 - w) * day["tone_reference"]
    neg = w * day["negative_share"] + (1 - w) * 0.5  # the negative share's reference is within 0.5 of 1 either way
    negativity = 0.5 * min(1, -tone / p.tone_full) + 0.5 * min(1, max(0, (neg - 0.5) / 0.4))
    souring = min(1, max(0, (day["tone_reference"] - tone) / p.tone_drop_full))
    assert souring < negativity
    assert 0.5 * negativity + 0.5 * max(negativity, souring) == pytest.approx(day["c_tone"], abs=0.005)
    assert f"Tone {day['c_tone']:.2f}" in text

    # Severity: the worst event and the conflict against the usual (median of 28 days before).
    usual = t.loc[: pd.Timestamp("2020-08-05"), "conflict"].tail(p.reference_buckets).median()
    assert usual == 0 and day["conflict"] == 17 and day["severity"] == -8
    sev = p.severity_worst_share * 0.8 + (1 - p.severity_worst_share) * math.log2((17 + p.severity_smoothing) / (usual + p.severity_smoothing)) / 3
    assert sev == pytest.approx(day["c_severity"], abs=1e-4) and f"Severity {sev:.2f}" in text

    # Breadth and the index.
    breadth = math.log2((day["breadth"] + 1) / (day["breadth_baseline"] + 1)) / 2
    assert breadth == pytest.approx(day["c_breadth"], abs=1e-4) and f"Breadth {breadth:.2f}" in text
    weights = p.weights()
    index = 100 * sum(weights[c] * day["c_" + c] for c in weights) / sum(weights.values())
    assert index == pytest.approx(day["index"], abs=0.01)
    assert f"= **{index:.0f}** ≥ {p.crisis:g}" in text and day["stage"] == "crisis"
    first_crisis = t.index[t["stage"] == "crisis"][0]
    assert f"(since {first_crisis.day} {first_crisis:%B})" in text


def test_the_worked_example_explanation_is_the_models(demo):
    said = demo.explain_date("2020-08-06")
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    head = said.split("; most conflictual event")[0]
    assert " ".join(head.split()) in text
    assert said.endswith("it is at or above the crisis threshold (65).")


def test_zooming_in_leaves_every_bucket_as_it_was(demo):
    """The look-back, the weekday factors and the stream's noise come from a bucket's past
    only, so the opening episode's window scores its days exactly as the whole range does."""
    import datetime as dt

    engine = build_dataset(DATASETS["tiktok-2020"].events, DATASETS["tiktok-2020"].mentions).engine
    window = analyse(engine, Selection(start=dt.date(2020, 6, 27), end=dt.date(2020, 9, 11))).table.set_index("date")
    whole = demo.table.set_index("date").loc[window.index]
    cols = ["index", "stage", "expected", "attention_z", "c_attention", "c_tone", "c_severity", "phase"]
    pd.testing.assert_frame_equal(whole[cols], window[cols])


def test_the_leaderboard_scores_an_actor_as_its_own_selection_does(demo):
    """Each leaderboard row is the actor's own analysis: against the source's total, in the
    selection's bucket, share mode included."""
    from dashboard.model.analysis import actor_leaderboard
    from dashboard.model.escalation import with_params

    engine = build_dataset(DATASETS["tiktok-2020"].events, DATASETS["tiktok-2020"].mentions).engine
    for params in (demo.params, with_params(demo.params, attention="share")):
        board = actor_leaderboard(engine, Selection(), params, top=3)
        assert len(board)
        for row in board.itertuples():
            own = analyse(engine, Selection(actors=(row.actor,)), params).table
            assert row.index_now == pytest.approx(own["index"].iloc[-1])
