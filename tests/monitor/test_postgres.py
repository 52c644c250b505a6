"""The monitor tables on a real PostgreSQL server (a throwaway cluster in a temp folder on a
free port, started here), as on SQLite: a watcher's files, one alert per episode across a
restart, the outbox's retries, and what the Alerts page does (monitors saved and deleted,
alerts snoozed and acknowledged).

The server's programs are found in BOILINGPOINT_PG_BIN, else the newest
/usr/lib/postgresql/*/bin (Debian's `postgresql` package; `make test` installs it when root),
else on the PATH. Without them, SQLAlchemy or psycopg, or when the cluster cannot start, the
tests are skipped saying why — a failure under CI=true, as for the browser tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail


def pg_bin(environ=os.environ) -> Path | None:
    """The folder of initdb and pg_ctl, or None."""
    if environ.get("BOILINGPOINT_PG_BIN"):
        return Path(environ["BOILINGPOINT_PG_BIN"])
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
    if done.returncode:
        skip_or_fail(f"PostgreSQL could not {what}: {' '.join((done.stderr or done.stdout).split())[:300]}")


@pytest.fixture(scope="module")
def pg_url():
    for module in ("sqlalchemy", "psycopg"):
        try:
            __import__(module)
        except ImportError:
            skip_or_fail(f"{module} is not installed: pip install 'boilingpoint[postgres]'")
    where = pg_bin()
    if where is None or not (where / "initdb").exists() or not (where / "pg_ctl").exists():
        skip_or_fail(f"PostgreSQL's initdb and pg_ctl are not installed (looked in {where or '/usr/lib/postgresql/*/bin and the PATH'}): "
                     "sudo apt-get install -y postgresql, or set BOILINGPOINT_PG_BIN")
    assert where is not None
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _no_postgres_user()):
        skip_or_fail("running as root without runuser or a postgres user: PostgreSQL refuses to run as root")
    folder = Path(tempfile.mkdtemp(prefix="bp-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    try:
        _run([str(where / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"], "create a cluster")
        _run([str(where / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], "start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(where / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _no_postgres_user() -> bool:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return True
    return False


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


def test_the_alerts_pages_actions_on_postgresql(tmp_path, pg_store):
    """What the Alerts & monitors page does, on the server: a monitor saved, listed, replaced and
    deleted; an alert snoozed, then acknowledged."""
    from dashboard.monitor.spec import parse_monitor
    from dashboard.store.monitors import (
        acknowledge,
        add_alert,
        delete_monitor,
        list_alerts,
        monitor_names,
        monitor_source,
        save_monitor,
        snooze,
    )
    from tests.monitor.test_deliver import NOW

    text = "name: m\nmentions: x.csv\nmin_stage: boiling\n"
    save_monitor(pg_store, parse_monitor(text, tmp_path))
    save_monitor(pg_store, parse_monitor(text.replace("boiling", "crisis"), tmp_path))  # the editor saves again
    assert monitor_names(pg_store) == ["m"] and "crisis" in (monitor_source(pg_store, "m") or "")
    alert = add_alert(pg_store, "m", "stage:crisis@2020-07-07T00:00", "stage:crisis", "crisis", "Crisis: …",
                      dt.datetime(2020, 7, 7), dt.datetime(2020, 7, 9), "http://localhost:8501/", [], now=NOW)
    assert alert is not None
    assert snooze(pg_store, alert.id, NOW + dt.timedelta(hours=4))
    assert list_alerts(pg_store, "m")[0].snoozed_until == NOW + dt.timedelta(hours=4)
    assert acknowledge(pg_store, alert.id) and list_alerts(pg_store, "m")[0].status() == "acknowledged"
    assert delete_monitor(pg_store, "m") and monitor_names(pg_store) == [] and not delete_monitor(pg_store, "m")


def test_pg_bin_prefers_the_variable_then_debians_newest(monkeypatch, tmp_path):
    assert pg_bin({"BOILINGPOINT_PG_BIN": str(tmp_path)}) == tmp_path
    found = pg_bin({})
    assert found is None or (found / "initdb").exists()


def test_open_monitor_store_refuses_other_urls_in_words():
    pytest.importorskip("sqlalchemy")
    from dashboard.store.sql import open_monitor_store

    with pytest.raises(ValueError, match="only postgresql"):
        open_monitor_store("mysql://x@localhost/db")
    with pytest.raises(ValueError, match="cannot open the database"):
        open_monitor_store(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none?connect_timeout=2")
