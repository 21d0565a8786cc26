"""The trust layer of the analysts' dashboard: accounts, sessions, lead triage, personal-data views and audit.

The web layer and the CLI use only what is exported here; `docs/trust.md` explains roles, four-eyes and the audit
chain for people.
"""

from wattwatch.trust.audit import Anchor, AuditReport
from wattwatch.trust.errors import AccountError, PermissionDenied, TriageError, TrustError
from wattwatch.trust.lead_query import SORTS, LeadPage, LeadQuery
from wattwatch.trust.sessions import Session
from wattwatch.trust.settings import TrustSettings
from wattwatch.trust.triage import OUTCOMES, STATUSES
from wattwatch.trust.users import ROLES, User
from wattwatch.trust.workspace import Workspace

__all__ = [
    "ROLES", "OUTCOMES", "STATUSES", "SORTS", "Workspace", "User", "Session", "LeadQuery", "LeadPage", "Anchor",
    "AuditReport", "TrustSettings", "TrustError", "PermissionDenied", "TriageError", "AccountError",
]
