"""The tone model: fitted with scikit-learn, stored as plain JSON, applied with numpy.

A text is prepared for social media (links become "URL", @handles "@USER", `&amp;` "&",
lower case), then described three ways, side by side: a TF-IDF of its word 1- and 2-grams,
a TF-IDF of its character 2- to 5-grams inside word boundaries (which reads "delaaayed",
"#fail" and emoji that no word list holds), each with sublinear tf and l2-normalised, and a
dense block of twelve numbers that bring a lexicon's prior knowledge to the words a few
hundred labels never show: VADER's four scores (compound, positive, negative, neutral) and
eight counts of VADER's own lexicon words in the text (positive, negative, strong, negated,
"but", "!" and "?"; `dashboard.tone.lexicon`). A multinomial logistic regression with
balanced class weights reads them; its regularisation C is chosen among C_GRID by
cross-validation on the labels themselves. While fitting, the dense block is multiplied by
DENSE_SCALE (3): beside two l2-normalised blocks of thousands of terms, its few columns
would otherwise be regularised as hard as any one term. The scale is folded into the
stored coefficients, so the file's model reads the dense features as they are and needs no
extra field. The tone of a text is P(positive) − P(negative), −1…+1, so a model joins
VADER's scale.

The file holds only numbers and strings (each block's vocabulary and idf, the dense
features' names, coefficients, intercepts, classes, the cross-validated figures, the
scikit-learn version): reading it runs no code, and `load` checks every field and the file's
size before it is used; the dense names must be known ones (DENSE). Version 1 files (word
1–2-grams only) and version 2 files (no lexicon counts, VADER's four scores unscaled) still
load and score as they did.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dashboard.tone.labels import LABELS, MIN_LABELS, normalise_labels
from dashboard.tone.lexicon import LEXICON_FEATURES, lexicon_features

FORMAT = "boilingpoint-tone-model"
FORMAT_VERSION = 3
READS_VERSIONS = (1, 2, 3)
MAX_MODEL_BYTES = 64 * 1024 * 1024
MAX_VOCABULARY = 2_000_000
MAX_BLOCK_TERMS = 150_000  # the most frequent terms each block keeps: bounds the file (BENCHMARKS.md)
FOLDS = 5
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default: words of two or more characters
NGRAMS = (1, 2)  # word n-grams
CHAR_NGRAMS = (2, 5)  # character n-grams inside word boundaries (scikit-learn's char_wb)
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)  # inverse regularisation, chosen by cross-validation on the labels
DENSE_VADER = ("vader_compound", "vader_positive", "vader_negative", "vader_neutral")  # version 2's dense block
DENSE = DENSE_VADER + LEXICON_FEATURES  # version 3's: VADER's scores and the counts of its lexicon's words
DENSE_SCALE = 3.0  # the dense block's weight beside the l2-normalised TF-IDF blocks while fitting (folded into coef)
PREPARE = ("lower", "social")  # v1: lower case only; v2: links, handles and &amp; first (prepare())
_TOKEN = re.compile(TOKEN_PATTERN)
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: how terms are formed, the terms known, and their idf."""

    analyzer: str  # "word" or "char_wb"
    ngram_range: tuple[int, int]
    vocabulary: tuple[str, ...]
    idf: np.ndarray = field(repr=False)

    def terms(self, prepared: str) -> list[str]:
        return word_terms(prepared, self.ngram_range) if self.analyzer == "word" else char_terms(prepared, self.ngram_range)

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocabulary)}


