"""Stale leads escalate: an open lead nobody has touched for N days is flagged for the supervisors, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from wattwatch.trust import audit
from wattwatch.trust.db import Database, iso, to_db
from wattwatch.trust.triage import OPEN_STATUSES


def escalate_stale(db: Database, now: datetime, days: int) -> list[str]:
    """Escalate and return (best rank first) the open leads untouched since `now - days`; each gets an event."""
    if not isinstance(days, int) or days < 1:
        raise ValueError(f"days {days!r}: must be a whole number >= 1")
    cutoff = to_db(now - timedelta(days=days))
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    where = f"status IN ({marks}) AND escalated_at IS NULL AND updated_at < ?"
    with db.write() as cur:  # no other writer until commit: the SELECT and the UPDATE see the same leads
        stale = cur.execute(f"SELECT premise_id, status, updated_at FROM leads WHERE {where} ORDER BY rank, premise_id",
                            [*OPEN_STATUSES, cutoff]).fetchall()
        cur.execute(f"UPDATE leads SET escalated_at = ? WHERE {where}", [to_db(now), *OPEN_STATUSES, cutoff])
        audit.append(cur, [
            audit.AuditEvent(audit.SYSTEM, "escalated", premise_id,
                             {"days": days, "status": status, "untouched_since": iso(updated_at)})
            for premise_id, status, updated_at in stale], now)
    return [row[0] for row in stale]
