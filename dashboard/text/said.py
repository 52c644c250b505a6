"""What is being said in a moment: representative mentions, emerging terms, narratives.

Pure: frames in (the distinct texts an engine returns, dashboard/text/table.py), values out;
no Streamlit, no randomness without a seed. `compute_said(engine, sel, lo, hi)` asks the
engine for the window's and the baseline's distinct texts and combines:

- **representative mentions** (`representative`): exact copies are already one row (the
  engine groups texts by their normalised hash); near-copies — a syndicated headline with a
  suffix, a retweet's prefix — are joined when the cosine of their character 4-gram sets
  is at least NEAR_COPY_COSINE (0.8), or the shorter is 90 % inside the longer, and counted as copies of the most copied one. Mentions
  are ranked by their copies and by the emerging terms they use, one per source while
  other sources remain.
- **emerging terms** (`emerging_terms`): words and two-word phrases (scikit-learn's English
  stop words removed) scored by Dunning's log-likelihood G² of their document frequency in
  the window against the baseline; only terms more frequent in the window than before, in at
  least MIN_TERM_DOCS texts and with G² ≥ MIN_G2 (3.84, p = 0.05 for one degree of freedom), count.
- **narratives** (`find_narratives`): TF-IDF + NMF (seed 0) over the window's distinct
  texts, each named by its top terms, with its share of the window's copies.

docs/said.md gives the formulas and the thresholds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from dashboard.contract import Selection

NEAR_COPY_COSINE = 0.8  # character 4-gram cosine at or above which two texts are near-copies
NEAR_COPY_CONTAINED = 0.9  # or: this share of the shorter text's 4-grams inside the longer's...
DIVERSE_OVERLAP = 0.5  # a mention sharing half its 4-grams with one shown already waits its turn
MIN_CONTAINED_GRAMS = 16  # ...when the shorter has at least this many (about four words)
MAX_GROUPS = 1_500  # the most copied distinct texts of a window read for the representative mentions
MAX_RELEVANT = 500  # texts of the sample carrying the most emerging terms, added to the candidates
SAMPLE_TEXTS = 5_000  # distinct texts read (a deterministic sample) for terms and narratives
MIN_TERM_DOCS = 2  # a term must be in at least this many distinct texts of the window
MIN_G2 = 3.84  # and score at least this: χ²(1 df) at p = 0.05 — a term below could be chance
MIN_NARRATIVE_TEXTS = 20  # fewer distinct texts than this: no narratives (too few to separate)
BASELINE_FACTOR = 4  # the baseline is the BASELINE_FACTOR× longer period before the window...
BASELINE_MIN = dt.timedelta(days=7)  # ...and at least a week
MIN_BASELINE_TEXTS = 30  # with fewer texts before the window, the rest of the selection is the baseline
# Tokens that are markup of posts, not words (URLs are removed before).
EXTRA_STOP_WORDS = frozenset({"rt", "amp", "http", "https", "www", "com", "co", "t", "s", "quot", "gt", "lt"})
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
# Words of two or more characters starting with a letter (not numbers, not one letter).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b"


@dataclass(frozen=True)
class Mention:
    text: str
    source: str | None
    copies: int  # mentions it stands for: exact and near-copies together
    sources: int  # distinct sources that carried it
    first: str  # ISO date-time of its earliest copy (UTC)


@dataclass(frozen=True)
class Term:
    term: str
    score: float  # G² (log-likelihood) against the baseline
    window: int  # distinct texts of the window that use it
    baseline: int  # distinct texts of the baseline that use it


@dataclass(frozen=True)
class Narrative:
    name: str
    terms: list[str]
    share: float  # share of the window's copies whose text is mostly this narrative


@dataclass
class Said:
    """What was said in [start, end): the answer of compute_said."""

    start: str
    end: str
    texts: int = 0  # text mentions in the window
    distinct: int = 0  # distinct (normalised) texts
    baseline: str = ""  # what the terms are measured against, in words
    mentions: list[Mention] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    note: str = ""  # why something is empty

    def as_json(self) -> dict:
        d = asdict(self)
        d["mentions"] = [{"text": m.text, "source": m.source, "copies": m.copies, "sources": m.sources, "first": m.first}
                         for m in self.mentions]
        d["terms"] = [{"term": t.term, "score": round(t.score, 3), "window": t.window, "baseline": t.baseline}
                      for t in self.terms]
        d["narratives"] = [{"name": n.name, "terms": n.terms, "share": round(n.share, 4)} for n in self.narratives]
        return d


def clean_for_terms(text: str) -> str:
    """A text without URLs and @handles (they are not words of the story)."""
    return _MENTION.sub(" ", _URL.sub(" ", text))


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | EXTRA_STOP_WORDS


def near_copy_groups(texts: list[str], threshold: float = NEAR_COPY_COSINE) -> np.ndarray:
    """For each text, the index of the text it is a near-copy of (itself when none before is).

    Texts are taken in the order given (most copied first): each joins the first earlier
    leader it is a near-copy of. Two texts are near-copies when the cosine of their sets of
    character 4-grams (URLs and @handles removed, lower case, words padded) is at least
    `threshold`, or when the shorter one's 4-grams are at least NEAR_COPY_CONTAINED (90 %)
    inside the longer's and it has at least MIN_CONTAINED_GRAMS of them — a headline with a
    source's suffix ("… - Reuters") or a retweet's prefix.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"the near-copy threshold must be in (0, 1], not {threshold}")
    n = len(texts)
    leader = np.arange(n)
    if n < 2:
        return leader
    m = _grams(texts)
    size = np.asarray(m.sum(axis=1)).ravel()
    both = (m @ m.T).tocsr()  # shared 4-grams of each pair
    for i in range(1, n):
        row = both.getrow(i)
        j, shared = row.indices, row.data
        before = j < i
        j, shared = j[before], shared[before]
        if not len(j):
            continue
        cosine = shared / np.sqrt(np.maximum(size[i] * size[j], 1))
        shorter = np.minimum(size[i], size[j])
        contained = (shared / np.maximum(shorter, 1) >= NEAR_COPY_CONTAINED) & (shorter >= MIN_CONTAINED_GRAMS)
        cols = j[(cosine >= threshold - 1e-9) | contained]
        if len(cols):
            leaders = [c for c in sorted(cols) if leader[c] == c]
            leader[i] = leaders[0] if leaders else leader[min(cols)]
    return leader


