"""Personal data (names, phones, addresses) of a lead's premises: shown only through a logged, purpose-stated view."""

from __future__ import annotations

from datetime import datetime

from wattwatch.trust import audit
from wattwatch.trust.db import Database, iso, rows_as_dicts, to_db
from wattwatch.trust.errors import TriageError
from wattwatch.trust.users import User, require_role


def log_personal_view(db: Database, user: User, premise_id: str, purpose: str, now: datetime) -> None:
    """Record who looked at a lead's personal data, when and why; refuses without a purpose."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise TriageError("state the purpose of viewing personal data (it is logged for the auditor)")
    with db.write() as cur:
        if cur.execute("SELECT 1 FROM leads WHERE premise_id = ?", [premise_id]).fetchone() is None:
            raise TriageError(f"no lead for premises {premise_id!r}")
        cur.execute("INSERT INTO personal_views VALUES (?, ?, ?, ?, ?)",
                    [to_db(now), user.username, user.role, premise_id, purpose])
        audit.append(cur, [audit.AuditEvent(user.username, "personal_data_viewed", premise_id,
                                            {"purpose": purpose, "role": user.role})], now)


def personal_data(db: Database, user: User, premise_id: str, purpose: str, now: datetime) -> list[dict]:
    """The premises register's personal fields for a lead, one dict per meter; the view is logged first."""
    log_personal_view(db, user, premise_id, purpose, now)
    with db.read() as cur:
        cur.execute("SELECT meter_id, address, account_holder, phone FROM premises WHERE premise_id = ? "
                    "ORDER BY meter_id", [premise_id])
        return rows_as_dicts(cur)


def personal_views(db: Database, viewer: User, premise_id: str | None = None,
                   username: str | None = None) -> list[dict]:
    """The log of personal-data views, newest first, optionally for one lead or one user (auditor only)."""
    require_role(viewer, "auditor", action="read the personal-data view log")
    with db.read() as cur:
        cur.execute("SELECT ts, username, role, premise_id, purpose FROM personal_views "
                    "WHERE (? IS NULL OR premise_id = ?) AND (? IS NULL OR username = ?) ORDER BY ts DESC",
                    [premise_id, premise_id, username, username])
        return [{**row, "ts": iso(row["ts"])} for row in rows_as_dicts(cur)]
