"""Draft applications: only after a held consultation, one per booking and per organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.booking.reference import new_reference, normalise_reference
from bot.booking.service import HELD, BookingNotFound, find_booking
from bot.clock import utc_now
from bot.errors import DomainError
from bot.language import compact
from bot.storage.db import unit_of_work
from bot.storage.models import Booking, DraftApplication

REFERENCE_PREFIX = "A"
DRAFT, SUBMITTED, WITHDRAWN = "draft", "submitted", "withdrawn"  # labels: content/labels.yml
STATUSES = (DRAFT, SUBMITTED, WITHDRAWN)


class DraftError(DomainError):
    code = "draft"


class ConsultationMissing(DraftError):
    """No booking with this reference and e-mail: the consultation has to come first."""

    code = "no_consultation"


class ConsultationPending(DraftError):
    """The consultation is booked but has not been held yet (`slot`: when it takes place)."""

    code = "consultation_pending"

    def __init__(self, slot: Optional[datetime] = None) -> None:
        super().__init__()
        self.slot = slot


class OrganisationTaken(DraftError):
    """Another draft exists for this organisation. `own_draft` is its reference when it is the
    same person's open draft (its consultation was booked with the same e-mail), else None: a
    stranger learns nothing about it."""

    code = "organisation_taken"

    def __init__(self, own_draft: Optional[str] = None) -> None:
        super().__init__()
        self.own_draft = own_draft


class DraftNotFound(DraftError):
    code = "draft_not_found"


@dataclass(frozen=True)
class DraftView:
    reference: str
    status: str
    fields: Dict[str, Any]
    booking_reference: str
    consultation_at: datetime
    created_at: datetime
    updated_at: datetime


def organisation_key(name: str) -> str:
    """Legal-form-insensitive key: "Cluster Nord e. V." and "cluster nord e.V." are the same."""
    return compact(name)[:200]


class DraftService:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock

    @staticmethod
    def _view(draft: DraftApplication, booking: Booking) -> DraftView:
        return DraftView(
            draft.reference,
            draft.status,
            json.loads(draft.fields or "{}"),
            booking.reference,
            booking.slot_start,
            draft.created_at,
            draft.updated_at,
        )

    def _booking(self, session, booking_reference: str, email: str) -> Booking:
        try:
            return find_booking(session, booking_reference, email or "")
        except BookingNotFound:
            raise ConsultationMissing() from None

    def open(self, booking_reference: str, email: str) -> DraftView:
        """The draft of this consultation, created on first use. Needs a held consultation."""
        for _attempt in range(5):
            try:
                with unit_of_work(self._sessions) as session:
                    booking = self._booking(session, booking_reference, email)
                    if booking.status != HELD:
                        raise ConsultationPending()
                    draft = session.execute(
                        select(DraftApplication).where(DraftApplication.booking_id == booking.id)
                    ).scalar_one_or_none()
                    if draft is None:
                        draft = DraftApplication(
                            reference=new_reference(REFERENCE_PREFIX), booking_id=booking.id, status=DRAFT, fields="{}"
                        )
                        session.add(draft)
                        session.flush()
                    return self._view(draft, booking)
            except IntegrityError:
                continue  # reference collision or a parallel first use: try again
        raise DraftError("draft")

    def find(self, booking_reference: str, email: str) -> Optional[DraftView]:
        """The existing draft of this consultation (for status questions), without creating one."""
        with unit_of_work(self._sessions) as session:
            booking = self._booking(session, booking_reference, email)
            draft = session.execute(
                select(DraftApplication).where(DraftApplication.booking_id == booking.id)
            ).scalar_one_or_none()
            return self._view(draft, booking) if draft else None

    def save_fields(self, draft_reference: str, changes: Dict[str, Any]) -> DraftView:
        """Set fields (None removes one) in one transaction."""
        try:
            with unit_of_work(self._sessions) as session:
                draft = self._draft(session, draft_reference)
                values = json.loads(draft.fields or "{}")
                for field, value in changes.items():
                    if value is None:
                        values.pop(field, None)
                    else:
                        values[field] = value
                draft.fields = json.dumps(values, ensure_ascii=False, sort_keys=True)
                if "organisation" in changes:
                    organisation = changes["organisation"]
                    draft.organisation_key = organisation_key(str(organisation)) if organisation else None
                draft.updated_at = self._clock()
                session.flush()
                return self._view(draft, session.get(Booking, draft.booking_id))
        except IntegrityError:
            raise OrganisationTaken(
                self._own_draft_for(draft_reference, str(changes.get("organisation") or ""))
            ) from None

    def _own_draft_for(self, draft_reference: str, organisation: str) -> Optional[str]:
        """The reference of the same person's other open draft for this organisation, if any."""
        with unit_of_work(self._sessions) as session:
            current = self._draft(session, draft_reference)
            other = session.execute(
                select(DraftApplication).where(DraftApplication.organisation_key == organisation_key(organisation))
            ).scalar_one_or_none()
            if other is None or other.id == current.id or not self._same_owner(session, current, other):
                return None
            return other.reference

    @staticmethod
    def _same_owner(session, current: DraftApplication, other: DraftApplication) -> bool:
        mine, theirs = session.get(Booking, current.booking_id), session.get(Booking, other.booking_id)
        return other.status == DRAFT and mine.email.lower() == theirs.email.lower()

    def take_over(self, current_reference: str, existing_reference: str) -> DraftView:
        """Continue the same person's existing draft instead of the current one: the current
        draft's answers fill what the existing one lacks (nothing typed is lost), then the
        current draft is removed. Raises DraftNotFound for another person's draft."""
        with unit_of_work(self._sessions) as session:
            current = self._draft(session, current_reference)
            existing = self._draft(session, existing_reference)
            if existing.id == current.id or not self._same_owner(session, current, existing):
                raise DraftNotFound()
            values = json.loads(existing.fields or "{}")
            for field, value in json.loads(current.fields or "{}").items():
                values.setdefault(field, value)
            existing.fields = json.dumps(values, ensure_ascii=False, sort_keys=True)
            existing.updated_at = self._clock()
            session.delete(current)
            session.flush()
            return self._view(existing, session.get(Booking, existing.booking_id))

    def get(self, draft_reference: str) -> DraftView:
        with unit_of_work(self._sessions) as session:
            draft = self._draft(session, draft_reference)
            return self._view(draft, session.get(Booking, draft.booking_id))

    def _draft(self, session, draft_reference: str) -> DraftApplication:
        reference = normalise_reference(draft_reference, REFERENCE_PREFIX)
        draft = (
            session.execute(
                select(DraftApplication).where(DraftApplication.reference == reference)
            ).scalar_one_or_none()
            if reference
            else None
        )
        if draft is None:
            raise DraftNotFound()
        return draft

    # --- staff ------------------------------------------------------------------------------
    def list(self, status: Optional[str] = None) -> List[DraftView]:
        query = select(DraftApplication, Booking).join(Booking, Booking.id == DraftApplication.booking_id)
        if status:
            query = query.where(DraftApplication.status == status)
        with unit_of_work(self._sessions) as session:
            rows = session.execute(query.order_by(DraftApplication.created_at)).all()
            return [self._view(draft, booking) for draft, booking in rows]

    def set_status(self, draft_reference: str, status: str) -> DraftView:
        if status not in STATUSES:
            raise DraftError("status")
        with unit_of_work(self._sessions) as session:
            draft = self._draft(session, draft_reference)
            draft.status = status
            draft.updated_at = self._clock()
            session.flush()
            return self._view(draft, session.get(Booking, draft.booking_id))
