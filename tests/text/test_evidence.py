"""The evidence behind a peak: sources, the top source's share, copies; flagged in the chart
and in the explanation. Texts are simulated for the test."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.charts.evidence import evidence_marks
from dashboard.charts.timeline import timeline_layers
from dashboard.contract import Selection
from dashboard.loading import load_bytes
from dashboard.model.analysis import analyse
from dashboard.model.explain import explain_evidence
from dashboard.query.duckdb_engine import Engine
from dashboard.text.evidence import EVIDENCE_COLUMNS, flag_evidence


def _table(volumes, levels, stages=None):
    dates = pd.date_range("2020-07-01", periods=len(volumes), freq="D")
    return pd.DataFrame({"date": dates, "volume": volumes, "attention_level": levels,
                         "stage": stages or ["slow boil"] * len(volumes)})


def _evidence(dates, sources, top_share, texts, distinct, top="Wire"):
    return pd.DataFrame({
        "date": dates, "volume": 0, "sources": sources, "top_source": top, "top_share": top_share,
        "texts": texts, "distinct_texts": distinct,
        "copy_share": [1 - d / t if t else float("nan") for d, t in zip(distinct, texts, strict=True)],
    })


@pytest.mark.parametrize(("volume", "level", "stage", "top_share", "texts", "distinct", "flag"), [
    (50, 3.0, "slow boil", 0.8, 0, 0, "one source"),
    (50, 3.0, "slow boil", 0.3, 40, 10, "copies"),
    (50, 3.0, "slow boil", 0.9, 40, 10, "one source, copies"),
    (50, 3.0, "slow boil", 0.3, 40, 35, ""),  # many sources, distinct texts
    (50, 1.0, "slow boil", 0.9, 40, 5, ""),  # not a peak: attention as expected
    (50, 1.0, "crisis", 0.9, 0, 0, "one source"),  # a crisis bucket is a peak
    (5, 9.0, "crisis", 1.0, 5, 1, ""),  # too few mentions to call a peak
    (50, 3.0, "slow boil", 0.3, 6, 1, ""),  # too few texts to judge copies
])
def test_flag_evidence(volume, level, stage, top_share, texts, distinct, flag):
    table = _table([volume], [level], [stage])
    ev = flag_evidence(table, _evidence(table["date"], [3], [top_share], [texts], [distinct]))
    assert list(ev.columns) == EVIDENCE_COLUMNS
    assert ev.iloc[0]["flag"] == flag


def test_flag_evidence_one_source_files_are_never_flagged():
    table = _table([50, 60], [3.0, 3.0])
    ev = flag_evidence(table, _evidence(table["date"], [1, 1], [1.0, 1.0], [0, 0], [0, 0], top="simulated"))
    assert ev["flag"].tolist() == ["", ""]


def test_flag_evidence_empty_and_missing_buckets():
    assert flag_evidence(_table([], []), _evidence([], [], [], [], [])).empty
    table = _table([50, 60], [3.0, 3.0])
    ev = flag_evidence(table, _evidence(table["date"][:1], [2], [1.0], [0], [0]))
    assert ev["flag"].tolist() == ["one source", ""]
    assert ev["sources"].tolist() == [2, 0]


def test_explain_evidence_sentences():
    row = pd.Series({"flag": "one source, copies", "sources": 2, "top_source": "Wire", "top_share": 0.8,
                     "copy_share": 0.75, "texts": 40, "distinct_texts": 10})
    said = explain_evidence(row)
    assert said == (" This peak rests on one source: Wire carried 80% of its mentions (2 sources in all); "
                    "75% of its 40 text mentions repeat another (10 distinct texts).")
    assert explain_evidence(pd.concat([row.drop("flag"), pd.Series({"flag": ""})])) == ""
    assert explain_evidence(None) == ""


def test_evidence_marks_chart_round_trips():
    table = _table([50, 60], [3.0, 3.0])
    ev = flag_evidence(table, _evidence(table["date"], [1, 5], [1.0, 0.2], [0, 0], [0, 0]))
    chart = evidence_marks(table, ev, bucket="day")
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["point", "text"]
    for layer in spec["layer"]:
        data = spec["datasets"][layer["data"]["name"]]
        assert len(data) == 1 and data[0]["flag"] == "one source"
    json.loads(json.dumps(spec))


def test_evidence_marks_label_one_bucket_per_run():
    table = _table([50, 60, 55, 5, 70], [3.0] * 5)
    ev = flag_evidence(table, _evidence(table["date"], [2] * 5, [1.0] * 5, [0] * 5, [0] * 5))
    assert ev["flag"].tolist() == ["one source"] * 3 + ["", "one source"]
    spec = evidence_marks(table, ev, bucket="day").to_dict()
    marks, labels = (spec["datasets"][layer["data"]["name"]] for layer in spec["layer"])
    assert len(marks) == 4
    assert [row["volume"] for row in labels] == [60, 70]  # the highest of each run


def test_volume_panel_with_flags_keeps_its_data():
    from dashboard.charts.evidence import with_evidence_flags
    from dashboard.charts.timeline import volume_chart

    table = _table([50, 60], [3.0, 3.0])
    ev = flag_evidence(table, _evidence(table["date"], [2, 5], [1.0, 0.2], [0, 0], [0, 0]))
    spec = with_evidence_flags(volume_chart(table, bucket="day"), table, ev, bucket="day").to_dict()
    assert spec["title"]["text"] == "Attention: mentions per bucket" and spec["height"] > 0
    names = [layer["data"]["name"] for layer in spec["layer"]]
    assert all(name in spec["datasets"] and spec["datasets"][name] for name in names)


def _spike_engine(one_source: bool) -> Engine:
    rows = ["date,actor,text,source"]
    for d in range(1, 29):
        for k in range(5):
            rows.append(f"2020-06-{d:02d},Acme,Acme routine item {d} {k},src{(d + k) % 7}")
    for k in range(80):
        src = "Wire" if one_source else f"outlet{k}"
        rows.append(f"2020-06-29,Acme,Acme recalls widgets story {k},{src}")
    csv = "\n".join(rows) + "\n"
    return Engine(mentions=load_bytes(csv.encode(), "mentions").table)


@pytest.mark.parametrize("one_source", [True, False])
def test_analyse_flags_a_one_source_peak_in_chart_and_explanation(one_source):
    engine = _spike_engine(one_source)
    try:
        a = analyse(engine, Selection())
    finally:
        engine.close()
    assert a.evidence is not None
    last = a.evidence.iloc[-1]
    assert bool(last["peak"])
    said = a.explain(-1)
    marks = json.dumps([p.to_dict() for p in timeline_layers(a)])
    if one_source:
        assert last["flag"] == "one source" and last["top_source"] == "Wire"
        assert "rests on one source: Wire carried 100% of its mentions" in said
        assert "triangle-down" in marks
    else:
        assert last["flag"] == "" and "rests on" not in said
        assert "triangle-down" not in marks


def test_analyse_without_text_still_measures_sources():
    csv = "date,actor,tone,source\n" + "".join(f"2020-07-{d:02d},A,0.1,s{d % 3}\n" for d in range(1, 20))
    engine = Engine(mentions=load_bytes(csv.encode(), "mentions").table)
    try:
        a = analyse(engine, Selection())
    finally:
        engine.close()
    assert a.evidence is not None and (a.evidence["sources"] == 1).all()
    assert (a.evidence["texts"] == 0).all()
