"""Use cases of draft applications, whole: who may open a draft (the holder of its held
consultation's reference and e-mail, wrong guesses limited), opening or resuming it, its status,
and saving answers field by field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.applications.service import ConsultationMissing, ConsultationPending, DraftService, DraftView
from bot.booking.desk import ConsultationDesk
from bot.booking.service import BookingNotFound
from bot.requester import Requester


@dataclass(frozen=True)
class OpenedDraft:
    draft: DraftView
    fresh: bool  # created now, or without any answer yet


class DraftDesk:
    def __init__(self, consultations: ConsultationDesk, drafts: DraftService) -> None:
        self._consultations = consultations
        self.drafts = drafts

    def _identify(self, reference: str, email: str, requester: Requester):
        try:
            return self._consultations.identify(reference, email, requester)
        except BookingNotFound:
            raise ConsultationMissing() from None

    def open(self, reference: str, email: str, requester: Requester) -> OpenedDraft:
        """The draft of this consultation, created on first use. Raises RateLimited,
        ConsultationMissing, ConsultationPending (with the consultation's time), StorageUnavailable."""
        booking = self._identify(reference, email, requester)
        try:
            draft = self.drafts.open(reference, email)
        except ConsultationPending:
            raise ConsultationPending(booking.slot_start) from None
        return OpenedDraft(draft, not draft.fields)

    def status(self, reference: str, email: str, requester: Requester) -> Optional[DraftView]:
        """The existing draft of this consultation, None if there is none yet."""
        self._identify(reference, email, requester)
        return self.drafts.find(reference, email)

    def save(self, draft_reference: str, changes: Dict[str, Any]) -> DraftView:
        """Stores answers at once (None removes one). Raises OrganisationTaken, StorageUnavailable."""
        return self.drafts.save_fields(draft_reference, changes)

    def take_over(self, current_reference: str, existing_reference: str) -> DraftView:
        """Switch to the same person's existing draft for the organisation (OrganisationTaken.own_draft)."""
        return self.drafts.take_over(current_reference, existing_reference)

    def get(self, draft_reference: str) -> DraftView:
        return self.drafts.get(draft_reference)
