"""Engine queries against results worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard.contract import MAX_BUCKETS, Selection
from dashboard.loading import load_bytes
from dashboard.query.duckdb_engine import Engine

EVENTS = b"""id,date,actor,target,event_type,severity,headline,source
a,2024-05-01T09:00:00Z,Acme,Regulator,statement,-2,Acme denies the report,Wire
b,2024-05-01T15:30:00Z,Regulator,Acme,threat,-6,Regulator threatens a fine,Paper
c,2024-05-03,Beta,,other,1,Beta launches a product,Wire
d,2024-05-04,Regulator,Beta,policy,-8,Regulator bans Beta's product,Paper
"""

MENTIONS = b"""date,actor,tone,count,source
2024-05-01,Acme,-0.5,10,Wire
2024-05-01,Acme,0.5,2,Blog
2024-05-01,Regulator,-0.2,4,Wire
2024-05-02,Acme,,3,Wire
2024-05-03,Beta,0.1,5,Blog
2024-05-04T23:30:00Z,Regulator,-0.9,1,Paper
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    ev = load_bytes(EVENTS, "events")
    me = load_bytes(MENTIONS, "mentions")
    assert ev.report.rejected == 0 and me.report.rejected == 0
    return Engine(events=ev.table, mentions=me.table)


def test_engine_series_fills_gaps_and_aggregates_by_hand(engine):
    s = engine.series(Selection()).set_index("date")
    assert list(s.index) == list(pd.date_range("2024-05-01", "2024-05-04", freq="D"))
    may1 = s.loc["2024-05-01"]
    assert may1["volume"] == 16  # 10 + 2 + 4
    assert may1["toned"] == 16
    # count-weighted mean tone: (-0.5*10 + 0.5*2 - 0.2*4) / 16 = -4.8 / 16
    assert may1["tone"] == pytest.approx(-0.3)
    assert may1["negative_share"] == pytest.approx(14 / 16)
    assert may1["events"] == 2
    assert may1["min_severity"] == -6
    assert may1["conflict"] == 8  # 2 + 6
    assert may1["actors"] == 2  # Acme, Regulator
    assert may1["sources"] == 3  # Wire, Blog, Paper
    may2 = s.loc["2024-05-02"]
    assert may2["volume"] == 3 and may2["toned"] == 0 and math.isnan(may2["tone"])
    assert may2["events"] == 0 and math.isnan(may2["min_severity"]) and may2["conflict"] == 0


def test_engine_actor_filter_matches_actor_or_target(engine):
    ev = engine.events_in(Selection(actors=("Beta",)))
    assert list(ev["id"]) == ["c", "d"]  # Beta acted in c, was targeted in d
    s = engine.series(Selection(actors=("Beta",))).set_index("date")
    assert s["volume"].sum() == 5  # only Beta's own mentions


def test_engine_target_and_type_filters(engine):
    assert list(engine.events_in(Selection(targets=("Acme",)))["id"]) == ["b"]
    assert list(engine.events_in(Selection(event_types=("policy", "statement")))["id"]) == ["a", "d"]


def test_engine_date_range_is_inclusive_of_whole_days(engine):
    s = engine.series(Selection(start=dt.date(2024, 5, 4), end=dt.date(2024, 5, 4)))
    assert len(s) == 1 and s["volume"].iloc[0] == 1  # 23:30 on the 4th belongs to the 4th
    assert list(engine.events_in(Selection(start=dt.date(2024, 5, 2), end=dt.date(2024, 5, 3)))["id"]) == ["c"]


def test_engine_hour_buckets(engine):
    s = engine.series(Selection(start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 1), bucket="hour")).set_index("date")
    assert len(s) == 24
    assert s.loc["2024-05-01 09:00", "events"] == 1
    assert s.loc["2024-05-01 15:00", "min_severity"] == -6
    assert s.loc["2024-05-01 00:00", "volume"] == 16


def test_engine_empty_selection_gives_empty_frames(engine):
    sel = Selection(actors=("Nobody",))
    assert engine.series(sel).empty
    assert engine.events_in(sel).empty
    assert engine.bucket_count(sel) == 0


@pytest.mark.parametrize("sel", [
    Selection(), Selection(bucket="hour"), Selection(bucket="week"), Selection(actors=("Acme",)),
    Selection(actors=("Regulator", "Beta"), bucket="hour"),
    Selection(start=dt.date(2024, 4, 20), end=dt.date(2024, 5, 2)),  # a chosen span past the data's first day
    Selection(start=dt.date(2024, 5, 2), end=dt.date(2024, 5, 2), bucket="hour"),
    Selection(actors=("Nobody",)), Selection(start=dt.date(2023, 1, 1), end=dt.date(2023, 1, 9)),
], ids=repr)
def test_engine_volume_is_the_series_volume(engine, sel):
    """The source's total per bucket (model/analysis.source_volume) comes from a leaner query
    than `series`: the same buckets and the same sums, dtype and index included."""
    pd.testing.assert_series_equal(engine.volume(sel), engine.series(sel).set_index("date")["volume"])


