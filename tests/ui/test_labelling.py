"""The labelling view through the app: least certain first, labels kept, Fit, use as tone."""

from __future__ import annotations

import random
import re
import sys

import pytest

from dashboard.store import open_store
from dashboard.store.labels import list_labels, set_label
from dashboard.tone import fit
from dashboard.tone.active import labelling_order

# Generated mentions in an airline's voice (no real text): words VADER misreads or does not know.
NEGATIVE = ["delayed", "stranded", "cancelled", "rebooked", "tarmac", "diverted", "overbooked", "lost bag"]
POSITIVE = ["upgraded", "early arrival", "legroom", "on time", "priority boarding", "free wifi", "lounge", "rebate"]
NEUTRAL = ["which gate", "what terminal", "flight number", "the schedule", "baggage policy", "seat map"]
FILLER = ["my flight", "today", "from boston", "to denver", "this morning", "again", "the crew", "at the airport"]


def generated(n_per_class: int = 20, seed: int = 3) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, words in (("negative", NEGATIVE), ("positive", POSITIVE), ("neutral", NEUTRAL)):
        for i in range(n_per_class):
            rows.append((f"{rng.choice(words)} {rng.choice(FILLER)} {rng.choice(FILLER)} #{i}", label))
    rng.shuffle(rows)
    return rows


ROWS = generated()
TEXTS = [t for t, _ in ROWS]


