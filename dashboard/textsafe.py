"""Make data-derived text inert before it reaches markdown (labels, notes, file names)."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character markdown (or Streamlit's extensions) could act on."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
