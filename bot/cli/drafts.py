"""Staff commands for draft applications: list, export (CSV, JSON), change status."""

from __future__ import annotations

import csv
import functools
import json
import sys
from typing import Iterable, List, Optional, TextIO

from bot.applications.schema import load_schema
from bot.applications.service import DraftService, DraftView
from bot.cli.output import export
from bot.errors import DomainError
from bot.labels import DRAFT_STATUS, Labels, UnknownLabel, load_labels
from bot.spreadsheet import safe_cell


def _columns() -> List[str]:
    return ["reference", "status", "status_label", "booking_reference", "created_at", "updated_at"] + [
        f.id for f in load_schema().fields
    ]


def _row(draft: DraftView, labels: Labels) -> dict:
    return {
        "reference": draft.reference,
        "status": draft.status,
        "status_label": labels.label(DRAFT_STATUS, draft.status),
        "booking_reference": draft.booking_reference,
        "created_at": draft.created_at.isoformat(),
        "updated_at": draft.updated_at.isoformat(),
        **draft.fields,
    }


def write_csv(drafts: Iterable[DraftView], out: TextIO, labels: Optional[Labels] = None) -> int:
    """The status as its code (for programs) and as its German label (for people)."""
    labels = labels or load_labels()
    writer = csv.DictWriter(out, fieldnames=_columns(), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for draft in drafts:
        writer.writerow({column: safe_cell(value) for column, value in _row(draft, labels).items()})
        count += 1
    return count


def write_json(drafts: Iterable[DraftView], out: TextIO, labels: Optional[Labels] = None) -> int:
    labels = labels or load_labels()
    rows = [_row(d, labels) for d in drafts]
    json.dump(rows, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(rows)


def status_code(labels: Labels, text: Optional[str]) -> Optional[str]:
    """The status staff typed, as code or German label ("eingereicht" or "submitted"); None for none."""
    return labels.code(DRAFT_STATUS, text) if text else None


def run(args, service: Optional[DraftService] = None, labels: Optional[Labels] = None) -> int:
    from bot.config import settings
    from bot.services import build_services

    if service is None:
        services = build_services(settings())
        service, labels = services.drafts, labels or services.labels
    labels = labels or load_labels()
    try:
        status = status_code(labels, args.status)
        if args.action == "list":
            drafts = service.list(status)
            for d in drafts:
                name = d.fields.get("cluster_name") or "(noch ohne Namen)"
                missing = len(load_schema().missing(d.fields))
                sys.stdout.write(
                    f"{d.reference}  {labels.label(DRAFT_STATUS, d.status):14}  {name}  "
                    f"(Beratung {d.booking_reference}, {missing} Angabe(n) offen)\n"
                )
            sys.stdout.write(f"{len(drafts)} Entwurf/Entwürfe\n")
        elif args.action == "export":
            writer = write_json if args.format == "json" else write_csv
            export(functools.partial(writer, labels=labels), service.list(status), args.out, "Entwurf/Entwürfe")
        elif args.action == "status":
            # An empty status ("") is refused by set_status like any unknown one.
            draft = service.set_status(args.reference, status or "")
            print(f"{draft.reference}: Status jetzt {labels.label(DRAFT_STATUS, draft.status)}")
    except UnknownLabel as error:
        print(f"Unbekannter Status „{error.text}“. Möglich sind: {error.choices}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"Nicht möglich: {error.code}", file=sys.stderr)
        return 1
    return 0


# The labels are not repeated here: a status the command does not know is refused with the list.
STATUS_HELP = "Status als deutsche Bezeichnung oder als Code (content/labels.yml, draft_status)"


def add_parsers(commands) -> List:
    drafts = commands.add_parser("drafts", help="Antragsentwürfe (Mitarbeitende)")
    actions = drafts.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="Entwürfe anzeigen")
    export = actions.add_parser("export", help="Entwürfe als CSV oder JSON exportieren")
    for sub in (listing, export):
        sub.add_argument("--status", help=STATUS_HELP)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", help="Datei (Standard: Ausgabe auf dem Terminal)")
    status = actions.add_parser("status", help="Status eines Entwurfs ändern")
    status.add_argument("reference")
    status.add_argument("status", help=STATUS_HELP)
    return [drafts]
