"""What the assistant depends on, and whether each answers: for the web server's /health (load
balancers, monitoring) and `python -m bot doctor` (operators). Every check has a short time-out
and never raises."""

from __future__ import annotations

import smtplib
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, Dict, Optional

import sqlalchemy as sa

from bot.balancer import ACTIONS_HEALTH_PATH
from bot.config import Settings

OK, FAILED, CONFIGURED, NOT_CONFIGURED = "ok", "failed", "configured", "not_configured"
TIMEOUT_SECONDS = 2.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # internal addresses, never a proxy


def local_address(host: str) -> str:
    """The address to reach a server bound to `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def rasa_health_url(settings: Settings) -> str:
    """Behind the balancer: any Rasa server through its internal door."""
    if settings.balancer:
        return f"{settings.balancer_internal_url}/"
    return f"http://{local_address(settings.rasa_host)}:{settings.rasa_port}/"


def actions_health_url(settings: Settings) -> str:
    if settings.balancer:
        return f"{settings.balancer_internal_url}{ACTIONS_HEALTH_PATH}"
    base = settings.actions_url.rsplit("/webhook", 1)[0]
    return f"{base}/health"


def http_ok(url: str, timeout: float = TIMEOUT_SECONDS) -> bool:
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def database_ok(url: str, timeout: float = TIMEOUT_SECONDS) -> bool:
    from bot.storage.db import get_engine

    try:
        with get_engine(url, timeout).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: not reachable
        return False


def smtp_ok(settings: Settings, timeout: float = TIMEOUT_SECONDS) -> Optional[bool]:
    """None when no SMTP server is configured (the bot then sends no mail, by design)."""
    if settings.smtp is None:
        return None
    try:
        with smtplib.SMTP(settings.smtp.host, settings.smtp.port, timeout=timeout) as server:
            server.noop()
        return True
    except (OSError, smtplib.SMTPException, socket.timeout):
        return False


@dataclass(frozen=True)
class Health:
    checks: Dict[str, str]

    @property
    def healthy(self) -> bool:
        """Everything a conversation needs answers (mail is optional)."""
        return all(self.checks[name] == OK for name in ("database", "rasa", "actions"))


def check_all(settings: Settings, probe: Callable[[str], bool] = http_ok) -> Health:
    """For /health, called every few seconds by a balancer: mail is reported as configured or
    not, without connecting (`python -m bot doctor` connects)."""
    return Health(
        {
            "database": OK if database_ok(settings.database_url) else FAILED,
            "rasa": OK if probe(rasa_health_url(settings)) else FAILED,
            "actions": OK if probe(actions_health_url(settings)) else FAILED,
            "smtp": CONFIGURED if settings.smtp else NOT_CONFIGURED,
        }
    )
