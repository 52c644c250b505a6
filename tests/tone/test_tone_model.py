"""The tone model: fitted, stored as plain JSON, read back with every field checked, applied with numpy."""

from __future__ import annotations

import hashlib
import json
import random

import numpy as np
import pytest

from dashboard.tone import MIN_LABELS, fit, load, normalise_labels, save
from dashboard.tone.model import MAX_MODEL_BYTES, from_json, ngrams, to_json

# Words VADER's lexicon does not know, or reads the other way, in an airline's voice: the
# model learns them from the labels, VADER cannot. Generated, no real text.
NEGATIVE = ["delayed", "stranded", "cancelled", "rebooked", "tarmac", "diverted", "overbooked", "lost bag"]
POSITIVE = ["upgraded", "early arrival", "legroom", "on time", "priority boarding", "free wifi", "lounge", "rebate"]
NEUTRAL = ["which gate", "what terminal", "flight number", "the schedule", "baggage policy", "seat map"]
FILLER = ["my flight", "today", "from boston", "to denver", "this morning", "again", "the crew", "at the airport"]


def labelled_set(n_per_class: int = 40, seed: int = 7) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, words in (("negative", NEGATIVE), ("positive", POSITIVE), ("neutral", NEUTRAL)):
        for _ in range(n_per_class):
            parts = [rng.choice(words), rng.choice(FILLER), rng.choice(FILLER)]
            rng.shuffle(parts)
            texts.append(" ".join(parts))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def model():
    texts, labels = labelled_set()
    return fit(texts, labels)


def test_fit_beats_vader_on_labels_vader_cannot_read(model):
    cv = model.cv
    assert cv["folds"] == 5 and cv["labels"] == 120
    assert cv["counts"] == {"negative": 40, "neutral": 40, "positive": 40}
    assert cv["model_macro_f1"] > 0.9
    assert cv["vader_macro_f1"] < 0.6
    assert cv["model_macro_f1"] > cv["vader_macro_f1"] + 0.3


def test_score_is_p_positive_minus_p_negative_within_bounds(model):
    tone = model.score(["stranded on the tarmac again", "upgraded with legroom today", "which gate today"])
    assert tone[0] < -0.1 < 0.1 < tone[1] and tone[0] < tone[2] < tone[1]
    proba = model.probabilities(["stranded on the tarmac again"])
    assert proba.sum() == pytest.approx(1.0)
    assert tone[0] == pytest.approx(proba[0, model.classes.index("positive")] - proba[0, model.classes.index("negative")])
    assert np.all(np.abs(model.score(["", "zzz qqq", "12"])) <= 1)


def test_score_matches_scikit_learn_pipeline(model):
    from dashboard.tone.model import pipeline

    texts, labels = labelled_set()
    pipe = pipeline().fit(texts, labels)
    probe = ["Delayed AGAIN, stranded in Denver!!", "on time and upgraded", "what terminal?", "nothing known here"]
    assert np.allclose(pipe.predict_proba(probe), model.probabilities(probe), atol=1e-9)


def test_save_load_round_trip_gives_the_same_scores(model, tmp_path):
    path = tmp_path / "tone.json"
    save(model, path)
    back = load(path)
    probe = labelled_set(5, seed=99)[0]
    assert np.array_equal(back.score(probe), model.score(probe))
    assert back.classes == model.classes and back.vocabulary == model.vocabulary
    assert back.cv == model.cv and back.name == "tone.json"
    assert back.digest == hashlib.sha256(path.read_bytes()).hexdigest()  # the app's cache key follows the content
    assert "tone.json" in back.describe() and f"{model.cv['model_macro_f1']:.3f}" in back.describe()


def test_saved_file_is_plain_data(model, tmp_path):
    path = tmp_path / "tone.json"
    save(model, path)
    data = json.loads(path.read_text(encoding="utf-8"))

    def plain(value) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool)

    assert plain(data)
    assert set(data) >= {"format", "version", "classes", "vocabulary", "idf", "coefficients", "intercepts",
                         "cross_validation", "sklearn_version"}
    assert data["classes"] == ["negative", "neutral", "positive"]
    assert len(data["coefficients"]) == 3 and len(data["coefficients"][0]) == len(data["vocabulary"]) == len(data["idf"])
    assert b"pickle" not in path.read_bytes()