def _grams(texts: list[str]):
    """Binary character 4-gram vectors (scikit-learn HashingVectorizer) of the texts, URLs and
    @handles removed: the one representation near-copies and diversity are judged on."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(analyzer="char_wb", ngram_range=(4, 4), n_features=2**20, binary=True,
                            norm=None, lowercase=True, alternate_sign=False)
    return vec.transform([clean_for_terms(t) for t in texts]).tocsr()


def relevance(text: str, terms: list[Term]) -> float:
    """The summed G² of the emerging terms a text uses (a phrase counts where its words
    follow each other, case and punctuation ignored)."""
    words = " " + " ".join(re.findall(r"[^\W_][\w'’-]*", clean_for_terms(text).lower())) + " "
    return sum(t.score for t in terms if f" {t.term} " in words)


def representative(groups: pd.DataFrame, top: int = 5, threshold: float = NEAR_COPY_COSINE,
                   terms: list[Term] | None = None) -> list[Mention]:
    """The `top` mentions that stand for the window, near-copies collapsed, sources diverse.

    `groups`: distinct texts (columns text, source, sources, copies, first), most copied
    first. Each near-copy family counts the copies of all its members; families are ranked by
    log2(1 + copies) × (1 + 2 × relevance / the highest relevance), where relevance is the G²
    of the emerging `terms` it uses (so a text copied 15 times that says nothing new ranks
    below one copied 3 times that carries the day's new words), then by copies and sources —
    and taken one per source and one per story (no two sharing DIVERSE_OVERLAP of their
    4-grams) while such remain, then a new story from a source already shown, then the rest.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if groups is None or len(groups) == 0:
        return []
    g = groups.reset_index(drop=True)
    leader = near_copy_groups(g["text"].astype(str).tolist(), threshold)
    fam = pd.DataFrame({"leader": leader, "copies": g["copies"].astype("int64"), "sources": g["sources"].astype("int64")})
    agg = fam.groupby("leader").agg(copies=("copies", "sum"), sources=("sources", "sum")).reset_index()
    rel = np.array([relevance(str(g.at[i, "text"]), terms or []) for i in agg["leader"]], dtype=float)
    # Copied a lot, or saying what is new: log2(1 + copies) × (1 + 2 × relevance / the highest).
    agg["rank"] = np.log2(1 + agg["copies"].to_numpy(dtype=float)) * (1 + 2 * rel / (rel.max() if rel.max() > 0 else 1))
    agg = agg.sort_values(["rank", "copies", "sources", "leader"], ascending=[False, False, False, True])
    order = agg["leader"].tolist()
    grams = _grams([str(g.at[i, "text"]) for i in order])
    sizes = np.maximum(np.asarray(grams.sum(axis=1)).ravel(), 1)
    picked: list[int] = []  # positions in `order`
    used: set = set()

    def alike(p: int) -> bool:  # says the same as one picked already (half its 4-grams shared)
        if not picked:
            return False
        shared = (grams[p] @ grams[picked].T).toarray().ravel()
        return bool((shared / np.minimum(sizes[p], sizes[picked]) >= DIVERSE_OVERLAP).any())

    for p in range(len(order)):  # first: a new source, a new story
        src = g.at[order[p], "source"]
        key = src if isinstance(src, str) else None
        if (key is not None and key in used) or alike(p):
            continue
        picked.append(p)
        if key is not None:
            used.add(key)
        if len(picked) == top:
            break
    for p in range(len(order)):  # then: a new story from a source seen, then anything
        if len(picked) < top and p not in picked and not alike(p):
            picked.append(p)
    picked += [p for p in range(len(order)) if p not in picked][: max(0, top - len(picked))]
    picked = [order[p] for p in picked]
    out = []
    by_leader = agg.set_index("leader")
    for i in picked:
        src = g.at[i, "source"]
        first = pd.Timestamp(g.at[i, "first"])
        out.append(Mention(
            text=str(g.at[i, "text"]), source=src if isinstance(src, str) else None,
            copies=int(by_leader.at[i, "copies"]), sources=int(by_leader.at[i, "sources"]),
            first=first.isoformat(),
        ))
    return out


def g2(a: float, b: float, n_window: float, n_base: float) -> float:
    """Dunning's log-likelihood G² of a term in a texts of the window (of n_window) against b
    of the baseline (of n_base): 2·Σ O·ln(O/E) over the 2×2 table of texts with and without it."""
    total = n_window + n_base
    if n_window <= 0 or n_base <= 0:
        return 0.0
    k = a + b
    cells = ((a, n_window * k / total), (b, n_base * k / total),
             (n_window - a, n_window * (total - k) / total), (n_base - b, n_base * (total - k) / total))
    return 2.0 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)


