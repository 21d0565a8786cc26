"""Interval series (readings, feeders, converted register reads): duplicates, resolution, grid, absurd values,
zero runs, and the `meters` table.

The staging table `p` holds (_line, key, ts, kwh, span_us, reason, detail); `span_us` is set only for intervals
derived from register reads and is the time between the two reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from wattwatch.core.resolution import UNKNOWN, infer_resolution, on_grid, resolution_name
from wattwatch.ingest import reasons as R
from wattwatch.ingest.duplicates import CONFLICTING, CONFLICTS_STORED, DUPLICATE, duplicate_status
from wattwatch.ingest.staging import STAGE, reject_lines
from wattwatch.ingest.zeroruns import zero_as_missing
from wattwatch.settings import Settings

US = 1_000_000
BILLING_DEFAULT_SPAN_S = 30 * 86400
ROWS_PER_BUCKET = 4_000_000  # candidate rows classified at a time: ~1 GB of working arrays, whatever the file size


@dataclass(frozen=True)
class SeriesTable:
    table: str  # readings | feeders
    key: str  # meter_id | feeder_id
    tracks_meters: bool  # flag zero runs and maintain the meters table


READINGS_SERIES = SeriesTable("readings", "meter_id", True)
FEEDERS_SERIES = SeriesTable("feeders", "feeder_id", False)


def _code_meters(con, series: SeriesTable) -> int:
    """Number the keys with candidate rows (table `mk`: key, code); return how many candidate rows there are."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk AS SELECT key, (row_number() OVER (ORDER BY key)) - 1 AS code "
        f"FROM (SELECT DISTINCT key FROM {STAGE} WHERE reason IS NULL)"
    )
    return con.execute(f"SELECT count(*) FROM {STAGE} WHERE reason IS NULL").fetchone()[0]


def _fetch_combined(con, series: SeriesTable, bucket: int, n_buckets: int) -> pa.Table:
    """Candidate rows and stored rows of the bucket's keys, sorted by (key code, time, line); stored rows have
    line -1. Every rule is per meter, so meters are processed in buckets (code % n_buckets) to bound memory."""
    flag = "zero_as_missing" if series.tracks_meters else "false"
    return con.execute(
        f"WITH b AS (SELECT key, code FROM mk WHERE code % {n_buckets} = {bucket}) "
        f"SELECT b.code, epoch_us(x.ts) AS us, x.kwh, x._line, x.span_us, x.flag FROM ("
        f"  SELECT key, ts, kwh, _line, span_us, false AS flag FROM {STAGE} WHERE reason IS NULL"
        f"  UNION ALL SELECT {series.key}, ts, kwh, -1, NULL, {flag} FROM {series.table} "
        f"  WHERE {series.key} IN (SELECT key FROM b)"
        f") x JOIN b USING (key) ORDER BY b.code, us, x._line"
    ).to_arrow_table()


