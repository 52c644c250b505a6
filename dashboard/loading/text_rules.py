"""Text that looks blank or alike: one rule for cells, headers and wide-table actor names.

A text cell is read as Unicode NFC (so `é` typed as e + U+0301 and as U+00E9 is one name),
with zero-width characters removed (U+200B-U+200D, U+2060, U+FEFF) and spaces around it
trimmed — no-break and other Unicode spaces included. A cell left empty by that is empty: an
actor that is only a zero-width space is a missing actor, not a real one. Bidirectional
control characters (U+202A-U+202E, U+2066-U+2069), which can make a name display as
another, are refused in the columns that name or point at something (actor, target, id,
retracts). A header written with letters from another script that look Latin (a Cyrillic
`а` in `actor`) is not matched silently; the message names the letter.
"""

from __future__ import annotations

import unicodedata

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
SPACES = " \t\r\n\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
IDENTITY_COLUMNS = ("actor", "target", "id", "retracts")
_ZERO_WIDTH_RE = "[\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]"
_BIDI_RE = "[\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]"
_ZW_TABLE = {ord(c): None for c in ZERO_WIDTH}
# Letters of other scripts that look like Latin ones (Unicode's confusables, the common ones).
_CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ո": "n", "ս": "u",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "І": "I",
    "α": "a", "ε": "e", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "ν": "v", "ι": "i", "κ": "k", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})


def normalise(text: str) -> str:
    """A cell or a name as the loader reads it: NFC, zero-width characters removed, spaces trimmed."""
    if text.isascii():
        return text.strip(" \t\r\n")
    return unicodedata.normalize("NFC", text.translate(_ZW_TABLE)).strip(SPACES)


def bidi(text: str) -> bool:
    return any(c in BIDI for c in text)


def normalised_sql(expr: str) -> str:
    """normalise() in DuckDB SQL."""
    return f"trim(regexp_replace(nfc_normalize({expr}), '{_ZERO_WIDTH_RE}', '', 'g'), '{SPACES.replace(chr(39), '')}')"


def bidi_sql(expr: str) -> str:
    return f"regexp_matches({expr}, '{_BIDI_RE}')"


_ODD = ("[\u200b-\u200d\u2060\ufeff\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
        "\u202a-\u202e\u2066-\u2069]")


def text_rules_suspects(values):
    """Per value of an Arrow text array: True where the rules would change or refuse it."""
    import pyarrow.compute as pc

    odd = pc.match_substring_regex(values, _ODD)
    return pc.or_(odd, pc.not_equal(pc.utf8_normalize(values, "NFC"), values))


def needs_rules_arrow(values) -> bool:
    """Whether some non-ASCII cell of an Arrow text column would be changed or refused by the
    rules (checked in Arrow; an all-ASCII column never is)."""
    import pyarrow.compute as pc

    if pc.all(pc.fill_null(pc.string_is_ascii(values), True)).as_py():
        return False
    odd = pc.match_substring_regex(values, "[\u200b-\u200d\u2060\ufeff\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
                                           "\u202a-\u202e\u2066-\u2069]")
    if pc.any(pc.fill_null(odd, False)).as_py():
        return True
    return bool(pc.any(pc.fill_null(pc.not_equal(pc.utf8_normalize(values, "NFC"), values), False)).as_py())


def lookalike(label: str, names) -> str | None:
    """Why a header that looks like one of `names` is not it (letters from another script), or None."""
    skeleton = unicodedata.normalize("NFKC", normalise(label)).translate(_CONFUSABLE).casefold()
    for name in names:
        if skeleton == name and normalise(label).casefold() != name:
            odd = [c for c in label if ord(c) > 127 and c not in SPACES and c not in ZERO_WIDTH]
            letters = ", ".join(f"{c!r} is U+{ord(c):04X} {unicodedata.name(c, 'UNKNOWN')}" for c in dict.fromkeys(odd))
            return f"the column {label!r} looks like {name} but is not: {letters}; write it in Latin letters"
    return None
