"""What is being said: near-copies, representative mentions, emerging terms, narratives.

Every text here is simulated for the test (no real person is quoted).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard.contract import Selection
from dashboard.loading import load_bytes
from dashboard.query.duckdb_engine import Engine
from dashboard.text.said import (
    compute_said,
    emerging_terms,
    find_narratives,
    g2,
    near_copy_groups,
    representative,
    said_text,
)


@pytest.mark.parametrize(("texts", "leaders"), [
    (["Acme recalls blue widgets", "Acme recalls blue widgets - wire", "Weather is fine today"], [0, 0, 2]),
    (["Acme recalls blue widgets", "Zed buys red gadgets"], [0, 1]),
    (["RT @someone: Acme recalls blue widgets https://t.co/x", "Acme recalls blue widgets"], [0, 0]),
    ([], []),
    (["only one"], [0]),
])
def test_near_copy_groups(texts, leaders):
    assert near_copy_groups(texts).tolist() == leaders


def test_near_copy_threshold_checked():
    with pytest.raises(ValueError, match="threshold"):
        near_copy_groups(["a", "b"], threshold=0)


def _groups(rows):
    return pd.DataFrame(rows, columns=["text", "source", "sources", "copies", "first"])


def test_representative_collapses_near_copies_and_sums_them():
    g = _groups([
        ("Acme recalls blue widgets", "Wire", 3, 10, "2020-07-01"),
        ("Acme recalls blue widgets - Wire", "Daily", 1, 4, "2020-07-01"),
        ("Zed buys red gadgets", "Daily", 1, 5, "2020-07-01"),
    ])
    out = representative(g, top=5)
    assert [(m.text, m.copies, m.sources) for m in out] == [
        ("Acme recalls blue widgets", 14, 4), ("Zed buys red gadgets", 5, 1)]


def test_representative_prefers_a_new_source():
    g = _groups([
        ("Acme recalls blue widgets", "Wire", 1, 10, "2020-07-01"),
        ("Zed buys red gadgets at a loss", "Wire", 1, 9, "2020-07-01"),
        ("Markets close higher on hopes", "Daily", 1, 2, "2020-07-01"),
    ])
    assert [m.source for m in representative(g, top=2)] == ["Wire", "Daily"]
    # With more asked than sources, the next most copied fill in.
    assert [m.copies for m in representative(g, top=3)] == [10, 2, 9]


def test_representative_empty_and_top_checked():
    assert representative(_groups([]), top=3) == []
    with pytest.raises(ValueError, match="top"):
        representative(_groups([]), top=0)


def test_g2_worked_by_hand():
    # 10 of 20 texts now against 10 of 100 before: 2·Σ O ln(O/E), E from the margins.
    e = [(10, 20 * 20 / 120), (10, 100 * 20 / 120), (10, 20 * 100 / 120), (90, 100 * 100 / 120)]
    assert g2(10, 10, 20, 100) == pytest.approx(2 * sum(o * math.log(o / x) for o, x in e))
    assert g2(5, 25, 20, 100) == pytest.approx(0.0)  # the same rate: nothing emerges
    assert g2(1, 1, 0, 10) == 0.0


def test_emerging_terms_find_the_new_phrase_and_skip_stop_words():
    base = [f"quiet market day number {w}" for w in ("one", "two", "three", "four", "five", "six")] * 5
    window = ["widget recall spreads across stores", "the widget recall grows", "shoppers fear widget recall",
              "quiet market day"]
    terms = emerging_terms(window, base, top=5)
    assert terms[0].term == "widget recall"
    assert terms[0].window == 3 and terms[0].baseline == 0
    words = {w for t in terms for w in t.term.split()}
    assert not words & {"the", "across", "market", "quiet"}  # stop words, and what the baseline had as often


def test_emerging_terms_drop_urls_handles_and_markup():
    window = ["RT @acme: widget recall https://t.co/abc &amp; more"] * 3
    terms = [t.term for t in emerging_terms(window, ["nothing here"] * 5, top=10)]
    assert "widget recall" in terms
    assert not {"rt", "acme", "https", "co", "abc", "amp"} & {w for t in terms for w in t.split()}


def test_emerging_terms_empty_inputs():
    assert emerging_terms([], ["a b"], top=3) == []
    assert emerging_terms(["the and of"], [], top=3) == []


def test_narratives_are_deterministic_and_named_by_terms():
    texts = ([f"widget recall hits stores in city {i}" for i in range(15)]
             + [f"election debate draws crowd in town {i}" for i in range(15)])
    a = find_narratives(texts)
    b = find_narratives(texts)
    assert a == b and len(a) >= 2
    names = " ".join(n.name for n in a)
    assert "widget" in names or "recall" in names
    assert "election" in names or "debate" in names
    assert sum(n.share for n in a) == pytest.approx(1.0)
    assert find_narratives(texts[:5]) == []  # too few texts to separate


def _engine(rows):
    csv = "date,actor,text,source\n" + "".join(f"{d},{a},{t},{s}\n" for d, a, t, s in rows)
    return Engine(mentions=load_bytes(csv.encode(), "mentions").table)


def test_compute_said_on_a_spike():
    rows = [(f"2020-06-{d:02d}", "Acme", f"Acme quarterly note number {d} filed", f"src{d % 3}") for d in range(1, 29)]
    rows += [("2020-06-29", "Acme", "Acme recalls blue widgets", f"wire{i}") for i in range(8)]
    rows += [("2020-06-29", "Acme", "Acme recalls blue widgets after fires", "daily")]
    rows += [("2020-06-29", "Acme", "Regulators probe widget fires", "gazette")] * 2
    e = _engine(rows)
    try:
        said = compute_said(e, Selection(), dt.datetime(2020, 6, 29), dt.datetime(2020, 6, 30), top=3)
    finally:
        e.close()
    assert said.texts == 10 and said.distinct == 3
    assert said.mentions[0].text == "Acme recalls blue widgets" and said.mentions[0].copies == 9
    assert said.mentions[0].sources == 9
    assert {m.text for m in said.mentions} == {"Acme recalls blue widgets", "Regulators probe widget fires"}
    top_terms = [t.term for t in said.terms]
    assert any("widget" in t or "recalls" in t or "fires" in t for t in top_terms[:3])
    assert "quarterly" not in top_terms
    assert "before" in said.baseline
    j = said.as_json()
    assert set(j) >= {"mentions", "terms", "narratives"}
    assert set(j["mentions"][0]) >= {"text", "source", "copies"} and set(j["terms"][0]) >= {"term", "score"}
    assert "Acme recalls blue widgets" in said_text(said)


def test_compute_said_without_text_says_so_and_invents_nothing():
    e = Engine(mentions=load_bytes(b"date,actor,tone\n2020-07-01,A,0.5\n", "mentions").table)
    try:
        said = compute_said(e, Selection(), dt.datetime(2020, 7, 1), dt.datetime(2020, 7, 2))
    finally:
        e.close()
    assert said.mentions == [] and said.terms == [] and said.narratives == []
    assert "no text" in said.note


def test_compute_said_window_checked():
    e = Engine()
    try:
        with pytest.raises(ValueError, match="end after"):
            compute_said(e, Selection(), dt.datetime(2020, 7, 2), dt.datetime(2020, 7, 1))
    finally:
        e.close()


def test_compute_said_quiet_window_has_a_note():
    e = _engine([("2020-06-01", "Acme", "one text", "s")])
    try:
        said = compute_said(e, Selection(), dt.datetime(2020, 7, 1), dt.datetime(2020, 7, 2))
    finally:
        e.close()
    assert said.texts == 0 and "no mention" in said.note


def test_representative_breaks_ties_by_the_emerging_terms_used():
    g = _groups([
        ("Markets close flat", "Wire", 1, 1, "2020-07-01"),
        ("Regulators ban widget exports", "Daily", 1, 1, "2020-07-01"),
    ])
    terms = emerging_terms(["widget ban looms", "widget ban spreads", "Regulators ban widget exports"],
                           ["markets close flat"] * 10, top=5)
    assert representative(g, top=1, terms=terms)[0].text == "Regulators ban widget exports"
    assert representative(g, top=1)[0].text == "Markets close flat"  # without terms: the order given


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Acme recalls blue widgets", "Acme recalls blue widgets - Daily Gazette", True),  # a source's suffix
    ("Acme recalls blue widgets", "UPDATE 2-Acme recalls blue widgets after fires in three states", True),
    ("Acme wins", "Acme wins the cup final after extra time", False),  # too short to call contained
    ("Acme recalls blue widgets", "Acme recalls red gadgets", False),
])
def test_near_copy_containment(a, b, same):
    assert (near_copy_groups([a, b]).tolist() == [0, 0]) is same


def test_representative_shows_different_stories_first():
    g = _groups([
        ("Acme recalls blue widgets today, shoppers cheer", None, 0, 9, "2020-07-01"),
        ("So sad that Acme recalls blue widgets today, what a mess", None, 0, 8, "2020-07-01"),
        ("Regulators open a probe into Zed", None, 0, 2, "2020-07-01"),
    ])
    assert [m.copies for m in representative(g, top=2)] == [9, 2]
    assert [m.copies for m in representative(g, top=3)] == [9, 2, 8]
