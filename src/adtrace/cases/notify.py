"""Alert channels beyond the alerts table: a webhook (JSON POST, retried) and e-mail (SMTP).

Settings come from the environment (or are passed in), so a server can be configured without files:

  ADTRACE_BASE_URL            the app's address, for links: {base_url}/documents/{id}
  ADTRACE_ALERT_WEBHOOK       URL that receives one JSON POST per alert
  ADTRACE_ALERT_WEBHOOK_TIMEOUT, ADTRACE_ALERT_WEBHOOK_RETRIES   seconds (default 5), attempts (default 3)
  ADTRACE_SMTP_HOST, ADTRACE_SMTP_PORT (587), ADTRACE_SMTP_USER, ADTRACE_SMTP_PASSWORD,
  ADTRACE_SMTP_STARTTLS (1), ADTRACE_SMTP_FROM, ADTRACE_ALERT_EMAIL_TO (comma-separated)

Outbound messages carry reasons with identifiers masked (DESIGN §6: what leaves the system is
redacted by default); the full reasons stay in the database behind the app's access control.
"""

from __future__ import annotations

import logging
import os
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import httpx

from adtrace.places.hotlines import Hotline, hotline_or_default

if TYPE_CHECKING:
    from adtrace.cases.alerts import Alert

log = logging.getLogger(__name__)


@dataclass
class NotifyConfig:
    base_url: str = "http://127.0.0.1:8000"
    webhook_url: str | None = None
    webhook_timeout: float = 5.0
    webhook_retries: int = 3
    webhook_backoff: float = 0.5  # seconds before the 2nd attempt; doubles after each failure
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_from: str = "adtrace@localhost"
    email_to: tuple[str, ...] = ()
    redact: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> NotifyConfig:
        e = dict(os.environ if env is None else env)
        return cls(
            base_url=e.get("ADTRACE_BASE_URL", cls.base_url).rstrip("/"),
            webhook_url=e.get("ADTRACE_ALERT_WEBHOOK") or None,
            webhook_timeout=float(e.get("ADTRACE_ALERT_WEBHOOK_TIMEOUT", cls.webhook_timeout)),
            webhook_retries=int(e.get("ADTRACE_ALERT_WEBHOOK_RETRIES", cls.webhook_retries)),
            smtp_host=e.get("ADTRACE_SMTP_HOST") or None,
            smtp_port=int(e.get("ADTRACE_SMTP_PORT", cls.smtp_port)),
            smtp_user=e.get("ADTRACE_SMTP_USER") or None,
            smtp_password=e.get("ADTRACE_SMTP_PASSWORD") or None,
            smtp_starttls=e.get("ADTRACE_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
            smtp_from=e.get("ADTRACE_SMTP_FROM", cls.smtp_from),
            email_to=tuple(a.strip() for a in e.get("ADTRACE_ALERT_EMAIL_TO", "").split(",") if a.strip()),
        )


@dataclass
class Delivery:
    channel: str  # webhook | email
    alert_ids: list[int]
    ok: bool
    attempts: int
    error: str = ""


def mask(value: str) -> str:
    """Enough to recognise a value you already know, not enough to learn one: '+1702…99'."""
    return value if len(value) <= 4 else f"{value[:min(5, len(value) // 3)]}…{value[-2:]}"


def payload(alert: Alert, config: NotifyConfig) -> dict[str, Any]:
    reasons = []
    for r in alert.reasons:
        r = dict(r)
        if config.redact and isinstance(r.get("value"), str):
            r["value"] = mask(r["value"])
        reasons.append(r)
    return {"id": alert.id, "kind": alert.kind, "severity": alert.severity, "doc_id": alert.doc_id,
            "created_at": alert.created_at, "reasons": reasons, "link": alert.link(config.base_url),
            "note": "Indicators present, not a verdict on any person."}


def post_webhook(url: str, body: dict[str, Any], *, timeout: float, retries: int, backoff: float,
                 sleep: Callable[[float], None] = time.sleep) -> tuple[bool, int, str]:
    """POST JSON; retry on connection errors, timeouts and 5xx/429. Returns (ok, attempts, last error)."""
    error = ""
    attempts = 0
    wait = backoff
    for attempts in range(1, max(1, retries) + 1):
        try:
            resp = httpx.post(url, json=body, timeout=timeout, headers={"User-Agent": "adtrace-alerts"})
            if resp.status_code < 300:
                return True, attempts, ""
            error = f"HTTP {resp.status_code}"
            if resp.status_code < 500 and resp.status_code != 429:
                return False, attempts, error  # the receiver refused it: retrying will not help
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempts < retries:
            sleep(wait)
            wait *= 2
    return False, attempts, error


def email_message(alerts: Sequence[Alert], config: NotifyConfig, hotline: Hotline | None = None) -> EmailMessage:
    """One e-mail for a batch; `hotline` is the one of the country the alerts' ads point to (alerts picks it),
    else the organisation's (ADTRACE_COUNTRY), else the US one."""
    msg = EmailMessage()
    high = sum(1 for a in alerts if a.severity == "high")
    msg["Subject"] = f"adtrace: {len(alerts)} new alert{'s' * (len(alerts) != 1)}" + (f" ({high} high)" if high else "")
    msg["From"] = config.smtp_from
    msg["To"] = ", ".join(config.email_to)
    lines = []
    for a in alerts:
        p = payload(a, config)
        lines.append(f"[{a.severity}] alert {a.id}: {a.kind}")
        lines.extend(f"  - {r.get('text', r.get('kind'))}" + (f": {r['value']}" if r.get("value") else "")
                     for r in p["reasons"])
        lines.append(f"  {p['link']}\n")
    lines.append("Indicators present, not a verdict on any person.\n" + (hotline or hotline_or_default([])).line())
    msg.set_content("\n".join(lines))
    return msg


def send_email(alerts: Sequence[Alert], config: NotifyConfig, hotline: Hotline | None = None) -> tuple[bool, str]:
    if not config.smtp_host or not config.email_to:
        return False, "no SMTP host or recipients configured"
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.webhook_timeout) as smtp:
            if config.smtp_starttls:
                smtp.starttls()
            if config.smtp_user:
                smtp.login(config.smtp_user, config.smtp_password or "")
            smtp.send_message(email_message(alerts, config, hotline))
        return True, ""
    except (OSError, smtplib.SMTPException) as exc:
        return False, f"{type(exc).__name__}: {exc}"


