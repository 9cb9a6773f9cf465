"""The chat page server."""
from __future__ import annotations

import asyncio

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
    assert body.count("<script") == 1   # the shown snippet is escaped text, not a tag
    assert ('<script src="/static/widget/widget.js" data-server-url="http://localhost:5005" '
            'data-title="go-cluster-Assistent"') in body
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
        "https://bot.example.org/")


def test_client_config_points_to_rasa():
    status, headers, body = request("/config.js")
    assert status == 200 and '"rasaUrl": "http://localhost:5005"' in body
    assert headers["Cache-Control"] == "no-store"


def test_static_files_and_health():
    assert request("/static/chat.js")[0] == 200
    for path in ("widget.js", "widget.css", "vendor/socket.io.min.js", "vendor/socket.io-client.LICENSE"):
        assert request(f"/static/widget/{path}")[0] == 200, path
    assert request("/health")[2] == '{"status": "ok"}'
    assert request("/static/../app.py")[0] == 404