def emerging_terms(window: list[str], baseline: list[str], top: int = 10, min_docs: int = MIN_TERM_DOCS) -> list[Term]:
    """Words and two-word phrases used more in the window's texts than in the baseline's,
    by G² (highest first). A phrase is kept over a word it contains when it scores as high."""
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if not window:
        return []
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(ngram_range=(1, 2), stop_words=sorted(_stop_words()), binary=True,
                          token_pattern=TOKEN_PATTERN, min_df=1, lowercase=True)
    docs = [clean_for_terms(t) for t in window] + [clean_for_terms(t) for t in baseline]
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return []
    nw, nb = len(window), len(baseline)
    a = np.asarray(x[:nw].sum(axis=0)).ravel()
    b = np.asarray(x[nw:].sum(axis=0)).ravel() if nb else np.zeros_like(a)
    vocab = vec.get_feature_names_out()
    # With no baseline every term is new: score it against an empty baseline of the same size.
    base_n = nb if nb else nw
    rate_b = (b + 0.5) / (base_n + 1)
    keep = np.flatnonzero((a >= min_docs) & (a / nw > rate_b))
    scored = sorted(((g2(float(a[i]), float(b[i]), nw, base_n), str(vocab[i]), int(a[i]), int(b[i])) for i in keep),
                    key=lambda t: (-t[0], t[1]))
    scored = [t for t in scored if t[0] >= MIN_G2]
    out: list[Term] = []
    for score, term, wa, wb in scored:
        words = term.split()
        # A word whose phrase is already listed with as many texts says nothing more.
        if len(words) == 1 and any(term in o.term.split() and o.window >= wa for o in out):
            continue
        out = [o for o in out if not (len(words) == 2 and o.term in words and o.window <= wa)]
        out.append(Term(term, score, wa, wb))
        if len(out) >= top:
            break
    return out[:top]


