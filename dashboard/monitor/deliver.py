"""Delivering alerts: a persistent outbox in the store, worked each cycle.

Every alert gets one delivery per channel when it is raised (the local log, the webhook,
the e-mail), in the same transaction as the alert: nothing is lost if the process stops.
A delivery is tried when it is due; a failure (receiver down, slow, HTTP 500, a timeout,
an SMTP error) is counted, its error kept, and the next try put off with exponential
back-off (30 s, 1 min, 2 min, … at most an hour) — it is retried, next cycle or after a
restart, until it succeeds. Quiet hours and the rate limit hold a delivery (the log
channel excepted): it is put off to the end of the quiet hours or until the rate allows,
never dropped.

E-mail goes over SMTP with STARTTLS; the login comes from the environment only:
BOILINGPOINT_SMTP_USER and BOILINGPOINT_SMTP_PASSWORD (no login when unset), and
BOILINGPOINT_SMTP_CAFILE names a CA bundle for a server with a private certificate. A
login is never sent over a connection without STARTTLS. BOILINGPOINT_WEBHOOK_TIMEOUT and
BOILINGPOINT_SMTP_TIMEOUT (seconds) bound each attempt (default 10 and 20).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from dashboard.monitor.spec import MonitorSpec
from dashboard.store.monitors import (
    Delivery,
    Store,
    StoredAlert,
    delivered_since,
    hold,
    mark_delivered,
    mark_failed,
    pending_deliveries,
)

BACKOFF_FIRST = 30.0  # seconds before the first retry
BACKOFF_MAX = 3600.0
USER_ENV, PASSWORD_ENV, CAFILE_ENV = "BOILINGPOINT_SMTP_USER", "BOILINGPOINT_SMTP_PASSWORD", "BOILINGPOINT_SMTP_CAFILE"
WEBHOOK_TIMEOUT_ENV, SMTP_TIMEOUT_ENV = "BOILINGPOINT_WEBHOOK_TIMEOUT", "BOILINGPOINT_SMTP_TIMEOUT"


class DeliveryError(Exception):
    """A delivery that did not go through, with the reason in words."""


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the attempts-th failure (1, 2, …)."""
    return dt.timedelta(seconds=min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX))


def _timeout(name: str, default: float, env=None) -> float:
    env = os.environ if env is None else env
    try:
        value = float(env.get(name, default))
    except ValueError:
        return default
    return value if 0 < value <= 600 else default


# --- what is sent --------------------------------------------------------------------------


def alert_json(alert: StoredAlert) -> dict:
    return {
        "monitor": alert.monitor, "alert": alert.id, "episode": alert.episode_key, "rule": alert.rule,
        "stage": alert.stage, "explanation": alert.explanation,
        "window": {"start": alert.window_start.isoformat() + "Z", "end": alert.window_end.isoformat() + "Z"},
        "link": alert.link, "created": alert.created.isoformat() + "Z",
    }


def title(alert: StoredAlert) -> str:
    rule = alert.rule.replace("stage:", "entered ").replace("_", " ")
    return f"Boiling Point · {alert.monitor}: {alert.stage} ({rule}) since {alert.window_start:%d %b %Y %H:%M} UTC"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(alert: StoredAlert, fmt: str = "json") -> dict:
    """The body posted for an alert: our JSON, a Slack incoming-webhook message, or a Teams card."""
    if fmt == "slack":
        text = f"*{_slack_escape(title(alert))}*\n{_slack_escape(alert.explanation)}\n<{alert.link}|Open the view>"
        return {"text": f"{title(alert)}: {alert.explanation}",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
    if fmt == "teams":
        return {
            "@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": title(alert),
            "title": title(alert), "text": alert.explanation, "themeColor": "C0392B",
            "potentialAction": [{"@type": "OpenUri", "name": "Open the view", "targets": [{"os": "default", "uri": alert.link}]}],
        }
    return alert_json(alert)


def email_message(alert: StoredAlert, sender: str, to: tuple[str, ...]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = title(alert)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg.set_content(
        f"{title(alert)}\n\n{alert.explanation}\n\nWindow: {alert.window_start:%Y-%m-%d %H:%M} to "
        f"{alert.window_end:%Y-%m-%d %H:%M} UTC\nOpen the view: {alert.link}\n\n"
        f"Monitor {alert.monitor}, episode {alert.episode_key}.\n"
    )
    return msg


# --- channels ------------------------------------------------------------------------------


def post_webhook(url: str, payload: dict, timeout: float | None = None) -> None:
    body = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "boilingpoint-monitor"})
    try:
        with urllib.request.urlopen(request, timeout=timeout or _timeout(WEBHOOK_TIMEOUT_ENV, 10.0)) as response:  # noqa: S310 - http(s) only (spec)
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError("timed out") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise DeliveryError("timed out" if isinstance(reason, TimeoutError) else f"cannot reach the receiver: {reason}") from None
    except OSError as exc:
        raise DeliveryError(f"connection failed: {exc}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")


