"""The tone model: fitted with scikit-learn, stored as plain JSON, applied with numpy.

A TF-IDF of word 1- and 2-grams (sublinear tf, l2-normalised rows) feeds a multinomial
logistic regression with balanced class weights. The tone of a text is
P(positive) − P(negative), −1…+1, so a model joins VADER's scale. The file holds only
numbers and strings (vocabulary, idf, coefficients, intercepts, classes, the
cross-validated figures, the scikit-learn version): reading it runs no code, and `load`
checks every field and the file's size before it is used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dashboard.tone.labels import LABELS, MIN_LABELS, normalise_labels

FORMAT = "boilingpoint-tone-model"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 64 * 1024 * 1024
MAX_VOCABULARY = 2_000_000
FOLDS = 5
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default: words of two or more characters
NGRAMS = (1, 2)
C = 0.3  # inverse regularisation, with balanced class weights: the best of 0.1–30 at 300 airline labels (BENCHMARKS.md)
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class ToneModel:
    """A fitted tone model as plain values; `score` needs numpy only."""

    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray = field(repr=False)
    coef: np.ndarray = field(repr=False)  # (1 or n_classes) × len(vocabulary)
    intercept: np.ndarray = field(repr=False)
    cv: dict = field(default_factory=dict)  # folds, labels, class counts, model_macro_f1, vader_macro_f1
    sklearn_version: str = ""
    name: str = ""  # the file it was read from, for the load report
    digest: str = ""  # sha256 of the file's bytes: a cache key that follows the content, not the name

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(class) per text (rows) and class (columns, in `classes` order)."""
        index = {term: i for i, term in enumerate(self.vocabulary)}
        rows, cols, counts = [], [], []
        for r, text in enumerate(texts):
            terms = Counter(t for t in ngrams(text) if t in index)
            rows += [r] * len(terms)
            cols += [index[t] for t in terms]
            counts += list(terms.values())
        n = len(texts)
        row = np.asarray(rows, dtype=np.int64)
        col = np.asarray(cols, dtype=np.int64)
        weight = (1.0 + np.log(np.asarray(counts, dtype=float))) * self.idf[col]  # sublinear tf × idf
        norm = np.sqrt(np.bincount(row, weights=weight * weight, minlength=n))
        weight = weight / np.where(norm > 0, norm, 1.0)[row]
        logits = np.stack([np.bincount(row, weights=weight * c[col], minlength=n) for c in self.coef], axis=1) + self.intercept
        if len(self.classes) == 2:  # binary logistic regression: one row of coefficients
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def score(self, texts: list[str]) -> np.ndarray:
        """The tone of each text, P(positive) − P(negative), −1…+1."""
        proba = self.probabilities(list(texts))
        tone = np.zeros(len(texts))
        if "positive" in self.classes:
            tone += proba[:, self.classes.index("positive")]
        if "negative" in self.classes:
            tone -= proba[:, self.classes.index("negative")]
        return np.clip(tone, -1.0, 1.0)

    def describe(self) -> str:
        """One line for the load report: which model, and its cross-validated macro-F1 beside VADER's."""
        cv = self.cv
        figures = ""
        if cv.get("model_macro_f1") is not None:
            figures = (f"; {cv.get('folds', FOLDS)}-fold cross-validated macro-F1 {cv['model_macro_f1']:.3f} on "
                       f"{cv.get('labels', 0):,} labels, VADER {cv.get('vader_macro_f1', float('nan')):.3f} on the same labels")
        return f"the tone model {self.name or '(unnamed)'} (TF-IDF + logistic regression{figures})"


def ngrams(text: str) -> list[str]:
    """The word 1- and 2-grams of a text, as scikit-learn's TfidfVectorizer forms them."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True, lowercase=True, token_pattern=TOKEN_PATTERN),
        LogisticRegression(C=C, class_weight="balanced", max_iter=2000),
    )


def cross_validate(texts: list[str], labels: list[str], seed: int = 0) -> dict:
    """Macro-F1 of the model and of VADER on the same folds (means over the folds)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from dashboard.tone.vader import vader_classes

    y = np.asarray(labels)
    classes = sorted(set(labels))
    counts = Counter(labels)
    folds = min(FOLDS, min(counts.values()))
    vader = np.asarray(vader_classes(texts))
    x = np.asarray(texts, dtype=object)
    model_f1, vader_f1 = [], []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        fitted = pipeline().fit(list(x[train]), y[train])
        model_f1.append(f1_score(y[test], fitted.predict(list(x[test])), labels=classes, average="macro", zero_division=0))
        vader_f1.append(f1_score(y[test], vader[test], labels=classes, average="macro", zero_division=0))
    return {"folds": folds, "labels": len(labels), "counts": {k: counts[k] for k in classes},
            "model_macro_f1": round(float(np.mean(model_f1)), 4), "vader_macro_f1": round(float(np.mean(vader_f1)), 4)}


