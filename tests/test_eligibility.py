"""Rules for the cost share on the Gold label (bot/eligibility.py), checked against the programme page.

Seed, section "Kostenbeteiligung am Gold-Label-Prozess": the request has to be made before the
certification process starts; prerequisites:
  * Das Innovationscluster ist Mitglied im Programm "go-cluster".
  * Es gibt keine weitere Kostenbeteiligung von dritter Stelle.
  * Das Clustermanagement hat bereits einen Silber-Label-Prozess erfolgreich durchgeführt oder in den
    vergangenen vier Jahren erfolgreich einen Gold-Label-Prozess bzw. eine ISO:9001-Zertifizierung
    durchgeführt.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from bot.eligibility import (
    ALREADY_STARTED,
    FIRST,
    NO,
    NO_PRIOR_LABEL,
    NOT_MEMBER,
    OTHER_FUNDING,
    QUESTIONS,
    RECERT,
    UNKNOWN,
    YES,
    Verdict,
    evaluate,
    needed_questions,
    parse_answer,
)

TODAY = date(2026, 11, 28)  # four years before: 28.11.2022
YES_NO_QUESTIONS = ("member", "other_funding", "silver_done", "gold_or_iso_recent", "started")
VALUES = (YES, NO, UNKNOWN)
KINDS = (FIRST, RECERT, UNKNOWN)


# --- evaluate: every combination -----------------------------------------------------------------


def expected_verdict(member, other_funding, silver_done, gold_or_iso_recent, started):
    """The seed's prerequisites written out plainly: (outcome, unmet, unclear)."""
    unmet, unclear = [], []

    # "Das Innovationscluster ist Mitglied im Programm go-cluster."
    if member == NO:
        unmet.append("not_member")
    if member == UNKNOWN:
        unclear.append("not_member")

    # "Es gibt keine weitere Kostenbeteiligung von dritter Stelle."
    if other_funding == YES:
        unmet.append("other_funding")
    if other_funding == UNKNOWN:
        unclear.append("other_funding")

    # "... bereits einen Silber-Label-Prozess ... oder in den vergangenen vier Jahren ... Gold-Label-
    # Prozess bzw. eine ISO:9001-Zertifizierung": one of the two is enough.
    if silver_done == YES or gold_or_iso_recent == YES:
        pass
    elif silver_done == NO and gold_or_iso_recent == NO:
        unmet.append("no_prior_label")
    else:
        unclear.append("no_prior_label")

    # "Der Antrag ... ist vor Beginn des Zertifizierungsprozesses zu stellen."
    if started == YES:
        unmet.append("already_started")
    if started == UNKNOWN:
        unclear.append("already_started")

    if unmet:
        outcome = "not_eligible"
    elif unclear:
        outcome = "unclear"
    else:
        outcome = "eligible"
    return outcome, tuple(unmet), tuple(unclear)


ALL_COMBINATIONS = [values + (kind,) for values in itertools.product(VALUES, repeat=5) for kind in KINDS]


def test_all_combinations_are_listed():
    assert len(ALL_COMBINATIONS) == 729


@pytest.mark.parametrize(
    "member,other_funding,silver_done,gold_or_iso_recent,started,kind",
    ALL_COMBINATIONS,
    ids=["-".join(c) for c in ALL_COMBINATIONS],
)
def test_evaluate_every_combination(member, other_funding, silver_done, gold_or_iso_recent, started, kind):
    answers = {
        "member": member,
        "other_funding": other_funding,
        "silver_done": silver_done,
        "gold_or_iso_recent": gold_or_iso_recent,
        "started": started,
        "kind": kind,
    }
    verdict = evaluate(answers)
    outcome, unmet, unclear = expected_verdict(member, other_funding, silver_done, gold_or_iso_recent, started)
    assert verdict.outcome == outcome
    assert verdict.unmet == unmet
    assert verdict.unclear == unclear
    assert verdict.kind == kind  # the kind only selects the amount


def test_eligible_verdict_in_full():
    answers = {
        "member": YES,
        "other_funding": NO,
        "silver_done": NO,
        "gold_or_iso_recent": YES,
        "started": NO,
        "kind": RECERT,
    }
    assert evaluate(answers) == Verdict(outcome="eligible", unmet=(), unclear=(), kind=RECERT)


def test_all_conditions_unmet_in_fixed_order():
    answers = {
        "member": NO,
        "other_funding": YES,
        "silver_done": NO,
        "gold_or_iso_recent": NO,
        "started": YES,
        "kind": FIRST,
    }
    assert evaluate(answers) == Verdict(
        "not_eligible", (NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED), (), FIRST
    )


