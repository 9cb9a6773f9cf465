"""Whether a message is written in English: by its function words, the words every English
sentence has and German sentences lack ("the", "is", "how", "my", ...).

The intent classifier learns English from a few dozen examples and mistakes an English question
about a topic for the German topic; the action for English messages answers known topics anyway
(with a note that the assistant speaks German), so recognising the language is what matters.
"""

from __future__ import annotations

from bot.language.text import FUNCTION_WORDS, words

# Words both languages write alike ("Was ist …", "I am in …"): they count for neither.
SHARED = frozenset("in an am so was will also man die war hey".split())

# Frequent English function words, folded like every other word ("don't" gives "don" and "t").
ENGLISH_FUNCTION_WORDS = (
    frozenset(
        """the a is are were be been being do does did don doesn didn can could would should shall
        may might must have has had having i you he she it we they me him her us them my your his
        its our their mine yours this that these those what which who whom whose how why when where
        there here of to for with from into about at by on off out up than then too very not no yes
        and or but if because while please thanks thank hello any some each every all more most
        other just only""".split()
    )
    - SHARED
)
GERMAN_ONLY = FUNCTION_WORDS - SHARED

MIN_ENGLISH_WORDS = 2  # "for" in "European Secretariat for Cluster Analysis" is no sentence
MIN_ENGLISH_SHARE = 0.3  # of all words: names and terms may be English in a German sentence


def is_english(text: str) -> bool:
    """At least two English function words, a fair share of the words, and no German function
    word: "How can my cluster join?" is English, "Was ist das Cluster Excellence Network?" not."""
    tokens = words(text)
    if not tokens or any(token in GERMAN_ONLY for token in tokens):
        return False
    english = sum(token in ENGLISH_FUNCTION_WORDS for token in tokens)
    return english >= MIN_ENGLISH_WORDS and english / len(tokens) >= MIN_ENGLISH_SHARE
