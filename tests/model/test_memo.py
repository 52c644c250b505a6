"""What the model keeps of an engine's answers (dashboard/model/memo.py) gives the engine's own
answers: a window cut from the whole range's series, the span of some actors from their kept
first and last instants, a leaderboard whose rows were scored by an earlier filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.contract import Selection, truncate
from dashboard.demo import DATASETS
from dashboard.loading import load_bytes, load_path
from dashboard.model import memo
from dashboard.model.analysis import _trim_lookback, actor_leaderboard, analyse, overview
from dashboard.query.duckdb_engine import Engine


@pytest.fixture(scope="module")
def tables():
    d = DATASETS["tiktok-2020"]
    return load_path(d.events, "events").table, load_path(d.mentions, "mentions").table


def _engine(tables) -> Engine:
    """A new engine: nothing kept for it yet."""
    return Engine(*tables)


class Asked:
    """The engine with a count of its series and series_each calls."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.series, self.each = engine, 0, []
        series, each = engine.series, engine.series_each

        def counted_series(sel):
            self.series += 1
            return series(sel)

        def counted_each(sel, actors):
            self.each.append(list(actors))
            return each(sel, actors)

        engine.series, engine.series_each = counted_series, counted_each  # type: ignore[method-assign]


ACTORS = [(), ("TikTok",), ("Amazon", "Microsoft"), ("Donald Trump", "TikTok", "Oracle"), ("Nobody at all",)]
WINDOWS = [
    (dt.date(2020, 7, 1), dt.date(2020, 7, 31)),
    (dt.date(2020, 1, 1), dt.date(2020, 8, 15)),  # starts before the data
    (dt.date(2020, 9, 1), dt.date(2021, 3, 1)),  # ends after them
    (dt.date(2020, 8, 3), dt.date(2020, 8, 30)),  # Monday to Sunday: whole weeks
    (dt.date(2020, 8, 5), dt.date(2020, 8, 20)),  # weeks cut at both edges
    (dt.date(2019, 1, 1), dt.date(2019, 2, 1)),  # no data at all
    (dt.date(2020, 8, 1), dt.date(2020, 8, 1)),
]


@pytest.mark.parametrize("bucket", ["day", "week", "hour"])
@pytest.mark.parametrize("actors", ACTORS)
def test_a_window_cut_from_the_whole_range_is_the_engines_own_series(tables, actors, bucket):
    plain, kept = _engine(tables), Asked(_engine(tables))
    whole = Selection(actors=actors, bucket=bucket)
    pd.testing.assert_frame_equal(memo.series(kept.engine, whole), plain.series(whole))
    asked = kept.series
    for start, end in WINDOWS:
        if bucket == "hour" and (end - start).days > 60:
            continue  # over the bucket cap
        sel = replace(whole, start=start, end=end)
        pd.testing.assert_frame_equal(memo.series(kept.engine, sel), plain.series(sel), rtol=1e-12)
        wide = replace(sel, start=start - dt.timedelta(days=56))  # a look-back, trimmed as the analysis trims it
        pd.testing.assert_frame_equal(_trim_lookback(memo.series(kept.engine, wide, sel.start), sel),
                                      _trim_lookback(plain.series(wide), sel), rtol=1e-12)
    if actors != ("Nobody at all",) and bucket == "day":
        assert kept.series - asked < 2 * len(WINDOWS) - 4, "no window was cut from the whole range: the test proves nothing"


@pytest.mark.parametrize("seed", range(12))
def test_the_span_of_some_actors_is_that_of_their_rows(tables, seed):
    import numpy as np

    events, mentions = (t.to_pandas() for t in tables)
    engine = _engine(tables)
    names = sorted(set(mentions["actor"]) | set(events["actor"]) | set(events["target"].dropna()))
    rng = np.random.default_rng(seed)
    chosen = tuple(rng.choice(names + ["Nobody at all"], size=int(rng.integers(1, 5)), replace=False))
    for bucket in ("day", "week", "hour"):
        sel = Selection(actors=chosen, bucket=bucket)
        dates = pd.concat([mentions.loc[mentions["actor"].isin(chosen), "date"],
                           events.loc[events["actor"].isin(chosen) | events["target"].isin(chosen), "date"]])
        want = None if dates.empty else (truncate(dates.min().to_pydatetime(), bucket),
                                         truncate(dates.max().to_pydatetime(), bucket))
        assert engine._span(sel) == want


