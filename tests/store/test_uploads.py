"""Uploads kept in the store: content-addressed, deduplicated, capped, expiring, migrated."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from dashboard.store import (
    UploadError,
    UploadLimits,
    UploadOptions,
    keep_upload,
    open_store,
    open_upload,
    parse_ref,
    purge_uploads,
    upload_id,
    upload_info,
)
from dashboard.store.db import migrate
from dashboard.store.migrations import MIGRATIONS
from dashboard.store.uploads import kept_bytes

EVENTS = b"date,actor,headline\n2020-07-10,Amazon,email\n"
MENTIONS = b"when,who,text\n2020-07-10,Amazon,delete it\n"
T0 = dt.datetime(2026, 1, 1, 12, 0)
MAPPED = UploadOptions(maps=("mentions:date=when,actor=who",), date_formats=("day-first",))


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path)


def _count(store, table: str) -> int:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 — a fixed name


def test_keep_upload_gives_back_the_same_bytes_and_options_in_another_open(tmp_path):
    info = keep_upload(open_store(tmp_path), EVENTS, MENTIONS, dictionary="Amazon,AMZN\n", options=MAPPED,
                       events_name="<b>ev</b>.csv", mentions_name="../m.csv", now=T0)
    assert info.ref == "upload:" + info.id and len(info.id) == 16
    assert info.id == upload_id(EVENTS, MENTIONS, "Amazon,AMZN\n", MAPPED)
    kept = open_upload(open_store(tmp_path), info.ref, now=T0)  # another session, the same server
    assert kept is not None
    assert (kept.events, kept.mentions, kept.dictionary) == (EVENTS, MENTIONS, "Amazon,AMZN\n")
    assert kept.info.options == MAPPED
    assert kept.info.names == "<b>ev</b>.csv + ../m.csv"  # names stay the text they are
    assert kept.info.size == len(EVENTS) + len(MENTIONS) + len("Amazon,AMZN\n")


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe binary \x00", bytes(range(256)) * 40_000])
def test_any_bytes_round_trip_exactly(store, data, monkeypatch):
    monkeypatch.setattr("dashboard.store.uploads.CHUNK_BYTES", 1000)  # many chunks
    info = keep_upload(store, data, None, now=T0)
    kept = open_upload(store, info.id, now=T0)
    assert kept is not None and kept.events == data and kept.mentions is None and kept.dictionary == ""


def test_the_same_upload_is_kept_once_and_a_shared_file_once(store):
    one = keep_upload(store, EVENTS, None, events_name="a.csv", now=T0)
    again = keep_upload(store, EVENTS, None, events_name="renamed.csv", now=T0 + dt.timedelta(hours=1))
    assert one.id == again.id and _count(store, "uploads") == 1
    assert again.events_name == "a.csv" and again.last_used == T0 + dt.timedelta(hours=1)
    other = keep_upload(store, EVENTS, MENTIONS, now=T0)  # the same events file, with mentions
    mapped = keep_upload(store, EVENTS, None, options=MAPPED, now=T0)  # read another way: another upload
    assert len({one.id, other.id, mapped.id}) == 3 and _count(store, "uploads") == 3
    assert _count(store, "upload_files") == 2 and kept_bytes(store) == len(EVENTS) + len(MENTIONS)


@pytest.mark.parametrize("ref,want", [
    ("upload:0123456789abcdef", "0123456789abcdef"),
    ("0123456789ABCDEF", "0123456789abcdef"),
    ("http://127.0.0.1:8501/?ds=upload%3A0123456789abcdef&actor=A", "0123456789abcdef"),
    ("http://127.0.0.1:8501/?ds=upload:0123456789abcdef", "0123456789abcdef"),
    ("upload:0123456789abcdef0", None),  # too long
    ("upload:0123456789abcdeg", None),
    ("upload", None), ("", None), (None, None), ("'; DROP TABLE uploads; --", None),
])
def test_parse_ref(ref, want):
    assert parse_ref(ref) == want


def test_unknown_ids_give_none_and_change_nothing(store):
    assert open_upload(store, "upload:0123456789abcdef") is None
    assert upload_info(store, "not an id") is None and open_upload(None, "upload:0123456789abcdef") is None


def test_an_upload_over_the_cap_is_refused_with_its_size(store):
    limits = UploadLimits(max_upload_bytes=100, max_total_bytes=1000)
    with pytest.raises(UploadError, match=r"it is 150 bytes; uploads over 100 bytes are not kept"):
        keep_upload(store, b"x" * 150, None, limits=limits)
    with pytest.raises(UploadError, match="needs an events file"):
        keep_upload(store, None, None)
    assert _count(store, "uploads") == 0


def test_the_least_recently_used_go_when_the_total_would_pass_its_cap(store):
    limits = UploadLimits(max_upload_bytes=100, max_total_bytes=250)
    a = keep_upload(store, b"a" * 100, None, limits=limits, now=T0)
    b = keep_upload(store, b"b" * 100, None, limits=limits, now=T0 + dt.timedelta(minutes=1))
    upload_info(store, a.id, limits, now=T0 + dt.timedelta(minutes=2))  # a opened again: b is now the oldest
    c = keep_upload(store, b"c" * 100, None, limits=limits, now=T0 + dt.timedelta(minutes=3))
    later = T0 + dt.timedelta(minutes=4)
    assert upload_info(store, b.id, limits, later) is None
    assert upload_info(store, a.id, limits, later) is not None and upload_info(store, c.id, limits, later) is not None
    assert kept_bytes(store) == 200 and _count(store, "upload_chunks") == 2  # b's bytes went with it


def test_uploads_expire_after_their_last_use(store):
    limits = UploadLimits(max_age_days=30)
    old = keep_upload(store, EVENTS, None, limits=limits, now=T0)
    used = keep_upload(store, MENTIONS, None, limits=limits, now=T0)
    assert open_upload(store, used.id, limits, now=T0 + dt.timedelta(days=20)) is not None  # used: 30 days more
    assert open_upload(store, old.id, limits, now=T0 + dt.timedelta(days=31)) is None  # expired, and deleted
    assert _count(store, "uploads") == 1 and kept_bytes(store) == len(MENTIONS)
    assert purge_uploads(store, limits, now=T0 + dt.timedelta(days=49)) == 0
    assert purge_uploads(store, limits, now=T0 + dt.timedelta(days=51)) == 1
    assert _count(store, "uploads") == 0 and _count(store, "upload_files") == 0 and _count(store, "upload_chunks") == 0


def test_keeping_an_upload_purges_the_expired_ones(store):
    old = keep_upload(store, EVENTS, None, now=T0)
    keep_upload(store, MENTIONS, None, now=T0 + dt.timedelta(days=40))
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT id FROM uploads").fetchall() != [(old.id,)]
    assert _count(store, "uploads") == 1 and kept_bytes(store) == len(MENTIONS)


@pytest.mark.parametrize("environ,want", [
    ({}, UploadLimits(200 * 1024 * 1024, 1024 * 1024 * 1024, 30)),
    ({"BOILINGPOINT_MAX_UPLOAD_BYTES": "1_000", "BOILINGPOINT_MAX_KEPT_UPLOAD_BYTES": "5000",
      "BOILINGPOINT_MAX_UPLOAD_DAYS": "7"}, UploadLimits(1000, 5000, 7)),
])
def test_upload_limits_from_the_environment(environ, want):
    assert UploadLimits.from_env(environ) == want


@pytest.mark.parametrize("value", ["lots", "0", "-3"])
def test_upload_limits_refuse_what_is_not_a_positive_number(value):
    with pytest.raises(ValueError, match="BOILINGPOINT_MAX_UPLOAD_DAYS"):
        UploadLimits.from_env({"BOILINGPOINT_MAX_UPLOAD_DAYS": value})


def test_a_store_at_version_1_is_migrated_and_keeps_its_notes(tmp_path):
    from dashboard.store import add_note, list_notes

    path = tmp_path / "boilingpoint.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:1])  # the schema as the notes release shipped it
    conn.execute("INSERT INTO notes (dataset, date, text, created) VALUES ('ds', '2020-07-10T00:00:00', 'kept', "
                 "'2026-01-01T00:00:00')")
    conn.close()
    store = open_store(path)
    assert store.version == len(MIGRATIONS) >= 2  # every later step applied too
    assert [n.text for n in list_notes(store, "ds")] == ["kept"]
    assert keep_upload(store, EVENTS, None, now=T0).id == upload_id(EVENTS, None)
    add_note(store, "ds", "2020-07-11", "and more")


def test_a_damaged_file_is_said_so_not_loaded_as_garbage(store):
    info = keep_upload(store, EVENTS, None, now=T0)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE upload_chunks SET data = ?", (b"tampered",))
    with pytest.raises(UploadError, match="damaged"):
        open_upload(store, info.id, now=T0)
