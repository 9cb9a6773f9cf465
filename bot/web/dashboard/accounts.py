"""Staff accounts, logins limited by failures, and server-side sessions of the hotline dashboard.

The session cookie holds a random 32-byte token; the database stores only its SHA-256, so a
copy of the database does not let anyone take over a session. Failed logins are counted in the
shared rate limiter (see login_limits.py), by the name typed in, whether an account has it or not.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Callable, List, Optional, Tuple

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.clock import utc_now
from bot.ratelimit import RateLimiter
from bot.storage.db import unit_of_work
from bot.storage.models import StaffSession, StaffUser
from bot.web.dashboard import passwords
from bot.web.dashboard.login_limits import LoginAttempt, LoginGuard
from bot.web.dashboard.options import DashboardOptions

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
TOKEN_BYTES = 32
MAX_NAME_CHARS = 200  # longer input is cut before it becomes a rate-limit key


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountError(Exception):
    """A staff-account command that cannot be carried out; `message` is German."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StaffAccount:
    username: str
    created_at: datetime
    locked_until: Optional[datetime]  # by the per-account limit (attempts from all addresses)


@dataclass(frozen=True)
class StaffIdentity:
    """Who is logged in, and the token their forms must carry."""

    user_id: int
    username: str
    csrf_token: str