def test_the_span_with_other_filters_is_still_read_from_the_rows(tables):
    engine = _engine(tables)
    sel = Selection(actors=("TikTok",), event_types=("policy",))
    _, mentions = (t.to_pandas() for t in tables)
    lo = mentions.loc[mentions["actor"] == "TikTok", "date"].min()
    assert engine._span(sel)[0] >= truncate(lo.to_pydatetime(), "day")


@pytest.mark.parametrize("start, end", [(dt.date(2020, 7, 1), dt.date(2020, 9, 30)), (None, None)])
def test_a_leaderboard_after_a_filter_change_scores_only_the_new_actor(tables, start, end):
    plain, kept = _engine(tables), Asked(_engine(tables))
    names = plain.top_actors(Selection(start=start, end=end), 6)
    first = Selection(actors=tuple(names[:3]), start=start, end=end)
    then = replace(first, actors=tuple(names[:4]))
    pd.testing.assert_frame_equal(actor_leaderboard(kept.engine, first), actor_leaderboard(plain, first))
    pd.testing.assert_frame_equal(actor_leaderboard(kept.engine, then), actor_leaderboard(_engine(tables), then))
    assert kept.each == [names[:3], [names[3]]]
    fewer = replace(first, actors=tuple(names[:2]))
    pd.testing.assert_frame_equal(actor_leaderboard(kept.engine, fewer), actor_leaderboard(_engine(tables), fewer))
    assert len(kept.each) == 2  # every row kept already


@pytest.mark.parametrize("sel", [
    Selection(actors=("TikTok", "Oracle"), start=dt.date(2020, 8, 1), end=dt.date(2020, 9, 15)),
    Selection(start=dt.date(2020, 7, 20), end=dt.date(2020, 8, 20), bucket="hour"),
    Selection(actors=("Microsoft",), start=dt.date(2020, 6, 29), end=dt.date(2020, 9, 27), bucket="week"),
])
def test_an_analysis_after_the_overview_is_the_one_a_new_engine_gives(tables, sel):
    """The page's order: the whole range first (overview strip, episode), then the window."""
    kept = _engine(tables)
    overview(kept, replace(sel, start=None, end=None))
    a, b = analyse(kept, sel), analyse(_engine(tables), sel)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.change_points, b.change_points)
    pd.testing.assert_frame_equal(a.alerts, b.alerts)


@pytest.mark.parametrize("bucket", ["day", "week"])
@pytest.mark.parametrize("actors", ACTORS)
def test_the_whole_range_from_the_daily_sums_is_the_series_of_the_rows(tables, monkeypatch, actors, bucket):
    from dashboard.query import daily

    sel = Selection(actors=actors, bucket=bucket, targets=("TikTok",) if len(actors) == 2 else ())
    summed = _engine(tables)
    first = summed.series(sel)  # a first whole-range query: over the rows, the sums not made
    assert summed._daily == ("asked" if len(first) else "unasked")
    got = summed.series(sel)
    pd.testing.assert_frame_equal(got, first, rtol=1e-12)
    assert summed._daily == ("made" if len(got) else "unasked")  # no span: nothing summed, nor asked
    monkeypatch.setattr(daily, "MAX_DAILY_ROWS", 0)  # too big: the rows are read
    rows = _engine(tables)
    rows.series(sel)
    pd.testing.assert_frame_equal(got, rows.series(sel), rtol=1e-12)
    assert rows._daily == ("refused" if len(got) else "unasked")
    pd.testing.assert_series_equal(summed.volume(sel), rows.volume(sel))
    for start, end in WINDOWS:  # windows read the daily table once it is made
        window = replace(sel, start=start, end=end)
        pd.testing.assert_frame_equal(summed.series(window), rows.series(window), rtol=1e-12)
        pd.testing.assert_series_equal(summed.volume(window), rows.volume(window))


