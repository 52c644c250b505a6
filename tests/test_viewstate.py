"""Reading a view from a link and writing it back."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.viewstate import ViewState, clamp_dates, from_query

DATASETS = ["tiktok-2020", "covid-2020"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ViewState()),
        ({"ds": ["covid-2020"]}, ViewState(dataset="covid-2020")),
        ({"actor": ["Amazon", "Amazon", "Wells Fargo"]}, ViewState(actors=("Amazon", "Wells Fargo"))),
        ({"from": ["2020-07-01"], "to": ["2020-07-31"]}, ViewState(start=dt.date(2020, 7, 1), end=dt.date(2020, 7, 31))),
        ({"bucket": ["hour"]}, ViewState(bucket="hour")),
        ({"theme": ["dark"]}, ViewState(theme="dark")),
    ],
    ids=["empty", "dataset", "actors-deduplicated", "dates", "bucket", "projector-theme"],
)
def test_from_query_reads_a_view(query, expected):
    view = from_query(query, DATASETS)
    assert view == expected
    assert view.problems == ()


@pytest.mark.parametrize(
    "query, problem",
    [
        ({"ds": ["../../etc/passwd"]}, "unknown dataset"),
        ({"from": ["2020-02-30"]}, "'from' is not a date"),
        ({"from": ["2020-08-01"], "to": ["2020-07-01"]}, "after"),
        ({"bucket": ["fortnight"]}, "unknown bucket"),
        ({"theme": ["<script>"]}, "unknown theme"),
        ({"actors": ["Italy"]}, "unknown link key 'actors' ignored"),
    ],
)
def test_from_query_drops_and_names_bad_values(query, problem):
    view = from_query(query, DATASETS)
    assert any(problem in p for p in view.problems)
    assert view.dataset is None and view.start is None and view.bucket == "day"


def test_streamlit_embed_options_and_model_parameters_are_not_unknown_keys():
    view = from_query({"embed": ["true"], "embed_options": ["dark_theme"], "actor": ["Italy"]}, DATASETS)
    assert view.problems == () and view.actors == ("Italy",)


@given(
    actors=st.lists(st.text(min_size=1).filter(str.strip), max_size=5, unique=True),
    bucket=st.sampled_from(["hour", "day", "week"]),
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    days=st.integers(0, 400),
)
def test_view_round_trips_through_the_query(actors, bucket, start, days):
    view = ViewState("tiktok-2020", tuple(actors), start, start + dt.timedelta(days=days), bucket)
    assert from_query(view.to_query(), DATASETS) == view


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (None, None, (dt.date(2020, 6, 1), dt.date(2020, 11, 20))),
        (dt.date(2020, 1, 1), dt.date(2020, 7, 1), (dt.date(2020, 6, 1), dt.date(2020, 7, 1))),
        (dt.date(2021, 1, 1), None, (dt.date(2020, 6, 1), dt.date(2020, 11, 20))),
    ],
)
def test_clamp_dates_cuts_to_the_data(start, end, expected):
    assert clamp_dates(start, end, dt.date(2020, 6, 1), dt.date(2020, 11, 20)) == expected


@pytest.mark.parametrize("view, query", [
    (ViewState(theme="dark"), {"theme": ["dark"]}),
    (ViewState(mode="present", step=3, theme="dark"), {"mode": ["present"], "step": ["3"], "theme": ["dark"]}),
    (ViewState(theme="light"), {}),  # light is the default: a link leaves it out
])
def test_theme_travels_in_the_link_in_either_mode(view, query):
    assert view.to_query() == query
    assert from_query(view.to_query(), DATASETS) == view


def test_a_comparison_travels_in_the_link_only_on_the_compare_tab():
    from dashboard.viewstate import ViewState, from_query

    view = ViewState(tab="Compare", compare=("actors", "A", "B"))
    assert view.to_query()["cmp"] == ["actors", "A", "B"]
    assert "cmp" not in ViewState(tab="Timeline", compare=("actors", "A", "B")).to_query()
    assert from_query(view.to_query(), ["tiktok-2020"]).compare == ("actors", "A", "B")
    bad = from_query({"tab": ["Compare"], "cmp": ["people", "A"]}, ["tiktok-2020"])
    assert bad.compare == () and any("comparison" in p for p in bad.problems)
