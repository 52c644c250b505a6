"""What was said at each key moment, for the HTML report and the slides (pure).

`said_for_moments(engine, analysis)` reads, for each key moment of the story
(dashboard.model.analysis.key_moments), what the mentions said in its bucket; the report
and the deck show it beside the moment. Mentions without text give an empty mapping: the
exports then have no such section (nothing is made up).
"""

from __future__ import annotations

import pandas as pd

from dashboard.model.analysis import Analysis, key_moments
from dashboard.text.said import Said, compute_said


def said_for_moments(engine, analysis: Analysis, top: int = 3, terms: int = 8) -> dict[pd.Timestamp, Said]:
    """{moment's bucket start: what was said in that bucket}, for the key moments."""
    if analysis.empty or not getattr(engine, "has_text", False):
        return {}
    step = pd.Timedelta(analysis.selection.step)
    out: dict[pd.Timestamp, Said] = {}
    for date in key_moments(analysis)["date"]:
        lo = pd.Timestamp(date)
        said = compute_said(engine, analysis.selection, lo.to_pydatetime(), (lo + step).to_pydatetime(),
                            top=top, terms=terms, narratives=False)
        if said.mentions:
            out[lo] = said
    return out


def said_lines(said: Said, mentions: int = 2, width: int = 140) -> list[str]:
    """A moment's mentions and new terms as plain lines (for a slide)."""
    lines = []
    for m in said.mentions[:mentions]:
        text = " ".join(m.text.split())
        text = text if len(text) <= width else text[: width - 1] + "…"
        copies = f" (×{m.copies:,})" if m.copies > 1 else ""
        lines.append(f"Said: “{text}” — {m.source or 'no source'}{copies}")
    if said.terms:
        lines.append("New terms: " + ", ".join(t.term for t in said.terms[:6]))
    return lines
