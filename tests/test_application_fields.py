"""Fields of the draft membership application are read and normalised.

Every expected value is written out: the tables double as the specification of the fields.
Reference "today" is Saturday 28.11.2026 unless a row names another one.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.applications.fields import (
    FEDERAL_STATES,
    check_actor_breakdown,
    count,
    federal_state,
    founding_year,
    legal_form,
    month_year,
    website,
)

TODAY = date(2026, 11, 28)
JANUARY = date(2027, 1, 10)


# --- federal state -------------------------------------------------------------------------------


def test_the_sixteen_states():
    assert len(FEDERAL_STATES) == len(set(FEDERAL_STATES)) == 16


@pytest.mark.parametrize("state", FEDERAL_STATES)
def test_every_official_name_is_itself(state):
    assert federal_state(state) == (state, None)
    assert federal_state(state.upper()) == (state, None)
    assert federal_state(f"Wir sind in {state.lower()} ansässig.") == (state, None)


@pytest.mark.parametrize(
    "text, expected",
    [
        # umlauts written out, hyphens left out or replaced
        ("Thueringen", "Thüringen"),
        ("Thuringen", "Thüringen"),
        ("Baden-Wuerttemberg", "Baden-Württemberg"),
        ("Baden Württemberg", "Baden-Württemberg"),
        ("badenwürttemberg", "Baden-Württemberg"),
        ("Nordrhein Westfalen", "Nordrhein-Westfalen"),
        ("Nord-Rhein-Westfalen", "Nordrhein-Westfalen"),
        ("Rheinland Pfalz", "Rheinland-Pfalz"),
        ("Schleswig Holstein", "Schleswig-Holstein"),
        ("Nieder-Sachsen", "Niedersachsen"),
        # short forms and nicknames
        ("NRW", "Nordrhein-Westfalen"),
        ("wir sind in NRW", "Nordrhein-Westfalen"),
        ("nrw", "Nordrhein-Westfalen"),
        ("NW", "Nordrhein-Westfalen"),
        ("BW", "Baden-Württemberg"),
        ("wir sind in bw", "Baden-Württemberg"),
        ("BaWü", "Baden-Württemberg"),
        ("Bawue", "Baden-Württemberg"),
        ("Ba-Wü", "Baden-Württemberg"),
        ("im Ländle", "Baden-Württemberg"),
        ("BY", "Bayern"),
        ("by", "Bayern"),
        ("Freistaat Bayern", "Bayern"),
        ("Oberpfalz", "Bayern"),
        ("BE", "Berlin"),
        ("BB", "Brandenburg"),
        ("HB", "Bremen"),
        ("Freie Hansestadt Bremen", "Bremen"),
        ("Bremerhaven", "Bremen"),
        ("HH", "Hamburg"),
        ("Freie und Hansestadt Hamburg", "Hamburg"),
        ("HE", "Hessen"),
        ("MV", "Mecklenburg-Vorpommern"),
        ("M-V", "Mecklenburg-Vorpommern"),
        ("Meck-Pomm", "Mecklenburg-Vorpommern"),
        ("Meckpomm", "Mecklenburg-Vorpommern"),
        ("NI", "Niedersachsen"),
        ("Nds.", "Niedersachsen"),
        ("RP", "Rheinland-Pfalz"),
        ("RLP", "Rheinland-Pfalz"),
        ("SL", "Saarland"),
        ("SN", "Sachsen"),
        ("Freistaat Sachsen", "Sachsen"),
        ("ST", "Sachsen-Anhalt"),
        ("LSA", "Sachsen-Anhalt"),
        ("SH", "Schleswig-Holstein"),
        ("TH", "Thüringen"),
        ("Bavaria", "Bayern"),
        ("Lower Saxony", "Niedersachsen"),
        # typos: up to two edits in names of seven and more letters
        ("Thüringn", "Thüringen"),
        ("Brandenbrug", "Brandenburg"),
        ("Niedersachen", "Niedersachsen"),
        ("Nordrhein-Westfahlen", "Nordrhein-Westfalen"),
        ("Schleswig-Holstien", "Schleswig-Holstein"),
        ("Mecklenburg-Vorpomern", "Mecklenburg-Vorpommern"),
        ("Saarlnd", "Saarland"),
        ("Sachsen-Anhlat", "Sachsen-Anhalt"),
        ("Hamburgg", "Hamburg"),
        # filler around the name
        ("Unser Sitz ist in Hamburg-Altona.", "Hamburg"),
        ("Brandenburg an der Havel", "Brandenburg"),
        ("Bayern (Franken)", "Bayern"),
        ("Hamburg, Hamburg!", "Hamburg"),
    ],
)
def test_other_spellings_short_forms_and_typos(text, expected):
    assert federal_state(text) == (expected, None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sachsen", "Sachsen"),
        ("Sachsen-Anhalt", "Sachsen-Anhalt"),
        ("Sachsen Anhalt", "Sachsen-Anhalt"),
        ("SachsenAnhalt", "Sachsen-Anhalt"),
        ("Niedersachsen", "Niedersachsen"),
        ("in Sachsen", "Sachsen"),
        ("in Niedersachsen", "Niedersachsen"),
        ("Magdeburg, Sachsen-Anhalt", "Sachsen-Anhalt"),
    ],
)
def test_sachsen_is_not_sachsen_anhalt_or_niedersachsen(text, expected):
    assert federal_state(text) == (expected, None)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("Sachsen oder Sachsen-Anhalt", "ambiguous"),
        ("Sachsen und Niedersachsen", "ambiguous"),
        ("Berlin-Brandenburg", "ambiguous"),
        ("Hessen und Bayern", "ambiguous"),
        ("BY/BW", "ambiguous"),
        ("Österreich", "unknown"),
        ("bundesweit", "unknown"),
        ("weiß ich nicht", "unknown"),
        ("TH Köln", "unknown"),  # Technische Hochschule, not Thüringen
        ("St. Ingbert", "unknown"),  # Sankt, not Sachsen-Anhalt
        ("Tübingen", "unknown"),  # a city, not a typo of Thüringen
        ("Sauerland", "unknown"),  # a region, not a typo of Saarland
        ("Wir machen viele Sachen", "unknown"),
        ("Hessn", "unknown"),  # six letters: no typo tolerance
    ],
)
def test_no_single_state(text, problem):
    assert federal_state(text) == (None, problem)


# --- legal form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("e. V.", "e. V."),
        ("e.V.", "e. V."),
        ("eV", "e. V."),
        ("Cluster XY e.V.", "e. V."),
        ("eingetragener Verein", "e. V."),
        ("Verein", "e. V."),
        ("gemeinnütziger Förderverein", "e. V."),
        ("GmbH", "GmbH"),
        ("Gesellschaft mit beschränkter Haftung", "GmbH"),
        ("gGmbH", "gGmbH"),
        ("gemeinnützige GmbH", "gGmbH"),
        ("GmbH & Co. KG", "GmbH & Co. KG"),
        ("UG", "UG (haftungsbeschränkt)"),
        ("Unternehmergesellschaft (haftungsbeschränkt)", "UG (haftungsbeschränkt)"),
        ("AG", "AG"),
        ("Aktiengesellschaft", "AG"),
        ("eG", "eG"),
        ("eingetragene Genossenschaft", "eG"),
        ("GbR", "GbR"),
        ("Stiftung", "Stiftung"),
        ("gemeinnützige Stiftung bürgerlichen Rechts", "Stiftung"),
        ("Körperschaft des öffentlichen Rechts", "Körperschaft des öffentlichen Rechts"),
        ("KdöR", "Körperschaft des öffentlichen Rechts"),
        ("Anstalt des öffentlichen Rechts", "Anstalt des öffentlichen Rechts"),
        ("AöR", "Anstalt des öffentlichen Rechts"),
        ("Universität", "Hochschule"),
        ("wir sind Teil einer Hochschule", "Hochschule"),
        ("Fachhochschule", "Hochschule"),
        ("TU", "Hochschule"),
        ("Teil einer Wirtschaftsförderungsgesellschaft", "Teil einer Wirtschaftsförderungsgesellschaft"),
        ("Teil der Wirtschaftsförderung Region XY GmbH", "Teil einer Wirtschaftsförderungsgesellschaft"),
        ("bei der Wirtschaftsförderung angesiedelt", "Teil einer Wirtschaftsförderungsgesellschaft"),
        ("Wirtschaftsförderungs-GmbH", "GmbH"),
        # anything else as given, whitespace tidied
        ("  Partnerschaftsgesellschaft  ", "Partnerschaftsgesellschaft"),
        ("nicht eingetragener Verein", "nicht eingetragener Verein"),
        ("Limited   (Ltd.)", "Limited (Ltd.)"),
        ("x" * 100, "x" * 100),
    ],
)
def test_legal_form(text, expected):
    assert legal_form(text) == (expected, None)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("  ", "empty"),
        ("?!", "empty"),
        ("x" * 101, "too_long"),
    ],
)
def test_legal_form_problems(text, problem):
    assert legal_form(text) == (None, problem)


# --- counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("120", 120),
        ("Wir haben 120 Mitglieder.", 120),
        ("genau 120", 120),
        ("1.200", 1200),
        ("1 200", 1200),
        ("100.000", 100_000),
        ("0", 0),
        ("null", 0),
        ("keine", 0),
        ("keiner", 0),
        ("Keine KMU", 0),
        ("eine", 1),
        ("zwölf", 12),
        ("zwoelf", 12),
        ("zwanzig", 20),
        ("dreißig", 30),
        ("dreissig", 30),
        ("fünfzig", 50),
        ("einundzwanzig", 21),
        ("hundert", 100),
        ("einhundertzwanzig", 120),
        ("hundertzwanzig", 120),
        ("zweihundertfünfzig", 250),
        ("Zweihundertfuenfzig Unternehmen", 250),
        ("zweitausend", 2000),
        ("zwanzig (20)", 20),
        ("120, also 120", 120),
    ],
)
def test_count(text, expected):
    assert count(text) == (expected, None)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("ca. 120", "approximate"),
        ("ca.120", "approximate"),
        ("circa 120", "approximate"),
        ("etwa 120", "approximate"),
        ("rund 120", "approximate"),
        ("ungefähr 120", "approximate"),
        ("ungefahr 120", "approximate"),
        ("eineinhalb", "not_a_number"),
        ("k. A.", "not_a_number"),
        ("über 100", "approximate"),
        ("mehr als 100", "approximate"),
        ("100+", "approximate"),
        ("100 und mehr", "approximate"),
        ("knapp fünfzig", "approximate"),
        ("~120", "approximate"),
        ("einige", "approximate"),
        ("ein paar", "approximate"),
        ("100 bis 120", "not_a_number"),
        ("12 oder 13", "not_a_number"),
        ("120 Mitglieder, davon 40 KMU", "not_a_number"),
        ("1,5", "not_a_number"),
        ("50 %", "not_a_number"),
        ("keine Ahnung", "not_a_number"),
        ("null Ahnung", "not_a_number"),
        ("viele Unternehmen halt", "approximate"),
        ("Das ist eine schwierige Frage", "not_a_number"),
        ("-5", "too_small"),
        ("1.200.000", "too_large"),
    ],
)
def test_count_problems(text, problem):
    assert count(text) == (None, problem)


@pytest.mark.parametrize(
    "text, minimum, maximum, expected",
    [
        ("5", 10, 100, (None, "too_small")),
        ("10", 10, 100, (10, None)),
        ("100", 10, 100, (100, None)),
        ("101", 10, 100, (None, "too_large")),
    ],
)
def test_count_limits(text, minimum, maximum, expected):
    assert count(text, minimum=minimum, maximum=maximum) == expected


@pytest.mark.parametrize(
    "total, companies, smes, research, others, expected",
    [
        (100, 60, 50, 30, 10, []),
        (100, 60, 60, 30, 10, []),
        (100, 60, 70, 30, 10, ["smes_exceed_companies"]),
        (100, 60, 50, 30, 5, ["parts_do_not_add_up"]),
        (100, 60, 50, 30, 20, ["parts_do_not_add_up"]),
        (100, 50, 51, 30, 10, ["smes_exceed_companies", "parts_do_not_add_up"]),
        (0, 0, 0, 0, 0, []),
        (100, 60, None, 30, 10, []),
        (100, 60, 70, None, 10, ["smes_exceed_companies"]),
    ],
)
def test_actor_breakdown(total, companies, smes, research, others, expected):
    assert check_actor_breakdown(total, companies, smes, research, others) == expected


# --- founding year -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2012", (2012, None)),
        ("seit 2012", (2012, None)),
        ("gegründet 2012", (2012, None)),
        ("2012 gegründet", (2012, None)),
        ("im Jahr 2012", (2012, None)),
        ("Gründungsjahr: 2012", (2012, None)),
        ("gegründet am 01.03.2012", (2012, None)),
        ("2012 gegründet, seit 2015 eingetragener Verein", (2012, None)),
        ("letztes Jahr", (2025, None)),
        ("dieses Jahr", (2026, None)),
        ("1950", (1950, None)),
        ("2026", (2026, None)),
        ("2027", (None, "in_future")),
        ("wir gründen uns erst 2030", (None, "in_future")),
        ("1949", (None, "too_early")),
        ("", (None, "empty")),
        ("12", (None, "not_a_year")),
        ("vor langer Zeit", (None, "not_a_year")),
        ("2012 und 2015", (None, "not_a_year")),
    ],
)
def test_founding_year(text, expected):
    assert founding_year(text, TODAY) == expected


def test_founding_year_accepts_a_datetime_as_today():
    assert founding_year("2027", datetime(2027, 1, 2, 9, 0)) == (2027, None)


# --- website -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("www.cluster.de", ("https://www.cluster.de", None)),
        ("cluster.de", ("https://cluster.de", None)),
        ("https://cluster.de/pfad", ("https://cluster.de/pfad", None)),
        ("http://cluster.de", ("http://cluster.de", None)),
        ("HTTPS://WWW.Cluster.DE/Pfad/Unterseite", ("https://www.cluster.de/Pfad/Unterseite", None)),
        ("https://cluster.de/", ("https://cluster.de", None)),
        ("https://cluster.de/a?b=1#c", ("https://cluster.de/a?b=1#c", None)),
        ("cluster.de:8080/x", ("https://cluster.de:8080/x", None)),
        ("Unsere Seite: www.cluster.de.", ("https://www.cluster.de", None)),
        ("(www.cluster.de)", ("https://www.cluster.de", None)),
        ("z.B. www.cluster.de", ("https://www.cluster.de", None)),
        ("https://münchen-cluster.de", ("https://münchen-cluster.de", None)),
        ("keine", ("", None)),
        ("Haben wir nicht", ("", None)),
        ("-", ("", None)),
        ("", (None, "empty")),
        ("info@cluster.de", (None, "invalid")),
        ("mailto:info@cluster.de", (None, "invalid")),
        ("www.clu ster.de", (None, "invalid")),
        ("www. cluster.de", (None, "invalid")),
        ("cluster", (None, "invalid")),
        ("www.cluster", (None, "invalid")),
        ("cluster..de", (None, "invalid")),
        ("-cluster.de", (None, "invalid")),
        ("cluster.de/<script>", (None, "invalid")),
        ("ftp://cluster.de", (None, "invalid")),
        ("cluster.123", (None, "invalid")),
        ("weiß ich nicht", (None, "invalid")),
        ("https://cluster.de/" + "a" * 200, (None, "too_long")),
    ],
)
def test_website(text, expected):
    assert website(text) == expected


# --- month and year ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("März 2024", date(2024, 3, 1)),
        ("Maerz 2024", date(2024, 3, 1)),
        ("Marz 2024", date(2024, 3, 1)),
        ("MÄRZ 2024", date(2024, 3, 1)),
        ("Mrz. 2024", date(2024, 3, 1)),
        ("im Januar 2025", date(2025, 1, 1)),
        ("Jänner 2025", date(2025, 1, 1)),
        ("Dezember 2023", date(2023, 12, 1)),
        ("Mai 24", date(2024, 5, 1)),
        ("zuletzt im Oktober 2025 aktualisiert", date(2025, 10, 1)),
        ("03/2024", date(2024, 3, 1)),
        ("3/2024", date(2024, 3, 1)),
        ("3.2024", date(2024, 3, 1)),
        ("2024-03", date(2024, 3, 1)),
        ("2024-03-15", date(2024, 3, 1)),
        ("15.03.2024", date(2024, 3, 1)),
        ("Stand: 2024-03.", date(2024, 3, 1)),
        ("Frühjahr 2024", date(2024, 3, 1)),
        ("Herbst 2025", date(2025, 9, 1)),
        ("Q2 2025", date(2025, 4, 1)),
        ("2. Quartal 2025", date(2025, 4, 1)),
        ("2024", date(2024, 1, 1)),
        ("im Jahr 2024", date(2024, 1, 1)),
        ("letztes Jahr", date(2025, 1, 1)),
        ("dieses Jahr", date(2026, 1, 1)),
        ("letzten Monat", date(2026, 10, 1)),
        ("im März", date(2026, 3, 1)),  # the latest March not after today
        ("im Dezember", date(2025, 12, 1)),
        ("November 2026", date(2026, 11, 1)),
        ("1990", date(1990, 1, 1)),
    ],
)
def test_month_year(text, expected):
    assert month_year(text, TODAY) == (expected, None)


@pytest.mark.parametrize(
    "text, today, expected",
    [
        ("letzten Monat", JANUARY, date(2026, 12, 1)),
        ("letztes Jahr", JANUARY, date(2026, 1, 1)),
        ("Dezember 2026", JANUARY, date(2026, 12, 1)),
        ("im Dezember", JANUARY, date(2026, 12, 1)),
    ],
)
def test_month_year_around_new_year(text, today, expected):
    assert month_year(text, today) == (expected, None)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("Dezember 2026", "in_future"),
        ("Januar 2027", "in_future"),
        ("2027", "in_future"),
        ("1989", "too_early"),
        ("Mai 1985", "too_early"),
        ("13/2024", "not_a_date"),
        ("2024-00", "not_a_date"),
        ("2019, aktualisiert 2023", "not_a_date"),
        ("weiß nicht", "not_a_date"),
        ("bald", "not_a_date"),
    ],
)
def test_month_year_problems(text, problem):
    assert month_year(text, TODAY) == (None, problem)