def _broken(model, **changes):
    data = json.loads(json.dumps(to_json(model)))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "change, message",
    [
        ({"format": "sklearn-pickle"}, "not a Boiling Point tone model"),
        ({"version": 99}, "version 99"),
        ({"classes": ["negative", "__import__('os')"]}, "classes must be"),
        ({"classes": ["negative", "negative", "positive"]}, "classes must be"),
        ({"vocabulary": [1, 2]}, "distinct strings"),
        ({"vocabulary": []}, "vocabulary must be"),
        ({"idf": "1,2,3"}, "idf"),
        ({"idf": [{"__class__": "x"}]}, "idf"),
        ({"coefficients": [[1.0, 2.0], [3.0]]}, "coefficients"),
        ({"coefficients": [["1.5"]]}, "coefficients"),
        ({"intercepts": [0.0]}, "do not fit"),
        ({"features": {"kind": "tfidf", "token_pattern": "(a+)+$"}}, "features"),
        ({"cross_validation": {"model_macro_f1": 7}}, "between 0 and 1"),
        ({"sklearn_version": ["1.9"]}, "sklearn_version"),
    ],
)
def test_load_refuses_a_hostile_or_broken_file(model, tmp_path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_broken(model, **change)))
    with pytest.raises(ValueError, match="bad.json") as info:
        load(path)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x80\x04\x95pickle", "not JSON"),
        (b'{"format": NaN}', "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b"[1, 2, 3]", "not a Boiling Point tone model"),
        (b"", "not JSON"),
    ],
    ids=["pickle", "nan", "deep-nesting", "a-list", "empty"],
)
def test_load_refuses_what_is_not_a_model_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_load_refuses_a_file_over_the_size_cap(tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_MODEL_BYTES + 1)
    with pytest.raises(ValueError, match="limit"):
        load(path)


def test_load_refuses_what_is_not_a_regular_file(tmp_path):
    with pytest.raises(ValueError, match="regular file"):
        load(tmp_path)
    with pytest.raises(ValueError, match="cannot open"):
        load(tmp_path / "missing.json")


def test_from_json_with_two_classes_scores_with_one_row_of_coefficients(model):
    texts, labels = labelled_set()
    two = [(t, lab) for t, lab in zip(texts, labels) if lab != "neutral"]
    binary = fit([t for t, _ in two], [lab for _, lab in two], validate=False)
    assert binary.classes == ("negative", "positive") and binary.coef.shape[0] == 1
    again = from_json(json.loads(json.dumps(to_json(binary))))
    tone = again.score(["stranded on the tarmac", "upgraded to the lounge"])
    assert tone[0] < 0 < tone[1]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Negative", "negative"), (" POSITIVE ", "positive"), ("neutral", "neutral"),
        (-1, "negative"), (0, "neutral"), (1, "positive"), ("-1", "negative"), ("1.0", "positive"), (0.0, "neutral"),
        ("", None), (None, None), (float("nan"), None),
    ],
)
def test_normalise_labels_reads_names_any_case_and_minus_one_zero_one(raw, expected):
    texts, labels = normalise_labels(["some text"], [raw])
    assert labels == ([expected] if expected else [])


@pytest.mark.parametrize("raw", ["mixed", 2, "0.5", True])
def test_normalise_labels_names_the_row_of_an_unknown_label(raw):
    with pytest.raises(ValueError, match="row 2"):
        normalise_labels(["a", "b"], ["positive", raw])


def test_normalise_labels_skips_rows_without_text():
    assert normalise_labels(["a", "", None, "  "], ["positive"] * 4) == (["a"], ["positive"])


@pytest.mark.parametrize(
    "labels, message",
    [
        (["negative"] * 30, "two classes"),
        (["negative", "positive"] * (MIN_LABELS // 2 - 1), f"at least {MIN_LABELS}"),
        (["negative"] * 29 + ["positive"], "single label"),
    ],
    ids=["one-class", "too-few", "single-label-class"],
)
def test_fit_refuses_labels_it_cannot_learn_from(labels, message):
    with pytest.raises(ValueError, match=message):
        fit([f"text {i}" for i in range(len(labels))], labels)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Delayed AGAIN!", ["delayed", "again", "delayed again"]),
        ("a b", []),  # one-character words are not terms (scikit-learn's default pattern)
        ("lost bag", ["lost", "bag", "lost bag"]),
    ],
)
def test_ngrams_form_terms_as_scikit_learn_does(text, expected):
    assert ngrams(text) == expected