def send_email(spec_email, message: EmailMessage, env=None, timeout: float | None = None) -> None:
    env = os.environ if env is None else env
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if user and not spec_email.starttls:
        raise DeliveryError(f"{USER_ENV} is set but starttls is off: a login is never sent unencrypted")
    try:
        with smtplib.SMTP(spec_email.host, spec_email.port, timeout=timeout or _timeout(SMTP_TIMEOUT_ENV, 20.0, env)) as smtp:
            smtp.ehlo()
            if spec_email.starttls:
                context = ssl.create_default_context(cafile=env.get(CAFILE_ENV) or None)
                smtp.starttls(context=context)
                smtp.ehlo()
            if user:
                smtp.login(user, password or "")
            smtp.send_message(message)
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP: {' '.join(str(exc).split())[:300]}") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS: {exc.reason or exc}") from None
    except TimeoutError:
        raise DeliveryError("SMTP: timed out") from None
    except OSError as exc:
        raise DeliveryError(f"SMTP: cannot reach {spec_email.host}:{spec_email.port}: {exc.strerror or exc}") from None


def append_log(path: Path, alert: StoredAlert) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(alert_json(alert), ensure_ascii=False) + "\n")


def send(delivery: Delivery, spec: MonitorSpec, env=None) -> None:
    """Make one delivery; DeliveryError when it did not go through."""
    alert = delivery.alert
    if delivery.channel == "log":
        try:
            append_log(Path(delivery.target), alert)
        except OSError as exc:
            raise DeliveryError(f"cannot write the alert log: {exc.strerror or exc}") from None
    elif delivery.channel == "webhook":
        fmt = spec.webhook.format if spec.webhook is not None and spec.webhook.url == delivery.target else "json"
        post_webhook(delivery.target, webhook_payload(alert, fmt))
    elif delivery.channel == "email":
        if spec.email is None:
            raise DeliveryError("the monitor has no e-mail settings any more")
        send_email(spec.email, email_message(alert, spec.email.sender, tuple(delivery.target.split(","))), env)
    else:
        raise DeliveryError(f"unknown channel {delivery.channel!r}")


def _held_until(store: Store, spec: MonitorSpec, d: Delivery, now: dt.datetime) -> tuple[dt.datetime, str] | None:
    if d.channel == "log":
        return None
    if spec.quiet_hours is not None and spec.quiet_hours.contains(now):
        return spec.quiet_hours.ends_after(now), "held: quiet hours"
    rate = spec.rate_limit
    if rate is not None:
        window = dt.timedelta(seconds=rate.seconds)
        made = delivered_since(store, spec.name, d.channel, now - window)
        if len(made) >= rate.count:
            return made[-rate.count] + window, f"held: rate limit {rate}"
    return None


def work_outbox(store: Store, spec: MonitorSpec, now: dt.datetime, log: Callable[[str], None], env=None) -> tuple[int, int, int]:
    """Try every due delivery of the monitor. Returns (delivered, failed, held)."""
    delivered = failed = held = 0
    for d in pending_deliveries(store, spec.name):
        if d.next_try > now:
            continue
        wait = _held_until(store, spec, d, now)
        if wait is not None:
            hold(store, d.id, wait[0], wait[1])
            held += 1
            log(f"[{spec.name}] delivery {d.id} ({d.channel}, alert {d.alert.id}): {wait[1]}, until {wait[0]:%Y-%m-%d %H:%M}Z")
            continue
        try:
            send(d, spec, env)
        except DeliveryError as exc:
            later = now + backoff(d.attempts + 1)
            mark_failed(store, d.id, str(exc), later)
            failed += 1
            log(f"[{spec.name}] delivery {d.id} ({d.channel} {d.target}, alert {d.alert.id}) failed, attempt {d.attempts + 1}: "
                f"{exc}; next try {later:%Y-%m-%d %H:%M:%S}Z")
            continue
        mark_delivered(store, d.id, now)
        delivered += 1
        log(f"[{spec.name}] delivered alert {d.alert.id} ({d.alert.episode_key}) by {d.channel} to {d.target}"
            f" (attempt {d.attempts + 1})")
    return delivered, failed, held
