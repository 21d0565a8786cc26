"""Register reads in the staging table -> interval energy rows (see wattwatch.core.registers for the rules)."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from wattwatch.core.registers import BASELINE, OK, REPLACEMENT, register_intervals
from wattwatch.ingest import reasons as R
from wattwatch.ingest.duplicates import CONFLICTING, DUPLICATE, KEEP, duplicate_status
from wattwatch.ingest.staging import STAGE, reject, reject_lines


def convert_register_reads(con: duckdb.DuckDBPyConnection) -> None:
    """Replace each accepted read's (ts, kwh) by the interval it closes: start time, energy, span."""
    reads = con.execute(
        f"SELECT dense_rank() OVER (ORDER BY key) AS code, epoch_us(ts) AS us, kwh, _line FROM {STAGE} "
        "WHERE reason IS NULL ORDER BY code, us, _line"
    ).to_arrow_table()
    if reads.num_rows == 0:
        return
    codes, us = reads.column("code").to_numpy(), reads.column("us").to_numpy()
    value, line = reads.column("kwh").to_numpy(), reads.column("_line").to_numpy()
    dup = duplicate_status(codes, us, value, np.zeros(codes.size, dtype=bool))
    for status_code, reason, detail in ((CONFLICTING, R.CONFLICTING_DUPLICATE, "different reads at one instant"),
                                        (DUPLICATE, R.DUPLICATE, "same read as an earlier line")):
        hit = dup == status_code
        reject_lines(con, line[hit], [reason] * int(hit.sum()), [detail] * int(hit.sum()))
    keep = dup == KEEP
    codes, us, value, line = codes[keep], us[keep], value[keep], line[keep]
    energy, start, status = register_intervals(codes, us, value)
    con.register("conv", pa.table({
        "_line": line,
        "start_us": start,
        "energy": np.nan_to_num(energy),
        "span_us": us - start,
        "status": status,
        "prev": np.r_[np.nan, value[:-1]],
    }))
    con.execute(
        f"UPDATE {STAGE} SET "
        f"ts = CASE WHEN c.status = {OK} THEN make_timestamp(c.start_us)::TIMESTAMPTZ ELSE ts END, "
        f"kwh = CASE WHEN c.status = {OK} THEN c.energy ELSE kwh END, "
        f"span_us = CASE WHEN c.status = {OK} THEN c.span_us END, "
        f"reason = CASE c.status WHEN {BASELINE} THEN '{R.REGISTER_BASELINE}' "
        f"  WHEN {REPLACEMENT} THEN '{R.METER_REPLACEMENT}' END, "
        f"detail = CASE c.status WHEN {BASELINE} THEN 'first read of the meter: baseline for the next interval' "
        f"  WHEN {REPLACEMENT} THEN 'register dropped from ' || CAST(c.prev AS VARCHAR) END "
        f"FROM conv c WHERE {STAGE}._line = c._line"
    )
    con.unregister("conv")
    reject(con, R.NEGATIVE_KWH, "kwh < 0", "'register went down by ' || CAST(-kwh AS VARCHAR) || ' kWh'")
