"""Every closing decision as CSV: inspection outcomes (with corrections) and confirmed dismissals."""

from __future__ import annotations

import csv
from pathlib import Path

from wattwatch.trust.db import Database, iso

COLUMNS = ("premise_id", "rank", "score", "city", "district", "category", "outcome", "notes", "recorded_by",
           "confirmed_by", "recorded_at")

_DECISIONS = """
SELECT o.premise_id, l.rank, l.score, l.city, l.district, l.category, o.outcome, o.notes, o.recorded_by,
       NULL AS confirmed_by, o.recorded_at
FROM outcomes o JOIN leads l USING (premise_id)
UNION ALL
SELECT d.premise_id, l.rank, l.score, l.city, l.district, l.category, 'dismissed', d.reason, d.requested_by,
       d.decided_by, d.decided_at
FROM dismissals d JOIN leads l USING (premise_id) WHERE d.decision = 'confirmed'
ORDER BY recorded_at, premise_id
"""


def export_outcomes_csv(db: Database, path: Path) -> int:
    """Write the decisions to `path`; returns how many rows."""
    with db.read() as cur:
        rows = cur.execute(_DECISIONS).fetchall()
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([*row[:-1], iso(row[-1])])
    return len(rows)
