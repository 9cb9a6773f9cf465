"""Second stage after the intent classifier: a question about a glossary term or a FAQ entry?

The classifier learns from examples; neighbouring topics share words, so a detail question about a
glossary term ("Wie lange ist das Bronze-Label gültig?", "Seit wann gibt es die ECCP?") can land on
a FAQ intent that talks about the same thing, or below the fallback threshold. The content knows
better: when the message consists of nothing but one glossary term's name and the words of the questions
its definition answers (bot/knowledge/term_questions.py: "was bedeutet", "seit wann", "wie lange
gilt", articles), it asks about that term. A term that shares its answer with a FAQ entry never
takes over a FAQ intent: its own FAQ entry answers it, its aspects are other FAQ topics. The
classifier's ranking still has the say: the glossary reading must be among its `TOP_K` candidates
with at least `MIN_SHARE` probability.

A longer question that names a term and asks for a detail ("Welche Ministerien stehen hinter der
Clusterplattform?", "Wie viele Gutachter kommen zur Gold-Erstprüfung?") goes to the term when the
term's own text covers clearly more of the message than the answer of the classifier's FAQ intent
(bot/knowledge/overlap.py, by `DETAIL_MARGIN`), and the glossary reading is at least a faint
candidate (`DETAIL_TOP_K`, `DETAIL_MIN_SHARE`). Measured on the four development sets: 10 answers
fixed, none broken (margins 0 to 0.2 and shares 0.01 to 0.02 gave the same).

When the classifier's first guess already is the glossary but it hesitates against a FAQ topic
(often below the fallback threshold), the same comparison of texts decides whether the FAQ
reading's share joins the glossary's (five development sets: 3 answers fixed, none broken).

A message of nothing but function words ("Wieso das denn?") gets no FAQ or glossary answer: its
confidence drops below the fallback threshold, and the clarifying question offers the candidates.

Pure functions on plain values; rasa_ext.nlu.AnswerChooser applies them in the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from bot.knowledge.answers import GLOSSARY_INTENT
from bot.knowledge.content import FAQ_INTENT_PREFIX, FaqEntry, Term
from bot.knowledge.glossary import (
    CLEAR_MATCH,
    PROGRAMME_COMPACT,
    PROGRAMME_NAME,
    QUESTION_WORDS,
    GlossaryIndex,
    TermMatch,
)
from bot.knowledge.overlap import ContentOverlap
from bot.knowledge.term_questions import all_frame_words, frame_words
from bot.language import compact, content_words, words

TOP_K = 3  # the glossary reading must be one of the classifier's first three candidates
MIN_SHARE = 0.05  # ... with at least this probability
MIN_TERM_SCORE = CLEAR_MATCH  # the name must be spelled (nearly) right: typos of one or two letters
MAX_OTHER_WORDS = 1  # other words besides the name and the question words (5-fold CV: 1 better than 0 or 2)
DETAIL_TOP_K = 5  # a detail question: the glossary reading among the first five candidates
DETAIL_MIN_SHARE = 0.01  # ... with at least this probability
DETAIL_MARGIN = 0.1  # ... and the term's text covers this much more of the message than the FAQ answer
NO_TOPIC_CONFIDENCE = 0.0  # below any fallback threshold: the message is not understood
TERM_KEY = "term:"
FILLERS = frozenset("denn eigentlich mal kurz nochmal noch bitte so also hallo hey und oder".split())


@dataclass(frozen=True)
class Choice:
    intent: str
    confidence: float
    term: str


class AnswerChooser:
    def __init__(self, terms: Iterable[Term], faqs: Iterable[FaqEntry] = ()) -> None:
        terms = list(terms)
        documents = {TERM_KEY + term.id: " ".join((*term.names, term.definition)) for term in terms}
        documents.update({entry.intent: f"{entry.title} {entry.answer}" for entry in faqs})
        self.overlap = ContentOverlap(documents)
        self.index = GlossaryIndex(terms)
        common = QUESTION_WORDS | FILLERS
        self.allowed: Dict[str, FrozenSet[str]] = {term.id: frame_words(term) | common for term in terms}
        # Question words of aspects the term's definition does not answer ("kostet" for a term
        # without a price): such a message asks for something else.
        every = all_frame_words()
        self.unanswered: Dict[str, FrozenSet[str]] = {term.id: every - self.allowed[term.id] for term in terms}

    def _only_name_and_questions(self, text: str, match: Optional[TermMatch]) -> Optional[TermMatch]:
        if match is None:
            return None
        # The programme's name is no question word; names containing it match the full text.
        tokens = words(text if PROGRAMME_COMPACT in compact(match.matched_text) else PROGRAMME_NAME.sub(" ", text))
        span = match.matched_text.split()
        for start in range(len(tokens) - len(span) + 1):
            if tokens[start : start + len(span)] == span:
                rest = tokens[:start] + tokens[start + len(span) :]
                break
        else:
            return None
        if any(word in self.unanswered[match.term.id] for word in rest):
            return None
        others = [word for word in rest if word not in self.allowed[match.term.id]]
        return match if len(others) <= MAX_OTHER_WORDS else None

    def choose(self, text: str, ranking: Sequence[Tuple[str, float]]) -> Optional[Choice]:
        """A different answer or confidence than the classifier's first candidate, or None to keep it."""
        if not ranking:
            return None
        top, _ = ranking[0]
        if (top == GLOSSARY_INTENT or top.startswith(FAQ_INTENT_PREFIX)) and not content_words(text):
            # Nothing but function words ("Wieso das denn?") names no topic: whatever the
            # classifier makes of them, the answer would be a guess.
            return Choice(top, NO_TOPIC_CONFIDENCE, "")
        found: List[Optional[TermMatch]] = []

        def find() -> Optional[TermMatch]:
            """The clearly named term, if any. The glossary match is the costly part: at most
            once per message, only when asked."""
            if not found:
                match = self.index.find(text)
                found.append(match if match is not None and match.score >= MIN_TERM_SCORE else None)
            return found[0]

        if ranking[0][0] == GLOSSARY_INTENT:
            return self._glossary_confirmed(text, ranking, find)
        return self._term_only(text, ranking, find) or self._detail_of_named_term(text, ranking, find)

    def _glossary_confirmed(
        self, text: str, ranking: Sequence[Tuple[str, float]], find: Callable[[], Optional[TermMatch]]
    ) -> Optional[Choice]:
        """The classifier's first guess is the glossary, but it hesitates against a FAQ topic: when
        the message names a term whose text covers clearly more of it than that FAQ answer
        (`DETAIL_MARGIN`, as for detail questions), the FAQ reading's share joins the glossary's."""
        top_confidence = ranking[0][1]
        if len(ranking) < 2 or not ranking[1][0].startswith(FAQ_INTENT_PREFIX):
            return None
        runner_up, runner_up_share = ranking[1]
        match = self._detail_term(text, find(), runner_up)
        if match is None:
            return None
        return Choice(GLOSSARY_INTENT, min(1.0, top_confidence + runner_up_share), match.term.id)

    def _detail_term(self, text: str, match: Optional[TermMatch], faq_intent: str) -> Optional[TermMatch]:
        """The named term when it has no FAQ entry of its own (whose details are FAQ topics) and its
        text covers clearly more of the message than the FAQ entry's answer, else None."""
        if match is None or match.term.faq:
            return None
        term_share = self.overlap.share(text, TERM_KEY + match.term.id)
        return match if term_share > self.overlap.share(text, faq_intent) + DETAIL_MARGIN else None

    def _term_only(
        self, text: str, ranking: Sequence[Tuple[str, float]], find: Callable[[], Optional[TermMatch]]
    ) -> Optional[Choice]:
        top, top_confidence = ranking[0]
        candidates = dict(ranking[:TOP_K])
        share = candidates.get(GLOSSARY_INTENT, 0.0)
        if share < MIN_SHARE:
            return None
        match = self._only_name_and_questions(text, find())
        if match is None:
            return None
        pooled = min(1.0, top_confidence + share)
        if match.term.faq and top == FAQ_INTENT_PREFIX + match.term.faq:
            # Both readings give the same answer: their probabilities add up.
            return Choice(top, pooled, match.term.id) if pooled > top_confidence else None
        if match.term.faq and top.startswith(FAQ_INTENT_PREFIX):
            return None  # its aspects are questions of other FAQ topics
        return Choice(GLOSSARY_INTENT, pooled, match.term.id)

    def _detail_of_named_term(
        self, text: str, ranking: Sequence[Tuple[str, float]], find: Callable[[], Optional[TermMatch]]
    ) -> Optional[Choice]:
        top, top_confidence = ranking[0]
        share = dict(ranking[:DETAIL_TOP_K]).get(GLOSSARY_INTENT, 0.0)
        if share < DETAIL_MIN_SHARE or not top.startswith(FAQ_INTENT_PREFIX):
            return None
        match = self._detail_term(text, find(), top)
        if match is None:
            return None
        return Choice(GLOSSARY_INTENT, min(1.0, top_confidence + share), match.term.id)


def reorder(ranking: List[Tuple[str, float]], choice: Choice) -> List[Tuple[str, float]]:
    """The ranking with the chosen intent first at its new confidence."""
    return [(choice.intent, choice.confidence)] + [(name, c) for name, c in ranking if name != choice.intent]
