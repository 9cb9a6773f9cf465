"""Command line of the go-cluster assistant: `python -m bot <command>`.

Commands are for operators and staff; each prints German-free, plain diagnostics to stderr and
returns a non-zero exit code on failure.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _sync_rasa(args: argparse.Namespace) -> int:
    from bot import rasa_data

    if args.check:
        stale = rasa_data.stale_files()
        for path in stale:
            print(f"out of date: {path} (run: python -m bot sync-rasa)", file=sys.stderr)
        return 1 if stale else 0
    for path in rasa_data.sync():
        print(f"updated {path}")
    return 0


def _check_content(_args: argparse.Namespace) -> int:
    from bot.knowledge.content import ContentError, load_knowledge
    from bot.labels import load_labels

    try:
        knowledge = load_knowledge()
        labels = load_labels()
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"content ok: {len(knowledge.faq)} FAQ entries, {len(knowledge.terms)} glossary terms, "
        f"labels for {sum(len(table) for table in labels.tables.values())} stored codes"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bot.cli.serve import serve
    from bot.config import ConfigError, environment, load_settings

    # The flags are another way to set the variables: the settings and every server started
    # (which inherits this environment) see the same numbers.
    flags = {
        variable: str(value)
        for variable, value in (
            ("RASA_SERVERS", args.rasa_servers),
            ("ACTION_SERVERS", args.action_servers),
            ("WEB_SERVERS", args.web_servers),
        )
        if value is not None
    }
    environ = environment(flags)
    try:
        config = load_settings(environ)
    except ConfigError as error:
        print(f"Konfiguration fehlerhaft: {error}", file=sys.stderr)
        return 1
    return serve(args.model, config, environ)


def _web(_args: argparse.Namespace) -> int:
    from bot.web.app import run

    run()
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from bot.cli.doctor import run

    return run(args.model)


def _db(args: argparse.Namespace) -> int:
    from bot.config import settings
    from bot.storage import migrate

    url = settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"database at revision {migrate.current(url)}")
    else:
        print(migrate.current(url) or "empty (run: python -m bot db upgrade)")
    return 0


def _staff(args: argparse.Namespace) -> int:
    from bot.cli import drafts, staff
    from bot.storage.db import StorageUnavailable

    try:
        return drafts.run(args) if args.command == "drafts" else staff.run(args)
    except StorageUnavailable as error:
        print(f"Datenbank nicht erreichbar: {error}", file=sys.stderr)
        return 3


def _staff_account(args: argparse.Namespace) -> int:
    from bot.cli import staff_accounts
    from bot.storage.db import StorageUnavailable

    try:
        return staff_accounts.run(args)
    except StorageUnavailable as error:
        print(f"Datenbank nicht erreichbar: {error}", file=sys.stderr)
        return 3


def _retention(args: argparse.Namespace) -> int:
    from bot.config import settings
    from bot.services import build_services
    from bot.storage.db import StorageUnavailable

    try:
        result = build_services(settings()).privacy.apply_retention(args.days)
    except StorageUnavailable as error:
        print(f"Datenbank nicht erreichbar: {error}", file=sys.stderr)
        return 3
    print(
        f"Gelöscht: {result.tickets} Ticket(s), {result.questions} protokollierte Frage(n), "
        f"{result.conversations} Gespräch(e), {result.staff_sessions} abgelaufene Anmeldung(en)"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync-rasa", help="regenerate Rasa files that follow from content/")
    sync.add_argument("--check", action="store_true", help="only report files that are out of date")
    sync.set_defaults(handler=_sync_rasa)

    commands.add_parser("check-content", help="load and validate content/").set_defaults(handler=_check_content)

    serve = commands.add_parser("serve", help="start action server, Rasa server and chat page")
    serve.add_argument("--model", default="models/gocluster.tar.gz")
    serve.add_argument("--rasa-servers", type=int, default=None, help="Rasa-Server (RASA_SERVERS, Standard 1)")
    serve.add_argument("--action-servers", type=int, default=None, help="Action-Server (ACTION_SERVERS, Standard 1)")
    serve.add_argument("--web-servers", type=int, default=None, help="Webserver (WEB_SERVERS, Standard 1)")
    serve.set_defaults(handler=_serve)

    commands.add_parser("web", help="start only the chat page / dashboard server").set_defaults(handler=_web)

    doctor = commands.add_parser(
        "doctor", help="Installation prüfen (Konfiguration, Datenbank, Modell, Dienste, E-Mail)"
    )
    doctor.add_argument("--model", default="models/gocluster.tar.gz")
    doctor.set_defaults(handler=_doctor)

    retention = commands.add_parser(
        "retention", help="Tickets, Gesprächsverläufe und protokollierte Fragen nach Ablauf der Frist löschen (täglich)"
    )
    retention.add_argument("action", choices=["run"])
    retention.add_argument("--days", type=int, default=None, help="Frist in Tagen (Standard: RETENTION_DAYS oder 90)")
    retention.set_defaults(handler=_retention)

    db = commands.add_parser("db", help="database schema (migrations)")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(handler=_db)

    from bot.cli import drafts, staff, staff_accounts

    for parser_ in staff.add_parsers(commands) + drafts.add_parsers(commands):
        parser_.set_defaults(handler=_staff)
    for parser_ in staff_accounts.add_parsers(commands):
        parser_.set_defaults(handler=_staff_account)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    import os

    from bot import logs

    args = build_parser().parse_args(argv)
    os.umask(0o077)  # files the commands create (databases, exports, logs) are the user's only
    logs.install()
    return args.handler(args)
