"""What the bot says when it passes a concern on to the hotline team, and around deleting one's
data. Pure composition from content/ (messages.yml, handoff.yml); no database, no Rasa."""

from __future__ import annotations

from typing import List

from bot.handoff import rules
from bot.knowledge.answers import Button, Reply
from bot.knowledge.content import Messages
from bot.privacy import DeletionResult

INTRO_KEYS = {rules.SENSITIVE_TOPIC: "handoff_intro_sensitive", rules.NOT_UNDERSTOOD: "handoff_intro_not_understood"}


class HandoffDialogue:
    def __init__(
        self, messages: Messages, config: rules.HandoffConfig, hours: str, retention_days: int, privacy_url: str
    ) -> None:
        self._say = messages.render
        self.config = config
        self.hours = hours or config.hours or ""  # HOTLINE_HOURS wins; the sources name none
        self.retention_days = retention_days
        self.privacy_url = privacy_url

    def contact_line(self) -> str:
        hours = self._say("handoff_hours", hours=self.hours) if self.hours else self._say("handoff_hours_unknown")
        return self._say("handoff_contact_line", phone=self.config.phone, email=self.config.email, hours=hours)

    def intro(self, reason: str) -> Reply:
        return Reply(self._say(INTRO_KEYS.get(reason, "handoff_intro_person"), contact=self.contact_line()))

    def consent_question(self) -> Reply:
        text = self._say("handoff_ask_consent", days=self.retention_days, privacy_url=self.privacy_url)
        return Reply(
            text, (Button(self._say("button_consent_yes"), "/affirm"), Button(self._say("button_no"), "/deny"))
        )

    def created(self, ticket_reference: str) -> Reply:
        return Reply(self._say("handoff_created", reference=ticket_reference, contact=self.contact_line()))

    def say(self, key: str, **values: object) -> Reply:
        return Reply(self._say(key, **values))

    # --- deleting one's data ----------------------------------------------------------------
    def delete_question(self, booking_reference: str) -> Reply:
        buttons = (Button(self._say("delete_yes_button"), "/affirm"), Button(self._say("delete_no_button"), "/deny"))
        return Reply(self._say("delete_question", reference=booking_reference), buttons)

    def deleted(self, booking_reference: str, result: DeletionResult) -> List[Reply]:
        return [
            Reply(
                self._say(
                    "delete_done",
                    reference=booking_reference.upper(),
                    drafts=result.drafts,
                    tickets=result.tickets,
                    questions=result.questions,
                )
            )
        ]
