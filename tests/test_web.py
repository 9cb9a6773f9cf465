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
    status, headers, body = request("/")
    assert status == 200
    assert '<html lang="de">' in body
    assert 'aria-live="polite"' in body and '<label for="chat-input"' in body
    assert 'maxlength="1000"' in body


def test_security_headers_restrict_scripts_and_connections():
    _, headers, _ = request("/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self' http://localhost:5005" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_client_config_points_to_rasa():
    status, headers, body = request("/config.js")
    assert status == 200 and '"rasaUrl": "http://localhost:5005"' in body
    assert headers["Cache-Control"] == "no-store"


def test_static_files_and_health():
    assert request("/static/chat.js")[0] == 200
    assert request("/health")[2] == '{"status": "ok"}'
    assert request("/static/../app.py")[0] == 404
