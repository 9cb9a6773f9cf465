"""Staff accounts, logins with lock-out, and server-side sessions of the hotline dashboard.

The session cookie holds a random 32-byte token; the database stores only its SHA-256, so a
copy of the database does not let anyone take over a session.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Callable, List, Optional, Tuple

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.storage.db import unit_of_work
from bot.storage.models import StaffSession, StaffUser
from bot.web.dashboard import passwords
from bot.web.dashboard.options import DashboardOptions

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
TOKEN_BYTES = 32
UNKNOWN_NAMES_TRACKED = 10_000


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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
    failed_logins: int
    locked_until: Optional[datetime]


@dataclass(frozen=True)
class StaffIdentity:
    """Who is logged in, and the token their forms must carry."""
    user_id: int
    username: str
    csrf_token: str


class LoginOutcome(Enum):
    OK = "ok"
    INVALID = "invalid"      # unknown user or wrong password: the same answer for both
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    token: Optional[str] = None              # the new session cookie's value
    identity: Optional[StaffIdentity] = None


@dataclass(frozen=True)
class SessionCheck:
    identity: Optional[StaffIdentity]
    expired: bool = False                    # a session existed but timed out


class StaffAccounts:
    def __init__(self, sessions: sessionmaker, options: Optional[DashboardOptions] = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessions
        self.options = options or DashboardOptions()
        self._clock = clock
        # Failed attempts on names that have no account, so that they get locked out like real
        # ones (otherwise the lock-out notice would reveal which names exist). In memory only:
        # nobody can log in with such a name anyway.
        self._unknown: "OrderedDict[str, Tuple[int, Optional[datetime]]]" = OrderedDict()
        self._unknown_lock = threading.Lock()

    def now(self) -> datetime:
        return self._clock()

    # --- accounts (command line) -----------------------------------------------------------
    def add(self, username: str, password: str) -> StaffAccount:
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise AccountError("username", "Der Benutzername darf nur Kleinbuchstaben, Ziffern und . _ @ - "
                                           "enthalten und muss 2 bis 80 Zeichen lang sein.")
        try:
            passwords.check_policy(password)
        except passwords.PasswordPolicyError as error:
            raise AccountError("password", str(error)) from None
        password_hash = passwords.hash_password(password)
        try:
            with unit_of_work(self._sessions) as session:
                user = StaffUser(username=name, password_hash=password_hash, failed_logins=0,
                                 created_at=self._clock())
                session.add(user)
                session.flush()
                return self._account(user)
        except IntegrityError:
            raise AccountError("exists", f"Das Konto {name} gibt es bereits.") from None

    def list(self) -> List[StaffAccount]:
        with unit_of_work(self._sessions) as session:
            users = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
            return [self._account(user) for user in users]

    def remove(self, username: str) -> bool:
        with unit_of_work(self._sessions) as session:
            user = self._user(session, normalise_username(username))
            if user is None:
                return False
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            session.delete(user)
            return True

    @staticmethod
    def _account(user: StaffUser) -> StaffAccount:
        return StaffAccount(user.username, user.created_at, user.failed_logins, user.locked_until)

    @staticmethod
    def _user(session, username: str, for_update: bool = False) -> Optional[StaffUser]:
        query = select(StaffUser).where(StaffUser.username == username)
        if for_update:
            query = query.with_for_update()
        return session.execute(query).scalar_one_or_none()

    # --- login -----------------------------------------------------------------------------
    def login(self, username: str, password: str) -> LoginResult:
        now = self._clock()
        name = normalise_username(username)
        with unit_of_work(self._sessions) as session:
            user = self._user(session, name) if name else None
            snapshot = (user.id, user.password_hash, user.locked_until) if user else None
        if snapshot is None:
            passwords.burn_time()
            return LoginResult(self._unknown_name_failed(name, now))
        user_id, password_hash, locked_until = snapshot
        if locked_until is not None and locked_until > now:
            return LoginResult(LoginOutcome.LOCKED)
        # The slow hash runs outside the transaction; the counters are re-read under lock below.
        correct = passwords.verify_password(password, password_hash)
        with unit_of_work(self._sessions) as session:
            user = session.execute(select(StaffUser).where(StaffUser.id == user_id).with_for_update()
                                   ).scalar_one_or_none()
            if user is None:
                return LoginResult(LoginOutcome.INVALID)
            if user.locked_until is not None and user.locked_until > now:
                return LoginResult(LoginOutcome.LOCKED)
            if not correct:
                user.failed_logins = (user.failed_logins or 0) + 1
                if user.failed_logins >= self.options.max_failed_logins:
                    # Locked; after the lock-out the account gets the full number of attempts again.
                    user.locked_until = now + self.options.lockout
                    user.failed_logins = 0
                    return LoginResult(LoginOutcome.LOCKED)
                return LoginResult(LoginOutcome.INVALID)
            user.failed_logins = 0
            user.locked_until = None
            self._delete_stale_sessions(session, now)
            token = secrets.token_urlsafe(TOKEN_BYTES)
            csrf_token = secrets.token_urlsafe(TOKEN_BYTES)
            session.add(StaffSession(id=session_id(token), user_id=user.id, csrf_token=csrf_token,
                                     created_at=now, last_seen_at=now))
            return LoginResult(LoginOutcome.OK, token, StaffIdentity(user.id, user.username, csrf_token))

    def _unknown_name_failed(self, name: str, now: datetime) -> LoginOutcome:
        with self._unknown_lock:
            count, locked_until = self._unknown.pop(name, (0, None))
            if locked_until is not None and locked_until > now:
                outcome = LoginOutcome.LOCKED
            else:
                count = count + 1 if locked_until is None else 1
                locked_until = None
                outcome = LoginOutcome.INVALID
                if count >= self.options.max_failed_logins:
                    count, locked_until, outcome = 0, now + self.options.lockout, LoginOutcome.LOCKED
            self._unknown[name] = (count, locked_until)
            while len(self._unknown) > UNKNOWN_NAMES_TRACKED:
                self._unknown.popitem(last=False)
        return outcome

    # --- sessions --------------------------------------------------------------------------
    def _delete_stale_sessions(self, session, now: datetime) -> None:
        session.execute(delete(StaffSession).where(or_(
            StaffSession.last_seen_at < now - self.options.idle_timeout,
            StaffSession.created_at < now - self.options.absolute_timeout)))

    def resume(self, token: Optional[str]) -> SessionCheck:
        """The identity behind a session cookie; refreshes the idle timer, deletes expired sessions."""
        if not token or len(token) > 200:
            return SessionCheck(None)
        now = self._clock()
        with unit_of_work(self._sessions) as session:
            row = session.get(StaffSession, session_id(token))
            if row is None:
                return SessionCheck(None)
            if (now - row.last_seen_at >= self.options.idle_timeout
                    or now - row.created_at >= self.options.absolute_timeout):
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
