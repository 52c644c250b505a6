"""Chart builders: assertions on the Vega-Lite spec, and a JSON round trip for each."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from dashboard import charts


@pytest.fixture
def series() -> pd.DataFrame:
    dates = pd.date_range("2024-05-01", periods=4, freq="D")
    return pd.DataFrame(
        {
            "date": dates,
            "volume": [16, 3, 5, 1],
            "toned": [16, 0, 5, 1],
            "tone": [-0.3, float("nan"), 0.1, -0.9],
            "negative_share": [0.875, float("nan"), 0.0, 1.0],
            "events": [2, 0, 1, 1],
            "min_severity": [-6, float("nan"), 1, -8],
            "conflict": [8.0, 0.0, 0.0, 8.0],
            "actors": [2, 1, 1, 1],
            "sources": [3, 1, 1, 1],
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b"],
            "date": pd.to_datetime(["2024-05-01 09:00", "2024-05-04 00:00"]),
            "actor": ["Acme", "<img src=x onerror=alert(1)>"],
            "target": ["Regulator", None],
            "event_type": ["statement", "policy"],
            "severity": [-2.0, None],
            "headline": ["Acme denies it", "A ban: field.with[dots]"],
        }
    )


def _roundtrip(chart) -> dict:
    spec = chart.to_dict()
    assert json.loads(json.dumps(spec)) == spec
    return spec


def test_volume_chart_is_bars_of_volume_over_time(series):
    spec = _roundtrip(charts.volume_chart(series, "simulated"))
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"] == {**spec["encoding"]["x"], "field": "date", "type": "temporal"}
    assert spec["encoding"]["y"]["field"] == "volume" and spec["encoding"]["y"]["type"] == "quantitative"
    assert spec["title"]["subtitle"] == "simulated"
    data = spec["datasets"][spec["data"]["name"]]
    assert [row["volume"] for row in data] == [16, 3, 5, 1]


def test_tone_chart_drops_buckets_without_tone_and_fixes_the_scale(series):
    spec = _roundtrip(charts.tone_chart(series))
    line = spec["layer"][1]
    assert line["mark"]["type"] == "line"
    assert line["encoding"]["y"]["scale"]["domain"] == [-1, 1]
    data = spec["datasets"][line["data"]["name"]]
    assert len(data) == 3  # the bucket without toned mentions is not drawn as 0


def test_events_chart_carries_hostile_text_as_data_only(events):
    spec = _roundtrip(charts.events_chart(events))
    enc = spec["encoding"]
    assert enc["y"]["field"] == "severity" and enc["y"]["scale"]["domain"] == [-10, 10]
    assert [t["field"] for t in enc["tooltip"]] == ["date", "actor", "target", "event_type", "severity", "headline"]
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    assert "onerror" not in text and "field.with" not in text  # only in the data, never in the spec
    data = spec["datasets"][spec["data"]["name"]]
    assert data[1]["actor"] == "<img src=x onerror=alert(1)>"
    assert data[1]["severity"] == 0.0 and data[1]["target"] == "—"


def test_timeline_panels_share_one_date_domain(series, events):
    panels = charts.timeline_panels(series, events, "sub")
    assert len(panels) == 3
    domains = []
    for p in panels:
        spec = _roundtrip(p)
        unit = spec["layer"][1] if "layer" in spec else spec
        domains.append(unit["encoding"]["x"]["scale"]["domain"])
        assert unit["encoding"]["x"]["type"] == "temporal"
        assert unit["encoding"]["y"]["axis"]["minExtent"] == charts.Y_AXIS_EXTENT
    assert domains[0] == domains[1] == domains[2] == ["2024-05-01T00:00:00", "2024-05-05T00:00:00"]


def test_timeline_panels_leave_out_what_the_data_lack(series):
    volume_only = series.assign(tone=float("nan"))
    panels = charts.timeline_panels(volume_only, pd.DataFrame(columns=["date", "actor", "target", "event_type", "severity", "headline"]))
    assert len(panels) == 1
    assert _roundtrip(panels[0])["mark"]["type"] == "bar"


def test_timeline_chart_for_export_has_a_fixed_width(series, events):
    spec = _roundtrip(charts.timeline_chart(series, events, width=800))
    assert len(spec["vconcat"]) == 3
    assert spec["resolve"]["scale"]["x"] == "shared"
    widths = [(p["width"] if "width" in p else p.get("layer", [{}])[0].get("width", p.get("width"))) for p in spec["vconcat"]]
    assert all(w == 800 for w in widths)


def test_outer_height_leaves_room_for_title_axis_and_legend(series, events):
    volume, tone, ev = charts.timeline_panels(series, events)
    assert charts.outer_height(volume) == charts.PANEL_HEIGHT["volume"] + 80
    assert charts.outer_height(ev) == charts.PANEL_HEIGHT["events"] + 130


def test_every_builder_returns_an_altair_chart(series, events):
    for chart in [charts.volume_chart(series), charts.tone_chart(series), charts.events_chart(events)]:
        assert isinstance(chart, (alt.Chart, alt.LayerChart))
