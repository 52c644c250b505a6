"""The tone model: fitted, stored as plain JSON, read back with every field checked, applied with numpy."""

from __future__ import annotations

import hashlib
import json
import random

import numpy as np
import pytest

from dashboard.tone import MIN_LABELS, fit, load, normalise_labels, save
from dashboard.tone.model import (
    C_GRID,
    DENSE,
    DENSE_SCALE,
    DENSE_VADER,
    MAX_MODEL_BYTES,
    char_terms,
    dumps,
    from_json,
    loads,
    ngrams,
    prepare,
    to_json,
)

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
    assert cv["C"] in C_GRID  # chosen by the cross-validation, on these labels alone


def test_score_is_p_positive_minus_p_negative_within_bounds(model):
    tone = model.score(["stranded on the tarmac again", "upgraded with legroom today", "which gate today"])
    assert tone[0] < -0.1 < 0.1 < tone[1] and tone[0] < tone[2] < tone[1]
    proba = model.probabilities(["stranded on the tarmac again"])
    assert proba.sum() == pytest.approx(1.0)
    assert tone[0] == pytest.approx(proba[0, model.classes.index("positive")] - proba[0, model.classes.index("negative")])
    assert np.all(np.abs(model.score(["", "zzz qqq", "12"])) <= 1)


def test_score_matches_scikit_learn(model):
    """numpy's scoring from the stored numbers (the dense block's scale folded into its coefficients)
    equals scikit-learn's on the features it was fitted on (the dense block scaled)."""
    from dashboard.tone.model import _design, _regression, _vectorizers, dense_features

    texts, labels = labelled_set()
    vectorizers = _vectorizers()
    x = _design(vectorizers, [prepare(t) for t in texts], dense_features(texts) * DENSE_SCALE, fit=True)
    regression = _regression(model.cv["C"]).fit(x, labels)
    probe = ["Delayed AGAIN, stranded in Denver!!", "on time and upgraded @united http://t.co/x", "what terminal?",
             "nothing known here", "", "légroom 😀 delaaayed", "not great, but ok?"]
    dense = dense_features(probe) * DENSE_SCALE
    expected = regression.predict_proba(_design(vectorizers, [prepare(t) for t in probe], dense, fit=False))
    assert np.allclose(expected, model.probabilities(probe), atol=1e-9)


def test_copies_are_scored_as_their_original(model):
    texts = ["stranded on the tarmac", "upgraded today", "stranded on the tarmac", "stranded on the tarmac"]
    proba = model.probabilities(texts)
    assert proba.shape == (4, 3)
    assert np.array_equal(proba[0], proba[2]) and np.array_equal(proba[0], proba[3])
    assert np.allclose(model.probabilities(["upgraded today"])[0], proba[1])


def test_save_load_round_trip_gives_the_same_scores(model, tmp_path):
    path = tmp_path / "tone.json"
    save(model, path)
    back = load(path)
    probe = labelled_set(5, seed=99)[0]
    assert np.allclose(back.score(probe), model.score(probe), atol=1e-5)  # numbers stored to 7 significant digits
    assert back.classes == model.classes and [b.vocabulary for b in back.blocks] == [b.vocabulary for b in model.blocks]
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
    assert set(data) >= {"format", "version", "features", "classes", "coefficients", "intercepts", "cross_validation",
                         "sklearn_version"}
    assert data["version"] == 3 and data["classes"] == ["negative", "neutral", "positive"]
    blocks = data["features"]["blocks"]
    assert [(b["analyzer"], b["ngram_range"]) for b in blocks] == [("word", [1, 2]), ("char_wb", [2, 5])]
    assert all(len(b["vocabulary"]) == len(b["idf"]) for b in blocks)
    assert data["features"]["dense"] == list(DENSE)
    width = sum(len(b["vocabulary"]) for b in blocks) + len(DENSE)
    assert len(data["coefficients"]) == 3 and all(len(row) == width for row in data["coefficients"])
    assert b"pickle" not in path.read_bytes()


def _broken(model, **changes):
    data = json.loads(json.dumps(to_json(model)))
    block = data["features"]["blocks"][0]
    for key, value in changes.items():
        if key in ("vocabulary", "idf", "analyzer", "ngram_range"):
            block[key] = value
        elif key in ("prepare", "dense", "blocks", "token_pattern"):
            data["features"][key] = value
        else:
            data[key] = value
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
        ({"idf": [1.0]}, "idf does not fit"),
        ({"analyzer": "char"}, "terms are not those"),
        ({"ngram_range": [1, 9]}, "terms are not those"),
        ({"token_pattern": "(a+)+$"}, "features"),
        ({"prepare": "eval"}, "features"),
        ({"dense": ["os.system"]}, "features.dense"),
        ({"dense": list(DENSE) + ["vader_compound"]}, "features.dense"),
        ({"dense": [["lex_but"]]}, "features.dense"),
        ({"dense": "lex_but"}, "features.dense"),
        ({"version": 2}, "features.dense"),  # a version 2 file holds VADER's four scores at most
        ({"blocks": []}, "features.blocks"),
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


