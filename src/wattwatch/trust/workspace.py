"""The trust layer's one entry point: a Workspace over the database, used by the web layer and the CLI.

Every method takes its time from the workspace's clock (UTC), so tests can move time without sleeping.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from wattwatch.trust import audit, dismissal_stats, escalation, lead_import, lead_query, outcome_export, personal
from wattwatch.trust import sessions, triage, users
from wattwatch.trust.db import Clock, Database, utc_now
from wattwatch.trust.settings import TrustSettings
from wattwatch.trust.users import User


class Workspace:
    def __init__(self, db: Database, settings: TrustSettings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    @classmethod
    def open(cls, db_path: Path, settings: TrustSettings | None = None, clock: Clock = utc_now) -> "Workspace":
        """Open (creating the tables if needed) the database file shared with the store."""
        return cls(Database(Path(db_path)), settings or TrustSettings(), clock)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # accounts and sessions
    def create_user(self, username: str, role: str, password: str, actor: str = audit.SYSTEM) -> User:
        return users.create_user(self.db, self.settings, username, role, password, self.clock(), actor)

    def authenticate(self, username: str, password: str) -> User | None:
        return users.authenticate(self.db, self.settings, username, password, self.clock())

    def user(self, username: str) -> User | None:
        return users.get_user(self.db, username)

    def users(self) -> list[User]:
        return users.list_users(self.db)

    def new_session(self, user: User) -> sessions.Session:
        return sessions.new_session(self.db, self.settings, user, self.clock())

    def session(self, token: str | None) -> sessions.Session | None:
        return sessions.get_session(self.db, token, self.clock())

    def end_session(self, token: str) -> None:
        sessions.end_session(self.db, token)

    # leads
    def import_leads(self, leads_csv: Path, scan_id: str | None = None, actor: str = audit.SYSTEM) -> int:
        return lead_import.import_leads(self.db, Path(leads_csv), scan_id, self.clock(), actor)

    def list_leads(self, query: lead_query.LeadQuery | None = None) -> lead_query.LeadPage:
        return lead_query.list_leads(self.db, query or lead_query.LeadQuery())

    def lead(self, premise_id: str) -> dict | None:
        return lead_query.get_lead(self.db, premise_id)

    def facets(self) -> dict[str, list[str]]:
        return lead_query.facets(self.db, triage.STATUSES)

    # triage
    def assign(self, premise_id: str, officer_username: str, by: User) -> None:
        triage.assign(self.db, premise_id, officer_username, by, self.clock())

    def record_outcome(self, premise_id: str, outcome: str, notes: str, by: User) -> None:
        triage.record_outcome(self.db, premise_id, outcome, notes, by, self.clock())

    def request_dismissal(self, premise_id: str, reason: str, by: User) -> None:
        triage.request_dismissal(self.db, premise_id, reason, by, self.clock())

    def confirm_dismissal(self, premise_id: str, by: User, note: str = "") -> None:
        triage.confirm_dismissal(self.db, premise_id, by, self.clock(), note)

    def reject_dismissal(self, premise_id: str, by: User, note: str = "") -> None:
        triage.reject_dismissal(self.db, premise_id, by, self.clock(), note)

    def escalate_stale(self, now: datetime | None = None, days: int | None = None) -> list[str]:
        """Escalate open leads untouched for `days` (default: the escalation_days setting) as of `now`."""
        days = self.settings.escalation_days if days is None else days
        return escalation.escalate_stale(self.db, self.clock() if now is None else now, days)

    def history(self, premise_id: str) -> list[dict]:
        return audit.history(self.db, premise_id)

    def export_outcomes_csv(self, path: Path) -> int:
        return outcome_export.export_outcomes_csv(self.db, Path(path))

    # personal data
    def log_personal_view(self, user: User, premise_id: str, purpose: str) -> None:
        personal.log_personal_view(self.db, user, premise_id, purpose, self.clock())

    def personal_data(self, user: User, premise_id: str, purpose: str) -> list[dict]:
        return personal.personal_data(self.db, user, premise_id, purpose, self.clock())

    def personal_views(self, *, viewer: User, premise_id: str | None = None,
                       username: str | None = None) -> list[dict]:
        return personal.personal_views(self.db, viewer, premise_id, username)

    # auditor
    def dismissal_rates(self, by: str = "officer", *, viewer: User) -> list[dict]:
        return dismissal_stats.dismissal_rates(self.db, self.settings, by, viewer)

    def audit_verify(self, anchor: audit.Anchor | Path | None = None) -> audit.AuditReport:
        if anchor is not None and not isinstance(anchor, audit.Anchor):
            anchor = audit.Anchor.load(Path(anchor))
        return audit.verify(self.db, anchor)

    def audit_entries(self, *, viewer: User, actor: str | None = None, action: str | None = None,
                      premise_id: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
        """A page of the audit log, newest first (auditor only)."""
        users.require_role(viewer, "auditor", action="browse the audit log")
        return audit.entries(self.db, actor, action, premise_id, limit, offset)

    def audit_anchor(self) -> audit.Anchor | None:
        """The chain's head now; save it outside the database to detect a cut-off or rewritten log later."""
        with self.db.read() as cur:
            return audit.head(cur)
