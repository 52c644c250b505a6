"""Counts of VADER's own lexicon words in a text: eight numbers the tone model reads beside VADER's scores.

VADER sums its words' valences into four scores; the model sees, besides, *how many* words of
each kind a text holds, which a few hundred labels cannot learn word by word:

- ``lex_positive``, ``lex_negative``: lexicon words of positive or negative valence, not negated;
- ``lex_strong_positive``, ``lex_strong_negative``: those with |valence| ≥ STRONG (2.0, VADER's
  scale runs −4…+4: "great" 3.1, "fail" −2.5, "thanks" 1.9);
- ``lex_negated``: lexicon words with a negation (VADER's list, or a word ending in "n't") among
  the NEGATION_WINDOW words before them — "not bad", "never helpful" — counted here only, as
  their direction is what the labels teach;
- ``lex_but``: "but", the contrast after which VADER weighs the rest of a text more;
- ``lex_exclamations``, ``lex_questions``: "!" and "?" (a question is most often neutral).

Words are the text's whitespace-separated tokens, looked up as they are (emoticons such as
":)"), then without the punctuation around them. The lexicon, negations and boosters are those
of the installed vaderSentiment package (`vader_lexicon`); `lexicon_counts` takes them as
arguments, so it is pure.
"""

from __future__ import annotations

import functools
import string

import numpy as np

STRONG = 2.0  # |valence| at or above which a lexicon word is strong (VADER's scale: −4…+4)
NEGATION_WINDOW = 3  # the words before a lexicon word that can negate it (VADER's window)
LEXICON_FEATURES = ("lex_positive", "lex_negative", "lex_strong_positive", "lex_strong_negative", "lex_negated",
                    "lex_but", "lex_exclamations", "lex_questions")
_PUNCTUATION = string.punctuation + "“”‘’…"


@functools.cache
def vader_lexicon() -> tuple[dict[str, float], frozenset[str]]:
    """(word → valence, negations) of the installed vaderSentiment package, read once."""
    from vaderSentiment.vaderSentiment import NEGATE

    from dashboard.tone.vader import analyzer

    return dict(analyzer().lexicon), frozenset(NEGATE)


def _negation(word: str, negations: frozenset[str]) -> bool:
    return word in negations or word.endswith("n't") or word.endswith("n’t")


def lexicon_counts(text: str, lexicon: dict[str, float], negations: frozenset[str]) -> tuple[int, ...]:
    """The eight counts of LEXICON_FEATURES for one text (lower-cased before the look-up)."""
    positive = negative = strong_positive = strong_negative = negated = but = 0
    words: list[str] = []
    for token in text.lower().split():
        valence = lexicon.get(token)
        word = token if valence is not None else token.strip(_PUNCTUATION)
        if valence is None:
            valence = lexicon.get(word)
        if word == "but":
            but += 1
        if valence:
            if any(_negation(w, negations) for w in words[-NEGATION_WINDOW:]):
                negated += 1
            elif valence > 0:
                positive += 1
                strong_positive += valence >= STRONG
            else:
                negative += 1
                strong_negative += valence <= -STRONG
        words.append(word)
    return (positive, negative, strong_positive, strong_negative, negated, but, text.count("!"), text.count("?"))


def lexicon_features(texts: list[str], names: tuple[str, ...] = LEXICON_FEATURES) -> np.ndarray:
    """The named counts of each text (n × len(names)), with VADER's lexicon."""
    lexicon, negations = vader_lexicon()
    counts = np.array([lexicon_counts(t, lexicon, negations) for t in texts], dtype=float).reshape(len(texts), len(LEXICON_FEATURES))
    return counts[:, [LEXICON_FEATURES.index(n) for n in names]]
