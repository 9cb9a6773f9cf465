"""Configuration from the environment, with defaults that make `make run` work without setup.

The one place that reads environment variables: every other module gets its values from a
`Settings` object. Each variable is validated here, with a German message naming it, so a wrong
value stops the start instead of failing later in the middle of a conversation.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The content shipped with the project; GOCLUSTER_CONTENT_DIR may point elsewhere (Settings.content_dir).
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"
DEFAULT_TIMEZONE = "Europe/Berlin"

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ja"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "nein"})
_PERIODS = {"s": 1, "min": 60, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{0,6})\s*(s|min|m|h|d)\s*$")


class ConfigError(ValueError):
    """A variable has a value that cannot work; the message is German and names the variable."""


@dataclass(frozen=True)
class RateLimitSpec:
    """At most `count` events per `window` and key."""

    count: int
    window: timedelta


# Name -> (default, what is counted). Each can be changed with RATE_LIMIT_<NAME>, e.g.
# RATE_LIMIT_BOOKINGS_PER_CLIENT=20/d. Conversation = one chat (sender), client = one network address.
RATE_LIMIT_DEFAULTS: Dict[str, Tuple[str, str]] = {
    "messages_per_conversation": ("30/min", "Nachrichten je Gespräch"),
    "messages_per_client": ("120/min", "Nachrichten je Netzadresse"),
    "lookup_failures_per_conversation": ("5/15min", "fehlgeschlagene Abfragen mit Buchungsnummer je Gespräch"),
    "lookup_failures_per_client": ("20/h", "fehlgeschlagene Abfragen mit Buchungsnummer je Netzadresse"),
    "lookup_failures_per_email": ("10/h", "fehlgeschlagene Abfragen mit Buchungsnummer je E-Mail-Adresse"),
    "bookings_per_conversation": ("3/d", "Buchungen je Gespräch"),
    "bookings_per_client": ("10/d", "Buchungen je Netzadresse"),
    "tickets_per_conversation": ("3/d", "Anfragen an die Hotline je Gespräch"),
    "tickets_per_client": ("10/d", "Anfragen an die Hotline je Netzadresse"),
    "mails_per_recipient": ("5/d", "E-Mails an dieselbe Adresse"),
    "hotline_mails": ("200/d", "E-Mails an das Hotline-Postfach insgesamt"),
    "login_failures_per_client": ("20/15min", "fehlgeschlagene Anmeldungen je Netzadresse"),
    "login_failures_per_account_and_client": ("5/15min",
                                              "fehlgeschlagene Anmeldungen je Konto und Netzadresse"),
    "login_failures_per_account": ("100/h", "fehlgeschlagene Anmeldungen je Konto von allen Adressen"),
}


# Variables that were replaced: still set, they stop the start rather than being silently ignored.
REMOVED_VARIABLES: Dict[str, str] = {
    "DASHBOARD_LOCKOUT_MINUTES": "RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT (z. B. 5/15min)",
}


def parse_rate(name: str, spec: str) -> RateLimitSpec:
    """'5/15min', '10/h', '3/d' (count per period). Raises ConfigError."""
    match = _RATE.match(spec or "")
    if not match or int(match.group(1)) < 1:
        raise ConfigError(f"{name}: ungültige Ratenbegrenzung {spec!r}, erwartet z. B. '5/15min', '10/h' oder '3/d'")
    periods = int(match.group(2) or 1)
    return RateLimitSpec(int(match.group(1)), timedelta(seconds=periods * _PERIODS[match.group(3)]))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    var_dir: Path
    database_url: str
    tracker_database_url: str
    timezone: str
    # Network: what listens where. Everything binds to loopback unless configured otherwise.
    rasa_host: str
    rasa_port: int
    rasa_url: str                        # where the web server's pages find Rasa (browser side)
    actions_host: str
    actions_port: int
    actions_url: str                     # where Rasa finds the action server
    web_host: str
    web_port: int
    public_url: str
    privacy_url: str
    cors_origins: Tuple[str, ...]
    endpoints_file: Path
    # Doors: request sizes, who may use the REST channel and the Rasa HTTP API.
    max_request_bytes: int               # Rasa and web server (chat messages, forms)
    max_action_request_bytes: int        # action server (Rasa sends whole conversations)
    proxies_count: int                   # reverse proxies in front that set X-Forwarded-For
    rest_channel: str                    # on | off
    actions_timeout_seconds: float       # how long Rasa waits for a custom action
    database_timeout_seconds: float      # how long a database call waits for a lock or connection
    rest_token: str = field(repr=False, default="")
    rasa_api_token: str = field(repr=False, default="")
    secret_key: str = field(repr=False, default="")
    rate_limits: Mapping[str, RateLimitSpec] = field(default_factory=dict)
    # Mail, hotline, retention, dashboard.
    smtp: Optional[SmtpSettings] = None
    hotline_notify_email: str = ""
    hotline_hours: str = ""
    retention_days: int = 90
    dashboard_secure_cookies: bool = False
    dashboard_session_minutes: int = 30
    # The messengers' variables as given (bot/channels.py validates them: all or none per messenger).
    messenger_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def rate_limit(self, name: str) -> RateLimitSpec:
        return self.rate_limits[name]


class _Env:
    """Typed reads of the environment; each error names the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str, default: str = "") -> str:
        return (self.environ.get(name) or "").strip() or default

    def integer(self, name: str, default: int, minimum: int = 0, maximum: int = 2**31) -> int:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} muss eine ganze Zahl sein, nicht {raw!r}") from None
        if not minimum <= value <= maximum:
            raise ConfigError(f"{name} muss zwischen {minimum} und {maximum} liegen, nicht {value}")
        return value

    def port(self, name: str, default: int) -> int:
        return self.integer(name, default, 1, 65535)

    def flag(self, name: str, default: bool) -> bool:
        raw = self.text(name).lower()
        if not raw:
            return default
        if raw in TRUE_WORDS:
            return True
        if raw in FALSE_WORDS:
            return False
        raise ConfigError(f"{name} muss true oder false sein, nicht {raw!r}")

    def choice(self, name: str, default: str, choices: Tuple[str, ...]) -> str:
        raw = self.text(name, default).lower()
        if raw not in choices:
            raise ConfigError(f"{name} muss einer dieser Werte sein: {', '.join(choices)} (nicht {raw!r})")
        return raw


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _timezone(env: _Env) -> str:
    name = env.text("GOCLUSTER_TIMEZONE", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"GOCLUSTER_TIMEZONE: unbekannte Zeitzone {name!r}") from None
    return name


