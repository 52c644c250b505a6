"""Charts as picture files (PNG, SVG), drawn offline by vl-convert: nothing is fetched."""

from __future__ import annotations

import json

import altair as alt
import vl_convert as vlc


def _vl_version() -> str:
    """The Vega-Lite version Altair writes, as vl-convert names it ("v6_4")."""
    return "_".join(alt.SCHEMA_VERSION.split(".")[:2])


def _has_fixed_width(spec: dict) -> bool:
    if isinstance(spec.get("width"), (int, float)):
        return True
    for key in ("vconcat", "hconcat", "concat", "layer"):
        parts = spec.get(key)
        if parts:
            return all(_has_fixed_width(p) for p in parts)
    return False


def _spec(chart) -> str:
    text = chart.to_json()
    if not _has_fixed_width(json.loads(text)):
        raise ValueError("the chart needs a fixed width in pixels to be drawn as a file (use charts.timeline_export_chart)")
    return text


def chart_png(chart, scale: float = 2) -> bytes:
    """The chart as PNG bytes, `scale` pixels per CSS pixel. Nothing is fetched from outside."""
    return vlc.vegalite_to_png(_spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[])


def chart_svg(chart) -> str:
    """The chart as an SVG document. Nothing is fetched from outside."""
    return vlc.vegalite_to_svg(_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])