def test_silver_done_needs_no_gold_answer():
    answers = {"member": YES, "other_funding": NO, "silver_done": YES, "started": NO, "kind": FIRST}
    assert evaluate(answers) == Verdict("eligible", (), (), FIRST)


def test_missing_and_invalid_answers_count_as_unknown():
    assert evaluate({}) == Verdict("unclear", (), (NOT_MEMBER, OTHER_FUNDING, NO_PRIOR_LABEL, ALREADY_STARTED), UNKNOWN)
    answers = {
        "member": "ja",
        "other_funding": None,
        "silver_done": NO,
        "gold_or_iso_recent": NO,
        "started": NO,
        "kind": "gold",
    }
    assert evaluate(answers) == Verdict("not_eligible", (NO_PRIOR_LABEL,), (NOT_MEMBER, OTHER_FUNDING), UNKNOWN)


# --- needed_questions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({}, QUESTIONS),
        ({"member": YES}, ("other_funding", "silver_done", "gold_or_iso_recent", "started", "kind")),
        ({"member": NO}, ("other_funding", "silver_done", "gold_or_iso_recent", "started", "kind")),
        ({"member": YES, "other_funding": NO, "silver_done": YES}, ("started", "kind")),
        ({"member": YES, "other_funding": NO, "silver_done": NO}, ("gold_or_iso_recent", "started", "kind")),
        ({"member": YES, "other_funding": NO, "silver_done": UNKNOWN}, ("gold_or_iso_recent", "started", "kind")),
        ({"silver_done": YES}, ("member", "other_funding", "started", "kind")),
        ({"member": UNKNOWN, "other_funding": UNKNOWN}, ("silver_done", "gold_or_iso_recent", "started", "kind")),
        (
            {
                "member": YES,
                "other_funding": NO,
                "silver_done": NO,
                "gold_or_iso_recent": NO,
                "started": NO,
                "kind": FIRST,
            },
            (),
        ),
        (
            {
                "member": YES,
                "other_funding": NO,
                "silver_done": YES,
                "gold_or_iso_recent": NO,
                "started": NO,
                "kind": UNKNOWN,
            },
            (),
        ),
        ({"kind": RECERT, "started": YES}, ("member", "other_funding", "silver_done", "gold_or_iso_recent")),
        # not (validly) answered: asked again
        ({"member": None, "kind": YES, "started": FIRST}, QUESTIONS),
    ],
)
def test_needed_questions(answers, expected):
    assert needed_questions(answers) == expected


# --- parse_answer ------------------------------------------------------------------------------

