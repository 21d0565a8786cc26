"""Trust-layer settings (accounts, sessions, escalation, auditor statistics), declared once with help text."""

from __future__ import annotations

from dataclasses import dataclass

from wattwatch.settings import JsonSettings, setting


@dataclass(frozen=True)
class TrustSettings(JsonSettings):
    session_hours: float = setting(8.0, "A login session ends this many hours after it started (one working day).")
    escalation_days: int = setting(
        14, "An open lead that nobody has touched for this many days escalates to the supervisors.")
    max_failed_logins: int = setting(
        5, "After this many wrong passwords in a row an account is locked for `lockout_minutes`.")
    lockout_minutes: float = setting(15.0, "How long an account stays locked after too many wrong passwords.")
    min_password_length: int = setting(12, "Shortest password accepted for a new account.")
    min_decisions: int = setting(
        5, "An officer or district needs at least this many closed leads before its dismissal rate is flagged.")
    outlier_z: float = setting(
        3.5, "A dismissal rate whose robust z against its peers is at least this high is flagged for the auditor.")
