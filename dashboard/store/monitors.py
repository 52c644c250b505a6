"""Monitors in the store: their definitions, the state of the files they watch, their alerts
(one per episode) and the outbox of deliveries. Plain SQL on the store's SQLite database;
every write is one short transaction, so a dashboard and several watchers can share it
(WAL mode: readers never wait for the writer).

Times are ISO 8601 text, naive UTC, to the second. The SQL is the subset SQLite and PostgreSQL
share (ON CONFLICT, RETURNING), so the same functions run on a team's PostgreSQL server
through dashboard/store/sql.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from dashboard.store.db import closing


class Store(Protocol):
    """The local SQLite store (db.Store) or a server database (sql.SqlStore): what opens connections."""

    def connect(self) -> Any: ...


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.replace(microsecond=0).isoformat()


def _when(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


# --- definitions ---------------------------------------------------------------------------


def save_monitor(store: Store, spec) -> None:
    """Keep (or replace) a checked monitor (dashboard.monitor.spec.MonitorSpec) under its name."""
    with closing(store.connect()) as conn:
        conn.execute(
            "INSERT INTO monitors (name, spec, definition, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, definition = excluded.definition, updated = excluded.updated",
            (spec.name, spec.source, spec.to_json(), _iso(utc_now())),
        )


def monitor_names(store: Store) -> list[str]:
    with closing(store.connect()) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM monitors ORDER BY name")]


def monitor_source(store: Store, name: str) -> str | None:
    """The YAML a monitor was saved with, or None."""
    with closing(store.connect()) as conn:
        row = conn.execute("SELECT spec FROM monitors WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def delete_monitor(store: Store, name: str) -> bool:
    with closing(store.connect()) as conn:
        return conn.execute("DELETE FROM monitors WHERE name = ?", (name,)).rowcount > 0


def last_bucket(store: Store, name: str) -> dt.datetime | None:
    with closing(store.connect()) as conn:
        row = conn.execute("SELECT last_bucket FROM monitors WHERE name = ?", (name,)).fetchone()
    return _when(row[0]) if row else None


def set_last_bucket(store: Store, name: str, when: dt.datetime) -> None:
    with closing(store.connect()) as conn:
        conn.execute("UPDATE monitors SET last_bucket = ? WHERE name = ?", (_iso(when), name))


# --- watched files -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    path: str
    kind: str
    size: int
    mtime_ns: int
    digest: str | None
    state: str
    rows_read: int | None = None
    loaded: int | None = None
    rejected: int | None = None
    message: str | None = None


def file_states(store: Store, monitor: str) -> dict[str, FileState]:
    with closing(store.connect()) as conn:
        rows = conn.execute(
            "SELECT path, kind, size, mtime_ns, digest, state, rows_read, loaded, rejected, message "
            "FROM monitor_files WHERE monitor = ?", (monitor,),
        ).fetchall()
    return {r[0]: FileState(*r) for r in rows}


def put_file_state(store: Store, monitor: str, state: FileState) -> None:
    with closing(store.connect()) as conn:
        conn.execute(
            "INSERT INTO monitor_files (monitor, path, kind, size, mtime_ns, digest, state, rows_read, loaded, rejected, message, checked) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (monitor, path) DO UPDATE SET kind = excluded.kind, "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, digest = excluded.digest, state = excluded.state, "
            "rows_read = excluded.rows_read, loaded = excluded.loaded, rejected = excluded.rejected, message = excluded.message, "
            "checked = excluded.checked",
            (monitor, state.path, state.kind, state.size, state.mtime_ns, state.digest, state.state, state.rows_read,
             state.loaded, state.rejected, state.message, _iso(utc_now())),
        )


def forget_file(store: Store, monitor: str, path: str) -> None:
    with closing(store.connect()) as conn:
        conn.execute("DELETE FROM monitor_files WHERE monitor = ? AND path = ?", (monitor, path))


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAlert:
    id: int
    monitor: str
    episode_key: str
    rule: str
    stage: str
    explanation: str
    window_start: dt.datetime
    window_end: dt.datetime
    link: str
    created: dt.datetime
    acknowledged: dt.datetime | None
    snoozed_until: dt.datetime | None

    def status(self, now: dt.datetime | None = None) -> str:
        if self.acknowledged is not None:
            return "acknowledged"
        if self.snoozed_until is not None and self.snoozed_until > (now or utc_now()):
            return "snoozed"
        return "new"


_ALERT_COLUMNS = ("id, monitor, episode_key, rule, stage, explanation, window_start, window_end, link, created, "
                  "acknowledged, snoozed_until")


def _alert(row) -> StoredAlert:
    return StoredAlert(row[0], row[1], row[2], row[3], row[4], row[5], _when(row[6]), _when(row[7]), row[8],  # type: ignore[arg-type]
                       _when(row[9]), _when(row[10]), _when(row[11]))  # type: ignore[arg-type]


def add_alert(store: Store, monitor: str, episode_key: str, rule: str, stage: str, explanation: str,
              window_start: dt.datetime, window_end: dt.datetime, link: str,
              channels: list[tuple[str, str]], now: dt.datetime | None = None) -> StoredAlert | None:
    """Record a new episode's alert and its deliveries (channel, target) in one transaction,
    the deliveries due at once. None when the monitor already has an alert for this episode
    (nothing is written)."""
    now = now or utc_now()
    with closing(store.connect()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            inserted = conn.execute(
                "INSERT INTO alerts (monitor, episode_key, rule, stage, explanation, window_start, window_end, link, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (monitor, episode_key) DO NOTHING RETURNING id",
                (monitor, episode_key, rule, stage, explanation, _iso(window_start), _iso(window_end), link, _iso(now)),
            ).fetchone()
            if inserted is None:
                conn.execute("ROLLBACK")
                return None
            alert_id = int(inserted[0])
            for channel, target in channels:
                conn.execute(
                    "INSERT INTO deliveries (alert, channel, target, next_try, created) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (alert, channel, target) DO NOTHING",
                    (alert_id, channel, target, _iso(now), _iso(now)),
                )
            row = conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return _alert(row)


def extend_alert(store: Store, alert_id: int, window_end: dt.datetime) -> None:
    """The episode of an alert goes on: its window reaches `window_end` (no new alert)."""
    with closing(store.connect()) as conn:
        conn.execute("UPDATE alerts SET window_end = ? WHERE id = ? AND window_end < ?", (_iso(window_end), alert_id, _iso(window_end)))


def list_alerts(store: Store | None, monitor: str | None = None, limit: int = 500) -> list[StoredAlert]:
    """The alerts, newest first (of one monitor when named)."""
    if store is None:
        return []
    query, args = f"SELECT {_ALERT_COLUMNS} FROM alerts", []
    if monitor is not None:
        query += " WHERE monitor = ?"
        args.append(monitor)
    with closing(store.connect()) as conn:
        rows = conn.execute(query + " ORDER BY window_start DESC, id DESC LIMIT ?", [*args, int(limit)]).fetchall()
    return [_alert(r) for r in rows]


def acknowledge(store: Store, alert_id: int) -> bool:
    with closing(store.connect()) as conn:
        return conn.execute("UPDATE alerts SET acknowledged = ?, snoozed_until = NULL WHERE id = ?",
                            (_iso(utc_now()), int(alert_id))).rowcount > 0


def snooze(store: Store, alert_id: int, until: dt.datetime) -> bool:
    with closing(store.connect()) as conn:
        return conn.execute("UPDATE alerts SET snoozed_until = ? WHERE id = ?", (_iso(until), int(alert_id))).rowcount > 0


# --- the outbox ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    id: int
    alert: StoredAlert
    channel: str
    target: str
    attempts: int
    last_error: str | None
    next_try: dt.datetime
    delivered_at: dt.datetime | None


def pending_deliveries(store: Store, monitor: str | None = None) -> list[Delivery]:
    """Every delivery not yet made (due or not), oldest first."""
    cols = ", ".join(f"a.{c.strip()}" for c in _ALERT_COLUMNS.split(","))
    query = (f"SELECT d.id, d.channel, d.target, d.attempts, d.last_error, d.next_try, d.delivered_at, {cols} "
             "FROM deliveries d JOIN alerts a ON a.id = d.alert WHERE d.delivered_at IS NULL")
    args: list = []
    if monitor is not None:
        query += " AND a.monitor = ?"
        args.append(monitor)
    with closing(store.connect()) as conn:
        rows = conn.execute(query + " ORDER BY d.id", args).fetchall()
    return [Delivery(r[0], _alert(r[7:]), r[1], r[2], r[3], r[4], _when(r[5]), _when(r[6])) for r in rows]  # type: ignore[arg-type]


def deliveries_of(store: Store, alert_id: int) -> list[tuple[str, str, int, str | None, dt.datetime | None]]:
    """(channel, target, attempts, last error, delivered at) of one alert's deliveries."""
    with closing(store.connect()) as conn:
        rows = conn.execute("SELECT channel, target, attempts, last_error, delivered_at FROM deliveries WHERE alert = ? ORDER BY id",
                            (alert_id,)).fetchall()
    return [(r[0], r[1], r[2], r[3], _when(r[4])) for r in rows]


