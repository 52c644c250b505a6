"""`boilingpoint tone fit` and `--tone-model`, as a user runs them."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.cli import EXIT_OK, EXIT_UNUSABLE, main
from dashboard.loading import load_bytes
from dashboard.tone import load

NEGATIVE = ["delayed", "stranded", "cancelled", "tarmac", "diverted", "overbooked"]
POSITIVE = ["upgraded", "legroom", "lounge", "rebate", "priority boarding", "early arrival"]
FILLER = ["my flight", "today", "from boston", "to denver", "this morning", "the crew"]


def write_labels(path, n: int = 30, labels=("negative", "positive"), seed: int = 3):
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Tweet", "Human"])
        for i in range(n):
            label = labels[i % len(labels)]
            words = NEGATIVE if label in ("negative", "-1") else POSITIVE
            w.writerow([f"{rng.choice(words)} {rng.choice(FILLER)} {rng.choice(FILLER)}", label])
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tone")
    labels = write_labels(folder / "labels.csv", 40)
    out = folder / "tone.json"
    assert main(["tone", "fit", str(labels), "--text", "Tweet", "--label", "Human", "--out", str(out)]) == EXIT_OK
    return out


def test_cli_tone_fit_prints_both_macro_f1s_and_writes_json(tmp_path):
    labels = write_labels(tmp_path / "labels.csv", 40, labels=("-1", "1"))
    out = tmp_path / "model.json"
    run = subprocess.run([sys.executable, "-m", "dashboard.cli", "tone", "fit", str(labels), "--text", "Tweet",
                          "--label", "Human", "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "40 labelled texts (20 negative, 20 positive)" in run.stdout
    assert "macro-F1, 5-fold cross-validated: model " in run.stdout and ", VADER " in run.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "boilingpoint-tone-model" and data["classes"] == ["negative", "positive"]
    assert data["cross_validation"]["model_macro_f1"] > data["cross_validation"]["vader_macro_f1"]


@pytest.mark.parametrize(
    "n, labels, args, message",
    [
        (40, ("negative", "positive"), ["--text", "tweet"], "no column 'tweet'"),
        (40, ("negative", "positive"), ["--label", "sentiment"], "no column 'sentiment'"),
        (40, ("negative",), [], "at least two classes"),
        (19, ("negative", "positive"), [], "19 labelled rows: at least 20"),
        (40, ("negative", "furious"), [], "row 2: 'furious' is not a tone label"),
    ],
    ids=["text-column", "label-column", "one-class", "too-few", "unknown-label"],
)
def test_cli_tone_fit_bad_input_exits_2_with_a_message(tmp_path, capsys, n, labels, args, message):
    f = write_labels(tmp_path / "labels.csv", n, labels=labels)
    flags = {"--text": "Tweet", "--label": "Human"}
    flags.update(dict(zip(args[::2], args[1::2])))
    out = tmp_path / "m.json"
    code = main(["tone", "fit", str(f), *[x for kv in flags.items() for x in kv], "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_tone_fit_missing_file_exits_2(tmp_path, capsys):
    assert main(["tone", "fit", str(tmp_path / "none.csv"), "--text", "t", "--label", "l", "--out", str(tmp_path / "m.json")]) == 2
    assert "cannot open" in capsys.readouterr().err


MENTIONS = (
    "date,actor,text,tone\n"
    "2024-03-01,Acme,stranded on the tarmac again,\n"
    "2024-03-01,Acme,upgraded with legroom,\n"
    "2024-03-02,Acme,stranded on the tarmac again,0.9\n"
    "2024-03-02,Acme,,\n"
)


def test_tone_model_scores_only_rows_without_tone_and_with_text(model_file):
    with_model = load_bytes(MENTIONS.encode(), "mentions", tone_model=load(model_file)).frame()
    with_vader = load_bytes(MENTIONS.encode(), "mentions").frame()
    assert with_model["tone"][0] < 0 < with_model["tone"][1]
    assert with_model["tone"][2] == with_vader["tone"][2] == 0.9  # a valid row is never altered
    assert pd.isna(with_model["tone"][3]) and pd.isna(with_vader["tone"][3])  # no text: no tone
    assert with_model["tone"][0] != with_vader["tone"][0]


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_cli_tone_model_note_names_the_model_and_its_macro_f1(tmp_path, model_file, capsys, command):
    f = tmp_path / "mentions.csv"
    f.write_text(MENTIONS)
    args = [command, str(f), "--kind", "mentions", "--tone-model", str(model_file)]
    if command == "convert":
        args += ["--out", str(tmp_path / "out.csv")]
    assert main(args) == EXIT_OK
    captured = capsys.readouterr()
    text = captured.out + captured.err
    cv = load(model_file).cv
    assert "2 mentions had text but no tone; tone was scored from the text with the tone model tone.json" in text
    assert f"macro-F1 {cv['model_macro_f1']:.3f} on 40 labels, VADER {cv['vader_macro_f1']:.3f}" in text
    if command == "convert":
        tone = pd.read_csv(tmp_path / "out.csv")["tone"]
        assert tone[0] < 0 < tone[1] and tone[2] == 0.9


def test_cli_score_takes_the_tone_model(tmp_path, model_file, capsys):
    f = tmp_path / "mentions.csv"
    f.write_text(MENTIONS)
    capsys.readouterr()
    assert main(["score", "--mentions", str(f), "--tone-model", str(model_file), "--format", "json"]) == EXIT_OK
    with_model = json.loads(capsys.readouterr().out)
    assert main(["score", "--mentions", str(f), "--format", "json"]) == EXIT_OK
    with_vader = json.loads(capsys.readouterr().out)
    assert len(with_model) == len(with_vader) == 2
    assert [row["tone"] for row in with_model] != [row["tone"] for row in with_vader]


@pytest.mark.parametrize("content", ['{"format": "other"}', "not json", ""])
def test_cli_tone_model_that_is_not_one_exits_2(tmp_path, capsys, content):
    f = tmp_path / "mentions.csv"
    f.write_text(MENTIONS)
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["validate", str(f), "--kind", "mentions", "--tone-model", str(bad)]) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "--tone-model: tone model" in err and "bad.json" in err and "Traceback" not in err


def test_cli_run_hands_the_tone_model_to_the_app_as_an_absolute_path(model_file):
    from dashboard.launch import launch_files
    from dashboard.loading.options import build_options

    options = build_options(tone_model=model_file)
    argv = options.to_argv()
    assert argv == ["--tone-model", str(model_file.resolve())]
    back = launch_files(["--mentions", "m.csv", *argv]).options
    assert back is not None and back.tone_model is not None and back.tone_model.name == "tone.json"
    assert back.load_kwargs("mentions")["tone_model"] is back.tone_model
    assert back.load_kwargs("events")["tone_model"] is None
