"""Glossary matching: typos, umlaut spellings, abbreviations, inflection, unknown terms."""

from __future__ import annotations

import pytest

from bot.knowledge.glossary import GlossaryIndex, extract_query
from bot.language import compact, edit_distance, fold, trigram_similarity


@pytest.fixture(scope="module")
def index(knowledge):
    return GlossaryIndex(knowledge.terms.values())


@pytest.mark.parametrize(
    "text, term_id",
    [
        ("Was ist ESCA?", "esca"),
        ("esca", "esca"),
        ("ecei bedeutung", "ecei"),
        ("Wofür steht ECEI", "ecei"),
        ("Was bedeutet Clustermanagement?", "clustermanagement"),
        ("was bedeutet cluster-management", "clustermanagement"),
        ("Was ist eine Clustermanagement-Organisation?", "cmo"),
        ("was ist eine CMO", "cmo"),
        ("Was sind Clusterakteure?", "clusterakteure"),
        ("mit den Clusterakteuren", "clusterakteure"),  # inflection
        ("Rolle des Clustermanagements", "clustermanagement"),  # genitive
        ("Was ist ein Projektträger?", "projekttraeger"),
        ("was ist ein projekttraeger", "projekttraeger"),  # ae for ä
        ("Was ist der Programmbegleitkreis", "programmbegleitkreis"),
        ("programmbegleitkries", "programmbegleitkreis"),  # swapped letters
        ("Was ist das Gold-Label?", "gold_label"),
        ("goldlabel", "gold_label"),
        ("gold label", "gold_label"),
        ("Was ist das Silberlabel", "silber_label"),
        ("Bronze Label erklärt", "bronze_label"),
        ("was ist kmu", "kmu"),
        ("KMU?", "kmu"),
        ("was ist iso 9001", "iso_9001"),
        ("ISO9001", "iso_9001"),
        ("vdi vde it", "vdi_vde_it"),
        ("Was ist die VDI/VDE-IT?", "vdi_vde_it"),
        ("Was ist EUCLES", "eucles"),
        ("was ist die eccp", "eccp"),
        ("Triple-Helix", "triple_helix"),
        ("was bedeutet re-zertifizierung", "re_zertifizierung"),
        ("Rezertifizierung", "re_zertifizierung"),
        ("Was ist ein Innovationscluster", "innovationscluster"),
        ("Was ist ein Innovatiosncluster", "innovationscluster"),  # typo
        ("Was ist ein Cluster?", "cluster"),
        ("Spitzencluster-Wettbewerb", "spitzencluster_wettbewerb"),
        ("was ist das beratungsgespraech", "beratungsgespraech"),
        ("Was bedeutet BMWK", "bmwe"),
        ("Clusterplattform Deutschland", "clusterplattform"),
        ("Was sind Clusterservices?", "clusterservices"),
        ("Eligibility Criteria", "eligibility_criteria"),
    ],
)
def test_finds_the_term_asked_about(index, text, term_id):
    match = index.find(text)
    assert match is not None, text
    assert match.term.id == term_id


@pytest.mark.parametrize("text", ["Wie werde ich Mitglied?", "Guten Tag", "Was kostet das?", "Flux-Kompensator"])
def test_no_term_in_messages_without_one(index, text):
    assert index.find(text) is None


def test_longest_name_wins(index):
    # "Clustermanagement-Organisation" contains "Clustermanagement" and "Cluster".
    assert index.find("Ist eine Clustermanagement-Organisation ein Verein?").term.id == "cmo"


def test_suggestions_for_a_misspelt_unknown_term(index):
    titles = [t.id for t in index.suggest("Clusterakteurs-Netz")]
    assert titles[0] == "clusterakteure"
    assert len(index.suggest("völlig unbekannt", limit=3)) == 3


@pytest.mark.parametrize(
    "text, query",
    [
        ("Was ist ein Flux-Kompensator?", "Flux-Kompensator"),
        ("Was bedeutet eigentlich Schwarmintelligenz", "Schwarmintelligenz"),
        ("Erklär mir bitte den Begriff Wertschöpfungskette!", "Wertschöpfungskette"),
        ("Was ist das?", ""),
        ("Was versteht man unter Open Innovation", "Open Innovation"),
    ],
)
def test_extract_query(text, query):
    assert extract_query(text) == query


@pytest.mark.parametrize(
    "a, b",
    [("Gespräch", "gespraech"), ("GROSSE Straße", "grosse strasse"), ("Café", "cafe"), ("Übersicht", "uebersicht")],
)
def test_fold(a, b):
    assert fold(a) == b


def test_compact_ignores_separators():
    assert compact("Gold-Label") == compact("gold label") == compact("Goldlabel") == "goldlabel"


