"""Compare two narratives (AppTest): offered when the dataset has text and two or more kept
narratives, each aligned on the day it entered boiling as two actors are, kept in the link;
refused in words without text. The headlines are simulated."""

from __future__ import annotations

import datetime as dt
import re
import sys

import numpy as np
import pytest

from dashboard.contract import NarrativeFilter
from dashboard.loading.on_disk import file_digest
from dashboard.store import open_store
from dashboard.store.narratives import save_narrative

START, DAYS, SURGE = dt.date(2020, 3, 1), 120, 100  # Huawei surges from day SURGE on; the tax story never does
HUAWEI, TAX = NarrativeFilter("Huawei", ("huawei", "5g")), NarrativeFilter("Apple tax", ("apple", "tax"))


@pytest.fixture
def text_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    rng = np.random.default_rng(1)
    rows = ["date,actor,source,text,count"]
    for i in range(DAYS):
        day = START + dt.timedelta(days=i)
        rows.append(f'{day},Acme,wire,"Markets close the week",{int(rng.poisson(1000))}')
        rows.append(f'{day},Acme,wire,"Huawei 5G network plans published",{int(rng.poisson(20)) * (8 if i >= SURGE else 1)}')
        rows.append(f'{day},Acme,wire,"EU tax ruling on Apple published",{int(rng.poisson(20))}')
    path = tmp_path / "headlines.csv"
    path.write_text("\n".join(rows) + "\n")
    store = open_store(tmp_path / "home")
    for n in (HUAWEI, TAX):
        save_narrative(store, file_digest(path), n)
    monkeypatch.setattr(sys, "argv", ["app.py", "--mentions", str(path)])
    return path


def _run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def _aligned(chart_frames, at):
    for chart in chart_frames(at):
        title = chart["spec"].get("title", {})
        if str(title.get("text") if isinstance(title, dict) else title).startswith("Aligned"):
            return next(f for f in chart["data"] if {"series", "offset", "index"} <= set(f.columns))
    raise AssertionError("no aligned chart")


def _captions(at) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(c.value for c in at.caption))


def _compare(at):
    at.session_state["tab"] = "Compare"
    return _run(at)


def test_two_narratives_aligned_on_boiling_and_in_the_link(make_app, text_file, chart_frames):
    at = _compare(_run(make_app({"from": "2020-03-01", "to": "2020-06-28"})))
    assert at.radio(key="cmp_mode").options == ["two actors", "two datasets", "two narratives"]
    at.radio(key="cmp_mode").set_value("two narratives")
    _run(at)
    assert at.selectbox(key="cmp_nar_a").value == "Huawei" and at.selectbox(key="cmp_nar_b").value == "Apple tax"
    aligned = _aligned(chart_frames, at)
    assert set(aligned["series"]) == {"Huawei", "Apple tax"}
    for _, part in aligned.groupby("series"):
        assert (part["offset"] == 0).sum() == 1
    huawei = aligned[aligned["series"] == "Huawei"]
    zero = huawei.loc[huawei["offset"] == 0, "date"].iloc[0]
    assert START + dt.timedelta(days=SURGE) <= zero.date() <= START + dt.timedelta(days=SURGE + 2)
    text = _captions(at)
    assert f"Huawei: day 0 is {zero:%d %b %Y}, when it entered" in text
    assert "Apple tax: never reached boiling" in text
    assert "its keywords: Huawei: huawei, 5g; Apple tax: apple, tax" in text
    # the choice goes into the link (as two actors', from the run after the menus are drawn)
    at.selectbox(key="cmp_nar_a").set_value("Apple tax")
    at.selectbox(key="cmp_nar_b").set_value("Huawei")
    _run(at)
    assert at.query_params.get("cmp") == ["narratives", "Apple tax", "Huawei"]
    assert set(_aligned(chart_frames, at)["series"]) == {"Huawei", "Apple tax"}


def test_a_link_reopens_two_narratives(make_app, text_file, chart_frames):
    at = _run(make_app({"tab": "Compare", "cmp": ["narratives", "Apple tax", "Huawei"]}))
    assert at.radio(key="cmp_mode").value == "two narratives"
    assert (at.selectbox(key="cmp_nar_a").value, at.selectbox(key="cmp_nar_b").value) == ("Apple tax", "Huawei")
    assert set(_aligned(chart_frames, at)["series"]) == {"Apple tax", "Huawei"}
    odd = _run(make_app({"tab": "Compare", "cmp": ["narratives", "Huawei", "No such story"]}))
    assert any("which this view does not have" in w.value for w in odd.warning)


def test_two_narratives_are_not_offered_without_text(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "argv", ["app.py"])  # the demo: simulated mentions, no text
    at = _run(make_app({"tab": "Compare", "cmp": ["narratives", "Huawei", "Apple tax"]}))
    assert at.radio(key="cmp_mode").options == ["two actors", "two datasets"]
    assert at.radio(key="cmp_mode").value == "two actors"
    assert any("no text to find narratives in" in w.value for w in at.warning)


@pytest.mark.external
def test_two_real_narratives_are_the_narratives_own_series(make_app, external, tmp_path, monkeypatch, chart_frames):
    """On the Guardian's real headlines (read in place, never copied): the narratives found and
    kept on opening are offered, and each line of the comparison is that narrative's own
    escalation index — the model run directly on the file with that narrative as the filter."""
    import pandas as pd

    from dashboard.contract import Selection
    from dashboard.loading import load_path
    from dashboard.model.analysis import analyse
    from dashboard.model.escalation import DEFAULT_PARAMS
    from dashboard.query.duckdb_engine import Engine
    from dashboard.store.narratives import list_narratives

    path = external / "financial-headlines-jul2020" / "guardian_headlines.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    actors = tmp_path / "actors.csv"
    actors.write_text("canonical,alias\nNews,the\nNews,a\nNews,to\nNews,of\nNews,in\nNews,on\nNews,for\n")
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "argv", ["app.py", "--mentions", str(path), "--map", "mentions:date=Time,text=Headlines",
                                      "--actors", str(actors)])
    at = _compare(_run(make_app()))
    kept = list_narratives(open_store(tmp_path / "home", create=False), file_digest(path))
    assert len(kept) >= 2  # found over the whole range and kept when the file was opened
    at.radio(key="cmp_mode").set_value("two narratives")
    _run(at)
    first, second = at.selectbox(key="cmp_nar_a").value, at.selectbox(key="cmp_nar_b").value
    assert [first, second] == [n.name for n in kept[:2]]
    aligned = _aligned(chart_frames, at)
    assert set(aligned["series"]) == {first, second}
    start, end = at.sidebar.date_input(key="dates").value
    engine = Engine(mentions=load_path(path, "mentions", mapping={"date": "Time", "text": "Headlines"}, actors=actors).table)
    try:
        for n in kept[:2]:
            direct = analyse(engine, Selection(start=start, end=end, narratives=(n,)), DEFAULT_PARAMS).table
            mine = aligned[aligned["series"] == n.name].set_index(pd.to_datetime(aligned.loc[aligned["series"] == n.name, "date"]))
            want = direct.set_index("date")["index"].reindex(mine.index)
            assert len(mine) and (mine["index"].round(6).fillna(-1) == want.round(6).fillna(-1)).all(), n.name
    finally:
        engine.close()
