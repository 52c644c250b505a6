"""The projector (dark) theme for charts: a Vega-Lite spec recoloured for a dark background (pure).

The builders draw for a light page with the palette's colours. For a dark page one function
turns a finished spec dark: every colour of the light palette that appears in the spec is
swapped for its dark counterpart (one table, DARK_COLORS), and the spec's config gets a dark
background, axes, legends and titles. Data never pass through it: inline data and datasets
are left as they are, so an actor called "#1f2937" stays an actor.

The dark colours keep the light ones' meaning and their colour-blind safety: the stages are
one warm hue ramp, each stage brighter than the last (read by lightness alone); series keep
Okabe–Ito's hues; text is at least 4.5:1 against the background (WCAG AA), which
tests/charts/test_theme.py checks for every text colour of every chart.
"""

from __future__ import annotations

import copy
from typing import Any

from dashboard.charts.palette import COMPONENT_COLORS, INK, MUTED, STAGE_COLORS

THEMES = ("light", "dark")
DARK_BACKGROUND = "#0e1117"  # Streamlit's own dark background, so a chart sits flush on the page
DARK_INK = "#f3f4f6"
DARK_MUTED = "#c3c9d2"
DARK_GRID = "#2b313b"
DARK_DOMAIN = "#5b6472"

# Dark stages: a warm ramp that grows lighter with the stage (slow boil darkest), so the order
# survives any colour-vision deficiency and greyscale; light text sits on the first three and
# dark text on crisis (the gauge writes it in "white", which the table turns dark).
DARK_STAGE_COLORS: dict[str, str] = {
    "slow boil": "#2f3946",
    "simmering": "#6e4f12",
    "boiling": "#a8420f",
    "crisis": "#f26b5b",
}

# light colour (lower case) -> dark colour
DARK_COLORS: dict[str, str] = {
    INK: DARK_INK,
    MUTED: DARK_MUTED,  # also the "breadth" component
    "#374151": "#e5e7eb",  # change-point rules
    "#e5e7eb": "#3a414c",  # the neutral tone band
    "white": DARK_BACKGROUND,  # strokes between bars and cells
    "#ffffff": DARK_BACKGROUND,
    "#f7f7f7": "#434a55",  # the diverging severity scale's neutral middle
    COMPONENT_COLORS["attention"]: "#56b4e9",  # Okabe–Ito sky blue
    COMPONENT_COLORS["tone"]: "#e69f00",  # Okabe–Ito orange; also "SIMULATED" subtitles
    COMPONENT_COLORS["severity"]: "#d55e00",  # Okabe–Ito vermillion
    "#1d4ed8": "#7cb4ff",  # the moment / selected event highlight, the retraction links
    "#7c3aed": "#c4b5fd",  # notes
    "#047857": "#34d399",  # the third compared series
    "#000000": "#f0f0f0",  # Okabe–Ito's black series
    **{STAGE_COLORS[s]: DARK_STAGE_COLORS[s] for s in STAGE_COLORS},
}
DARK_COLORS = {k.lower(): v for k, v in DARK_COLORS.items()}

DARK_CONFIG: dict[str, Any] = {
    "background": DARK_BACKGROUND,
    "axis": {"labelColor": DARK_MUTED, "titleColor": DARK_MUTED, "domainColor": DARK_DOMAIN, "tickColor": DARK_DOMAIN,
             "gridColor": DARK_GRID},
    "legend": {"labelColor": DARK_INK, "titleColor": DARK_MUTED},
    "title": {"color": DARK_INK, "subtitleColor": DARK_MUTED},
    "header": {"labelColor": DARK_INK, "titleColor": DARK_INK},
    "text": {"color": DARK_INK},
    "view": {"stroke": None},
}

_DATA_KEYS = ("data", "datasets")  # never recoloured: they carry the user's values


def _recolour(node: Any) -> Any:
    if isinstance(node, str):
        return DARK_COLORS.get(node.lower(), node)
    if isinstance(node, list):
        return [_recolour(v) for v in node]
    if isinstance(node, dict):
        return {k: (v if k in _DATA_KEYS else _recolour(v)) for k, v in node.items()}
    return node


def _fill(base: dict, extra: dict) -> dict:
    """base with extra's keys added where base has none (nested dicts filled likewise)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _fill(out[key], value)
        elif key not in out:
            out[key] = copy.deepcopy(value)
    return out


def dark_spec(spec: dict) -> dict:
    """A Vega-Lite spec (chart.to_dict()) redrawn for a dark page: the palette swapped for
    its dark counterparts, a dark background, and axes, legends and titles in light ink."""
    out = _recolour(spec)
    out["config"] = _fill(out.get("config") or {}, DARK_CONFIG)
    out["config"]["background"] = DARK_BACKGROUND
    out["usermeta"] = {**(out.get("usermeta") or {}), "theme": "dark"}
    return out


def themed_spec(spec: dict, theme: str) -> dict:
    """The spec for `theme` ("light": as built; "dark": dark_spec)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: expected one of {', '.join(THEMES)}")
    return dark_spec(spec) if theme == "dark" else spec


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours, 1 (none) to 21 (black on white)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
