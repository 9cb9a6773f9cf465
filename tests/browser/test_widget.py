"""The chat widget in real headless Chromium, talking to the real bot over socket.io.

What a visitor of a web site with the widget does: ask, click answers, book a consultation,
reload, use a second tab, use only the keyboard, lose the server; plus axe-core (WCAG 2.1 AA)
and layout at 200 % zoom and 360 px width.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import Stack

LAUNCHER = "Chat mit dem go-cluster-Assistent öffnen"
GREETING = "Guten Tag! Ich bin der digitale Assistent"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# --- helpers ---------------------------------------------------------------------------------
def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def wait_until(page, condition, what: str, timeout_s: float = 20.0) -> None:
    # Polls from Python: the demo page's CSP forbids eval, which page.wait_for_function needs.
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


class Widget:
    def __init__(self, page):
        self.page = page
        self.launcher = page.get_by_role("button", name=LAUNCHER)
        self.dialog = page.get_by_role("dialog", name="go-cluster-Assistent")
        self.input = page.get_by_role("textbox", name="Ihre Nachricht")
        self.log = page.locator(".gcw-log")
        self.bot = page.locator(".gcw-msg--bot")
        self.user = page.locator(".gcw-msg--user")
        self.status = page.locator(".gcw-connection")

    def open(self, greeting: bool = True):
        self.launcher.click()
        expect(self.dialog).to_be_visible()
        if greeting:
            expect(self.bot.first).to_contain_text(GREETING)
        return self

    def reply(self, title: str):
        return self.page.locator(".gcw-reply", has_text=title)

    def wait_for_bot(self, text: str, before: int) -> None:
        answers = self.answers(text)
        wait_until(self.page, lambda: answers.count() > before, f"an answer containing {text!r}")

    def answers(self, text: str):
        """The bot's messages whose text (not their buttons) contains `text`."""
        return self.page.locator(".gcw-msg--bot .gcw-text", has_text=text)

    def ask(self, text: str, answer_contains: str) -> None:
        before = self.answers(answer_contains).count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_bot(answer_contains, before)

    def click(self, title: str, answer_contains: str) -> None:
        before = self.answers(answer_contains).count()
        self.reply(title).first.click()
        self.wait_for_bot(answer_contains, before)

    def texts(self):
        return [t.strip() for t in self.page.locator(".gcw-msg .gcw-text").all_inner_texts()]


def stored_state(page) -> dict:
    keys = page.evaluate("() => Object.keys(localStorage)")
    assert len(keys) == 1 and keys[0].startswith("gocluster-widget:"), keys
    return json.loads(page.evaluate("k => localStorage.getItem(k)", keys[0]))


def rendered_ids(page) -> list:
    return page.locator(".gcw-msg").evaluate_all("items => items.map(i => i.dataset.id)")


def demo(context, stack: Stack, url: str = ""):
    page = context.new_page()
    page.goto(url or stack.web_url + "/")
    return page, Widget(page)


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS + ["best-practice"]}, "resultTypes": ["violations"]},
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def host_page(stack: Stack, server_url: str, color: str = "#004b87") -> str:
    """A third-party page (no CSP of ours) that embeds the widget with its one script tag."""
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Fremde Seite</title></head>'
        "<body><main><h1>Eine andere Website</h1><p>Mit eingebettetem Chat.</p></main>"
        f'<script src="{stack.web_url}/static/widget/widget.js" data-server-url="{server_url}" '
        f'data-color="{color}" defer></script></body></html>'
    )