def mark_delivered(store: Store, delivery_id: int, when: dt.datetime) -> None:
    with closing(store.connect()) as conn:
        conn.execute("UPDATE deliveries SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                     (_iso(when), delivery_id))


def mark_failed(store: Store, delivery_id: int, error: str, next_try: dt.datetime) -> None:
    with closing(store.connect()) as conn:
        conn.execute("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_try = ? WHERE id = ?",
                     (error[:500], _iso(next_try), delivery_id))


def hold(store: Store, delivery_id: int, until: dt.datetime, why: str) -> None:
    """Put a delivery off (quiet hours, rate limit) without counting an attempt."""
    with closing(store.connect()) as conn:
        conn.execute("UPDATE deliveries SET next_try = ?, last_error = ? WHERE id = ?", (_iso(until), why[:500], delivery_id))


def delivered_since(store: Store, monitor: str, channel: str, since: dt.datetime) -> list[dt.datetime]:
    """When this monitor's deliveries on `channel` were made since `since` (for the rate limit)."""
    with closing(store.connect()) as conn:
        rows = conn.execute(
            "SELECT d.delivered_at FROM deliveries d JOIN alerts a ON a.id = d.alert WHERE a.monitor = ? AND d.channel = ? "
            "AND d.delivered_at IS NOT NULL AND d.delivered_at > ? ORDER BY d.delivered_at", (monitor, channel, _iso(since)),
        ).fetchall()
    return [_when(r[0]) for r in rows]  # type: ignore[misc]
