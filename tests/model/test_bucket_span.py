"""One bucket length, the contract's, for the engines, the explanation and the charts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts
from dashboard.contract import BUCKET_STEPS, Selection, bucket_count, bucket_step, truncate
from dashboard.loading import load_bytes
from dashboard.model.analysis import analyse
from dashboard.query.duckdb_engine import Engine


@pytest.mark.parametrize(
    "bucket, length", [("hour", dt.timedelta(hours=1)), ("day", dt.timedelta(days=1)), ("week", dt.timedelta(days=7))]
)
def test_bucket_step_is_the_contracts(bucket, length):
    assert bucket_step(bucket) == BUCKET_STEPS[bucket] == Selection(bucket=bucket).step == length


def test_bucket_step_refuses_an_unknown_bucket():
    with pytest.raises(ValueError, match="hour, day, week"):
        bucket_step("month")


@pytest.mark.parametrize(
    "when, bucket, start",
    [
        (dt.datetime(2024, 1, 10, 13, 45), "hour", dt.datetime(2024, 1, 10, 13)),
        (dt.datetime(2024, 1, 10, 13, 45), "day", dt.datetime(2024, 1, 10)),
        (dt.datetime(2024, 1, 10, 13, 45), "week", dt.datetime(2024, 1, 8)),  # a Wednesday: Monday's week
        (dt.datetime(2024, 1, 8), "week", dt.datetime(2024, 1, 8)),
    ],
)
def test_truncate_by_hand(when, bucket, start):
    assert truncate(when, bucket) == start


def test_bucket_count_by_hand():
    assert bucket_count(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 29), "week") == 5
    assert bucket_count(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 23), "hour") == 24


# Two events in one week: Monday a mild statement (-1), Thursday a threat (-6). A weekly
# bucket holds both; an explanation that took the bucket for a day would see only Monday's.
EVENTS = (
    b"date,actor,headline,event_type,severity\n"
    b"2024-01-01T09:00:00Z,Acme,Acme says something,statement,-1\n"
    b"2024-01-04T09:00:00Z,Acme,Acme threatens a strike,threat,-6\n"
    b"2024-01-15T09:00:00Z,Acme,Acme talks again,statement,-1\n"
)


@pytest.fixture(scope="module")
def weekly():
    engine = Engine(events=load_bytes(EVENTS, "events").table)
    return analyse(engine, Selection(bucket="week"))


def test_weekly_engine_series_has_one_row_per_week(weekly):
    assert list(weekly.table["date"]) == list(pd.date_range("2024-01-01", periods=3, freq="7D"))
    assert list(weekly.table["events"]) == [2, 0, 1]


def test_weekly_explanation_names_the_worst_event_of_the_whole_week(weekly):
    text = weekly.explain(0)
    assert "Acme threatens a strike" in text
    assert "Acme says something" not in text


def test_weekly_charts_span_a_week_per_bucket(weekly):
    runs = charts.stage_runs(weekly.table.iloc[:1], bucket="week")  # one bucket alone: no spacing to infer
    assert runs["end"].iloc[0] - runs["start"].iloc[0] == pd.Timedelta(days=7)
    assert charts.bucket_length(weekly.table) == pd.Timedelta(days=7)  # inferred from the spacing
    domain = charts.date_domain(weekly.table, "week")
    assert pd.Timestamp(domain[1]) == pd.Timestamp("2024-01-22")  # the last week's end
    volume = charts.volume_chart(weekly.table.iloc[:1].assign(volume=3), bucket="week").to_dict()
    bar = volume["datasets"][volume["data"]["name"]][0]
    assert pd.Timestamp(bar["end"]) - pd.Timestamp(bar["date"]) == pd.Timedelta(days=7)
