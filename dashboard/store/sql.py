"""The monitor tables on a server database, named by a SQLAlchemy URL — for a team that runs
several watchers and dashboards against one PostgreSQL:

    BOILINGPOINT_STORE_URL=postgresql+psycopg://bp@db.example.org/boilingpoint boilingpoint watch …

Only the monitor tables (monitors, monitor_files, alerts, deliveries) live there; notes and
uploads stay in the local SQLite store. The functions of dashboard/store/monitors.py run
unchanged: their SQL is the subset both databases share, and the connection here takes the
same `?` parameters and BEGIN IMMEDIATE as sqlite3 does. Needs SQLAlchemy and a driver
(`pip install sqlalchemy "psycopg[binary]"`); without a URL nothing here is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

URL_ENV = "BOILINGPOINT_STORE_URL"
SCHEMA_VERSION = 1
# The monitor tables of migration 4 (migrations.py) in PostgreSQL's words.
PG_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS boilingpoint_schema (name TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS monitors (name TEXT PRIMARY KEY, spec TEXT NOT NULL, definition TEXT NOT NULL, "
    "last_bucket TEXT, updated TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS monitor_files (monitor TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, size BIGINT NOT NULL, "
    "mtime_ns BIGINT NOT NULL, digest TEXT, state TEXT NOT NULL, rows_read BIGINT, loaded BIGINT, rejected BIGINT, message TEXT, "
    "checked TEXT NOT NULL, PRIMARY KEY (monitor, path))",
    "CREATE TABLE IF NOT EXISTS alerts (id BIGSERIAL PRIMARY KEY, monitor TEXT NOT NULL, episode_key TEXT NOT NULL, rule TEXT NOT NULL, "
    "stage TEXT NOT NULL, explanation TEXT NOT NULL, window_start TEXT NOT NULL, window_end TEXT NOT NULL, link TEXT NOT NULL, "
    "created TEXT NOT NULL, acknowledged TEXT, snoozed_until TEXT, UNIQUE (monitor, episode_key))",
    "CREATE INDEX IF NOT EXISTS alerts_by_created ON alerts (created)",
    "CREATE TABLE IF NOT EXISTS deliveries (id BIGSERIAL PRIMARY KEY, alert BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE, "
    "channel TEXT NOT NULL, target TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_try TEXT NOT NULL, "
    "delivered_at TEXT, created TEXT NOT NULL, UNIQUE (alert, channel, target))",
    "CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (delivered_at, next_try)",
)


class _Connection:
    """A SQLAlchemy connection that speaks as sqlite3's does to dashboard/store/monitors.py."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql: str, params=()):
        sql = sql.replace("BEGIN IMMEDIATE", "BEGIN")
        # The monitor queries hold no literal '?' or '%': their parameters become the driver's.
        return self._conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params))

    def close(self) -> None:
        self._conn.close()


class SqlStore:
    """The monitor tables at a SQLAlchemy URL (PostgreSQL), created on open."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if not parsed.get_backend_name().startswith("postgresql"):
            raise ValueError(f"{URL_ENV}: only postgresql:// URLs are supported (or none, for the local SQLite store), "
                             f"not {parsed.get_backend_name()}")
        self.url = parsed.render_as_string(hide_password=True)
        self.path = Path(self.url)  # what a log line names
        self._engine = create_engine(parsed, isolation_level="AUTOCOMMIT", pool_pre_ping=True, pool_size=2)
        self._create()

    def connect(self) -> _Connection:
        return _Connection(self._engine.connect())

    def _create(self) -> None:
        conn = self.connect()
        try:
            conn.execute("SELECT pg_advisory_lock(7117)")  # one process creates the tables at a time
            for statement in PG_SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT version FROM boilingpoint_schema WHERE name = 'monitors'").fetchone()
            if row is None:
                conn.execute("INSERT INTO boilingpoint_schema (name, version) VALUES ('monitors', ?)", (SCHEMA_VERSION,))
            elif int(row[0]) > SCHEMA_VERSION:
                raise ValueError(f"the monitor tables are at version {row[0]}, newer than this Boiling Point knows ({SCHEMA_VERSION})")
            conn.execute("SELECT pg_advisory_unlock(7117)")
        finally:
            conn.close()

    def dispose(self) -> None:
        self._engine.dispose()


def open_monitor_store(url: str | None = None, environ=None):
    """Where monitors keep their state: the PostgreSQL database of `url` (or of
    BOILINGPOINT_STORE_URL), else the local SQLite store. ValueError for a URL it cannot use."""
    env = os.environ if environ is None else environ
    url = url or env.get(URL_ENV) or None
    if not url:
        from dashboard.store.db import open_store

        return open_store()
    try:
        return SqlStore(url)
    except ImportError as exc:
        raise ValueError(f"{URL_ENV} needs SQLAlchemy and a PostgreSQL driver: pip install sqlalchemy 'psycopg[binary]' ({exc})") from None
    except Exception as exc:  # noqa: BLE001 — a driver's own error types (OperationalError …): said in words
        if isinstance(exc, ValueError):
            raise
        raise ValueError(f"{URL_ENV}: cannot open the database: {' '.join(str(exc).split())[:300]}") from None
