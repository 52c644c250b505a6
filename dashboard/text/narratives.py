"""Narratives defined by keywords: checked, matched, merged, and turned into a filter.

A narrative is a name and a set of keywords or phrases. A text is in it when it holds any
keyword **case-insensitively, on word boundaries**: the keyword is neither preceded nor
followed by a letter, a digit or an underscore ("tax" matches "Tax!" and "EU tax ruling", not
"taxi" or "syntax"); a phrase's words may be separated by any run of white space. Every
character of a keyword is literal — `%`, `_`, `\\`, `.`, `*`, quotes, brackets — so a keyword
never acts as a pattern.

Matching runs in the engine (DuckDB's RE2 regular expressions, the pattern a bound
parameter: `narrative_clause`); `matches` is the same rule in Python, for one text.
Found narratives (dashboard/text/said.py, TF-IDF + NMF, seed 0) become definitions by their
top terms (`from_found`). Pure: no Streamlit, no store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from dashboard.contract import NarrativeFilter, Selection

MAX_NAME_CHARS = 80
MAX_KEYWORDS = 50
MAX_KEYWORD_CHARS = 100
MAX_NARRATIVES = 20  # chosen at once in a selection
FOUND_KEYWORDS = 3  # a found narrative is defined by its top terms: the three in its name

# RE2 (DuckDB) and Python's re agree on these: a letter, a digit (any script) or "_".
_WORD = r"\p{L}\p{N}_"
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class NarrativeError(ValueError):
    """A narrative that cannot be defined as given, with the reason in words."""


def clean_name(name) -> str:
    """A narrative's name: NFC, white space collapsed; NarrativeError when blank, too long or
    holding control characters."""
    if not isinstance(name, str):
        raise NarrativeError("a narrative needs a name")
    text = " ".join(unicodedata.normalize("NFC", name).split())
    if not text:
        raise NarrativeError("a narrative needs a name")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise NarrativeError("a narrative's name holds control characters")
    if len(text) > MAX_NAME_CHARS:
        raise NarrativeError(f"a narrative's name is at most {MAX_NAME_CHARS} characters, not {len(text)}")
    return text


def clean_keywords(keywords: Iterable) -> tuple[str, ...]:
    """The keywords as kept: NFC, white space collapsed, lower case, duplicates and blanks
    dropped, in their first order. NarrativeError when none is left, one holds control
    characters, or there are too many or too long ones."""
    out: dict[str, None] = {}
    for raw in keywords:
        if not isinstance(raw, str):
            raise NarrativeError(f"a keyword is text, not {type(raw).__name__}")
        kw = " ".join(unicodedata.normalize("NFC", raw).split()).lower()
        if not kw:
            continue
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in kw):
            raise NarrativeError(f"the keyword {kw[:30]!r} holds control characters")
        if len(kw) > MAX_KEYWORD_CHARS:
            raise NarrativeError(f"a keyword is at most {MAX_KEYWORD_CHARS} characters, not {len(kw)}")
        out[kw] = None
    if not out:
        raise NarrativeError("a narrative needs at least one keyword")
    if len(out) > MAX_KEYWORDS:
        raise NarrativeError(f"a narrative has at most {MAX_KEYWORDS} keywords, not {len(out)}")
    return tuple(out)


def define(name, keywords: Iterable) -> NarrativeFilter:
    """A checked narrative (NarrativeError says what is wrong)."""
    return NarrativeFilter(clean_name(name), clean_keywords(keywords))


def split_keywords(text: str) -> list[str]:
    """Keywords typed as one line: separated by commas or new lines."""
    return [k for k in re.split(r"[,\n]", text or "") if k.strip()]


def parse_definition(spec: str) -> NarrativeFilter:
    """`name=kw1,kw2` (the CLI's ad-hoc narrative) as a narrative."""
    name, sep, rest = (spec or "").partition("=")
    if not sep:
        raise NarrativeError(f"an ad-hoc narrative is NAME=KEYWORD,KEYWORD…, not {spec[:40]!r}")
    return define(name, split_keywords(rest))


def merge(name, narratives: Sequence[NarrativeFilter]) -> NarrativeFilter:
    """One narrative with the union of these narratives' keywords (in their order)."""
    if len(narratives) < 2:
        raise NarrativeError("merging needs at least two narratives")
    return define(name, [k for n in narratives for k in n.keywords])


def from_found(found: Iterable) -> list[NarrativeFilter]:
    """Found narratives (objects with `name` and `terms`, dashboard/text/said.py) as
    definitions: each named as found, defined by its top FOUND_KEYWORDS terms (those its name
    shows: what one reads is what filters)."""
    out: list[NarrativeFilter] = []
    names: set[str] = set()
    for n in found:
        name = clean_name(n.name)
        if name in names:
            continue
        names.add(name)
        out.append(define(name, list(n.terms)[:FOUND_KEYWORDS]))
    return out


def _literal(keyword: str) -> str:
    """A keyword as an RE2 / Python pattern: ASCII punctuation escaped, runs of space `\\s+`;
    other characters (letters of any script) are literal in both."""
    parts = []
    for word in keyword.split():
        parts.append("".join("\\" + c if c in _ASCII_PUNCT else c for c in word))
    return r"\s+".join(parts)


def keywords_pattern(keywords: Iterable[str]) -> str:
    """The regular expression of "any of these keywords on word boundaries", case-insensitive:
    `(?is)(^|[^WORD])(kw1|kw2)($|[^WORD])`, WORD a letter, a digit or `_` (RE2's `\\p{L}\\p{N}_`),
    longest keywords first."""
    body = "|".join(_literal(k) for k in sorted(set(keywords), key=lambda k: (-len(k), k)))
    if not body:
        raise NarrativeError("a narrative needs at least one keyword")
    return f"(?is)(^|[^{_WORD}])({body})($|[^{_WORD}])"


def selection_pattern(narratives: Sequence[NarrativeFilter]) -> str:
    """The pattern of any keyword of any of these narratives."""
    if len(narratives) > MAX_NARRATIVES:
        raise NarrativeError(f"at most {MAX_NARRATIVES} narratives at once, not {len(narratives)}")
    return keywords_pattern(k for n in narratives for k in n.keywords)


def matches(text: str | None, keywords: Iterable[str]) -> bool:
    """Whether this text holds any of the keywords (the rule the engine applies, in Python)."""
    if not text:
        return False
    keys = [" ".join(unicodedata.normalize("NFC", k).split()).lower() for k in keywords]
    keys = [k for k in keys if k]
    if not keys:
        return False
    body = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keys)
    return re.search(rf"(?<!\w)(?:{body})(?!\w)", text, re.IGNORECASE | re.DOTALL) is not None