@dataclass(frozen=True)
class ToneModel:
    """A fitted tone model as plain values; `score` needs numpy (and VADER, for its features) only."""

    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    coef: np.ndarray = field(repr=False)  # (1 or n_classes) × (terms of every block + dense features)
    intercept: np.ndarray = field(repr=False)
    dense: tuple[str, ...] = ()  # the dense features after the blocks' terms (names of DENSE)
    prepare: str = "social"
    cv: dict = field(default_factory=dict)  # folds, labels, class counts, C, model_macro_f1, vader_macro_f1
    sklearn_version: str = ""
    name: str = ""  # the file it was read from, for the load report
    digest: str = ""  # sha256 of the file's bytes: a cache key that follows the content, not the name

    @property
    def terms(self) -> int:
        return sum(len(b.vocabulary) for b in self.blocks)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(class) per text (rows) and class (columns, in `classes` order)."""
        texts = [str(t) for t in texts]
        distinct = list(dict.fromkeys(texts))  # copies (retweets, syndicated headlines) are scored once
        if len(distinct) < len(texts):
            where = {t: i for i, t in enumerate(distinct)}
            return self.probabilities(distinct)[[where[t] for t in texts]]
        n = len(texts)
        prepared = [prepare(t, self.prepare) for t in texts]
        logits = np.zeros((n, self.coef.shape[0])) + self.intercept
        offset = 0
        for block in self.blocks:
            row, col, weight = _tfidf(block, prepared)
            for k, c in enumerate(self.coef[:, offset:offset + len(block.vocabulary)]):
                logits[:, k] += np.bincount(row, weights=weight * c[col], minlength=n)
            offset += len(block.vocabulary)
        if self.dense:
            logits += dense_features(texts, self.dense) @ self.coef[:, offset:].T
        if len(self.classes) == 2:  # binary logistic regression: one row of coefficients
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def score(self, texts: list[str]) -> np.ndarray:
        """The tone of each text, P(positive) − P(negative), −1…+1."""
        return tone_of(self.probabilities(list(texts)), self.classes)

    def describe(self) -> str:
        """One line for the load report: which model, and its cross-validated macro-F1 beside VADER's."""
        cv = self.cv
        figures = ""
        if cv.get("model_macro_f1") is not None:
            figures = (f"; {cv.get('folds', FOLDS)}-fold cross-validated macro-F1 {cv['model_macro_f1']:.3f} on "
                       f"{cv.get('labels', 0):,} labels, VADER {cv.get('vader_macro_f1', float('nan')):.3f} on the same labels")
        kind = ("TF-IDF of words and characters with VADER's scores"
                + (" and lexicon counts" if any(n in LEXICON_FEATURES for n in self.dense) else "")) if self.dense else "TF-IDF"
        return f"the tone model {self.name or '(unnamed)'} ({kind}, logistic regression{figures})"


def tone_of(proba: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    """P(positive) − P(negative) per row of class probabilities, −1…+1."""
    tone = np.zeros(len(proba))
    if "positive" in classes:
        tone += proba[:, classes.index("positive")]
    if "negative" in classes:
        tone -= proba[:, classes.index("negative")]
    return np.clip(tone, -1.0, 1.0)


def prepare(text: str, how: str = "social") -> str:
    """A text as the model reads it: lower case; with "social", links → "url", @handles → "@user",
    `&amp;` → "&" first (a tweet's handles and links say nothing of its tone)."""
    if how == "social":
        text = _HANDLE.sub(" @USER ", _URL.sub(" URL ", text)).replace("&amp;", "&")
    return text.lower()


def word_terms(prepared: str, ngram_range: tuple[int, int] = NGRAMS) -> list[str]:
    """The word n-grams of a prepared text, as scikit-learn's TfidfVectorizer forms them."""
    words = _TOKEN.findall(prepared)
    lo, hi = ngram_range
    out = list(words) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        out += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return out


def char_terms(prepared: str, ngram_range: tuple[int, int] = CHAR_NGRAMS) -> list[str]:
    """The character n-grams of each word padded with a space, as scikit-learn's char_wb."""
    lo, hi = ngram_range
    out: list[str] = []
    for w in prepared.split():
        w = f" {w} "
        size = len(w)
        for n in range(lo, hi + 1):
            if size <= n:  # a short word counts once, whole
                out.append(w)
                break
            out += [w[i:i + n] for i in range(size - n + 1)]
    return out


def ngrams(text: str) -> list[str]:
    """The word 1- and 2-grams of a text (lower-cased), as scikit-learn's TfidfVectorizer forms them."""
    return word_terms(text.lower(), NGRAMS)


def _tfidf(block: Block, prepared: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (row, column, weight) of the block's sublinear, l2-normalised TF-IDF."""
    index = block.index
    rows: list[int] = []
    cols: list[int] = []
    counts: list[int] = []
    # A character n-gram never crosses a word, so a word's known terms are found once and
    # reused: words repeat across texts far more than texts do.
    known: dict[str, list[int]] = {}
    for r, text in enumerate(prepared):
        if block.analyzer == "char_wb":
            found: list[int] = []
            for w in text.split():
                ids = known.get(w)
                if ids is None:
                    ids = known[w] = [index[t] for t in char_terms(w, block.ngram_range) if t in index]
                found += ids
            terms = Counter(found)
        else:
            terms = Counter(index[t] for t in block.terms(text) if t in index)
        rows += [r] * len(terms)
        cols += list(terms)
        counts += list(terms.values())
    row = np.asarray(rows, dtype=np.int64)
    col = np.asarray(cols, dtype=np.int64)
    weight = (1.0 + np.log(np.asarray(counts, dtype=float))) * block.idf[col]
    norm = np.sqrt(np.bincount(row, weights=weight * weight, minlength=len(prepared)))
    return row, col, weight / np.where(norm > 0, norm, 1.0)[row]


def dense_features(texts: list[str], names: tuple[str, ...] = DENSE) -> np.ndarray:
    """The named dense features of each text (n × len(names)): VADER's four scores (of the text as
    written, as VADER expects it) and the lexicon counts (of the prepared text: no handles, links)."""
    columns = {}
    vader = [n for n in names if n in DENSE_VADER]
    if vader:
        from dashboard.tone.vader import vader_scores

        scores = vader_scores(texts)
        columns.update({n: scores[:, DENSE_VADER.index(n)] for n in vader})
    counted = tuple(n for n in names if n in LEXICON_FEATURES)
    if counted:
        counts = lexicon_features([prepare(t) for t in texts], counted)
        columns.update({n: counts[:, i] for i, n in enumerate(counted)})
    return np.stack([columns[n] for n in names], axis=1) if names else np.zeros((len(texts), 0))


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [TfidfVectorizer(analyzer=functools.partial(word_terms, ngram_range=NGRAMS), sublinear_tf=True,
                            max_features=MAX_BLOCK_TERMS),
            TfidfVectorizer(analyzer=functools.partial(char_terms, ngram_range=CHAR_NGRAMS), sublinear_tf=True,
                            max_features=MAX_BLOCK_TERMS)]


def _design(vectorizers, prepared: list[str], dense: np.ndarray, fit: bool):
    from scipy.sparse import csr_matrix, hstack

    parts = [v.fit_transform(prepared) if fit else v.transform(prepared) for v in vectorizers]
    return hstack(parts + [csr_matrix(dense)]).tocsr()


def _regression(c: float, warm_start: bool = False):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, warm_start=warm_start)


def _macro_f1(truth, predicted, classes) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, labels=classes, average="macro", zero_division=0))


