"""Download file names that are safe on every system, whatever text they are made from."""

from __future__ import annotations

import re
import unicodedata

FILENAME_EXTENSIONS = ("png", "svg", "html", "csv", "json", "pptx", "pdf")
FILENAME_MAX = 80
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(stem: str, ext: str) -> str:
    """A download name made only of [A-Za-z0-9._-], at most 80 characters, ending in `.ext`.

    Other characters become "-" (accents are dropped first: "Zürich" gives "Zurich"), runs of
    "-" or "." collapse, and the name never starts with "." or "-", so "../etc/passwd" can
    only ever be "etc-passwd.csv". `ext` must be one of FILENAME_EXTENSIONS.
    """
    ext = str(ext).lower().lstrip(".")
    if ext not in FILENAME_EXTENSIONS:
        raise ValueError(f"file extension must be one of {', '.join(FILENAME_EXTENSIONS)}, not {ext!r}")
    text = unicodedata.normalize("NFKD", str(stem)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"(?:-\.|\.-)+", "-", text).strip(".-")
    if not text or text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"boilingpoint-{text}".strip(".-")
    text = text[: FILENAME_MAX - len(ext) - 1].rstrip(".-")
    return f"{text}.{ext}"
