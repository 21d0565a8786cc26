"""The trust tables in the embedded DuckDB database, and safe access to them from many threads.

One web process serves about 20 concurrent requests from one DuckDB connection: every call works on its own
`cursor()` (DuckDB's per-thread handle), and writes are serialised by one lock so that the audit chain's sequence
numbers never race. Times are stored as naive TIMESTAMP in UTC (TIMESTAMPTZ would need pytz to reach Python).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from wattwatch.store import connect

Clock = Callable[[], datetime]

DDL = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    username      VARCHAR NOT NULL UNIQUE,
    role          VARCHAR NOT NULL,          -- analyst | supervisor | auditor
    password_hash VARCHAR NOT NULL,          -- argon2id, PHC string
    created_at    TIMESTAMP NOT NULL,
    failed_logins INTEGER NOT NULL,          -- wrong passwords in a row
    locked_until  TIMESTAMP
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR PRIMARY KEY,          -- sha256 of the bearer token; the token itself is never stored
    user_id    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS lead_imports (
    scan_id     VARCHAR PRIMARY KEY,         -- importing the same scan again is a no-op
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    n_rows      BIGINT NOT NULL,
    n_created   BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS leads (
    premise_id   VARCHAR PRIMARY KEY,
    meter_id     VARCHAR NOT NULL,
    rank         INTEGER NOT NULL,           -- in the scan that last listed the lead
    score        DOUBLE NOT NULL,
    signals      VARCHAR NOT NULL,           -- ';'-separated, strongest first, as in leads.csv
    explanation  VARCHAR NOT NULL,
    city         VARCHAR,
    district     VARCHAR,                    -- the city unless the leads file names one
    category     VARCHAR,
    feeder_id    VARCHAR,
    latitude     DOUBLE,
    longitude    DOUBLE,
    scan_id      VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,           -- see triage.STATUSES
    assignee     VARCHAR,
    outcome      VARCHAR,                    -- how the lead closed: an OUTCOMES value or 'dismissed'
    closed_by    VARCHAR,                    -- who closed it: the outcome's recorder or the dismissal's requester
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,         -- last time a person touched it (imports do not count)
    escalated_at TIMESTAMP                   -- set when it went stale; cleared by the next touch
);
CREATE TABLE IF NOT EXISTS outcomes (
    premise_id  VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,
    notes       VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS dismissals (
    premise_id    VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    requested_by  VARCHAR NOT NULL,
    requested_at  TIMESTAMP NOT NULL,
    status_before VARCHAR NOT NULL,          -- restored when the request is rejected
    decision      VARCHAR,                   -- NULL while pending, then confirmed | rejected
    decided_by    VARCHAR,
    decided_at    TIMESTAMP,
    decision_note VARCHAR
);
CREATE TABLE IF NOT EXISTS personal_views (
    ts         TIMESTAMP NOT NULL,
    username   VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    premise_id VARCHAR NOT NULL,
    purpose    VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (      -- append-only by code; tampering is found by the hash chain
    seq        BIGINT NOT NULL,
    ts         TIMESTAMP NOT NULL,
    actor      VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    premise_id VARCHAR,
    payload    VARCHAR NOT NULL,             -- canonical JSON text
    prev_hash  VARCHAR NOT NULL,
    hash       VARCHAR NOT NULL
);
"""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_db(moment: datetime) -> datetime:
    """An aware instant as the naive UTC value the tables store."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone: give an aware datetime (UTC)")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def from_db(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=timezone.utc)


def iso(value: datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with its offset, for JSON."""
    return None if value is None else from_db(value).isoformat()


class Database:
    """One DuckDB connection shared by threads: a fresh cursor per call, one lock around every write."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con = connect(self.path)  # the store's tables too: leads are enriched from its premises register
        self._con.execute(DDL)
        self._write_lock = threading.Lock()
        self._cursor_lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._cursor_lock:
            return self._con.cursor()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction, all or nothing, with no other writer in between."""
        with self._write_lock:
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            finally:
                cur.close()

    def close(self) -> None:
        self._con.close()


def insert_rows(cur: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Bulk insert an Arrow table whose columns are named like the target's (fast for 100 k rows)."""
    name = f"_new_{table}"
    cur.register(name, rows)
    try:
        columns = ", ".join(rows.column_names)
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
    finally:
        cur.unregister(name)


def rows_as_dicts(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """The result of the cursor's last query as dicts keyed by column name."""
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
