"""Finished chart specs are kept per content (dashboard/ui/vega.py): a second session on the
same view gets the same specs without building a chart, and anything a chart is drawn from
(the theme, the notes, the data) makes another key."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from dashboard import charts
from dashboard.charts.theme import DARK_BACKGROUND
from dashboard.ui import vega


def _specs(at) -> list[tuple[str, list[tuple[str, bytes]]]]:
    return [(el.proto.spec, [(d.name, d.data.data) for d in el.proto.datasets]) for el in at.get("vega_lite_chart")]


def _run(at):
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture
def timeline_builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = charts.timeline_layers

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "timeline_layers", counting)
    return calls


def test_a_second_session_on_the_same_view_gets_the_same_charts_without_building_them(make_app, timeline_builds):
    first = _specs(_run(make_app()))
    assert len(timeline_builds) == 1
    second = _specs(_run(make_app()))  # another session: a new AppTest, the same process
    assert len(timeline_builds) == 1
    assert second == first and len(first) >= 4


def test_the_projector_theme_is_its_own_key(make_app, timeline_builds):
    light = _specs(_run(make_app()))
    dark = _specs(_run(make_app({"theme": "dark"})))
    assert len(timeline_builds) == 2
    assert [s for s, _ in light] != [s for s, _ in dark]
    assert all(json.loads(s)["config"]["background"] == DARK_BACKGROUND for s, _ in dark)


def test_another_selection_is_its_own_key(make_app, timeline_builds):
    _run(make_app())
    _run(make_app({"actor": "Amazon"}))
    assert len(timeline_builds) == 2


def test_a_kept_spec_is_never_edited_by_the_caller():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    (spec, _), = vega.chart_specs(("unit", 1), lambda: [chart], "light")
    spec.pop("datasets")
    spec["mark"] = "line"
    (again, _), = vega.chart_specs(("unit", 1), lambda: pytest.fail("built twice"), "light")
    assert again["mark"] != "line" and again["datasets"]


def test_frames_are_keyed_by_their_content():
    notes = pd.DataFrame({"date": pd.to_datetime(["2020-07-10"]), "text": ["Email sent"]})
    same = notes.copy()
    edited = notes.assign(text=["Email retracted"])
    assert vega.content_key(notes) == vega.content_key(same)
    assert vega.content_key(notes) != vega.content_key(edited)
    assert vega.content_key(notes) != vega.content_key(notes.iloc[:0])


def test_without_a_content_key_nothing_is_kept():
    builds: list[int] = []

    def build():
        builds.append(1)
        return [alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")]

    vega.chart_specs(None, build, "light")
    vega.chart_specs(None, build, "light")
    assert len(builds) == 2


def test_a_second_session_on_the_same_view_queries_and_analyses_nothing_again(make_app, monkeypatch):
    # What is the same for every session on the same data is computed once per process
    # (ui/cache.py, ui/views.py): the catalogue, the analysis, the opening episode, the words.
    import collections

    from dashboard.query.duckdb_engine import Engine
    from dashboard.ui import cache, views

    calls: collections.Counter = collections.Counter()

    def counting(name, real):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(Engine, "actor_counts", counting("actor_counts", Engine.actor_counts))
    monkeypatch.setattr(cache, "analyse", counting("analyse", cache.analyse))
    monkeypatch.setattr(views, "explanation", counting("explanation", views.explanation))
    monkeypatch.setattr(views, "find_episode", counting("find_episode", views.find_episode))
    _run(make_app())
    first = dict(calls)
    assert set(first) == {"actor_counts", "analyse", "explanation", "find_episode"}, first
    _run(make_app())  # another session, the same view
    assert dict(calls) == first


@pytest.mark.parametrize("rows, drawn", [(10, None), (vega.CANVAS_ROWS, None), (vega.CANVAS_ROWS + 1, "canvas")])
def test_a_chart_of_many_rows_is_drawn_on_a_canvas_and_keeps_its_own_usermeta(rows, drawn):
    frame = pd.DataFrame({"x": range(rows), "y": range(rows)})
    small = pd.DataFrame({"x": [0, 1], "y": [1, 0]})
    chart = alt.layer(alt.Chart(small).mark_line().encode(x="x:Q", y="y:Q"),
                      alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q"), usermeta={"panel": "events"})
    spec = vega.chart_spec(chart)
    assert spec["usermeta"]["panel"] == "events"
    assert spec["usermeta"].get("embedOptions", {}).get("renderer") == drawn
    assert spec["description"]
