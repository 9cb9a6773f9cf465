"""What the bot says about draft applications: prompts, values as the user reads them, the
summary with its checklist. Pure composition from content/ (application.yml, admission.yml,
messages.yml, labels.yml); no database, no Rasa."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.admission.guide import Guide, missing_documents
from bot.applications.schema import ApplicationSchema, FieldSpec
from bot.applications.service import DraftView
from bot.knowledge.answers import Button, Reply
from bot.knowledge.content import Messages
from bot.labels import DRAFT_STATUS, Labels

# Draft fields that answer the readiness check's document questions (content/admission.yml ids).
DOCUMENT_FIELDS = {"strategy_document": "strategy_exists", "actor_overview": "actor_overview_exists"}


CHANGE_FIELD_PAYLOAD = '/change_draft_field{"draft_field":"%s"}'


class DraftDialogue:
    def __init__(
        self, messages: Messages, schema: ApplicationSchema, guide: Guide, booking_label: str, labels: Labels
    ) -> None:
        self._say = messages.render
        self.schema = schema
        self.guide = guide
        self.booking_label = booking_label  # the topic "book a consultation" as a button title
        self.labels = labels

    def say(self, key: str, **values: Any) -> Reply:
        return Reply(self._say(key, **values))

    def none_yet(self) -> Reply:
        return Reply(self._say("draft_none_yet"), (Button(self._say("draft_create_button"), "/create_draft"),))

    def no_consultation(self) -> Reply:
        return Reply(self._say("draft_no_consultation"), (Button(self.booking_label, "/book_consultation"),))

    def opened(self, reference: str, fresh: bool) -> Reply:
        return Reply(self._say("draft_intro" if fresh else "draft_resumed", reference=reference))

    def own_draft_found(self, reference: str) -> Reply:
        return Reply(self._say("draft_organisation_own", reference=reference), self.yes_no_buttons())

    def change_which(self, values: Mapping[str, Any]) -> Reply:
        buttons = tuple(Button(f.label, CHANGE_FIELD_PAYLOAD % f.id) for f in self.schema.required(values))
        return Reply(self._say("draft_change_which"), buttons)

    def yes_no_buttons(self) -> Tuple[Button, Button]:
        return Button(self._say("button_yes"), "/affirm"), Button(self._say("button_no"), "/deny")

    def prompt(self, spec: FieldSpec) -> Reply:
        return Reply(spec.prompt, self.yes_no_buttons() if spec.kind == "yesno" else ())

    def display(self, spec: FieldSpec, value: Any) -> str:
        """A stored value as the user reads it in the summary."""
        if spec.kind == "yesno":
            return self._say({"yes": "value_yes", "no": "value_no"}.get(value, "value_unclear"))
        if spec.kind == "month_year" and value:
            moment = date.fromisoformat(value)
            return f"{moment:%m/%Y}" if moment.month != 1 or moment.day != 1 else str(moment.year)
        if spec.kind == "website" and value == "":
            return self._say("value_none")
        return str(value)

    def documents_still_needed(self, values: Mapping[str, Any]) -> List[Any]:
        """The application documents, and the strategy and actor overview unless the draft says
        they exist: the readiness check's rule, with the draft's answers."""
        answers = {doc: values.get(field) for doc, field in DOCUMENT_FIELDS.items()}
        return missing_documents(self.guide, answers)

    def summary(self, draft: DraftView, values: Optional[Dict[str, Any]] = None) -> List[Reply]:
        values = draft.fields if values is None else values
        status = self.labels.label(DRAFT_STATUS, draft.status)
        lines = [self._say("draft_summary", reference=draft.reference, status=status)]
        lines += [
            self._say("draft_line", label=f.label, value=self.display(f, values[f.id]))
            for f in self.schema.required(values)
            if values.get(f.id) is not None
        ]
        missing = self.schema.missing(values)
        if missing:
            lines.append(self._say("draft_missing"))
            lines += [self._say("draft_missing_item", label=f.label) for f in missing]
        else:
            lines.append(self._say("draft_complete"))
        lines.append(self._say("draft_documents_missing"))
        lines += [
            self._say("readiness_item", title=d.title, explanation=d.explanation)
            for d in self.documents_still_needed(values)
        ]
        lines.append(self._say("draft_submit_note"))
        return [Reply("\n".join(lines), (Button(self._say("draft_change_button"), "/change_draft_field"),))]
