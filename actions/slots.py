"""Slot groups of the multi-step processes, so that every action resets the same set."""

from __future__ import annotations

from bot import eligibility

BOOKING = (
    "consultation_format",
    "preferred_time",
    "time_wish",
    "slot_offer",
    "consultation_slot",
    "consent",
    "person_name",
    "organisation",
    "cluster_name",
    "email",
    "phone",
    "form_failures",
    "booking_ready",
    "booking_unavailable",
    "retry_step",
)
LOOKUP = ("booking_reference", "lookup_email", "lookup_result")
# The identification together with what it was for, and the booking found by it.
LOOKUP_STATE = LOOKUP + ("lookup_purpose", "current_slot")
READINESS = ("rd_application_documents", "rd_strategy_document", "rd_actor_overview")
COST_SHARE = tuple(f"cs_{question}" for question in eligibility.QUESTIONS)
HANDOFF = (
    "handoff_consent",
    "handoff_name",
    "handoff_contact",
    "handoff_callback",
    "handoff_concern",
    "handoff_reason",
    "retry_step",
)
# An abort forgets all of them: nothing of an unfinished process is kept.
PROCESS = BOOKING + LOOKUP_STATE + READINESS + COST_SHARE + HANDOFF
