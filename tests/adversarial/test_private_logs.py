"""No log line contains what a user typed, an e-mail address or a phone number: messages with all
three go through every chat path of the running servers, including malformed payloads, forms,
oversized input and an action server that is down; then every log file is searched."""

from __future__ import annotations

import asyncio
import json
import os
import time

from tests.stack import http

SENTENCE = "Zitronenfalter flattern über Quedlinburg"
EMAIL = "erika.privat@example.org"
PHONE = "0171 5550199"
NAME = "Erika Mustermann-Zitrone"
SECRETS = (SENTENCE, "Zitronenfalter", "Quedlinburg", EMAIL, "erika.privat", "5550199", "Mustermann-Zitrone")


def _socketio_conversation(url: str, origin: str, messages: list) -> list:
    import socketio

    async def talk() -> list:
        client = socketio.AsyncClient()
        replies, confirmed = [], asyncio.Event()
        client.on("session_confirm", lambda token: confirmed.set())
        client.on("bot_uttered", lambda message: replies.append(message))
        await client.connect(url, socketio_path="/socket.io", transports=["polling"], headers={"Origin": origin})
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 30)
        for text in messages:
            count = len(replies)
            await client.emit("user_uttered", {"message": text, "session_id": EMAIL})
            for _ in range(300):
                if len(replies) > count:
                    break
                await asyncio.sleep(0.1)
        await client.disconnect()
        return replies

    return asyncio.run(talk())


def test_nothing_a_user_typed_reaches_a_log(running_bot):
    bot = running_bot
    # REST: questions, payload-shaped text, a malformed payload, JSON, markup, too long.
    for text in (
        f"{SENTENCE}? Meine Mail ist {EMAIL}, Tel {PHONE}",
        f"/affirm meine Mail ist {EMAIL} Tel {PHONE} {SENTENCE}",
        f'/greet{{"name": "{NAME}", "mail": "{EMAIL}"',
        f'/ask_glossary{{"glossary_term": "{SENTENCE}"}}',
        f'{{"text": "{SENTENCE}", "email": "{EMAIL}"}}',
        f"<script>{SENTENCE}</script>{EMAIL}",
        (SENTENCE + " ") * 200,
    ):
        assert bot.say("rest-user", text)[0] == 200
    # Forms: booking until the summary, hand-off until the ticket.
    sender = "booker"
    bot.text(sender, "Ich möchte einen Beratungstermin vereinbaren")
    bot.text(sender, "Telefon")
    offer = bot.say(sender, "nächste Woche vormittags")[1]
    slot = next(b["payload"] for r in offer for b in r.get("buttons") or [])
    for answer in (slot, "ja", NAME, f"{SENTENCE} GmbH", f"Cluster {SENTENCE}", EMAIL, PHONE, "/affirm"):
        bot.text(sender, answer)
    for answer in (
        "Ich möchte mit einem Menschen sprechen",
        "/affirm",
        NAME,
        EMAIL,
        "morgen vormittag",
        f"{SENTENCE}, bitte Rückruf unter {PHONE}",
    ):
        bot.text("handoff-user", answer)
    # socket.io, claiming someone else's session in every message.
    assert _socketio_conversation(bot.rasa_url, bot.web_url, [f"{SENTENCE} {EMAIL} {PHONE}", "/affirm " + EMAIL])
    # Failure paths: the action server down, then back.
    actions = bot.service("actions")
    actions.stop()
    try:
        for text in (f"Was ist {SENTENCE}? {EMAIL} {PHONE}", f"/affirm {EMAIL}"):
            status, replies = bot.say("while-down", text)
            assert status == 200
    finally:
        actions.start(bot.var / "log", dict(os.environ))  # the module's stack settings are set
        deadline = time.monotonic() + 60
        while not actions.healthy() and time.monotonic() < deadline:
            time.sleep(0.3)
    # Malformed requests at every door.
    http(
        f"{bot.rasa_url}/webhooks/rest/webhook",
        json.dumps({"sender": EMAIL, "message": SENTENCE}).encode(),
        {"Content-Type": "application/json"},
    )
    http(
        f"{bot.rasa_url}/webhooks/rest/webhook", f"{{{SENTENCE} {EMAIL}".encode(), {"Content-Type": "application/json"}
    )
    http(
        f"{bot.actions_url}/webhook",
        json.dumps({"tracker": {"latest_message": {"text": SENTENCE}}}).encode(),
        {"Content-Type": "application/json"},
    )
    time.sleep(1)  # let the servers flush their logs

    logs = bot.logs()
    assert logs.strip(), "the servers wrote no logs at all: the search would prove nothing"
    leaked = [secret for secret in SECRETS if secret in logs]
    assert not leaked, f"found in the logs: {leaked}"
