"""ingest_file: one file -> validated rows in the database, rejected rows in the quarantine, one row in `loads`.

The load is all or nothing (one transaction) and idempotent (a file whose content hash is already in `loads` is
not loaded again).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from wattwatch.errors import InputError
from wattwatch.ingest import reasons as R
from wattwatch.ingest import series as S
from wattwatch.ingest import tables as T
from wattwatch.ingest.parse import basic_rules, case_sql, check_sample, parsed_relation, q
from wattwatch.ingest.csvscan import CHUNK_BYTES
from wattwatch.ingest.readers import column_names, read_source
from wattwatch.ingest.registers import convert_register_reads
from wattwatch.ingest.staging import STAGE, counts_by_reason, quarantine, reject, resolve_local_times
from wattwatch.ingest.summary import LoadSummary
from wattwatch.schema import INPUT_TABLES, Table
from wattwatch.settings import Settings
from wattwatch.store import transaction

KINDS = ("premises", "readings", "register_reads", "sales", "stores", "feeders")
SERIES_KINDS = {"readings": S.READINGS_SERIES, "register_reads": S.READINGS_SERIES, "feeders": S.FEEDERS_SERIES}
Progress = Callable[[int, int], None]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _previous_load(con, path: Path, sha: str) -> LoadSummary | None:
    row = con.execute(
        "SELECT load_id, kind, rows_read, rows_accepted, rows_rejected FROM loads WHERE sha256 = ? ORDER BY load_id",
        [sha],
    ).fetchone()
    if row is None:
        return None
    by_reason = dict(con.execute(
        "SELECT reason, count(*) FROM quarantine WHERE load_id = ? GROUP BY 1 ORDER BY 1", [row[0]]
    ).fetchall())
    return LoadSummary(str(path), row[1], row[0], row[2], row[3], row[4], by_reason, already_loaded=True)


def _check_options(path: Path, kind: str, timezone: str | None) -> None:
    if kind not in KINDS:
        raise InputError(path, f"unknown kind '{kind}'", expected=" | ".join(KINDS))
    if not path.is_file():
        raise InputError(path, "no such file", expected="an existing .csv or .parquet file")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(path, f"unknown time zone '{timezone}'", expected="an IANA name like Europe/Tirane") \
                from None


def _resolve_kind(path: Path, kind: str, encoding: str) -> str:
    """A readings file with register_kwh instead of kwh holds register reads."""
    if kind != "readings":
        return kind
    names = column_names(path, encoding)
    return "register_reads" if "kwh" not in names and "register_kwh" in names else kind


def _require_reference(con, path: Path, kind: str) -> None:
    if kind in ("readings", "register_reads") and con.execute("SELECT count(*) FROM premises").fetchone()[0] == 0:
        raise InputError(path, "no premises register has been loaded, so meters cannot be checked",
                         expected="ingest the premises register first (wattwatch ingest premises FILE)")


def _stage_series(con, spec: Table, schema: pa.Schema, timezone: str | None) -> None:
    key, value = spec.columns[0].name, spec.columns[2].name
    reason, detail = case_sql(basic_rules(spec, timezone, spec.required))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT _line, {q(key + '__t')} AS key, timestamp__inst AS ts, "
        f"timestamp__local AS local_ts, {q(value)} AS kwh, NULL::BIGINT AS span_us, "
        f"{reason} AS reason, {detail} AS detail FROM {parsed_relation(spec, schema, 'src')}"
    )
    reject(con, R.NEGATIVE_KWH, "kwh < 0", f"'{value}=' || CAST(kwh AS VARCHAR) || ' is negative'")


def _load_series(con, kind: str, spec: Table, schema, timezone, settings: Settings, load_id: int, step) -> None:
    series = SERIES_KINDS[kind]
    _stage_series(con, spec, schema, timezone)
    step()
    if timezone:
        resolve_local_times(con, timezone, "key")
    if series.tracks_meters:
        reject(con, R.UNKNOWN_METER, "key NOT IN (SELECT meter_id FROM premises)",
               "'meter ' || key || ' is not in the premises register'")
    if kind == "register_reads":
        convert_register_reads(con)
    step()
    classified = S.classify_and_flag(con, series, settings)
    step()
    S.insert_accepted(con, series, load_id, classified)


def _stage_keyed(con, keyed: T.KeyedTable, schema: pa.Schema, timezone: str | None) -> None:
    spec = keyed.spec
    reason, detail = case_sql(basic_rules(spec, timezone, keyed.required_values))
    select = []
    for c in spec.columns:
        if c.type == "timestamp":
            select += [f"{q(c.name + '__inst')} AS ts", f"{q(c.name + '__local')} AS local_ts"]
        elif c.type in ("float", "int"):
            select.append(q(c.name))
        else:
            text = q(c.name + "__t")
            select.append(f"{f'lower({text})' if c.name in keyed.lowercase else text} AS {q(c.name)}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT _line, {', '.join(select)}, "
        f"{reason} AS reason, {detail} AS detail FROM {parsed_relation(spec, schema, 'src')}"
    )
    for rule in keyed.extra_rules:
        reject(con, rule.reason, rule.when, rule.detail)


def _load_keyed(con, kind: str, schema, timezone, load_id: int, step) -> None:
    keyed = T.KEYED[kind]
    _stage_keyed(con, keyed, schema, timezone)
    step()
    if kind == "sales":
        if timezone:
            resolve_local_times(con, timezone, "store_id")
        if con.execute("SELECT count(*) FROM stores").fetchone()[0]:
            reject(con, R.UNKNOWN_STORE, "store_id NOT IN (SELECT store_id FROM stores)",
                   "'store ' || store_id || ' is not in the stores table'")
    T.reject_duplicate_keys(con, keyed.spec)
    step()
    T.insert_accepted(con, keyed.spec, load_id)


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path,
    *,
    settings: Settings = Settings(),
    timezone: str | None = None,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> LoadSummary:
    """Load one file of the given kind; raise InputError (nothing written) when the file as a whole is wrong."""
    path = Path(path)
    _check_options(path, kind, timezone)
    con.execute("SET TimeZone = 'UTC'")
    sha = file_sha256(path)
    previous = _previous_load(con, path, sha)
    if previous is not None:
        return previous
    kind = _resolve_kind(path, kind, encoding)
    _require_reference(con, path, kind)
    spec = INPUT_TABLES[kind]
    total_steps, done = 5, [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total_steps)

    try:
        with transaction(con):
            source = read_source(path, spec, encoding)
            step()
            con.register("src", source.table)
            check_sample(con, str(path), spec, source.table.schema, timezone)
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
            if kind in SERIES_KINDS:
                _load_series(con, kind, spec, source.table.schema, timezone, settings, load_id, step)
            else:
                _load_keyed(con, kind, source.table.schema, timezone, load_id, step)
            quarantine(con, load_id, str(path), [c.name for c in spec.columns], source.delimiter, source.ragged)
            by_reason = counts_by_reason(con, source.ragged)
            rows_read = source.table.num_rows + len(source.ragged)
            rejected = sum(by_reason.values())
            con.execute(
                "INSERT INTO loads VALUES (?, ?, ?, ?, now(), ?, ?, ?, ?)",
                [load_id, kind, str(path), sha, rows_read, rows_read - rejected, rejected,
                 json.dumps({"timezone": timezone, "encoding": encoding})],
            )
            step()
    finally:
        for view in ("src",):
            try:
                con.unregister(view)
            except duckdb.Error:
                pass
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return LoadSummary(str(path), kind, load_id, rows_read, rows_read - rejected, rejected, by_reason)
