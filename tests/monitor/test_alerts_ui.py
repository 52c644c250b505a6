"""The Alerts & monitors page through AppTest: the inbox shows each alert with its
explanation (escaped) and a link; acknowledge and snooze reach the store; the editor checks a
monitor as it is typed and saves it."""

from __future__ import annotations

import datetime as dt
import re

from dashboard.store.monitors import add_alert, list_alerts, monitor_source, utc_now

HOSTILE = "Boiling: <img src=x onerror=alert(1)> **not bold** [x](javascript:1)"


def _alert(store, key="stage:boiling@2020-07-07T00:00"):
    return add_alert(store, "tiktok-watch", key, "stage:boiling", "boiling", HOSTILE, dt.datetime(2020, 7, 7),
                     dt.datetime(2020, 7, 9), "http://localhost:8501/?actor=TikTok&tab=Why", [("log", "/dev/null")])


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def test_inbox_lists_acknowledges_and_snoozes(make_app, store):
    first, second = _alert(store), _alert(store, "spike@2020-08-03T00:00")
    at = _run(make_app({"page": "alerts"}))
    shown = [m.value for m in at.markdown]
    assert any("tiktok-watch" in _plain(v) and "boiling" in v for v in shown)
    explanation = next(v for v in shown if "onerror" in v)
    assert _plain(explanation) == HOSTILE and "\\<img" in explanation, "the explanation is escaped text, never HTML"
    at.button(key=f"ack_{first.id}").click()
    _run(at)
    at.selectbox(key=f"snooze_for_{second.id}").set_value("1 week")
    at.button(key=f"snooze_{second.id}").click()
    _run(at)
    kept = {a.id: a for a in list_alerts(store)}
    assert kept[first.id].status() == "acknowledged"
    assert kept[second.id].status() == "snoozed" and kept[second.id].snoozed_until > utc_now() + dt.timedelta(days=6)
    assert f"ack_{first.id}" not in [b.key for b in at.button]


def test_editor_checks_and_saves_a_monitor(make_app, store):
    at = _run(make_app({"page": "alerts"}))
    at.text_area(key="monitor_yaml").set_value("name: m\nmentions: x.csv\nmin_stage: scalding\n")
    _run(at)
    assert any("min_stage: 'scalding' is not one of" in _plain(e.value) for e in at.error)
    assert at.button(key="monitor_save").disabled
    good = "name: my-watch\nmentions: inbox/*.csv\nactors: [NO]\nmin_stage: boiling\nrate_limit: 5/hour\n"
    at.text_area(key="monitor_yaml").set_value(good)
    _run(at)
    assert not at.error and any("my-watch: alerts on stage:boiling" in _plain(s.value) for s in at.success)
    at.button(key="monitor_save").click()
    _run(at)
    assert monitor_source(store, "my-watch") == good
    assert at.selectbox(key="monitor_pick").value == "my-watch"
