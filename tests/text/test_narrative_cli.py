"""`--narrative` on the commands that take `--actor`: ad hoc, from the store, refused clearly."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main
from dashboard.contract import NarrativeFilter
from dashboard.loading.on_disk import file_digest
from dashboard.store import open_store
from dashboard.store.narratives import save_narrative

ROWS = [  # (date, text) — simulated headlines
    ("2020-07-01", "Huawei banned in the UK"), ("2020-07-01", "Apple tax ruling"), ("2020-07-02", "HUAWEI 5G plans"),
    ("2020-07-02", "Vaccine trial"), ("2020-07-03", "100% of taxi drivers"), ("2020-07-03", "Huawei's reply"),
    ("2020-07-03", "Apple's tax bill"),
]


@pytest.fixture
def text_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_HOME", str(tmp_path / "home"))
    path = tmp_path / "m.csv"
    path.write_text("date,actor,text,source\n" + "".join(f"{d},Acme,\"{t}\",wire\n" for d, t in ROWS))
    return path


def _volumes(out: str) -> dict[str, int]:
    return {r["date"][:10]: int(r["volume"]) for r in csv.DictReader(io.StringIO(out))}


def test_score_with_an_ad_hoc_narrative(text_file, capsys):
    assert main(["score", "--mentions", str(text_file), "--narrative", "hw=huawei", "--format", "csv"]) == 0
    assert _volumes(capsys.readouterr().out) == {"2020-07-01": 1, "2020-07-02": 1, "2020-07-03": 1}
    # two narratives: either; "tax" is not "taxi"
    assert main(["score", "--mentions", str(text_file), "--narrative", "hw=huawei", "--narrative", "t=tax",
                 "--format", "csv"]) == 0
    assert _volumes(capsys.readouterr().out) == {"2020-07-01": 2, "2020-07-02": 1, "2020-07-03": 2}


def test_score_with_a_narrative_kept_for_the_file(text_file, capsys, tmp_path):
    store = open_store(tmp_path / "home")
    save_narrative(store, file_digest(text_file), NarrativeFilter("Apple tax", ("apple", "tax")))
    assert main(["score", "--mentions", str(text_file), "--narrative", "Apple tax", "--format", "csv"]) == 0
    assert _volumes(capsys.readouterr().out) == {"2020-07-01": 1, "2020-07-02": 0, "2020-07-03": 1}


def test_unknown_narrative_is_exit_2_naming_those_kept(text_file, capsys, tmp_path):
    store = open_store(tmp_path / "home")
    save_narrative(store, file_digest(text_file), NarrativeFilter("Apple tax", ("apple",)))
    assert main(["score", "--mentions", str(text_file), "--narrative", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown narrative 'nope'" in err and "'Apple tax'" in err


def test_a_narrative_on_data_without_text_is_exit_2(capsys):
    assert main(["score", "--narrative", "hw=huawei"]) == 2  # the demo: simulated mentions, no text
    assert "have none" in capsys.readouterr().err


@pytest.mark.parametrize("spec", ["hw", "hw=", "=huawei"])
def test_malformed_ad_hoc_narrative_is_exit_2(text_file, capsys, spec):
    assert main(["score", "--mentions", str(text_file), "--narrative", spec]) == 2
    assert "error:" in capsys.readouterr().err


def test_said_with_a_narrative_shows_only_its_mentions(text_file, capsys):
    assert main(["said", "--mentions", str(text_file), "--from", "2020-07-01", "--to", "2020-07-03",
                 "--narrative", "hw=huawei", "--format", "json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["mentions"] and all("huawei" in m["text"].lower() for m in said["mentions"])


def test_alert_and_report_take_a_narrative(text_file, tmp_path, capsys):
    assert main(["alert", "--mentions", str(text_file), "--narrative", "hw=huawei"]) in (0, 3)
    out = tmp_path / "r.html"
    assert main(["report", "--mentions", str(text_file), "--narrative", "hw=huawei", "--out", str(out)]) == 0
    assert out.exists()
