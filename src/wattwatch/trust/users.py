"""Accounts and roles: argon2id password hashes, constant-time failures, lockout after repeated wrong passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wattwatch.trust import audit
from wattwatch.trust.db import Database, from_db, to_db
from wattwatch.trust.errors import AccountError, PermissionDenied
from wattwatch.trust.settings import TrustSettings

ROLES = ("analyst", "supervisor", "auditor")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


@cache
def _dummy_hash() -> str:
    """Unknown users are checked against this hash so that a wrong name costs as long as a wrong password."""
    return _hasher.hash("no user has this password")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str


def require_role(user: User, *roles: str, action: str) -> None:
    if user.role not in roles:
        raise PermissionDenied(f"{user.username} ({user.role}) may not {action}: only {' or '.join(roles)} may")


def create_user(db: Database, settings: TrustSettings, username: str, role: str, password: str, now: datetime,
                actor: str = audit.SYSTEM) -> User:
    if not USERNAME.match(username):
        raise AccountError(f"username {username!r}: use 2-64 lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    if len(password) < settings.min_password_length:
        raise AccountError(f"password too short: at least {settings.min_password_length} characters")
    password_hash = _hasher.hash(password)  # slow on purpose: outside the write lock
    with db.write() as cur:
        if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"username {username!r} is taken")
        user_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        cur.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?, 0, NULL)",
                    [user_id, username, role, password_hash, to_db(now)])
        audit.append(cur, [audit.AuditEvent(actor, "user_created", None, {"username": username, "role": role})], now)
    return User(user_id, username, role)


def authenticate(db: Database, settings: TrustSettings, username: str, password: str, now: datetime) -> User | None:
    """The user when the password is right and the account not locked; None otherwise (no hint which)."""
    with db.read() as cur:
        row = cur.execute("SELECT id, role, password_hash, locked_until FROM users WHERE username = ?",
                          [username]).fetchone()
    if row is None:
        _matches(_dummy_hash(), password)
        return None
    user_id, role, password_hash, locked_until = row
    right = _matches(password_hash, password)  # checked even while locked: the time taken says nothing
    locked = locked_until is not None and from_db(locked_until) > now
    with db.write() as cur:
        if right and not locked:
            cur.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", [user_id])
            if _hasher.check_needs_rehash(password_hash):
                cur.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), user_id])
            return User(user_id, username, role)
        if not locked:
            _count_failure(cur, settings, user_id, username, now)
    return None


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(cur, settings: TrustSettings, user_id: int, username: str, now: datetime) -> None:
    failed = cur.execute("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins",
                         [user_id]).fetchone()[0]
    if failed >= settings.max_failed_logins:
        until = now + timedelta(minutes=settings.lockout_minutes)
        cur.execute("UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", [to_db(until), user_id])
        audit.append(cur, [audit.AuditEvent(audit.SYSTEM, "user_locked", None,
                                            {"username": username, "failed_logins": failed,
                                             "until": until.isoformat()})], now)


def get_user(db: Database, username: str) -> User | None:
    with db.read() as cur:
        row = cur.execute("SELECT id, username, role FROM users WHERE username = ?", [username]).fetchone()
    return None if row is None else User(*row)


def list_users(db: Database) -> list[User]:
    with db.read() as cur:
        return [User(*row) for row in cur.execute("SELECT id, username, role FROM users ORDER BY username").fetchall()]
