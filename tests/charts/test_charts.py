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


def test_tone_chart_drops_buckets_without_tone_and_fits_the_axis_to_the_data(series):
    spec = _roundtrip(charts.tone_chart(series, subtitle="SIMULATED mentions"))
    band, zero, line, ends = spec["layer"]
    assert (band["mark"]["type"], zero["mark"]["type"], line["mark"]["type"]) == ("rect", "rule", "line")
    data = spec["datasets"][line["data"]["name"]]
    assert len(data) == 3  # the bucket without toned mentions is not drawn as 0
    # The axis is fitted by two invisible points at its ends, on the line's scale (nothing in the spec
    # but data: a filter change replaces the data in place in the browser).
    assert ends["mark"]["opacity"] == 0 and ends["encoding"]["y"]["field"] == "tone" and "scale" not in line["encoding"]["y"]
    lo, hi = [row["tone"] for row in spec["datasets"][ends["data"]["name"]]]
    tones = [row["tone"] for row in data]
    assert -1 <= lo < min(tones) and max(tones) < hi <= 1 and (lo, hi) != (-1, 1)
    neutral = spec["datasets"][band["data"]["name"]][0]
    assert (neutral["lo"], neutral["hi"]) == (-0.05, 0.05) and lo < -0.05 and hi > 0.05  # the neutral band shows
    assert spec["title"]["subtitle"] == "SIMULATED mentions"


def test_the_tone_panels_spec_is_the_same_whatever_the_tones():
    """Only data change with the tones (the axis's ends among them), so the browser replaces the
    data of the drawn panel instead of embedding a new one on a filter change."""
    def spec_of(tones):
        dates = pd.date_range("2024-03-01", periods=len(tones), freq="D")
        series = pd.DataFrame({"date": dates, "tone": tones, "negative_share": [0.5] * len(tones)})
        spec = charts.tone_chart(series, bucket="day").to_dict()
        values = spec.pop("datasets")
        text = json.dumps(spec, sort_keys=True)
        for name in values:  # named by a hash of their rows
            text = text.replace(name, "data")
        return text, values

    calm, calm_data = spec_of([0.01, 0.02, -0.01])
    storm, storm_data = spec_of([-0.8, -0.4, 0.6, 0.2])
    assert calm == storm
    ends = sorted(([row["tone"] for row in rows] for rows in calm_data.values() if len(rows) == 2), key=len)
    assert [-0.12, 0.12] in ends  # tone_domain's ends, as data


@pytest.mark.parametrize("tones,want", [
    ([-0.3, -0.1], [-0.34, 0.14]),  # all negative: the axis still shows zero and the neutral band
    ([0.0, 0.01], [-0.12, 0.12]),  # flat near zero: a band of ±0.1 at least, not a magnified wiggle
    ([-1.0, 1.0], [-1.0, 1.0]),  # never past −1…+1
])
def test_tone_domain_by_hand(tones, want):
    from dashboard.charts.common import tone_domain

    assert tone_domain(pd.Series(tones)) == pytest.approx(want, abs=0.01)


def test_matrix_chart_keeps_the_top_actors_and_says_how_many_more():
    rows = [{"actor": f"actor {i:02d}", "target": f"target {j:02d}", "events": 30 - i + j % 3, "mean_severity": -2.0}
            for i in range(30) for j in range(20)]
    spec = _roundtrip(charts.matrix_chart(pd.DataFrame(rows)))
    data = spec["datasets"][spec["layer"][0]["data"]["name"]] if "data" in spec["layer"][0] else spec["datasets"][spec["data"]["name"]]
    assert len({r["actor"] for r in data}) == 12 and len({r["target"] for r in data}) == 12
    assert "+18 more actors, +8 more targets" in spec["title"]["subtitle"]
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelOverlap"] is False  # every row labelled


