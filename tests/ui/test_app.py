"""The dashboard driven through AppTest: every view, checked by the values it shows."""

from __future__ import annotations

import json
import re
import sys

import pandas as pd
import pytest

from dashboard.demo import DATASETS
from dashboard.ui import present


def _chart(chart_frames, at, title: str) -> dict:
    for chart in chart_frames(at):
        spec_title = chart["spec"].get("title", {})
        text = spec_title.get("text") if isinstance(spec_title, dict) else spec_title
        if text and text.startswith(title):
            return chart
    titles = [c["spec"].get("title") for c in chart_frames(at)]
    raise AssertionError(f"no chart titled {title!r}; charts: {titles}")


def _frame_with(chart: dict, *columns: str) -> pd.DataFrame:
    """The chart's dataset that has these columns (a layered chart has several)."""
    for frame in chart["data"]:
        if set(columns) <= set(frame.columns):
            return frame
    raise AssertionError(f"no dataset with {columns}: {[list(f.columns) for f in chart['data']]}")


def _page_text(at) -> str:
    """Everything written as markdown, info or caption, with markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def _metric(at, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def _run(at):
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    return pd.read_csv(DATASETS["tiktok-2020"].mentions)


def test_app_opens_on_the_tiktok_demo_on_its_most_significant_episode(make_app, chart_frames):
    at = _run(make_app())
    assert at.selectbox(key="ds").value == "tiktok-2020"
    assert any("SIMULATED" in c.value for c in at.caption)
    # The episode: 10 days before the onset (7 July) to 7 after it settled (22 August).
    assert tuple(at.date_input(key="dates").value) == (pd.Timestamp("2020-06-27").date(), pd.Timestamp("2020-09-11").date())
    escalation = _frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")
    assert escalation["date"].min() == pd.Timestamp("2020-06-27") and escalation["date"].max() == pd.Timestamp("2020-09-11")
    assert {"simmering", "boiling", "crisis"} <= set(escalation["stage"])
    assert _metric(at, "Peak index") == "80"
    assert _metric(at, "Above slow boil") == "ended"  # 11 September is a slow boil again, and the KPI says so
    attention = _chart(chart_frames, at, "Attention")
    assert "SIMULATED" in attention["spec"]["title"]["subtitle"]
    text = _page_text(at)
    assert "most significant episode, 27 Jun – 11 Sep 2020" in text
    assert "Why it peaked on 06 Aug 2020: Crisis: attention 10." in text  # the window explained at its peak
    assert "from" not in at.query_params and "to" not in at.query_params  # the opening window needs no dates in a link


def test_app_whole_range_is_one_click_away_and_the_episode_one_more(make_app, chart_frames):
    at = _run(make_app())
    at.button(key="whole_range").click()
    _run(at)
    escalation = _frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")
    assert len(escalation) == 173  # 1 June to 20 November
    assert at.query_params["from"] in ("2020-06-01", ["2020-06-01"])  # a link to the whole range says so
    assert "slow boil" in " ".join(m.value for m in at.markdown)  # 20 November: back to a slow boil
    at.button(key="to_episode").click()
    _run(at)
    assert len(_frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")) == 77
    assert "from" not in at.query_params


def test_app_amazon_filter_changes_kpis_and_timeline_to_amazons(make_app, chart_frames, mentions):
    at = _run(make_app())
    index_all = _metric(at, "Index now")
    at.multiselect(key="actor").set_value(["Amazon"])
    _run(at)
    volume = _frame_with(_chart(chart_frames, at, "Attention"), "volume")
    days = pd.to_datetime(mentions["date"])
    inside = (mentions["actor"] == "Amazon") & (days >= "2020-06-27") & (days <= "2020-09-11")
    assert volume["volume"].sum() == mentions.loc[inside, "count"].sum()
    events = _frame_with(_chart(chart_frames, at, "Events"), "headline")
    assert len(events) == 2 and set(events["actor"]) == {"Amazon"}
    assert any("email" in h.lower() for h in events["headline"])
    peak = _metric(at, "Peak index")
    assert peak != "80" or _metric(at, "Index now") != index_all
    assert at.query_params["actor"] in ("Amazon", ["Amazon"])
    # the claim and its retraction are linked on the events panel
    link = _frame_with(_chart(chart_frames, at, "Events"), "reach_ratio")
    assert len(link) == 1 and 0 < link["reach_ratio"].iloc[0] < 10


def _advanced_open(at):
    """The Advanced expander opened, as a click on it does: its settings are made only while it is open."""
    at.session_state["advanced_open"] = True
    return at


def test_app_link_restores_the_view(make_app, chart_frames):
    at = _run(_advanced_open(make_app({"ds": "tiktok-2020", "actor": ["Amazon", "Wells Fargo"], "from": "2020-07-01",
                                       "to": "2020-07-31", "p.crisis": "80"})))
    assert at.multiselect(key="actor").value == ["Amazon", "Wells Fargo"]
    assert tuple(at.date_input(key="dates").value) == (pd.Timestamp("2020-07-01").date(), pd.Timestamp("2020-07-31").date())
    assert at.number_input(key="p_crisis").value == 80
    escalation = _frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")
    assert escalation["date"].min() == pd.Timestamp("2020-07-01")
    assert escalation["date"].max() == pd.Timestamp("2020-07-31")
    assert at.query_params["p.crisis"] in ("80", ["80"])


def test_app_link_with_unknown_values_says_what_it_ignored(make_app):
    at = _run(make_app({"actor": ["Nobody Atall"], "from": "2020-13-45", "bucket": "fortnight", "p.bogus": "1"}))
    text = " ".join(w.value for w in at.sidebar.warning)
    for word in ("Nobody Atall", "from", "fortnight", "bogus"):
        assert word in text
    assert at.multiselect(key="actor").value == []


def test_app_model_settings_change_the_stages(make_app, chart_frames):
    at = _run(_advanced_open(make_app()))
    assert "crisis" in set(_frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")["stage"])
    at.number_input(key="p_crisis").set_value(95.0)
    _run(at)
    assert "crisis" not in set(_frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")["stage"])
    assert at.query_params["p.crisis"] in ("95", ["95"])
    at.session_state["advanced_open"] = False  # closed: the settings are not drawn, and still hold
    _run(at)
    assert not [w for w in at.number_input if w.key == "p_crisis"]
    assert "crisis" not in set(_frame_with(_chart(chart_frames, at, "Escalation"), "index", "stage")["stage"])
    assert at.query_params["p.crisis"] in ("95", ["95"])


def test_app_impossible_model_settings_fall_back_and_say_so(make_app):
    at = make_app({"p.simmering": "60", "p.boiling": "40"}).run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)


def test_app_covid_dataset_is_real_and_volume_only(make_app, chart_frames):
    at = _run(make_app({"ds": "covid-2020"}))
    assert not any("SIMULATED" in w.value for w in at.warning)
    titles = [c["spec"].get("title", {}).get("text", "") for c in chart_frames(at)]
    assert any(t.startswith("Escalation") for t in titles) and any(t.startswith("Attention") for t in titles)
    assert not any(t.startswith("Tone:") for t in titles)  # no tone in this data: no empty panel


def test_app_data_quality_panel_reports_the_counts(make_app):
    at = _run(make_app())
    text = " ".join(m.value for m in at.markdown)
    assert "**45** rows read: **45** loaded, **0** rejected" in text


def test_app_computes_only_the_open_tab(make_app, chart_frames):
    at = _run(make_app())
    titles = [c["spec"].get("title", {}).get("text", "") for c in chart_frames(at)]
    assert not any(t.startswith("Share of voice") for t in titles)
    at = _tab(at, "Actors")
    titles = [c["spec"].get("title", {}).get("text", "") for c in chart_frames(at)]
    assert any(t.startswith("Share of voice") for t in titles) and not any(t.startswith("Escalation") for t in titles)
    assert at.query_params["tab"] in ("Actors", ["Actors"])


def test_app_link_opens_a_tab(make_app, chart_frames):
    at = _run(make_app({"tab": "Why"}))
    assert any(c["spec"].get("title", {}).get("text", "").startswith("Why") for c in chart_frames(at))


def test_app_shows_rejections_of_files_given_at_launch(make_app, tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    events.write_text(
        "date,actor,headline,severity\n"
        "2024-03-01,Acme,Recall announced,-4\n"
        "2024-03-02,Acme,Bad severity,lots\n"
        "2024-03-03,Beta,Partnership,5\n"
    )
    monkeypatch.setattr(sys, "argv", ["app.py", "--events", str(events)])
    at = _run(make_app())
    assert at.selectbox(key="ds").value == "files"
    rejections = next(df.value for df in at.dataframe if "reason code" in df.value.columns)
    assert rejections.iloc[0]["row"] == 2
    assert rejections.iloc[0]["column"] == "severity"
    assert rejections.iloc[0]["reason code"] == "type-error"


EVENTS_WITH_TARGETS = (
    "date,actor,target,headline,severity\n"
    + "".join(f"2024-03-{d:02d},Acme,Beta,Move {d},{-(d % 5)}\n" for d in range(1, 21))
    + "".join(f"2024-03-{d:02d},Beta,Acme,Reply {d},{d % 3}\n" for d in range(1, 21))
)


@pytest.mark.parametrize("mentions", [None, "count"])
def test_app_actors_tone_note_says_the_right_thing(make_app, tmp_path, monkeypatch, mentions):
    """An events file alone has no mentions: no "mentions carry no tone" about mentions that
    do not exist. Mentions that only carry counts: that is said."""
    events = tmp_path / "events.csv"
    events.write_text(EVENTS_WITH_TARGETS)
    argv = ["app.py", "--events", str(events)]
    if mentions:
        file = tmp_path / "mentions.csv"
        file.write_text("date,actor,count\n" + "".join(f"2024-03-{d:02d},{a},{d + 3}\n" for d in range(1, 21) for a in ("Acme", "Beta")))
        argv += ["--mentions", str(file)]
    monkeypatch.setattr(sys, "argv", argv)
    at = _run(make_app({"tab": "Actors"}))
    notes = [i.value for i in at.info]
    assert ("These mentions carry no tone, so there is no tone by actor to show." in notes) == bool(mentions), notes
    assert not any("carry no tone" in n for n in notes) or mentions, notes
    if not mentions:
        assert "No mentions in this selection, so there is no share of voice to show." in notes


@pytest.mark.parametrize("bucket, buckets", [("day", 3), ("hour", 72)])
def test_app_bucket_choice_reaches_the_chart(make_app, chart_frames, bucket, buckets):
    at = _run(make_app({"from": "2020-07-09", "to": "2020-07-11", "bucket": bucket}))
    volume = _frame_with(_chart(chart_frames, at, "Attention"), "volume")
    assert len(volume) == buckets


def _tab(at, name: str):
    at.session_state["tab"] = name
    return _run(at)


def test_app_actors_view_has_share_of_voice_tone_matrix_and_leaderboard(make_app, chart_frames):
    at = _tab(_run(make_app({"to": "2020-08-08"})), "Actors")
    sov = _frame_with(_chart(chart_frames, at, "Share of voice"), "actor", "volume")
    assert "TikTok" in set(sov["actor"]) and "others" in set(sov["actor"])
    tone = _frame_with(_chart(chart_frames, at, "Tone by actor"), "actor", "tone")
    assert tone["tone"].between(-1, 1).all()
    matrix = _frame_with(_chart(chart_frames, at, "Who acts on whom"), "actor", "target", "events")
    assert (matrix[(matrix["actor"] == "Amazon") & (matrix["target"] == "TikTok")]["events"] == 2).all()
    board = _frame_with(_chart(chart_frames, at, "Escalating fastest"), "actor", "change")
    assert board["change"].iloc[0] == board["change"].max()
    assert _metric(at, "Escalating fastest") == board["actor"].iloc[0]
    at.toggle(key="sov_normalise").set_value(True)
    _run(at)
    assert _chart(chart_frames, at, "Share of voice")["spec"]["encoding"]["y"]["stack"] == "normalize"


def test_app_events_view_searches_and_lists_the_retraction_pair(make_app):
    at = _run(make_app())
    at.button(key="whole_range").click()
    at = _tab(_run(at), "Events")
    table = next(df.value for df in at.dataframe if "headline" in df.value.columns)
    assert len(table) == 45
    at.text_input(key="event_search").set_value("amazon")
    _run(at)
    table = next(df.value for df in at.dataframe if "headline" in df.value.columns)
    assert len(table) == 2
    pairs = next(df.value for df in at.dataframe if "reach_ratio" in df.value.columns)
    assert pairs["actor"].tolist() == ["Amazon"]
    assert any("the retraction reached" in c.value for c in at.caption)


def test_app_why_view_explains_the_chosen_day(make_app, chart_frames):
    at = _tab(_run(make_app()), "Why")
    at.select_slider(key="why_day").set_value(pd.Timestamp("2020-08-06").date())
    _run(at)
    components = _frame_with(_chart(chart_frames, at, "Why"), "component", "points")
    assert set(components["component"]) == {"attention", "tone", "severity", "breadth"}
    assert "Thursday 06 August 2020" in _page_text(at)
    assert "Crisis: attention 10." in _page_text(at)


def test_app_compare_aligns_two_actors_on_boiling(make_app, chart_frames):
    at = _tab(_run(make_app()), "Compare")
    at.selectbox(key="cmp_a").set_value("Donald Trump")
    at.selectbox(key="cmp_b").set_value("TikTok")
    _run(at)
    aligned = _frame_with(_chart(chart_frames, at, "Aligned"), "series", "offset", "index")
    assert set(aligned["series"]) == {"Donald Trump", "TikTok"}
    for _, part in aligned.groupby("series"):
        assert (part["offset"] == 0).sum() == 1


def test_app_clicking_an_event_shows_its_details_and_that_days_explanation(make_app):
    at = _run(make_app())
    at.session_state["event_pick"] = {"selection": {"event": [{"id": "tt-2020-08-06-eo-13942"}]}}
    _run(at)
    text = _page_text(at)
    assert "Thu 06 Aug 2020" in text and "executive order 13942" in text.lower()
    assert "Crisis: attention 10." in text


def _moment_heading(at) -> str:
    heading = next(m.value for m in at.markdown if re.match(r"### \d+ / \d+ · ", m.value))
    return re.sub(r"\\(.)", r"\1", heading)


# The demo's meeting mode, moment by moment, on the opening episode: (heading, text on the page).
TIKTOK_MOMENTS = [
    ("29 June 2020 · India's first move", "India's IT ministry blocks 59"),
    ("30 June 2020 · TikTok's first move", "TikTok's India head"),
    ("06 July 2020 · Mike Pompeo's first move", "Pompeo tells Fox News"),
    ("07 July 2020 · The story enters simmering — Donald Trump's first move", "Trump confirms in a TV interview"),
    ("10 July 2020 · Amazon's claim and its retraction", "Retracted 10 Jul 20:00"),
    ("13 July 2020 · The story enters boiling", "Wells Fargo directs"),
    ("20 July 2020 · US Congress's first move", "House votes"),
    ("31 July 2020 · Change point in tone", "Air Force One"),
    ("01 August 2020 · The story enters boiling", "farewell videos"),
    ("03 August 2020 · The story enters crisis", "shut down on 15 September"),
    ("06 August 2020 · The peak: index 80, crisis", "executive order 13942"),
    ("14 August 2020 · Donald Trump acts (severity -8)", "divest"),
    ("15 August 2020 · The story enters crisis", "Crisis"),
    ("18 August 2020 · Change point in volume", "Crisis"),
    ("27 August 2020 · Change point in tone", "Walmart confirms"),
    ("05 September 2020 · The decline: back to a slow boil", "Slow boil"),
]


def test_app_meeting_mode_tells_every_beat_of_the_demo(make_app, chart_frames):
    at = _run(make_app({"mode": "present"}))
    assert not at.sidebar.selectbox  # no sidebar controls in meeting mode
    for step, (heading, text) in enumerate(TIKTOK_MOMENTS):
        assert _moment_heading(at) == f"### {step + 1} / {len(TIKTOK_MOMENTS)} · {heading}"
        assert text in _page_text(at)
        moment = _chart(chart_frames, at, "Escalation around")
        assert "SIMULATED" in moment["spec"]["title"]["subtitle"]
        table = _frame_with(moment, "index", "stage")
        assert len(table) <= 21  # zoomed: 10 buckets either side
        assert moment["spec"]["config"]["axis"]["labelFontSize"] >= 18
        assert any("date" in f.columns and len(f) == 1 for f in moment["data"])  # the moment's rule
        context = _frame_with(_chart(chart_frames, at, "The whole story"), "index")
        assert len(context) == 173  # the whole story as the context strip
        if step < len(TIKTOK_MOMENTS) - 1:
            at.button(key="next").click()
            _run(at)
            assert at.query_params["step"] in (str(step + 1), [str(step + 1)])
    assert at.button(key="next").disabled and at.button(key="last").disabled


def test_app_meeting_mode_buttons_read_once_and_every_key_is_bound(make_app):
    """Each step button says what it does in words; the arrow keys have their own (hidden)
    buttons, so no button is just an arrow beside the same arrow as its shortcut hint."""
    at = _run(make_app({"mode": "present", "step": "2"}))
    shortcuts = {b.key: (b.label, b.proto.shortcut) for b in at.button if b.proto.shortcut}
    assert {s for _, s in shortcuts.values()} == {"home", "pageup", "left", "right", "pagedown", "end"}
    visible = {key: label for key, (label, _) in shortcuts.items() if key not in {k for k, _, _ in present.ARROW_KEYS}}
    assert visible == {"first": "First", "prev": "← Previous", "next": "Next →", "last": "Last"}
    for key, _, where in present.ARROW_KEYS:
        before = _moment_heading(at)
        at.button(key=key).click()
        _run(at)
        assert _moment_heading(at).startswith("### 2 / " if where == "prev" else "### 4 / "), before
        at.button(key="right" if where == "prev" else "left").click()
        _run(at)


def test_app_meeting_mode_lays_labels_out_for_each_layouts_width(make_app, chart_frames):
    """One moment chart per layout (beside the text at 1280, across the screen from 1600×960),
    its labels laid out for that width: the wide one labels more, never fewer, at 18 px."""
    more = 0
    for step in (2, 5, 8):
        at = _run(make_app({"mode": "present", "step": str(step)}))
        moments = [c for c in chart_frames(at) if c["spec"]["title"]["text"].startswith("Escalation around")]
        assert len(moments) == len(present.LABEL_ROOM)
        shown = [c["spec"]["usermeta"]["labels"]["shown"] for c in moments]
        narrow, wide = shown
        assert wide >= narrow
        more += wide > narrow
        sizes = [layer["mark"].get("fontSize") for c in moments for layer in c["spec"]["layer"]
                 if isinstance(layer.get("mark"), dict) and layer["mark"]["type"] == "text"]
        assert sizes and min(sizes) >= 18, sizes
    assert more  # at 1920 the chart has room for more labels than at 1280


def test_app_meeting_mode_keys_jump_and_the_url_step_is_read(make_app):
    at = _run(make_app({"mode": "present", "step": "4"}))
    assert "Amazon's claim and its retraction" in _moment_heading(at)
    assert "Reach: 97% of the claim's coverage (5 h after each)" in _page_text(at)
    at.button(key="last").click()
    _run(at)
    assert _moment_heading(at).startswith(f"### {len(TIKTOK_MOMENTS)} / ")
    at.button(key="first").click()
    _run(at)
    assert _moment_heading(at).startswith("### 1 / ") and at.button(key="prev").disabled
    at.button(key="leave").click()
    _run(at)
    assert at.sidebar.selectbox(key="ds").value == "tiktok-2020"


@pytest.mark.parametrize("tab", ["Timeline", "Actors", "Why", "Compare"])
def test_every_chart_the_page_sends_is_valid_vega_lite(make_app, tab):
    """The page converts charts without Altair's schema check (dashboard/ui/vega.py): what
    reaches the browser must still be valid Vega-Lite, with its data."""
    import altair as alt
    import jsonschema

    at = _tab(_run(make_app()), tab) if tab != "Timeline" else _run(make_app())
    charts_sent = at.get("vega_lite_chart")
    assert charts_sent, f"no chart on the {tab} tab"
    schema = alt.vegalite.v6.schema.core.load_schema()
    for el in charts_sent:
        spec = json.loads(el.proto.spec)
        jsonschema.validate(spec, schema, cls=jsonschema.Draft7Validator)
        assert spec["description"]  # its text alternative, the chart's aria-label
        names = {d.name for d in el.proto.datasets}
        used = {v["name"] for v in _find(spec, "data") if isinstance(v, dict) and "name" in v}
        assert used and used <= names  # every dataset the spec names is sent along


def _find(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _find(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _find(v, key)


@pytest.mark.parametrize("tab,titles", [
    ("Actors", ["Share of voice", "Tone by actor", "Escalating fastest"]),
    ("Why", ["Why"]),
    ("Compare", ["Aligned"]),
    ("Timeline", ["Escalation", "Attention", "Tone"]),
])
def test_every_chart_of_simulated_mentions_says_so(make_app, chart_frames, tab, titles):
    at = _run(make_app({"tab": tab})) if tab != "Timeline" else _run(make_app())
    for title in titles:
        spec = _chart(chart_frames, at, title)["spec"]
        subtitle = spec["title"].get("subtitle", "")
        text = " ".join(subtitle) if isinstance(subtitle, list) else subtitle
        assert "SIMULATED" in text, (title, subtitle)


def test_the_reach_ratio_says_its_mentions_are_simulated(make_app):
    at = _run(make_app({"tab": "Events"}))
    caption = next(c.value for c in at.caption if "the retraction reached" in c.value)
    assert "SIMULATED" in caption and "5 hours after each" in caption


@pytest.mark.parametrize("tab", ["Timeline", "Actors", "Why"])
def test_every_chart_has_a_one_line_text_alternative(make_app, chart_frames, tab):
    at = _run(make_app({"tab": tab})) if tab != "Timeline" else _run(make_app())
    for chart in chart_frames(at):
        description = chart["spec"].get("description")
        assert isinstance(description, str) and description and "\n" not in description
    if tab == "Timeline":
        escalation = _chart(chart_frames, at, "Escalation")["spec"]["description"]
        assert escalation == ("Escalation index from 27 Jun 2020 to 11 Sep 2020: peak 80 (crisis) on 06 Aug 2020; "
                              "slow boil at 6 on 11 Sep 2020.")


def test_meeting_mode_names_an_event_once():
    from dashboard.ui.present import short_reason

    assert short_reason("Crisis: attention 2.0× expected (5 mentions against 2.5; +1.0 SD); most conflictual event: "
                        "A (action, severity -8): A acts. Really.") == "Crisis: attention 2.0× expected (5 mentions against 2.5; +1.0 SD)."
    assert short_reason("Boiling: tone -0.2; still weighed by an event of 31 Jul 2020: A → B (threat): x.") == (
        "Boiling: tone -0.2; still weighed by the event of 31 Jul 2020.")
    assert short_reason("Slow boil: no data in this bucket.") == "Slow boil: no data in this bucket."


def test_app_compare_choice_is_in_the_link_and_a_link_reopens_it(make_app, chart_frames):
    at = _tab(_run(make_app()), "Compare")
    at.selectbox(key="cmp_a").set_value("Donald Trump")
    at.selectbox(key="cmp_b").set_value("TikTok")
    _run(at)
    assert at.query_params.get("cmp") == ["actors", "Donald Trump", "TikTok"]
    again = _run(make_app({"tab": "Compare", "cmp": ["actors", "Amazon", "Microsoft"]}))
    assert again.query_params.get("cmp") == ["actors", "Amazon", "Microsoft"]  # kept from the first run
    aligned = _frame_with(_chart(chart_frames, again, "Aligned"), "series", "offset", "index")
    assert set(aligned["series"]) == {"Amazon", "Microsoft"}
    odd = _run(make_app({"tab": "Compare", "cmp": ["actors", "Amazon", "Nobody at all"]}))
    assert any("which this view does not have" in w.value for w in odd.warning)