def find_narratives(texts: list[str], weights: list[int] | None = None, k: int | None = None, seed: int = 0,
                    n_terms: int = 4) -> list[Narrative]:
    """A handful of narratives in these texts: TF-IDF (words and phrases, English stop words
    out) factorised by NMF with a fixed seed; each named by its top terms, with the share of
    the texts' weight (their copies) whose largest component it is. Deterministic."""
    if len(texts) < MIN_NARRATIVE_TEXTS:
        return []
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    k = k or max(2, min(6, len(texts) // 40 + 2))
    vec = TfidfVectorizer(ngram_range=(1, 2), stop_words=sorted(_stop_words()), token_pattern=TOKEN_PATTERN,
                          min_df=2, max_df=0.5, sublinear_tf=True, max_features=20_000)
    try:
        x = vec.fit_transform([clean_for_terms(t) for t in texts])
    except ValueError:
        return []
    if x.shape[1] < k * 2:
        return []
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=300)
    with np.errstate(invalid="ignore"):  # the reported reconstruction error may round below 0
        w = model.fit_transform(x)
    vocab = vec.get_feature_names_out()
    weight = np.asarray(weights if weights is not None else [1] * len(texts), dtype=float)
    has = w.max(axis=1) > 0
    best = w.argmax(axis=1)
    total = weight[has].sum() or 1.0
    out = []
    for j in range(k):
        order = np.argsort(-model.components_[j], kind="stable")
        terms: list[str] = []
        for i in order:
            t = str(vocab[i])
            if model.components_[j, i] <= 0:
                break
            if any(t in o.split() or o in t.split() for o in terms):
                continue
            terms.append(t)
            if len(terms) == n_terms:
                break
        if not terms:
            continue
        share = float(weight[has & (best == j)].sum() / total)
        out.append(Narrative(" / ".join(terms[:3]), terms, share))
    return sorted(out, key=lambda n: (-n.share, n.name))


def candidates(groups: pd.DataFrame, sample: pd.DataFrame, terms: list[Term], extra: int = MAX_RELEVANT) -> pd.DataFrame:
    """The texts a representative mention is chosen from: the most copied (`groups`) and the
    `extra` texts of the sample that carry the most emerging terms — so a text said once
    but about what is new is not lost behind thousands of texts said once. Most copied first."""
    if sample is groups or not terms or not len(sample):
        return groups
    rel = sample["text"].astype(str).map(lambda t: relevance(t, terms))
    relevant = sample[rel > 0].assign(_rel=rel[rel > 0]).nlargest(extra, "_rel").drop(columns="_rel")
    pool = pd.concat([groups, relevant[~relevant["key"].isin(groups["key"])]], ignore_index=True)
    return pool.sort_values(["copies", "sources"], ascending=[False, False], kind="stable").reset_index(drop=True)


def baseline_span(sel: Selection, lo: dt.datetime, hi: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period before the window the terms are measured against: BASELINE_FACTOR× the
    window, at least BASELINE_MIN, not before the selection's first day."""
    length = max((hi - lo) * BASELINE_FACTOR, BASELINE_MIN)
    start = lo - length
    if sel.start is not None:
        start = max(start, dt.datetime.combine(sel.start, dt.time()))
    return start, lo


def compute_said(engine, sel: Selection, lo: dt.datetime, hi: dt.datetime, top: int = 5, terms: int = 10,
                 narratives: bool = True) -> Said:
    """What the selection's mentions said in [lo, hi): representative mentions, emerging
    terms against the baseline before it, and narratives. An engine without texts gives an
    empty answer whose note says so (no text is ever made up)."""
    if hi <= lo:
        raise ValueError(f"the window must end after it starts ({lo} … {hi})")
    out = Said(start=lo.isoformat(), end=hi.isoformat())
    unsupported = getattr(engine, "text_unsupported", "")
    if unsupported:
        out.note = unsupported
        return out
    if not getattr(engine, "has_text", False):
        out.note = "the mentions have no text: load a file with a text column to see what is being said"
        return out
    out.texts, out.distinct = engine.text_total(sel, lo, hi)
    if out.texts == 0:
        out.note = "no mention of this selection has a text in this period"
        return out
    groups = engine.text_groups(sel, lo, hi, MAX_GROUPS, "copies")
    sample = groups if out.distinct <= MAX_GROUPS else engine.text_groups(sel, lo, hi, SAMPLE_TEXTS, "sample")
    b_lo, b_hi = baseline_span(sel, lo, hi)
    base = engine.text_groups(sel, b_lo, b_hi, SAMPLE_TEXTS, "sample") if b_lo < b_hi else groups.iloc[:0]
    out.baseline = f"the {_days(b_hi - b_lo)} before ({b_lo:%d %b %Y} … {b_hi:%d %b %Y})"
    if len(base) < MIN_BASELINE_TEXTS:
        first, last = _selection_days(engine, sel)
        before = engine.text_groups(sel, first, lo, SAMPLE_TEXTS, "sample") if first < lo else groups.iloc[:0]
        after = engine.text_groups(sel, hi, last, SAMPLE_TEXTS, "sample") if hi < last else groups.iloc[:0]
        base = pd.concat([before, after], ignore_index=True)
        out.baseline = "the rest of the selection (too few texts before this period)"
    if len(base) == 0:
        out.baseline = "nothing (no other text in the selection): every term is new"
    out.terms = emerging_terms(sample["text"].astype(str).tolist(), base["text"].astype(str).tolist(), terms)
    out.mentions = representative(candidates(groups, sample, out.terms), top, terms=out.terms)
    if narratives:
        out.narratives = find_narratives(sample["text"].astype(str).tolist(), sample["copies"].astype(int).tolist())
    return out


def _selection_days(engine, sel: Selection) -> tuple[dt.datetime, dt.datetime]:
    """The selection's first instant and the end of its last day (the data's where open)."""
    bounds = engine.date_bounds() or (dt.date(1970, 1, 1), dt.date(1970, 1, 1))
    first = sel.start or bounds[0]
    last = sel.end or bounds[1]
    return dt.datetime.combine(first, dt.time()), dt.datetime.combine(last + dt.timedelta(days=1), dt.time())


def _days(span: dt.timedelta) -> str:
    days = span / dt.timedelta(days=1)
    if days >= 1 and days == int(days):
        return f"{int(days)} day{'s' if days != 1 else ''}"
    return f"{span / dt.timedelta(hours=1):.0f} hours"


def said_text(said: Said) -> str:
    """The answer as plain text, for the command line."""
    lines = [f"what was said {said.start} … {said.end}: {said.texts:,} text mentions, {said.distinct:,} distinct texts"]
    if said.note:
        lines.append(f"note: {said.note}")
    if said.mentions:
        lines.append("representative mentions (near-copies collapsed):")
        for m in said.mentions:
            src = m.source or "no source"
            more = f"; {m.sources} sources" if m.sources > 1 else ""
            text = " ".join(m.text.split())
            lines.append(f"  {m.copies:>6,}× [{src}{more}] {text}")
    if said.terms:
        lines.append(f"emerging terms (G² against {said.baseline}):")
        for t in said.terms:
            lines.append(f"  {t.score:8.1f}  {t.term}  ({t.window} texts now, {t.baseline} before)")
    if said.narratives:
        lines.append("narratives (TF-IDF + NMF, seed 0):")
        for n in said.narratives:
            lines.append(f"  {n.share:6.1%}  {n.name}")
    return "\n".join(lines) + "\n"
