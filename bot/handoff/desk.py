"""Use case "pass my concern on to the hotline team", whole: limits, topic, priority, summary,
storage and the notification mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from bot.handoff import rules
from bot.handoff.readable import PayloadLabels, readable_transcript
from bot.handoff.service import TicketRequest, TicketService, TicketView
from bot.knowledge.content import Messages
from bot.labels import TICKET_PRIORITY, Labels
from bot.notify.mail import Mailer
from bot.ratelimit import Limit, RateLimiter
from bot.requester import Requester


@dataclass(frozen=True)
class Concern:
    """What the hand-off form collected, and where the conversation came from."""

    reason: str
    intents: Sequence[str]  # of the conversation so far, oldest first
    contact_name: str
    contact_email: Optional[str]
    contact_phone: Optional[str]
    callback: Optional[str]
    concern: str
    transcript: Sequence[Dict[str, str]]
    channel: str


@dataclass(frozen=True)
class Opened:
    ticket: TicketView
    mail_sent: bool


class HotlineDesk:
    def __init__(
        self,
        tickets: TicketService,
        config: rules.HandoffConfig,
        limiter: RateLimiter,
        per_conversation: Limit,
        per_client: Limit,
        mailer: Mailer,
        notify_email: str,
        messages: Messages,
        payload_labels: PayloadLabels,
        labels: Labels,
    ) -> None:
        self.tickets = tickets
        self.config = config
        self._limiter = limiter
        self._per_conversation = per_conversation
        self._per_client = per_client
        self._mailer = mailer
        self._notify_email = notify_email
        self._say = messages.render
        self._payload_labels = payload_labels
        self._labels = labels

    def open_ticket(self, concern: Concern, requester: Requester) -> Opened:
        """Raises RateLimited (too many tickets from this conversation or address), StorageUnavailable."""
        self._limiter.hit(self._per_conversation, requester.conversation_id)
        self._limiter.hit(self._per_client, requester.client)
        reason = concern.reason if concern.reason in rules.REASONS else rules.ASKED_FOR_PERSON
        topic = rules.topic_of(self.config, concern.intents)
        ticket = self.tickets.create(
            TicketRequest(
                topic=topic,
                reason=reason,
                summary=rules.summary(self.config, reason, topic, concern.concern, concern.callback),
                contact_name=concern.contact_name,
                contact_email=concern.contact_email,
                contact_phone=concern.contact_phone,
                callback_time=concern.callback,
                concern=concern.concern,
                transcript=concern.transcript,
                channel=concern.channel,
                priority=rules.priority(self.config, reason, topic, concern.concern),
                conversation_id=requester.conversation_id,
            )
        )
        return Opened(ticket, self._notify(ticket))

    def _notify(self, ticket: TicketView) -> bool:
        """The hotline's own mailbox gets the ticket (internal: it may carry what the user typed)."""
        if not self._notify_email:
            return False
        priority = self._labels.label(TICKET_PRIORITY, ticket.priority)
        lines = [
            ticket.summary,
            "",
            self._say(
                "hotline_mail_contact",
                name=ticket.contact_name,
                email=ticket.contact_email or "-",
                phone=ticket.contact_phone or "-",
                callback=ticket.callback_time or "-",
                priority=priority,
                channel=ticket.channel,
            ),
            "",
            self._say("hotline_mail_transcript"),
        ]
        lines += self._transcript_lines(ticket.transcript)
        subject = self._say("hotline_mail_subject", reference=ticket.reference, priority=priority)
        return self._mailer.to_hotline(self._notify_email, subject, "\n".join(lines))

    def _transcript_lines(self, transcript: Sequence[Dict]) -> List[str]:
        """The transcript as the user saw it: clicked buttons by their titles, not their payloads."""
        lines: List[str] = []
        for line in readable_transcript(transcript, self._payload_labels):
            key = "hotline_mail_clicked" if line["button"] else "hotline_mail_line"
            lines.append(self._say(key, time=line.get("time", ""), speaker=line.get("from", ""), text=line["text"]))
            if line["offered"]:
                lines.append(self._say("hotline_mail_offered", titles=" | ".join(line["offered"])))
        return lines
