"""One palette for the whole product: stage colours, component colours, ink."""

from __future__ import annotations

# ColorBrewer OrRd, one hue from pale to dark: ordered, and safe for the common forms of
# colour blindness (it never asks anyone to tell red from green).
STAGE_COLORS: dict[str, str] = {
    "slow boil": "#e4e9ef",
    "simmering": "#fdd49e",
    "boiling": "#fc8d59",
    "crisis": "#b30000",
}
COMPONENT_COLORS: dict[str, str] = {
    "attention": "#5b7fa6",
    "tone": "#b45309",
    "severity": "#7f1d1d",
    "breadth": "#6b7280",
}
INK = "#1f2937"
MUTED = "#6b7280"
# Okabe & Ito's palette, safe under every common colour-vision deficiency, for series told apart by
# colour alone (share of voice); grey for "others", the last series.
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHERS_COLOR = "#9ca3af"


def series_colors(n: int) -> list[str]:
    """n colours: Okabe–Ito's in order, the last one grey (the "others" series)."""
    return [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(n - 1)] + [OTHERS_COLOR] if n else []