PARSE_CASES = [
    # plain yes
    ("member", "ja", None, YES),
    ("member", "Ja", None, YES),
    ("member", "JA!", None, YES),
    ("member", "jawohl", None, YES),
    ("member", "genau", None, YES),
    ("member", "klar", None, YES),
    ("member", "Na klar, sind wir", None, YES),
    ("member", "sind wir", None, YES),
    ("member", "Wir sind Mitglied", None, YES),
    ("member", "Seit 2019", None, YES),
    ("silver_done", "haben wir", None, YES),
    ("silver_done", "ist erledigt", None, YES),
    ("silver_done", "Ja, das ist längst erledigt", None, YES),
    ("started", "Ja, läuft schon", None, YES),
    ("started", "Der Prozess hat bereits begonnen", None, YES),
    ("other_funding", "Ja, vom Land", None, YES),
    ("other_funding", "gibt es", None, YES),
    # plain no
    ("member", "nein", None, NO),
    ("member", "Nein, sind wir nicht", None, NO),
    ("member", "nö", None, NO),
    ("member", "noe", None, NO),
    ("member", "nee", None, NO),
    ("member", "Ich weiß, dass wir nicht Mitglied sind", None, NO),
    ("other_funding", "keine", None, NO),
    ("other_funding", "Nein, keine weitere Förderung", None, NO),
    ("other_funding", "gibt es nicht", None, NO),
    ("other_funding", "Es gibt keine andere Kostenbeteiligung", None, NO),
    ("silver_done", "haben wir nicht", None, NO),
    ("silver_done", "noch nicht", None, NO),
    ("silver_done", "nicht", None, NO),
    ("started", "Nein, noch nicht", None, NO),
    ("started", "Sicher nicht", None, NO),
    ("started", "Der Prozess hat noch nicht begonnen", None, NO),
    # unsure
    ("member", "jein", None, UNKNOWN),
    ("member", "weiß nicht", None, UNKNOWN),
    ("member", "weiss ich leider nicht", None, UNKNOWN),
    ("member", "keine Ahnung", None, UNKNOWN),
    ("member", "k.A.", None, UNKNOWN),
    ("member", "unklar", None, UNKNOWN),
    ("member", "vielleicht", None, UNKNOWN),
    ("member", "bin nicht sicher", None, UNKNOWN),
    ("member", "Da bin ich mir nicht ganz sicher", None, UNKNOWN),
    ("other_funding", "teilweise", None, UNKNOWN),
    ("other_funding", "?", None, UNKNOWN),
    ("other_funding", "Was heißt dritte Stelle?", None, UNKNOWN),
    ("other_funding", "Ja?", None, UNKNOWN),
    ("started", "Ich glaube schon", None, UNKNOWN),
    ("started", "eher nicht", None, UNKNOWN),
    ("other_funding", "Nur Eigenmittel", None, UNKNOWN),
    ("member", "Guten Tag", None, UNKNOWN),
    ("member", "", None, UNKNOWN),
    # contradictions: the intent decides, else UNKNOWN
    ("member", "Ja, leider nicht", None, UNKNOWN),
    ("member", "Ja, leider nicht", "deny", NO),
    ("member", "ja nein", "affirm", UNKNOWN),
    # typos, repeated letters, ae/oe/ue
    ("member", "jaaa", None, YES),
    ("member", "gneau", None, YES),
    ("member", "nien", None, NO),
    ("member", "neeein", None, NO),
    ("started", "nciht", None, NO),
    ("other_funding", "kiene", None, NO),
    ("member", "vieleicht", None, UNKNOWN),
    ("member", "weis nicht", None, UNKNOWN),
    ("member", "Weiss ich nicht", None, UNKNOWN),
    ("member", "Natuerlich", None, YES),
    ("member", "natürlich", None, YES),
    ("member", "WAHRSCHEINLCH", None, UNKNOWN),
    # intents
    ("member", "", "affirm", YES),
    ("member", "", "deny", NO),
    ("member", "", "greet", UNKNOWN),
    ("started", "passt", "affirm", YES),
    ("started", "lieber nicht drüber reden", "affirm", NO),
    ("member", "nein", "affirm", NO),
    ("member", "ja", "deny", YES),
    ("member", "weiß nicht", "affirm", UNKNOWN),
    ("other_funding", "?", "deny", UNKNOWN),
    ("gold_or_iso_recent", "", "affirm", YES),
    ("gold_or_iso_recent", "2019", "affirm", NO),
    ("silver_done", "", "deny", NO),
    # gold_or_iso_recent: dates within four years before 28.11.2026
    ("gold_or_iso_recent", "haben wir 2023 gemacht", None, YES),
    ("gold_or_iso_recent", "2019", None, NO),
    ("gold_or_iso_recent", "2022", None, UNKNOWN),
    ("gold_or_iso_recent", "2023", None, YES),
    ("gold_or_iso_recent", "2026", None, YES),
    ("gold_or_iso_recent", "2027", None, UNKNOWN),
    ("gold_or_iso_recent", "im Dezember 2022", None, YES),
    ("gold_or_iso_recent", "im November 2022", None, UNKNOWN),
    ("gold_or_iso_recent", "im Oktober 2022", None, NO),
    ("gold_or_iso_recent", "im Mai 2021", None, NO),
    ("gold_or_iso_recent", "Gold-Label im März 2024", None, YES),
    ("gold_or_iso_recent", "am 28.11.2022", None, YES),
    ("gold_or_iso_recent", "am 27.11.2022", None, NO),
    ("gold_or_iso_recent", "12/2022", None, YES),
    ("gold_or_iso_recent", "Ende 2023", None, YES),
    ("gold_or_iso_recent", "vor drei Jahren", None, YES),
    ("gold_or_iso_recent", "vor zwei Jahren", None, YES),
    ("gold_or_iso_recent", "vor einem Jahr", None, YES),
    ("gold_or_iso_recent", "vor 3 Jahren", None, YES),
    ("gold_or_iso_recent", "vor vier Jahren", None, UNKNOWN),
    ("gold_or_iso_recent", "vor fünf Jahren", None, NO),
    ("gold_or_iso_recent", "vor fuenf Jahren", None, NO),
    ("gold_or_iso_recent", "vor zehn Jahren", None, NO),
    ("gold_or_iso_recent", "vor über vier Jahren", None, NO),
    ("gold_or_iso_recent", "vor 18 Monaten", None, YES),
    ("gold_or_iso_recent", "letztes Jahr", None, YES),
    ("gold_or_iso_recent", "ist schon lange her", None, UNKNOWN),
    ("gold_or_iso_recent", "Ja, aber vor sieben Jahren", None, NO),
    ("gold_or_iso_recent", "nein, das war 2015", None, NO),
    ("gold_or_iso_recent", "nein, das war 2024", None, UNKNOWN),
    ("gold_or_iso_recent", "Vielleicht 2023", None, UNKNOWN),
    ("gold_or_iso_recent", "ISO 9001 seit Dezember 2022", None, YES),
    ("gold_or_iso_recent", "ISO 9001 seit März 2022", None, UNKNOWN),  # a held certificate is renewed
    ("gold_or_iso_recent", "Nach ISO 9001:2015 zertifiziert, Audit 2024", None, YES),
    ("gold_or_iso_recent", "ISO ja, Gold nein", None, YES),
    ("gold_or_iso_recent", "Gold 2019, ISO 2024", None, YES),
    ("gold_or_iso_recent", "Gold 2019, ISO 2020", None, NO),
    ("gold_or_iso_recent", "ja", None, YES),
    ("gold_or_iso_recent", "nein", None, NO),
    ("gold_or_iso_recent", "Nicht in den letzten vier Jahren", None, NO),
    # silver_done: a past year just means done
    ("silver_done", "haben wir 2023 gemacht", None, YES),
    ("silver_done", "2012", None, YES),
    ("silver_done", "vor zehn Jahren", None, YES),
    ("silver_done", "Nein, erst 2027 geplant", None, NO),
    ("silver_done", "2027", None, UNKNOWN),
    ("silver_done", "Nein, aber Gold 2024", None, NO),
    # kind
    ("kind", "Erstzertifizierung", None, FIRST),
    ("kind", "Erst-Zertifizierung", None, FIRST),
    ("kind", "erstmals", None, FIRST),
    ("kind", "zum ersten Mal", None, FIRST),
    ("kind", "die erste", None, FIRST),
    ("kind", "neu", None, FIRST),
    ("kind", "Wir hatten noch nie ein Gold-Label", None, FIRST),
    ("kind", "Erstzertifizirung", None, FIRST),
    ("kind", "Re-Zertifizierung", None, RECERT),
    ("kind", "Rezertifizierung", None, RECERT),
    ("kind", "Rezertifzierung", None, RECERT),
    ("kind", "Verlängerung", None, RECERT),
    ("kind", "Verlaengerung", None, RECERT),
    ("kind", "Verlangerung", None, RECERT),
    ("kind", "wir wollen erneuern", None, RECERT),
    ("kind", "wieder", None, RECERT),
    ("kind", "zweites Mal", None, RECERT),
    ("kind", "erneut", None, RECERT),
    ("kind", "die erste Verlängerung", None, RECERT),
    ("kind", "nicht zum ersten Mal", None, RECERT),
    ("kind", "keine Re-Zertifizierung", None, FIRST),
    ("kind", "ja", "affirm", UNKNOWN),
    ("kind", "weiß nicht", None, UNKNOWN),
    ("kind", "Erstzertifizierung?", None, UNKNOWN),
    ("kind", "", None, UNKNOWN),
]


