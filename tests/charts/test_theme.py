"""The projector (dark) theme: every chart redrawn dark, its text legible, its data untouched."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from dashboard import charts
from dashboard.charts.palette import INK, MUTED, SERIES_COLORS, STAGE_COLORS
from dashboard.charts.theme import (
    DARK_BACKGROUND,
    DARK_COLORS,
    DARK_CONFIG,
    DARK_STAGE_COLORS,
    _luminance,
    contrast_ratio,
    dark_spec,
    themed_spec,
)
from dashboard.contract import STAGES

# Properties that colour text, wherever they sit in a spec (config, axes, legends, titles, marks).
TEXT_COLOR_KEYS = {"labelColor", "titleColor", "subtitleColor"}


@pytest.mark.parametrize("a, b, want", [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),  # WCAG's worked example: just under AA
    ("#fff", "#000", 21.0),
])
def test_contrast_ratio_by_hand(a, b, want):
    assert contrast_ratio(a, b) == pytest.approx(want, abs=0.01)


def test_contrast_ratio_refuses_what_is_not_a_colour():
    with pytest.raises(ValueError, match="rrggbb"):
        contrast_ratio("red", "#000000")


@pytest.fixture(scope="module")
def analysis():
    from dashboard.contract import Selection
    from dashboard.loading import load_bytes
    from dashboard.model.analysis import analyse
    from dashboard.query.duckdb_engine import Engine

    ev = load_bytes(
        b"id,date,actor,target,event_type,severity,headline,retracts\n"
        b"a,2024-05-01,Acme,Regulator,statement,-5,Acme warns,\n"
        b"b,2024-05-02,Acme,Regulator,statement,2,Acme retracts,a\n"
        b"c,2024-05-03,Regulator,Acme,policy,-8,A ban,\n",
        "events",
    ).table
    rows = "".join(f"2024-04-{d:02d},Acme,-0.1,{100 + d}\n" for d in range(1, 31))
    me = load_bytes(("date,actor,tone,count\n" + rows + "2024-05-01,Acme,-0.6,900\n2024-05-02,Acme,-0.4,600\n").encode(),
                    "mentions").table
    return analyse(Engine(events=ev, mentions=me), Selection())


def _every_chart(analysis) -> list:
    by_actor = pd.DataFrame({"date": pd.Timestamp("2024-05-01"), "actor": list("ABC"), "volume": [5, 3, 1],
                             "tone": [-0.2, 0.1, 0.3]})
    matrix = pd.DataFrame({"actor": ["A", "B"], "target": ["B", "A"], "events": [3, 1], "mean_severity": [-6.0, 2.0]})
    board = pd.DataFrame({"actor": ["A", "B"], "change": [12.0, -3.0], "index_now": [60.0, 20.0], "stage": ["boiling", "slow boil"]})
    aligned = analysis.table.assign(offset=range(len(analysis.table)), series="Acme")
    notes = pd.DataFrame({"date": [pd.Timestamp("2024-05-02")], "actor": [None], "text": ["ask legal"], "author": ["Ana"]})
    return [
        *charts.timeline_layers(analysis, "SIMULATED mentions", notes=notes),
        charts.overview_chart(analysis.table),
        charts.stage_gauge_chart("crisis"),
        charts.stage_gauge_chart("boiling"),
        charts.share_of_voice_chart(by_actor, normalise=False),
        charts.tone_by_actor_chart(by_actor),
        charts.matrix_chart(matrix),
        charts.leaderboard_chart(board),
        charts.components_chart(analysis.table, analysis.params),
        charts.compare_chart(aligned),
        charts.timeline_export_chart(analysis, "SIMULATED mentions"),
    ]


def _text_colours(node, inside_text_mark: bool = False):
    """Every colour a spec gives to text: axis, legend and title text, and text marks."""
    if isinstance(node, list):
        for v in node:
            yield from _text_colours(v, inside_text_mark)
    elif isinstance(node, dict):
        mark = node.get("mark")
        is_text = inside_text_mark or (isinstance(mark, dict) and mark.get("type") == "text") or mark == "text"
        for key, value in node.items():
            if key in ("data", "datasets"):
                continue
            if key in TEXT_COLOR_KEYS and isinstance(value, str):
                yield value
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("color"), str):
                yield value["color"]
            elif key == "mark" and is_text and isinstance(value, dict) and isinstance(value.get("color"), str):
                yield value["color"]
            elif key == "color" and is_text and isinstance(value, dict):  # a text mark's colour encoding (the gauge's)
                for v in (value.get("value"), *(c.get("value") for c in value.get("condition", []) if isinstance(c, dict)),
                          (value.get("condition") or {}).get("value") if isinstance(value.get("condition"), dict) else None):
                    if isinstance(v, str):
                        yield v
            else:
                yield from _text_colours(value, is_text and key == "encoding")


def test_dark_spec_has_a_dark_background_and_light_axes_legends_and_titles(analysis):
    for chart in _every_chart(analysis):
        spec = dark_spec(chart.to_dict())
        config = spec["config"]
        assert config["background"] == DARK_BACKGROUND
        for part in ("axis", "legend", "title"):
            assert set(DARK_CONFIG[part]) <= set(config[part]), part
        assert spec["usermeta"]["theme"] == "dark"


def test_every_text_colour_on_the_dark_background_is_at_least_4_5_to_1(analysis):
    seen = set()
    gauges = (charts.stage_gauge_chart("crisis"), charts.stage_gauge_chart("boiling"))
    for chart in _every_chart(analysis):
        if any(chart.to_dict() == g.to_dict() for g in gauges):
            continue  # the gauge writes on its stage cells, not on the background: the next test checks it
        spec = dark_spec(chart.to_dict())
        for colour in _text_colours(spec):
            seen.add(colour)
            assert contrast_ratio(colour, DARK_BACKGROUND) >= 4.5, (colour, spec.get("title"))
        config = spec["config"]
        for colour in (config["axis"]["labelColor"], config["axis"]["titleColor"], config["legend"]["labelColor"],
                       config["title"]["color"], config["title"]["subtitleColor"], config["text"]["color"]):
            assert contrast_ratio(colour, DARK_BACKGROUND) >= 4.5
    assert len(seen) >= 4  # ink, muted, "SIMULATED" orange, the notes' violet at least were checked


def test_dark_spec_leaves_no_light_ink_behind(analysis):
    for chart in _every_chart(analysis):
        text = json.dumps({k: v for k, v in dark_spec(chart.to_dict()).items() if k not in ("data", "datasets")}).lower()
        for light in (INK, MUTED, *STAGE_COLORS.values()):
            assert f'"{light.lower()}"' not in text, light


def test_dark_spec_never_recolours_data():
    data = pd.DataFrame({"actor": [INK, "#ffffff"], "volume": [1, 2]})
    chart = alt.Chart(data).mark_bar(color=INK).encode(x=alt.X(field="actor", type="nominal"), y=alt.Y(field="volume", type="quantitative"))
    spec = dark_spec(chart.to_dict())
    rows = spec["datasets"][spec["data"]["name"]]
    assert [r["actor"] for r in rows] == [INK, "#ffffff"]  # an actor named like a colour stays that actor
    assert spec["mark"]["color"] == DARK_COLORS[INK.lower()]


def test_dark_spec_is_valid_vega_lite_and_round_trips(analysis):
    for chart in _every_chart(analysis):
        spec = dark_spec(chart.to_dict())
        assert json.loads(json.dumps(spec)) == spec
        type(chart).from_dict(spec, validate=True)


def test_dark_stages_keep_their_order_by_lightness_and_their_labels_legible():
    lum = [_luminance(DARK_STAGE_COLORS[s]) for s in STAGES]
    assert lum == sorted(lum) and len(set(lum)) == len(lum)  # slow boil darkest, crisis lightest: read without hue
    for stage in STAGES:
        # The gauge writes the current stage in ink ("white" on crisis), both turned dark-theme by the table.
        ink = DARK_COLORS["#ffffff"] if stage == "crisis" else DARK_COLORS[INK.lower()]
        assert contrast_ratio(ink, DARK_STAGE_COLORS[stage]) >= 4.5, stage


def test_dark_series_keep_okabe_ito_and_stand_out_from_the_background():
    dark = [DARK_COLORS.get(c.lower(), c) for c in SERIES_COLORS]
    assert dark[:7] == list(SERIES_COLORS[:7])  # Okabe–Ito's hues kept; only its black turns light
    for colour in dark:
        assert contrast_ratio(colour, DARK_BACKGROUND) >= 3.0, colour  # WCAG's floor for graphics


def test_themed_spec_light_is_the_spec_as_built_and_unknown_themes_are_refused():
    spec = {"mark": "bar", "config": {}}
    assert themed_spec(spec, "light") is spec
    with pytest.raises(ValueError, match="unknown theme"):
        themed_spec(spec, "sepia")
