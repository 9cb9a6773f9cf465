"""Search over the FAQ and the glossary for the hotline team.

Simple matching that ignores case, umlauts and hyphens ("Gespraech" finds "Gespräch",
"goldlabel" finds "Gold-Label"), plus the assistant's own typo-tolerant glossary index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

from bot.knowledge.content import FaqEntry, Knowledge, Term
from bot.knowledge.glossary import GlossaryIndex
from bot.language import compact, words

MAX_QUERY = 200
MIN_WORD = 2


@dataclass(frozen=True)
class SearchResult:
    query: str
    faq: Tuple[FaqEntry, ...]
    terms: Tuple[Term, ...]
    suggestions: Tuple[Term, ...]  # only when nothing was found

    @property
    def empty(self) -> bool:
        return not self.faq and not self.terms


def _folded(*texts: str) -> Tuple[str, str]:
    """(words joined by spaces, everything without separators), both folded."""
    joined = " ".join(texts)
    return " ".join(words(joined)), compact(joined)


def _matches(query_words: List[str], query_compact: str, folded: Tuple[str, str]) -> bool:
    spaced, squashed = folded
    return all(w in spaced for w in query_words) or (len(query_compact) >= 4 and query_compact in squashed)


class KnowledgeSearch:
    def __init__(self, knowledge: Knowledge, index: GlossaryIndex | None = None) -> None:
        self.knowledge = knowledge
        self.index = index or GlossaryIndex(knowledge.terms.values())
        self._faq = [(e, _folded(e.title), _folded(e.title, e.answer)) for e in knowledge.faq.values()]
        self._terms = [(t, _folded(*t.names), _folded(*t.names, t.definition)) for t in knowledge.terms.values()]

    def search(self, query: str) -> SearchResult:
        query = " ".join((query or "").split())[:MAX_QUERY]
        query_words = [w for w in words(query) if len(w) >= MIN_WORD] or words(query)
        query_compact = compact(query)
        if not query_words:
            return SearchResult(query, (), (), ())

        # FAQ: matches in the title before matches in the answer only.
        faq_title = [e for e, title, _ in self._faq if _matches(query_words, query_compact, title)]
        faq_text = [e for e, _, text in self._faq if e not in faq_title and _matches(query_words, query_compact, text)]

        # Glossary: the index (tolerant of typos and inflection) first, then names, then definitions.
        terms: List[Term] = [m.term for m in self.index.find_all(query)]
        terms += [t for t, names, _ in self._terms if t not in terms and _matches(query_words, query_compact, names)]
        terms += [t for t, _, text in self._terms if t not in terms and _matches(query_words, query_compact, text)]

        faq = tuple(faq_title + faq_text)
        suggestions = () if faq or terms else tuple(self.index.suggest(query))
        return SearchResult(query, faq, tuple(terms), suggestions)
