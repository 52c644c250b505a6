"""Delivery through the outbox against a real local HTTP receiver and a real SMTP server
(aiosmtpd, STARTTLS, login from the environment), with faults: the receiver down, slow,
answering 500, timing out. Nothing is lost: each failure is kept, retried with back-off and
delivered once the receiver answers; quiet hours and the rate limit hold, never drop."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import threading
import time
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard.monitor.deliver import backoff, webhook_payload, work_outbox
from dashboard.monitor.spec import parse_monitor
from dashboard.store.db import open_store
from dashboard.store.monitors import add_alert, deliveries_of, pending_deliveries, save_monitor

NOW = dt.datetime(2026, 3, 2, 12, 0, 0)  # a Monday, noon UTC


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """An HTTP server in a thread that records what is posted; `mode` decides its answer."""

    def __init__(self, port: int | None = None, mode: str = "ok"):
        self.mode = mode
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.mode == "slow":
                    time.sleep(2.0)
                    return  # the client has given up by now
                if receiver.mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.bodies.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def setup(tmp_path, url: str, extra: str = "", fmt: str = "json"):
    store = open_store(tmp_path / "home")
    assert store is not None
    spec = parse_monitor(f"name: m\nmentions: x.csv\nmin_stage: boiling\nwebhook: {{url: '{url}', format: {fmt}}}\n{extra}", tmp_path)
    save_monitor(store, spec)
    return store, spec


def raise_alert(store, spec, key: str = "stage:boiling@2020-07-07T00:00", channels=None):
    channels = channels or [("webhook", spec.webhook.url)]
    return add_alert(store, spec.name, key, "stage:boiling", "boiling", "Boiling: attention 3.0× expected <b>x</b>",
                     dt.datetime(2020, 7, 7), dt.datetime(2020, 7, 9), "http://localhost:8501/?actor=TikTok&tab=Why", channels, now=NOW)


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(k).total_seconds() for k in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30).total_seconds() == 3600


def test_webhook_payloads_json_slack_teams(tmp_path):
    store, spec = setup(tmp_path, "http://127.0.0.1:9/hook")
    alert = raise_alert(store, spec)
    plain = webhook_payload(alert, "json")
    assert (plain["stage"], plain["window"], plain["link"]) == (
        "boiling", {"start": "2020-07-07T00:00:00Z", "end": "2020-07-09T00:00:00Z"}, alert.link)
    assert plain["explanation"].startswith("Boiling: attention")
    slack = webhook_payload(alert, "slack")
    block = slack["blocks"][0]["text"]["text"]
    assert "&lt;b&gt;x&lt;/b&gt;" in block and f"<{alert.link}|Open the view>" in block  # data escaped, the link a link
    teams = webhook_payload(alert, "teams")
    assert teams["@type"] == "MessageCard" and teams["potentialAction"][0]["targets"][0]["uri"] == alert.link


def test_webhook_delivered_once(tmp_path, receiver):
    store, spec = setup(tmp_path, receiver.url)
    raise_alert(store, spec)
    lines: list[str] = []
    assert work_outbox(store, spec, NOW, lines.append) == (1, 0, 0)
    assert len(receiver.bodies) == 1 and receiver.bodies[0]["stage"] == "boiling"
    assert work_outbox(store, spec, NOW + dt.timedelta(hours=1), lines.append) == (0, 0, 0)  # never twice
    assert len(receiver.bodies) == 1 and "delivered alert" in lines[0]


def test_webhook_receiver_down_is_retried_after_a_restart(tmp_path):
    port = free_port()  # nothing listens there
    store, spec = setup(tmp_path, f"http://127.0.0.1:{port}/hook")
    alert = raise_alert(store, spec)
    lines: list[str] = []
    assert work_outbox(store, spec, NOW, lines.append) == (0, 1, 0)
    (channel, target, attempts, error, delivered) = deliveries_of(store, alert.id)[0]
    assert attempts == 1 and delivered is None and "cannot reach the receiver" in str(error)
    assert "failed, attempt 1" in lines[0] and "next try 2026-03-02 12:00:30Z" in lines[0]
    assert work_outbox(store, spec, NOW + dt.timedelta(seconds=10), lines.append) == (0, 0, 0)  # not due yet
    up = Receiver(port)
    try:
        reopened = open_store(tmp_path / "home")  # a restart: the outbox is in the store
        assert reopened is not None and len(pending_deliveries(reopened, "m")) == 1
        assert work_outbox(reopened, spec, NOW + dt.timedelta(seconds=31), lines.append) == (1, 0, 0)
        assert len(up.bodies) == 1 and up.bodies[0]["alert"] == alert.id
    finally:
        up.close()


def test_webhook_http_500_backs_off_then_delivers(tmp_path, receiver):
    store, spec = setup(tmp_path, receiver.url)
    alert = raise_alert(store, spec)
    receiver.mode = "500"
    assert work_outbox(store, spec, NOW, lambda m: None) == (0, 1, 0)
    assert work_outbox(store, spec, NOW + dt.timedelta(seconds=30), lambda m: None) == (0, 1, 0)
    pending = pending_deliveries(store, "m")[0]
    assert pending.attempts == 2 and pending.last_error == "HTTP 500 Internal Server Error"
    assert pending.next_try == NOW + dt.timedelta(seconds=90)  # 30 s, then 60 s
    receiver.mode = "ok"
    assert work_outbox(store, spec, NOW + dt.timedelta(seconds=90), lambda m: None) == (1, 0, 0)
    assert deliveries_of(store, alert.id)[0][2] == 3 and len(receiver.bodies) == 1


def test_webhook_slow_receiver_times_out_and_is_kept(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("BOILINGPOINT_WEBHOOK_TIMEOUT", "0.5")
    store, spec = setup(tmp_path, receiver.url)
    raise_alert(store, spec)
    receiver.mode = "slow"
    t0 = time.perf_counter()
    assert work_outbox(store, spec, NOW, lambda m: None) == (0, 1, 0)
    assert time.perf_counter() - t0 < 1.8
    assert pending_deliveries(store, "m")[0].last_error == "timed out"


def test_quiet_hours_hold_the_webhook_not_the_log(tmp_path, receiver):
    store, spec = setup(tmp_path, receiver.url, "quiet_hours: 11:00-13:30\n")
    raise_alert(store, spec, channels=[("log", str(tmp_path / "alerts.log")), ("webhook", receiver.url)])
    lines: list[str] = []
    assert work_outbox(store, spec, NOW, lines.append) == (1, 0, 1)
    assert (tmp_path / "alerts.log").read_text().count("\n") == 1 and not receiver.bodies
    assert any("held: quiet hours, until 2026-03-02 13:30Z" in line for line in lines)
    assert work_outbox(store, spec, NOW + dt.timedelta(hours=1), lines.append) == (0, 0, 0)
    assert work_outbox(store, spec, dt.datetime(2026, 3, 2, 13, 30), lines.append) == (1, 0, 0)
    assert len(receiver.bodies) == 1


def test_rate_limit_holds_the_extra_alerts_until_the_rate_allows(tmp_path, receiver):
    store, spec = setup(tmp_path, receiver.url, "rate_limit: 2/hour\n")
    for day in (7, 8, 9):
        raise_alert(store, spec, key=f"stage:boiling@2020-07-0{day}T00:00")
    assert work_outbox(store, spec, NOW, lambda m: None) == (2, 0, 1)
    assert pending_deliveries(store, "m")[0].next_try == NOW + dt.timedelta(hours=1)
    assert work_outbox(store, spec, NOW + dt.timedelta(minutes=59), lambda m: None) == (0, 0, 0)
    assert work_outbox(store, spec, NOW + dt.timedelta(hours=1), lambda m: None) == (1, 0, 0)
    assert len(receiver.bodies) == 3 and len({b["episode"] for b in receiver.bodies}) == 3


# --- e-mail against a real SMTP server -------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return key, cert


@pytest.fixture
def smtp_server(certificate):
    import ssl

    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.smtp import AuthResult, LoginPassword

    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    class Handler:
        def __init__(self):
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"bp", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    handler = Handler()
    controller = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
                                     auth_required=True, auth_require_tls=True, authenticator=authenticator)
    controller.start()
    yield controller, handler, cert
    controller.stop()


def email_setup(tmp_path, port: int):
    store = open_store(tmp_path / "home")
    assert store is not None
    spec = parse_monitor(f"name: m\nmentions: x.csv\nmin_stage: boiling\n"
                         f"email: {{to: [comms@example.org], from: bp@example.org, smtp: '127.0.0.1:{port}'}}\n", tmp_path)
    save_monitor(store, spec)
    alert = raise_alert(store, spec, channels=[("email", "comms@example.org")])
    return store, spec, alert


def test_email_over_starttls_with_the_login_from_the_environment(tmp_path, smtp_server):
    controller, handler, cert = smtp_server
    store, spec, alert = email_setup(tmp_path, controller.port)
    env = {"BOILINGPOINT_SMTP_USER": "bp", "BOILINGPOINT_SMTP_PASSWORD": "s3cret", "BOILINGPOINT_SMTP_CAFILE": str(cert)}
    assert work_outbox(store, spec, NOW, lambda m: None, env) == (1, 0, 0)
    (rcpt, msg), = handler.messages
    assert rcpt == ["comms@example.org"] and msg["From"] == "bp@example.org"
    assert "m: boiling" in msg["Subject"]
    body = msg.get_payload(decode=True).decode()
    assert alert.link in body and "Boiling: attention 3.0" in body


def test_email_refused_login_is_kept_and_retried(tmp_path, smtp_server):
    controller, handler, cert = smtp_server
    store, spec, alert = email_setup(tmp_path, controller.port)
    wrong = {"BOILINGPOINT_SMTP_USER": "bp", "BOILINGPOINT_SMTP_PASSWORD": "nope", "BOILINGPOINT_SMTP_CAFILE": str(cert)}
    assert work_outbox(store, spec, NOW, lambda m: None, wrong) == (0, 1, 0)
    assert "SMTP" in str(pending_deliveries(store, "m")[0].last_error) and not handler.messages
    untrusted = {"BOILINGPOINT_SMTP_USER": "bp", "BOILINGPOINT_SMTP_PASSWORD": "s3cret"}  # the server's certificate is not trusted
    assert work_outbox(store, spec, NOW + dt.timedelta(minutes=1), lambda m: None, untrusted) == (0, 1, 0)
    right = {**wrong, "BOILINGPOINT_SMTP_PASSWORD": "s3cret"}
    assert work_outbox(store, spec, NOW + dt.timedelta(minutes=5), lambda m: None, right) == (1, 0, 0)
    assert len(handler.messages) == 1 and deliveries_of(store, alert.id)[0][2] == 3


def test_email_never_logs_in_without_starttls(tmp_path, smtp_server):
    controller, handler, cert = smtp_server
    store = open_store(tmp_path / "home")
    assert store is not None
    spec = parse_monitor(f"name: m\nmentions: x.csv\nmin_stage: boiling\nemail: {{to: a@example.org, from: b@example.org, "
                         f"smtp: '127.0.0.1:{controller.port}', starttls: false}}\n", tmp_path)
    raise_alert(store, spec, channels=[("email", "a@example.org")])
    assert work_outbox(store, spec, NOW, lambda m: None, {"BOILINGPOINT_SMTP_USER": "bp", "BOILINGPOINT_SMTP_PASSWORD": "x"}) == (0, 1, 0)
    assert "never sent unencrypted" in str(pending_deliveries(store, "m")[0].last_error)


def test_one_email_and_one_webhook_per_episode_as_files_land(tmp_path, smtp_server, receiver, monkeypatch):
    """The issue's 'done when': files dropped into a folder, one e-mail and one webhook per
    episode, each with the explanation and a link."""
    import shutil

    from dashboard.monitor.watch import Watcher
    from dashboard.store.monitors import list_alerts
    from tests.monitor.conftest import demo_mentions, write_months

    controller, handler, cert = smtp_server
    for name, value in {"BOILINGPOINT_SMTP_USER": "bp", "BOILINGPOINT_SMTP_PASSWORD": "s3cret", "BOILINGPOINT_SMTP_CAFILE": str(cert)}.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    store = open_store(home)
    assert store is not None
    spec = parse_monitor(
        f"name: tiktok-watch\nmentions: inbox/*.csv\nactors: [TikTok]\nmin_stage: boiling\nsettle_seconds: 0\n"
        f"webhook: {receiver.url}\nemail: {{to: [comms@example.org], from: bp@example.org, smtp: '127.0.0.1:{controller.port}'}}\n",
        tmp_path)
    staging = write_months(tmp_path / "staging", demo_mentions(), ["2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11"])
    (tmp_path / "inbox").mkdir()
    for path in staging:
        shutil.copy(path, tmp_path / "inbox" / path.name)
        Watcher(spec, store, home, lambda m: None).run_cycle()
    alerts = list_alerts(store, "tiktok-watch")
    assert len(alerts) >= 2
    assert sorted(b["episode"] for b in receiver.bodies) == sorted(a.episode_key for a in alerts)
    assert len(handler.messages) == len(alerts)
    for _, msg in handler.messages:
        body = msg.get_payload(decode=True).decode()
        assert "http://localhost:8501/?" in body and "Boiling" in body
