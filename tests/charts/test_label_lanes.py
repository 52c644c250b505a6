"""The escalation panel's event labels sit where the index line is not: the line, as drawn
(mid-bucket, straight between buckets), runs through no label's box — in the top lane, the
foot lane, or the strip above the plot when both lanes are crossed (GDELT's shape)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import escalation_chart
from dashboard.charts.event_labels import crossings, strip_rows
from dashboard.model.escalation import DEFAULT_PARAMS


def _label_rows(spec: dict) -> pd.DataFrame:
    """Every event label drawn (text layers whose text is the label), with its box and line."""
    rows = []
    for layer in spec["layer"]:
        mark = layer["mark"]
        if isinstance(mark, dict) and mark["type"] == "text" and layer["encoding"].get("text", {}).get("field") == "label":
            rows += spec["datasets"][layer["data"]["name"]]
    frame = pd.DataFrame(rows)
    for column in ("date", "lo", "hi"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _line_domain(spec: dict) -> list[float]:
    for layer in spec["layer"]:
        mark = layer["mark"]
        if (mark if isinstance(mark, str) else mark["type"]) == "line":
            return layer["encoding"]["y"]["scale"]["domain"]
    raise AssertionError("no index line")


def gdelt_shaped(days: int = 18) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A GDELT events file scored by day: quiet, a jump to 75, a fall to 15, then 56 and 100 on
    the last day, where the most conflictual events (long labels) all fall."""
    dates = pd.date_range("2018-03-09", periods=days, freq="D")
    index = [0.0] * (days - 8) + [74.9, 36.8, 29.2, 23.2, 18.4, 14.6, 56.2, 100.0]
    stage = ["slow boil" if i < 30 else "simmering" if i < 45 else "boiling" if i < 65 else "crisis" for i in index]
    table = pd.DataFrame({"date": dates, "index": index, "stage": stage, "direction": "steady", "attention_ratio": 1.0,
                          "tone": 0.0, "c_attention": 0.0, "c_tone": 0.0, "c_severity": 0.0, "c_breadth": 0.0})
    last = dates[-1]
    events = pd.DataFrame({
        "date": [last, last, last, dates[3]],
        "actor": ["(unidentified)", "(unidentified)", "(unidentified)", "WASHINGTON"],
        "headline": ["(unidentified) → BURKINA FASO: fight with small arms", "(unidentified) → CHRISTIAN: abduct",
                     "(unidentified) → POLICE PERSONNEL: use conventional military force", "WASHINGTON → ADVOCATE: fight"],
        "severity": [-10.0, -10.0, -10.0, -9.0],
    })
    return table, events


@pytest.mark.parametrize("width, size", [(720, 11), (1200, 11), (None, 11), (450, 18)])
def test_labels_clear_the_line_on_a_gdelt_shaped_story(width, size):
    table, events = gdelt_shaped()
    chart = escalation_chart(table, events, pd.DataFrame(), DEFAULT_PARAMS, width=width, bucket="day", label_size=size)
    spec = chart.to_dict()
    labels = _label_rows(spec)
    line = 9 * size / 11
    assert len(labels) >= 3
    assert crossings(table, labels, labels["y"], line, "day") == 0  # the line as drawn, mid-bucket
    # Both lanes inside the plot are crossed here (100 at the top, 15–18 at the foot): the strip.
    assert chart.usermeta["label_lane"] == "strip"
    top = _line_domain(spec)[1]
    assert labels["y"].min() - 0.5 * line > 100 and labels["y"].max() + 0.5 * line <= top  # inside the axis, above 100


def test_labels_stay_in_a_free_lane_inside_the_plot_when_there_is_one():
    """A story that stays low keeps its labels in the top lane: no strip, the axis 0–100."""
    table, events = gdelt_shaped()
    table["index"] = table["index"] * 0.3
    chart = escalation_chart(table, events, pd.DataFrame(), DEFAULT_PARAMS, width=720, bucket="day")
    spec = chart.to_dict()
    labels = _label_rows(spec)
    assert chart.usermeta["label_lane"] == "top"
    assert _line_domain(spec) == [0, 100] and labels["y"].max() <= 100
    assert crossings(table, labels, labels["y"], 9.0, "day") == 0


def test_the_strip_keeps_the_bands_and_the_rules_inside_the_plot():
    table, events = gdelt_shaped()
    cps = pd.DataFrame({"date": [table["date"].iloc[-2]], "signal": ["index"], "before": [20.0], "after": [80.0],
                        "event_actor": [None], "event_headline": [None], "lag_hours": [None]})
    spec = escalation_chart(table, events, cps, DEFAULT_PARAMS, width=720, bucket="day", highlight=table["date"].iloc[-1]).to_dict()
    ranged = [layer for layer in spec["layer"] if "y2" in layer.get("encoding", {})]
    assert len(ranged) == 3  # the stage bands, the change points, the highlight
    assert all(layer["encoding"]["y2"]["datum"] <= 100 + 1e-3 for layer in ranged)


@pytest.mark.parametrize("rows, line", [(1, 9.0), (3, 9.0), (3, 9 * 18 / 11)])
def test_strip_rows_give_a_line_as_many_pixels_as_on_a_plain_axis(rows, line):
    strip, row = strip_rows(rows, line)
    height = 190.0
    assert row * height / (100 + strip) == pytest.approx(line * height / 100)  # px per label line unchanged
    assert strip >= rows * row  # every line fits in the strip


def test_strip_rows_refuse_more_lines_than_fit():
    with pytest.raises(ValueError, match="do not fit"):
        strip_rows(12, 9.0)


def test_labels_clear_the_line_on_the_real_gdelt_file(external):
    """The real GDELT 2.0 export, opened as the page opens it (its episode) and whole."""
    from dashboard.contract import Selection
    from dashboard.dataset import build_dataset
    from dashboard.model.analysis import analyse
    from dashboard.model.story import find_episode

    path = external / "gdelt-v2-events-20180326" / "20180326044500.export.CSV"
    if not path.is_file():
        pytest.skip(f"{path} is not there")
    engine = build_dataset(path, None).engine
    whole = analyse(engine, Selection(bucket="day"))
    episode = find_episode(whole.table)
    opening = analyse(engine, Selection(start=episode.dates[0], end=episode.dates[1], bucket="day"))
    for analysis in (opening, whole):
        for width in (720, 1200):
            chart = escalation_chart(analysis.table, analysis.events, analysis.change_points, analysis.params,
                                     width=width, bucket="day")
            labels = _label_rows(chart.to_dict())
            assert len(labels)
            assert crossings(analysis.table, labels, labels["y"], 9.0, "day") == 0