def test_engine_volume_refuses_what_series_refuses():
    me = load_bytes(b"date,actor,count\n2000-01-01,A,1\n2020-01-01,A,1\n", "mentions")
    engine = Engine(mentions=me.table)
    with pytest.raises(ValueError, match="coarser bucket"):
        engine.volume(Selection(bucket="hour"))
    assert engine.volume(Selection(bucket="week")).sum() == 2


def test_engine_refuses_more_buckets_than_a_chart_can_hold():
    me = load_bytes(b"date,actor,count\n2000-01-01,A,1\n2020-01-01,A,1\n", "mentions")
    engine = Engine(mentions=me.table)
    sel = Selection(bucket="hour")
    assert engine.bucket_count(sel) > MAX_BUCKETS
    with pytest.raises(ValueError, match="coarser bucket"):
        engine.series(sel)
    assert engine.bucket_count(Selection()) == 7306 > MAX_BUCKETS
    weeks = engine.series(Selection(bucket="week"))
    assert len(weeks) == 1045 and weeks["volume"].sum() == 2
    assert weeks["date"].iloc[0] == pd.Timestamp("1999-12-27")  # the Monday of that week


def test_engine_actor_counts_and_bounds(engine):
    counts = engine.actor_counts().set_index("actor")
    assert counts.loc["Regulator", "events"] == 3  # acted twice, targeted once
    assert counts.loc["Acme", "mentions"] == 15
    assert counts.loc["Beta", "events"] == 2
    assert engine.date_bounds() == (dt.date(2024, 5, 1), dt.date(2024, 5, 4))
    assert engine.event_types() == ["other", "policy", "statement", "threat"]
    assert engine.targets() == ["Acme", "Beta", "Regulator"]


def test_engine_values_are_parameters_not_sql(engine):
    hostile = "x') OR 1=1 --"
    assert engine.series(Selection(actors=(hostile,))).empty
    assert engine.events_in(Selection(actors=(hostile,), targets=(hostile,))).empty


def test_engine_volume_by_actor(engine):
    v = engine.volume_by_actor(Selection())
    acme = v[(v["actor"] == "Acme") & (v["date"] == pd.Timestamp("2024-05-01"))].iloc[0]
    assert acme["volume"] == 12 and acme["tone"] == pytest.approx((-5 + 1) / 12)


def test_engine_without_any_table_is_empty():
    engine = Engine()
    assert engine.date_bounds() is None
    assert engine.series(Selection()).empty
    assert not engine.has_events and not engine.has_mentions


def test_selection_rejects_bad_values():
    with pytest.raises(ValueError, match="bucket"):
        Selection(bucket="month")
    with pytest.raises(ValueError, match="after"):
        Selection(start=dt.date(2024, 2, 1), end=dt.date(2024, 1, 1))


def test_engine_asks_a_selections_span_once():
    """A rerun asks bucket_count, then series and volume, of one selection: its span (a scan of
    every matching row when no dates are chosen) is read once; another selection reads its own."""
    ev = load_bytes(EVENTS, "events")
    me = load_bytes(MENTIONS, "mentions")
    engine = Engine(events=ev.table, mentions=me.table)
    asked = []
    real = engine._read_span
    engine._read_span = lambda sel: asked.append(sel) or real(sel)
    sel = Selection(actors=("Acme",))
    assert engine.bucket_count(sel) == 2
    first = engine.series(sel)
    assert engine.volume(sel).sum() == first["volume"].sum() == 15 and len(asked) == 1
    assert engine.bucket_count(Selection(actors=("Beta",))) == 2 and len(asked) == 2
    engine.close()


def test_an_actor_choice_is_looked_up_once_and_the_kept_codes_are_bounded(engine, monkeypatch):
    """_actor_ids keeps each choice's codes (the names' codes never change): asked again, the
    same codes without a query; beyond ACTOR_IDS_KEPT choices the oldest are let go."""
    from dashboard.query import duckdb_engine

    names = tuple(engine.actor_counts()["actor"].head(2))
    first = engine._actor_ids(names)
    assert len(first) == 2 and engine._actor_ids(("nobody at all",)) == []
    asked = []
    real_cursor = engine._cursor
    monkeypatch.setattr(engine, "_cursor", lambda: asked.append(1) or real_cursor())
    assert engine._actor_ids(names) == first and not asked
    assert engine.series(Selection(actors=names)).equals(engine.series(Selection(actors=names)))
    monkeypatch.setattr(duckdb_engine, "ACTOR_IDS_KEPT", 2)
    engine._actor_ids(names[:1]), engine._actor_ids(names[1:])  # two more choices: the first is let go
    asked.clear()
    assert engine._actor_ids(names) == first and asked and len(engine._ids) <= 2
    monkeypatch.setattr(duckdb_engine, "ACTOR_IDS_NAMES", 1)  # a choice of more names than kept: asked each time
    engine._ids.clear()
    assert engine._actor_ids(names) == first and not engine._ids
