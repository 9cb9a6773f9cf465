"""`python -m bot doctor`: checks a deployment from the command line, in German.

Configuration valid, secret key, database reachable and migrated, conversation store reachable,
trained model present, messenger variables complete, each service answering, mail server
reachable (if configured), and the settings a public deployment needs. Exit code 0 when nothing
failed; warnings do not fail.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Mapping, Optional

from bot.config import PROJECT_ROOT, ConfigError, Settings, load_settings

PASS, WARN, FAIL = "ok", "warnung", "fehler"
SYMBOLS = {PASS: "✓", WARN: "!", FAIL: "✗"}


@dataclass(frozen=True)
class Finding:
    outcome: str
    what: str
    detail: str = ""

    def line(self) -> str:
        return f"{SYMBOLS[self.outcome]} {self.what}" + (f": {self.detail}" if self.detail else "")


def check_secret(settings: Settings) -> Finding:
    if settings.secret_key:
        return Finding(PASS, "Geheimer Schlüssel", "GOCLUSTER_SECRET_KEY ist gesetzt")
    path = settings.var_dir / "secret_key"
    if not path.exists():
        return Finding(
            WARN,
            "Geheimer Schlüssel",
            f"noch keiner; der erste Start legt {path} an. Bei mehreren "
            "Servern GOCLUSTER_SECRET_KEY überall gleich setzen",
        )
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        return Finding(FAIL, "Geheimer Schlüssel", f"{path} ist für andere lesbar (chmod 600)")
    return Finding(PASS, "Geheimer Schlüssel", f"{path} (nur für den Eigentümer lesbar)")


def check_database(settings: Settings) -> Finding:
    from alembic.script import ScriptDirectory

    from bot.health import database_ok
    from bot.storage.migrate import alembic_config, current

    if not database_ok(settings.database_url):
        return Finding(FAIL, "Datenbank", "nicht erreichbar (DATABASE_URL)")
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    revision = current(settings.database_url)
    if revision != head:
        return Finding(
            FAIL, "Datenbank", f"Schema auf Stand {revision or 'leer'}, nötig {head}: python -m bot db upgrade"
        )
    return Finding(PASS, "Datenbank", f"erreichbar, Schema aktuell ({head})")


def check_tracker_store(settings: Settings) -> Finding:
    from bot.health import database_ok

    if database_ok(settings.tracker_database_url):
        return Finding(PASS, "Gesprächsspeicher", "erreichbar (TRACKER_DATABASE_URL)")
    return Finding(FAIL, "Gesprächsspeicher", "nicht erreichbar (TRACKER_DATABASE_URL)")


def check_model(model: Path) -> Finding:
    if model.is_file() and model.stat().st_size > 0:
        return Finding(PASS, "Modell", str(model))
    return Finding(FAIL, "Modell", f"{model} fehlt: make train")


def check_messengers(settings: Settings) -> Finding:
    from bot.channels import CHANNELS, active_channels, effective_credentials

    try:
        active = active_channels(effective_credentials({}, settings.messenger_env))
    except ValueError as error:
        return Finding(FAIL, "Messenger", str(error))
    names = ", ".join(c.label for c in active) or "keine"
    return Finding(PASS, "Messenger", f"aktiv: {names} (möglich: {', '.join(c.label for c in CHANNELS)})")


def check_services(settings: Settings, probe: Callable[[str], bool]) -> List[Finding]:
    from bot.health import actions_health_url, local_address, rasa_health_url

    web = f"http://{local_address(settings.web_host)}:{settings.web_port}/health/live"
    findings = []
    for name, url in (
        ("Rasa-Server", rasa_health_url(settings)),
        ("Action-Server", actions_health_url(settings)),
        ("Webserver", web),
    ):
        findings.append(
            Finding(PASS, name, f"antwortet ({url})")
            if probe(url)
            else Finding(FAIL, name, f"antwortet nicht ({url}); läuft der Bot (make run)?")
        )
    return findings


def check_mail(settings: Settings) -> Finding:
    from bot.health import smtp_ok

    result = smtp_ok(settings)
    smtp = settings.smtp
    if result is None or smtp is None:  # smtp_ok answers None exactly when no server is configured
        return Finding(WARN, "E-Mail", "kein SMTP_HOST: Bestätigungen nur im Chat, keine Mail an die Hotline")
    if result:
        return Finding(PASS, "E-Mail", f"SMTP-Server {smtp.host}:{smtp.port} erreichbar")
    return Finding(FAIL, "E-Mail", f"SMTP-Server {smtp.host}:{smtp.port} nicht erreichbar")


def check_public_settings(settings: Settings) -> List[Finding]:
    """What a deployment on the internet needs (README, "Sicherheit")."""
    findings = []
    public = settings.rasa_host not in ("127.0.0.1", "localhost", "::1")
    if settings.rest_channel == "on" and not settings.rest_token:
        outcome = FAIL if public else WARN
        findings.append(
            Finding(
                outcome, "REST-Kanal", "offen ohne Token: im Betrieb REST_CHANNEL=off oder REST_CHANNEL_TOKEN setzen"
            )
        )
    else:
        findings.append(Finding(PASS, "REST-Kanal", "aus" if settings.rest_channel == "off" else "nur mit Token"))
    if settings.public_url.startswith("https://") and not settings.dashboard_secure_cookies:
        findings.append(Finding(WARN, "Dashboard-Cookies", "über HTTPS DASHBOARD_SECURE_COOKIES=true setzen"))
    return findings


def diagnose(settings: Settings, model: Path, probe: Optional[Callable[[str], bool]] = None) -> List[Finding]:
    from bot.health import http_ok

    probe = probe or http_ok
    return [
        check_secret(settings),
        check_database(settings),
        check_tracker_store(settings),
        check_model(model),
        check_messengers(settings),
        *check_services(settings, probe),
        check_mail(settings),
        *check_public_settings(settings),
    ]


def run(model: str, environ: Optional[Mapping[str, str]] = None) -> int:
    """`environ`: for tests; the command reads the process environment through load_settings."""
    try:
        settings = load_settings(environ)
    except ConfigError as error:
        print(f"{SYMBOLS[FAIL]} Konfiguration: {error}")
        return 1
    print("Prüfe die Installation des go-cluster-Assistenten ...")
    print(f"{SYMBOLS[PASS]} Konfiguration: alle Variablen gültig")
    findings = diagnose(settings, PROJECT_ROOT / model if not Path(model).is_absolute() else Path(model))
    for finding in findings:
        print(finding.line())
    failed = [f for f in findings if f.outcome == FAIL]
    print(f"{len(failed)} Fehler, {sum(f.outcome == WARN for f in findings)} Warnung(en).")
    return 1 if failed else 0
