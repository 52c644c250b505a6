"""The monitor tables on a real PostgreSQL server (a throwaway cluster in a temp folder on a
free port, started here; skipped when PostgreSQL or SQLAlchemy is absent): a watcher's files,
one alert per episode across a restart, and the outbox's retries, as on SQLite."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("BOILINGPOINT_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="module")
def pg_url():
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL is not installed in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL cannot be started")
    folder = Path(tempfile.mkdtemp(prefix="bp-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                                 f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_store(pg_url):
    from dashboard.store.sql import SqlStore

    store = SqlStore(pg_url)
    conn = store.connect()
    for table in ("deliveries", "alerts", "monitor_files", "monitors"):
        conn.execute(f"DELETE FROM {table}")
    conn.close()
    yield store
    store.dispose()


def test_watch_on_postgresql_alerts_once_across_a_restart(tmp_path, home, pg_store, pg_url, parses):
    from dashboard.monitor.watch import Watcher
    from dashboard.store.monitors import file_states, list_alerts
    from dashboard.store.sql import SqlStore
    from tests.monitor.conftest import DEMO, monitor

    (tmp_path / "inbox").mkdir()
    shutil.copy(DEMO / "mentions.csv", tmp_path / "inbox" / "mentions.csv")
    spec = monitor(tmp_path)
    first = Watcher(spec, pg_store, home, lambda m: None).run_cycle()
    assert [a.episode_key for a in first.new_alerts] == ["stage:boiling@2020-11-11T00:00"]
    again = SqlStore(pg_url)  # another process: the state is on the server
    second = Watcher(spec, again, home, lambda m: None).run_cycle()
    assert parses == ["mentions"] and not second.new_alerts and second.files_unchanged == 1
    assert [a.episode_key for a in list_alerts(again, "m")] == ["stage:boiling@2020-11-11T00:00"]
    assert next(iter(file_states(again, "m").values())).state == "loaded"
    again.dispose()


def test_outbox_on_postgresql_retries_until_delivered(tmp_path, pg_store):
    from dashboard.monitor.deliver import work_outbox
    from dashboard.monitor.spec import parse_monitor
    from dashboard.store.monitors import acknowledge, add_alert, list_alerts, pending_deliveries, save_monitor
    from tests.monitor.test_deliver import NOW, Receiver, free_port

    port = free_port()
    spec = parse_monitor(f"name: m\nmentions: x.csv\nmin_stage: boiling\nwebhook: http://127.0.0.1:{port}/hook\n", tmp_path)
    save_monitor(pg_store, spec)
    alert = add_alert(pg_store, "m", "stage:boiling@2020-07-07T00:00", "stage:boiling", "boiling", "Boiling: …",
                      dt.datetime(2020, 7, 7), dt.datetime(2020, 7, 9), "http://localhost:8501/", [("webhook", spec.webhook.url)], now=NOW)
    assert alert is not None
    assert add_alert(pg_store, "m", "stage:boiling@2020-07-07T00:00", "stage:boiling", "boiling", "again",
                     dt.datetime(2020, 7, 7), dt.datetime(2020, 7, 9), "x", [], now=NOW) is None  # one per episode
    assert work_outbox(pg_store, spec, NOW, lambda m: None) == (0, 1, 0)
    assert pending_deliveries(pg_store, "m")[0].attempts == 1
    up = Receiver(port)
    try:
        assert work_outbox(pg_store, spec, NOW + dt.timedelta(seconds=30), lambda m: None) == (1, 0, 0)
        assert len(up.bodies) == 1 and up.bodies[0]["alert"] == alert.id
    finally:
        up.close()
    assert acknowledge(pg_store, alert.id) and list_alerts(pg_store, "m")[0].status() == "acknowledged"


def test_open_monitor_store_refuses_other_urls_in_words():
    pytest.importorskip("sqlalchemy")
    from dashboard.store.sql import open_monitor_store

    with pytest.raises(ValueError, match="only postgresql"):
        open_monitor_store("mysql://x@localhost/db")
    with pytest.raises(ValueError, match="cannot open the database"):
        open_monitor_store(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none?connect_timeout=2")
