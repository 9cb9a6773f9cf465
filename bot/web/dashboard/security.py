"""Cookies, CSRF tokens and response headers of the dashboard.

- Session cookie: random token, HttpOnly, SameSite=Strict, Path=/hotline, Secure if configured.
- Logged-in forms carry the session's CSRF token (synchroniser token, stored with the session).
- The login form, which has no session yet, carries a token that must match a short-lived,
  HMAC-signed cookie (signed double submit), so no one can log a browser into another account.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Optional

from aiohttp import web

from bot.security import sign
from bot.web.dashboard.options import DashboardOptions

PREFIX = "/hotline"
SESSION_COOKIE = "hotline_session"
LOGIN_COOKIE = "hotline_login"
CSRF_FIELD = "csrf_token"
LOGIN_PURPOSE = "dashboard-login-form"

# No scripts at all on dashboard pages; styles only from this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def set_cookie(
    response: web.StreamResponse, options: DashboardOptions, name: str, value: str, max_age: Optional[int] = None
) -> None:
    response.set_cookie(
        name,
        value,
        path=PREFIX,
        httponly=True,
        samesite="Strict",
        secure=True if options.secure_cookies else None,
        max_age=max_age,
    )


def clear_cookie(response: web.StreamResponse, options: DashboardOptions, name: str) -> None:
    set_cookie(response, options, name, "", max_age=0)


def tokens_match(given: object, expected: Optional[str]) -> bool:
    """`given` is a form field as posted: anything but a non-empty text (a file, nothing) never matches."""
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# --- login form token -------------------------------------------------------------------------
def new_login_token(now: datetime, options: DashboardOptions) -> tuple:
    """(token for the form, value for the cookie)."""
    token = secrets.token_urlsafe(32)
    expires = int((now + options.login_form_lifetime).timestamp())
    payload = f"{token}.{expires}"
    return token, f"{payload}.{sign(payload, LOGIN_PURPOSE)}"


def login_token_from_cookie(cookie: Optional[str], now: datetime) -> Optional[str]:
    """The form token the cookie vouches for, or None if it is missing, forged or expired."""
    try:
        token, expires, signature = (cookie or "").split(".")
        payload = f"{token}.{expires}"
        if not hmac.compare_digest(sign(payload, LOGIN_PURPOSE), signature):
            return None
        if int(expires) <= now.timestamp():
            return None
    except ValueError:
        return None
    return token


def safe_next(target: Optional[str]) -> str:
    """Only paths inside the dashboard are followed after login (no open redirect)."""
    if (
        target
        and target.startswith(PREFIX + "/")
        and "//" not in target
        and "\\" not in target
        and not any(ch.isspace() or ord(ch) < 32 for ch in target)
    ):
        return target
    return PREFIX + "/"
