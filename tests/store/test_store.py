"""The local store: where it lives, WAL, schema versions and migrations, and notes."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.store import (
    DB_NAME,
    NoteError,
    add_note,
    data_home,
    delete_note,
    export_notes_csv,
    import_notes_csv,
    list_notes,
    notes_frame,
    open_store,
)
from dashboard.store.db import migrate
from dashboard.store.migrations import MIGRATIONS


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path)


@pytest.mark.parametrize("environ,want", [
    ({"BOILINGPOINT_HOME": "/srv/bp"}, Path("/srv/bp")),
    ({"BOILINGPOINT_HOME": "/srv/bp", "XDG_DATA_HOME": "/x"}, Path("/srv/bp")),
    ({"XDG_DATA_HOME": "/x"}, Path("/x/boilingpoint")),
    ({}, Path.home() / ".local" / "share" / "boilingpoint"),
])
def test_data_home_by_environment(environ, want):
    assert data_home(environ) == want


def test_open_store_is_wal_at_the_latest_version(tmp_path):
    store = open_store(tmp_path / "deep" / "folder")
    assert store.path == tmp_path / "deep" / "folder" / DB_NAME and store.path.exists()
    assert store.version == len(MIGRATIONS)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_store_without_create_leaves_nothing_behind(tmp_path):
    assert open_store(tmp_path / "none", create=False) is None
    assert not (tmp_path / "none").exists()
    assert list_notes(None, "any") == []


def test_migrate_applies_each_step_once_in_order(tmp_path):
    steps = ("CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)")
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    assert migrate(conn, steps[:1]) == 1
    assert migrate(conn, steps) == 2  # only the new step runs
    assert migrate(conn, steps) == 2  # and not again
    assert conn.execute("SELECT count(*) FROM a").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_migrate_refuses_a_newer_store_and_rolls_back_a_failed_step(tmp_path):
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, ("CREATE TABLE a (x INTEGER); THIS IS NOT SQL",))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'a'").fetchall()
    conn.execute("PRAGMA user_version = 9")
    with pytest.raises(ValueError, match="newer"):
        migrate(conn)


def test_notes_are_kept_across_opens_in_date_order(tmp_path):
    first = open_store(tmp_path)
    add_note(first, "ds1", "2020-08-06", "the executive order", actor="Donald Trump", author="ana")
    add_note(first, "ds1", "2020-07-10 15:00", "Amazon's email")
    add_note(first, "ds2", "2020-07-10", "another dataset")
    again = open_store(tmp_path)  # a reload, another session, the next day
    notes = list_notes(again, "ds1")
    assert [n.text for n in notes] == ["Amazon's email", "the executive order"]
    assert notes[0].date == pd.Timestamp("2020-07-10 15:00") and notes[0].actor is None
    assert notes[1].actor == "Donald Trump" and notes[1].author == "ana"
    assert [n.text for n in list_notes(again, "ds1", "2020-08-01", "2020-08-06")] == ["the executive order"]
    assert delete_note(again, notes[0].id) and [n.text for n in list_notes(again, "ds1")] == ["the executive order"]
    frame = notes_frame(list_notes(again, "ds1"))
    assert list(frame.columns) == ["date", "actor", "text", "author", "id"] and len(frame) == 1


@pytest.mark.parametrize("date,text,message", [
    ("2020-13-45", "x", "not a date"),
    (None, "x", "not a date|needs a date"),
    ("2020-01-01", "   ", "empty"),
    ("2020-01-01", "x" * 2001, "at most 2,000"),
])
def test_add_note_refuses_with_a_reason(store, date, text, message):
    with pytest.raises(NoteError, match=message):
        add_note(store, "ds", date, text)


HOSTILE = ['=HYPERLINK("http://x","click")', "<script>alert(1)</script>", "**bold** [link](javascript:1)",
           "'; DROP TABLE notes; --", "+1 line\nsecond line", "@SUM(A1)", "ünïcødé ✎ 🔥"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_notes_stay_text_through_csv_and_back(tmp_path, text):
    store = open_store(tmp_path / "a")
    add_note(store, "ds", "2020-07-10", text, actor=text[:50])
    exported = export_notes_csv(list_notes(store, "ds"))
    for row in list(csv.reader(io.StringIO(exported)))[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)  # no cell runs in a spreadsheet
    other = open_store(tmp_path / "b")
    assert import_notes_csv(other, "ds", exported.encode()) == (1, [])
    back = list_notes(other, "ds")[0]
    assert back.text == text.strip() and back.actor == text[:50].strip()
    assert len(list_notes(store, "ds")) == 1  # the SQL in the text did nothing


def test_import_notes_csv_says_what_it_skipped_and_adds_nothing_twice(store):
    data = b"date,text,actor\n2020-07-10,email,Amazon\nnot a date,x,\n2020-07-11,,\n2020-07-12,fine,\n"
    added, problems = import_notes_csv(store, "ds", data)
    assert added == 2 and problems == ["row 3: the date 'not a date' is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)",
                                       "row 4: the note is empty"]
    assert import_notes_csv(store, "ds", data)[0] == 0  # the same file again adds nothing
    assert import_notes_csv(store, "ds", b"when,what\n1,2\n") == (0, ["the file needs a 'date' and a 'text' column"])
    assert import_notes_csv(store, "ds", b"\xff\xfe\x00") == (0, ["the file is not UTF-8 text"])


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.replace("\0", "").strip()))
def test_any_text_round_trips_through_csv(tmp_path_factory, text):
    store = open_store(tmp_path_factory.mktemp("s"))
    add_note(store, "ds", "2020-01-01", text)
    other = open_store(tmp_path_factory.mktemp("t"))
    import_notes_csv(other, "ds", export_notes_csv(list_notes(store, "ds")).encode())
    assert [n.text for n in list_notes(other, "ds")] == [n.text for n in list_notes(store, "ds")]
