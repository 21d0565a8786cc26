"""Triage of a lead: assignment, inspection outcomes and four-eyes dismissal, each checked and audited.

Every action runs in one write transaction with its audit event, so the log and the tables never disagree.
"""

from __future__ import annotations

from datetime import datetime

from wattwatch.trust import audit
from wattwatch.trust.db import Database, to_db
from wattwatch.trust.errors import PermissionDenied, TriageError
from wattwatch.trust.users import User, require_role

STATUSES = ("new", "assigned", "dismissal_requested", "dismissed", "inspected")
OPEN_STATUSES = ("new", "assigned", "dismissal_requested")  # waiting for someone; these can go stale
OUTCOMES = ("confirmed_grow", "theft", "legitimate", "no_access")
WORKERS = ("analyst", "supervisor")  # the roles that work leads; auditors only look


def _status(cur, premise_id: str) -> str:
    row = cur.execute("SELECT status FROM leads WHERE premise_id = ?", [premise_id]).fetchone()
    if row is None:
        raise TriageError(f"no lead for premises {premise_id!r}")
    return row[0]


def _touch(cur, premise_id: str, now: datetime, **columns) -> None:
    """Set columns (names from this module only, values bound) and mark the lead touched and no longer stale."""
    sets = "".join(f"{name} = ?, " for name in columns)
    cur.execute(f"UPDATE leads SET {sets}updated_at = ?, escalated_at = NULL WHERE premise_id = ?",
                [*columns.values(), to_db(now), premise_id])


def _event(cur, by: User, action: str, premise_id: str, payload: dict, now: datetime) -> None:
    audit.append(cur, [audit.AuditEvent(by.username, action, premise_id, payload)], now)


def _refuse_unless_open(premise_id: str, status: str, action: str) -> None:
    if status == "dismissal_requested":
        raise TriageError(f"lead {premise_id} has a dismissal pending: a supervisor must confirm or reject it "
                          f"before it can be {action}")
    if status == "dismissed":
        raise TriageError(f"lead {premise_id} was dismissed: it cannot be {action}")


def assign(db: Database, premise_id: str, officer_username: str, by: User, now: datetime) -> None:
    require_role(by, "supervisor", action="assign leads")
    with db.write() as cur:
        status = _status(cur, premise_id)
        _refuse_unless_open(premise_id, status, "assigned")
        if status == "inspected":
            raise TriageError(f"lead {premise_id} was already inspected: it cannot be assigned")
        officer = cur.execute("SELECT role FROM users WHERE username = ?", [officer_username]).fetchone()
        if officer is None or officer[0] not in WORKERS:
            raise TriageError(f"{officer_username!r} is not an analyst or supervisor account: leads go to officers "
                              "with an account, so that their decisions can be audited")
        previous = cur.execute("SELECT assignee FROM leads WHERE premise_id = ?", [premise_id]).fetchone()[0]
        _touch(cur, premise_id, now, assignee=officer_username, status="assigned")
        _event(cur, by, "assigned", premise_id, {"officer": officer_username, "previous": previous}, now)


def record_outcome(db: Database, premise_id: str, outcome: str, notes: str, by: User, now: datetime) -> None:
    require_role(by, *WORKERS, action="record inspection outcomes")
    if outcome not in OUTCOMES:
        raise TriageError(f"outcome {outcome!r}: must be one of {', '.join(OUTCOMES)}")
    notes = (notes or "").strip()
    if outcome == "legitimate" and not notes:
        raise TriageError("a 'legitimate' outcome needs the reason in the notes (what explains the consumption)")
    with db.write() as cur:
        _refuse_unless_open(premise_id, _status(cur, premise_id), "given an outcome")
        previous = cur.execute("SELECT outcome FROM leads WHERE premise_id = ?", [premise_id]).fetchone()[0]
        cur.execute("INSERT INTO outcomes VALUES (?, ?, ?, ?, ?)",
                    [premise_id, outcome, notes, by.username, to_db(now)])
        _touch(cur, premise_id, now, status="inspected", outcome=outcome, closed_by=by.username)
        _event(cur, by, "outcome_recorded", premise_id, {"outcome": outcome, "notes": notes, "previous": previous}, now)


def request_dismissal(db: Database, premise_id: str, reason: str, by: User, now: datetime) -> None:
    require_role(by, *WORKERS, action="request dismissals")
    reason = (reason or "").strip()
    if not reason:
        raise TriageError("a dismissal needs a reason")
    with db.write() as cur:
        status = _status(cur, premise_id)
        _refuse_unless_open(premise_id, status, "dismissed again")
        if status == "inspected":
            raise TriageError(f"lead {premise_id} was inspected: its outcome stands, a dismissal does not apply")
        cur.execute("INSERT INTO dismissals VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
                    [premise_id, reason, by.username, to_db(now), status])
        _touch(cur, premise_id, now, status="dismissal_requested")
        _event(cur, by, "dismissal_requested", premise_id, {"reason": reason}, now)


def _pending(cur, premise_id: str) -> tuple[str, str, str]:
    """(requested_by, reason, status_before) of the lead's pending dismissal."""
    _status(cur, premise_id)
    row = cur.execute("SELECT requested_by, reason, status_before FROM dismissals "
                      "WHERE premise_id = ? AND decision IS NULL", [premise_id]).fetchone()
    if row is None:
        raise TriageError(f"lead {premise_id} has no dismissal pending")
    return row


def _decide(cur, premise_id: str, decision: str, by: User, note: str, now: datetime) -> None:
    cur.execute("UPDATE dismissals SET decision = ?, decided_by = ?, decided_at = ?, decision_note = ? "
                "WHERE premise_id = ? AND decision IS NULL", [decision, by.username, to_db(now), note, premise_id])


def confirm_dismissal(db: Database, premise_id: str, by: User, now: datetime, note: str = "") -> None:
    """Four-eyes: a supervisor other than the requester confirms; the lead is then closed as dismissed."""
    require_role(by, "supervisor", action="confirm dismissals")
    with db.write() as cur:
        requested_by, reason, _ = _pending(cur, premise_id)
        if requested_by == by.username:
            raise PermissionDenied(f"four-eyes rule: {by.username} requested this dismissal, so another "
                                   "supervisor must confirm it")
        _decide(cur, premise_id, "confirmed", by, note.strip(), now)
        _touch(cur, premise_id, now, status="dismissed", outcome="dismissed", closed_by=requested_by)
        _event(cur, by, "dismissal_confirmed", premise_id,
               {"requested_by": requested_by, "reason": reason, "note": note.strip()}, now)


def reject_dismissal(db: Database, premise_id: str, by: User, now: datetime, note: str = "") -> None:
    """A supervisor keeps the lead alive; it goes back to the state it had before the request."""
    require_role(by, "supervisor", action="reject dismissals")
    with db.write() as cur:
        requested_by, _, status_before = _pending(cur, premise_id)
        _decide(cur, premise_id, "rejected", by, note.strip(), now)
        _touch(cur, premise_id, now, status=status_before)
        _event(cur, by, "dismissal_rejected", premise_id, {"requested_by": requested_by, "note": note.strip()}, now)
