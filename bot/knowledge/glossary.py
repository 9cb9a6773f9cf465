"""Finds glossary terms in free text, tolerant of typos, inflection and spelling variants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from bot.knowledge.content import Term
from bot.knowledge.overlap import ContentOverlap
from bot.language import compact, edit_distance, sentences, trigram_similarity, words

# German endings that turn a glossary term into the form used in a sentence
# ("des Clustermanagements", "mit den Clusterakteuren").
INFLECTIONS = ("s", "es", "n", "en", "e", "er", "ern")
# The programme's own name contains "Cluster" but is not the glossary term "Cluster".
PROGRAMME_NAME = re.compile(r"\bgo[\s\-_]*cluster\w*", re.IGNORECASE)
PROGRAMME_COMPACT = "gocluster"
MAX_WINDOW = 5
MIN_FUZZY_LENGTH = 5
CLEAR_MATCH = 0.85  # a name spelled (nearly) right: up to two typos
# A glossary question that names no term ("Wie viel Geld gab es 2014 für Cross-Clustering-Projekte?")
# asks about the term whose own text holds at least two of its content words and this share of them
# (by rarity), clearly more than any other term's text (development sets, README "Sprachverarbeitung").
# One shared word is no evidence: "Was ist ein Transferkorridor?" is not about the Clusterakteure
# ("Transfereinrichtungen").
MIN_CONTENT_WORDS = 2
MIN_CONTENT_SHARE = 0.5
CONTENT_LEAD = 0.15

# Words of a definition question that are not part of the term asked about.
QUESTION_WORDS = frozenset(
    """was wer wie ist sind war bedeutet bedeuten bedeutung heisst heisen heissen meint meinen
    versteht verstehen versteh man unter erklaer erklaere erklaeren erklaerung erklaert mir uns bitte mal
    definition definiere definieren der die das den dem des ein eine einen einem eines einer
    wofuer steht stehen abkuerzung abk begriff begriffe wort genau eigentlich du sie ihr kannst koennen
    koennten koenntest hey hallo noch gemeint damit ueberhaupt so denn nochmal kurz gibt es
    sagt sagen info infos information informationen zu zum zur ueber ich moechte wissen weiss
    nicht hinter verbirgt sich""".split()
)


@dataclass(frozen=True)
class TermMatch:
    term: Term
    score: float
    matched_text: str


def _fuzzy_limit(length: int) -> int:
    if length < MIN_FUZZY_LENGTH:
        return 0
    return 1 if length < 9 else 2


def _window_score(window: str, alias: str) -> float:
    """How well a run of the user's words spells one name of a term (0 = not at all)."""
    if window == alias:
        return 1.0
    if len(alias) >= 4 and window.startswith(alias) and window[len(alias) :] in INFLECTIONS:
        return 0.97
    limit = _fuzzy_limit(len(alias))
    if limit and abs(len(window) - len(alias)) <= limit + 2:
        stem = window
        for ending in INFLECTIONS:
            if window.endswith(ending) and len(window) - len(ending) >= len(alias) - limit:
                # A typo plus an ending ("Clusterakteuern") still counts as the term.
                stem = min(stem, window[: -len(ending)], key=lambda s: abs(len(s) - len(alias)))
        distance = min(edit_distance(window, alias, limit), edit_distance(stem, alias, limit))
        if distance <= limit:
            return 0.9 - 0.05 * distance
    return 0.0


def _outermost(matches: List[TermMatch]) -> List[TermMatch]:
    """Without the matches whose words lie inside another match: "Gold-Rezertifizierung" names the
    Re-Zertifizierung, not also the Gold-Label."""

    def inside(inner: List[str], outer: List[str]) -> bool:
        size = len(inner)
        return size < len(outer) and any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))

    spans = [match.matched_text.split() for match in matches]
    return [m for m, span in zip(matches, spans, strict=True) if not any(inside(span, other) for other in spans)]


def _last_position(text: str, match: TermMatch) -> int:
    """Where in `text` the match's words start the last time (-1 if not found as such)."""
    span = match.matched_text.split()
    positions = [-1]
    for tokens in (words(PROGRAMME_NAME.sub(" ", text)), words(text)):
        positions += [i for i in range(len(tokens) - len(span) + 1) if tokens[i : i + len(span)] == span]
    return max(positions)