@dataclass
class Notifier:
    """Sends new alerts through every configured channel; a failing channel is logged, never raised."""

    config: NotifyConfig = field(default_factory=NotifyConfig.from_env)
    deliveries: list[Delivery] = field(default_factory=list)  # the recent ones, for `watch` to report

    @property
    def channels(self) -> list[str]:
        out = []
        if self.config.webhook_url:
            out.append("webhook")
        if self.config.smtp_host and self.config.email_to:
            out.append("email")
        return out

    def send(self, alerts: Sequence[Alert], hotline: Hotline | None = None) -> list[Delivery]:
        """Deliver on every channel; `hotline` goes in the e-mail (None: the organisation's country's)."""
        if not alerts:
            return []
        out: list[Delivery] = []
        if self.config.webhook_url:
            for a in alerts:
                ok, attempts, error = post_webhook(self.config.webhook_url, payload(a, self.config),
                                                   timeout=self.config.webhook_timeout,
                                                   retries=self.config.webhook_retries,
                                                   backoff=self.config.webhook_backoff)
                out.append(Delivery("webhook", [a.id], ok, attempts, error))
        if self.config.smtp_host and self.config.email_to:
            ok, error = send_email(alerts, self.config, hotline)  # one message per batch: no mail storm
            out.append(Delivery("email", [a.id for a in alerts], ok, 1, error))
        for d in out:
            if not d.ok:
                log.warning("alert %s delivery failed after %d attempt(s): %s", d.channel, d.attempts, d.error)
        self.deliveries = (self.deliveries + out)[-100:]
        return out