@pytest.mark.parametrize("text", ["Delayed AGAIN!", "a", "ab", "abcd", "  two   spaces ", "émoji 😀😀 ok", "", "x\ty\nz"])
def test_char_terms_form_terms_as_scikit_learn_char_wb(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    assert char_terms(text) == analyse(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("@united thanks!! https://t.co/abc", " @user  thanks!!  url "),
        ("Delays &amp; more www.x.com", "delays & more  url "),
        ("No handle here", "no handle here"),
    ],
)
def test_prepare_hides_handles_and_links(text, expected):
    assert prepare(text) == expected


def test_a_version_1_file_still_loads_and_scores_with_its_own_formula():
    """v1 files (word 1–2-grams only, written by the previous release) keep working."""
    vocabulary = ["delayed", "great", "delayed again"]
    v1 = {"format": "boilingpoint-tone-model", "version": 1,
          "features": {"kind": "tfidf", "ngram_range": [1, 2], "sublinear_tf": True, "lowercase": True,
                       "token_pattern": r"(?u)\b\w\w+\b", "norm": "l2"},
          "classes": ["negative", "positive"], "vocabulary": vocabulary, "idf": [1.0, 2.0, 3.0],
          "coefficients": [[-2.0, 3.0, -1.0]], "intercepts": [0.5], "cross_validation": {}, "sklearn_version": "1.9.1"}
    model = loads(json.dumps(v1).encode())
    assert model.dense == () and model.prepare == "lower" and model.terms == 3
    # "Delayed again": terms delayed (idf 1) and "delayed again" (idf 3), l2-normalised.
    w = np.array([1.0, 3.0]) / np.sqrt(10.0)
    p = 1 / (1 + np.exp(-(0.5 - 2.0 * w[0] - 1.0 * w[1])))
    assert model.score(["Delayed again"])[0] == pytest.approx(p - (1 - p))
    assert model.score(["nothing known"])[0] == pytest.approx(2 / (1 + np.exp(-0.5)) - 1)


def test_the_file_round_trips_through_bytes(model):
    data = dumps(model)
    back = loads(data, "x.json")
    assert back.digest == hashlib.sha256(data).hexdigest() and back.name == "x.json"
    assert back.cv == model.cv


def test_a_fit_is_the_same_with_the_same_seed():
    texts, labels = labelled_set()
    first, second = fit(texts, labels, seed=3), fit(texts, labels, seed=3)
    assert dumps(first) == dumps(second)


def test_a_version_3_model_reads_vaders_scores_and_the_lexicon_counts(model):
    assert model.dense == DENSE and DENSE[:4] == DENSE_VADER and len(DENSE) == 12
    assert model.coef.shape[1] == model.terms + len(DENSE)
    back = loads(dumps(model))
    assert back.dense == DENSE and np.allclose(back.coef, model.coef, rtol=1e-6)


def _v2_file(dense: bool = True) -> dict:
    """A small version 2 file as the previous release wrote it: one word block, one character
    block, VADER's four scores (no scale: its coefficients read the scores as they are)."""
    return {"format": "boilingpoint-tone-model", "version": 2,
            "features": {"prepare": "social", "tf": "sublinear", "norm": "l2 per block", "token_pattern": r"(?u)\b\w\w+\b",
                         "blocks": [{"analyzer": "word", "ngram_range": [1, 2], "vocabulary": ["late", "great"], "idf": [1.0, 2.0]},
                                    {"analyzer": "char_wb", "ngram_range": [2, 5], "vocabulary": [" la"], "idf": [1.5]}],
                         "dense": list(DENSE_VADER) if dense else []},
            "classes": ["negative", "positive"],
            "coefficients": [[-1.0, 2.0, -0.5] + ([1.5, 0.5, -0.5, 0.25] if dense else [])], "intercepts": [0.1],
            "cross_validation": {"C": 1.0}, "sklearn_version": "1.9.1"}


@pytest.mark.parametrize("dense", [True, False], ids=["with-vader", "tf-idf-only"])
def test_a_version_2_file_still_loads_and_scores_with_its_own_formula(dense):
    from dashboard.tone.vader import vader_scores

    model = loads(json.dumps(_v2_file(dense)).encode())
    assert model.dense == (DENSE_VADER if dense else ()) and model.prepare == "social" and model.terms == 3
    text = "Late again @united"
    # "late" (word, idf 1) alone in its block; " la" (char, idf 1.5) alone in its block: each l2-normalises to 1.
    logit = 0.1 - 1.0 * 1.0 - 0.5 * 1.0
    if dense:
        logit += float(vader_scores([text])[0] @ np.array([1.5, 0.5, -0.5, 0.25]))
    p = 1 / (1 + np.exp(-logit))
    assert model.score([text])[0] == pytest.approx(p - (1 - p))
    # written again, it is a version 3 file that scores the same
    again = loads(dumps(model))
    assert json.loads(dumps(model))["version"] == 3 and again.dense == model.dense
    assert again.score([text])[0] == pytest.approx(model.score([text])[0])