def narrative_clause(narratives: Sequence[NarrativeFilter], column: str) -> tuple[str, list]:
    """SQL (DuckDB) true when `column` matches any keyword of the narratives, and its one
    bound parameter: the pattern. `column` is the engine's own column name, never user data."""
    return f"coalesce(regexp_matches({column}, ?), false)", [selection_pattern(narratives)]


NO_TEXT = ("narratives filter mentions by their text, and these mentions have none "
           "(a mentions file with a text column has: docs/said.md)")


def table_clause(narratives: Sequence[NarrativeFilter], table: str) -> tuple[str, list]:
    """The narrative filter for one of the engine's tables: `texts` by its text; `mentions`
    by position (`rowid` is the loaded row's number, the side table's `row`) among the rows
    whose text matches; `events` by their headline."""
    if table == "texts":
        return narrative_clause(narratives, "text")
    if table == "events":
        return narrative_clause(narratives, "headline")
    if table == "mentions":
        match, params = narrative_clause(narratives, "text")
        return f"rowid IN (SELECT row FROM texts WHERE {match})", params
    raise ValueError(f"no narrative filter for the table {table!r}")


def find_for_dataset(engine, sel=None) -> list[NarrativeFilter]:
    """The narratives found over a whole selection (default: the whole dataset): TF-IDF + NMF
    (seed 0, dashboard/text/said.py) on a deterministic sample of its distinct texts, each as
    a definition by its top terms. [] without text or with too few texts."""
    import datetime as dt
    from dataclasses import replace

    from dashboard.text.said import SAMPLE_TEXTS, find_narratives

    if not getattr(engine, "has_text", False):
        return []
    base = replace(sel, narratives=(), start=None, end=None) if sel is not None else Selection()
    bounds = engine.date_bounds()
    if bounds is None:
        return []
    lo = dt.datetime.combine(sel.start if sel is not None and sel.start else bounds[0], dt.time())
    hi = dt.datetime.combine((sel.end if sel is not None and sel.end else bounds[1]) + dt.timedelta(days=1), dt.time())
    sample = engine.text_groups(base, lo, hi, limit=SAMPLE_TEXTS, order="sample")
    found = find_narratives(sample["text"].astype(str).tolist(), sample["copies"].astype(int).tolist())
    return from_found(found)


def check_engine(engine) -> None:
    """ValueError, in words, when this engine cannot filter by narrative."""
    if getattr(engine, "has_text", False):
        return
    raise ValueError(getattr(engine, "text_unsupported", None) or NO_TEXT)