class LoginOutcome(Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown user or wrong password: the same answer for both
    LOCKED = "locked"  # a limit on failed logins is used up (for unknown names too)


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    token: Optional[str] = None  # the new session cookie's value
    identity: Optional[StaffIdentity] = None
    retry_after: Optional[timedelta] = None  # LOCKED: until the limit opens again


@dataclass(frozen=True)
class SessionCheck:
    identity: Optional[StaffIdentity]
    expired: bool = False  # a session existed but timed out


class StaffAccounts:
    def __init__(
        self,
        sessions: sessionmaker,
        options: Optional[DashboardOptions] = None,
        clock: Callable[[], datetime] = utc_now,
        limiter: Optional[RateLimiter] = None,
    ) -> None:
        self._sessions = sessions
        self.options = options or DashboardOptions()
        self._clock = clock
        if limiter is None:
            from bot.security import secret_key

            limiter = RateLimiter(sessions, secret_key(), clock)
        self.guard = LoginGuard(limiter, self.options.login_limits)

    def now(self) -> datetime:
        return self._clock()

    # --- accounts (command line) -----------------------------------------------------------
    def add(self, username: str, password: str) -> StaffAccount:
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise AccountError(
                "username",
                "Der Benutzername darf nur Kleinbuchstaben, Ziffern und . _ @ - "
                "enthalten und muss 2 bis 80 Zeichen lang sein.",
            )
        try:
            passwords.check_policy(password)
        except passwords.PasswordPolicyError as error:
            raise AccountError("password", str(error)) from None
        password_hash = passwords.hash_password(password)
        try:
            with unit_of_work(self._sessions) as session:
                user = StaffUser(username=name, password_hash=password_hash, created_at=self._clock())
                session.add(user)
                session.flush()
                return StaffAccount(user.username, user.created_at, None)
        except IntegrityError:
            raise AccountError("exists", f"Das Konto {name} gibt es bereits.") from None

    def list(self) -> List[StaffAccount]:
        with unit_of_work(self._sessions) as session:
            users = session.execute(select(StaffUser.username, StaffUser.created_at).order_by(StaffUser.username)).all()
        now = self._clock()
        return [StaffAccount(name, created, self._locked_until(name, now)) for name, created in users]

    def _locked_until(self, name: str, now: datetime) -> Optional[datetime]:
        wait = self.guard.account_locked_for(name)
        return now.astimezone(timezone.utc) + wait if wait is not None else None

    def remove(self, username: str) -> bool:
        with unit_of_work(self._sessions) as session:
            user = self._user(session, normalise_username(username))
            if user is None:
                return False
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            session.delete(user)
            return True

    def unlock(self, username: str) -> bool:
        """Lifts the account's lock: its per-account counter and, through a new generation, the
        per-address counters of its name. False if there is no such account."""
        name = normalise_username(username)
        with unit_of_work(self._sessions) as session:
            user = self._user(session, name)
            if user is None:
                return False
            user.unlocked_at = self._clock()
        self.guard.unlock(name)
        return True

    @staticmethod
    def _user(session, username: str) -> Optional[StaffUser]:
        return session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()

    # --- login -----------------------------------------------------------------------------
    def login(self, username: str, password: str, client: Optional[str] = None) -> LoginResult:
        """Every attempt takes the same path, whatever its fate: one read of the account (or
        none), a look at the limits, one scrypt run; only then is the outcome decided."""
        name = normalise_username(username)[:MAX_NAME_CHARS]
        user_id, password_hash, generation = self._login_record(name)
        attempt = LoginAttempt(name, client, generation)
        refused_for = self.guard.refused_for(attempt)
        correct = passwords.check_password(password, password_hash)
        if refused_for is not None:
            return LoginResult(LoginOutcome.LOCKED, retry_after=refused_for)
        if not correct:
            wait = self.guard.failed(attempt)
            if wait is not None:
                return LoginResult(LoginOutcome.LOCKED, retry_after=wait)
            return LoginResult(LoginOutcome.INVALID)
        self.guard.succeeded(attempt)
        if user_id is None:  # not reached: only an account's hash matches a password
            return LoginResult(LoginOutcome.INVALID)
        return self._open_session(user_id)

    def _login_record(self, name: str) -> Tuple[Optional[int], Optional[str], str]:
        """(id, password hash, unlock generation) of the account, or (None, None, "") without one."""
        with unit_of_work(self._sessions) as session:
            row = session.execute(
                select(StaffUser.id, StaffUser.password_hash, StaffUser.unlocked_at).where(StaffUser.username == name)
            ).one_or_none()
        if row is None:
            return None, None, ""
        user_id, password_hash, unlocked_at = row
        return user_id, password_hash, unlocked_at.isoformat() if unlocked_at else ""

    def _open_session(self, user_id: int) -> LoginResult:
        now = self._clock()
        with unit_of_work(self._sessions) as session:
            user = session.get(StaffUser, user_id)
            if user is None:  # removed while the password was checked
                return LoginResult(LoginOutcome.INVALID)
            self._delete_stale_sessions(session, now)
            token = secrets.token_urlsafe(TOKEN_BYTES)
            csrf_token = secrets.token_urlsafe(TOKEN_BYTES)
            session.add(
                StaffSession(
                    id=session_id(token), user_id=user.id, csrf_token=csrf_token, created_at=now, last_seen_at=now
                )
            )
            return LoginResult(LoginOutcome.OK, token, StaffIdentity(user.id, user.username, csrf_token))

    # --- sessions --------------------------------------------------------------------------
    def _delete_stale_sessions(self, session, now: datetime) -> None:
        session.execute(
            delete(StaffSession).where(
                or_(
                    StaffSession.last_seen_at < now - self.options.idle_timeout,
                    StaffSession.created_at < now - self.options.absolute_timeout,
                )
            )
        )

    def resume(self, token: Optional[str]) -> SessionCheck:
        """The identity behind a session cookie; refreshes the idle timer, deletes expired sessions."""
        if not token or len(token) > 200:
            return SessionCheck(None)
        now = self._clock()
        with unit_of_work(self._sessions) as session:
            row = session.get(StaffSession, session_id(token))
            if row is None:
                return SessionCheck(None)
            if (
                now - row.last_seen_at >= self.options.idle_timeout
                or now - row.created_at >= self.options.absolute_timeout
            ):
                session.delete(row)
                return SessionCheck(None, expired=True)
            user = session.get(StaffUser, row.user_id)
            if user is None:
                session.delete(row)
                return SessionCheck(None)
            row.last_seen_at = now
            return SessionCheck(StaffIdentity(user.id, user.username, row.csrf_token))

    def logout(self, token: Optional[str]) -> None:
        if not token:
            return
        with unit_of_work(self._sessions) as session:
            session.execute(delete(StaffSession).where(StaffSession.id == session_id(token)))
