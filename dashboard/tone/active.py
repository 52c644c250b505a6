"""Which texts to label first: the ones the current tone reader is least sure of.

With a fitted model, a text's uncertainty is 1 − (the gap between its two most probable
classes): near 1 when two classes are close. With VADER, it is how near the compound score
lies to one of VADER's decision thresholds (±0.05), on the same 0…1 scale: a compound of
+0.05 is a coin toss between neutral and positive, one of −0.9 is not. Labelling those first
teaches a model the most per label (uncertainty sampling, Lewis & Gale 1994).
"""

from __future__ import annotations

import numpy as np

from dashboard.tone.vader import VADER_THRESHOLD, vader_tone


def uncertainty(texts: list[str], model=None) -> np.ndarray:
    """0…1 per text, 1 the least certain (see the module docstring)."""
    if not texts:
        return np.zeros(0)
    if model is not None:
        proba = np.sort(model.probabilities(list(texts)), axis=1)
        return 1.0 - (proba[:, -1] - proba[:, -2])
    compound = vader_tone(list(texts))
    distance = np.minimum(np.abs(compound - VADER_THRESHOLD), np.abs(compound + VADER_THRESHOLD))
    return 1.0 - np.clip(distance / (1.0 + VADER_THRESHOLD), 0.0, 1.0)


def guesses(texts: list[str], model=None) -> list[tuple[str, float]]:
    """The reader's class and tone (−1…+1) for each text: the model's, else VADER's."""
    if not texts:
        return []
    if model is not None:
        proba = model.probabilities(list(texts))
        names = np.asarray(model.classes)[proba.argmax(axis=1)]
        return list(zip(names.tolist(), model.score(list(texts)).tolist()))
    tone = vader_tone(list(texts))
    return [("positive" if t >= VADER_THRESHOLD else "negative" if t <= -VADER_THRESHOLD else "neutral", float(t)) for t in tone]


def labelling_order(texts: list[str], model=None) -> list[int]:
    """Indices of `texts`, the least certain first; ties keep the texts' own order."""
    u = uncertainty(texts, model)
    return np.lexsort((np.arange(len(texts)), -u)).tolist()


def next_unlabelled(queue: list[str], labelled, start: int) -> int:
    """The position of the first text of `queue` at or after `start` that has no label yet;
    len(queue) when every one from there on has one."""
    for i in range(max(start, 0), len(queue)):
        if queue[i] not in labelled:
            return i
    return len(queue)
