"""German labels of the stored codes: one file, complete for every code, staff may type either."""

from __future__ import annotations

from argparse import Namespace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.applications import service as drafts
from bot.booking import service as bookings
from bot.booking.service import BookingRequest
from bot.cli import drafts as drafts_cli
from bot.config import DEFAULT_CONTENT_DIR
from bot.handoff import rules
from bot.handoff import service as tickets
from bot.labels import (
    BOOKING_STATUS,
    CODES,
    DRAFT_STATUS,
    TICKET_PRIORITY,
    TICKET_REASON,
    TICKET_STATUS,
    LabelError,
    UnknownLabel,
    load_labels,
    parse_labels,
)
from tests.conftest import mark_held_after_start

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def labels():
    return load_labels()


def shipped() -> dict:
    return yaml.safe_load((DEFAULT_CONTENT_DIR / "labels.yml").read_text("utf-8"))


def test_every_stored_code_of_the_domain_has_exactly_one_label(labels):
    assert set(CODES) == {BOOKING_STATUS, DRAFT_STATUS, TICKET_STATUS, TICKET_PRIORITY, TICKET_REASON}
    assert CODES[BOOKING_STATUS] == bookings.STATUSES and CODES[DRAFT_STATUS] == drafts.STATUSES
    assert CODES[TICKET_STATUS] == tickets.STATUSES and CODES[TICKET_PRIORITY] == rules.PRIORITIES
    assert CODES[TICKET_REASON] == rules.REASONS
    for group, codes in CODES.items():
        assert tuple(labels.of(group)) == codes, group  # in the domain's order
        assert all(labels.label(group, code).strip() for code in codes), group


def test_the_stored_codes_are_english():
    assert bookings.STATUSES == ("confirmed", "cancelled", "held")
    assert drafts.STATUSES == ("draft", "submitted", "withdrawn")
    assert tickets.STATUSES == ("new", "in_progress", "done")
    assert rules.PRIORITIES == ("high", "medium", "low")
    assert rules.REASONS == ("asked_for_person", "not_understood", "sensitive_topic")


@pytest.mark.parametrize(
    "group, code, label",
    [
        (BOOKING_STATUS, bookings.CONFIRMED, "bestätigt"),
        (BOOKING_STATUS, bookings.CANCELLED, "abgesagt"),
        (BOOKING_STATUS, bookings.HELD, "durchgeführt"),
        (DRAFT_STATUS, drafts.DRAFT, "Entwurf"),
        (DRAFT_STATUS, drafts.SUBMITTED, "Eingereicht"),
        (DRAFT_STATUS, drafts.WITHDRAWN, "Zurückgezogen"),
        (TICKET_STATUS, tickets.NEW, "neu"),
        (TICKET_STATUS, tickets.IN_PROGRESS, "in Bearbeitung"),
        (TICKET_STATUS, tickets.DONE, "erledigt"),
        (TICKET_PRIORITY, rules.HIGH, "hoch"),
        (TICKET_PRIORITY, rules.MEDIUM, "mittel"),
        (TICKET_PRIORITY, rules.LOW, "niedrig"),
        (TICKET_REASON, rules.ASKED_FOR_PERSON, "Bitte um persönlichen Kontakt"),
    ],
)
def test_label_of_each_code(labels, group, code, label):
    assert labels.label(group, code) == label


def test_a_code_without_a_label_is_shown_as_it_is(labels):
    assert labels.label(TICKET_STATUS, "archiviert") == "archiviert"
    assert labels.label(TICKET_STATUS, None) == ""


@pytest.mark.parametrize(
    "group, typed, code",
    [
        (DRAFT_STATUS, "Eingereicht", drafts.SUBMITTED),
        (DRAFT_STATUS, "eingereicht", drafts.SUBMITTED),
        (DRAFT_STATUS, " EINGEREICHT ", drafts.SUBMITTED),
        (DRAFT_STATUS, "zurückgezogen", drafts.WITHDRAWN),
        (DRAFT_STATUS, "Zurueckgezogen", drafts.WITHDRAWN),
        (DRAFT_STATUS, "entwurf", drafts.DRAFT),
        (DRAFT_STATUS, drafts.SUBMITTED, drafts.SUBMITTED),
        (TICKET_STATUS, "in Bearbeitung", tickets.IN_PROGRESS),
        (TICKET_STATUS, "In-Bearbeitung", tickets.IN_PROGRESS),
        (TICKET_STATUS, "in_bearbeitung", tickets.IN_PROGRESS),  # the code stored before migration 0006
        (TICKET_STATUS, "in_progress", tickets.IN_PROGRESS),
        (TICKET_STATUS, "Erledigt", tickets.DONE),
        (DRAFT_STATUS, "withdrawn", drafts.WITHDRAWN),
        (TICKET_STATUS, tickets.IN_PROGRESS, tickets.IN_PROGRESS),
        (TICKET_PRIORITY, "Hoch", rules.HIGH),
        (TICKET_PRIORITY, "low", rules.LOW),
        (BOOKING_STATUS, "durchgefuehrt", bookings.HELD),
        (BOOKING_STATUS, "held", bookings.HELD),
    ],
)
def test_staff_may_type_the_label_or_the_code(labels, group, typed, code):
    assert labels.code(group, typed) == code