def test_claim_retraction_pairs_after_a_filter_change_measure_only_new_windows(tables):
    from dashboard.model.analysis import claim_retraction_pairs
    from dashboard.model.escalation import DEFAULT_PARAMS

    kept = _engine(tables)
    asked: list[int] = []
    measure = kept.coverages
    kept.coverages = lambda windows: asked.append(len(windows)) or measure(windows)  # type: ignore[method-assign]
    names = kept.top_actors(Selection(), 8)
    for n in (3, 5, 4):
        sel = Selection(actors=tuple(names[:n]))
        got = claim_retraction_pairs(kept, sel, DEFAULT_PARAMS)
        pd.testing.assert_frame_equal(got, claim_retraction_pairs(_engine(tables), sel, DEFAULT_PARAMS))
    assert asked and asked[0] > 0, "no pair in the demo's busiest actors: the test proves nothing"
    assert len(asked) <= 2  # the third selection's windows were all measured before


def _many_sources(seed: int):
    """Mentions and events with 150 sources (three words of bits), some of them events' only."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    n = 4000
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 70 * 86400, n), unit="s")
    sources = [f"S{i:03d}" for i in range(130)]
    mentions = pa.table({
        "date": pa.array(dates.astype("datetime64[us]"), pa.timestamp("us", tz="UTC")),
        "actor": [f"A{i}" for i in rng.integers(0, 9, n)],
        "source": [None if x < 3 else sources[x] for x in rng.integers(0, 130, n)],
        "tone": rng.uniform(-1, 1, n), "count": rng.integers(1, 5, n),
    })
    m = 300
    ev_dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 70 * 86400, m), unit="s")
    events = load_bytes(b"id,date,actor,target,source,headline\n" + "".join(
        f"e{i},{d:%Y-%m-%dT%H:%M:%SZ},A{a},A{t},E{s:03d},h{i}\n" for i, (d, a, t, s) in enumerate(zip(
            ev_dates, rng.integers(0, 9, m), rng.integers(0, 9, m), rng.integers(100, 150, m)))).encode(), "events").table
    return events, load_bytes(mentions_csv(mentions), "mentions").table


def mentions_csv(table) -> bytes:
    frame = table.to_pandas()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.to_csv(index=False).encode()


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("limit", ["bits", "no bits"])
def test_the_distinct_sources_from_the_daily_bits_are_those_of_the_rows(monkeypatch, seed, limit):
    from dashboard.query import daily

    tables = _many_sources(seed)
    if limit == "no bits":
        monkeypatch.setattr(daily, "MAX_SOURCES", 10)
    summed = Engine(*tables)
    summed.series(Selection())
    summed.series(Selection())  # the second whole-range query: the daily table made
    assert summed._daily_words == (3 if limit == "bits" else 0)
    monkeypatch.setattr(daily, "MAX_DAILY_ROWS", 0)
    rows = Engine(*tables)
    for actors in [(), ("A1",), ("A0", "A3", "A7"), ("A2", "A8", "nobody")]:
        for bucket in ("day", "week"):
            sel = Selection(actors=actors, bucket=bucket)
            got, want = summed.series(sel), rows.series(sel)
            pd.testing.assert_frame_equal(got, want, rtol=1e-12)
            window = replace(sel, start=dt.date(2024, 1, 10), end=dt.date(2024, 2, 20))  # weeks cut at both edges
            pd.testing.assert_frame_equal(summed.series(window), rows.series(window), rtol=1e-12)
            pd.testing.assert_series_equal(summed.volume(window), rows.volume(window))
            if bucket == "week" and not actors:
                assert want["sources"].max() > 64  # a bucket's sources in more than one word


def test_the_busiest_actors_from_the_daily_sums_are_those_of_the_rows(tables, monkeypatch):
    from dashboard.query import daily

    summed = _engine(tables)
    summed.series(Selection())
    summed.series(Selection(actors=("TikTok",)))
    assert summed._daily == "made"
    monkeypatch.setattr(daily, "MAX_DAILY_ROWS", 0)
    rows = _engine(tables)
    for start, end in [(None, None), *WINDOWS]:
        for bucket in ("hour", "day"):
            sel = Selection(start=start, end=end, bucket=bucket)
            assert summed.top_actors(sel, 15) == rows.top_actors(sel, 15)
            pick = replace(sel, actors=("TikTok", "Oracle", "Nobody at all"))
            assert summed.top_actors(pick) == rows.top_actors(pick)
