"""Tone learned from people's labels: a TF-IDF + logistic-regression model stored as plain JSON.

`fit` (scikit-learn) learns it from labelled texts and measures it beside VADER by
cross-validation; `save` writes it as plain data (never pickle); `load` reads such a file
back, checking every field; `ToneModel.score` applies it with numpy alone. No Streamlit here.
"""

from __future__ import annotations

from dashboard.tone.labels import LABELS, MIN_LABELS, load_labels, normalise_labels
from dashboard.tone.model import MAX_MODEL_BYTES, ToneModel, fit, load, save
from dashboard.tone.vader import vader_classes, vader_tone

__all__ = [
    "LABELS",
    "MAX_MODEL_BYTES",
    "MIN_LABELS",
    "ToneModel",
    "fit",
    "load",
    "load_labels",
    "normalise_labels",
    "save",
    "vader_classes",
    "vader_tone",
]
