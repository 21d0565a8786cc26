"""Login sessions: random bearer tokens stored only as sha256, a CSRF token per session, a fixed lifetime."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from wattwatch.trust.db import Database, from_db, to_db
from wattwatch.trust.settings import TrustSettings
from wattwatch.trust.users import User


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value; only its hash is stored
    csrf_token: str  # put in every form and checked on every state-changing request
    user: User
    expires_at: datetime

    def csrf_ok(self, candidate: str | None) -> bool:
        """Constant-time check of a submitted CSRF token."""
        return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), self.csrf_token.encode())


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _csrf_for(token: str) -> str:
    # Derived from the session token, so it is per session, never stored, and useless without the token's secret.
    return hashlib.sha256(b"wattwatch-csrf:" + token.encode("utf-8")).hexdigest()


def new_session(db: Database, settings: TrustSettings, user: User, now: datetime) -> Session:
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=settings.session_hours)
    with db.write() as cur:
        cur.execute("DELETE FROM sessions WHERE expires_at <= ?", [to_db(now)])  # keep the table small
        cur.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                    [_token_hash(token), user.id, to_db(now), to_db(expires)])
    return Session(token, _csrf_for(token), user, expires)


def get_session(db: Database, token: str | None, now: datetime) -> Session | None:
    """The live session of a token; None for an unknown, ended or expired one."""
    if not token:
        return None
    with db.read() as cur:
        row = cur.execute(
            "SELECT u.id, u.username, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = ?", [_token_hash(token)]).fetchone()
    if row is None or from_db(row[3]) <= now:
        return None
    return Session(token, _csrf_for(token), User(row[0], row[1], row[2]), from_db(row[3]))


def end_session(db: Database, token: str) -> None:
    with db.write() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])
