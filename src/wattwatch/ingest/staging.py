"""The staging table `p`: one row per data row of the file being loaded, with its parsed values and, once a rule
fires, its reason code. Helpers here mark rejections, resolve naive local times, and move rejected rows to the
quarantine.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from wattwatch.ingest import reasons as R
from wattwatch.core.localtime import local_to_utc
from wattwatch.ingest.parse import q

STAGE = "p"


def reject(con: duckdb.DuckDBPyConnection, reason: str, where: str, detail: str, joins: str = "") -> None:
    """Give still-accepted rows matching `where` the reason (first reason wins)."""
    con.execute(
        f"UPDATE {STAGE} SET reason = '{reason}', detail = {detail} {joins} "
        f"WHERE {STAGE}.reason IS NULL AND ({where})"
    )


def reject_lines(con: duckdb.DuckDBPyConnection, lines: np.ndarray, reasons: list[str], details: list[str]) -> None:
    """Reject rows by line number with per-row reasons (results computed in numpy)."""
    if len(lines) == 0:
        return
    con.register("rej", pa.table({"_line": pa.array(lines, pa.int64()), "r": reasons, "d": details}))
    con.execute(
        f"UPDATE {STAGE} SET reason = rej.r, detail = rej.d FROM rej "
        f"WHERE {STAGE}._line = rej._line AND {STAGE}.reason IS NULL"
    )
    con.unregister("rej")


def resolve_local_times(con: duckdb.DuckDBPyConnection, timezone: str, partition: str) -> None:
    """Turn naive `local_ts` into `ts` in the zone. On the fall-back day a repeated local time goes to the earlier
    instant the first time it occurs for a meter (by line) and to the later one after that; a local time in the
    spring-forward gap is rejected."""
    t = con.execute(
        f"SELECT _line, {partition} AS k, epoch_us(local_ts) AS us FROM {STAGE} "
        "WHERE reason IS NULL AND local_ts IS NOT NULL"
    ).to_arrow_table()
    if t.num_rows == 0:
        return
    us = t.column("us").to_numpy()
    seconds, fraction = np.divmod(us, 1_000_000)
    conv = local_to_utc(seconds, timezone)
    ambiguous = conv.n_valid == 2
    later_rank = np.zeros(us.size, dtype=bool)
    if ambiguous.any():
        con.register("amb", t.filter(pa.array(ambiguous)))
        repeated = con.execute(
            "SELECT _line FROM (SELECT _line, row_number() OVER (PARTITION BY k, us ORDER BY _line) AS n FROM amb) "
            "WHERE n > 1"
        ).to_arrow_table().column(0).to_numpy()
        con.unregister("amb")
        later_rank = np.isin(t.column("_line").to_numpy(), repeated)
    chosen = np.where(later_rank, conv.later, conv.earlier) * 1_000_000 + fraction
    con.register("conv", pa.table({"_line": t.column("_line"), "us": chosen, "ok": conv.n_valid > 0}))
    con.execute(
        f"UPDATE {STAGE} SET ts = CASE WHEN conv.ok THEN make_timestamp(conv.us)::TIMESTAMPTZ END, "
        f"reason = CASE WHEN conv.ok THEN NULL ELSE '{R.NONEXISTENT_LOCAL_TIME}' END, "
        f"detail = CASE WHEN conv.ok THEN NULL ELSE "
        f"'local time ' || strftime(local_ts, '%Y-%m-%d %H:%M:%S') || ' does not exist in {timezone}' END "
        f"FROM conv WHERE {STAGE}._line = conv._line"
    )
    con.unregister("conv")


def quarantine(con, load_id: int, file: str, columns: list[str], delimiter: str, ragged: list[tuple[int, str]]):
    """Copy rejected rows (with their values as read) and ragged CSV lines to the quarantine table."""
    values = ", ".join(f"coalesce(TRY_CAST(src.{q(c)} AS VARCHAR), '')" for c in columns)
    raw = f"concat_ws('{delimiter}', {values})"
    con.execute(
        f"INSERT INTO quarantine SELECT ?, ?, p._line, p.reason, p.detail, {raw} "
        f"FROM {STAGE} p JOIN src ON src._line = p._line WHERE p.reason IS NOT NULL",
        [load_id, file],
    )
    if ragged:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
            [(load_id, file, line, R.WRONG_FIELD_COUNT, "the row has a different number of fields than the header",
              text) for line, text in ragged],
        )


def counts_by_reason(con: duckdb.DuckDBPyConnection, ragged: list) -> dict[str, int]:
    counts = dict(con.execute(f"SELECT reason, count(*) FROM {STAGE} WHERE reason IS NOT NULL GROUP BY 1").fetchall())
    if ragged:
        counts[R.WRONG_FIELD_COUNT] = counts.get(R.WRONG_FIELD_COUNT, 0) + len(ragged)
    return dict(sorted(counts.items()))
