"""Build the German spaCy pipeline that Rasa's SpacyNLP component loads.

Where `de_core_news_sm` is installed it is copied as is. Everywhere else (these machines cannot
download it) the pipeline is `spacy.blank("de")` plus spaCy's lookup lemmatizer with the German
table from spacy-lookups-data, extended so that lemmas do not depend on how users type:

* German lemma lookups are case-sensitive ("Förderung" is a key, "förderung" is not), while
  chat users often type in lower case: every key is added in lower case as well.
* Many users write umlauts as "ae", "oe", "ue" and "ß" as "ss": every key is also added in that
  spelling, so "Foerderung" and "foerderung" lemmatize like "Förderung".

Original keys always win over generated ones, so existing lemmas are never changed.

Usage: python -m bot.nlp.build_pipeline [TARGET_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, Tuple

if TYPE_CHECKING:  # spaCy is imported only when a pipeline is built
    from spacy.language import Language

DEFAULT_TARGET = Path("models/spacy_de")
INSTALLED_MODEL = "de_core_news_sm"
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def transliterate(word: str) -> str:
    """Spell umlauts and ß the way keyboards without them do ("Gespräch" -> "Gespraech")."""
    return word.translate(UMLAUTS)


def spelling_variants(word: str) -> Iterable[str]:
    """Other spellings under which users type `word`: lower case and without umlauts."""
    plain = transliterate(word)
    return {word.lower(), plain, plain.lower()} - {word}


def extend_lemma_table(table: Dict[str, str]) -> Dict[str, str]:
    """Return `table` plus lower-case and umlaut-free keys; existing keys keep their lemma."""
    extended = dict(table)
    for form, lemma in table.items():
        for variant in spelling_variants(form):
            extended.setdefault(variant, lemma)
    # Lemmas are keys too: "gespraech" must map to "Gespräch" even where only inflected forms
    # of it are in the table.
    for lemma in sorted(set(table.values())):  # sorted: the same pipeline from every build
        for variant in spelling_variants(lemma):
            extended.setdefault(variant, lemma)
    return extended


def build_lookup_pipeline() -> Language:
    """spacy.blank("de") with a lookup lemmatizer over the extended German table."""
    import gzip
    import json

    import spacy
    import spacy_lookups_data
    from spacy.lookups import Lookups

    # spaCy's Table keeps only hashed keys; the spelling variants need the words themselves.
    source = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    lookups = Lookups()
    lookups.add_table("lemma_lookup", extend_lemma_table(table))

    nlp = spacy.blank("de")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # spaCy types add_pipe as returning a Pipe; "lemmatizer" is a Lemmatizer, whose initialize takes lookups.
    lemmatizer.initialize(lookups=lookups)  # type: ignore[call-arg]
    nlp.meta["name"] = "gocluster_lookup"
    nlp.meta["description"] = "spacy.blank('de') + lookup lemmatizer (case- and umlaut-tolerant)"
    return nlp


def load_source_pipeline() -> Tuple[Language, str]:
    """The installed German model if there is one, else the lookup pipeline."""
    import spacy

    try:
        return spacy.load(INSTALLED_MODEL), INSTALLED_MODEL
    except OSError:
        return build_lookup_pipeline(), "blank+lookups"


def build(target: Path = DEFAULT_TARGET) -> str:
    nlp, source = load_source_pipeline()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    (target / "gocluster-source.json").write_text(json.dumps({"source": source}), "utf-8")
    return source


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_TARGET
    source = build(target)
    print(f"German spaCy pipeline ({source}) written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