def test_share_of_voice_uses_a_colour_blind_safe_palette_with_grey_others():
    from dashboard.charts.palette import OTHERS_COLOR, SERIES_COLORS

    rows = [{"date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), "actor": f"a{i}", "volume": 10 + i, "tone": 0.0}
            for d in range(3) for i in range(12)]
    spec = _roundtrip(charts.share_of_voice_chart(pd.DataFrame(rows), normalise=False))
    colors = spec["encoding"]["color"]["scale"]["range"]
    assert colors == [*SERIES_COLORS, OTHERS_COLOR]  # eight Okabe–Ito series and grey for the other four


def test_escalation_chart_says_what_its_rules_mean(series):
    from dashboard.model.escalation import DEFAULT_PARAMS, score

    table = score(series, DEFAULT_PARAMS)
    spec = _roundtrip(charts.escalation_chart(table, pd.DataFrame(), pd.DataFrame(), DEFAULT_PARAMS))
    assert spec["title"]["subtitle"].startswith("dotted lines: stage thresholds 30/45/65")


def test_events_chart_carries_hostile_text_as_data_only(events):
    spec = _roundtrip(charts.events_chart(events))
    enc = spec["encoding"]
    assert enc["y"]["field"] == "y" and enc["y"]["scale"]["domain"] == [-10, 10]
    assert [t["field"] for t in enc["tooltip"]] == ["date", "actor", "target", "event_type", "severity", "headline"]
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    assert "onerror" not in text and "field.with" not in text  # only in the data, never in the spec
    data = spec["datasets"][spec["data"]["name"]]
    assert data[1]["actor"] == "<img src=x onerror=alert(1)>"
    assert data[1]["severity"] is None and data[1]["y"] == 0.0 and data[1]["target"] == "—"


@pytest.fixture
def analysis():
    from dashboard.contract import Selection
    from dashboard.loading import load_bytes
    from dashboard.model.analysis import analyse
    from dashboard.query.duckdb_engine import Engine

    ev = load_bytes(
        b"id,date,actor,target,event_type,severity,headline,retracts\n"
        b"a,2024-05-01T09:00:00Z,Acme,Regulator,statement,-2,Acme denies it,\n"
        b"b,2024-05-02T09:00:00Z,Acme,Regulator,retraction,2,Acme takes it back,a\n"
        b"c,2024-05-03,Regulator,Acme,policy,-8,A ban,\n",
        "events",
    ).table
    rows = "".join(f"2024-04-{d:02d},Acme,-0.1,{100 + d}\n" for d in range(1, 31))
    me = load_bytes(("date,actor,tone,count\n" + rows + "2024-05-01,Acme,-0.6,900\n2024-05-02,Acme,-0.4,600\n").encode(), "mentions").table
    return analyse(Engine(events=ev, mentions=me), Selection())


def test_timeline_layers_share_one_date_domain(analysis):
    panels = charts.timeline_layers(analysis, "sub")
    assert [p.usermeta["panel"] for p in panels] == ["escalation", "volume", "tone", "events"]
    domains = set()
    for p in panels:
        spec = _roundtrip(p)
        for unit in spec.get("layer", [spec]):
            x = unit.get("encoding", {}).get("x")
            if x and x.get("type") == "temporal":
                domains.add(tuple(x["scale"]["domain"]))
    assert domains == {("2024-04-01T00:00:00", "2024-05-04T00:00:00")}


def test_escalation_chart_has_bands_index_thresholds_and_labels(analysis):
    spec = _roundtrip(charts.timeline_layers(analysis)[0])
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks[:4] == ["rect", "rule", "line", "point"]
    assert "text" in marks  # the most conflictual events are labelled
    bands = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert {b["stage"] for b in bands} <= {"slow boil", "simmering", "boiling", "crisis"}
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["slow boil", "simmering", "boiling", "crisis"]
    thresholds = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [t["y"] for t in thresholds] == [30.0, 45.0, 65.0]


def test_events_panel_links_a_claim_to_its_retraction(analysis):
    spec = _roundtrip(charts.timeline_layers(analysis)[-1])
    link = spec["datasets"][spec["layer"][0]["data"]["name"]]
    assert len(link) == 1 and link[0]["actor"] == "Acme"
    assert spec["layer"][0]["mark"]["type"] == "rule"


def test_timeline_layers_leave_out_what_the_data_lack():
    from dashboard.contract import Selection
    from dashboard.loading import load_bytes
    from dashboard.model.analysis import analyse
    from dashboard.query.duckdb_engine import Engine

    me = load_bytes(b"date,actor,count\n2024-01-01,A,3\n2024-01-02,A,9\n", "mentions").table
    panels = charts.timeline_layers(analyse(Engine(mentions=me), Selection()))
    assert [p.usermeta["panel"] for p in panels] == ["escalation", "volume"]


def test_timeline_export_chart_has_a_fixed_width(analysis):
    spec = _roundtrip(charts.timeline_export_chart(analysis, width=800))
    assert len(spec["vconcat"]) == 4
    assert spec["resolve"]["scale"]["x"] == "shared"
    assert all(p.get("width", 800) == 800 for p in spec["vconcat"])
    assert "usermeta" not in json.dumps(spec["vconcat"])


def test_outer_height_leaves_room_for_title_axis_and_legend(analysis):
    escalation, volume, tone, events = charts.timeline_layers(analysis)
    assert charts.outer_height(volume) == charts.PANEL_HEIGHT["volume"] + charts.PANEL_CHROME["volume"]
    assert charts.outer_height(events) == charts.PANEL_HEIGHT["events"] + charts.PANEL_CHROME["events"]


@pytest.mark.parametrize(
    "days, labels, expected",
    [
        ([0, 1, 2], ["a" * 10] * 3, [0, 1, 2]),  # too close: stacked
        ([0, 40, 80], ["a" * 10] * 3, [0, 0, 0]),  # far apart: one line
        ([0, 1, 2, 3], ["a" * 10] * 4, [0, 1, 2, -1]),  # no room left: not drawn
        ([50, 0, 20], ["a" * 10] * 3, [0, 0, 0]),  # placed in the order given, not by date
    ],
)
def test_label_rows_never_overlap(days, labels, expected):
    dates = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"))
    assert charts.label_rows(dates, pd.Series(labels), domain_days=100, width_px=720) == expected


def test_label_rows_right_aligned_labels_run_leftwards():
    dates = pd.Series(pd.to_datetime(["2024-01-10", "2024-01-12"]))
    labels = pd.Series(["a" * 10, "a" * 10])
    # the second label, right-aligned, would cover the first if it ran right; running left it overlaps too
    assert charts.label_rows(dates, labels, 100, 720, aligns=["left", "right"]) == [0, 1]
    assert charts.label_rows(dates, labels, 100, 720, aligns=["right", "left"]) == [0, 0]


def test_stage_runs_merge_consecutive_buckets():
    table = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=5), "stage": ["slow boil", "slow boil", "crisis", "crisis", "boiling"]})
    runs = charts.stage_runs(table)
    assert runs["stage"].tolist() == ["slow boil", "crisis", "boiling"]
    assert runs["end"].iloc[-1] == pd.Timestamp("2024-01-06")