class GlossaryIndex:
    """Looks up terms by any of their names; built once per process from the content."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._names: List[Tuple[str, Term]] = []
        for term in terms:
            for name in dict.fromkeys(compact(n) for n in (*term.names, term.id)):
                if name:
                    self._names.append((name, term))
        self._by_id = {term.id: term for _, term in self._names}
        self._programme_names = [(n, t) for n, t in self._names if PROGRAMME_COMPACT in n]
        self._plain_names = [(n, t) for n, t in self._names if PROGRAMME_COMPACT not in n]
        self._texts = ContentOverlap(
            {term.id: " ".join((*term.names, term.definition)) for term in self._by_id.values()}
        )

    def get(self, term_id: Optional[str]) -> Optional[Term]:
        return self._by_id.get(term_id or "")

    def find(self, text: str) -> Optional[TermMatch]:
        """The term the text talks about, preferring the longest and closest name. Where several
        terms are named clearly ("ESCA-Netzwerk", "Clusterinitiativen auf der Clusterplattform"),
        the one whose own text covers more of the message (on a tie, the longest and closest name).
        In a message of several sentences the question decides (`_asked_about`)."""
        parts = sentences(text)
        if len(parts) > 1:
            asked = self._asked_about(text, parts)
            if asked is not None:
                return asked
        return self._find_in(text, text)

    def _asked_about(self, text: str, parts: List[str]) -> Optional[TermMatch]:
        """Context first, question last: "Für das Bronze-Label brauchen wir einen Eintrag auf der
        ECCP. Was ist das?" The question sentence (the last with a question mark, else the last)
        asks about the term it names clearly; naming none ("was ist das?"), it refers to the term
        named last before it."""
        asking = max((i for i, part in enumerate(parts) if part.rstrip().endswith("?")), default=len(parts) - 1)
        match = self._find_in(parts[asking], text)
        if match is not None and match.score >= CLEAR_MATCH:
            return match
        for part in reversed(parts[:asking]):
            clear = [m for m in self.find_all(part) if m.score >= CLEAR_MATCH]
            if clear:
                return max(clear, key=lambda m: _last_position(part, m))
        return None

    def _find_in(self, part: str, text: str) -> Optional[TermMatch]:
        """The term `part` names; several clear ones are weighed by their share of `text`."""
        found = self.find_all(part)
        clear = _outermost([match for match in found if match.score >= CLEAR_MATCH])
        if len(clear) > 1:
            return max(clear, key=lambda match: self._texts.share(text, match.term.id))
        return found[0] if found else None

    def resolve(self, text: str) -> Optional[Term]:
        """The term a glossary question asks about: the named one, else the one whose text clearly
        covers the message best (`MIN_CONTENT_WORDS`, `MIN_CONTENT_SHARE`, `CONTENT_LEAD`), else None."""
        match = self.find(text)
        if match is not None:
            return match.term
        ranked = self._texts.ranked(text, MIN_CONTENT_WORDS)
        if not ranked or ranked[0][1] < MIN_CONTENT_SHARE:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < CONTENT_LEAD:
            return None
        return self._by_id[ranked[0][0]]

    def find_all(self, text: str) -> List[TermMatch]:
        # The programme's name is removed before matching, except for the names that contain it
        # ("go-cluster-Siegel", "go-cluster-Netzwerk"): those are matched against the full text.
        stripped, full = words(PROGRAMME_NAME.sub(" ", text)), words(text)
        best: dict = {}
        for tokens, names in ((stripped, self._plain_names), (full, self._programme_names)):
            self._match(tokens, names, best)
        ranked = sorted(best.values(), key=lambda item: -item[0])
        return [match for _, match in ranked]

    @staticmethod
    def _match(tokens: List[str], names: List[Tuple[str, Term]], best: dict) -> None:
        if not names:
            return
        for size in range(1, min(MAX_WINDOW, len(tokens)) + 1):
            for start in range(len(tokens) - size + 1):
                window = "".join(tokens[start : start + size])
                for name, term in names:
                    if len(window) < len(name) - 2 or len(window) > len(name) + 5:
                        continue
                    score = _window_score(window, name)
                    if not score:
                        continue
                    # Longer names explain more of the message: "Cluster-Management" is
                    # Clustermanagement, not Cluster.
                    weight = score * len(name)
                    if weight > best.get(term.id, (0.0,))[0]:
                        best[term.id] = (weight, TermMatch(term, score, " ".join(tokens[start : start + size])))

    def suggest(self, query: str, limit: int = 3) -> List[Term]:
        """The terms whose names look most like `query` (for "did you mean" buttons)."""
        target = compact(query)
        scored: Dict[str, Tuple[float, Term]] = {}
        for name, term in self._names:
            similarity = trigram_similarity(target, name)
            if similarity > scored.get(term.id, (0.0, term))[0]:
                scored[term.id] = (similarity, term)
        ranked = sorted(scored.values(), key=lambda item: (-item[0], item[1].term))
        return [term for _, term in ranked[:limit]]


def extract_query(text: str) -> str:
    """The part of a definition question that names the term: "Was ist ein Flux-Kompensator?"
    -> "Flux-Kompensator". Empty if nothing but question words remain."""
    kept = []
    for token in re.split(r"\s+", text.strip()):
        bare = token.strip("?!.,;:()[]{}\"'„“”‚‘’»«")
        if bare and not all(w in QUESTION_WORDS for w in words(bare)):
            kept.append(bare)
    return " ".join(kept)[:80]
