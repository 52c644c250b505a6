"""Opening the store: where it lives, WAL mode, the schema version and its migrations."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dashboard.store.migrations import MIGRATIONS

DB_NAME = "boilingpoint.sqlite3"
HOME_ENV = "BOILINGPOINT_HOME"


def data_home(environ: dict | None = None) -> Path:
    """The user's data folder for Boiling Point (see the package docstring)."""
    env = os.environ if environ is None else environ
    if env.get(HOME_ENV):
        return Path(env[HOME_ENV]).expanduser()
    base = Path(env["XDG_DATA_HOME"]).expanduser() if env.get("XDG_DATA_HOME") else Path.home() / ".local" / "share"
    return base / "boilingpoint"


@dataclass(frozen=True)
class Store:
    """An open store: its path and the version its schema is at."""

    path: Path

    def connect(self) -> sqlite3.Connection:
        """A new connection (one per call: SQLite connections are not shared across threads)."""
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    @property
    def version(self) -> int:
        with closing(self.connect()) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])


class closing:
    """A connection closed on leaving the block (sqlite3's own context manager only commits)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


def migrate(conn: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS) -> int:
    """Apply the steps the database has not had, each with its version in one transaction.
    Returns the version reached. A database newer than this code is refused."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > len(migrations):
        raise ValueError(f"the store is at schema version {current}, newer than this Boiling Point knows ({len(migrations)})")
    for version, step in enumerate(migrations[current:], start=current + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            again = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if again < version:  # another process may have migrated while we waited
                for statement in (s.strip() for s in step.split(";")):
                    if statement:
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return len(migrations)


def open_store(path: Path | str | None = None, create: bool = True) -> Store | None:
    """The store at `path` (a file, or a folder to hold DB_NAME; default: data_home()),
    created and migrated as needed. With create=False, None when it does not exist yet — so
    reading notes never leaves a database behind."""
    target = Path(path).expanduser() if path is not None else data_home()
    if target.suffix != ".sqlite3":
        target = target / DB_NAME
    if not target.exists():
        if not create:
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
    store = Store(target)
    with closing(store.connect()) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
    return store
