"""What one load did: the counts the CLI prints and the tests check (rows_read = accepted + rejected)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadSummary:
    file: str
    kind: str
    load_id: int | None
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    by_reason: dict[str, int] = field(default_factory=dict)
    already_loaded: bool = False
