"""Tickets for the hotline team and the log of unanswered questions."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.booking.reference import new_reference, normalise_reference
from bot.clock import utc_now
from bot.errors import DomainError
from bot.language import words
from bot.storage.db import unit_of_work
from bot.storage.models import Ticket, UnansweredQuestion

REFERENCE_PREFIX = "T"
NEW, IN_PROGRESS, DONE = "new", "in_progress", "done"  # labels: content/labels.yml
STATUSES = (NEW, IN_PROGRESS, DONE)


class TicketError(DomainError):
    code = "ticket"


class TicketNotFound(TicketError):
    code = "ticket_not_found"


@dataclass(frozen=True)
class TicketRequest:
    topic: str
    reason: str
    summary: str
    contact_name: str
    contact_email: Optional[str]
    contact_phone: Optional[str]
    callback_time: Optional[str]
    concern: str
    transcript: Sequence[Dict[str, str]]
    channel: str
    priority: str
    conversation_id: Optional[str] = None


@dataclass(frozen=True)
class TicketView:
    reference: str
    topic: str
    reason: str
    summary: str
    contact_name: str
    contact_email: Optional[str]
    contact_phone: Optional[str]
    callback_time: Optional[str]
    concern: str
    transcript: List[Dict[str, str]]
    channel: str
    priority: str
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class QuestionCount:
    text: str
    count: int
    last_seen: datetime
    guessed_intent: Optional[str]
    kind: str


def normalise_question(text: str) -> str:
    return " ".join(words(text))[:300]


class TicketService:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock

    @staticmethod
    def _view(ticket: Ticket) -> TicketView:
        return TicketView(
            ticket.reference,
            ticket.topic,
            ticket.reason,
            ticket.summary,
            ticket.contact_name,
            ticket.contact_email,
            ticket.contact_phone,
            ticket.callback_time,
            ticket.concern,
            json.loads(ticket.transcript or "[]"),
            ticket.channel,
            ticket.priority,
            ticket.status,
            ticket.created_at,
            ticket.updated_at,
        )

    def create(self, request: TicketRequest) -> TicketView:
        for _attempt in range(5):
            try:
                with unit_of_work(self._sessions) as session:
                    ticket = Ticket(
                        reference=new_reference(REFERENCE_PREFIX),
                        topic=request.topic,
                        reason=request.reason,
                        summary=request.summary,
                        contact_name=request.contact_name,
                        contact_email=(request.contact_email or None) and request.contact_email.lower(),
                        contact_phone=request.contact_phone,
                        callback_time=request.callback_time,
                        concern=request.concern,
                        transcript=json.dumps(list(request.transcript), ensure_ascii=False),
                        channel=request.channel,
                        priority=request.priority,
                        status=NEW,
                        conversation_id=request.conversation_id,
                        created_at=self._clock(),
                        updated_at=self._clock(),
                    )
                    session.add(ticket)
                    session.flush()
                    return self._view(ticket)
            except IntegrityError:
                continue  # reference collision
        raise TicketError("reference")

    def get(self, reference: str) -> TicketView:
        with unit_of_work(self._sessions) as session:
            return self._view(self._ticket(session, reference))

    def _ticket(self, session, reference: str) -> Ticket:
        normalised = normalise_reference(reference, REFERENCE_PREFIX)
        ticket = (
            session.execute(select(Ticket).where(Ticket.reference == normalised)).scalar_one_or_none()
            if normalised
            else None
        )
        if ticket is None:
            raise TicketNotFound()
        return ticket

    def list(
        self,
        status: Optional[str] = None,
        topic: Optional[str] = None,
        first_day: Optional[date] = None,
        last_day: Optional[date] = None,
    ) -> List[TicketView]:
        query = select(Ticket).order_by(Ticket.created_at.desc())
        if status:
            query = query.where(Ticket.status == status)
        if topic:
            query = query.where(Ticket.topic == topic)
        if first_day:
            query = query.where(Ticket.created_at >= datetime.combine(first_day, time.min, tzinfo=timezone.utc))
        if last_day:
            query = query.where(
                Ticket.created_at < datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=timezone.utc)
            )
        with unit_of_work(self._sessions) as session:
            return [self._view(t) for t in session.execute(query).scalars()]

    def set_status(self, reference: str, status: str) -> TicketView:
        if status not in STATUSES:
            raise TicketError("status")
        with unit_of_work(self._sessions) as session:
            ticket = self._ticket(session, reference)
            ticket.status = status
            ticket.updated_at = self._clock()
            session.flush()
            return self._view(ticket)

    def per_topic_and_week(self, weeks: int = 8) -> Dict[Tuple[int, int], Counter]:
        """{(ISO year, ISO week): Counter(topic -> number of tickets)} for the last `weeks` weeks."""
        since = self._clock() - timedelta(weeks=weeks)
        with unit_of_work(self._sessions) as session:
            rows = session.execute(select(Ticket.created_at, Ticket.topic).where(Ticket.created_at >= since)).all()
        result: Dict[Tuple[int, int], Counter] = {}
        for created, topic in rows:
            year, week, _ = created.isocalendar()
            result.setdefault((year, week), Counter())[topic] += 1
        return dict(sorted(result.items()))

    # --- unanswered questions ------------------------------------------------------------
    def log_unanswered(
        self,
        text: str,
        kind: str,
        guessed_intent: Optional[str] = None,
        confidence: Optional[float] = None,
        conversation_id: Optional[str] = None,
    ) -> None:
        cleaned = (text or "").strip()[:1000]
        if not cleaned:
            return
        with unit_of_work(self._sessions) as session:
            session.add(
                UnansweredQuestion(
                    text=cleaned,
                    normalised=normalise_question(cleaned),
                    kind=kind,
                    guessed_intent=guessed_intent,
                    confidence=None if confidence is None else f"{confidence:.2f}",
                    conversation_id=conversation_id,
                    created_at=self._clock(),
                )
            )

    def unanswered(self, limit: int = 200) -> List[QuestionCount]:
        """Distinct unanswered questions, the most frequent first."""
        query = (
            select(
                UnansweredQuestion.normalised,
                func.count(),
                func.max(UnansweredQuestion.created_at),
                func.max(UnansweredQuestion.id),
            )
            .group_by(UnansweredQuestion.normalised)
            .order_by(func.count().desc(), func.max(UnansweredQuestion.created_at).desc())
            .limit(limit)
        )
        with unit_of_work(self._sessions) as session:
            rows = session.execute(query).all()
            latest = {
                q.id: q
                for q in session.execute(
                    select(UnansweredQuestion).where(UnansweredQuestion.id.in_([r[3] for r in rows]))
                ).scalars()
            }
            return [
                QuestionCount(
                    latest[last_id].text, count, last_seen, latest[last_id].guessed_intent, latest[last_id].kind
                )
                for _normalised, count, last_seen, last_id in rows
            ]
