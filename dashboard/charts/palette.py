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
