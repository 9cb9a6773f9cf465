"""Request handlers of the hotline dashboard (all under /hotline/)."""

from __future__ import annotations

import csv
import functools
import io
import math
from datetime import date, timedelta
from typing import Awaitable, Callable, List, Optional
from urllib.parse import urlencode

from aiohttp import web

from bot.labels import BOOKING_STATUS, DRAFT_STATUS, TICKET_PRIORITY, TICKET_REASON, TICKET_STATUS, Labels, UnknownLabel
from bot.spreadsheet import safe_cell
from bot.storage.db import StorageUnavailable
from bot.web.client import client_address
from bot.web.dashboard.accounts import LoginOutcome, SessionCheck, StaffIdentity
from bot.web.dashboard.chart import build_chart, last_weeks
from bot.web.dashboard.context import DASHBOARD, Dashboard
from bot.web.dashboard.questions import NO_TOPIC, question_list, topic_label
from bot.web.dashboard.render import local_time, parse_iso_time, render
from bot.web.dashboard.security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    PAGE_HEADERS,
    PREFIX,
    SESSION_COOKIE,
    clear_cookie,
    login_token_from_cookie,
    new_login_token,
    safe_next,
    set_cookie,
    tokens_match,
)

STAFF = web.RequestKey("dashboard_staff", StaffIdentity)  # typed request storage (aiohttp >= 3.14)
LOGIN_PATH = f"{PREFIX}/anmelden"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NAVIGATION = (
    ("anfragen", f"{PREFIX}/", "Anfragen"),
    ("termine", f"{PREFIX}/termine", "Termine"),
    ("entwuerfe", f"{PREFIX}/entwuerfe", "Antragsentwürfe"),
    ("statistik", f"{PREFIX}/statistik", "Statistik"),
    ("fragen", f"{PREFIX}/fragen", "Offene Fragen"),
    ("suche", f"{PREFIX}/suche", "Wissenssuche"),
)
QUESTION_KIND_LABELS = {
    "not_understood": "nicht verstanden",
    "unknown_term": "unbekannter Begriff",
    "english": "auf Englisch",
}
YES_NO = {"yes": "ja", "no": "nein"}
BOOKING_DAYS = 14
CHART_WEEKS = 8

MESSAGES = {
    "invalid": "Benutzername oder Passwort ist falsch.",
    "locked": "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend gesperrt; bitte "
    "versuchen Sie es in {wait} erneut. Wenn Sie sofort Zugang brauchen, wenden Sie sich "
    "an die Administration.",
    "expired": "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "logged_out": "Sie haben sich abgemeldet.",
    "login_form": "Das Anmeldeformular war abgelaufen oder ungültig. Bitte melden Sie sich erneut an.",
    "csrf": "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die Seite neu "
    "und versuchen Sie es erneut.",
    "storage": "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.",
}


def wait_in_words(wait: Optional[timedelta]) -> str:
    """ "1 Minute", "15 Minuten": rounded up, as "in 0 Minuten" would invite an attempt still refused."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60)) if wait else 1
    return "1 Minute" if minutes == 1 else f"{minutes} Minuten"


def dashboard_of(request: web.Request) -> Dashboard:
    return request.app[DASHBOARD]


# --- page helpers ---------------------------------------------------------------------------
def page(
    request: web.Request, template: str, title: str, active: Optional[str] = None, status: int = 200, **context
) -> web.Response:
    dashboard = dashboard_of(request)
    staff: Optional[StaffIdentity] = request.get(STAFF)
    return render(
        template,
        status=status,
        title=title,
        active=active,
        navigation=NAVIGATION,
        staff=staff,
        csrf_field=CSRF_FIELD,
        csrf_token=staff.csrf_token if staff else "",
        prefix=PREFIX,
        when=lambda moment, with_time=True: local_time(moment, dashboard.options.tz, with_time),
        **context,
    )


def error_page(request: web.Request, status: int, title: str, message: str) -> web.Response:
    return page(request, "error.html", title, status=status, message=message)


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **PAGE_HEADERS})


def login_redirect(request: web.Request, expired: bool) -> web.Response:
    query = {}
    if request.method == "GET":
        query["next"] = request.path_qs
    if expired:
        query["abgelaufen"] = "1"
    response = see_other(LOGIN_PATH + ("?" + urlencode(query) if query else ""))
    if request.cookies.get(SESSION_COOKIE) is not None:
        clear_cookie(response, dashboard_of(request).options, SESSION_COOKIE)
    return response


def staff_only(handler: Handler) -> Handler:
    """Requires a live session; POST requests must carry the session's CSRF token."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        dashboard = dashboard_of(request)
        token = request.cookies.get(SESSION_COOKIE)
        try:
            check: SessionCheck = (
                await dashboard.call(dashboard.accounts.resume, token) if token else SessionCheck(None)
            )
            if check.identity is None:
                return login_redirect(request, check.expired or bool(token))
            request[STAFF] = check.identity
            if request.method == "POST":
                form = await request.post()
                if not tokens_match(form.get(CSRF_FIELD), check.identity.csrf_token):
                    return error_page(request, 403, "Anfrage abgelehnt", MESSAGES["csrf"])
            return await handler(request)
        except StorageUnavailable:
            return error_page(request, 503, "Datenbank nicht erreichbar", MESSAGES["storage"])

    return guarded