def _run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def _words(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


@pytest.fixture
def mentions_file(tmp_path, monkeypatch):
    """A mentions file with text and no tone, opened at launch; the view's texts are its texts
    (the engine's side table of texts, dashboard/text, is another module's: its rows stand in)."""
    path = tmp_path / "mentions.csv"
    lines = ["date,actor,text"] + [f"2024-03-{1 + i % 20:02d},Acme,{t}" for i, t in enumerate(TEXTS)]
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(sys, "argv", ["app.py", "--mentions", str(path)])
    import dashboard.ui.labelling as labelling

    monkeypatch.setattr(labelling, "dataset_texts", lambda dataset, limit=labelling.MAX_POOL: TEXTS[:limit])
    return path


def _open(make_app):
    at = _run(make_app({"tab": "Tone"}))
    assert at.selectbox(key="ds").value == "files"
    return at


def _current(at) -> str:
    """The text on show: the one markdown of the page that is one of the texts (escaped)."""
    words = [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown]
    return next(w for w in words if w in TEXTS)


def test_the_least_certain_text_comes_first_and_a_label_is_kept(make_app, fresh_store, mentions_file):
    at = _open(make_app)
    order = labelling_order(TEXTS)  # VADER's uncertainty: no model fitted yet
    assert _current(at) == TEXTS[order[0]]
    assert "Text 1 of 60" in _words(at) and "0 labelled" in _words(at)
    at.button(key="lab_negative").click()
    at = _run(at)
    store = open_store(fresh_store)
    assert list_labels(store, _key(mentions_file)) == {TEXTS[order[0]]: "negative"}
    assert _current(at) == TEXTS[order[1]]  # on to the next one
    assert "1 labelled" in _words(at) and "1 negative" in _words(at)


def _key(path) -> str:
    """The labels' key of a mentions file: its content digest."""
    from dashboard.dataset import content_digest

    return "mentions:" + content_digest(path.read_bytes())


def test_next_and_back_move_and_a_labelled_text_shows_its_label(make_app, fresh_store, mentions_file):
    at = _open(make_app)
    order = labelling_order(TEXTS)
    at.button(key="lab_positive").click()
    at = _run(at)
    at.button(key="lab_back").click()
    at = _run(at)
    assert _current(at) == TEXTS[order[0]] and "Your label: positive." in _words(at)
    at.button(key="lab_next").click()
    at = _run(at)
    assert _current(at) == TEXTS[order[1]]
    at.button(key="lab_next").click()
    at = _run(at)
    assert _current(at) == TEXTS[order[2]] and "Text 3 of 60" in _words(at)


def test_the_buttons_carry_the_keyboard_shortcuts(make_app, fresh_store, mentions_file):
    at = _open(make_app)
    shortcuts = {key: at.button(key=key).proto.shortcut for key in ("lab_negative", "lab_neutral", "lab_positive",
                                                                      "lab_next", "lab_back")}
    assert shortcuts == {"lab_negative": "n", "lab_neutral": "u", "lab_positive": "p", "lab_next": "j", "lab_back": "k"}


def test_fit_needs_enough_labels(make_app, fresh_store, mentions_file):
    at = _open(make_app)
    assert at.button(key="lab_fit").disabled


def test_fit_shows_both_macro_f1s_and_the_model_becomes_the_tone(make_app, fresh_store, mentions_file):
    at = _open(make_app)
    key = _key(mentions_file)
    store = open_store(fresh_store)
    for text, label in ROWS:
        set_label(store, key, text, label)
    at = _run(at)
    assert "60 labelled" in _words(at)
    at.button(key="lab_fit").click()
    at = _run(at)
    expected = fit(list(list_labels(store, key)), list(list_labels(store, key).values())).cv
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Your model: macro-F1"] == f"{expected['model_macro_f1']:.3f}"
    assert metrics["VADER on the same labels"] == f"{expected['vader_macro_f1']:.3f}"
    assert float(metrics["Your model: macro-F1"]) > float(metrics["VADER on the same labels"])
    assert "First come the texts the model fitted here is least sure of." in _words(at)  # the model orders the queue now
    at.button(key="lab_use").click()
    at = _run(at)
    assert "This model is the tone of this dataset in this session." in _words(at)
    # The dataset was read again: its tone now comes from the model, and the load report says so.
    assert "with the tone model labelled-here.json" in _words(at)
    at.button(key="lab_unuse").click()
    at = _run(at)
    assert "with VADER" in _words(at) and "labelled-here.json" not in _words(at)


def test_a_dataset_without_text_offers_a_file_of_texts(make_app, fresh_store):
    at = _run(make_app({"tab": "Tone"}))  # the TikTok demo: mention counts, no text
    assert "keeps no mention text" in _words(at)
    assert at.get("file_uploader")
    assert not [b for b in at.button if b.key == "lab_negative"]


def test_dataset_texts_reads_the_engines_side_table_of_texts():
    """The view asks the engine for its distinct texts over the whole range (dashboard/text's
    `text_groups`); an engine without texts gives none."""
    import datetime as dt

    import pandas as pd

    from dashboard.dataset import Dataset
    from dashboard.ui.labelling import dataset_texts

    class Engine:
        has_text = True

        def __init__(self):
            self.asked = None

        def date_bounds(self):
            return dt.date(2024, 3, 1), dt.date(2024, 3, 20)

        def text_groups(self, sel, lo, hi, limit):
            self.asked = (sel, lo, hi, limit)
            return pd.DataFrame({"text": ["a text", "", None, "another"], "copies": [3, 1, 1, 1]})

    engine = Engine()
    assert dataset_texts(Dataset(engine, {}), limit=50) == ["a text", "another"]
    sel, lo, hi, limit = engine.asked
    assert (lo, hi, limit) == (dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 21), 50) and not sel.actors

    class NoText:
        has_text = False

    assert dataset_texts(Dataset(NoText(), {})) == []


HOSTILE = ['<img src=x onerror=alert(1)> delayed', '[click](javascript:alert(1)) **bold** on time', '=HYPERLINK("x") lost bag']


def test_hostile_texts_show_as_literal_text(make_app, fresh_store, mentions_file, monkeypatch):
    import dashboard.ui.labelling as labelling
    from dashboard.textsafe import escape_markdown

    monkeypatch.setattr(labelling, "dataset_texts", lambda dataset, limit=labelling.MAX_POOL: HOSTILE)
    at = _open(make_app)
    order = labelling_order(HOSTILE)
    shown = [m.value for m in at.markdown]
    assert escape_markdown(HOSTILE[order[0]]) in shown  # escaped, never rendered as markup
    assert not any("<img" in m and "\\<" not in m for m in shown)
    assert not [h for h in at.get("html")]
