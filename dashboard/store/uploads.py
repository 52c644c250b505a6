"""Uploads kept in the store, so that a link naming one reopens it for anyone on this server.

An upload is its files (events and/or mentions, and the actor dictionary when it has one)
and the options they are read with (column mappings, date layout, wide table). Each file's
bytes are kept once, under their SHA-256, however many uploads share them. The upload's id
is the first 16 hex digits of the SHA-256 of its manifest (the files' digests and the
options, not the file names): the same files read the same way are one upload, and a link
says `ds=upload:<id>`.

Kept within bounds (UploadLimits, from BOILINGPOINT_* variables): an upload larger than
max_upload_bytes is not kept; when all of them together would pass max_total_bytes, the
least recently used go first; an upload not used for max_age_days is deleted — on every
write, and when it is asked for. The bytes come back exactly as they were given: loading a
kept upload is loading the same file again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.contract import positive_settings
from dashboard.store.db import Store, closing

PREFIX = "upload:"  # how a link's ds= names a kept upload
ID_CHARS = 16
CHUNK_BYTES = 8 * 1024 * 1024
MAX_NAME_CHARS = 300
_ID = re.compile(rf"[0-9a-f]{{{ID_CHARS}}}")
_REF = re.compile(rf"(?:^|[?&\s=])upload(?::|%3[aA])([0-9a-fA-F]{{{ID_CHARS}}})(?![0-9a-fA-F])")


class UploadError(ValueError):
    """An upload that cannot be kept, with the reason in words."""


@dataclass(frozen=True)
class UploadLimits:
    """How much the store keeps: each upload, all of them together, and for how long.

    Defaults: 200 MB an upload (the loader's own cap on a file), 1 GB together (a total
    equal to one upload would make every large upload push out all the others), 30 days
    since an upload was last opened. BOILINGPOINT_MAX_UPLOAD_BYTES,
    BOILINGPOINT_MAX_KEPT_UPLOAD_BYTES and BOILINGPOINT_MAX_UPLOAD_DAYS change them.
    """

    max_upload_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    max_age_days: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> UploadLimits:
        env = os.environ if environ is None else environ
        return cls(**positive_settings(env, {"max_upload_bytes": "BOILINGPOINT_MAX_UPLOAD_BYTES",
                                             "max_total_bytes": "BOILINGPOINT_MAX_KEPT_UPLOAD_BYTES",
                                             "max_age_days": "BOILINGPOINT_MAX_UPLOAD_DAYS"}))


@dataclass(frozen=True)
class UploadOptions:
    """How the files are read: column mappings ("mentions:date=Time,actor=airline"), the
    date layouts ("day-first"), the wide-table switch — build_options' arguments."""

    maps: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    wide: bool = False

    def to_json(self) -> dict:
        return {"maps": list(self.maps), "date_formats": list(self.date_formats), "wide": bool(self.wide)}

    @classmethod
    def from_json(cls, value: Mapping) -> UploadOptions:
        return cls(tuple(str(m) for m in value.get("maps", ())), tuple(str(d) for d in value.get("date_formats", ())),
                   bool(value.get("wide", False)))


@dataclass(frozen=True)
class UploadInfo:
    """A kept upload without its bytes: what a label or a list needs."""

    id: str
    events_name: str | None
    mentions_name: str | None
    has_events: bool
    has_mentions: bool
    has_dictionary: bool
    options: UploadOptions
    size: int
    created: dt.datetime
    last_used: dt.datetime

    @property
    def ref(self) -> str:
        """How a link names it (ds=…)."""
        return PREFIX + self.id

    @property
    def names(self) -> str:
        return " + ".join(n for n in (self.events_name, self.mentions_name) if n) or "upload " + self.id


@dataclass(frozen=True)
class KeptUpload:
    """A kept upload with its bytes, ready to load."""

    info: UploadInfo
    events: bytes | None
    mentions: bytes | None
    dictionary: str  # the actor dictionary's text; "" when there is none


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(events: bytes | None, mentions: bytes | None, dictionary: str, options: UploadOptions) -> str:
    """What an upload is, as canonical JSON: its files' digests and its reading options."""
    return json.dumps({
        "events": digest(events) if events is not None else None,
        "mentions": digest(mentions) if mentions is not None else None,
        "dictionary": digest(dictionary.encode()) if dictionary.strip() else None,
        "options": options.to_json(),
    }, sort_keys=True, separators=(",", ":"))


