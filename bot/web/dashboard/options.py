"""Settings of the hotline dashboard, read from the environment (see README, "Hotline-Dashboard")."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.config import settings

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ja"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off", "nein"})


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of minutes, not {raw!r}")
    return value


@dataclass(frozen=True)
class DashboardOptions:
    # Secure cookies are only sent over HTTPS; off by default so http://localhost works.
    secure_cookies: bool = False
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    max_failed_logins: int = 5
    lockout: timedelta = timedelta(minutes=15)
    login_form_lifetime: timedelta = timedelta(minutes=30)
    timezone: str = "Europe/Berlin"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def lockout_minutes(self) -> int:
        return int(self.lockout.total_seconds() // 60)

    @classmethod
    def from_env(cls) -> "DashboardOptions":
        return cls(
            secure_cookies=_flag("DASHBOARD_SECURE_COOKIES", False),
            idle_timeout=timedelta(minutes=_positive_int("DASHBOARD_SESSION_MINUTES", 30)),
            lockout=timedelta(minutes=_positive_int("DASHBOARD_LOCKOUT_MINUTES", 15)),
            timezone=settings().timezone,
        )
