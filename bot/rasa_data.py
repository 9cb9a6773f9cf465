"""Generates the parts of the Rasa project that follow from the content files.

* data/rules/faq.yml         one rule per FAQ entry: intent faq_<id> -> its action (action_answer_faq)
* data/nlu/glossary_names.yml lookup table with every spelling of every glossary term
* data/nlu/glossary_questions.yml questions about every glossary term (meaning and the aspects its
  definition answers), see `glossary_questions`
* domain.yml                 the FAQ intents between the "generated" markers

`python -m bot sync-rasa` writes them; `python -m bot sync-rasa --check` (run by the tests)
fails when a content change was not synced. Plain text output, no Rasa import needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List

from bot.config import PROJECT_ROOT
from bot.knowledge.content import Knowledge, load_knowledge
from bot.knowledge.term_questions import chat_style, glossary_question_texts
from bot.language import fold

HEADER = "# Generated from content/ by `python -m bot sync-rasa`. Do not edit by hand.\n"
DOMAIN_BEGIN = "  # BEGIN generated FAQ intents (python -m bot sync-rasa)\n"
DOMAIN_END = "  # END generated FAQ intents\n"


def faq_rules(knowledge: Knowledge) -> str:
    lines = [HEADER, 'version: "3.1"\n', "rules:\n"]
    for entry in knowledge.faq.values():
        lines += [
            f"  - rule: FAQ {entry.id}\n",
            "    steps:\n",
            f"      - intent: {entry.intent}\n",
            f"      - action: {entry.action}\n",
        ]
    return "".join(lines)


def glossary_spellings(names: Iterable[str]) -> List[str]:
    """Each name as written and, where different, without umlauts and hyphens."""
    result: Dict[str, None] = {}
    for name in names:
        for variant in (name, fold(name), fold(name).replace("-", " ")):
            result.setdefault(variant.strip(), None)
    return [v for v in result if v]


def glossary_lookup(knowledge: Knowledge) -> str:
    names = glossary_spellings(n for term in knowledge.terms.values() for n in term.names)
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n", "  - lookup: glossary_names\n", "    examples: |\n"]
    lines += [f"      - {name}\n" for name in names]
    return "".join(lines)


def domain_with_faq_intents(domain_text: str, knowledge: Knowledge) -> str:
    start, end = domain_text.find(DOMAIN_BEGIN), domain_text.find(DOMAIN_END)
    if start < 0 or end < start:
        raise ValueError("domain.yml lacks the generated FAQ intents markers")
    block = "".join(f"  - {intent}\n" for intent in knowledge.faq_intents)
    return domain_text[: start + len(DOMAIN_BEGIN)] + block + domain_text[end:]


def expected_files(root: Path = PROJECT_ROOT) -> Dict[Path, str]:
    knowledge = load_knowledge()
    domain = root / "domain.yml"
    return {
        root / "data" / "rules" / "faq.yml": faq_rules(knowledge),
        root / "data" / "nlu" / "glossary_names.yml": glossary_lookup(knowledge),
        root / "data" / "nlu" / "glossary_questions.yml": glossary_questions(knowledge),
        domain: domain_with_faq_intents(domain.read_text("utf-8"), knowledge),
    }


def stale_files(root: Path = PROJECT_ROOT) -> List[Path]:
    return [path for path, text in expected_files(root).items() if not path.exists() or path.read_text("utf-8") != text]


def sync(root: Path = PROJECT_ROOT) -> List[Path]:
    changed = stale_files(root)
    for path, text in expected_files(root).items():
        if path in changed:
            path.write_text(text, "utf-8")
    return changed


def glossary_questions(knowledge: Knowledge) -> str:
    """data/nlu/glossary_questions.yml: questions about every glossary term (bot/knowledge/term_questions.py),
    every third one in chat style. A test-set message that a content change makes identical to one
    of them is no longer unseen: tests/test_nlu.py names it, and it leaves the test set."""
    seen: Dict[str, None] = {}
    number = 0
    for offset, term in enumerate(knowledge.terms.values()):
        for text in glossary_question_texts(term, offset):
            number += 1
            text = chat_style(text, number)
            seen.setdefault(text, None)
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n", "  - intent: ask_glossary\n", "    examples: |\n"]
    lines += [f"      - {text}\n" for text in seen]
    return "".join(lines)