def upload_id(events: bytes | None, mentions: bytes | None, dictionary: str = "",
              options: UploadOptions = UploadOptions()) -> str:
    """The id a link names an upload by: the first 16 hex digits of its manifest's SHA-256."""
    return digest(manifest(events, mentions, dictionary, options).encode())[:ID_CHARS]


def parse_ref(text: str | None) -> str | None:
    """The upload id in `upload:<id>`, a bare id, or a whole link with ds=upload:<id>; None if none."""
    if not text:
        return None
    text = text.strip()
    if _ID.fullmatch(text.lower()):
        return text.lower()
    match = _REF.search(text)
    return match.group(1).lower() if match else None


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _name(name: str | None) -> str | None:
    """A file name kept as the text it is (only NULs, which SQLite text cannot hold, dropped)."""
    if name is None:
        return None
    cleaned = str(name).replace("\0", "")[:MAX_NAME_CHARS]
    return cleaned or None


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 100 * 1024 else f"{n:,} bytes"


def _put_file(conn, data: bytes) -> str:
    key = digest(data)
    if conn.execute("SELECT 1 FROM upload_files WHERE digest = ?", (key,)).fetchone() is None:
        conn.execute("INSERT INTO upload_files (digest, size) VALUES (?, ?)", (key, len(data)))
        view = memoryview(data)
        for seq, start in enumerate(range(0, max(len(data), 1), CHUNK_BYTES)):
            conn.execute("INSERT INTO upload_chunks (digest, seq, data) VALUES (?, ?, ?)",
                         (key, seq, bytes(view[start:start + CHUNK_BYTES])))
    return key


def _get_file(conn, key: str | None) -> bytes | None:
    if key is None:
        return None
    chunks = conn.execute("SELECT data FROM upload_chunks WHERE digest = ? ORDER BY seq", (key,)).fetchall()
    data = b"".join(c[0] for c in chunks)
    size = conn.execute("SELECT size FROM upload_files WHERE digest = ?", (key,)).fetchone()
    if size is None or len(data) != size[0] or digest(data) != key:
        raise UploadError("the kept file is damaged (its bytes no longer match their digest)")
    return data


def _drop_orphans(conn) -> None:
    conn.execute(
        "DELETE FROM upload_files WHERE digest NOT IN (SELECT events FROM uploads WHERE events IS NOT NULL "
        "UNION SELECT mentions FROM uploads WHERE mentions IS NOT NULL "
        "UNION SELECT dictionary FROM uploads WHERE dictionary IS NOT NULL)"
    )


def _purge(conn, limits: UploadLimits, now: dt.datetime) -> int:
    cutoff = (now - dt.timedelta(days=limits.max_age_days)).isoformat()
    gone = conn.execute("DELETE FROM uploads WHERE last_used < ?", (cutoff,)).rowcount
    if gone:
        _drop_orphans(conn)
    return gone


def _total(conn) -> int:
    return int(conn.execute("SELECT coalesce(sum(size), 0) FROM upload_files").fetchone()[0])


def purge_uploads(store: Store, limits: UploadLimits | None = None, now: dt.datetime | None = None) -> int:
    """Delete the uploads not used for limits.max_age_days (and files no upload names); how many went."""
    limits = limits or UploadLimits.from_env()
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            gone = _purge(conn, limits, _now(now))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return gone