def _smtp(env: _Env) -> Optional[SmtpSettings]:
    host = env.text("SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(host=host, port=env.port("SMTP_PORT", 25),
                        sender=env.text("SMTP_FROM", "go-cluster-assistent@localhost"),
                        username=env.text("SMTP_USER"), password=env.environ.get("SMTP_PASSWORD") or "",
                        starttls=env.flag("SMTP_STARTTLS", False),
                        timeout=float(env.integer("SMTP_TIMEOUT_SECONDS", 10, 1, 120)))


def _rate_limits(env: _Env) -> Dict[str, RateLimitSpec]:
    return {name: parse_rate(f"RATE_LIMIT_{name.upper()}", env.text(f"RATE_LIMIT_{name.upper()}", default))
            for name, (default, _what) in RATE_LIMIT_DEFAULTS.items()}


def messenger_variables() -> Tuple[str, ...]:
    from bot.channels import CHANNELS

    return tuple(name for channel in CHANNELS for name in channel.variables)


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Settings from the given mapping (default: the process environment). Raises ConfigError."""
    env = _Env(os.environ if environ is None else environ)
    for name, replacement in REMOVED_VARIABLES.items():
        if env.text(name):
            raise ConfigError(f"{name} gibt es nicht mehr; stattdessen {replacement} setzen")
    var_dir = Path(env.text("GOCLUSTER_VAR_DIR", str(PROJECT_ROOT / "var")))
    web_port = env.port("WEB_PORT", 8080)
    rasa_port = env.port("RASA_PORT", 5005)
    actions_port = env.port("ACTIONS_PORT", 5055)
    public_url = env.text("PUBLIC_BASE_URL", f"http://localhost:{web_port}").rstrip("/")
    rest_token = env.text("REST_CHANNEL_TOKEN")
    return Settings(
        content_dir=Path(env.text("GOCLUSTER_CONTENT_DIR", str(DEFAULT_CONTENT_DIR))),
        var_dir=var_dir,
        database_url=env.text("DATABASE_URL", _sqlite_url(var_dir / "gocluster.db")),
        tracker_database_url=env.text("TRACKER_DATABASE_URL", _sqlite_url(var_dir / "tracker.db")),
        timezone=_timezone(env),
        rasa_host=env.text("RASA_HOST", "127.0.0.1"),
        rasa_port=rasa_port,
        rasa_url=env.text("RASA_URL", f"http://localhost:{rasa_port}").rstrip("/"),
        actions_host=env.text("ACTIONS_HOST", "127.0.0.1"),
        actions_port=actions_port,
        actions_url=env.text("ACTIONS_URL", f"http://127.0.0.1:{actions_port}/webhook"),
        web_host=env.text("WEB_HOST", "127.0.0.1"),
        web_port=web_port,
        # Where users reach the web server (links to calendar files and the privacy notice).
        public_url=public_url,
        privacy_url=env.text("PRIVACY_URL", f"{public_url}/datenschutz"),
        cors_origins=tuple(
            o.strip() for o in env.text("CORS_ORIGINS", f"http://localhost:{web_port},http://127.0.0.1:{web_port}"
                                        ).split(",") if o.strip()),
        endpoints_file=Path(env.text("ENDPOINTS_FILE", str(PROJECT_ROOT / "endpoints.yml"))),
        max_request_bytes=env.integer("MAX_REQUEST_BYTES", 64 * 1024, 4 * 1024, 16 * 1024 * 1024),
        max_action_request_bytes=env.integer("MAX_ACTION_REQUEST_BYTES", 16 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
        proxies_count=env.integer("PROXIES_COUNT", 0, 0, 5),
        rest_channel=env.choice("REST_CHANNEL", "on", ("on", "off")),
        actions_timeout_seconds=float(env.integer("ACTIONS_TIMEOUT_SECONDS", 6, 1, 120)),
        database_timeout_seconds=float(env.integer("DATABASE_TIMEOUT_SECONDS", 5, 1, 60)),
        rest_token=rest_token,
        # The Rasa HTTP API (model upload, tracker access) stays off unless a token is set.
        rasa_api_token=env.text("RASA_API_TOKEN"),
        secret_key=env.text("GOCLUSTER_SECRET_KEY"),
        rate_limits=_rate_limits(env),
        smtp=_smtp(env),
        hotline_notify_email=env.text("HOTLINE_NOTIFY_EMAIL"),
        hotline_hours=env.text("HOTLINE_HOURS"),
        retention_days=env.integer("RETENTION_DAYS", 90, 1, 3650),
        dashboard_secure_cookies=env.flag("DASHBOARD_SECURE_COOKIES", False),
        dashboard_session_minutes=env.integer("DASHBOARD_SESSION_MINUTES", 30, 1, 24 * 60),
        messenger_env={name: env.text(name) for name in messenger_variables() if env.text(name)},
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()
