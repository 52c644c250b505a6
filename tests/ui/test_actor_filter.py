"""The actor filter at scale (issue 14): a million actors must not reach the browser's multiselect."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.ui.sidebar import MAX_ACTOR_OPTIONS, actor_options

NAMES = pd.Series([f"Actor {i:07d}" for i in range(1_000_000)])


@pytest.mark.parametrize(("query", "chosen", "first", "matching"), [
    ("", [], "Actor 0000000", 1_000_000),
    ("0999", [], "Actor 0000999", 1_300),
    ("actor 00000", ["Actor 0999999"], "Actor 0999999", 100),
    ("no such actor", ["Actor 0000005"], "Actor 0000005", 0),
])
def test_actor_options_offer_the_chosen_then_the_busiest_matching(query, chosen, first, matching):
    options, found = actor_options(NAMES, query, chosen)
    assert len(options) <= MAX_ACTOR_OPTIONS + len(chosen)
    assert options[0] == first
    assert found == matching
    assert len(options) == len(set(options))