# --- login and logout -----------------------------------------------------------------------
def login_page(
    request: web.Request,
    status: int = 200,
    message: Optional[str] = None,
    notice: Optional[str] = None,
    username: str = "",
    next_path: Optional[str] = None,
) -> web.Response:
    dashboard = dashboard_of(request)
    now = dashboard.now()
    token = login_token_from_cookie(request.cookies.get(LOGIN_COOKIE), now) if status == 200 else None
    cookie = None
    if token is None:
        token, cookie = new_login_token(now, dashboard.options)
    response = render(
        "login.html",
        status=status,
        title="Anmeldung",
        active=None,
        navigation=(),
        staff=None,
        csrf_field=CSRF_FIELD,
        csrf_token=token,
        prefix=PREFIX,
        message=message,
        notice=notice,
        username=username,
        next_path=safe_next(next_path),
    )
    if cookie:
        set_cookie(
            response,
            dashboard.options,
            LOGIN_COOKIE,
            cookie,
            max_age=int(dashboard.options.login_form_lifetime.total_seconds()),
        )
    return response


async def show_login(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            check = await dashboard.call(dashboard.accounts.resume, token)
        except StorageUnavailable:
            return error_page(request, 503, "Datenbank nicht erreichbar", MESSAGES["storage"])
        if check.identity is not None:
            return see_other(safe_next(request.query.get("next")))
    notice = None
    if request.query.get("abgelaufen"):
        notice = MESSAGES["expired"]
    elif request.query.get("abgemeldet"):
        notice = MESSAGES["logged_out"]
    return login_page(request, notice=notice, next_path=request.query.get("next"))


async def submit_login(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    form = await request.post()
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))
    next_path = str(form.get("next", ""))
    expected = login_token_from_cookie(request.cookies.get(LOGIN_COOKIE), dashboard.now())
    if not tokens_match(form.get(CSRF_FIELD), expected):
        return login_page(request, status=403, message=MESSAGES["login_form"], username=username, next_path=next_path)
    try:
        async with dashboard.login_slots:
            result = await dashboard.call(
                dashboard.accounts.login, username, password, client_address(request, dashboard.options.proxies_count)
            )
    except StorageUnavailable:
        return error_page(request, 503, "Datenbank nicht erreichbar", MESSAGES["storage"])
    if result.outcome is LoginOutcome.OK:
        response = see_other(safe_next(next_path))
        set_cookie(response, dashboard.options, SESSION_COOKIE, result.token)
        clear_cookie(response, dashboard.options, LOGIN_COOKIE)
        return response
    if result.outcome is LoginOutcome.LOCKED:
        message = MESSAGES["locked"].format(wait=wait_in_words(result.retry_after))
    else:
        message = MESSAGES["invalid"]
    return login_page(request, message=message, username=username, next_path=next_path)


@staff_only
async def logout(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    await dashboard.call(dashboard.accounts.logout, request.cookies.get(SESSION_COOKIE))
    response = see_other(f"{LOGIN_PATH}?abgemeldet=1")
    clear_cookie(response, dashboard.options, SESSION_COOKIE)
    return response


# --- tickets --------------------------------------------------------------------------------
def _parse_day(text: str, label: str, errors: List[str]) -> Optional[date]:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"„{label}“ ist kein gültiges Datum (bitte im Format JJJJ-MM-TT).")
        return None


def _status_filter(labels: Labels, group: str, text: str) -> Optional[str]:
    """The status of a filter link: the code the select sends, or a German label or an old German
    code of a bookmarked link ("?status=erledigt"). "" for no filter, None if unknown."""
    if not text:
        return ""
    try:
        return labels.code(group, text)
    except UnknownLabel:
        return None


