"""Import a scan's leads.csv into the leads table: validated whole before anything is written, idempotent per scan.

A premises already in the table keeps its triage state (status, assignee, outcome) and gets the new scan's score,
rank and evidence; a premises the new scan no longer lists stays, so no lead disappears without a decision.
City, category, feeder and position come from the leads file when it has them, else from the premises register
in the same database.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from wattwatch.errors import InputError
from wattwatch.schema import LEADS
from wattwatch.trust import audit
from wattwatch.trust.db import Database, to_db

OPTIONAL_COLUMNS = ("city", "district", "category", "feeder_id", "latitude", "longitude")

_STAGED_SCHEMA = pa.schema([
    ("premise_id", pa.string()), ("meter_id", pa.string()), ("rank", pa.int32()), ("score", pa.float64()),
    ("signals", pa.string()), ("explanation", pa.string()), ("city", pa.string()), ("district", pa.string()),
    ("category", pa.string()), ("feeder_id", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64()),
])

# The leads file's values first, then the register by the lead's meter, then by its premises.
_ENRICHED = """
WITH by_meter AS (
    SELECT meter_id, any_value(city) AS city, any_value(category) AS category, any_value(feeder_id) AS feeder_id,
           any_value(latitude) AS latitude, any_value(longitude) AS longitude FROM premises GROUP BY meter_id),
by_premise AS (
    SELECT premise_id, any_value(city) AS city, any_value(category) AS category, any_value(feeder_id) AS feeder_id,
           any_value(latitude) AS latitude, any_value(longitude) AS longitude FROM premises GROUP BY premise_id)
SELECT s.premise_id, s.meter_id, s.rank, s.score, s.signals, s.explanation,
       coalesce(s.city, m.city, p.city) AS city,
       coalesce(s.district, s.city, m.city, p.city) AS district,
       coalesce(s.category, m.category, p.category) AS category,
       coalesce(s.feeder_id, m.feeder_id, p.feeder_id) AS feeder_id,
       coalesce(s.latitude, m.latitude, p.latitude) AS latitude,
       coalesce(s.longitude, m.longitude, p.longitude) AS longitude
FROM staged s LEFT JOIN by_meter m USING (meter_id) LEFT JOIN by_premise p ON p.premise_id = s.premise_id
"""


@dataclass(frozen=True)
class _Row:
    premise_id: str
    rank: int
    score: float
    signals: str


def read_leads_csv(path: Path) -> pa.Table:
    """The file's rows as a staged table; an InputError naming the line for the first bad one."""
    try:
        return _read(path)
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (byte {error.start})",
                         expected="leads.csv as written by scan") from None
    except csv.Error as error:
        raise InputError(path, f"not a CSV file: {error}") from None


def _read(path: Path) -> pa.Table:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in LEADS.required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"missing columns {', '.join(missing)}", expected=", ".join(LEADS.required))
        columns: dict[str, list] = {name: [] for name in _STAGED_SCHEMA.names}
        seen: set[str] = set()
        for line, row in enumerate(reader, start=2):
            premise_id = (row["premise_id"] or "").strip()
            if not premise_id:
                raise InputError(path, "empty premise_id", line=line, column="premise_id")
            if premise_id in seen:
                raise InputError(path, f"premise {premise_id} is listed twice", line=line, column="premise_id")
            seen.add(premise_id)
            values = {"premise_id": premise_id, "meter_id": (row["meter_id"] or "").strip(),
                      "rank": _number(path, line, "rank", row["rank"], int),
                      "score": _number(path, line, "score", row["score"], float),
                      "signals": row["signals"] or "", "explanation": row["explanation"] or ""}
            for name in OPTIONAL_COLUMNS:
                text = (row.get(name) or "").strip()
                kind = _STAGED_SCHEMA.field(name).type
                values[name] = (_number(path, line, name, text, float) if text and kind == pa.float64()
                                else text or None)
            for name, value in values.items():
                columns[name].append(value)
    return pa.table(columns, schema=_STAGED_SCHEMA)


def _number(path: Path, line: int, column: str, text: str | None, kind: type) -> int | float:
    try:
        value = kind((text or "").strip())
    except ValueError:
        raise InputError(path, f"{text!r} is not a number", line=line, column=column,
                         expected="an integer" if kind is int else "a number") from None
    if not math.isfinite(value):
        raise InputError(path, f"{text!r} is not finite", line=line, column=column, expected="a finite number")
    return value


def import_leads(db: Database, leads_csv: Path, scan_id: str | None, now: datetime,
                 actor: str = audit.SYSTEM) -> int:
    """Import once per scan (default scan id: the file's content hash); returns how many leads are new."""
    content = Path(leads_csv).read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    scan_id = scan_id or f"sha256:{sha[:16]}"
    staged = read_leads_csv(Path(leads_csv))
    with db.write() as cur:
        if cur.execute("SELECT 1 FROM lead_imports WHERE scan_id = ?", [scan_id]).fetchone():
            return 0
        cur.register("staged", staged)
        try:
            cur.execute(f"CREATE TEMP TABLE enriched AS {_ENRICHED}")
        finally:
            cur.unregister("staged")
        try:
            events = _apply(cur, scan_id, now, actor)
        finally:
            cur.execute("DROP TABLE enriched")
        n_created = sum(e.action == "lead_created" for e in events)
        cur.execute("INSERT INTO lead_imports VALUES (?, ?, ?, ?, ?, ?)",
                    [scan_id, str(leads_csv), sha, to_db(now), staged.num_rows, n_created])
        audit.append(cur, events, now)
    return n_created


def _apply(cur, scan_id: str, now: datetime, actor: str) -> list[audit.AuditEvent]:
    """Rescore the leads already known, insert the new ones; the audit events that record both."""
    before = {r[0]: _Row(*r) for r in cur.execute(
        "SELECT l.premise_id, l.rank, l.score, l.signals FROM leads l JOIN enriched e USING (premise_id)").fetchall()}
    listed = [_Row(*r) for r in cur.execute(
        "SELECT premise_id, rank, score, signals FROM enriched ORDER BY rank, premise_id").fetchall()]
    cur.execute("""
        UPDATE leads SET meter_id = e.meter_id, rank = e.rank, score = e.score, signals = e.signals,
                         explanation = e.explanation, scan_id = ?
        FROM enriched e WHERE leads.premise_id = e.premise_id""", [scan_id])
    stamp = to_db(now)
    cur.execute("""
        INSERT INTO leads SELECT e.premise_id, e.meter_id, e.rank, e.score, e.signals, e.explanation, e.city,
               e.district, e.category, e.feeder_id, e.latitude, e.longitude, ?, 'new', NULL, NULL, NULL, ?, ?, NULL
        FROM enriched e ANTI JOIN leads l ON l.premise_id = e.premise_id""", [scan_id, stamp, stamp])
    events = []
    for row in listed:
        payload = {"scan_id": scan_id, "rank": row.rank, "score": row.score, "signals": row.signals}
        old = before.get(row.premise_id)
        if old is None:
            events.append(audit.AuditEvent(actor, "lead_created", row.premise_id, payload))
        elif old != row:
            events.append(audit.AuditEvent(actor, "lead_rescored", row.premise_id,
                                           {**payload, "previous": {"rank": old.rank, "score": old.score,
                                                                    "signals": old.signals}}))
    return events
