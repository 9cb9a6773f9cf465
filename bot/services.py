"""Composition root: every service of the assistant, built once from one Settings object.

The action server, the web server and the staff commands each build one `Services` at start and
pass it on; nothing below reads the environment or builds services of its own.

Ports with a Rasa-specific implementation (the stored conversations) are bound here by name
(ADAPTERS), so that `bot/` never imports `rasa_ext/`: the dependency points one way only.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Dict, Optional

from sqlalchemy.orm import sessionmaker

from bot.admission.dialogue import AdmissionDialogue
from bot.admission.guide import Guide, load_guide
from bot.applications.desk import DraftDesk
from bot.applications.dialogue import DraftDialogue
from bot.applications.schema import ApplicationSchema, load_schema
from bot.applications.service import DraftService
from bot.booking.calendar import CalendarConfig, load_calendar_config
from bot.booking.desk import ConsultationDesk, DeskLimits
from bot.booking.service import BookingService
from bot.clock import utc_now
from bot.config import Settings
from bot.conversations import ConversationStore
from bot.faults import Faults, load_faults
from bot.handoff import rules
from bot.handoff.desk import HotlineDesk
from bot.handoff.dialogue import HandoffDialogue
from bot.handoff.readable import build_payload_labels
from bot.handoff.service import TicketService
from bot.knowledge.content import Knowledge, Messages, load_knowledge
from bot.labels import Labels, load_labels
from bot.notify.mail import Mailer
from bot.privacy import Privacy
from bot.ratelimit import Limit, RateLimiter
from bot.security import secret_key, sign
from bot.storage.db import session_factory

# Port -> "module:class" of its implementation, constructed with the tracker database URL.
ADAPTERS: Dict[str, str] = {"conversations": "rasa_ext.conversations:SqlConversationStore"}


def adapter(port: str, *args: object) -> object:
    module, _, name = ADAPTERS[port].partition(":")
    return getattr(importlib.import_module(module), name)(*args)


@dataclass(frozen=True)
class Services:
    settings: Settings
    sessions: sessionmaker
    knowledge: Knowledge
    messages: Messages
    calendar: CalendarConfig
    limiter: RateLimiter
    mailer: Mailer
    bookings: BookingService
    consultations: ConsultationDesk
    drafts: DraftService
    tickets: TicketService
    hotline: HotlineDesk
    conversations: ConversationStore
    privacy: Privacy
    guide: Guide
    schema: ApplicationSchema
    draft_desk: DraftDesk
    draft_dialogue: DraftDialogue
    admission_dialogue: AdmissionDialogue
    handoff_dialogue: HandoffDialogue
    faults: Faults
    labels: Labels  # German labels of the stored codes, for every edge

    def limit(self, name: str) -> Limit:
        return Limit.configured(self.settings, name)


def calendar_link(public_url: str) -> Callable[[str], str]:
    """booking reference -> the signed link to its calendar file on the web server."""
    base = public_url.rstrip("/")
    return lambda reference: f"{base}/termin/{reference}.ics?sig={sign(reference, 'ics')}"


def build_services(
    settings: Settings, clock: Callable[[], datetime] = utc_now, conversations: Optional[ConversationStore] = None
) -> Services:
    sessions = session_factory(settings.database_url, settings.database_timeout_seconds)
    knowledge = load_knowledge(settings.content_dir)
    messages = knowledge.messages
    labels = load_labels(settings.content_dir)
    calendar = load_calendar_config(settings.content_dir / "calendar.yml", settings.timezone)
    limiter = RateLimiter(sessions, secret_key(), clock)

    def limit(name: str) -> Limit:
        return Limit.configured(settings, name)

    mailer = Mailer(settings.smtp, limiter, limit("mails_per_recipient"), limit("hotline_mails"))
    bookings = BookingService(sessions, calendar, clock)
    tickets = TicketService(sessions, clock)
    consultations = ConsultationDesk(
        bookings,
        limiter,
        DeskLimits(
            limit("bookings_per_conversation"),
            limit("bookings_per_client"),
            limit("lookup_failures_per_conversation"),
            limit("lookup_failures_per_client"),
            limit("lookup_failures_per_email"),
            limit("slot_holds_per_client"),
        ),
        mailer,
        messages,
        calendar_link(settings.public_url),
    )
    handoff_config = rules.load_config(settings.content_dir / "handoff.yml")
    payload_labels = build_payload_labels(
        knowledge, handoff_config, messages.templates.get("glossary_button", "{term} erklären"), calendar.tz
    )
    hotline = HotlineDesk(
        tickets,
        handoff_config,
        limiter,
        limit("tickets_per_conversation"),
        limit("tickets_per_client"),
        mailer,
        settings.hotline_notify_email,
        messages,
        payload_labels,
        labels,
    )
    store: ConversationStore = conversations or adapter("conversations", settings.tracker_database_url)  # type: ignore[assignment]
    longest_window = max(spec.window for spec in settings.rate_limits.values())
    privacy = Privacy(sessions, store, settings.retention_days, longest_window, clock)
    drafts = DraftService(sessions, clock)
    guide = load_guide(settings.content_dir / "admission.yml")
    schema = load_schema(settings.content_dir / "application.yml")
    return Services(
        settings,
        sessions,
        knowledge,
        messages,
        calendar,
        limiter,
        mailer,
        bookings,
        consultations,
        drafts,
        tickets,
        hotline,
        store,
        privacy,
        guide,
        schema,
        DraftDesk(consultations, drafts),
        DraftDialogue(messages, schema, guide, knowledge.topics["book_consultation"].label, labels),
        AdmissionDialogue(knowledge, guide),
        HandoffDialogue(
            messages, handoff_config, settings.hotline_hours, settings.retention_days, settings.privacy_url
        ),
        load_faults(settings.content_dir),
        labels,
    )
