"""Browser tests of the chat widget: real headless Chromium against the real running bot.

One stack (action server, Rasa, web server) on spare ports and its own databases, and one
Chromium, for the module; a fresh browser context (empty localStorage) for each test. Module, not
session scope: Playwright's sync API keeps an asyncio loop running while it is open, and later
tests that call asyncio.run() would fail.
"""
from __future__ import annotations

import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
INSTALL_HINT = (
    "The browser tests need Debian's Chromium and Python Playwright: "
    "`apt-get install -y chromium` and `.venv/bin/pip install playwright axe-playwright-python` "
    "(versions as in constraints.txt; do not run `playwright install`)."
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    web_url: str          # the demo page's origin (the only origin in CORS_ORIGINS)
    foreign_url: str      # the same web server under another origin (not allowed)
    rasa_url: str
    closed_url: str       # nothing listens here
    services: list


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.conftest import MODEL_PATH

    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run the tests with `make test`, which trains it first")
    base: Path = tmp_path_factory.mktemp("widget")
    var = base / "var"
    (var / "log").mkdir(parents=True)
    web, rasa, actions, closed = free_port(), free_port(), free_port(), free_port()
    endpoints = base / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{actions}/webhook"\n'
        "tracker_store:\n  type: rasa_ext.tracker_store.EnvSQLTrackerStore\n", "utf-8")
    env = {
        "GOCLUSTER_VAR_DIR": str(var), "RASA_PORT": str(rasa), "ACTIONS_PORT": str(actions),
        "WEB_PORT": str(web), "ENDPOINTS_FILE": str(endpoints),
        "DATABASE_URL": f"sqlite:///{var / 'gocluster.db'}",
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'tracker.db'}",
        "RASA_URL": f"http://127.0.0.1:{rasa}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web}",
        # Only this origin may use the bot: http://localhost:<web> serves the same pages but is
        # another origin, so it shows that foreign web sites are refused.
        "CORS_ORIGINS": f"http://127.0.0.1:{web}",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        settings.cache_clear()
        from bot.cli.serve import services
        from bot.storage.migrate import upgrade

        upgrade(env["DATABASE_URL"])
        running = services(str(MODEL_PATH))
        for service in running:
            service.start(var / "log", dict(os.environ))
        try:
            deadline = time.monotonic() + 180
            while not all(s.healthy() for s in running):
                dead = [s for s in running if s.exited()]
                if dead or time.monotonic() > deadline:
                    pytest.fail("the bot did not start:\n" + "\n".join(s.log_tail() for s in running))
                time.sleep(0.3)
            yield Stack(f"http://127.0.0.1:{web}", f"http://localhost:{web}", f"http://127.0.0.1:{rasa}",
                        f"http://127.0.0.1:{closed}", running)
        finally:
            for service in reversed(running):
                service.stop()
            settings.cache_clear()


@pytest.fixture(scope="module")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}. {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"Playwright is not installed. {INSTALL_HINT}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, stack):
    ctx = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()
