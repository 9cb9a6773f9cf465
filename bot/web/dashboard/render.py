"""Jinja2 templates of the dashboard (autoescaped) and German formatting helpers."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.web.dashboard.security import PAGE_HEADERS

TEMPLATES = Path(__file__).parent / "templates"


def local_time(moment: Optional[datetime], tz: ZoneInfo, with_time: bool = True) -> str:
    if moment is None:
        return "–"
    local = moment.astimezone(tz)
    return f"{local:%d.%m.%Y, %H:%M} Uhr" if with_time else f"{local:%d.%m.%Y}"


def german_date(day: Optional[date]) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def parse_iso_time(text: str) -> Optional[datetime]:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["german_date"] = german_date
    return env


def render(template: str, status: int = 200, **context: Any) -> web.Response:
    body = environment().get_template(template).render(**context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=dict(PAGE_HEADERS))