def cross_validate(texts: list[str], labels: list[str], seed: int = 0, grid: tuple[float, ...] = C_GRID) -> dict:
    """C chosen by stratified k-fold cross-validation on the labels, and the macro-F1 of the
    model (at that C) and of VADER on the same folds (means over the folds). The model's
    figure is the best of the grid on these folds, so a little optimistic for choosing among
    len(grid) values; the benchmark measures on labels the model never saw."""
    from sklearn.model_selection import StratifiedKFold

    from dashboard.tone.vader import VADER_THRESHOLD

    y = np.asarray(labels)
    classes = sorted(set(labels))
    counts = Counter(labels)
    folds = min(FOLDS, min(counts.values()))
    prepared = [prepare(t) for t in texts]
    dense = dense_features(texts)
    compound = dense[:, DENSE.index("vader_compound")]
    dense = dense * DENSE_SCALE
    vader = np.where(compound >= VADER_THRESHOLD, "positive", np.where(compound <= -VADER_THRESHOLD, "negative", "neutral"))
    scores: dict[float, list[float]] = {c: [] for c in grid}
    vader_f1 = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(prepared, y):
        vectorizers = _vectorizers()
        x_train = _design(vectorizers, [prepared[i] for i in train], dense[train], fit=True)
        x_test = _design(vectorizers, [prepared[i] for i in test], dense[test], fit=False)
        regression = _regression(grid[0], warm_start=True)  # each C starts from the last one's solution
        for c in sorted(grid):
            regression.set_params(C=c)
            scores[c].append(_macro_f1(y[test], regression.fit(x_train, y[train]).predict(x_test), classes))
        vader_f1.append(_macro_f1(y[test], vader[test], classes))
    means = {c: float(np.mean(s)) for c, s in scores.items()}
    best = max(grid, key=lambda c: (round(means[c], 6), -c))  # ties: the stronger regularisation
    return {"folds": folds, "labels": len(labels), "counts": {k: counts[k] for k in classes}, "C": best,
            "model_macro_f1": round(means[best], 4), "vader_macro_f1": round(float(np.mean(vader_f1)), 4)}


