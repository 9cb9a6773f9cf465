"""Staff commands for draft applications: list, export (CSV, JSON), change status."""
from __future__ import annotations

import csv
import json
import sys
from typing import Iterable, List, Optional, TextIO

from bot.applications.schema import load_schema
from bot.applications.service import STATUSES, DraftService, DraftView
from bot.errors import DomainError
from bot.cli.output import export
from bot.spreadsheet import safe_cell


def _columns() -> List[str]:
    return ["reference", "status", "booking_reference", "created_at", "updated_at"] + [f.id for f in load_schema().fields]


def _row(draft: DraftView) -> dict:
    return {"reference": draft.reference, "status": draft.status, "booking_reference": draft.booking_reference,
            "created_at": draft.created_at.isoformat(), "updated_at": draft.updated_at.isoformat(), **draft.fields}


def write_csv(drafts: Iterable[DraftView], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=_columns(), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for draft in drafts:
        writer.writerow({column: safe_cell(value) for column, value in _row(draft).items()})
        count += 1
    return count


def write_json(drafts: Iterable[DraftView], out: TextIO) -> int:
    rows = [_row(d) for d in drafts]
    json.dump(rows, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(rows)


def run(args, service: Optional[DraftService] = None) -> int:
    from bot.config import settings
    from bot.services import build_services

    service = service or build_services(settings()).drafts
    try:
        if args.action == "list":
            drafts = service.list(args.status)
            statuses = load_schema().statuses
            for d in drafts:
                name = d.fields.get("cluster_name") or "(noch ohne Namen)"
                missing = len(load_schema().missing(d.fields))
                sys.stdout.write(f"{d.reference}  {statuses.get(d.status, d.status):14}  {name}  "
                                 f"(Beratung {d.booking_reference}, {missing} Angabe(n) offen)\n")
            sys.stdout.write(f"{len(drafts)} Entwurf/Entwürfe\n")
        elif args.action == "export":
            writer = write_json if args.format == "json" else write_csv
            export(writer, service.list(args.status), args.out, "Entwurf/Entwürfe")
        elif args.action == "status":
            draft = service.set_status(args.reference, args.status)
            print(f"{draft.reference}: Status jetzt {load_schema().statuses.get(draft.status, draft.status)}")
    except DomainError as error:
        print(f"Nicht möglich: {error.code}", file=sys.stderr)
        return 1
    return 0


def add_parsers(commands) -> List:
    drafts = commands.add_parser("drafts", help="Antragsentwürfe (Mitarbeitende)")
    actions = drafts.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="Entwürfe anzeigen")
    export = actions.add_parser("export", help="Entwürfe als CSV oder JSON exportieren")
    for sub in (listing, export):
        sub.add_argument("--status", choices=STATUSES)
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", help="Datei (Standard: Ausgabe auf dem Terminal)")
    status = actions.add_parser("status", help="Status eines Entwurfs ändern")
    status.add_argument("reference")
    status.add_argument("status", choices=STATUSES)
    return [drafts]