def keep_upload(store: Store, events: bytes | None, mentions: bytes | None, *, dictionary: str = "",
                options: UploadOptions = UploadOptions(), events_name: str | None = None,
                mentions_name: str | None = None, limits: UploadLimits | None = None,
                now: dt.datetime | None = None) -> UploadInfo:
    """Keep an upload (or find it kept already: the same files and options are one upload)
    and mark it used now. Expired uploads go first; then, while all kept uploads would pass
    limits.max_total_bytes, the least recently used. UploadError when it cannot be kept."""
    if events is None and mentions is None:
        raise UploadError("an upload needs an events file, a mentions file, or both")
    limits = limits or UploadLimits.from_env()
    moment = _now(now)
    text = dictionary if dictionary.strip() else ""
    files = [f for f in dict.fromkeys(
        digest(b) for b in (events, mentions, text.encode() if text else None) if b is not None)]
    sizes = {digest(b): len(b) for b in (events, mentions, text.encode() if text else None) if b is not None}
    size = sum(sizes[f] for f in files)
    cap = min(limits.max_upload_bytes, limits.max_total_bytes)
    if size > cap:
        raise UploadError(f"it is {_size_text(size)}; uploads over {_size_text(cap)} are not kept on this server")
    body = manifest(events, mentions, text, options)
    key = digest(body.encode())[:ID_CHARS]
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _purge(conn, limits, moment)
            row = conn.execute("SELECT manifest FROM uploads WHERE id = ?", (key,)).fetchone()
            if row is not None and row[0] != body:
                raise UploadError("another upload is kept under the same id")  # 2^-64: never, but never silently
            if row is None:
                new = sum(sizes[f] for f in files
                          if conn.execute("SELECT 1 FROM upload_files WHERE digest = ?", (f,)).fetchone() is None)
                while _total(conn) + new > limits.max_total_bytes:
                    oldest = conn.execute("SELECT id FROM uploads ORDER BY last_used, created LIMIT 1").fetchone()
                    if oldest is None:
                        break
                    conn.execute("DELETE FROM uploads WHERE id = ?", (oldest[0],))
                    _drop_orphans(conn)
                    new = sum(sizes[f] for f in files
                              if conn.execute("SELECT 1 FROM upload_files WHERE digest = ?", (f,)).fetchone() is None)
                digests = [_put_file(conn, b) if b is not None else None
                           for b in (events, mentions, text.encode() if text else None)]
                conn.execute(
                    "INSERT INTO uploads (id, manifest, events, mentions, dictionary, events_name, mentions_name, size, "
                    "created, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, body, *digests, _name(events_name), _name(mentions_name), size, moment.isoformat(),
                     moment.isoformat()),
                )
            else:
                conn.execute("UPDATE uploads SET last_used = ? WHERE id = ?", (moment.isoformat(), key))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    info = upload_info(store, key, limits, moment, touch=False)
    if info is None:  # only if the clock ran backwards past the expiry
        raise UploadError("the upload was kept but cannot be read back")
    return info


_INFO = ("SELECT id, events_name, mentions_name, events IS NOT NULL, mentions IS NOT NULL, dictionary IS NOT NULL, "
         "manifest, size, created, last_used, events, mentions, dictionary FROM uploads")


def _info(row) -> UploadInfo:
    options = UploadOptions.from_json(json.loads(row[6]).get("options", {}))
    return UploadInfo(row[0], row[1], row[2], bool(row[3]), bool(row[4]), bool(row[5]), options, int(row[7]),
                      dt.datetime.fromisoformat(row[8]), dt.datetime.fromisoformat(row[9]))


def _fresh_row(conn, upload: str, limits: UploadLimits, moment: dt.datetime, touch: bool):
    """The upload's row, None when unknown or expired (an expired one is deleted now)."""
    row = conn.execute(_INFO + " WHERE id = ?", (upload,)).fetchone()
    if row is None:
        return None
    if dt.datetime.fromisoformat(row[9]) < moment - dt.timedelta(days=limits.max_age_days):
        conn.execute("BEGIN IMMEDIATE")
        try:
            _purge(conn, limits, moment)
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        return None
    if touch:
        conn.execute("UPDATE uploads SET last_used = ? WHERE id = ?", (moment.isoformat(), upload))
    return row


def upload_info(store: Store | None, upload: str, limits: UploadLimits | None = None, now: dt.datetime | None = None,
                touch: bool = True) -> UploadInfo | None:
    """What is kept under this id (marked used now, unless touch=False); None when nothing is
    (never kept, expired, or pushed out by newer uploads)."""
    key = parse_ref(upload)
    if store is None or key is None:
        return None
    with closing(store.connect()) as conn:
        row = _fresh_row(conn, key, limits or UploadLimits.from_env(), _now(now), touch)
    return _info(row) if row is not None else None


def open_upload(store: Store | None, upload: str, limits: UploadLimits | None = None,
                now: dt.datetime | None = None) -> KeptUpload | None:
    """The kept upload with its bytes, exactly as they were given (marked used now); None when
    nothing is kept under this id. UploadError when its bytes are damaged."""
    key = parse_ref(upload)
    if store is None or key is None:
        return None
    with closing(store.connect()) as conn:
        row = _fresh_row(conn, key, limits or UploadLimits.from_env(), _now(now), touch=True)
        if row is None:
            return None
        events, mentions, dictionary = (_get_file(conn, k) for k in row[10:13])
    return KeptUpload(_info(row), events, mentions, dictionary.decode("utf-8") if dictionary is not None else "")


def kept_bytes(store: Store) -> int:
    """All kept files together, in bytes (each file once)."""
    with closing(store.connect()) as conn:
        return _total(conn)
