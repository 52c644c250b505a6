"""Model v2's explanations: what attention is measured against, when and why it is unknown,
and when the weights were renormalised — each read off the same row as the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import make_series

from dashboard.model.escalation import DEFAULT_PARAMS, score, with_params
from dashboard.model.explain import explain

EMPTY_EVENTS = pd.DataFrame(columns=["id", "date", "actor", "target", "event_type", "severity", "headline"])


def _two_actor_series(step_at: int | None = None, n: int = 60) -> pd.DataFrame:
    """Actor A's series with the source's total (A and 19 other actors' worth), a weekday-free
    stream; from `step_at` the source collects three times as much, A included."""
    rng = np.random.default_rng(7)
    factor = np.where(np.arange(n) >= (step_at if step_at is not None else n), 3.0, 1.0)
    a = rng.poisson(50 * factor)
    total = a + rng.poisson(950 * factor)
    return make_series(list(a)).assign(total=total)


def test_a_coverage_step_makes_attention_unknown_and_says_why():
    table = score(_two_actor_series(step_at=40))
    row = table.iloc[40]
    assert not row["attention_known"]
    text = explain(row, EMPTY_EVENTS, DEFAULT_PARAMS)
    assert "attention unknown (the source's total coverage changed" in text and "from 10 Feb 2024" in text
    assert "a new reference is being built), so it is left out of the index" in text
    # Three buckets later the reference is rebuilt from after the step: known, and no surge.
    assert table["attention_known"].iloc[43] and table["c_attention"].iloc[43:].max() < 0.2


@pytest.mark.parametrize("seen", [1, 2])
def test_a_jump_at_the_live_edge_is_unknown_until_it_can_be_told_from_a_story(seen):
    # Scored as live (a monitor's cycle, the page's newest day), the data end one or two
    # buckets into a collection change: too soon to see the new level stay flat, so the
    # buckets from the jump are unknown (no surge, no alert), and the note says why.
    full = _two_actor_series(step_at=40)
    table = score(full.iloc[: 40 + seen])
    assert not table["attention_known"].iloc[40:].any()
    assert table["c_attention"].iloc[40:].isna().all()
    text = explain(table.iloc[-1], EMPTY_EVENTS, DEFAULT_PARAMS)
    assert "attention unknown (the source's total coverage jumped" in text and "on 10 Feb 2024" in text
    # A bucket later the full rule decides (a step), and the buckets before the jump never moved.
    later = score(full.iloc[:43])
    assert "changed" in later["attention_note"].iloc[40]
    pd.testing.assert_frame_equal(table.iloc[:40], later.iloc[:40])


def test_a_story_that_lifts_the_actor_at_the_live_edge_is_not_held_back():
    # The same jump of the total, but the actor's share of it rises fivefold: a story, not a
    # collection change, so the newest bucket is scored (and surges) at once.
    full = _two_actor_series(step_at=40)
    a = full["volume"].to_numpy().copy()
    a[40] = a[40] * 5
    table = score(full.assign(volume=a, total=full["total"] + (a - full["volume"])).iloc[:41])
    assert table["attention_known"].iloc[40] and table["c_attention"].iloc[40] > 0.5


def test_share_mode_says_it_is_against_the_usual_share_of_all_coverage():
    params = with_params(DEFAULT_PARAMS, attention="share")
    table = score(_two_actor_series(step_at=40), params)
    assert table["attention_known"].iloc[40]  # a share does not move with the collection
    assert table["c_attention"].iloc[40:].max() < 0.2
    text = explain(table.iloc[45], EMPTY_EVENTS, params)
    assert "on its usual share of all coverage (" in text
    assert f"of {int(table['total'].iloc[45]):,})" in text


def test_after_the_last_mention_and_in_a_gap_the_explanation_says_so():
    table = score(make_series([100] * 20 + [0] * 5 + [100] * 5 + [0] * 0), bucket="day")
    gap = explain(table.iloc[22], EMPTY_EVENTS, DEFAULT_PARAMS)
    assert "attention unknown (a collection gap: the source recorded no mention at all in this bucket)" in gap
    assert "No index: nothing is known in this bucket, so the stage holds from the bucket before." in gap
    # The mentions stop on day 20 while events go on: after it, attention is unknown, not zero,
    # and severity alone carries the index (renormalised, and said).
    nan = float("nan")
    ended = score(make_series([100] * 20 + [0] * 5, min_sev=[nan] * 22 + [-7.0, nan, nan], conflict=[0.0] * 22 + [7.0, 0.0, 0.0]))
    text = explain(ended.iloc[22], EMPTY_EVENTS, DEFAULT_PARAMS)
    assert "attention unknown (after the source's last mention)" in text
    assert "attention, tone and breadth are unknown here, so the known weights were renormalised" in text
    assert not ended["attention_known"].iloc[20:].any() and ended["index"].iloc[22] > 0


def test_renormalised_weights_are_said_and_add_up():
    table = score(make_series([100] * 10 + [400, 500]))  # volume only: tone, severity, breadth unknown
    row = table.iloc[-1]
    text = explain(row, EMPTY_EVENTS, DEFAULT_PARAMS)
    w = DEFAULT_PARAMS.weight_attention
    assert f"= 100 × ({w:.2f}×{row['c_attention']:.2f} attention) / {w:.2f}" in text
    assert "tone, severity and breadth are unknown here, so the known weights were renormalised" in text
    assert row["index"] == pytest.approx(100 * row["c_attention"], abs=0.01)


@pytest.mark.parametrize("actor, headline, want", [
    ("Donald Trump", "Trump signs an order", "Donald Trump: Trump signs an order"),
    ("(unidentified)", "(unidentified) → POLICE: fight (CAMEO 190)", "(unidentified) → POLICE: fight (CAMEO 190)"),
    ("Amazon", None, "Amazon: "),
    (None, "A headline", "A headline"),
])
def test_an_event_label_names_its_actor_once(actor, headline, want):
    from dashboard.model.explain import actor_said

    assert actor_said(actor, headline) == want
