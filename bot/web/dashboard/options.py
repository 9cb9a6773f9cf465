"""Settings of the hotline dashboard, from the one Settings object (see README, "Hotline-Dashboard")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings

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
    def from_settings(cls, config: Settings) -> "DashboardOptions":
        return cls(
            secure_cookies=config.dashboard_secure_cookies,
            idle_timeout=timedelta(minutes=config.dashboard_session_minutes),
            lockout=timedelta(minutes=config.dashboard_lockout_minutes),
            timezone=config.timezone,
        )