@staff_only
async def tickets(request: web.Request) -> web.StreamResponse:
    from bot.handoff.service import STATUSES

    dashboard = dashboard_of(request)
    labels = dashboard.topic_labels
    errors: List[str] = []
    status = _status_filter(dashboard.labels, TICKET_STATUS, request.query.get("status", ""))
    if status is None:
        errors.append("Unbekannter Status.")
        status = ""
    topic = request.query.get("thema", "")
    if topic and topic not in labels:
        errors.append("Unbekanntes Thema.")
        topic = ""
    first = _parse_day(request.query.get("von", ""), "von", errors)
    last = _parse_day(request.query.get("bis", ""), "bis", errors)
    if first and last and first > last:
        errors.append("Das Datum „von“ liegt nach dem Datum „bis“.")
        first = last = None
    # Days are local days (Europe/Berlin); the database compares UTC, so ask for one day more
    # on each side and filter exactly here.
    found = await dashboard.call(
        dashboard.tickets.list,
        status or None,
        topic or None,
        first - timedelta(days=1) if first else None,
        last + timedelta(days=1) if last else None,
    )
    tz = dashboard.options.tz
    found = [
        t
        for t in found
        if (not first or t.created_at.astimezone(tz).date() >= first)
        and (not last or t.created_at.astimezone(tz).date() <= last)
    ]
    filters = {
        "status": status,
        "thema": topic,
        "von": first.isoformat() if first else "",
        "bis": last.isoformat() if last else "",
    }
    return page(
        request,
        "tickets.html",
        "Anfragen",
        "anfragen",
        status=400 if errors else 200,
        tickets=found,
        errors=errors,
        filters=filters,
        statuses=STATUSES,
        status_labels=dashboard.labels.of(TICKET_STATUS),
        topic_labels=labels,
        priority_labels=dashboard.labels.of(TICKET_PRIORITY),
        filtered=any(filters.values()),
    )


async def _ticket_or_404(request: web.Request):
    from bot.handoff.service import TicketNotFound

    dashboard = dashboard_of(request)
    try:
        return await dashboard.call(dashboard.tickets.get, request.match_info["reference"])
    except TicketNotFound:
        return None


@staff_only
async def ticket_detail(request: web.Request) -> web.StreamResponse:
    from bot.handoff.service import STATUSES

    ticket = await _ticket_or_404(request)
    if ticket is None:
        return error_page(request, 404, "Anfrage nicht gefunden", "Eine Anfrage mit dieser Nummer gibt es nicht.")
    from bot.handoff.readable import readable_transcript

    transcript = [
        dict(line, moment=parse_iso_time(line.get("time", "")))
        for line in readable_transcript(ticket.transcript, dashboard_of(request).payload_labels)
    ]
    labels = dashboard_of(request).labels
    return page(
        request,
        "ticket.html",
        f"Anfrage {ticket.reference}",
        "anfragen",
        ticket=ticket,
        transcript=transcript,
        statuses=STATUSES,
        status_labels=labels.of(TICKET_STATUS),
        topic_labels=dashboard_of(request).topic_labels,
        priority_labels=labels.of(TICKET_PRIORITY),
        reason_labels=labels.of(TICKET_REASON),
        saved=bool(request.query.get("gespeichert")),
    )


@staff_only
async def ticket_status(request: web.Request) -> web.StreamResponse:
    from bot.handoff.service import STATUSES, TicketNotFound

    dashboard = dashboard_of(request)
    form = await request.post()
    status = form.get("status", "")
    if status not in STATUSES:
        return error_page(request, 400, "Ungültiger Status", "Bitte wählen Sie einen der angebotenen Status.")
    try:
        ticket = await dashboard.call(dashboard.tickets.set_status, request.match_info["reference"], status)
    except TicketNotFound:
        return error_page(request, 404, "Anfrage nicht gefunden", "Eine Anfrage mit dieser Nummer gibt es nicht.")
    return see_other(f"{PREFIX}/anfragen/{ticket.reference}?gespeichert=1")


# --- bookings and drafts --------------------------------------------------------------------
@staff_only
async def bookings(request: web.Request) -> web.StreamResponse:
    from bot.booking.format import format_slot

    dashboard = dashboard_of(request)
    include_cancelled = request.query.get("abgesagte") == "1"
    first = dashboard.today()
    last = first + timedelta(days=BOOKING_DAYS - 1)
    found = await dashboard.call(dashboard.bookings.bookings_between, first, last, include_cancelled)
    return page(
        request,
        "bookings.html",
        "Beratungstermine",
        "termine",
        bookings=found,
        first=first,
        last=last,
        include_cancelled=include_cancelled,
        format_slot=format_slot,
        formats=dashboard.bookings.config.formats,
        status_labels=dashboard.labels.of(BOOKING_STATUS),
    )


