"""The embedded DuckDB database: one file holds every loaded table, the quarantine and the load log.

Readings are stored as UTC instants (TIMESTAMPTZ); local days are computed at scan time from `Settings.timezone`.
No primary-key indexes on the big tables: duplicates are found with anti-joins at load time, which keeps bulk
inserts fast and memory flat.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

DEFAULT_DB = Path("wattwatch.duckdb")

DDL = """
CREATE TABLE IF NOT EXISTS loads (
    load_id       INTEGER PRIMARY KEY,
    kind          VARCHAR NOT NULL,      -- readings | register_reads | premises | sales | stores | feeders
    file          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,      -- content hash: loading the same content again is a no-op
    loaded_at     TIMESTAMPTZ NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_accepted BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    options       VARCHAR                -- JSON of the load options (timezone, encoding, ...)
);
CREATE TABLE IF NOT EXISTS quarantine (
    load_id INTEGER NOT NULL,
    file    VARCHAR NOT NULL,
    line    BIGINT,                      -- 1-based line in a CSV (header = line 1), or 1-based row in Parquet
    reason  VARCHAR NOT NULL,            -- a code from wattwatch.ingest.reasons
    detail  VARCHAR,
    raw     VARCHAR                      -- the rejected row as read
);
CREATE TABLE IF NOT EXISTS premises (
    premise_id VARCHAR NOT NULL, meter_id VARCHAR NOT NULL, category VARCHAR NOT NULL,
    address VARCHAR, city VARCHAR, latitude DOUBLE, longitude DOUBLE,
    account_holder VARCHAR, phone VARCHAR, feeder_id VARCHAR, floor_area_m2 DOUBLE, contracted_kw DOUBLE,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS readings (
    meter_id        VARCHAR NOT NULL,
    ts              TIMESTAMPTZ NOT NULL,  -- interval start
    kwh             DOUBLE NOT NULL,
    zero_as_missing BOOLEAN NOT NULL,      -- part of a zero run judged to be missing data (Settings.zero_run_*)
    load_id         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meters (
    meter_id         VARCHAR PRIMARY KEY,
    resolution       VARCHAR NOT NULL,     -- 15min | 30min | 60min | billing
    interval_minutes INTEGER,              -- NULL for billing
    first_ts         TIMESTAMPTZ NOT NULL,
    last_ts          TIMESTAMPTZ NOT NULL,
    n_readings       BIGINT NOT NULL,
    n_missing        BIGINT NOT NULL       -- expected intervals without a reading (gaps), 0 for billing
);
CREATE TABLE IF NOT EXISTS sales (
    sale_id VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, store_id VARCHAR NOT NULL, product VARCHAR NOT NULL,
    quantity INTEGER NOT NULL, payment VARCHAR, buyer_name VARCHAR, buyer_address VARCHAR, buyer_phone VARCHAR,
    watts DOUBLE, load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stores (
    store_id VARCHAR NOT NULL, city VARCHAR, latitude DOUBLE, longitude DOUBLE, load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feeders (
    feeder_id VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, kwh DOUBLE NOT NULL, load_id INTEGER NOT NULL
);
"""


def connect(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database and make sure every table exists."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")  # instants are stored and shown in UTC; local time is explicit in queries
    con.execute("SET enable_progress_bar = false")  # the CLI draws its own progress bars
    if not read_only:
        con.execute(DDL)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a load that fails half-way leaves the database exactly as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