def fit(texts, labels, seed: int = 0, validate: bool = True, c: float | None = None) -> ToneModel:
    """A tone model from labelled texts (labels negative/neutral/positive, any case, or -1/0/1).

    Rows without text or label are skipped. ValueError when fewer than MIN_LABELS rows are
    labelled, fewer than two classes occur, or a class has a single label. `validate`
    chooses C and measures the model and VADER by cross-validation (the figures go into the
    file); without it, C is `c` or, when not given, the middle of the grid (1.0).
    """
    import sklearn
    from threadpoolctl import threadpool_limits

    texts, labels = normalise_labels(list(texts), list(labels))
    if len(labels) < MIN_LABELS:
        raise ValueError(f"{len(labels):,} labelled rows: at least {MIN_LABELS} are needed")
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError(f"every label is {next(iter(counts), 'missing')!r}: at least two classes are needed")
    rare = [k for k, n in counts.items() if n < 2]
    if rare:
        raise ValueError(f"the class {', '.join(rare)} has a single label: each class needs at least two")
    # Small problems: one BLAS thread is many times faster than several fighting over shared cores.
    with threadpool_limits(1):
        cv = cross_validate(texts, labels, seed) if validate else {}
        chosen = float(cv.get("C", c if c is not None else 1.0))
        vectorizers = _vectorizers()
        x = _design(vectorizers, [prepare(t) for t in texts], dense_features(texts) * DENSE_SCALE, fit=True)
        regression = _regression(chosen).fit(x, np.asarray(labels))
    coef = np.asarray(regression.coef_, dtype=float).copy()
    coef[:, coef.shape[1] - len(DENSE):] *= DENSE_SCALE  # the scale folded in: the file's model reads the raw features
    blocks = []
    for v, (analyzer, ngram_range) in zip(vectorizers, (("word", NGRAMS), ("char_wb", CHAR_NGRAMS))):
        vocabulary = [""] * len(v.vocabulary_)
        for term, i in v.vocabulary_.items():
            vocabulary[i] = term
        blocks.append(Block(analyzer, ngram_range, tuple(vocabulary), np.asarray(v.idf_, dtype=float)))
    cv = {**cv, "C": chosen} if cv else {"C": chosen}
    return ToneModel(tuple(str(k) for k in regression.classes_), tuple(blocks), coef,
                     np.asarray(regression.intercept_, dtype=float), DENSE, "social", cv, sklearn.__version__)


def _rounded(array: np.ndarray) -> list:
    """Numbers to 7 significant digits: a third of the file, the same tone to ~1e-6."""
    return np.vectorize(lambda v: float(f"{v:.7g}"), otypes=[float])(array).tolist() if array.size else array.tolist()


def to_json(model: ToneModel) -> dict:
    """The model as plain JSON data (version 3)."""
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "features": {"prepare": model.prepare, "tf": "sublinear", "norm": "l2 per block", "token_pattern": TOKEN_PATTERN,
                     "blocks": [{"analyzer": b.analyzer, "ngram_range": list(b.ngram_range), "vocabulary": list(b.vocabulary),
                                 "idf": _rounded(b.idf)} for b in model.blocks],
                     "dense": list(model.dense)},
        "classes": list(model.classes), "coefficients": _rounded(model.coef), "intercepts": _rounded(model.intercept),
        "cross_validation": model.cv, "sklearn_version": model.sklearn_version,
    }


def save(model: ToneModel, path: str | Path) -> None:
    """Write the model as plain JSON (UTF-8)."""
    Path(path).write_bytes(dumps(model))


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


_BLOCK_KINDS = {("word", (1, 2)), ("char_wb", CHAR_NGRAMS)}


def _block(data, where: str) -> Block:
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    analyzer, ngram_range = data.get("analyzer"), data.get("ngram_range")
    if not isinstance(ngram_range, list) or (analyzer, tuple(ngram_range)) not in _BLOCK_KINDS:
        raise ValueError(f"{where}: the terms are not those this program forms (word 1–2-grams, character 2–5-grams)")
    vocabulary = data.get("vocabulary")
    if not isinstance(vocabulary, list) or not vocabulary or len(vocabulary) > MAX_VOCABULARY:
        raise ValueError(f"{where}: vocabulary must be a list of 1 to {MAX_VOCABULARY:,} terms")
    if any(not isinstance(t, str) for t in vocabulary) or len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"{where}: vocabulary must hold distinct strings")
    idf = _numbers(data.get("idf"), f"{where}: idf", 1)
    if len(idf) != len(vocabulary):
        raise ValueError(f"{where}: idf does not fit {len(vocabulary):,} terms")
    return Block(str(analyzer), (int(ngram_range[0]), int(ngram_range[1])), tuple(vocabulary), idf)