@staff_only
async def drafts(request: web.Request) -> web.StreamResponse:
    from bot.applications.service import STATUSES

    dashboard = dashboard_of(request)
    schema = dashboard_of(request).schema
    status = _status_filter(dashboard.labels, DRAFT_STATUS, request.query.get("status", "")) or ""
    found = await dashboard.call(dashboard.drafts.list, status or None)
    rows = []
    for draft in found:
        fields = [
            (spec.label, YES_NO.get(str(draft.fields.get(spec.id)), draft.fields.get(spec.id)))
            for spec in schema.required(draft.fields)
        ]
        rows.append((draft, fields, len(schema.missing(draft.fields))))
    return page(
        request,
        "drafts.html",
        "Antragsentwürfe",
        "entwuerfe",
        rows=rows,
        selected_status=status,
        statuses=STATUSES,
        status_labels=dashboard.labels.of(DRAFT_STATUS),
    )


# --- statistics -----------------------------------------------------------------------------
@staff_only
async def statistics(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    counts = await dashboard.call(dashboard.tickets.per_topic_and_week, CHART_WEEKS)
    chart = build_chart(counts, dashboard.topic_labels, last_weeks(dashboard.today(), CHART_WEEKS))
    return page(request, "chart.html", "Anfragen je Thema und Woche", "statistik", chart=chart)


# --- unanswered questions -------------------------------------------------------------------
QUESTION_LIMIT = 500
CSV_HEADER = ("Frage", "Anzahl", "Zuletzt gestellt", "Art", "Vermutetes Thema")


def _topic_labels():
    from bot.handoff.readable import load_payload_labels

    return load_payload_labels().intents


async def _questions(request: web.Request):
    dashboard = dashboard_of(request)
    return await dashboard.call(dashboard.tickets.unanswered, QUESTION_LIMIT)


@staff_only
async def questions(request: web.Request) -> web.StreamResponse:
    found = await _questions(request)
    listed = question_list(found, _topic_labels(), QUESTION_KIND_LABELS)
    return page(
        request,
        "questions.html",
        "Unbeantwortete Fragen",
        "fragen",
        listed=listed,
        distinct=len(found),
        limit=QUESTION_LIMIT,
    )


@staff_only
async def questions_csv(request: web.Request) -> web.StreamResponse:
    """Every logged question in full (also those the page collapses), with German labels."""
    dashboard = dashboard_of(request)
    labels = _topic_labels()
    out = io.StringIO()
    # Semicolons and a byte order mark: German spreadsheet programs open this correctly.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for question in await _questions(request):
        cells = (
            question.text,
            question.count,
            local_time(question.last_seen, dashboard.options.tz),
            QUESTION_KIND_LABELS.get(question.kind, NO_TOPIC),
            topic_label(question.guessed_intent, labels),
        )
        writer.writerow([safe_cell(cell) for cell in cells])
    filename = f"unbeantwortete-fragen-{dashboard.today().isoformat()}.csv"
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- knowledge search -----------------------------------------------------------------------
@staff_only
async def search(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    query = request.query.get("q", "").strip()
    result = dashboard.search.search(query) if query else None
    return page(request, "search.html", "Suche in FAQ und Glossar", "suche", query=query, result=result)


async def to_start(_request: web.Request) -> web.StreamResponse:
    return see_other(f"{PREFIX}/")


def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_get(PREFIX, to_start)
    router.add_get(f"{PREFIX}/", tickets)
    router.add_get(LOGIN_PATH, show_login)
    router.add_post(LOGIN_PATH, submit_login)
    router.add_post(f"{PREFIX}/abmelden", logout)
    router.add_get(PREFIX + r"/anfragen/{reference:GC-T-[0-9A-Z]{5}}", ticket_detail)
    router.add_post(PREFIX + r"/anfragen/{reference:GC-T-[0-9A-Z]{5}}/status", ticket_status)
    router.add_get(f"{PREFIX}/termine", bookings)
    router.add_get(f"{PREFIX}/entwuerfe", drafts)
    router.add_get(f"{PREFIX}/statistik", statistics)
    router.add_get(f"{PREFIX}/fragen", questions)
    router.add_get(f"{PREFIX}/fragen.csv", questions_csv)
    router.add_get(f"{PREFIX}/suche", search)
