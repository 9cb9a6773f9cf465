"""The dashboard's dependencies: database, clock, options, services. One per web application."""

from __future__ import annotations

import asyncio
import functools
from datetime import date, datetime
from typing import Any, Callable, Mapping, Optional

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.clock import utc_now
from bot.config import settings
from bot.web.dashboard.options import DashboardOptions


class Dashboard:
    """Built lazily: the chat page must start even when the database is not reachable."""

    def __init__(
        self,
        database_url: Optional[str] = None,
        clock: Callable[[], datetime] = utc_now,
        options: Optional[DashboardOptions] = None,
    ) -> None:
        self.database_url = database_url
        self.clock = clock
        self.options = options or DashboardOptions.from_settings(settings())
        self._cache: dict = {}
        self._login_slots: Optional[asyncio.Semaphore] = None

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone(self.options.tz).date()

    def _once(self, name: str, build: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    @property
    def sessions(self) -> sessionmaker:
        from bot.storage.db import session_factory

        return self._once("sessions", lambda: session_factory(self.database_url))

    @property
    def limiter(self):
        """Rate limits shared with every other process on the same database."""
        from bot.ratelimit import RateLimiter
        from bot.security import secret_key

        return self._once("limiter", lambda: RateLimiter(self.sessions, secret_key(), self.now))

    @property
    def accounts(self):
        from bot.web.dashboard.accounts import StaffAccounts

        return self._once("accounts", lambda: StaffAccounts(self.sessions, self.options, self.now, self.limiter))

    @property
    def tickets(self):
        from bot.handoff.service import TicketService

        return self._once("tickets", lambda: TicketService(self.sessions, self.now))

    @property
    def bookings(self):
        from bot.booking.calendar import load_calendar_config
        from bot.booking.service import BookingService

        calendar = load_calendar_config(self.options.content_dir / "calendar.yml", self.options.timezone)
        return self._once("bookings", lambda: BookingService(self.sessions, calendar, self.now))

    @property
    def drafts(self):
        from bot.applications.service import DraftService

        return self._once("drafts", lambda: DraftService(self.sessions, self.now))

    @property
    def search(self):
        from bot.knowledge.content import load_knowledge
        from bot.web.dashboard.search import KnowledgeSearch

        return self._once("search", lambda: KnowledgeSearch(load_knowledge(self.options.content_dir)))

    @property
    def topic_labels(self) -> Mapping[str, str]:
        from bot.handoff.rules import load_config

        return load_config(self.options.content_dir / "handoff.yml").topic_labels

    @property
    def payload_labels(self):
        """What a clicked button's payload showed the user (bot/handoff/readable.py)."""
        from bot.handoff.readable import load_payload_labels

        return self._once(
            "payload_labels", lambda: load_payload_labels(self.options.content_dir, self.options.timezone)
        )

    @property
    def labels(self):
        """German labels of the stored codes (content/labels.yml), the same the chat and the staff
        commands use (bot/services.py)."""
        from bot.labels import load_labels

        return self._once("labels", lambda: load_labels(self.options.content_dir))

    @property
    def schema(self):
        from bot.applications.schema import load_schema

        return self._once("schema", lambda: load_schema(self.options.content_dir / "application.yml"))

    @property
    def login_slots(self) -> asyncio.Semaphore:
        # Password hashing is deliberately slow; at most two at a time, so a flood of login
        # attempts cannot take all worker threads from the chat page and the database.
        if self._login_slots is None:
            self._login_slots = asyncio.Semaphore(2)
        return self._login_slots

    async def call(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        """Runs blocking database work in a worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))


DASHBOARD = web.AppKey("dashboard", Dashboard)
