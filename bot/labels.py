"""German labels of the codes the database stores, read from content/labels.yml.

The codes are English and live in their domain modules (one place each); the labels live in one
data file. Only the edges translate: the dashboard, the staff commands, the mails to the hotline
and the chat. Staff type German, so `code()` accepts a label as well as a code.

Pure: no Rasa, no database access.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

import yaml

from bot.applications import service as drafts
from bot.booking import service as bookings
from bot.config import DEFAULT_CONTENT_DIR
from bot.handoff import rules
from bot.handoff import service as tickets
from bot.knowledge.content import ContentError
from bot.language import compact

FILE_NAME = "labels.yml"
BOOKING_STATUS, DRAFT_STATUS = "booking_status", "draft_status"
TICKET_STATUS, TICKET_PRIORITY, TICKET_REASON = "ticket_status", "ticket_priority", "ticket_reason"

# Each group of labels and the codes its domain stores, in the order they are offered.
CODES: Mapping[str, Tuple[str, ...]] = {
    BOOKING_STATUS: bookings.STATUSES,
    DRAFT_STATUS: drafts.STATUSES,
    TICKET_STATUS: tickets.STATUSES,
    TICKET_PRIORITY: rules.PRIORITIES,
    TICKET_REASON: rules.REASONS,
}


class LabelError(ContentError):
    """content/labels.yml does not fit the codes of the domain."""


class UnknownLabel(ValueError):
    """A text that is neither a code nor a label of its group (`choices`: what would be accepted)."""

    def __init__(self, group: str, text: str, choices: str) -> None:
        super().__init__(f"{group}: {text!r}")
        self.group = group
        self.text = text
        self.choices = choices


def _key(text: str) -> str:
    """What is compared when staff type a status: "In Bearbeitung", "in_bearbeitung" and
    "in-bearbeitung" are the same, as are "zurückgezogen" and "Zurueckgezogen"."""
    return compact(text)


@dataclass(frozen=True)
class Labels:
    """code -> German label, per group (BOOKING_STATUS, DRAFT_STATUS, TICKET_STATUS, ...)."""

    tables: Mapping[str, Mapping[str, str]]

    def of(self, group: str) -> Mapping[str, str]:
        """All codes of a group with their labels, in the domain's order (for selects and tables)."""
        return self.tables[group]

    def label(self, group: str, code: Optional[str]) -> str:
        """The German label; a code without one (never expected) is shown as it is."""
        return self.tables[group].get(code or "", code or "")

    def code(self, group: str, text: str) -> str:
        """The code for a code or a German label, however written; raises UnknownLabel."""
        wanted = _key(text or "")
        for code, label in self.tables[group].items():
            if wanted and wanted in (_key(code), _key(label)):
                return code
        raise UnknownLabel(group, text, self.choices(group))

    def choices(self, group: str) -> str:
        """ "Entwurf (draft), Eingereicht (submitted), …": for help texts and refusals."""
        return ", ".join(f"{label} ({code})" for code, label in self.tables[group].items())


def parse_labels(data: object, codes: Mapping[str, Tuple[str, ...]] = CODES) -> Labels:
    """Checks that every code of the domain has exactly one label, and nothing else is there."""
    if not isinstance(data, dict):
        raise LabelError(f"{FILE_NAME}: expected a mapping of groups")
    problems = [f"{FILE_NAME}: unknown group {group!r}" for group in data if group not in codes]
    tables: Dict[str, Dict[str, str]] = {}
    for group, expected in codes.items():
        given = data.get(group)
        if not isinstance(given, dict):
            problems.append(f"{FILE_NAME}: group {group!r} is missing")
            continue
        problems += [
            f"{FILE_NAME}: {group}.{code} is not a code of the domain ({', '.join(expected)})"
            for code in given
            if code not in expected
        ]
        table: Dict[str, str] = {}
        for code in expected:
            label = given.get(code)
            if not isinstance(label, str) or not label.strip():
                problems.append(f"{FILE_NAME}: {group}.{code} has no label")
            else:
                table[code] = label.strip()
        owners: Dict[str, str] = {}
        for code, label in table.items():
            for key in {_key(code), _key(label)}:
                if owners.setdefault(key, code) != code:
                    problems.append(f"{FILE_NAME}: {group}: {label!r} could mean {owners[key]} or {code}")
        tables[group] = table
    if problems:
        raise LabelError("Label problems:\n- " + "\n- ".join(problems))
    return Labels(tables)


def load_labels(content_dir: Optional[Path] = None) -> Labels:
    """The labels of content/labels.yml (or GOCLUSTER_CONTENT_DIR); raises LabelError."""
    return _load(Path(content_dir or DEFAULT_CONTENT_DIR).resolve())


@lru_cache(maxsize=4)
def _load(directory: Path) -> Labels:
    path = directory / FILE_NAME
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LabelError(f"{path}: {error}") from error
    return parse_labels(data)
