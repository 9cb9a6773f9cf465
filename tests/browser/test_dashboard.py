"""The hotline dashboard in real headless Chromium: every page at 1280 px and at 360 px, logged in
as a staff account, on a database full enough to show layout problems (long transcripts, long
names and addresses, many topics, garbage among the unanswered questions).

Each page: axe-core (WCAG 2.1 AA and best practices) finds nothing, the page never scrolls
sideways, the header bar spans the window, no request fails (favicon included) and the page's
Content-Security-Policy is never violated.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import STAFF_PASSWORD, STAFF_USER, DashboardStack
from tests.browser.test_widget import axe_violations, expect

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
VIEWPORTS = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="360px")]
PAGES = {
    "login": "/hotline/anmelden",
    "tickets": "/hotline/",
    "tickets-filtered": "/hotline/?status=new&thema=beratungstermin&von=2020-01-01&bis=2099-12-31",
    "ticket": "/hotline/anfragen/{ticket}",
    "bookings": "/hotline/termine?abgesagte=1",
    "drafts": "/hotline/entwuerfe",
    "statistics": "/hotline/statistik",
    "questions": "/hotline/fragen",
    "search": "/hotline/suche?q=Label",
    "not-found": "/hotline/anfragen/GC-T-ZZZZZ",
}


class Visit:
    """A browser context with its own cookies; records failed requests and CSP violations."""

    def __init__(self, browser, stack: DashboardStack, viewport: dict) -> None:
        self.stack = stack
        self.context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=viewport)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.failed, self.console = [], []
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append((r.status, r.url)))
        self.page.on("console", lambda m: m.type == "error" and self.console.append(m.text))

    def url(self, name: str) -> str:
        return self.stack.url + PAGES[name].format(ticket=self.stack.ticket)

    def login(self) -> "Visit":
        self.page.goto(self.url("login"))
        self.page.get_by_label("Benutzername").fill(STAFF_USER)
        self.page.get_by_label("Passwort").fill(STAFF_PASSWORD)
        self.page.get_by_role("button", name="Anmelden").click()
        expect(self.page.get_by_role("heading", level=1, name="Anfragen")).to_be_visible()
        return self

    def open(self, name: str) -> int:
        response = self.page.goto(self.url(name))
        self.page.wait_for_load_state("load")
        return response.status

    def width(self) -> dict:
        return self.page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
            header: document.querySelector('.site-header').getBoundingClientRect().width})""")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, dashboard_stack):
    opened = []

    def make(viewport: dict, login: bool = True) -> Visit:
        v = Visit(browser, dashboard_stack, viewport)
        opened.append(v)
        return v.login() if login else v

    yield make
    for v in opened:
        v.close()


# --- every page, both widths ----------------------------------------------------------------------
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_fits_the_window(visit, viewport, name):
    v = visit(viewport, login=name != "login")
    status = v.open(name)
    assert status == (404 if name == "not-found" else 200)
    expect(v.page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(v.page) == [], name
    width = v.width()
    assert width["scroll"] <= width["inner"], f"{name} scrolls sideways: {width}"
    assert width["header"] >= width["inner"] - 0.5, f"{name}: the header bar is narrower than the window"
    expected = 1 if name == "not-found" else 0  # the page's own 404
    assert len(v.failed) == expected, f"no request fails (favicon included): {v.failed}"
    assert len(v.console) == expected, f"no Content-Security-Policy violation or other error: {v.console}"


def test_tables_become_labelled_cards_at_360px(visit):
    v = visit(PHONE)
    v.open("bookings")
    cell = v.page.locator("table.stack tbody tr td[data-label='Kontakt']").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Kontakt: "'
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    header = v.page.locator("table.stack thead")
    assert header.evaluate("h => h.getBoundingClientRect().width") <= 1  # visually hidden, still there
    # Still a table with its column headers for screen readers.
    expect(v.page.get_by_role("table")).to_have_count(1)
    expect(v.page.get_by_role("columnheader", name="Kontakt")).to_have_count(1)
    for row in v.page.locator("table.stack tbody tr").all():
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_tables_stay_tables_at_1280px(visit):
    v = visit(DESKTOP)
    v.open("tickets")
    cell = v.page.locator("table.stack tbody tr td[data-label='Thema']").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") in ("none", "normal")


def test_statistics_scroll_inside_labelled_boxes_at_360px(visit):
    v = visit(PHONE)
    v.open("statistics")
    numbers = v.page.get_by_role("region", name="Anfragen je Thema und Kalenderwoche (Tabelle)")
    chart = v.page.get_by_role("region", name="Diagramm (auf schmalen Bildschirmen seitlich verschiebbar)")
    for box in (numbers, chart):
        expect(box).to_be_visible()
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the wide content scrolls inside its box"
        assert box.evaluate("b => b.tabIndex") == 0, "reachable by keyboard for scrolling"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_legend_swatches_are_small(visit, viewport):
    v = visit(viewport)
    v.open("statistics")
    swatches = v.page.locator(".legend__swatch")
    assert swatches.count() == 10  # every topic had inquiries
    for swatch in swatches.all():
        size = swatch.bounding_box()
        assert 10 <= size["width"] <= 16 and 10 <= size["height"] <= 16, size


def test_transcript_shows_what_the_user_clicked(visit):
    v = visit(PHONE)
    v.open("ticket")
    transcript = v.page.locator(".transcript")
    for title in (
        "Ja, einverstanden",
        "ESCA erklären",
        "Wie erreiche ich das go-cluster-Team?",
        "Donnerstag, 3. Dezember 2026, 10:00 Uhr",
    ):
        expect(transcript.locator(".transcript__choice", has_text=title).first).to_be_visible()
    text = transcript.inner_text()
    assert "/affirm" not in text and "/faq_kontakt" not in text and "glossary_term" not in text
    assert "2026-12-03T10:00" not in text
    assert v.page.locator(".transcript__line").count() == 65


def test_questions_are_labelled_and_garbage_is_collapsed(visit, dashboard_stack):
    v = visit(PHONE)
    v.open("questions")
    table = v.page.get_by_role("table")
    expect(table.get_by_role("rowheader", name=f"{dashboard_stack.garbage} unverständliche Eingaben (")).to_be_visible()
    text = table.inner_text()
    for internal in ("bad_input", "null", "action_listen", "xxxxxxxxxx", "!!!!!", "kopiere hier"):
        assert internal not in text, internal
    assert "Wie lange dauert das Aufnahmeverfahren?" in text and "Begriff erklären" in text
    cut = v.page.locator("table.stack tbody th span[title]")
    expect(cut).to_have_count(1)
    assert cut.inner_text().endswith("…") and cut.get_attribute("title").endswith("Trägerin auftritt?")
    height = v.page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 2500, f"the page stays short ({height} px)"


def test_favicon_is_served_and_linked(visit, dashboard_stack):
    v = visit(DESKTOP, login=False)
    v.open("login")
    icons = v.page.locator("link[rel='icon']")
    assert sorted(icons.evaluate_all("links => links.map(l => l.getAttribute('href'))")) == [
        "/favicon.ico",
        "/favicon.svg",
    ]
    for path, kind in (("/favicon.ico", "image/vnd.microsoft.icon"), ("/favicon.svg", "image/svg+xml")):
        response = v.page.request.get(dashboard_stack.url + path)
        assert response.status == 200 and response.headers["content-type"] == kind
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert v.page.request.get(dashboard_stack.url + "/favicon.ico").body()[:4] == b"\x00\x00\x01\x00"  # ICO
