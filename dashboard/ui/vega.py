"""Altair charts onto the page, without re-validating their schema on every rerun.

`st.altair_chart` converts a chart with `chart.to_dict()`, which checks the whole spec
against the Vega-Lite JSON schema each time: a quarter of the server's time on a filter
change, measured with py-spy (BENCHMARKS.md). Our charts are built by dashboard/charts/, whose every builder is
validated against the schema in tests/test_charts.py, so here they are converted without
it and handed to `st.vega_lite_chart` — the same element, the same spec and datasets
(Arrow, named by a hash of their bytes, as Streamlit names them), the same selections.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext

import altair as alt
import streamlit as st
from streamlit import dataframe_util  # private: fenced by tests/ui/test_streamlit_private_api.py
from streamlit.util import calc_hash  # private: fenced likewise

from dashboard.charts.common import text_alternative
from dashboard.charts.theme import themed_spec
from dashboard.ui.theme import chart_theme

_TRANSFORMER = "boilingpoint_arrow"
_LOCK = threading.Lock()  # Altair's theme and data transformer are global to the process


def _to_arrow(data, datasets: dict):
    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = calc_hash(payload)
    datasets[name] = payload
    return {"name": name}


def setup_charts() -> None:
    """Process-wide chart settings for the running app, called by its entry point.

    Registers the Arrow data transformer, and turns off Altair's debug mode: it validates
    every schema object (each axis, scale, encoding) as it is made, for friendlier errors
    while writing a chart; in the running app that is another tenth of a rerun, for charts
    the tests have already validated whole.
    """
    _register()
    alt.utils.schemapi.disable_debug_mode()


def _register() -> None:
    if _TRANSFORMER not in alt.data_transformers.names():
        alt.data_transformers.register(_TRANSFORMER, _to_arrow)


def chart_spec(chart, theme: str = "light") -> dict:
    """The chart's Vega-Lite spec, its datasets as Arrow bytes (schema not re-validated),
    drawn for the page's theme ("dark": charts/theme.py)."""
    datasets: dict[str, bytes] = {}
    _register()
    with _LOCK:
        plain = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with plain, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
            spec = chart.to_dict(validate=False)
    spec["datasets"] = {**(spec.get("datasets") or {}), **datasets}
    spec["description"] = text_alternative(spec)  # one line for a screen reader, on every chart
    return themed_spec(spec, theme)


def altair_chart(chart, **kwargs):
    """st.altair_chart(chart, **kwargs), converted by chart_spec in the page's theme."""
    return st.vega_lite_chart(chart_spec(chart, chart_theme()), **kwargs)