def test_every_builder_returns_an_altair_chart(series, events):
    for chart in [charts.volume_chart(series), charts.tone_chart(series), charts.events_chart(events)]:
        assert isinstance(chart, (alt.Chart, alt.LayerChart))


def test_palette_has_one_colour_per_stage_getting_darker():
    from dashboard.charts.palette import STAGE_COLORS
    from dashboard.contract import STAGES

    assert tuple(STAGE_COLORS) == STAGES

    def lightness(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [lightness(STAGE_COLORS[s]) for s in STAGES]
    assert values == sorted(values, reverse=True)  # order survives colour blindness and greyscale


# --- the other views' builders ---------------------------------------------------------------


@pytest.fixture
def by_actor() -> pd.DataFrame:
    dates = pd.date_range("2024-05-01", periods=3, freq="D")
    rows = []
    for i, actor in enumerate(["A", "B", "C", "D"]):
        for d in dates:
            rows.append({"date": d, "actor": actor, "volume": 10 * (4 - i), "tone": -0.1 * i})
    return pd.DataFrame(rows)


def test_share_of_voice_stacks_the_leaders_and_groups_the_rest(by_actor):
    for normalise, stack in ((False, "zero"), (True, "normalize")):
        spec = _roundtrip(charts.share_of_voice_chart(by_actor, normalise, top=2))
        assert spec["mark"]["type"] == "area" and spec["encoding"]["y"]["stack"] == stack
        assert "order" not in spec["encoding"]  # an order channel would scramble the area's path
        data = spec["datasets"][spec["data"]["name"]]
        assert {r["actor"] for r in data} == {"A", "B", "others"}
        assert sum(r["volume"] for r in data if r["actor"] == "others") == 3 * (20 + 10)
        assert spec["encoding"]["color"]["sort"] == {"field": "rank", "op": "min"}


def test_share_of_voice_of_a_long_span_stays_under_the_row_cap():
    dates = pd.date_range("2020-01-01", periods=2_000, freq="D")
    frame = pd.DataFrame([{"date": d, "actor": f"A{i}", "volume": i + 1, "tone": 0.0} for d in dates for i in range(12)])
    spec = _roundtrip(charts.share_of_voice_chart(frame, False))
    data = spec["datasets"][spec["data"]["name"]]
    assert len(data) <= charts.MAX_CHART_ROWS
    assert sum(r["volume"] for r in data) == frame["volume"].sum()  # merged, nothing lost
    assert "4 consecutive buckets" in spec["title"]["subtitle"]  # 2,000 days x 9 series -> bins of 4 days


def test_tone_by_actor_is_count_weighted(by_actor):
    spec = _roundtrip(charts.tone_by_actor_chart(by_actor))
    bars = spec["layer"][-1]
    rows = spec["datasets"][bars["data"]["name"]]
    data = {r["actor"]: r for r in rows}
    assert data["D"]["tone"] == pytest.approx(-0.3)
    assert [r["actor"] for r in rows] == ["D", "C", "B", "A"]  # most negative first


@pytest.mark.parametrize("tones,want", [
    ([-0.3, -0.2, -0.1, 0.0], [-0.34, 0.14]),  # all at or below zero: fitted, zero and the neutral band kept
    ([0.01, 0.02, 0.03, 0.04], [-0.12, 0.12]),  # near zero: ±0.1 at least, not a magnified wiggle
    ([-0.9, 0.1, 0.2, 0.3], [-1.0, 0.42]),  # clipped to −1
])
def test_tone_by_actor_axis_is_fitted_to_the_data_with_the_neutral_band(tones, want):
    by_actor = pd.DataFrame({"date": pd.Timestamp("2024-05-01"), "actor": list("ABCD"), "volume": 10, "tone": tones})
    spec = _roundtrip(charts.tone_by_actor_chart(by_actor))
    band, zero, bars = spec["layer"]
    assert bars["encoding"]["x"]["scale"]["domain"] == pytest.approx(want, abs=0.01)
    assert bars["encoding"]["x"]["scale"]["domain"] != [-1, 1]
    assert bars["encoding"]["x2"] == {"datum": 0}  # bars grow from neutral
    neutral = spec["datasets"][band["data"]["name"]][0]
    assert (band["mark"]["type"], neutral["lo"], neutral["hi"]) == ("rect", -0.05, 0.05)
    assert zero["mark"]["type"] == "rule" and "grey band: neutral" in spec["title"]["subtitle"]


def test_matrix_cells_count_and_colour_by_mean_severity():
    m = pd.DataFrame({"actor": ["A", "B"], "target": ["B", "A"], "events": [3, 1], "mean_severity": [-6.0, 2.0]})
    spec = _roundtrip(charts.matrix_chart(m))
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect" and cells["encoding"]["color"]["field"] == "mean_severity"
    assert text["encoding"]["text"]["field"] == "events"
    assert spec["title"]["text"].startswith("Who acts on whom")


def test_leaderboard_is_coloured_by_stage():
    board = pd.DataFrame({"actor": ["A", "B"], "change": [20.0, -3.0], "index_now": [50.0, 10.0], "stage": ["boiling", "slow boil"]})
    spec = _roundtrip(charts.leaderboard_chart(board))
    assert spec["encoding"]["color"]["scale"]["domain"] == ["slow boil", "simmering", "boiling", "crisis"]
    assert spec["encoding"]["y"]["sort"] is None  # kept in the board's order: fastest first


def test_components_chart_stacks_weighted_points_that_add_up_to_the_index(analysis):
    spec = _roundtrip(charts.components_chart(analysis.table, analysis.params, pd.Timestamp("2024-05-01")))
    area = spec["layer"][0]
    data = pd.DataFrame(spec["datasets"][area["data"]["name"]])
    totals = data.groupby("date")["points"].sum()
    index = analysis.table.set_index(analysis.table["date"].dt.strftime("%Y-%m-%dT%H:%M:%S"))["index"]
    for date, total in totals.items():
        assert total == pytest.approx(index[date], abs=0.05)
    assert spec["layer"][1]["mark"]["type"] == "rule"  # the chosen day


def test_compare_chart_overlays_on_offset_from_day_zero():
    aligned = pd.DataFrame({
        "series": ["A", "A", "B", "B"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
        "offset": [-1, 0, 0, 1], "index": [10.0, 50.0, 60.0, 20.0], "stage": ["slow boil", "boiling", "boiling", "simmering"],
    })
    spec = _roundtrip(charts.compare_chart(aligned))
    zero, lines = spec["layer"]
    assert lines["encoding"]["x"]["field"] == "offset" and lines["encoding"]["color"]["field"] == "series"
    assert spec["datasets"][zero["data"]["name"]] == [{"offset": 0}]
    assert spec["title"]["text"] == "Aligned on the day each entered boiling (day 0)"  # says what the 0 is
    assert charts.compare_chart(aligned, "week").to_dict()["title"]["text"].endswith("(week 0)")


def test_overview_has_a_zoom_brush(analysis):
    spec = _roundtrip(charts.overview_chart(analysis.table))
    params = spec["params"]  # Altair lifts a layer's selection to the top level
    assert params[0]["name"] == "zoom" and params[0]["select"]["type"] == "interval"
    assert params[0]["select"]["encodings"] == ["x"]


@pytest.mark.parametrize("stage", ["slow boil", "simmering", "boiling", "crisis"])
def test_stage_gauge_highlights_the_current_stage(stage):
    spec = _roundtrip(charts.stage_gauge_chart(stage))
    data = spec["datasets"][spec["layer"][0]["data"]["name"]] if "data" in spec["layer"][0] else spec["datasets"][spec["data"]["name"]]
    assert [r["stage"] for r in data if r["current"]] == [stage]


def test_selectable_events_chart_names_its_selection(events):
    spec = _roundtrip(charts.events_chart(events, selectable=True))
    assert spec["params"][0]["name"] == "event" and spec["params"][0]["select"]["fields"] == ["id"]


@pytest.fixture(scope="module")
def dense():
    """A month of 300 conflictual events (ten a day, as an ACLED export has) and attention."""
    from dashboard.contract import Selection
    from dashboard.loading import load_bytes
    from dashboard.model.analysis import analyse
    from dashboard.query.duckdb_engine import Engine

    rows = "".join(f"e{i},2024-05-{1 + i // 10:02d},Militia {i % 7},Town {i % 5},action,{-10 + i % 3},Armed clash number {i} "
                   f"in a long place name,\n" for i in range(300))
    ev = load_bytes(("id,date,actor,target,event_type,severity,headline,retracts\n" + rows).encode(), "events").table
    return analyse(Engine(events=ev), Selection())


def _labels(spec: dict) -> list[dict]:
    rows = []
    for layer in spec["layer"]:
        if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text" and "label" in str(layer["encoding"].get("text")):
            rows += spec["datasets"][layer["data"]["name"]]
    return rows


def test_escalation_labels_on_dense_data_are_thinned_and_say_how_many_more(dense):
    chart = charts.escalation_chart(dense.table, dense.events, dense.change_points, dense.params)
    spec = _roundtrip(chart)
    labels = _labels(spec)
    assert 1 <= len(labels) <= 6
    assert f"+{300 - len(labels)} more unlabelled" in spec["title"]["subtitle"]  # none dropped silently
    assert chart.usermeta["labels"] == {"shown": len(labels), "events": 300}


def test_escalation_labels_never_overlap_each_other(dense):
    spec = _roundtrip(charts.escalation_chart(dense.table, dense.events, dense.change_points, dense.params))
    lines: dict[float, list[tuple[float, float]]] = {}
    days = (pd.Timestamp(spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1])
            - pd.Timestamp(spec["layer"][0]["encoding"]["x"]["scale"]["domain"][0])).days
    for row in _labels(spec):
        x = (pd.Timestamp(row["date"]) - pd.Timestamp("2024-05-01")).days * 720 / days
        lines.setdefault(row["y"], []).append((x, x + 6.5 * len(row["label"]) + 10))
    for boxes in lines.values():
        boxes.sort()
        assert all(a[1] <= b[0] for a, b in zip(boxes, boxes[1:]))


def test_escalation_rules_stop_short_of_the_labels(analysis):
    cps = pd.DataFrame({"date": [pd.Timestamp("2024-05-02")], "signal": ["volume"], "before": [1.0], "after": [9.0],
                        "event_actor": ["Acme"], "event_headline": ["Acme retracts"], "lag_hours": [3.0]})
    spec = _roundtrip(charts.escalation_chart(analysis.table, analysis.events, cps, analysis.params,
                                              highlight=pd.Timestamp("2024-05-03")))
    ys = [row["y"] for row in _labels(spec)]
    rules = [layer for layer in spec["layer"] if layer["mark"] == "rule" or
             (isinstance(layer["mark"], dict) and layer["mark"]["type"] == "rule" and "x" in layer["encoding"])]
    vertical = [r for r in rules if "x" in r["encoding"] and "y2" in r["encoding"]]
    assert len(vertical) == 2  # the change point and the highlighted moment
    for rule in vertical:
        lo, hi = rule["encoding"]["y"]["datum"], rule["encoding"]["y2"]["datum"]
        assert all(not (lo <= y <= hi) for y in ys)  # a label's line is outside every rule


def test_escalation_labels_go_to_the_foot_when_the_index_runs_along_the_top(dense):
    # Ten conflictual events a day: high throughout (model v2: a conflict zone's ordinary day is no crisis).
    assert dense.table["index"].median() >= 55
    spec = _roundtrip(charts.escalation_chart(dense.table, dense.events, dense.change_points, dense.params))
    assert max(row["y"] for row in _labels(spec)) < 30


@pytest.mark.parametrize("shown, total, brief, want", [
    (6, 30, False, "labels: the 6 most conflictual events, +24 more unlabelled (Events tab)"),
    (1, 1, False, "labels: the most conflictual event"),
    (0, 12, False, "12 events, none labelled (too close together; Events tab)"),
    (3, 15, True, "labels: 3 most conflictual, +12 more"),
])
def test_label_key_says_what_is_labelled_and_how_many_more(shown, total, brief, want):
    from dashboard.charts.event_labels import label_key

    assert label_key(shown, total, brief) == want


@pytest.mark.parametrize("x, width, room, want", [
    (10, 100, 300, "left"),  # fits rightwards
    (250, 100, 300, "right"),  # would run past the end: reads leftwards
    (180, 200, 300, "right"),  # fits neither way: the side with more room
    (90, 200, 300, "left"),
])
def test_label_side_keeps_a_label_inside_the_plot(x, width, room, want):
    from dashboard.charts.event_labels import label_side

    assert label_side(x, width, room) == want


def test_escalation_label_near_the_end_reads_leftwards(analysis):
    spec = _roundtrip(charts.escalation_chart(analysis.table, analysis.events, analysis.change_points, analysis.params,
                                              width=300))
    for layer in spec["layer"]:
        if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text" and "label" in str(layer["encoding"].get("text")):
            rows = spec["datasets"][layer["data"]["name"]]
            late = [r for r in rows if pd.Timestamp(r["date"]) >= pd.Timestamp("2024-05-03")]
            if late:
                assert layer["mark"]["align"] == "right"


def test_a_label_between_two_buckets_counts_the_line_drawn_across_it():
    """The index line is drawn straight between buckets: a short label box that no bucket falls
    in is still crossed when the line climbs through its height there (GDELT's one-day rise)."""
    from dashboard.charts.event_labels import crossings

    table = pd.DataFrame({"date": pd.to_datetime(["2018-03-25", "2018-03-26"], utc=True), "index": [0.0, 100.0]})
    box = pd.DataFrame({"lo": pd.to_datetime(["2018-03-25 08:00"], utc=True), "hi": pd.to_datetime(["2018-03-25 16:00"], utc=True)})
    assert crossings(table, box, pd.Series([50.0]), 9.0) == 1  # the line passes 33→67 there
    assert crossings(table, box, pd.Series([95.0]), 9.0) == 0  # above the line over the box
    assert crossings(table.assign(index=[float("nan"), 100.0]), box, pd.Series([50.0]), 9.0) == 0  # no line drawn there


def _altair_props(chart, **kwargs):
    """What common.props did before it copied the chart itself: Altair's own shallow copy."""
    out = chart.copy(deep=False)
    for key, value in kwargs.items():
        setattr(out, key, value)
    return out


@pytest.mark.parametrize("dataset", ["fixture", "demo"])
def test_props_gives_the_spec_altairs_copy_gives_and_leaves_the_chart_alone(analysis, dataset):
    from dashboard.charts.common import props

    if dataset == "demo":  # the TikTok demo: layers with selections, retraction links, notes-free
        from dashboard.contract import Selection
        from dashboard.dataset import build_dataset
        from dashboard.demo import DATASETS
        from dashboard.model.analysis import analyse

        demo = next(iter(DATASETS.values()))
        analysis = analyse(build_dataset(demo.events, demo.mentions).engine, Selection())
    built = charts.timeline_layers(analysis, "sub", events_selectable=True)
    built += [charts.stage_gauge_chart("boiling"), charts.overview_chart(analysis.table, bucket="day")]
    assert any(isinstance(c, alt.LayerChart) and c.to_dict().get("params") for c in built)  # a layer with lifted params
    for chart in built:
        before = chart.to_dict()
        for change in ({"usermeta": {"panel": "x"}}, {"title": alt.Title("t", subtitle=["a", "b"])}, {"height": 77}):
            mine, theirs = props(chart, **change), _altair_props(chart, **change)
            assert type(mine) is type(theirs)
            assert mine.to_dict() == theirs.to_dict()
            assert json.loads(json.dumps(mine.to_dict())) == mine.to_dict()
        assert chart.to_dict() == before  # the chart given is not changed
