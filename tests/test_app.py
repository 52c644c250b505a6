"""The dashboard page driven through AppTest: filters change what the charts receive."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from dashboard.demo import DATASETS


def _timeline(chart_frames, at, title: str) -> pd.DataFrame:
    for chart in chart_frames(at):
        spec_title = chart["spec"].get("title", {})
        text = spec_title.get("text") if isinstance(spec_title, dict) else spec_title
        if text and text.startswith(title):
            return pd.concat(chart["data"]) if chart["data"] else pd.DataFrame()
    raise AssertionError(f"no chart titled {title!r}; charts: {[c['spec'].get('title') for c in chart_frames(at)]}")


def _metric(at, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}")


def test_app_opens_on_the_tiktok_demo_and_says_what_is_simulated(make_app, chart_frames):
    at = make_app().run()
    assert not at.exception
    assert at.selectbox(key="ds").value == "tiktok-2020"
    assert any("SIMULATED" in w.value for w in at.warning)
    volume = _timeline(chart_frames, at, "Attention")
    assert len(volume) > 150  # one bar per day, June to November
    assert _metric(at, "Events") == "45"


def test_app_actor_filter_changes_the_chart_data_to_that_actor(make_app, chart_frames):
    at = make_app().run()
    everyone = _timeline(chart_frames, at, "Attention")["volume"].sum()
    at.multiselect(key="actor").set_value(["Amazon"]).run()
    assert not at.exception
    amazon = _timeline(chart_frames, at, "Attention")
    events = _timeline(chart_frames, at, "Events")
    mentions = pd.read_csv(DATASETS["tiktok-2020"].mentions)
    assert amazon["volume"].sum() == mentions.loc[mentions["actor"] == "Amazon", "count"].sum()
    assert amazon["volume"].sum() < everyone
    assert set(events["actor"]) | set(events["target"].dropna()) >= {"Amazon"}
    assert all((events["actor"] == "Amazon") | (events["target"] == "Amazon"))
    assert _metric(at, "Events") == str(len(events))
    assert at.query_params["actor"] in ("Amazon", ["Amazon"])


def test_app_link_restores_the_view(make_app, chart_frames):
    at = make_app({"ds": "tiktok-2020", "actor": ["Amazon", "Wells Fargo"], "from": "2020-07-01", "to": "2020-07-31"}).run()
    assert not at.exception
    assert at.multiselect(key="actor").value == ["Amazon", "Wells Fargo"]
    assert tuple(at.date_input(key="dates").value) == (pd.Timestamp("2020-07-01").date(), pd.Timestamp("2020-07-31").date())
    volume = _timeline(chart_frames, at, "Attention")
    assert volume["date"].min() == pd.Timestamp("2020-07-01")
    assert volume["date"].max() == pd.Timestamp("2020-07-31")


def test_app_link_with_unknown_values_says_what_it_ignored(make_app):
    at = make_app({"actor": ["Nobody Atall"], "from": "2020-13-45", "bucket": "fortnight"}).run()
    assert not at.exception
    text = " ".join(w.value for w in at.sidebar.warning)
    assert "Nobody Atall" in text and "from" in text and "fortnight" in text
    assert at.multiselect(key="actor").value == []


def test_app_covid_dataset_is_volume_only_and_real(make_app, chart_frames):
    at = make_app({"ds": "covid-2020"}).run()
    assert not at.exception
    assert not any("SIMULATED" in w.value for w in at.warning)
    titles = [c["spec"].get("title", {}).get("text", "") for c in chart_frames(at)]
    assert any(t.startswith("Attention") for t in titles)
    assert not any(t.startswith("Tone") for t in titles)  # no tone in this data: no empty panel


def test_app_data_quality_panel_reports_the_counts(make_app):
    at = make_app().run()
    text = " ".join(m.value for m in at.markdown)
    assert "45** rows read: **45** loaded, **0** rejected" in text


def test_app_shows_rejections_of_files_given_at_launch(make_app, tmp_path, monkeypatch, chart_frames):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,actor,headline,severity\n"
        "2024-03-01,Acme,Recall announced,-4\n"
        "2024-03-02,Acme,Bad severity,lots\n"
        "2024-03-03,Beta,Partnership,5\n"
    )
    monkeypatch.setattr(sys, "argv", ["app.py", "--events", str(events)])
    at = make_app().run()
    assert not at.exception
    assert at.selectbox(key="ds").value == "files"
    frames = [df for df in at.dataframe]
    rejections = frames[0].value
    assert rejections.iloc[0]["row"] == 2
    assert rejections.iloc[0]["column"] == "severity"
    assert rejections.iloc[0]["reason code"] == "type-error"
    assert _metric(at, "Events") == "2"


@pytest.mark.parametrize("bucket", ["day", "hour"])
def test_app_bucket_choice_reaches_the_chart(make_app, chart_frames, bucket):
    at = make_app({"from": "2020-07-09", "to": "2020-07-11", "bucket": bucket}).run()
    assert not at.exception
    volume = _timeline(chart_frames, at, "Attention")
    assert len(volume) == (3 if bucket == "day" else 72)