def test_enough_parse_cases():
    assert len(PARSE_CASES) >= 45


@pytest.mark.parametrize(
    "question,text,intent,expected", PARSE_CASES, ids=[f"{q}:{t or '<empty>'}:{i}" for q, t, i, _ in PARSE_CASES]
)
def test_parse_answer(question, text, intent, expected):
    assert parse_answer(question, text, intent, TODAY) == expected


@pytest.mark.parametrize(
    "today,text,expected",
    [
        (date(2026, 1, 15), "2022", UNKNOWN),
        (date(2026, 1, 15), "Februar 2022", YES),
        (date(2026, 1, 15), "Dezember 2021", NO),
        (date(2024, 2, 29), "März 2020", YES),
        (date(2024, 2, 29), "Februar 2020", UNKNOWN),
        (date(2030, 6, 1), "2027", YES),
        (date(2030, 6, 1), "2026", UNKNOWN),
    ],
)
def test_four_years_count_back_from_today(today, text, expected):
    assert parse_answer("gold_or_iso_recent", text, None, today) == expected


def test_answers_stay_in_their_value_sets():
    texts = ["", "ja", "nein", "jein", "2023", "vor drei Jahren", "Rezertifizierung", "???", "äöüß"]
    for question in QUESTIONS:
        allowed = {FIRST, RECERT, UNKNOWN} if question == "kind" else {YES, NO, UNKNOWN}
        for text in texts:
            for intent in (None, "affirm", "deny"):
                assert parse_answer(question, text, intent, TODAY) in allowed


def test_unknown_question_is_an_error():
    with pytest.raises(ValueError):
        parse_answer("budget", "ja", None, TODAY)