def _billing_span(codes: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Seconds to the meter's next reading (to the previous one for its last, a month when it has one)."""
    nxt = np.r_[t[1:] - t[:-1], 0]
    has_next = np.r_[codes[1:] == codes[:-1], False]
    prev = np.r_[0, t[1:] - t[:-1]]
    has_prev = np.r_[False, codes[1:] == codes[:-1]]
    return np.where(has_next, nxt, np.where(has_prev, prev, BILLING_DEFAULT_SPAN_S))


@dataclass(frozen=True)
class Classified:
    flagged_lines: np.ndarray  # lines of accepted rows in a missing-data zero run
    meters: pa.Table | None  # rows for the meters table, keyed by the `mk` code


class Rejections:
    """Rejections collected over all buckets and written to the staging table in one UPDATE at the end."""

    def __init__(self) -> None:
        self.lines: list[np.ndarray] = []
        self.reasons: list[str] = []
        self.details: list[str] = []

    def check(self, line: np.ndarray, checks: list[tuple[np.ndarray, str, str]]) -> np.ndarray:
        """Reject new rows (line >= 0) by the first check that hits them; return the mask of rows rejected."""
        rejected = np.zeros(line.size, dtype=bool)
        for mask, reason, detail in checks:
            hit = mask & (line >= 0) & ~rejected
            rejected |= hit
            self.lines.append(line[hit])
            self.reasons += [reason] * int(hit.sum())
            self.details += [detail] * int(hit.sum())
        return rejected

    def write(self, con) -> None:
        reject_lines(con, np.concatenate(self.lines) if self.lines else np.zeros(0, np.int64), self.reasons,
                     self.details)


def classify_and_flag(con: duckdb.DuckDBPyConnection, series: SeriesTable, settings: Settings) -> Classified:
    """Reject duplicates, off-grid, unclassifiable, absurd and gap-spanning rows; flag zero runs; meters rows."""
    n_buckets = max(1, -(-_code_meters(con, series) // ROWS_PER_BUCKET))
    rejections = Rejections()
    parts = [_classify_bucket(con, series, settings, rejections, b, n_buckets) for b in range(n_buckets)]
    rejections.write(con)
    meters = [p.meters for p in parts if p.meters is not None]
    return Classified(
        np.concatenate([p.flagged_lines for p in parts]), pa.concat_tables(meters) if meters else None
    )


def _classify_bucket(
    con, series: SeriesTable, settings: Settings, rejections: Rejections, bucket: int, n_buckets: int
) -> Classified:
    data = _fetch_combined(con, series, bucket, n_buckets)
    if data.num_rows == 0:
        return Classified(np.zeros(0, dtype=np.int64), None)
    codes = data.column("code").to_numpy()
    us = data.column("us").to_numpy()
    kwh = data.column("kwh").to_numpy()
    line = data.column("_line").to_numpy()
    span_us = data.column("span_us").fill_null(0).to_numpy()
    old_flag = data.column("flag").to_numpy(zero_copy_only=False).astype(bool)
    del data
    status = duplicate_status(codes, us, kwh, line < 0)
    keep = ~rejections.check(line, [
        (status == CONFLICTING, R.CONFLICTING_DUPLICATE, "different values for the same instant in this file"),
        (status == DUPLICATE, R.DUPLICATE, "same meter, instant and value as a row kept earlier or stored"),
        (status == CONFLICTS_STORED, R.CONFLICTS_WITH_STORED, "the stored value for this instant is kept"),
    ])
    codes, us, kwh, line, span_us, old_flag = (a[keep] for a in (codes, us, kwh, line, span_us, old_flag))

    t = us // US
    res = infer_resolution(codes, t, int(codes.max()) + 1 if codes.size else 0)
    interval = res.interval_s[codes]
    grid = on_grid(codes, t, res) & (us % US == 0)
    span = np.where(span_us > 0, span_us // US, np.where(interval > 0, interval, _billing_span(codes, t)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # an overflowing kWh is absurd (inf kW)
        kw = kwh * 3600.0 / span
    keep = ~rejections.check(line, [
        (interval == UNKNOWN, R.UNKNOWN_RESOLUTION, "steps between readings are not 15/30/60 min or ~monthly"),
        (~grid, R.OFF_GRID, "not on the meter's interval grid"),
        ((span_us > 0) & (interval > 0) & (span > interval), R.REGISTER_GAP, "reads further apart than the interval"),
        (kw > settings.max_kw, R.ABSURD_KWH, f"implies more than max_kw={settings.max_kw:g} kW"),
    ])
    if not series.tracks_meters:
        return Classified(np.zeros(0, dtype=np.int64), None)
    codes, t, kwh, line, interval, old_flag = (a[keep] for a in (codes, t, kwh, line, interval, old_flag))
    flag = zero_as_missing(codes, t, kwh, interval, settings.zero_run_hours, settings.zero_run_max_share)
    _update_stored_flags(con, series, codes, t, line, flag, old_flag)
    return Classified(line[(line >= 0) & flag], _meters_rows(codes, t, res))


def _update_stored_flags(con, series, codes, t, line, flag, old_flag) -> None:
    """New readings can change whether a stored zero run counts as missing (the meter's zero share moved)."""
    new = line >= 0
    changed = ~new & (flag != old_flag)
    con.register("reflag", pa.table({"code": codes[changed], "us": t[changed] * US, "flag": flag[changed]}))
    con.execute(
        f"UPDATE {series.table} r SET zero_as_missing = f.flag FROM reflag f, mk "
        f"WHERE f.code = mk.code AND r.{series.key} = mk.key AND epoch_us(r.ts) = f.us"
    )
    con.unregister("reflag")


def _meters_rows(codes: np.ndarray, t: np.ndarray, res) -> pa.Table | None:
    """One row per meter with kept readings: resolution, first/last instant, count, missing intervals."""
    if codes.size == 0:
        return None
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], codes.size] - 1
    meter = codes[starts]
    interval = res.interval_s[meter]
    n = ends - starts + 1
    first, last = t[starts], t[ends]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(interval > 0, (last - first) // np.maximum(interval, 1) + 1, n)
    valid = interval != UNKNOWN
    return pa.table({
        "code": meter[valid],
        "resolution": [resolution_name(int(i)) for i in interval[valid]],
        "interval_minutes": pa.array(np.where(interval > 0, interval // 60, 0)[valid], pa.int32()).to_numpy(),
        "first_us": first[valid] * US,
        "last_us": last[valid] * US,
        "n_readings": n[valid],
        "n_missing": np.maximum(expected - n, 0)[valid],
    })


def insert_accepted(con, series: SeriesTable, load_id: int, classified: Classified) -> None:
    meters = classified.meters
    if series.tracks_meters:
        con.register("flagged", pa.table({"_line": pa.array(classified.flagged_lines, pa.int64())}))
        con.execute(
            f"INSERT INTO readings SELECT key, ts, kwh, flagged._line IS NOT NULL, {load_id} "
            f"FROM {STAGE} LEFT JOIN flagged USING (_line) WHERE reason IS NULL"
        )
        con.unregister("flagged")
    else:
        con.execute(f"INSERT INTO {series.table} SELECT key, ts, kwh, {load_id} FROM {STAGE} WHERE reason IS NULL")
    if meters is not None and meters.num_rows:
        con.register("mrows", meters)
        con.execute("DELETE FROM meters WHERE meter_id IN (SELECT mk.key FROM mrows JOIN mk USING (code))")
        con.execute(
            "INSERT INTO meters SELECT mk.key, resolution, NULLIF(interval_minutes, 0), "
            "make_timestamp(first_us)::TIMESTAMPTZ, make_timestamp(last_us)::TIMESTAMPTZ, n_readings, n_missing "
            "FROM mrows JOIN mk USING (code)"
        )
        con.unregister("mrows")