# --- tests -----------------------------------------------------------------------------------
def test_question_answer_and_button(context, stack):
    requests, sockets, console_errors = [], [], []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(stack.web_url + "/")
    widget = Widget(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo-Seite")
    expect(widget.dialog).to_be_hidden()
    assert not [u for u in requests if "socket.io/?" in u], "no connection before the chat is opened"
    assert page.evaluate("() => Object.keys(localStorage)") == [], "nothing stored before the chat is opened"

    widget.open()
    expect(widget.input).to_be_focused()
    expect(widget.input).to_have_attribute("maxlength", "1000")
    expect(page.locator(".gcw-privacy")).to_contain_text("Hinweis zum Datenschutz")
    privacy = widget.dialog.get_by_role("link", name=re.compile("^Datenschutzhinweise"))
    expect(privacy).to_have_attribute("href", stack.web_url + "/datenschutz")

    widget.click("Was ist go-cluster?", "go-cluster")
    expect(widget.user.last).to_contain_text("Was ist go-cluster?")  # the title, not the payload
    assert "/faq_" not in widget.log.inner_text()

    widget.ask("Was ist ESCA?", "European Secretariat for Cluster Analysis")
    expect(widget.user.last).to_contain_text("Was ist ESCA?")
    expect(page.locator(".gcw-typing")).to_be_empty()
    for stamp in page.locator(".gcw-time").all_inner_texts():
        assert re.fullmatch(r"(\d{2}\.\d{2}\.\d{4}, )?\d{2}:\d{2} Uhr", stamp), stamp
    # The source URL of the answer is a safe link that opens a new tab.
    link = page.locator(".gcw-msg--bot a[href^='https://']").first
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")

    # Everything came from the bot's own servers; socket.io upgraded to a WebSocket (CSP allows it).
    own = (stack.web_url, stack.rasa_url)
    assert all(u.startswith(own) for u in requests), [u for u in requests if not u.startswith(own)]
    assert any(u.startswith(stack.rasa_url.replace("http", "ws")) for u in sockets), sockets
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_booking_a_consultation(context, stack):
    page, widget = demo(context, stack)
    widget.open()
    widget.ask("Ich möchte einen Beratungstermin vereinbaren", "Telefon oder per Video")
    widget.click("Video", "Wann passt es Ihnen")
    widget.ask("nächste Woche", "Termine")
    slots = page.locator(".gcw-replies").last.locator(".gcw-reply")
    expect(slots.first).to_be_visible()
    slot_title = slots.first.inner_text()
    assert re.search(r"\d{2}:\d{2} Uhr", slot_title), slot_title
    widget.click(slot_title, "einverstanden")
    expect(widget.user.last).to_contain_text(slot_title)
    widget.click("Ja, einverstanden", "Wie ist Ihr Name")
    widget.ask("Anna Muster", "Organisation")
    widget.ask("Cluster Nord GmbH", "Cluster")
    widget.ask("Cluster Nord", "E-Mail")
    widget.ask("anna@example.org", "Bitte prüfen Sie Ihre Angaben")
    expect(page.locator(".gcw-log")).to_contain_text("Format: Video")
    widget.click("Ja, verbindlich buchen", "GC-B-")
    confirmation = page.locator(".gcw-msg--bot", has_text="GC-B-").last.inner_text()
    assert re.search(r"GC-B-[0-9A-Z]{5}", confirmation), confirmation
    # The e-mail address typed by the user is a mailto link in the summary.
    expect(page.locator(".gcw-msg--bot a[href='mailto:anna@example.org']").first).to_be_visible()


def test_history_survives_reload_and_is_shared_with_a_second_tab(context, stack):
    page, widget = demo(context, stack)
    widget.open()
    widget.ask("Was ist ESCA?", "European Secretariat")
    before = widget.texts()

    page.reload()
    widget = Widget(page)
    expect(widget.dialog).to_be_visible()  # it was open: it opens again
    expect(widget.bot.first).to_contain_text(GREETING)
    wait_until(page, lambda: widget.texts() == before, "the history after reload")
    expect(widget.status).to_be_empty()  # connected again, nothing to report

    second, other = demo(context, stack)
    other.open(greeting=False)
    wait_until(second, lambda: other.texts() == before, "the same history in the second tab")

    # A question in the second tab appears, with its answer, in the first one - once.
    other.ask("Was ist Benchmarking?", "Benchmarking")
    wait_until(page, lambda: widget.texts() == other.texts(), "the first tab to show the second tab's answer")
    stored = stored_state(page)
    assert [m["id"] for m in stored["messages"]] == rendered_ids(page) == rendered_ids(second)
    assert len({m["id"] for m in stored["messages"]}) == len(stored["messages"])
    assert sum(m["from"] == "user" and m["text"] == "Was ist Benchmarking?" for m in stored["messages"]) == 1

    # "Neues Gespräch" in one tab starts over in both, with a new session id.
    old_session = stored["sessionId"]
    other.dialog.get_by_role("button", name="Neues Gespräch").click()
    expect(other.status).to_contain_text("Neues Gespräch begonnen")
    expect(other.bot.first).to_contain_text(GREETING)
    expect(other.user).to_have_count(0)
    expect(widget.user).to_have_count(0)
    expect(widget.bot.first).to_contain_text(GREETING)
    wait_until(page, lambda: widget.texts() == other.texts(), "the first tab to start over too")
    stored = stored_state(page)
    assert stored["sessionId"] != old_session
    # The first tab joined the new session: its questions are answered there.
    widget.ask("Was ist ESCA?", "European Secretariat")


def test_keyboard_only(context, stack):
    page, widget = demo(context, stack)
    page.locator("body").focus()
    for _ in range(40):  # Tab through the page to the launcher
        page.keyboard.press("Tab")
        if widget.launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(widget.launcher).to_be_focused()
    assert widget.launcher.evaluate("el => getComputedStyle(el).boxShadow") != "none", "visible focus"

    page.keyboard.press("Enter")
    expect(widget.dialog).to_be_visible()
    expect(widget.input).to_be_focused()  # focus moved into the dialog
    expect(widget.bot.first).to_contain_text(GREETING)

    page.keyboard.type("Was ist ESCA?")
    page.keyboard.press("Enter")
    widget.wait_for_bot("European Secretariat", 0)
    expect(widget.input).to_have_value("")
    replies = page.locator(".gcw-replies").last.locator("button")
    expect(replies.first).to_be_visible()
    last_title = replies.last.inner_text()

    # Shift+Tab from the input reaches the answer buttons; Space activates one.
    page.keyboard.press("Shift+Tab")
    expect(replies.last).to_be_focused()
    assert replies.last.evaluate("el => getComputedStyle(el).boxShadow") != "none", "visible focus"
    page.keyboard.press("Space")
    expect(widget.user.last).to_contain_text(last_title)
    expect(widget.input).to_be_focused()  # the used buttons are gone, focus is safe

    # Tab reaches the header controls, Enter on "Neues Gespräch" starts over.
    new_chat = widget.dialog.get_by_role("button", name="Neues Gespräch")
    new_chat.focus()
    page.keyboard.press("Enter")
    expect(widget.user).to_have_count(0)
    expect(widget.bot.first).to_contain_text(GREETING)

    page.keyboard.press("Escape")
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_be_focused()  # focus back where it was
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_unreachable_server_and_reconnect(context, stack):
    # A web site whose widget points to a port where nothing listens.
    page = context.new_page()
    page.route(
        stack.web_url + "/fremde-seite",
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=host_page(stack, stack.closed_url)
        ),
    )
    page.goto(stack.web_url + "/fremde-seite")
    widget = Widget(page)
    widget.open(greeting=False)
    expect(widget.status).to_contain_text("Der Assistent ist gerade nicht erreichbar")
    expect(widget.status).to_contain_text("automatisch erneut")
    expect(widget.status.locator("a[href^='tel:+49']")).to_be_visible()  # how to reach people instead
    expect(widget.status.locator("a[href='mailto:info@go-cluster.de']")).to_be_visible()
    widget.input.fill("Hallo?")
    widget.input.press("Enter")
    expect(widget.status).to_contain_text("nicht gesendet")
    expect(widget.input).to_have_value("Hallo?")  # nothing typed is lost
    expect(widget.user).to_have_count(0)

    # The real server, first unreachable (network down), then back: the widget reconnects itself.
    page2 = context.new_page()
    page2.route(re.compile(r".*/socket\.io/.*"), lambda route: route.abort("connectionrefused"))
    page2.goto(stack.web_url + "/")
    widget2 = Widget(page2)
    widget2.open(greeting=False)
    expect(widget2.status).to_contain_text("nicht erreichbar")
    page2.unroute(re.compile(r".*/socket\.io/.*"))
    expect(widget2.status).to_contain_text("Verbindung wiederhergestellt", timeout=15_000)
    expect(widget2.bot.first).to_contain_text(GREETING)
    widget2.ask("Was ist ESCA?", "European Secretariat")


