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
    "slot_holds_per_client": ("30/h", "vorgemerkte Termine (gewählt, noch nicht gebucht) je Netzadresse"),
    "tickets_per_conversation": ("3/d", "Anfragen an die Hotline je Gespräch"),
    "tickets_per_client": ("10/d", "Anfragen an die Hotline je Netzadresse"),
    "mails_per_recipient": ("5/d", "E-Mails an dieselbe Adresse"),
    "hotline_mails": ("200/d", "E-Mails an das Hotline-Postfach insgesamt"),
    "login_failures_per_client": ("20/15min", "fehlgeschlagene Anmeldungen je Netzadresse"),
    "login_failures_per_account_and_client": ("5/15min", "fehlgeschlagene Anmeldungen je Konto und Netzadresse"),
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
    rasa_url: str  # where the web server's pages find Rasa (browser side)
    actions_host: str
    actions_port: int
    actions_url: str  # where Rasa finds the action server
    web_host: str
    web_port: int
    public_url: str
    privacy_url: str
    cors_origins: Tuple[str, ...]
    endpoints_file: Path
    # Doors: request sizes, who may use the REST channel and the Rasa HTTP API.
    max_request_bytes: int  # Rasa and web server (chat messages, forms)
    max_action_request_bytes: int  # action server (Rasa sends whole conversations)
    proxies_count: int  # reverse proxies in front that set X-Forwarded-For
    rest_channel: str  # on | off
    actions_timeout_seconds: float  # how long Rasa waits for a custom action
    database_timeout_seconds: float  # how long a database call waits for a lock or connection
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
    # Scale-out (README "Betrieb mit mehreren Servern"): one machine runs this many servers of each
    # kind behind the balancer; the lock store serialises the messages of one conversation across
    # Rasa servers. One of each, no balancer and Rasa's in-memory lock store are the default.
    rasa_servers: int = 1
    action_servers: int = 1
    web_servers: int = 1
    balancer: bool = False
    balancer_host: str = "0.0.0.0"
    balancer_port: int = 8000
    balancer_internal_port: int = 8001
    hotline_networks: Tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    lock_store_url: str = field(repr=False, default="")
    lock_lifetime_seconds: int = 60
    rasa_node: str = ""  # this Rasa server's name in the balancer (socket.io stickiness)
    # A session holding more events starts a new one at the next quiet point (rasa_ext/session_bound.py); 0: never.
    session_max_events: int = 200

    @property
    def balancer_url(self) -> str:
        """Where processes on this machine reach the balancer's public door."""
        return f"http://127.0.0.1:{self.balancer_port}"

    @property
    def balancer_internal_url(self) -> str:
        """The balancer's private door (loopback): action servers for Rasa, the REST channel for tools."""
        return f"http://127.0.0.1:{self.balancer_internal_port}"

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


_NODE = re.compile(r"^[a-z][a-z0-9]{0,15}$")
_NETWORK = re.compile(r"^[0-9a-fA-F.:]+(/\d{1,3})?$")


def _node(env: _Env) -> str:
    name = env.text("RASA_NODE").lower()
    if name and not _NODE.match(name):
        raise ConfigError(
            f"RASA_NODE: {name!r} ist kein gültiger Servername "
            "(Kleinbuchstaben und Ziffern, beginnt mit einem Buchstaben, höchstens 16 Zeichen)"
        )
    return name


def _networks(env: _Env, name: str, default: str) -> Tuple[str, ...]:
    networks = tuple(n.strip() for n in env.text(name, default).split(",") if n.strip())
    wrong = [n for n in networks if not _NETWORK.match(n)]
    if wrong or not networks:
        raise ConfigError(
            f"{name}: erwartet Netzadressen wie 10.0.0.0/8 oder ::1, kommagetrennt (nicht {wrong or networks!r})"
        )
    return networks


def _lock_store_url(env: _Env) -> str:
    url = env.text("LOCK_STORE_URL") or env.text("REDIS_URL")
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            "LOCK_STORE_URL (oder REDIS_URL) muss eine Redis-Adresse sein, z. B. redis://127.0.0.1:6379/0"
        )
    return url


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
    return SmtpSettings(
        host=host,
        port=env.port("SMTP_PORT", 25),
        sender=env.text("SMTP_FROM", "go-cluster-assistent@localhost"),
        username=env.text("SMTP_USER"),
        password=env.environ.get("SMTP_PASSWORD") or "",
        starttls=env.flag("SMTP_STARTTLS", False),
        timeout=float(env.integer("SMTP_TIMEOUT_SECONDS", 10, 1, 120)),
    )


def _rate_limits(env: _Env) -> Dict[str, RateLimitSpec]:
    return {
        name: parse_rate(f"RATE_LIMIT_{name.upper()}", env.text(f"RATE_LIMIT_{name.upper()}", default))
        for name, (default, _what) in RATE_LIMIT_DEFAULTS.items()
    }


