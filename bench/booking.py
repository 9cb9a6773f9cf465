"""Many users booking the consultation at the same time, over the REST webhook.

Every user asks for the same week, so they compete for the same slots: the bot must book each
slot at most once and offer the losers fresh slots.
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from pathlib import Path
from typing import List, Tuple

from bench.client import Timing, run_users, send, summary

REFERENCE = re.compile(r"GC-B-[0-9A-Z]{5}")


def _buttons(replies: list) -> List[dict]:
    return [b for r in replies for b in (r.get("buttons") or [])]


def book_one(base_url: str, user: str, timings: List[Timing], unfinished: List[str]) -> str:
    """Runs a whole booking conversation, answering what the bot asks; returns the reference."""

    def turn(text: str) -> list:
        started = time.perf_counter()
        replies = send(base_url, user, text)
        timings.append(Timing(time.perf_counter() - started, bool(replies)))
        return replies

    answers = {
        "Telefon oder per Video": "Video",
        "Wann passt es Ihnen": "nächste Woche",
        "einverstanden": "ja",
        "Wie ist Ihr Name": f"Nutzer {user}",
        "Clustermanagement-Organisation": "Cluster GmbH",
        "Wie heißt Ihr Cluster": "Cluster Nord",
        "E-Mail-Adresse dürfen wir": f"{user}@example.org",
        "Bitte prüfen Sie Ihre Angaben": "/affirm",
    }
    replies = turn("Ich möchte einen Beratungstermin vereinbaren")
    for _turn in range(150):
        text = " ".join(r.get("text") or "" for r in replies)
        reference = REFERENCE.search(text)
        if reference:
            return reference.group(0)
        slots = [b for b in _buttons(replies) if re.match(r"\d{4}-\d{2}-\d{2}T", b["payload"])]
        if slots:  # people pick different slots of the offer, as real users would
            replies = turn(random.choice(slots)["payload"])
            continue
        answer = next((a for question, a in answers.items() if question in text), None)
        if answer is None:
            unfinished.append(text[:200])
            return ""
        replies = turn(answer)
    unfinished.append("too many turns")
    return ""


def run(base_url: str, database: Path, users: int = 20) -> dict:
    alone: List[Timing] = []
    book_one(base_url, "booker-alone", alone, [])  # one user booking with nobody else around
    unfinished: List[str] = []

    def user(number: int) -> Tuple[str, List[Timing]]:
        mine: List[Timing] = []
        return book_one(base_url, f"booker{number}", mine, unfinished), mine

    results, elapsed = run_users(users, user)
    references = [reference for reference, _ in results]
    timings = [timing for _, mine in results for timing in mine]
    with sqlite3.connect(database) as connection:
        confirmed = connection.execute("SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'").fetchone()[0] - 1
        double = connection.execute(
            "SELECT COUNT(*) FROM (SELECT slot_start FROM bookings WHERE status = 'confirmed' "
            "GROUP BY slot_start HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    report = summary(timings)
    report.update(
        one_user_turn_p50_ms=summary(alone)["p50_ms"],
        one_user_turn_p95_ms=summary(alone)["p95_ms"],
        users=users,
        bookings=sum(1 for r in references if r),
        confirmed_in_database=confirmed,
        double_bookings=double,
        seconds=round(elapsed, 1),
        unfinished=unfinished,
    )
    return report
