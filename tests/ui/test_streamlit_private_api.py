"""A fence around the two private Streamlit functions dashboard/ui/vega.py relies on.

Streamlit has no public way to turn a frame into the Arrow bytes its Vega-Lite element
carries, or to name a dataset as it names them. When an upgrade moves or changes either,
these tests fail first, with a message saying what to fix, instead of every chart.
"""

from __future__ import annotations

import inspect

import pandas as pd
import pyarrow as pa
import pytest

FIX = "Streamlit changed a private API that dashboard/ui/vega.py uses: update _to_arrow there (and this fence)."


def test_streamlit_private_arrow_conversion_still_exists_and_round_trips():
    try:
        from streamlit import dataframe_util
    except ImportError:
        pytest.fail(f"streamlit.dataframe_util is gone. {FIX}")
    convert = getattr(dataframe_util, "convert_anything_to_arrow_bytes", None)
    assert callable(convert), f"dataframe_util.convert_anything_to_arrow_bytes is gone. {FIX}"
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"]), "index": [1.5, 2.5]})
    payload = convert(frame)
    assert isinstance(payload, bytes), f"convert_anything_to_arrow_bytes no longer returns bytes. {FIX}"
    back = pa.ipc.open_stream(payload).read_all().to_pandas()
    assert list(back["index"]) == [1.5, 2.5], f"the Arrow bytes no longer hold the frame. {FIX}"


def test_streamlit_private_calc_hash_still_exists():
    try:
        from streamlit.util import calc_hash
    except ImportError:
        pytest.fail(f"streamlit.util.calc_hash is gone. {FIX}")
    assert len(inspect.signature(calc_hash).parameters) >= 1, FIX
    assert calc_hash(b"abc") == calc_hash(b"abc") != calc_hash(b"abd"), f"calc_hash is no longer a stable hash. {FIX}"


def test_vega_chart_spec_carries_the_arrow_datasets():
    import altair as alt

    from dashboard.ui.vega import chart_spec

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    spec = chart_spec(chart)
    (name, payload), = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    assert list(pa.ipc.open_stream(payload).read_all().to_pandas()["y"]) == [3, 4]
