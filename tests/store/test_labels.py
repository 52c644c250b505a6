"""Tone labels in the store: kept, replaced, removed, counted, exported for `tone fit`."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading

import pytest

from dashboard.store import open_store
from dashboard.store.labels import (
    MAX_LABEL_TEXT_CHARS,
    LabelError,
    clear_labels,
    export_labels_csv,
    label_counts,
    list_labels,
    set_label,
    text_key,
)
from dashboard.tone import load_labels


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path)


def test_set_label_keeps_replaces_and_removes(store):
    assert set_label(store, "ds", "Flight delayed again", "Negative") == "negative"
    assert set_label(store, "ds", "Thanks for the upgrade", 1) == "positive"
    assert set_label(store, "ds", "Which gate?", "0") == "neutral"
    assert list_labels(store, "ds") == {"Flight delayed again": "negative", "Thanks for the upgrade": "positive",
                                        "Which gate?": "neutral"}
    assert set_label(store, "ds", "Which gate?", "positive") == "positive"  # a second label replaces the first
    assert set_label(store, "ds", "Thanks for the upgrade", None) is None  # and none removes it
    assert list_labels(store, "ds") == {"Flight delayed again": "negative", "Which gate?": "positive"}
    assert label_counts(store, "ds") == {"negative": 1, "positive": 1}


def test_labels_belong_to_their_dataset(store):
    set_label(store, "a", "same text", "negative")
    set_label(store, "b", "same text", "positive")
    assert list_labels(store, "a") == {"same text": "negative"}
    assert list_labels(store, "b") == {"same text": "positive"}
    assert clear_labels(store, "a") == 1
    assert list_labels(store, "a") == {} and list_labels(store, "b") == {"same text": "positive"}


def test_reading_without_a_store_or_dataset_gives_nothing(store):
    assert list_labels(None, "ds") == {} and label_counts(None, "ds") == {}
    assert list_labels(store, "") == {}


def test_texts_differing_only_in_case_or_space_are_different_texts(store):
    set_label(store, "ds", "Delayed", "negative")
    set_label(store, "ds", "delayed ", "neutral")
    assert list_labels(store, "ds") == {"Delayed": "negative", "delayed ": "neutral"}
    assert text_key("Delayed") != text_key("delayed ")


@pytest.mark.parametrize(
    "text, label, message",
    [
        ("", "negative", "needs a text"),
        ("   ", "negative", "needs a text"),
        (None, "negative", "needs a text"),
        (12, "negative", "needs a text"),
        ("a\0b", "negative", "NUL"),
        ("x" * (MAX_LABEL_TEXT_CHARS + 1), "negative", "at most"),
        ("fine", "mixed", "not a tone label"),
        ("fine", 2, "not a tone label"),
        ("fine", True, "not a tone label"),
    ],
)
def test_set_label_refuses_what_it_cannot_keep(store, text, label, message):
    with pytest.raises(LabelError, match=message):
        set_label(store, "ds", text, label)
    assert list_labels(store, "ds") == {}


def test_set_label_needs_a_dataset(store):
    with pytest.raises(LabelError, match="dataset"):
        set_label(store, "", "text", "negative")


def test_the_schema_refuses_a_label_outside_the_three(store):
    conn = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO tone_labels VALUES ('ds', 'k', 't', 'mixed', '2026-01-01')")
    conn.close()


def test_the_cap_on_labels_per_dataset(store, monkeypatch):
    import dashboard.store.labels as labels

    monkeypatch.setattr(labels, "MAX_LABELS_PER_DATASET", 2)
    set_label(store, "ds", "one", "negative")
    set_label(store, "ds", "two", "negative")
    set_label(store, "ds", "two", "positive")  # replacing is not adding
    with pytest.raises(LabelError, match="2 labels"):
        set_label(store, "ds", "three", "negative")
    assert len(list_labels(store, "ds")) == 2


def test_concurrent_writers_lose_no_label(store):
    def write(k: int) -> None:
        for i in range(20):
            set_label(store, "ds", f"text {k}-{i}", "negative" if i % 2 else "positive")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list_labels(store, "ds")) == 80


def test_export_is_a_labels_file_that_tone_fit_reads(store, tmp_path):
    texts = {"Delayed, again": "negative", 'He said "fine"': "neutral", "line one\nline two": "positive",
             "=HYPERLINK(\"x\")": "negative", "😀 great": "positive"}
    for text, label in texts.items():
        set_label(store, "ds", text, label)
    data = export_labels_csv(list_labels(store, "ds"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["label"] for r in rows] == list(texts.values())
    assert rows[3]["text"] == "'=HYPERLINK(\"x\")"  # a spreadsheet must not run it
    path = tmp_path / "labels.csv"
    path.write_bytes(data)
    read_texts, read_labels = load_labels(path, "text", "label")
    assert read_labels == list(texts.values())
    assert read_texts[:3] == list(texts)[:3] and read_texts[4] == "😀 great"


def test_a_store_at_version_2_gains_the_labels_and_keeps_its_notes(tmp_path):
    from dashboard.store import add_note, list_notes
    from dashboard.store.db import migrate
    from dashboard.store.migrations import MIGRATIONS

    path = tmp_path / "boilingpoint.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:2])  # the schema before the labels
    conn.close()
    store = open_store(path)
    add_note(store, "ds", "2020-07-11", "a note")
    assert store.version == len(MIGRATIONS) >= 3
    set_label(store, "ds", "a text", "negative")
    assert list_labels(store, "ds") == {"a text": "negative"} and [n.text for n in list_notes(store, "ds")] == ["a note"]
