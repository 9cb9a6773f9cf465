"""Content files: complete, consistent, and in sync with the Rasa data generated from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import rasa_data
from bot.config import PROJECT_ROOT
from bot.knowledge import term_questions
from bot.knowledge.content import ContentError, load_knowledge
from bot.language import compact

# Copies of the programme page (seed) and the fact sheet every answer is checked against.
REFERENCE = PROJECT_ROOT / "content" / "reference"


def test_counts_meet_the_issue(knowledge):
    assert len(knowledge.faq) >= 30
    assert len(knowledge.terms) >= 35


def test_every_entry_has_answer_and_existing_source(knowledge):
    for entry in knowledge.faq.values():
        assert entry.answer.strip() and entry.sources, entry.id
        assert all(key in knowledge.sources for key in entry.sources), entry.id
    for term in knowledge.terms.values():
        assert term.definition.strip() and term.sources, term.id
        assert all(key in knowledge.sources for key in term.sources), term.id
    for source in knowledge.sources.values():
        assert source.url.startswith(("http://", "https://")), source.key


def test_no_name_belongs_to_two_terms(knowledge):
    owner = {}
    for term in knowledge.terms.values():
        for name in {compact(n) for n in term.names}:
            assert owner.setdefault(name, term.id) == term.id, f"{name}: {owner[name]} and {term.id}"


def test_gold_amounts_are_quoted_exactly_as_in_the_seed(knowledge):
    answer = knowledge.faq["gold_kostenbeteiligung"].answer
    assert "4.160,00 Euro netto" in answer
    assert "3.725,00 Euro" in answer and "3.725,00 Euro netto" not in answer
    text = (REFERENCE / "go-cluster-programm.txt").read_text("utf-8")
    assert "4.160,00 Euro netto" in text and "3.725,00 Euro (50%" in text


def test_every_number_in_answers_is_in_the_facts(knowledge):
    """No invented numbers: every figure of an answer or definition is in the seed or fact sheet."""
    facts = "".join(path.read_text("utf-8") for path in REFERENCE.iterdir())
    digits_in_facts = set(re.findall(r"\d[\d.,]*\d|\d", facts))
    texts = [(e.id, e.answer) for e in knowledge.faq.values()] + [
        (t.id, t.definition) for t in knowledge.terms.values()
    ]
    for owner, text in texts:
        for number in re.findall(r"\d[\d.,]*\d|\d", text):
            # Single digits 1-5 number the admission steps.
            assert number in digits_in_facts or number in {"1", "2", "3", "4", "5"}, f"{owner}: {number}"


def test_messages_fill_all_placeholders(knowledge, answers):
    for key in knowledge.messages.templates:
        values = {name: "x" for name in knowledge.messages.placeholders(key)}
        assert "{" not in knowledge.messages.render(key, **values)


def test_generated_rasa_files_are_in_sync():
    assert rasa_data.stale_files() == [], "run: python -m bot sync-rasa"


def test_domain_lists_every_faq_intent_and_topic(knowledge):
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    intents = set(domain["intents"])
    assert set(knowledge.faq_intents) <= intents
    assert set(knowledge.topics) <= intents


def test_every_faq_intent_has_training_examples(knowledge):
    examples = {}
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for item in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            if "intent" in item:
                examples[item["intent"]] = examples.get(item["intent"], 0) + len(
                    [line for line in item["examples"].splitlines() if line.strip().startswith("-")]
                )
    for intent in knowledge.faq_intents:
        assert examples.get(intent, 0) >= 10, intent


@pytest.mark.parametrize(
    "file_name, broken, message",
    [
        ("faq.yml", lambda d: d["entries"][0].update(answer=""), "'answer' is missing"),
        ("faq.yml", lambda d: d["entries"][0].update(sources=[]), "no source"),
        ("faq.yml", lambda d: d["entries"][0].update(sources=["Q999"]), "unknown source Q999"),
        ("glossary.yml", lambda d: d["terms"][1].update(aliases=[d["terms"][0]["term"]]), "belongs to both"),
        ("glossary.yml", lambda d: d["terms"][0].update(related=["nope"]), "unknown related term nope"),
        ("glossary.yml", lambda d: d["terms"].append(dict(d["terms"][0])), "duplicate id"),
    ],
)
def test_broken_content_is_rejected_with_a_clear_reason(tmp_content: Path, file_name, broken, message):
    path = tmp_content / file_name
    data = yaml.safe_load(path.read_text("utf-8"))
    broken(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(ContentError, match=re.escape(message)):
        load_knowledge(tmp_content)


def test_adding_a_term_is_a_data_change_only(tmp_content: Path):
    path = tmp_content / "glossary.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["terms"].append(
        {
            "id": "testbegriff",
            "term": "Quantencluster",
            "aliases": ["QC-Verbund"],
            "definition": "Ein Testeintrag.",
            "sources": ["Q1"],
        }
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    knowledge = load_knowledge(tmp_content)
    from bot.knowledge.answers import Answers

    reply = Answers(knowledge).explain("was ist ein qc verbund")
    assert reply[0].text.startswith("Quantencluster: Ein Testeintrag.")
    assert "Quantencluster" in rasa_data.glossary_lookup(knowledge)


def _term(**fields):
    from bot.knowledge.content import Term

    return Term(**{"sources": ("Q1",), **fields})


@pytest.mark.parametrize(
    "definition, expected, unexpected",
    [
        # An aspect is asked about only when the definition answers it.
        ("Das Testlabel gilt zwei Jahre.", ["Wie lange gilt das Testlabel?"], ["Wann wurde"]),
        ("Das Testlabel wurde 2010 gegründet und hat seinen Sitz in Berlin.", ["gegründet", "Sitz"], ["gilt"]),
        ("Das Testlabel kostet 100 Euro.", ["Was kostet das Testlabel?"], ["Wo sitzt"]),
        ("Das Testlabel bewertet 36 Indikatoren.", ["Wie viele Indikatoren"], ["Euro"]),
        ("Ein Testeintrag.", [], ["Wie lange", "Seit wann", "Wie viele", "Wo sitzt", "Wer vergibt", "Von wem"]),
        # Who awards a label is asked only when the definition says so.
        ("Die ESCA vergibt das Testlabel.", ["Wer vergibt"], ["Wie lange"]),
    ],
)
def test_generated_glossary_questions_follow_the_definition(definition, expected, unexpected):
    term = _term(id="testlabel", term="Testlabel", definition=definition)
    text = "\n".join(term_questions.glossary_question_texts(term))
    for part in expected:
        assert part in text
    for part in unexpected:
        assert part not in text


def test_terms_sharing_a_faq_answer_get_meaning_questions_only():
    term = _term(id="t", term="Testantrag", definition="Der Testantrag gilt ein Jahr und kostet 5 Euro.", faq="x")
    texts = term_questions.glossary_question_texts(term)
    assert texts and not any(word in " ".join(texts) for word in ("gilt", "kostet", "Euro"))


def test_generated_glossary_questions_use_the_article_of_the_definition():
    term = _term(id="esca", term="ESCA", expansion="European Secretariat", definition="Die ESCA sitzt in Berlin.")
    text = "\n".join(term_questions.glossary_question_texts(term))
    assert "Was ist die ESCA?" in text and "Wo sitzt" in text
    assert "Wofür steht ESCA?" in text


def test_every_glossary_term_is_asked_about(knowledge):
    generated = rasa_data.glossary_questions(knowledge)
    for term in knowledge.terms.values():
        assert len(term_questions.glossary_question_texts(term)) >= 5, term.id
    assert generated.count("\n      - ") >= 5 * len(knowledge.terms)
