"""Web server on port 8080: the widget demo page, the full-page chat (/chat), the chat widget
(/static/widget/) and the hotline dashboard (/hotline/)."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings, settings
from bot.web.dashboard import DashboardOptions, setup_dashboard

if TYPE_CHECKING:
    from bot.services import Services

STATIC_DIR = Path(__file__).parent / "static"
DEMO_PAGE = Path(__file__).parent / "demo.html"
RASA_URL = web.AppKey("rasa_url", str)
SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", dict)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def websocket_url(url: str) -> str:
    """The ws:// (wss://) form of an http:// (https://) URL: the widget's socket.io upgrades to it."""
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :]
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :]
    return url


def content_security_policy(rasa_url: str) -> str:
    # Scripts and styles only from this server; the page may talk to the Rasa server only
    # (HTTP for the REST channel and socket.io polling, WebSocket for socket.io).
    rasa_url = rasa_url.rstrip("/")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {rasa_url} {websocket_url(rasa_url)}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    )


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", content_security_policy(request.app[RASA_URL]))
    return response


async def demo(request: web.Request) -> web.Response:
    """German demo page that embeds the chat widget with its one script tag."""
    public_url = request.app[SETTINGS].public_url
    values = {
        "rasa_url": request.app[RASA_URL].rstrip("/"),
        "widget_url": f"{public_url}/static/widget/widget.js",
    }
    page = DEMO_PAGE.read_text("utf-8")
    for name, value in values.items():
        page = page.replace("{{ " + name + " }}", html.escape(value, quote=True))
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def chat(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html")


async def client_config(request: web.Request) -> web.Response:
    config = {"rasaUrl": request.app[RASA_URL]}
    body = f"window.GOCLUSTER_CONFIG = {json.dumps(config)};\n"
    return web.Response(text=body, content_type="application/javascript", headers={"Cache-Control": "no-store"})


async def privacy(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "datenschutz.html")


async def booking_calendar(request: web.Request) -> web.Response:
    """The .ics of a booking; the link carries a signature made by the bot, nothing else opens it."""
    from bot.booking.service import BookingNotFound
    from bot.security import verify
    from bot.storage.db import StorageUnavailable

    reference = request.match_info["reference"]
    if not verify(reference, "ics", request.query.get("sig", "")):
        raise web.HTTPNotFound()
    loop = asyncio.get_running_loop()
    consultations = services_of(request.app).consultations
    try:
        booking = await loop.run_in_executor(None, consultations.bookings.get, reference)
    except BookingNotFound:
        raise web.HTTPNotFound() from None
    except StorageUnavailable:
        raise web.HTTPServiceUnavailable(text="Der Kalender ist gerade nicht erreichbar.") from None
    return web.Response(
        body=consultations.calendar_file(booking).encode("utf-8"),
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{booking.reference}.ics"', "Cache-Control": "no-store"},
    )


async def favicon(request: web.Request) -> web.FileResponse:
    """The icon browsers ask for by themselves (/favicon.ico) and the SVG the pages link to.
    favicon.ico is favicon.svg rendered at 16, 32 and 48 pixels."""
    name = request.path.lstrip("/")
    kind = "image/svg+xml" if name.endswith(".svg") else "image/vnd.microsoft.icon"
    return web.FileResponse(STATIC_DIR / name, headers={"Content-Type": kind, "Cache-Control": "public, max-age=86400"})


async def health(request: web.Request) -> web.Response:
    """Each dependency (Rasa, action server, database; mail configured or not), for a balancer or
    monitoring: 200 when a conversation can work, else 503. No details beyond ok/failed."""
    from bot.health import check_all

    result = await asyncio.get_running_loop().run_in_executor(None, check_all, request.app[SETTINGS])
    return web.json_response(
        {"status": "ok" if result.healthy else "degraded", "checks": result.checks},
        status=200 if result.healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


async def alive(_request: web.Request) -> web.Response:
    """The web server itself answers (for process supervision)."""
    return web.json_response({"status": "ok"})


def services_of(app: web.Application) -> "Services":
    """The services, built on first use: the pages must be served even when the database is down."""
    holder = app[SERVICES]
    if "services" not in holder:
        from bot.services import build_services

        holder["services"] = build_services(app[SETTINGS])
    return holder["services"]


def create_app(config: Settings | None = None, rasa_url: str | None = None) -> web.Application:
    config = config or settings()
    app = web.Application(middlewares=[security_headers], client_max_size=config.max_request_bytes)
    app[SETTINGS] = config
    app[SERVICES] = {}
    app[RASA_URL] = rasa_url or config.rasa_url
    app.router.add_get("/", demo)
    app.router.add_get("/chat", chat)
    app.router.add_get("/config.js", client_config)
    app.router.add_get("/health", health)
    app.router.add_get("/health/live", alive)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/favicon.svg", favicon)
    app.router.add_get("/datenschutz", privacy)
    app.router.add_get(r"/termin/{reference:GC-B-[0-9A-Z]{5}}.ics", booking_calendar)
    app.router.add_static("/static/", STATIC_DIR, show_index=False)
    setup_dashboard(app, config.database_url, options=DashboardOptions.from_settings(config))  # /hotline/
    return app


def run() -> None:
    config = settings()
    web.run_app(create_app(config), host=config.web_host, port=config.web_port, print=None, access_log=None)