def test_messages_are_text_with_safe_links(context, stack):
    page, widget = demo(context, stack)
    widget.open()
    markup = '<script>alert(1)</script><img src=x onerror="document.title=1">'
    widget.ask(markup, "Programmcode")
    expect(widget.user.last.locator(".gcw-text")).to_contain_text(markup)
    assert widget.log.locator("img, script").count() == 0

    # A stored answer with markup, a URL, an e-mail address and a phone number.
    key = f"gocluster-widget:{stack.rasa_url}"
    state = stored_state(page)
    state["messages"].append(
        {
            "id": "x1",
            "from": "bot",
            "time": "2026-01-05T09:07:00Z",
            "buttons": [],
            "text": "<script>alert(1)</script> Siehe https://www.clusterplattform.de/go-cluster, "
            "schreiben Sie an info@go-cluster.de oder rufen Sie +49 30 310078-387 an "
            "(www.vdivde-it.de). <a href='javascript:alert(1)'>x</a>",
        }
    )
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(state)])
    page.reload()
    widget = Widget(page)
    message = page.locator(".gcw-msg[data-id='x1']")
    expect(message).to_contain_text("<script>alert(1)</script>")
    assert message.locator("script").count() == 0
    hrefs = message.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [
        "https://www.clusterplattform.de/go-cluster",
        "mailto:info@go-cluster.de",
        "tel:+4930310078387",
        "https://www.vdivde-it.de",
    ], hrefs
    expect(message.locator(".gcw-time")).to_have_text("05.01.2026, 10:07 Uhr")  # German, local time


