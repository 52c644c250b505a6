"""Altair charts onto the page, without re-validating their schema on every rerun.

`st.altair_chart` converts a chart with `chart.to_dict()`, which checks the whole spec
against the Vega-Lite JSON schema each time: a quarter of the server's time on a filter
change, measured with py-spy (BENCHMARKS.md). Our charts are built by dashboard/charts/, whose every builder is
validated against the schema in tests/test_charts.py, so here they are converted without
it and handed to `st.vega_lite_chart` — the same element, the same spec and datasets
(Arrow, named by a hash of their bytes, as Streamlit names them), the same selections.

Building a chart (Altair objects, then their spec and Arrow datasets) is most of a rerun's
Python; every session that shows the same selection of the same data would build the same
specs. `cached_chart`/`cached_charts` keep the finished specs, process-wide, under a key the
caller makes of everything the chart is drawn from (the dataset's content key, the selection,
the model's parameters, notes…) and the theme: one build serves every session and rerun.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import nullcontext

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util  # private: fenced by tests/ui/test_streamlit_private_api.py
from streamlit.util import calc_hash  # private: fenced likewise

from dashboard.charts.common import outer_height, text_alternative
from dashboard.charts.theme import themed_spec
from dashboard.ui.theme import chart_theme

_TRANSFORMER = "boilingpoint_arrow"
_LOCK = threading.Lock()  # Altair's theme and data transformer are global to the process
_REGISTERED = False
SPECS_KEPT = 256  # finished specs kept (each holds aggregated series only: ≤ 5,000 points a chart)
_SPECS: OrderedDict[tuple, list[tuple[dict, int | None]]] = OrderedDict()
_SPECS_LOCK = threading.Lock()
CANVAS_ROWS = 1_000  # a chart with a dataset of more rows is drawn on a canvas (with_renderer)


def _to_arrow(data, datasets: dict, rows: list | None = None):
    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = calc_hash(payload)
    datasets[name] = payload
    if rows is not None:
        rows.append(len(data))
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
    # names() reads the installed packages' entry points each call: a fiftieth of a second.
    global _REGISTERED
    if not _REGISTERED:
        with _LOCK:
            if _TRANSFORMER not in alt.data_transformers.names():
                alt.data_transformers.register(_TRANSFORMER, _to_arrow)
            _REGISTERED = True


def chart_spec(chart, theme: str = "light") -> dict:
    """The chart's Vega-Lite spec, its datasets as Arrow bytes (schema not re-validated),
    drawn for the page's theme ("dark": charts/theme.py)."""
    datasets: dict[str, bytes] = {}
    rows: list[int] = []
    _register()
    with _LOCK:
        plain = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with plain, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets, rows=rows):
            spec = chart.to_dict(validate=False)
    spec["datasets"] = {**(spec.get("datasets") or {}), **datasets}
    spec["description"] = text_alternative(spec)  # one line for a screen reader, on every chart
    return themed_spec(with_renderer(spec, max(rows, default=0)), theme)


def with_renderer(spec: dict, rows: int) -> dict:
    """A chart of more than CANVAS_ROWS rows of data (the events of a window at 10 million
    mentions) drawn on a canvas: Vega builds no SVG element per mark, and a filter change at 10M
    redraws faster (BENCHMARKS.md). Smaller charts stay SVG, Streamlit's default below 2,000
    points: Vega gives an SVG drawing the chart's description as its aria-label, a canvas none."""
    if rows <= CANVAS_ROWS:
        return spec
    given = spec.get("usermeta")
    meta: dict = given if isinstance(given, dict) else {}
    options: dict = meta["embedOptions"] if isinstance(meta.get("embedOptions"), dict) else {}
    spec["usermeta"] = {**meta, "embedOptions": {"renderer": "canvas", **options}}
    return spec


def altair_chart(chart, **kwargs):
    """st.altair_chart(chart, **kwargs), converted by chart_spec in the page's theme."""
    return st.vega_lite_chart(chart_spec(chart, chart_theme()), **kwargs)


def content_key(value) -> Hashable:
    """A part of a chart's cache key for a value that is not hashable itself: a frame (the
    notes on a chart) by a digest of its content, anything else by its repr."""
    if isinstance(value, pd.DataFrame):
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr(list(value.columns)).encode())
        digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
        return ("frame", len(value), digest.hexdigest())
    if isinstance(value, Hashable):
        try:
            hash(value)
            return value
        except TypeError:
            pass
    return ("repr", repr(value))


def _outer(chart) -> int | None:
    """The chart's outer height (charts.common.outer_height); None for one sized by its container."""
    try:
        return outer_height(chart)
    except (TypeError, ValueError):
        return None


def chart_specs(key: tuple | None, build: Callable[[], list], theme: str) -> list[tuple[dict, int | None]]:
    """The specs (and outer heights) of the charts `build()` makes, built once per key and
    theme and kept (least recently used first out). Each caller gets its own copy: Streamlit
    edits the spec it is given."""
    if key is None:  # nothing says what the chart is drawn from: built afresh
        return [(chart_spec(chart, theme), _outer(chart)) for chart in build()]
    full = (key, theme)
    with _SPECS_LOCK:
        kept = _SPECS.get(full)
        if kept is not None:
            _SPECS.move_to_end(full)
    if kept is None:
        kept = [(chart_spec(chart, theme), _outer(chart)) for chart in build()]
        with _SPECS_LOCK:
            _SPECS[full] = kept
            while len(_SPECS) > SPECS_KEPT:
                _SPECS.popitem(last=False)
    return [(copy.deepcopy(spec), height) for spec, height in kept]


def clear_specs() -> None:
    """Forget every kept spec (tests start cold; nothing in the app needs it: keys name content)."""
    with _SPECS_LOCK:
        _SPECS.clear()


def cached_charts(key: tuple | None, build: Callable[[], list]) -> list[tuple[dict, int | None]]:
    """chart_specs in the page's theme."""
    return chart_specs(key, build, chart_theme())


def cached_chart(spec_key: tuple | None, build: Callable, /, extra_height: int | None = None, **kwargs):
    """st.vega_lite_chart of the one chart `build()` makes, its spec kept under `spec_key` (see
    chart_specs; `key` and the other keywords are st.vega_lite_chart's); `extra_height` sets the
    height to the chart's outer height plus that."""
    ((spec, height),) = cached_charts(spec_key, lambda: [build()])
    if extra_height is not None and height is not None:
        kwargs["height"] = height + extra_height
    return st.vega_lite_chart(spec, **kwargs)
