"""The unanswered questions as the hotline team reads them (pure functions, no database).

Real questions are listed, long ones cut with an ellipsis (the full text in a tooltip);
input nobody can learn from (bad input, no letters, pasted walls of text, keyboard mashing) is
collapsed into one line with a count, so the page stays short. The guessed topic is a German
label from the content, or "–" – never an internal value such as bad_input or an action name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Optional, Tuple

from bot import textguard
from bot.knowledge.answers import NOT_A_TOPIC

NO_TOPIC = "–"
SHOWN_CHARS = 160  # a question longer than this is cut on the page
TITLE_CHARS = 1000  # the tooltip holds at most this much
UNREADABLE_CHARS = 500  # longer than any question typed into a chat: pasted text, not a question
LONGEST_WORD = 40  # a "word" longer than this (not a link) is keyboard mashing
_LINK = re.compile(r"(https?://|www\.)", re.I)


def topic_label(intent: Optional[str], labels: Mapping[str, str]) -> str:
    """German label of a guessed intent; "–" for none, for intents that are no topic (greeting,
    yes/no, bad input ...) and for anything the content does not name."""
    if not intent or intent in NOT_A_TOPIC:
        return NO_TOPIC
    return labels.get(intent) or NO_TOPIC


def is_unreadable(text: str, guessed_intent: Optional[str] = None) -> bool:
    """Input nobody can learn a missing answer from."""
    text = text or ""
    if guessed_intent == "bad_input" or len(text) > UNREADABLE_CHARS or textguard.input_problem(text):
        return True
    if not any(ch.isalpha() for ch in text):
        return True
    return any(len(word) > LONGEST_WORD and not _LINK.match(word) for word in text.split())


def shorten(text: str, limit: int = SHOWN_CHARS) -> Tuple[str, bool]:
    """(text cut at a word boundary with "…", whether it was cut)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + " …", True


@dataclass(frozen=True)
class QuestionRow:
    text: str  # as shown (maybe cut)
    full_text: str  # for the tooltip when cut, else ""
    count: int
    last_seen: datetime
    kind: str
    topic: str


@dataclass(frozen=True)
class QuestionList:
    rows: Tuple[QuestionRow, ...]
    unreadable: int  # distinct entries collapsed into one line
    unreadable_count: int  # how often they were sent in all
    unreadable_last_seen: Optional[datetime]


def question_list(questions: Iterable, topic_labels: Mapping[str, str], kind_labels: Mapping[str, str]) -> QuestionList:
    """`questions`: QuestionCount-like items (text, count, last_seen, kind, guessed_intent)."""
    rows, unreadable, times, last = [], 0, 0, None
    for q in questions:
        if is_unreadable(q.text, q.guessed_intent):
            unreadable += 1
            times += q.count
            last = q.last_seen if last is None or q.last_seen > last else last
            continue
        shown, cut = shorten(q.text)
        rows.append(
            QuestionRow(
                shown,
                q.text[:TITLE_CHARS] if cut else "",
                q.count,
                q.last_seen,
                kind_labels.get(q.kind, NO_TOPIC),
                topic_label(q.guessed_intent, topic_labels),
            )
        )
    return QuestionList(tuple(rows), unreadable, times, last)
