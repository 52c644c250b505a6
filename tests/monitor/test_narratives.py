"""Monitors on narratives (`narratives:`): checked when the file is read, resolved when the data
are, honoured by `watch` and `backtest`, named in the alert's explanation and link.

The headlines are generated (simulated, no real quote): a steady background the narratives are
not in, and two narratives of about 20 mentions a day each; in the last days one of them surges
eightfold while the other stays steady.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from dashboard.cli import main
from dashboard.contract import NarrativeFilter
from dashboard.loading.on_disk import file_digest
from dashboard.monitor.spec import MonitorError, monitor_narratives, parse_monitor
from dashboard.monitor.watch import CycleResult, Watcher, engine_table
from dashboard.store.monitors import list_alerts
from dashboard.store.narratives import save_narrative
from dashboard.text.narratives import MAX_NARRATIVES
from tests.monitor.conftest import DEMO

HEADLINES = {"hw": "Huawei 5G network plans published", "tax": "EU tax ruling on Apple published"}
DEFINITIONS = {"hw": "hw=huawei,5g", "tax": "tax=tax"}
DAYS, SURGE_DAYS = 150, 6


def headlines(path: Path, surge: str | None, seed: int = 0) -> Path:
    """A generated mentions file with text (see the module's docstring); `surge`: which narrative surges."""
    rng = np.random.default_rng(seed)
    rows = ["date,actor,source,text,count"]
    start = dt.date(2020, 3, 1)
    for i in range(DAYS):
        day = start + dt.timedelta(days=i)
        rows.append(f'{day},Acme,wire,"Markets close the week",{int(rng.poisson(1000))}')
        for name, text in HEADLINES.items():
            n = int(rng.poisson(20)) * (8 if name == surge and i >= DAYS - SURGE_DAYS else 1)
            rows.append(f'{day},Acme,wire,"{text}",{n}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")
    return path


def monitor_file(folder: Path, name: str, narratives: list[str], mentions: str = "inbox/*.csv", extra: str = "") -> Path:
    listed = ", ".join(json.dumps(n) for n in narratives)
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nmentions: {mentions}\nnarratives: [{listed}]\nmin_stage: boiling\nsettle_seconds: 0\n{extra}")
    return path


# --- parsing -------------------------------------------------------------------------------


def test_parse_narratives_as_the_cli_takes_them(tmp_path):
    spec = parse_monitor('name: m\nmentions: a.csv\nmin_stage: boiling\nnarratives: [Huawei, "tax = Tax , tax ruling"]\n', tmp_path)
    assert spec.narratives == ("Huawei", "tax = Tax , tax ruling")
    assert spec.narrative_names == ("Huawei", "tax")
    one = parse_monitor("name: m\nmentions: a.csv\nmin_stage: boiling\nnarratives: Apple  tax\n", tmp_path)
    assert one.narratives == ("Apple tax",)  # one name, its white space collapsed as the dashboard keeps it
    none = parse_monitor("name: m\nmentions: a.csv\nmin_stage: boiling\n", tmp_path)
    assert none.narratives == () and none.selection().narratives == ()
    assert "narratives" in json.loads(spec.to_json())


@pytest.mark.parametrize("value, message", [
    ('["hw="]', "needs at least one keyword"),
    ('["=huawei"]', "needs a name"),
    ("[[huawei]]", "each entry must be a name"),
    ("{hw: huawei}", "each entry must be a name"),
    ('[hw, "hw=huawei"]', "'hw' is named twice"),
    ('["x\\u0007y"]', "control characters"),
    (json.dumps([f"n{i}" for i in range(MAX_NARRATIVES + 1)]), f"at most {MAX_NARRATIVES}"),
])
def test_parse_refuses_a_bad_narrative_naming_the_key(tmp_path, value, message):
    with pytest.raises(MonitorError, match="^narratives: ") as caught:
        parse_monitor(f"name: m\nmentions: a.csv\nmin_stage: boiling\nnarratives: {value}\n", tmp_path)
    assert message in str(caught.value)


def test_cached_mentions_keep_their_text_and_a_monitor_without_narratives_drops_it(tmp_path, home, store):
    from dashboard.loading import load_path

    path = headlines(tmp_path / "inbox" / "m.csv", None)
    table = engine_table(load_path(path, "mentions").table, "mentions")
    assert set(table.column("text").to_pylist()) == {"Markets close the week", *HEADLINES.values()}
    plain = parse_monitor("name: plain\nmentions: inbox/*.csv\nmin_stage: boiling\nsettle_seconds: 0\n", tmp_path)
    with_words = parse_monitor('name: words\nmentions: inbox/*.csv\nmin_stage: boiling\nsettle_seconds: 0\nnarratives: ["hw=huawei"]\n',
                               tmp_path)
    for spec, has_text in ((plain, False), (with_words, True)):
        watcher = Watcher(spec, store, home, lambda m: None)
        tables, _ = watcher.scan(CycleResult(spec.name))
        assert watcher.combined(tables).has_text is has_text


# --- watch --once ----------------------------------------------------------------------------


@pytest.mark.parametrize("surge", ["hw", "tax"])
def test_watch_once_alerts_for_the_narrative_that_surges_only(tmp_path, home, capsys, surge):
    headlines(tmp_path / "inbox" / "m.csv", surge)
    quiet = next(n for n in HEADLINES if n != surge)
    assert main(["watch", str(monitor_file(tmp_path, f"on-{surge}", [DEFINITIONS[surge]])), "--once"]) == 3
    assert main(["watch", str(monitor_file(tmp_path, f"on-{quiet}", [DEFINITIONS[quiet]])), "--once"]) == 0
    # and the whole file, every narrative together: the surge is lost in the background
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\nmentions: inbox/*.csv\nmin_stage: boiling\nsettle_seconds: 0\n")
    assert main(["watch", str(plain), "--once"]) == 0
    capsys.readouterr()
    from dashboard.store.db import open_store

    alerts = list_alerts(open_store(home))
    assert [a.monitor for a in alerts] == [f"on-{surge}"]
    alert = alerts[0]
    keywords = DEFINITIONS[surge].split("=")[1].replace(",", ", ")
    assert alert.explanation.startswith(f"In the narrative '{surge}' ({keywords}): Boiling")
    assert f"nar={surge}" in alert.link
    assert alert.window_start >= dt.datetime(2020, 3, 1) + dt.timedelta(days=DAYS - SURGE_DAYS)
    # the same episode again: no second alert
    assert main(["watch", str(tmp_path / f"on-{surge}.yaml"), "--once"]) == 0


def test_a_narrative_kept_for_the_mentions_file_is_found_by_name(tmp_path, home, store, capsys):
    path = headlines(tmp_path / "inbox" / "m.csv", "hw")
    save_narrative(store, file_digest(path), NarrativeFilter("Huawei", ("huawei", "5g")))
    assert main(["watch", str(monitor_file(tmp_path, "named", ["Huawei"])), "--once"]) == 3
    (alert,) = list_alerts(store)
    assert alert.explanation.startswith("In the narrative 'Huawei' (huawei, 5g):") and "nar=Huawei" in alert.link


def test_an_unknown_narrative_fails_the_cycle_naming_those_kept(tmp_path, home, store, capsys):
    path = headlines(tmp_path / "inbox" / "m.csv", "hw")
    save_narrative(store, file_digest(path), NarrativeFilter("Huawei", ("huawei",)))
    assert main(["watch", str(monitor_file(tmp_path, "typo", ["Huawai"])), "--once"]) == 2
    err = capsys.readouterr().err
    assert "cycle failed: narratives: unknown narrative 'Huawai'" in err and "'Huawei'" in err
    assert list_alerts(store) == []


def test_a_narrative_on_mentions_without_text_is_refused(tmp_path, home, capsys):
    spec_path = monitor_file(tmp_path, "demo", ["hw=huawei"], mentions=str(DEMO / "mentions.csv"))
    assert main(["watch", str(spec_path), "--once"]) == 2
    assert "cycle failed: narratives: narratives filter mentions by their text, and these mentions have none" in capsys.readouterr().err
    assert main(["backtest", str(spec_path)]) == 2
    assert "error: narratives: narratives filter mentions by their text" in capsys.readouterr().err


def test_monitor_narratives_resolves_definitions_without_a_store(tmp_path, home):
    from dashboard.loading import load_path
    from dashboard.query import open_engine

    engine = open_engine("duckdb", mentions=engine_table(load_path(headlines(tmp_path / "m.csv", None), "mentions").table, "mentions"))
    spec = parse_monitor('name: m\nmentions: m.csv\nmin_stage: boiling\nnarratives: ["hw=Huawei, 5G", "tax=tax"]\n', tmp_path)
    assert monitor_narratives(spec, engine) == (NarrativeFilter("hw", ("huawei", "5g")), NarrativeFilter("tax", ("tax",)))
    with pytest.raises(MonitorError, match="no narrative is kept for these data"):
        monitor_narratives(parse_monitor("name: m\nmentions: m.csv\nmin_stage: boiling\nnarratives: [hw]\n", tmp_path), engine)


# --- backtest ------------------------------------------------------------------------------


@pytest.mark.parametrize("surge", ["hw", "tax"])
def test_backtest_replays_the_narrative_only(tmp_path, home, capsys, surge):
    headlines(tmp_path / "inbox" / "m.csv", surge)
    quiet = next(n for n in HEADLINES if n != surge)
    counts = {}
    for name in (surge, quiet):
        assert main(["backtest", str(monitor_file(tmp_path, f"bt-{name}", [DEFINITIONS[name]])), "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert [n["name"] for n in report["narratives"]] == [name]
        counts[name] = len(report["alerts"])
    assert counts[surge] >= 1 and counts[quiet] == 0
    assert main(["backtest", str(tmp_path / f"bt-{surge}.yaml")]) == 0
    assert f"within the narrative '{surge}'" in capsys.readouterr().out


# --- the Alerts page's editor ----------------------------------------------------------------


def test_editor_checks_names_and_backtests_a_monitor_on_a_narrative(make_app, tmp_path, home, store):
    import re

    def plain(text: str) -> str:
        return re.sub(r"\\(.)", r"\1", text)

    inbox = headlines(tmp_path / "inbox" / "m.csv", "hw").parent
    at = make_app({"page": "alerts"})
    at.run()
    at.text_area(key="monitor_yaml").set_value(f'name: ed\nmentions: {inbox}/*.csv\nmin_stage: boiling\nnarratives: ["hw="]\n')
    at.run()
    assert any("narratives: 'hw=': a narrative needs at least one keyword" in plain(e.value) for e in at.error)
    assert at.button(key="monitor_save").disabled
    at.text_area(key="monitor_yaml").set_value(f'name: ed\nmentions: {inbox}/*.csv\nmin_stage: boiling\nnarratives: ["hw=huawei,5g"]\n')
    at.run()
    assert not at.exception and not at.error
    assert any("ed: alerts on stage:boiling within the narrative 'hw'" in plain(s.value) for s in at.success)
    at.button(key="monitor_backtest").click()
    at.run()
    assert not at.exception and not at.error
    assert any("within 'hw' (huawei, 5g)" in plain(c.value) for c in at.caption)
    assert int(next(m for m in at.metric if m.label == "Alerts").value) >= 1
