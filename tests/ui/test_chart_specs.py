"""Every chart the app draws, walked spec by spec (AppTest), on the demo and on a generated
dataset whose actors have long names:

- no text is cut without its full text in reach: a value shortened with "…" in a chart's
  data has its full text in a field of the same row that a tooltip shows; a nominal field on
  an axis or a legend (which Vega cuts at its labelLimit) is in a tooltip of that chart;
- no line or area leaves the envelope of its data between two points: curves only where
  they cannot overshoot (monotone on a single line), and a stacked area straight (a curve on
  each stacked boundary lets one band cross the next between points).
"""

from __future__ import annotations

import sys

import pytest

from dashboard.demo import DATASETS

CURVES_THAT_STAY_IN = {None, "linear", "monotone", "step", "step-after", "step-before"}
STRAIGHT = {None, "linear", "step", "step-after", "step-before"}
LONG = ["The Ministry of Industry and Information Technology of the People's Republic",
        "Committee on Foreign Investment in the United States (Treasury Department)",
        "ByteDance Technology Company Limited and its subsidiaries worldwide",
        "Acme", "Beta"]


def _units(spec: dict, inherited: dict | None = None):
    """Every single-view spec inside spec (layers, concatenations, facets), with the encoding
    it inherits from its parents."""
    encoding = {**(inherited or {}), **spec.get("encoding", {})}
    children = [c for key in ("layer", "vconcat", "hconcat", "concat") for c in spec.get(key, [])]
    if "spec" in spec:
        children.append(spec["spec"])
    if "mark" in spec:
        yield spec, encoding
    for child in children:
        yield from _units(child, encoding)


def _tooltip_fields(spec: dict) -> set[str]:
    fields: set[str] = set()
    for _, encoding in _units(spec):
        tips = encoding.get("tooltip") or []
        for tip in tips if isinstance(tips, list) else [tips]:
            if isinstance(tip, dict) and "field" in tip:
                fields.add(tip["field"])
    return fields


def _title(spec: dict) -> str:
    title = spec.get("title")
    return str(title.get("text") if isinstance(title, dict) else title)


def cut_texts_without_their_full_text(chart: dict) -> list[str]:
    tips = _tooltip_fields(chart["spec"])
    problems = []
    for frame in chart["data"]:
        text_columns = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, str)).any()]
        for _, row in frame[text_columns].iterrows():
            for column, value in row.items():
                if not (isinstance(value, str) and value.endswith("…")):
                    continue
                full = [c for c, v in row.items() if isinstance(v, str) and len(v) > len(value) - 1
                        and v.startswith(value[:-1]) and c != column and c in tips]
                if not full:
                    problems.append(f"{_title(chart['spec'])}: {column}={value!r} has no full text in a tooltip")
    for _unit, encoding in _units(chart["spec"]):
        for channel in ("x", "y", "color"):
            enc = encoding.get(channel)
            if not isinstance(enc, dict) or enc.get("type") not in ("nominal", "ordinal") or "field" not in enc:
                continue
            guide = enc.get("axis" if channel in ("x", "y") else "legend", {})
            if guide is None:
                continue  # not drawn
            if enc["field"] not in tips:
                problems.append(f"{_title(chart['spec'])}: {channel} labels of {enc['field']!r} are cut at the "
                                f"{'axis' if channel != 'color' else 'legend'}'s labelLimit with no tooltip naming them")
    return problems


def curves_that_leave_the_data(chart: dict) -> list[str]:
    problems = []
    for unit, encoding in _units(chart["spec"]):
        mark = unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}
        if mark["type"] not in ("line", "area", "trail"):
            continue
        curve = mark.get("interpolate")
        y = encoding.get("y", {})
        stacked = mark["type"] == "area" and y.get("stack") not in (None, False) or (
            mark["type"] == "area" and "stack" not in y and "color" in encoding)
        allowed = STRAIGHT if stacked else CURVES_THAT_STAY_IN
        if curve not in allowed:
            problems.append(f"{_title(chart['spec'])}: a {'stacked ' if stacked else ''}{mark['type']} "
                            f"interpolated {curve!r} can leave its data's envelope between points")
    return problems


def _walk(at, chart_frames, tabs=("Timeline", "Actors", "Why", "Compare")) -> list[dict]:
    seen = []
    for tab in tabs:
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception, at.exception
        seen += chart_frames(at)
    return seen


@pytest.fixture
def long_names(tmp_path, monkeypatch):
    events, mentions = tmp_path / "events.csv", tmp_path / "mentions.csv"
    rows = []
    for d in range(1, 29):
        actor, target = LONG[d % len(LONG)], LONG[(d + 1) % len(LONG)]
        rows.append(f'2024-03-{d:02d},"{actor}","{target}",statement,{-(d % 7)},"{actor} says a long thing number {d} '
                    f'about {target} and the consequences for everyone involved"')
    events.write_text("date,actor,target,event_type,severity,headline\n" + "\n".join(rows) + "\n")
    mention_rows = [f'2024-03-{d:02d},"{a}",{-0.05 * (i + 1)},{20 + d * (i + 1)}' for d in range(1, 29) for i, a in enumerate(LONG)]
    mentions.write_text("date,actor,tone,count\n" + "\n".join(mention_rows) + "\n")
    monkeypatch.setattr(sys, "argv", ["app.py", "--events", str(events), "--mentions", str(mentions)])


def _check(charts: list[dict]) -> None:
    assert len(charts) >= 5, [_title(c["spec"]) for c in charts]
    problems = sorted({p for c in charts for p in cut_texts_without_their_full_text(c) + curves_that_leave_the_data(c)})
    assert not problems, "\n".join(problems)


def test_demo_charts_cut_no_text_silently_and_draw_inside_their_data(make_app, chart_frames):
    assert "tiktok-2020" in DATASETS
    at = make_app({"to": "2020-08-08"})
    charts = _walk(at, chart_frames)
    meeting = make_app({"mode": "present", "step": "3"})
    meeting.run()
    _check(charts + chart_frames(meeting))


def test_long_actor_names_are_never_cut_silently(make_app, chart_frames, long_names):
    _check(_walk(make_app(), chart_frames))


def test_the_walker_finds_a_cut_label_and_a_stacked_curve():
    """The rules can fail: a cut value with no full text, an axis without a tooltip, a curved stack."""
    import pandas as pd

    bad = {"spec": {"title": "t", "mark": {"type": "area", "interpolate": "monotone"},
                    "encoding": {"x": {"field": "actor", "type": "nominal"}, "y": {"field": "v", "type": "quantitative", "stack": "zero"},
                                 "tooltip": [{"field": "label"}]}},
           "data": [pd.DataFrame({"label": ["Ministry of…"], "actor": ["Ministry of Industry"]})]}
    assert len(cut_texts_without_their_full_text(bad)) == 2  # the cut label, the actor axis
    assert curves_that_leave_the_data(bad)
    good = {"spec": {**bad["spec"], "mark": {"type": "area"}, "encoding": {**bad["spec"]["encoding"],
                                                                         "tooltip": [{"field": "actor"}]}},
            "data": bad["data"]}
    assert not cut_texts_without_their_full_text(good) and not curves_that_leave_the_data(good)
