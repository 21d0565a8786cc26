"""Errors of the trust layer: each says what was refused and why, in words an analyst can act on."""

from __future__ import annotations


class TrustError(Exception):
    """Base of every refusal by the trust layer; the web layer shows the message as is."""


class PermissionDenied(TrustError):
    """The user's role may not do this (or, for four-eyes, this user may not)."""


class TriageError(TrustError):
    """The action does not fit the lead's state or lacks what it needs (a reason, a known officer, ...)."""


class AccountError(TrustError):
    """A user account cannot be created as asked (bad name, unknown role, weak password, taken name)."""