def messenger_variables() -> Tuple[str, ...]:
    from bot.channels import CHANNELS

    return tuple(name for channel in CHANNELS for name in channel.variables)


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """Settings from the given mapping (default: the process environment). Raises ConfigError."""
    env = _Env(environment() if environ is None else environ)
    for name, replacement in REMOVED_VARIABLES.items():
        if env.text(name):
            raise ConfigError(f"{name} gibt es nicht mehr; stattdessen {replacement} setzen")
    var_dir = Path(env.text("GOCLUSTER_VAR_DIR", str(PROJECT_ROOT / "var")))
    web_port = env.port("WEB_PORT", 8080)
    rasa_port = env.port("RASA_PORT", 5005)
    actions_port = env.port("ACTIONS_PORT", 5055)
    servers = {name: env.integer(name, 1, 1, 16) for name in ("RASA_SERVERS", "ACTION_SERVERS", "WEB_SERVERS")}
    balancer = env.flag("BALANCER", any(count > 1 for count in servers.values()))
    balancer_port = env.port("BALANCER_PORT", 8000)
    balancer_internal_port = env.port("BALANCER_INTERNAL_PORT", 8001)
    # Behind the balancer the browser reaches web pages and Rasa at the balancer's address, and Rasa
    # reaches the action servers through its private door; without it, each server directly.
    front_port = balancer_port if balancer else web_port
    public_url = env.text("PUBLIC_BASE_URL", f"http://localhost:{front_port}").rstrip("/")
    default_rasa_url = public_url if balancer else f"http://localhost:{rasa_port}"
    default_actions_url = (
        f"http://127.0.0.1:{balancer_internal_port}/webhook" if balancer else f"http://127.0.0.1:{actions_port}/webhook"
    )
    lock_store_url = _lock_store_url(env)
    if servers["RASA_SERVERS"] > 1 and not lock_store_url:
        raise ConfigError(
            "RASA_SERVERS > 1 braucht einen gemeinsamen Sperrspeicher: LOCK_STORE_URL "
            "(oder REDIS_URL) auf einen Redis-Server setzen, z. B. redis://127.0.0.1:6379/0"
        )
    rest_token = env.text("REST_CHANNEL_TOKEN")
    return Settings(
        content_dir=Path(env.text("GOCLUSTER_CONTENT_DIR", str(DEFAULT_CONTENT_DIR))),
        var_dir=var_dir,
        database_url=env.text("DATABASE_URL", _sqlite_url(var_dir / "gocluster.db")),
        tracker_database_url=env.text("TRACKER_DATABASE_URL", _sqlite_url(var_dir / "tracker.db")),
        timezone=_timezone(env),
        rasa_host=env.text("RASA_HOST", "127.0.0.1"),
        rasa_port=rasa_port,
        rasa_url=env.text("RASA_URL", default_rasa_url).rstrip("/"),
        actions_host=env.text("ACTIONS_HOST", "127.0.0.1"),
        actions_port=actions_port,
        actions_url=env.text("ACTIONS_URL", default_actions_url),
        web_host=env.text("WEB_HOST", "127.0.0.1"),
        web_port=web_port,
        # Where users reach the web server (links to calendar files and the privacy notice).
        public_url=public_url,
        privacy_url=env.text("PRIVACY_URL", f"{public_url}/datenschutz"),
        cors_origins=tuple(
            o.strip()
            for o in env.text("CORS_ORIGINS", f"http://localhost:{front_port},http://127.0.0.1:{front_port}").split(",")
            if o.strip()
        ),
        endpoints_file=Path(env.text("ENDPOINTS_FILE", str(PROJECT_ROOT / "endpoints.yml"))),
        max_request_bytes=env.integer("MAX_REQUEST_BYTES", 64 * 1024, 4 * 1024, 16 * 1024 * 1024),
        max_action_request_bytes=env.integer(
            "MAX_ACTION_REQUEST_BYTES", 16 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024
        ),
        # The balancer adds X-Forwarded-For: behind it, one proxy by default.
        proxies_count=env.integer("PROXIES_COUNT", 1 if balancer else 0, 0, 5),
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
        rasa_servers=servers["RASA_SERVERS"],
        action_servers=servers["ACTION_SERVERS"],
        web_servers=servers["WEB_SERVERS"],
        balancer=balancer,
        balancer_host=env.text("BALANCER_HOST", "0.0.0.0"),
        balancer_port=balancer_port,
        balancer_internal_port=balancer_internal_port,
        hotline_networks=_networks(env, "HOTLINE_NETWORKS", "127.0.0.0/8,::1/128"),
        lock_store_url=lock_store_url,
        lock_lifetime_seconds=env.integer("LOCK_LIFETIME_SECONDS", 60, 5, 3600),
        rasa_node=_node(env),
        session_max_events=env.integer("SESSION_MAX_EVENTS", 200, 0, 1_000_000),
    )


def environment(overrides: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """This process's environment with `overrides`: what settings are built from and what the
    servers started by `bot serve` inherit. The one place that reads os.environ."""
    return {**os.environ, **(overrides or {})}


def settings() -> Settings:
    """The settings of this process's environment, built once per distinct environment: a test or
    a command that sets a variable gets settings with it, and there is no cache to clear."""
    return _settings_for(tuple(sorted(environment().items())))


@lru_cache(maxsize=16)
def _settings_for(environment: Tuple[Tuple[str, str], ...]) -> Settings:
    return load_settings(dict(environment))
