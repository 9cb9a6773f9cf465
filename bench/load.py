"""The load generator: the same scenarios for every bot, over the REST webhook."""

from __future__ import annotations

import secrets
from typing import List, Sequence

from bench.client import Timing, percentile, run_users, summary, timed_send

CONVERSATION_LENGTH = 15  # a new conversation (sender) every 15 messages
ONE_USER_CONVERSATIONS = 4
USERS = 20
CONVERSATIONS_PER_USER = 2
LONG_CONVERSATION = 200
WINDOW = 20  # first and last 20 messages of the long conversation

# The stock `rasa init` bot understands greetings, moods, bot challenges and goodbyes.
STOCK_MESSAGES = [
    "hello",
    "I am feeling great",
    "are you a bot?",
    "I am sad",
    "yes",
    "hi",
    "very good",
    "no",
    "are you a human?",
    "I am very happy",
    "hey there",
    "not good",
    "yes",
    "goodbye",
    "bye",
]

# This assistant: a realistic German mix of greetings, programme and glossary questions.
ASSISTANT_MESSAGES = [
    "Hallo",
    "Was ist go-cluster?",
    "Wie werde ich Mitglied?",
    "Was ist ESCA?",
    "welche unterlagen brauche ich",
    "Wie hoch ist die Kostenbeteiligung am Gold-Label?",
    "ecei bedeutung",
    "Wer entscheidet über die Aufnahme?",
    "gibt es eine frist",
    "Was bedeutet Clustermanagement?",
    "Welche Pflichten haben Mitglieder?",
    "Was ist ein Innovationscluster?",
    "Wer kann Mitglied werden?",
    "danke",
    "tschüss",
]


def _sender(label: str) -> str:
    return f"bench-{label}-{secrets.token_hex(4)}"


def conversation(url: str, messages: Sequence[str], label: str, start: int = 0, length: int = 0) -> List[Timing]:
    """One conversation: `length` messages (default: one round of `messages`), starting at `start`."""
    sender = _sender(label)
    count = length or len(messages)
    return [timed_send(url, sender, messages[(start + i) % len(messages)]) for i in range(count)]


def one_user(url: str, messages: Sequence[str]) -> dict:
    """(a) One user at a time, a new conversation every 15 messages."""
    timings = [t for n in range(ONE_USER_CONVERSATIONS) for t in conversation(url, messages, f"one-{n}")]
    return summary(timings)


def many_users(url: str, messages: Sequence[str], users: int = USERS) -> dict:
    """(b) `users` users back-to-back (no pause between answer and next message); users start at
    different points of the conversation, so the requests are mixed."""

    def user(number: int) -> List[Timing]:
        return [
            t
            for n in range(CONVERSATIONS_PER_USER)
            for t in conversation(url, messages, f"user-{number}-{n}", start=number)
        ]

    per_user, elapsed = run_users(users, user)
    timings = [t for ts in per_user for t in ts]
    report = summary(timings)
    report["users"] = users
    report["throughput_msg_per_s"] = round(len(timings) / elapsed, 1)
    return report


def long_conversation(url: str, messages: Sequence[str]) -> dict:
    """(c) One conversation of 200 messages: p50 of the first 20 against the last 20."""
    timings = conversation(url, messages, "long", length=LONG_CONVERSATION)
    first = [t.seconds for t in timings[:WINDOW]]
    last = [t.seconds for t in timings[-WINDOW:]]
    return {
        "messages": len(timings),
        "errors": sum(not t.ok for t in timings),
        "first_p50_ms": round(percentile(first, 50) * 1000, 1),
        "last_p50_ms": round(percentile(last, 50) * 1000, 1),
    }