def test_colour_with_too_little_contrast_falls_back(context, stack):
    page = context.new_page()
    pages = {"/gelb": "#ffdd00", "/dunkelrot": "#8b0000"}
    for path, colour in pages.items():
        page.route(
            stack.web_url + path,
            lambda route, _request, colour=colour: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=host_page(stack, stack.rasa_url, colour)
            ),
        )
    launcher = page.get_by_role("button", name=LAUNCHER)
    page.goto(stack.web_url + "/gelb")
    expect(launcher).to_have_css("background-color", "rgb(0, 75, 135)")  # the default #004b87
    page.goto(stack.web_url + "/dunkelrot")
    expect(launcher).to_have_css("background-color", "rgb(139, 0, 0)")  # enough contrast: kept


def test_foreign_web_sites_cannot_connect(context, stack):
    # Same pages, other origin (not in CORS_ORIGINS): the socket.io server refuses the browser.
    page, widget = demo(context, stack, stack.foreign_url + "/")
    widget.open(greeting=False)
    expect(widget.status).to_contain_text("nicht erreichbar")
    expect(widget.bot).to_have_count(0)

    def handshake(origin: str):
        request = urllib.request.Request(
            f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers.get_all("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_all("Access-Control-Allow-Origin")

    assert handshake("https://evil.example") == (400, None)
    assert handshake(stack.web_url) == (200, [stack.web_url])  # exactly one CORS header


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["desktop", "360px"]
)
def test_axe_finds_no_violations(browser, stack, viewport):
    context = browser.new_context(locale="de-DE", viewport=viewport)
    try:
        page, widget = demo(context, stack)
        assert axe_violations(page) == [], "demo page with the closed widget"
        widget.open()
        expect(widget.reply("Was ist go-cluster?")).to_be_visible()
        assert axe_violations(page) == [], "demo page with the open widget and answer buttons"
        widget.ask("Was ist ESCA?", "European Secretariat")
        widget.input.fill("")
        assert axe_violations(page) == [], "after a question with links in the answer"
    finally:
        context.close()


@pytest.mark.parametrize(
    "zoom",
    [
        {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},  # 1280x800 at 200 %
        {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 1},
    ],
    ids=["200-percent", "360px"],
)
def test_layout_without_horizontal_scrolling(browser, stack, zoom):
    context = browser.new_context(locale="de-DE", **zoom)
    try:
        page, widget = demo(context, stack)
        width = zoom["viewport"]["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        launcher = widget.launcher.bounding_box()
        assert launcher["x"] >= 0 and launcher["x"] + launcher["width"] <= width
        widget.open()
        widget.ask("Was ist ESCA?", "European Secretariat")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        box = widget.dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= zoom["viewport"]["height"] + 0.5, box
        scroller = page.locator(".gcw-scroll")
        assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "no sideways scrolling in the log"
        for control in (
            widget.input,
            page.get_by_role("button", name="Senden"),
            widget.dialog.get_by_role("button", name="Neues Gespräch"),
            widget.dialog.get_by_role("button", name="Chat schließen"),
        ):
            expect(control).to_be_in_viewport()
            b = control.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, b
    finally:
        context.close()
