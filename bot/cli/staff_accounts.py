"""Accounts for the hotline dashboard: `python -m bot staff-account add|list|remove|unlock`."""

from __future__ import annotations

import getpass
import sys
from typing import Callable, List, Optional

from bot.web.dashboard.accounts import AccountError, StaffAccounts


def read_password(args, prompt: Optional[Callable[[str], str]] = None) -> Optional[str]:
    """From standard input (first line) with --password-stdin, else asked twice without echo."""
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    prompt = prompt or getpass.getpass
    try:
        first = prompt("Passwort (mindestens 12 Zeichen): ")
        second = prompt("Passwort wiederholen: ")
    except (EOFError, KeyboardInterrupt):
        print("\nAbgebrochen.", file=sys.stderr)
        return None
    if second != first:
        print("Die Passwörter stimmen nicht überein.", file=sys.stderr)
        return None
    return first


def run(args, accounts: Optional[StaffAccounts] = None) -> int:
    from bot.config import settings
    from bot.storage.db import session_factory
    from bot.web.dashboard.options import DashboardOptions

    config = settings()
    accounts = accounts or StaffAccounts(session_factory(config.database_url), DashboardOptions.from_settings(config))
    if args.action == "add":
        password = read_password(args)
        if password is None:
            return 2
        try:
            account = accounts.add(args.username, password)
        except AccountError as error:
            print(error.message, file=sys.stderr)
            return 1 if error.code == "exists" else 2
        print(f"Konto {account.username} angelegt. Anmeldung unter /hotline/anmelden")
    elif args.action == "list":
        found = accounts.list()
        for account in found:
            locked = ""
            if account.locked_until:
                locked = (
                    f", gesperrt bis {account.locked_until:%Y-%m-%d %H:%M} UTC nach zu vielen Fehlversuchen; "
                    f"aufheben mit: staff-account unlock {account.username}"
                )
            print(f"{account.username}  (angelegt {account.created_at:%Y-%m-%d}{locked})")
        print(f"{len(found)} Konto/Konten")
    elif args.action == "remove":
        if not accounts.remove(args.username):
            print(f"Ein Konto {args.username} gibt es nicht.", file=sys.stderr)
            return 1
        print(f"Konto {args.username} gelöscht (alle Sitzungen beendet).")
    elif args.action == "unlock":
        if not accounts.unlock(args.username):
            print(f"Ein Konto {args.username} gibt es nicht.", file=sys.stderr)
            return 1
        print(
            f"Konto {args.username} entsperrt: Die Fehlversuche für dieses Konto sind zurückgesetzt, die Anmeldung "
            "ist sofort wieder möglich (außer von einer Netzadresse, die selbst wegen zu vieler Fehlversuche "
            "gesperrt ist)."
        )
    return 0


def add_parsers(commands) -> List:
    accounts = commands.add_parser("staff-account", help="Zugänge zum Hotline-Dashboard (/hotline/)")
    actions = accounts.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="Konto anlegen (Passwort wird abgefragt)")
    add.add_argument("username")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="Passwort aus der ersten Zeile der Standardeingabe lesen (für Skripte)",
    )
    actions.add_parser("list", help="Konten anzeigen")
    actions.add_parser("remove", help="Konto löschen und abmelden").add_argument("username")
    actions.add_parser("unlock", help="Sperre nach zu vielen Fehlversuchen aufheben").add_argument("username")
    return [accounts]