@pytest.mark.parametrize(
    "a, b, distance",
    [("label", "label", 0), ("lable", "label", 1), ("labl", "label", 1), ("xyz", "label", 5), ("kreis", "kries", 1)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=10) == distance


def test_edit_distance_stops_at_limit():
    assert edit_distance("abcdefgh", "zyxwvuts", limit=2) == 3


def test_trigram_similarity_bounds():
    assert trigram_similarity("cluster", "cluster") == 1.0
    assert trigram_similarity("cluster", "") == 0.0
    assert trigram_similarity("clusterakteure", "clusterakteur") > trigram_similarity("clusterakteure", "eccp")


@pytest.mark.parametrize(
    "text", ["Was ist go-cluster?", "what is go cluster", "Gocluster Mitglieder", "Was macht das go-cluster-Team"]
)
def test_the_programme_name_is_not_the_term_cluster(index, text):
    assert index.find(text) is None


def test_programme_name_does_not_hide_other_terms(index):
    assert index.find("Was ist ein Cluster bei go-cluster?").term.id == "cluster"


@pytest.mark.parametrize(
    "text, term",
    [
        ("Was ist das go-cluster-Siegel?", "qualitaetssiegel"),
        ("Was ist das go-cluster-Netzwerk?", "exzellenznetzwerk"),
        ("Darf ich das go-cluster-Logo verwenden?", "wortmarke"),
        ("Qualitätssiegel go-cluster", "qualitaetssiegel"),
    ],
)
def test_names_containing_the_programme_name_are_found(index, text, term):
    assert index.find(text).term.id == term


@pytest.mark.parametrize(
    "text, term",
    [
        # Two terms named clearly: the one whose own text covers more of the message (ESCA's
        # definition names its experts; a network in general does not) ...
        ("Wie viele Experten arbeiten im ESCA-Netzwerk?", "esca"),
        # ... and on a tie the longest, closest name, as with one term.
        ("Was ist der Unterschied zwischen Netzwerk und Cluster?", "netzwerk"),
        ("Wie läuft die Rezertifizierung beim Gold-Label ab?", "re_zertifizierung"),
    ],
)
def test_of_several_terms_the_one_whose_text_covers_the_message(index, text, term):
    assert len([m for m in index.find_all(text) if m.score >= 0.85]) > 1
    assert index.find(text).term.id == term


@pytest.mark.parametrize(
    "text, term",
    [
        ("Was ist ESCA?", "esca"),  # a named term first
        # No name, but facts only one definition holds:
        ("Bis zu wie viel Euro je Partner gab es für Cross-Clustering-Projekte?", "clusterservices"),
        ("Wie viele Kriterien und Punkte wurden 2013 für die höchste Stufe bewertet?", "gold_label"),
        # Nothing the glossary knows, or words many definitions share: no guess.
        ("Was ist ein Flux-Kompensator?", None),
        ("Was ist ein Transferkorridor?", None),  # one word shared with a definition is no evidence
        ("Wie wird das Wetter morgen?", None),
        ("Was macht man im Cluster?", "cluster"),
        ("Wer macht das?", None),
    ],
)
def test_resolve_falls_back_to_the_definition_that_clearly_covers_the_question(index, text, term):
    resolved = index.resolve(text)
    assert (resolved.id if resolved else None) == term


@pytest.mark.parametrize(
    "text, term",
    [
        # The question sentence names the term asked about; the sentence before is context.
        ("Wir haben das Silber-Label seit letztem Jahr. Was verlangt das Gold-Label?", "gold_label"),
        # The question names none ("das", "sie"): the term named last before it.
        ("Unser Benchmarking nennt die ESCA. Wer steckt dahinter?", "esca"),
        ("Für das Bronze-Label geht es um die ECCP. Was ist das genau?", "eccp"),
        ("Die Clusterplattform erwähnt ClusterERFOLGE! Was ist das?", "clustererfolge"),
        # Abbreviations do not end a sentence: still one question naming two terms.
        ("Was unterscheidet bzw. verbindet Netzwerk und Cluster?", "netzwerk"),
    ],
)
def test_in_several_sentences_the_question_decides(index, text, term):
    assert index.find(text).term.id == term


@pytest.mark.parametrize(
    "text, term",
    [
        # A name that covers another one's words is the one meant.
        ("Wann steht die Gold-Rezertifizierung an?", "re_zertifizierung"),
        ("Wie läuft die Erneuerung des Gold-Labels?", "re_zertifizierung"),
    ],
)
def test_a_longer_name_covering_a_shorter_one_wins(index, text, term):
    assert index.find(text).term.id == term
