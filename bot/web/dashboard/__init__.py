"""Hotline dashboard at /hotline/: tickets, bookings, draft applications, statistics,
unanswered questions and a knowledge search for the go-cluster team (login required)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from aiohttp import web

from bot.clock import utc_now
from bot.web.dashboard.context import DASHBOARD, Dashboard
from bot.web.dashboard.options import DashboardOptions

__all__ = ["DASHBOARD", "Dashboard", "DashboardOptions", "setup_dashboard"]


def setup_dashboard(
    app: web.Application,
    database_url: Optional[str] = None,
    clock: Optional[Callable[[], datetime]] = None,
    options: Optional[DashboardOptions] = None,
) -> Dashboard:
    """Mounts the dashboard's routes; replace `app[DASHBOARD]` before start-up to use another
    database or clock (tests do)."""
    from bot.web.dashboard.views import add_routes

    dashboard = Dashboard(database_url, clock or utc_now, options)
    app[DASHBOARD] = dashboard
    add_routes(app)
    return dashboard
