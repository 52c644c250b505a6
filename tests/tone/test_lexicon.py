"""The lexicon counts the tone model reads beside VADER's scores: tables on a small lexicon, and VADER's own."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.tone.lexicon import LEXICON_FEATURES, lexicon_counts, lexicon_features, vader_lexicon

LEXICON = {"good": 1.9, "great": 3.1, "bad": -2.5, "late": -0.8, ":)": 2.0, "ok": 0.9}
NEGATIONS = frozenset({"not", "never", "without"})


@pytest.mark.parametrize(
    "text, expected",
    [
        # positive, negative, strong +, strong −, negated, but, "!", "?"
        ("", (0, 0, 0, 0, 0, 0, 0, 0)),
        ("nothing here at all", (0, 0, 0, 0, 0, 0, 0, 0)),
        ("good", (1, 0, 0, 0, 0, 0, 0, 0)),
        ("GREAT!!", (1, 0, 1, 0, 0, 0, 2, 0)),  # case and punctuation around the word do not hide it
        ("bad, late again", (0, 2, 0, 1, 0, 0, 0, 0)),  # "late" −0.8 is not strong
        ("not good", (0, 0, 0, 0, 1, 0, 0, 0)),  # a negated word is counted only as negated
        ("never a good one", (0, 0, 0, 0, 1, 0, 0, 0)),  # the negation within three words before
        ("not at all a good one", (1, 0, 0, 0, 0, 0, 0, 0)),  # ... and not four
        ("isn't bad", (0, 0, 0, 0, 1, 0, 0, 0)),  # a word ending in n't negates
        ("good but late", (1, 1, 0, 0, 0, 1, 0, 0)),
        ("ok :)", (2, 0, 1, 0, 0, 0, 0, 0)),  # an emoticon is looked up as it is, before the punctuation goes
        ("which gate? why??", (0, 0, 0, 0, 0, 0, 0, 3)),
        ("good good bad", (2, 1, 0, 1, 0, 0, 0, 0)),  # counts, not presence
        ("butter", (0, 0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_lexicon_counts_table(text, expected):
    assert lexicon_counts(text, LEXICON, NEGATIONS) == expected
    assert len(expected) == len(LEXICON_FEATURES)


def test_lexicon_counts_with_vaders_own_lexicon():
    lexicon, negations = vader_lexicon()
    assert len(lexicon) > 7000 and "not" in negations
    # "thanks" 1.9 positive; "nothing" negates "great" (3.1) and "delayed" (−0.9) within three words, as
    # VADER's window does across the full stop; "#fail" is "fail" (−2.5), strong negative.
    assert lexicon_counts("thanks for nothing! great, delayed again. #fail", lexicon, negations) == (1, 1, 0, 1, 2, 0, 1, 0)


def test_lexicon_features_follow_the_names_asked():
    texts = ["good but late!", "what?"]
    full = lexicon_features(texts)
    assert full.shape == (2, len(LEXICON_FEATURES)) and full.dtype == float
    some = lexicon_features(texts, ("lex_questions", "lex_but"))
    assert some.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert np.array_equal(some[:, 1], full[:, LEXICON_FEATURES.index("lex_but")])
    assert lexicon_features([]).shape == (0, len(LEXICON_FEATURES))
