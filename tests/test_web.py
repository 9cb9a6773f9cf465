"""The chat page server."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app


def request(path: str):
    async def go():
        async with TestClient(TestServer(create_app(rasa_url="http://localhost:5005"))) as client:
            response = await client.get(path)
            return response.status, dict(response.headers), await response.text()

    return asyncio.run(go())


def test_chat_page_is_german_and_accessible():
    status, headers, body = request("/chat")
    assert status == 200
    assert '<html lang="de">' in body
    assert 'aria-live="polite"' in body and '<label for="chat-input"' in body
    assert 'maxlength="1000"' in body


def test_demo_page_embeds_the_widget_with_one_script_tag():
    status, headers, body = request("/")
    assert status == 200 and '<html lang="de">' in body and "Demo-Seite" in body
    assert body.count("<script") == 1  # the shown snippet is escaped text, not a tag
    assert (
        '<script src="/static/widget/widget.js" data-server-url="http://localhost:5005" '
        'data-title="go-cluster-Assistent"'
    ) in body
    assert "&lt;script src=" in body and "{{" not in body


def test_security_headers_restrict_scripts_and_connections():
    for path in ("/", "/chat"):
        _, headers, _ = request(path)
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        # socket.io of the widget: HTTP long-polling first, then the WebSocket upgrade
        assert "connect-src 'self' http://localhost:5005 ws://localhost:5005;" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_websocket_url_of_the_rasa_server():
    from bot.web.app import content_security_policy, websocket_url

    assert websocket_url("https://bot.example.org/rasa") == "wss://bot.example.org/rasa"
    assert websocket_url("http://localhost:5005") == "ws://localhost:5005"
    assert "connect-src 'self' https://bot.example.org wss://bot.example.org;" in content_security_policy(
        "https://bot.example.org/"
    )


def test_client_config_points_to_rasa():
    status, headers, body = request("/config.js")
    assert status == 200 and '"rasaUrl": "http://localhost:5005"' in body
    assert headers["Cache-Control"] == "no-store"


def test_static_files_and_health():
    assert request("/static/chat.js")[0] == 200
    for path in ("widget.js", "widget.css", "vendor/socket.io.min.js", "vendor/socket.io-client.LICENSE"):
        assert request(f"/static/widget/{path}")[0] == 200, path
    assert request("/health/live")[2] == '{"status": "ok"}'
    assert request("/static/../app.py")[0] == 404


# --- request.url: the aiohttp/yarl pairing ---------------------------------------------------------
# aiohttp builds `request.url` from the Host header with yarl. aiohttp 3.9 passes "host:port" as
# yarl's `host`, which yarl >= 1.10 rejects: every request whose URL was read then ended in a 500
# "Server got itself in trouble". aiohttp reads `request.url` itself when it routes to a
# sub-application; handlers read it for absolute links and redirects. The pinned aiohttp and yarl
# must agree on it for every Host a browser or a reverse proxy sends.
# Host header sent -> (host, port) of request.url; None: the test client's own "127.0.0.1:<port>".
HOSTS = {
    None: ("127.0.0.1", None),
    "localhost:8080": ("localhost", 8080),  # `make run`, opened in a browser
    "bot.example.org": ("bot.example.org", 80),  # behind a reverse proxy (plain HTTP to us)
    "bot.example.org:8443": ("bot.example.org", 8443),
    "[::1]:8080": ("::1", 8080),
}


def request_with_host(path: str, host, extend=None):
    async def go():
        app = create_app(rasa_url="http://localhost:5005")
        if extend:
            extend(app)
        async with TestClient(TestServer(app)) as client:
            headers = {"Host": host} if host else {}
            response = await client.get(path, headers=headers, allow_redirects=False)
            return response.status, dict(response.headers), await response.text(), client.port

    return asyncio.run(go())


async def url_of_request(request: web.Request) -> web.Response:
    url = request.url
    return web.json_response({"url": str(url), "host": url.host, "port": url.port, "raw_path_qs": url.raw_path_qs})


async def pong(_request: web.Request) -> web.Response:
    return web.Response(text="pong")


def add_url_probes(app: web.Application) -> None:
    app.router.add_get("/probe/url", url_of_request)
    sub = web.Application()  # aiohttp resolves sub-applications through request.url
    sub.router.add_get("/ping", pong)
    app.add_subapp("/probe/sub/", sub)


@pytest.mark.parametrize("host", HOSTS)
def test_request_url_is_read_for_every_host_header(host):
    status, headers, body, port = request_with_host("/probe/url?q=%C3%A4&x=1", host, add_url_probes)
    assert status == 200, body  # 500 "Server got itself in trouble" if aiohttp and yarl disagree
    data = json.loads(body)
    expected_host, expected_port = HOSTS[host]
    assert (data["host"], data["port"]) == (expected_host, expected_port or port)
    assert data["raw_path_qs"] == "/probe/url?q=%C3%A4&x=1"
    assert data["url"].startswith("http://") and data["url"].endswith("/probe/url?q=%C3%A4&x=1")
    assert headers["X-Content-Type-Options"] == "nosniff"  # went through our middleware


@pytest.mark.parametrize("host", HOSTS)
def test_sub_application_routing_for_every_host_header(host):
    status, _, body, _ = request_with_host("/probe/sub/ping", host, add_url_probes)
    assert (status, body) == (200, "pong")


@pytest.mark.parametrize("host", HOSTS)
def test_dashboard_login_redirect_keeps_the_path_for_every_host_header(host):
    status, headers, _, _ = request_with_host("/hotline/termine?abgesagte=1", host)
    assert status == 303
    assert headers["Location"] == "/hotline/anmelden?next=%2Fhotline%2Ftermine%3Fabgesagte%3D1"


def test_compressed_request_bodies_are_not_inflated_past_the_size_limit():
    """CVE-2025-69223 (GHSA-6mq8-rvhq-8wgg, fixed in aiohttp 3.13.3): aiohttp inflated a compressed
    request body before checking `client_max_size`. 200 KB of gzip sent to the login form (no login
    needed) cost the server about 400 MiB with aiohttp 3.9.5; it must be refused without that."""
    import tracemalloc
    import zlib

    gzip = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"0" * (1 << 20)
    bomb = gzip.compress(b"username=") + b"".join(gzip.compress(zeros) for _ in range(200)) + gzip.flush()
    assert len(bomb) < 256 * 1024  # inflates to 200 MiB

    async def go():
        async with TestClient(TestServer(create_app(rasa_url="http://localhost:5005"))) as client:
            tracemalloc.start()
            try:
                response = await client.post(
                    "/hotline/anmelden",
                    data=bomb,
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"},
                )
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            return response.status, peak

    status, peak = asyncio.run(go())
    assert status == 413
    assert peak < 32 * 1024 * 1024, f"{peak // (1024 * 1024)} MiB allocated for a 64 KiB request limit"
