"""What the bot says in the admission guide, the readiness check and the Gold-label cost-share
check: steps with their buttons, questions with answer buttons, results. Pure composition from
content/ (admission.yml, topics.yml, faq.yml, messages.yml); no database, no Rasa."""

from __future__ import annotations

from typing import List, Mapping, Optional, Tuple

from bot import eligibility
from bot.admission.guide import Guide, ProgressRule, missing_documents
from bot.knowledge.answers import Button, Reply
from bot.knowledge.content import Knowledge


def goto_payload(number: int) -> str:
    return '/guide_goto{"guide_target":"%d"}' % number


class AdmissionDialogue:
    def __init__(self, knowledge: Knowledge, guide: Guide) -> None:
        self._say = knowledge.messages.render
        self.knowledge = knowledge
        self.guide = guide

    def _topic_button(self, topic: str) -> Button:
        return Button(self.knowledge.topics[topic].label, "/" + topic)

    def yes_no_buttons(self, dont_know: bool = False) -> Tuple[Button, ...]:
        buttons = (Button(self._say("button_yes"), "/affirm"), Button(self._say("button_no"), "/deny"))
        return buttons + ((Button(self._say("button_dont_know"), self._say("button_dont_know")),) if dont_know else ())

    # --- guided tour ------------------------------------------------------------------------
    def step(self, number: int, details: bool = False) -> Reply:
        step = self.guide.step(number)
        text = self._say(
            "guide_details" if details else "guide_step",
            number=step.number,
            title=step.title,
            summary=step.summary,
            details=step.details,
        )
        buttons = [self._topic_button(offer) for offer in step.offers]
        buttons.append(Button(self._say("guide_button_details"), '/guide_details{"guide_target":"%d"}' % number))
        if number < len(self.guide.steps):
            buttons.append(Button(self._say("guide_button_next"), goto_payload(number + 1)))
        if number > 1:
            buttons.append(Button(self._say("guide_button_back"), goto_payload(number - 1)))
        return Reply(text, tuple(buttons))

    def tour(self, number: int, starts: bool, details: bool) -> List[Reply]:
        replies = []
        if starts:
            titles = "\n".join(f"{s.number}. {s.title}" for s in self.guide.steps)
            replies.append(Reply(self._say("guide_overview", steps=titles)))
        return replies + [self.step(number, details)]

    def progress(self, rule: Optional[ProgressRule], obligations: List[Reply]) -> List[Reply]:
        """The answer to "we have done … already": the step to continue with, or a choice."""
        if rule is None:
            buttons = tuple(
                Button(self._say("guide_button_step", number=s.number) + f": {s.title}", goto_payload(s.number))
                for s in self.guide.steps
            )
            return [Reply(self._say("guide_progress_unknown"), buttons)]
        if rule.outcome == "admitted":
            return [Reply(self._say("guide_after_admission")), *obligations]
        if rule.outcome == "rejected":
            return [Reply(self._say("guide_rejected"))]
        return [Reply(self._say("guide_progress_step", number=rule.step)), self.step(rule.step)]

    # --- readiness check --------------------------------------------------------------------
    def readiness_question(self, document: str) -> Reply:
        return Reply(self._say(f"readiness_ask_{document}"), self.yes_no_buttons())

    def readiness_result(self, answers: Mapping[str, Optional[str]]) -> List[Reply]:
        missing = missing_documents(self.guide, answers)
        if missing:
            lines = [self._say("readiness_missing")] + [
                self._say("readiness_item", title=d.title, explanation=d.explanation) for d in missing
            ]
            if eligibility.UNKNOWN in answers.values():
                lines.append(self._say("readiness_unknown_hint"))
        else:
            lines = [self._say("readiness_all_there")]
        lines.append(self._say("readiness_criteria"))
        return [Reply("\n".join(lines), (self._topic_button("book_consultation"), self._topic_button("create_draft")))]

    # --- Gold-label cost share --------------------------------------------------------------
    def cost_share_question(self, question: str) -> Reply:
        if question == "kind":
            first, recert = self._say("cost_share_button_first"), self._say("cost_share_button_recert")
            buttons: Tuple[Button, ...] = (Button(first, first), Button(recert, recert))
        else:
            buttons = self.yes_no_buttons(dont_know=True)
        return Reply(self._say(f"cost_share_ask_{question}"), buttons)

    def verdict(self, verdict: eligibility.Verdict) -> List[Reply]:
        lines: List[str] = []
        if verdict.outcome == eligibility.ELIGIBLE:
            lines.append(self._say("cost_share_eligible"))
        elif verdict.outcome == eligibility.NOT_ELIGIBLE:
            lines.append(self._say("cost_share_not_eligible"))
            lines += [self._say(f"cost_share_unmet_{code}") for code in verdict.unmet]
            if verdict.unclear:
                lines.append(self._say("cost_share_unclear"))
                lines += [self._say(f"cost_share_unclear_{code}") for code in verdict.unclear]
        else:
            lines.append(self._say("cost_share_unclear"))
            lines += [self._say(f"cost_share_unclear_{code}") for code in verdict.unclear]
        amount_key = {eligibility.FIRST: "cost_share_amount_first", eligibility.RECERT: "cost_share_amount_recert"}
        lines.append(self._say(amount_key.get(verdict.kind, "cost_share_amount_unknown")))
        lines.append(self._say("cost_share_conditions"))
        if verdict.outcome == eligibility.UNCLEAR:
            lines.append(self._say("cost_share_unclear_next"))
        buttons: Tuple[Button, ...] = ()
        if eligibility.NOT_MEMBER in verdict.unmet + verdict.unclear:
            guide_entry = self.knowledge.faq["aufnahmeprozess"]
            buttons = (Button(guide_entry.title, "/" + guide_entry.intent),)
        return [Reply("\n".join(lines), buttons)]
