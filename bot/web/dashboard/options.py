"""Settings of the hotline dashboard, from the one Settings object (see README, "Hotline-Dashboard")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import DEFAULT_CONTENT_DIR, DEFAULT_TIMEZONE, Settings
from bot.web.dashboard.login_limits import LoginLimits


@dataclass(frozen=True)
class DashboardOptions:
    # Secure cookies are only sent over HTTPS; off by default so http://localhost works.
    secure_cookies: bool = False
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    login_form_lifetime: timedelta = timedelta(minutes=30)
    timezone: str = DEFAULT_TIMEZONE
    content_dir: Path = DEFAULT_CONTENT_DIR
    # Reverse proxies in front that append to X-Forwarded-For (see bot/web/client.py).
    proxies_count: int = 0
    login_limits: LoginLimits = field(default_factory=LoginLimits.defaults)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_settings(cls, config: Settings) -> "DashboardOptions":
        return cls(
            secure_cookies=config.dashboard_secure_cookies,
            idle_timeout=timedelta(minutes=config.dashboard_session_minutes),
            timezone=config.timezone,
            content_dir=config.content_dir,
            proxies_count=config.proxies_count,
            login_limits=LoginLimits.configured(config),
        )
