"""Accounts, roles, argon2 hashes, lockout, sessions and CSRF tokens."""

from __future__ import annotations

import hashlib

import pytest
from helpers_trust import PASSWORD, team, trust_template  # noqa: F401 (fixtures)

from wattwatch.trust import ROLES, AccountError, TrustSettings


def test_each_role_logs_in_with_its_password_and_not_without(team):
    for name, role in (("ana", "analyst"), ("sara", "supervisor"), ("aud", "auditor")):
        user = team.ws.authenticate(name, PASSWORD)
        assert user is not None and user.username == name and user.role == role
        assert team.ws.authenticate(name, PASSWORD + "x") is None
        assert team.ws.authenticate(name, "") is None
    assert team.ws.authenticate("nobody", PASSWORD) is None
    assert {u.role for u in team.ws.users()} == set(ROLES)


def test_password_is_stored_as_argon2id_not_as_itself(team):
    with team.ws.db.read() as cur:
        stored = cur.execute("SELECT password_hash FROM users WHERE username = 'ana'").fetchone()[0]
        everything = str(cur.execute("SELECT * FROM users").fetchall())
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in everything


def test_the_same_password_hashes_differently_per_user(team):
    with team.ws.db.read() as cur:
        hashes = [r[0] for r in cur.execute("SELECT password_hash FROM users").fetchall()]
    assert len(set(hashes)) == len(hashes)  # salted


@pytest.mark.parametrize("username, role, password, message", [
    ("Bad Name", "analyst", PASSWORD, "username"),
    ("x", "analyst", PASSWORD, "username"),
    ("newbie", "admin", PASSWORD, "role"),
    ("newbie", "analyst", "short", "too short"),
    ("ana", "analyst", PASSWORD, "taken"),
])
def test_bad_accounts_are_refused_with_the_reason(team, username, role, password, message):
    before = len(team.ws.users())
    with pytest.raises(AccountError, match=message):
        team.ws.create_user(username, role, password)
    assert len(team.ws.users()) == before


def test_repeated_wrong_passwords_lock_the_account_for_a_while(team):
    limit = TrustSettings().max_failed_logins
    for _ in range(limit):
        assert team.ws.authenticate("andi", "wrong password!") is None
    assert team.ws.authenticate("andi", PASSWORD) is None  # locked: even the right password fails
    assert team.ws.authenticate("ana", PASSWORD) is not None  # other accounts are not affected
    team.clock.advance(minutes=TrustSettings().lockout_minutes + 1)
    assert team.ws.authenticate("andi", PASSWORD) is not None
    with team.ws.db.read() as cur:
        actions = [a for (a,) in cur.execute("SELECT action FROM audit_log").fetchall()]
    assert "user_locked" in actions


def test_a_success_resets_the_failure_count(team):
    limit = TrustSettings().max_failed_logins
    for _ in range(limit - 1):
        team.ws.authenticate("andi", "wrong password!")
    assert team.ws.authenticate("andi", PASSWORD) is not None
    for _ in range(limit - 1):
        team.ws.authenticate("andi", "wrong password!")
    assert team.ws.authenticate("andi", PASSWORD) is not None


def test_session_lives_until_it_expires_or_ends(team):
    session = team.ws.new_session(team.ana)
    assert team.ws.session(session.token).user == team.ana
    team.clock.advance(hours=TrustSettings().session_hours - 0.01)
    assert team.ws.session(session.token) is not None
    team.clock.advance(hours=0.02)
    assert team.ws.session(session.token) is None
    other = team.ws.new_session(team.ana)
    team.ws.end_session(other.token)
    assert team.ws.session(other.token) is None


def test_unknown_or_empty_tokens_have_no_session(team):
    team.ws.new_session(team.ana)
    for token in ("", None, "x", "' OR 1=1 --"):
        assert team.ws.session(token) is None


def test_tokens_are_stored_only_as_hashes(team):
    session = team.ws.new_session(team.sara)
    with team.ws.db.read() as cur:
        stored = str(cur.execute("SELECT * FROM sessions").fetchall())
    assert session.token not in stored and session.csrf_token not in stored
    assert hashlib.sha256(session.token.encode()).hexdigest() in stored


def test_csrf_token_is_per_session_and_checked(team):
    first, second = team.ws.new_session(team.ana), team.ws.new_session(team.ana)
    assert first.token != second.token and first.csrf_token != second.csrf_token
    again = team.ws.session(first.token)
    assert again.csrf_token == first.csrf_token  # stable for the session's life
    assert again.csrf_ok(first.csrf_token)
    assert not again.csrf_ok(second.csrf_token)
    assert not again.csrf_ok("")
    assert not again.csrf_ok(None)
    assert not again.csrf_ok(b"bytes")  # a malformed form value is a failed check, not a crash