def fit(texts, labels, seed: int = 0, validate: bool = True) -> ToneModel:
    """A tone model from labelled texts (labels negative/neutral/positive, any case, or -1/0/1).

    Rows without text or label are skipped. ValueError when fewer than MIN_LABELS rows are
    labelled, fewer than two classes occur, or a class has a single label. `validate`
    measures the model and VADER by cross-validation (the figures go into the file).
    """
    import sklearn

    texts, labels = normalise_labels(list(texts), list(labels))
    if len(labels) < MIN_LABELS:
        raise ValueError(f"{len(labels):,} labelled rows: at least {MIN_LABELS} are needed")
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError(f"every label is {next(iter(counts), 'missing')!r}: at least two classes are needed")
    rare = [k for k, n in counts.items() if n < 2]
    if rare:
        raise ValueError(f"the class {', '.join(rare)} has a single label: each class needs at least two")
    cv = cross_validate(texts, labels, seed) if validate else {}
    pipe = pipeline().fit(texts, labels)
    vectorizer, regression = pipe.steps[0][1], pipe.steps[1][1]
    vocabulary = [""] * len(vectorizer.vocabulary_)
    for term, i in vectorizer.vocabulary_.items():
        vocabulary[i] = term
    return ToneModel(tuple(str(c) for c in regression.classes_), tuple(vocabulary), np.asarray(vectorizer.idf_, dtype=float),
                     np.asarray(regression.coef_, dtype=float), np.asarray(regression.intercept_, dtype=float), cv, sklearn.__version__)


def to_json(model: ToneModel) -> dict:
    """The model as plain JSON data."""
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "features": {"kind": "tfidf", "ngram_range": list(NGRAMS), "sublinear_tf": True, "lowercase": True,
                     "token_pattern": TOKEN_PATTERN, "norm": "l2"},
        "classes": list(model.classes), "vocabulary": list(model.vocabulary), "idf": model.idf.tolist(),
        "coefficients": model.coef.tolist(), "intercepts": model.intercept.tolist(),
        "cross_validation": model.cv, "sklearn_version": model.sklearn_version,
    }


def save(model: ToneModel, path: str | Path) -> None:
    """Write the model as plain JSON (UTF-8)."""
    Path(path).write_text(json.dumps(to_json(model), ensure_ascii=False, allow_nan=False), encoding="utf-8")


def _refuse(constant: str):
    raise ValueError(f"the number {constant} is not allowed")


def _numbers(value, what: str, ndim: int) -> np.ndarray:
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError(f"{what} is not a regular table of numbers") from None
    if array.ndim != ndim or array.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be a {'list' if ndim == 1 else 'list of lists'} of numbers")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} holds a number that is not finite")
    return array


def from_json(data, name: str = "") -> ToneModel:
    """A ToneModel from parsed JSON, every field checked; ValueError naming the first bad one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a Boiling Point tone model (expected \"format\": \"{FORMAT}\")")
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"tone model version {data.get('version')!r}: this program reads version {FORMAT_VERSION}")
    features = data.get("features")
    expected = to_json(ToneModel((), (), np.zeros(0), np.zeros((0, 0)), np.zeros(0)))["features"]
    if features != expected:
        raise ValueError("the model's features are not the TF-IDF this program computes (word 1–2-grams, sublinear tf)")
    classes = data.get("classes")
    if (not isinstance(classes, list) or not 2 <= len(classes) <= 3 or len(set(map(str, classes))) != len(classes)
            or any(c not in LABELS for c in classes)):
        raise ValueError(f"classes must be two or three of {', '.join(LABELS)}")
    vocabulary = data.get("vocabulary")
    if not isinstance(vocabulary, list) or not vocabulary or len(vocabulary) > MAX_VOCABULARY:
        raise ValueError(f"vocabulary must be a list of 1 to {MAX_VOCABULARY:,} terms")
    if any(not isinstance(t, str) for t in vocabulary) or len(set(vocabulary)) != len(vocabulary):
        raise ValueError("vocabulary must hold distinct strings")
    idf = _numbers(data.get("idf"), "idf", 1)
    coef = _numbers(data.get("coefficients"), "coefficients", 2)
    intercept = _numbers(data.get("intercepts"), "intercepts", 1)
    rows = 1 if len(classes) == 2 else len(classes)
    if len(idf) != len(vocabulary) or coef.shape != (rows, len(vocabulary)) or len(intercept) != rows:
        raise ValueError(f"idf, coefficients and intercepts do not fit {len(classes)} classes and {len(vocabulary):,} terms")
    cv = data.get("cross_validation", {})
    if not isinstance(cv, dict) or any(not isinstance(v, int | float | str | dict) or isinstance(v, bool) for v in cv.values()):
        raise ValueError("cross_validation must be an object of figures")
    for key in ("model_macro_f1", "vader_macro_f1"):
        if key in cv and (not isinstance(cv[key], int | float) or not 0 <= cv[key] <= 1):
            raise ValueError(f"cross_validation.{key} must be a number between 0 and 1")
    version = data.get("sklearn_version", "")
    if not isinstance(version, str):
        raise ValueError("sklearn_version must be a string")
    return ToneModel(tuple(classes), tuple(vocabulary), idf, coef, intercept, cv, version[:40], name)


def load(path: str | Path) -> ToneModel:
    """Read a model file written by `save`; ValueError (with the file's name) when it is not one."""
    from dashboard.loading import LoadError, read_regular_file

    p = Path(path)
    try:
        data = read_regular_file(p, MAX_MODEL_BYTES)
    except LoadError as exc:
        raise ValueError(f"tone model {p}: {exc.message}") from None
    try:
        parsed = json.loads(data.decode("utf-8"), parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"tone model {p}: not JSON ({str(exc)[:120]})") from None
    try:
        model = from_json(parsed, p.name)
    except ValueError as exc:
        raise ValueError(f"tone model {p}: {exc}") from None
    return dataclasses.replace(model, digest=hashlib.sha256(data).hexdigest())