def _features(data: dict) -> tuple[str, tuple[Block, ...], tuple[str, ...]]:
    """(prepare, blocks, dense) of a file of any version read."""
    features = data.get("features")
    if data.get("version") == 1:
        expected = {"kind": "tfidf", "ngram_range": [1, 2], "sublinear_tf": True, "lowercase": True,
                    "token_pattern": TOKEN_PATTERN, "norm": "l2"}
        if features != expected:
            raise ValueError("the model's features are not the TF-IDF this program computes (word 1–2-grams, sublinear tf)")
        return "lower", (_block({"analyzer": "word", "ngram_range": [1, 2], "vocabulary": data.get("vocabulary"),
                                 "idf": data.get("idf")}, "features"),), ()
    if (not isinstance(features, dict) or features.get("prepare") not in PREPARE or features.get("tf") != "sublinear"
            or features.get("norm") != "l2 per block" or features.get("token_pattern") != TOKEN_PATTERN):
        raise ValueError("the model's features are not those this program computes (sublinear TF-IDF, l2 per block)")
    blocks = features.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 2:
        raise ValueError("features.blocks must be a list of one or two TF-IDF blocks")
    dense = features.get("dense", [])
    if data.get("version") == 2:
        if not isinstance(dense, list) or dense not in ([], list(DENSE_VADER)):
            raise ValueError(f"features.dense must be [] or {list(DENSE_VADER)} in a version 2 file")
    elif (not isinstance(dense, list) or any(not isinstance(n, str) or n not in DENSE for n in dense)
            or len(set(dense)) != len(dense)):
        raise ValueError(f"features.dense must list distinct names of {', '.join(DENSE)}")
    return str(features["prepare"]), tuple(_block(b, f"features.blocks[{i}]") for i, b in enumerate(blocks)), tuple(dense)


def from_json(data, name: str = "") -> ToneModel:
    """A ToneModel from parsed JSON, every field checked; ValueError naming the first bad one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a Boiling Point tone model (expected \"format\": \"{FORMAT}\")")
    if data.get("version") not in READS_VERSIONS:
        raise ValueError(f"tone model version {data.get('version')!r}: this program reads versions "
                         f"{', '.join(map(str, READS_VERSIONS))}")
    classes = data.get("classes")
    if (not isinstance(classes, list) or not 2 <= len(classes) <= 3 or len(set(map(str, classes))) != len(classes)
            or any(c not in LABELS for c in classes)):
        raise ValueError(f"classes must be two or three of {', '.join(LABELS)}")
    how, blocks, dense = _features(data)
    coef = _numbers(data.get("coefficients"), "coefficients", 2)
    intercept = _numbers(data.get("intercepts"), "intercepts", 1)
    rows = 1 if len(classes) == 2 else len(classes)
    width = sum(len(b.vocabulary) for b in blocks) + len(dense)
    if coef.shape != (rows, width) or len(intercept) != rows:
        raise ValueError(f"coefficients and intercepts do not fit {len(classes)} classes and {width:,} features")
    cv = data.get("cross_validation", {})
    if not isinstance(cv, dict) or any(not isinstance(v, int | float | str | dict) or isinstance(v, bool) for v in cv.values()):
        raise ValueError("cross_validation must be an object of figures")
    for key in ("model_macro_f1", "vader_macro_f1"):
        if key in cv and (not isinstance(cv[key], int | float) or not 0 <= cv[key] <= 1):
            raise ValueError(f"cross_validation.{key} must be a number between 0 and 1")
    version = data.get("sklearn_version", "")
    if not isinstance(version, str):
        raise ValueError("sklearn_version must be a string")
    return ToneModel(tuple(classes), blocks, coef, intercept, dense, how, cv, version[:40], name)


def loads(data: bytes, name: str = "") -> ToneModel:
    """A model from the bytes of its JSON file; ValueError when they are not one."""
    try:
        parsed = json.loads(data.decode("utf-8"), parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON ({str(exc)[:120]})") from None
    return dataclasses.replace(from_json(parsed, name), digest=hashlib.sha256(data).hexdigest())


def dumps(model: ToneModel) -> bytes:
    """The model's JSON file as bytes (what `save` writes)."""
    return json.dumps(to_json(model), ensure_ascii=False, allow_nan=False).encode("utf-8")


def load(path: str | Path) -> ToneModel:
    """Read a model file written by `save`; ValueError (with the file's name) when it is not one."""
    from dashboard.loading import LoadError, read_regular_file

    p = Path(path)
    try:
        data = read_regular_file(p, MAX_MODEL_BYTES)
    except LoadError as exc:
        raise ValueError(f"tone model {p}: {exc.message}") from None
    try:
        return loads(data, p.name)
    except ValueError as exc:
        raise ValueError(f"tone model {p}: {exc}") from None