@pytest.mark.parametrize(
    "group, typed",
    [
        (DRAFT_STATUS, "abgeschickt"),
        (DRAFT_STATUS, ""),
        (DRAFT_STATUS, "erledigt"),  # a ticket status, not a draft status
        (TICKET_STATUS, "Entwurf"),
        (TICKET_PRIORITY, "dringend"),
    ],
)
def test_anything_else_is_refused_with_the_choices(labels, group, typed):
    with pytest.raises(UnknownLabel) as refused:
        labels.code(group, typed)
    assert refused.value.choices == labels.choices(group)
    assert all(f"{label} ({code})" in refused.value.choices for code, label in labels.of(group).items())


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda data: data.pop("ticket_priority"), "group 'ticket_priority' is missing"),
        (lambda data: data["draft_status"].pop(drafts.WITHDRAWN), f"draft_status.{drafts.WITHDRAWN} has no label"),
        (lambda data: data["ticket_status"].update({tickets.DONE: "  "}), f"ticket_status.{tickets.DONE} has no label"),
        (
            lambda data: data["booking_status"].update({"archived": "archiviert"}),
            "booking_status.archived is not a code",
        ),
        (lambda data: data.update({"booking_format": {"video": "Video"}}), "unknown group 'booking_format'"),
        (lambda data: data["ticket_priority"].update({rules.LOW: "Hoch"}), "could mean"),
    ],
)
def test_the_file_must_fit_the_codes_of_the_domain(change, problem):
    data = shipped()
    change(data)
    with pytest.raises(LabelError, match="labels.yml") as refused:
        parse_labels(data)
    assert problem in str(refused.value)


def test_the_shipped_file_is_valid_and_the_only_home_of_the_labels():
    assert parse_labels(shipped()).tables == load_labels().tables
    assert "statuses" not in yaml.safe_load((DEFAULT_CONTENT_DIR / "application.yml").read_text("utf-8"))
    messages = yaml.safe_load((DEFAULT_CONTENT_DIR / "messages.yml").read_text("utf-8"))["messages"]
    assert not [key for key in messages if key.startswith("lookup_status_")]


# --- staff commands: status as code or German label ----------------------------------------
@pytest.mark.parametrize(
    "typed, code",
    [
        (None, None),
        ("", None),
        ("Entwurf", drafts.DRAFT),
        ("draft", drafts.DRAFT),
        ("eingereicht", drafts.SUBMITTED),
        ("submitted", drafts.SUBMITTED),
        ("Zurückgezogen", drafts.WITHDRAWN),
        ("withdrawn", drafts.WITHDRAWN),
    ],
)
def test_draft_status_argument(labels, typed, code):
    assert drafts_cli.status_code(labels, typed) == code


def test_draft_commands_take_the_german_label_and_show_it(database_url, make_services, capsys):
    built = make_services(database_url, clock=lambda: NOW)
    booking = built.bookings.book(
        BookingRequest(
            datetime(2026, 12, 3, 10, tzinfo=BERLIN), "video", "Anna", "Org", "Cl", "anna@example.org", None, NOW
        )
    )
    mark_held_after_start(built.bookings, booking.reference)
    draft = built.drafts.open(booking.reference, booking.email)

    def command(**args) -> int:
        return drafts_cli.run(Namespace(**args), built.drafts, built.labels)

    assert command(action="status", reference=draft.reference, status="eingereicht") == 0
    assert capsys.readouterr().out.strip() == f"{draft.reference}: Status jetzt Eingereicht"
    assert built.drafts.get(draft.reference).status == drafts.SUBMITTED
    assert command(action="list", status="Eingereicht") == 0
    listing = capsys.readouterr().out
    assert f"{draft.reference}  Eingereicht" in listing and "1 Entwurf/Entwürfe" in listing
    assert command(action="list", status=drafts.DRAFT) == 0
    assert "0 Entwurf/Entwürfe" in capsys.readouterr().out
    assert command(action="status", reference=draft.reference, status="abgeschickt") == 2
    assert capsys.readouterr().err.strip() == (
        "Unbekannter Status „abgeschickt“. Möglich sind: " + built.labels.choices(DRAFT_STATUS)
    )
    assert built.drafts.get(draft.reference).status == drafts.SUBMITTED
