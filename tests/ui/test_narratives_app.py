"""The Narratives filter in the sidebar (AppTest): defined in the editor, chosen, the charts'
data narrowed to its mentions, carried in the link; disabled without text. Texts simulated."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

WORDS = ["Huawei ban widens", "Apple tax appeal", "Vaccine trial results", "Shares slide", "Oil prices rise"]


@pytest.fixture
def text_mentions(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    rows = ["date,actor,text,source"]
    for d in range(1, 29):
        for k, words in enumerate(WORDS):
            if (d + k) % 3:  # not every story every day
                rows.append(f"2020-06-{d:02d},Acme,{words} day {d},src{k}")
    path = tmp_path / "mentions.csv"
    path.write_text("\n".join(rows) + "\n")
    huawei = sum(1 for r in rows[1:] if "Huawei" in r)
    monkeypatch.setattr(sys, "argv", ["app.py", "--mentions", str(path)])
    return path, len(rows) - 1, huawei


def _attention_total(chart_frames, at) -> int:
    """The mentions the attention chart was drawn from (the largest `volume` sum of any chart)."""
    sums = [int(f["volume"].sum()) for c in chart_frames(at) for f in c["data"] if "volume" in f.columns]
    assert sums, "no chart carries a volume"
    return max(sums)


def test_narrative_defined_and_chosen_narrows_the_charts(make_app, text_mentions, chart_frames):
    _, total, huawei = text_mentions
    at = make_app().run()
    assert not at.exception
    at.sidebar.date_input(key="dates").set_value((dt.date(2020, 6, 1), dt.date(2020, 6, 28))).run()
    assert _attention_total(chart_frames, at) == total
    at.text_input(key="nar_new_name").set_value("Huawei")
    at.text_area(key="nar_new_keywords").set_value("huawei, 5G").run()
    at.button(key="nar_define").click().run()
    assert not at.exception
    assert "Huawei" in at.multiselect(key="narrative").options
    at.multiselect(key="narrative").set_value(["Huawei"]).run()
    assert not at.exception
    assert _attention_total(chart_frames, at) == huawei < total
    assert at.query_params["nar"] in ("Huawei", ["Huawei"])
    assert any(c.value.startswith("Within the narratives Huawei") for c in at.caption)  # the said panel says whose words


def test_narrative_rename_keeps_the_choice(make_app, text_mentions):
    at = make_app().run()
    at.text_input(key="nar_new_name").set_value("Tax")
    at.text_area(key="nar_new_keywords").set_value("tax").run()
    at.button(key="nar_define").click().run()
    at.multiselect(key="narrative").set_value(["Tax"]).run()
    at.selectbox(key="nar_rename_pick").set_value("Tax")
    at.text_input(key="nar_rename_to").set_value("Apple tax").run()
    at.button(key="nar_rename").click().run()
    assert not at.exception
    assert at.multiselect(key="narrative").value == ["Apple tax"]
    assert any("Renamed" in s.value for s in at.success)


def test_link_with_an_unknown_narrative_says_so(make_app, text_mentions):
    at = make_app({"nar": "No such story"}).run()
    assert not at.exception
    assert any("no narrative called" in w.value for w in at.warning)


def test_narratives_disabled_without_text(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "argv", ["app.py"])
    at = make_app().run()
    assert not at.exception
    box = at.multiselect(key="narrative_none")
    assert box.disabled and "no text" in box.help


def test_define_with_a_kept_name_replaces_its_keywords(make_app, text_mentions):
    from dashboard.store import open_store
    from dashboard.store.narratives import list_narratives

    at = make_app().run()
    for words in ("tax", "tax, apple"):
        at.text_input(key="nar_new_name").set_value("Tax")
        at.text_area(key="nar_new_keywords").set_value(words).run()
        at.button(key="nar_define").click().run()
        assert not at.exception
    assert any("Redefined" in s.value for s in at.success)
    store = open_store()
    (key,) = {row[0] for row in store.connect().execute("SELECT dataset FROM narratives")}  # the one file's digest
    assert [n.keywords for n in list_narratives(store, key) if n.name == "Tax"] == [("tax", "apple")]


def test_meeting_mode_carries_the_linked_narrative(make_app, text_mentions, chart_frames, tmp_path):
    from dashboard.contract import NarrativeFilter
    from dashboard.loading.on_disk import file_digest
    from dashboard.store import open_store
    from dashboard.store.narratives import save_narrative

    path, _, huawei = text_mentions
    save_narrative(open_store(), file_digest(path), NarrativeFilter("Huawei", ("huawei",)))
    at = make_app({"mode": "present", "nar": "Huawei"}).run()
    assert not at.exception
    quoted = [m.value for m in at.markdown if m.value.startswith("“")]
    assert quoted and all("Huawei" in q for q in quoted)  # what was said: the narrative's mentions only
    assert at.query_params["nar"] in ("Huawei", ["Huawei"])


def test_a_chosen_narrative_reads_the_kept_narratives_once_per_run(make_app, text_mentions, monkeypatch):
    """The opening episode and the sidebar's filter share one read of the store."""
    import dashboard.ui.narratives as ui_narratives

    at = make_app().run()
    at.text_input(key="nar_new_name").set_value("Huawei")
    at.text_area(key="nar_new_keywords").set_value("huawei").run()
    at.button(key="nar_define").click().run()
    at.multiselect(key="narrative").set_value(["Huawei"]).run()
    reads = []
    real = ui_narratives.list_narratives
    monkeypatch.setattr(ui_narratives, "list_narratives", lambda *a, **k: reads.append(a[1:]) or real(*a, **k))
    at.run()
    assert not at.exception
    assert at.multiselect(key="narrative").value == ["Huawei"]
    assert len(reads) == 1, reads
