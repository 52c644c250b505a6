"""VADER, the default tone: its compound score and the classes its authors' thresholds give."""

from __future__ import annotations

import functools

import numpy as np

VADER_THRESHOLD = 0.05  # compound >= +0.05 positive, <= -0.05 negative (Hutto & Gilbert)


@functools.cache
def analyzer():
    """The one VADER analyser of the process (its lexicon is read once)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_tone(texts: list[str]) -> np.ndarray:
    """VADER's compound score of each text, −1…+1."""
    scorer = analyzer()
    return np.array([float(scorer.polarity_scores(t)["compound"]) for t in texts], dtype=float)


def vader_scores(texts: list[str]) -> np.ndarray:
    """VADER's compound, positive, negative and neutral scores of each text (n × 4)."""
    scorer = analyzer()
    out = np.empty((len(texts), 4))
    for i, t in enumerate(texts):
        s = scorer.polarity_scores(t)
        out[i] = (s["compound"], s["pos"], s["neg"], s["neu"])
    return out


def vader_classes(texts: list[str]) -> list[str]:
    """negative / neutral / positive for each text, by VADER's standard thresholds (±0.05)."""
    tone = vader_tone(texts)
    return ["positive" if t >= VADER_THRESHOLD else "negative" if t <= -VADER_THRESHOLD else "neutral" for t in tone]
