"""The append-only, hash-chained audit log of every lead event.

Each entry's hash is sha256 over the canonical JSON of the entry (seq, ts, actor, action, premise_id, payload text
and the previous entry's hash), so editing, deleting, inserting or reordering any entry breaks the chain at that
point. DuckDB has no triggers: append-only is enforced in code (only `append` writes here) and tampering is found by
`verify`. Someone who can rewrite the whole file can also recompute the whole chain; the anchor (the head's seq and
hash, kept outside the database) catches that and a cut-off tail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb
import pyarrow as pa

from wattwatch.trust.db import Database, insert_rows, iso, to_db

GENESIS = "0" * 64  # prev_hash of the first entry
SYSTEM = "system"  # actor of events nobody in particular caused (imports from the CLI, escalation)
_BATCH = 10_000


@dataclass(frozen=True)
class AuditEvent:
    actor: str
    action: str
    premise_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at some moment: keep it outside the database (a file, a printout, an e-mail)."""

    seq: int
    hash: str

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps({"seq": self.seq, "hash": self.hash}) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Anchor":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(seq=int(data["seq"]), hash=str(data["hash"]))


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    n_entries: int
    first_bad_seq: int | None
    problem: str  # empty when ok
    head: Anchor | None  # the last entry as read (None for an empty log)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _ts_text(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # stored naive UTC, microseconds, as DuckDB keeps them


def entry_hash(seq: int, ts: datetime, actor: str, action: str, premise_id: str | None, payload: str,
               prev_hash: str) -> str:
    entry = {"seq": seq, "ts": _ts_text(ts), "actor": actor, "action": action, "premise_id": premise_id,
             "payload": payload, "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(entry).encode("utf-8")).hexdigest()


def head(cur: duckdb.DuckDBPyConnection) -> Anchor | None:
    row = cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else Anchor(seq=int(row[0]), hash=row[1])


def append(cur: duckdb.DuckDBPyConnection, events: Iterable[AuditEvent], now: datetime) -> int:
    """Chain events onto the log inside the caller's write transaction; returns how many were appended."""
    last = head(cur)
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    ts = to_db(now)
    columns: dict[str, list] = {k: [] for k in ("seq", "ts", "actor", "action", "premise_id", "payload",
                                                 "prev_hash", "hash")}
    for event in events:
        seq += 1
        payload = canonical_json(event.payload)
        digest = entry_hash(seq, ts, event.actor, event.action, event.premise_id, payload, prev)
        for key, value in zip(columns, (seq, ts, event.actor, event.action, event.premise_id, payload, prev, digest)):
            columns[key].append(value)
        prev = digest
    if columns["seq"]:
        insert_rows(cur, "audit_log", pa.table(columns, schema=pa.schema([
            ("seq", pa.int64()), ("ts", pa.timestamp("us")), ("actor", pa.string()), ("action", pa.string()),
            ("premise_id", pa.string()), ("payload", pa.string()), ("prev_hash", pa.string()), ("hash", pa.string()),
        ])))
    return len(columns["seq"])


def _entries(cur: duckdb.DuckDBPyConnection) -> Iterator[tuple]:
    # rowid breaks ties between duplicated seq values so that an inserted copy is met, not hidden
    cur.execute("SELECT seq, ts, actor, action, premise_id, payload, prev_hash, hash FROM audit_log "
                "ORDER BY seq, rowid")
    while rows := cur.fetchmany(_BATCH):
        yield from rows


def verify(db: Database, anchor: Anchor | None = None) -> AuditReport:
    """Walk the chain from the first entry; the first break found is reported with its seq."""
    n, prev, last = 0, GENESIS, None
    with db.read() as cur:
        for seq, ts, actor, action, premise_id, payload, prev_hash, digest in _entries(cur):
            n += 1
            problem = None
            if seq != n:
                problem = (f"entry {n} is missing (the log jumps to seq {seq}): deleted or reordered"
                           if seq > n else f"seq {seq} appears again: an entry was inserted or copied")
            elif prev_hash != prev:
                problem = f"entry {seq} does not follow entry {seq - 1}: inserted, deleted or reordered"
            elif entry_hash(seq, ts, actor, action, premise_id, payload, prev_hash) != digest:
                problem = f"entry {seq} was changed after it was written (its hash does not match)"
            if problem:
                return AuditReport(False, n, min(seq, n), problem, last)
            prev, last = digest, Anchor(seq, digest)
    if anchor is not None:
        problem = _anchor_problem(db, anchor, last)
        if problem:
            bad = anchor.seq if last is not None and last.seq >= anchor.seq else (last.seq + 1 if last else 1)
            return AuditReport(False, n, bad, problem, last)
    return AuditReport(True, n, None, "", last)


def _anchor_problem(db: Database, anchor: Anchor, last: Anchor | None) -> str:
    if last is None or last.seq < anchor.seq:
        ends = last.seq if last else 0
        return f"the log ends at seq {ends} but the anchor was taken at seq {anchor.seq}: its tail was cut off"
    with db.read() as cur:
        row = cur.execute("SELECT hash FROM audit_log WHERE seq = ?", [anchor.seq]).fetchone()
    if row is None or row[0] != anchor.hash:
        return f"entry {anchor.seq} differs from the anchor: the log was rewritten up to there"
    return ""


def history(db: Database, premise_id: str) -> list[dict]:
    """Every event of one lead, oldest first, payload decoded."""
    with db.read() as cur:
        rows = cur.execute("SELECT seq, ts, actor, action, premise_id, payload FROM audit_log WHERE premise_id = ? "
                           "ORDER BY seq", [premise_id]).fetchall()
    return [_entry_dict(row) for row in rows]


def entries(db: Database, actor: str | None = None, action: str | None = None, premise_id: str | None = None,
            limit: int = 100, offset: int = 0) -> list[dict]:
    """A page of the log, newest first, optionally only one actor's, one action's or one lead's entries."""
    if type(limit) is not int or type(offset) is not int or not 1 <= limit <= 1000 or offset < 0:
        raise ValueError(f"limit {limit!r} must be 1..1000 and offset {offset!r} >= 0")
    with db.read() as cur:
        rows = cur.execute(
            "SELECT seq, ts, actor, action, premise_id, payload FROM audit_log "
            "WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR premise_id = ?) "
            "ORDER BY seq DESC LIMIT ? OFFSET ?",
            [actor, actor, action, action, premise_id, premise_id, limit, offset]).fetchall()
    return [_entry_dict(row) for row in rows]


def _entry_dict(row: tuple) -> dict:
    seq, ts, actor, action, premise_id, payload = row
    return {"seq": seq, "ts": iso(ts), "actor": actor, "action": action, "premise_id": premise_id,
            "payload": json.loads(payload)}
