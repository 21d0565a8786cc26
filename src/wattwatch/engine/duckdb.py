"""The DuckDB engine: the store's readings as flat numpy arrays, then dense matrices built by the core.

DuckDB does what it is fastest at — filter, join meter indices, hand over columns — and the core turns the flat
arrays into local-time matrices with one bincount pass (wattwatch.core.cells). Local time comes from the zone's
offset table applied to UTC seconds (wattwatch.core.localtime), which is exact across DST and far cheaper than a
per-row time-zone conversion in SQL. Meters are indexed by their rank in meter_id order, so no strings cross per
reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from wattwatch.core.cells import daily_sums, slot_means
from wattwatch.core.daily import local_day_hours, scale_to_full_days, spread_periods
from wattwatch.core.localtime import utc_to_local
from wattwatch.engine.base import ChunkKernel, Progress, ReadingsChunk, concat_outputs
from wattwatch.engine.chunking import ReadingsBatch, chunk_rows, cut_chunks
from wattwatch.engine.matrices import (
    BillingPeriods,
    DailyMatrix,
    FeederMatrix,
    MeterTable,
    PremisesIndex,
    ProfileMatrix,
)
from wattwatch.settings import Settings

BILLING = "billing"
DEFAULT_BILLING_DAYS = 30  # period of a meter's only read, when it has no other read to take a median from
EPOCH = date(1970, 1, 1)

_METERS = """meter_index AS (
    SELECT meter_id, resolution, interval_minutes, (row_number() OVER (ORDER BY meter_id) - 1)::BIGINT AS mi
    FROM meters
)"""

_INTERVAL_READINGS = f"""WITH {_METERS}
SELECT mi, epoch(ts)::BIGINT AS t, kwh, interval_minutes
FROM readings JOIN meter_index USING (meter_id)
WHERE resolution <> '{BILLING}' AND NOT zero_as_missing
ORDER BY mi, t"""  # the streaming scan's order, so sums round alike

_ZERO_RUN_READINGS = f"""WITH {_METERS}
SELECT mi, epoch(ts)::BIGINT AS t FROM readings JOIN meter_index USING (meter_id)
WHERE resolution <> '{BILLING}' AND zero_as_missing"""

# A billing read covers the local days from its own up to the next read's; the last read covers the meter's median
# period. Reads judged missing still bound their neighbours' periods but spread nothing.
_BILLING_PERIODS = f"""WITH {_METERS},
reads AS (
    SELECT mi, CAST(timezone($tz, r.ts) AS DATE) AS day, r.kwh, r.zero_as_missing
    FROM readings r JOIN meter_index USING (meter_id) WHERE resolution = '{BILLING}'
),
periods AS (SELECT *, lead(day) OVER (PARTITION BY mi ORDER BY day) AS next_day FROM reads),
typical AS (SELECT *, median(datediff('day', day, next_day)) OVER (PARTITION BY mi) AS median_days FROM periods)
SELECT mi,
       datediff('day', $first::DATE, day) AS start_day,
       datediff('day', $first::DATE, coalesce(next_day,
           day + CAST(round(coalesce(median_days, {DEFAULT_BILLING_DAYS})) AS INTEGER))) AS end_day,
       kwh
FROM typical WHERE NOT zero_as_missing"""

# Feeders have no `meters` row: their interval is the most common step between consecutive readings (a feeder with a
# single reading has none and is left out).
_FEEDER_INDEX = """WITH steps AS (
    SELECT feeder_id, epoch(ts) - lag(epoch(ts)) OVER (PARTITION BY feeder_id ORDER BY ts) AS dt FROM feeders
),
iv AS (SELECT feeder_id, mode(dt) AS interval_s FROM steps WHERE dt > 0 GROUP BY 1),
fi AS (SELECT feeder_id, (row_number() OVER (ORDER BY feeder_id) - 1)::BIGINT AS fi, interval_s FROM iv)"""
_FEEDER_IDS = _FEEDER_INDEX + " SELECT feeder_id FROM fi ORDER BY fi"
_FEEDER_READINGS = _FEEDER_INDEX + """
SELECT fi, epoch(ts)::BIGINT AS t, kwh, interval_s FROM feeders JOIN fi USING (feeder_id)"""


@dataclass(frozen=True)
class IntervalReadings:
    """The usable interval readings (zero runs judged missing left out), flat, with local wall-clock seconds."""

    row: np.ndarray  # int64: the meter's row in the MeterTable
    local_s: np.ndarray  # int64: local wall-clock time as epoch seconds
    kwh: np.ndarray  # float64
    kw: np.ndarray  # float64: average power over the interval


def meter_table(con: duckdb.DuckDBPyConnection) -> MeterTable:
    meters = con.execute(
        "SELECT meter_id, resolution, coalesce(interval_minutes, 0) AS minutes FROM meters ORDER BY meter_id"
    ).fetchnumpy()
    return MeterTable(
        np.asarray(meters["meter_id"], dtype=object),
        np.asarray(meters["minutes"], dtype=np.int64),
        np.asarray(meters["resolution"] == BILLING, dtype=bool),
    )


def interval_readings(con: duckdb.DuckDBPyConnection, settings: Settings) -> IntervalReadings:
    cols = con.execute(_INTERVAL_READINGS).fetchnumpy()
    kwh = np.asarray(cols["kwh"], dtype=np.float64)
    return IntervalReadings(
        row=np.asarray(cols["mi"], dtype=np.int64),
        local_s=utc_to_local(np.asarray(cols["t"], dtype=np.int64), settings.timezone),
        kwh=kwh,
        kw=kwh * 60.0 / np.asarray(cols["interval_minutes"], dtype=np.float64),
    )


def day_range(con: duckdb.DuckDBPyConnection, tz: str) -> tuple[date, int]:
    """First local day with a reading and the number of days to the last one (0 when there are no readings)."""
    first, last = con.execute(
        "SELECT CAST(timezone($tz, min(ts)) AS DATE), CAST(timezone($tz, max(ts)) AS DATE) FROM readings", {"tz": tz}
    ).fetchone()
    if first is None:
        return EPOCH, 0
    return first, (last - first).days + 1


def daily_matrix(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    meters: MeterTable | None = None,
    readings: IntervalReadings | None = None,
) -> DailyMatrix:
    """kWh per meter and local day for every meter in the store (see DailyMatrix)."""
    tz = settings.timezone
    meters = meters or meter_table(con)
    readings = readings or interval_readings(con, settings)
    first_day, n_days = day_range(con, tz)
    shape = (len(meters.meter_ids), n_days)

    kwh_sum, n_present = daily_sums(
        readings.row, readings.local_s, readings.kwh, shape[0], (first_day - EPOCH).days, n_days
    )
    per_hour = np.where(meters.is_billing, 0.0, 60.0 / np.maximum(meters.interval_minutes, 1).astype(np.float64))
    n_expected = per_hour[:, None] * local_day_hours(first_day, n_days, tz)[None, :]
    kwh, coverage = scale_to_full_days(kwh_sum, n_present, n_expected, settings.min_coverage)
    zero = con.execute(_ZERO_RUN_READINGS).fetchnumpy()
    _, n_zero = daily_sums(
        np.asarray(zero["mi"], dtype=np.int64), utc_to_local(np.asarray(zero["t"], dtype=np.int64), tz),
        np.zeros(len(zero["t"])), shape[0], (first_day - EPOCH).days, n_days,
    )
    zero_days = np.isnan(kwh) & (n_zero >= 0.5 * n_expected) & (n_expected > 0)

    if meters.is_billing.any():
        periods = billing_periods(con, tz, first_day)
        billing_kwh, billing_coverage = spread_periods(periods.row, periods.start_day, periods.end_day, periods.kwh,
                                                       shape)
        kwh = np.where(meters.is_billing[:, None], billing_kwh, kwh)
        coverage = np.where(meters.is_billing[:, None], billing_coverage, coverage)
    return DailyMatrix(meters.meter_ids, first_day, kwh, coverage, meters.is_billing, zero_days)


def billing_periods(con: duckdb.DuckDBPyConnection, tz: str, first_day: date) -> BillingPeriods:
    """The billing meters' reads as periods of local days from `first_day` (see BillingPeriods)."""
    periods = con.execute(_BILLING_PERIODS, {"tz": tz, "first": first_day}).fetchnumpy()
    return BillingPeriods(
        np.asarray(periods["mi"], dtype=np.int64),
        np.asarray(periods["start_day"], dtype=np.int64),
        np.asarray(periods["end_day"], dtype=np.int64),
        np.asarray(periods["kwh"], dtype=np.float64),
    )


def profile_matrix(
    meters: MeterTable,
    readings: IntervalReadings,
    rows: np.ndarray,
    first_day: date,
    n_days: int,
    slot_minutes: int = 60,
) -> ProfileMatrix:
    """Average kW per local day and time-of-day slot for the meters in `rows` (see ProfileMatrix).

    Billing meters stay all NaN. A slot shorter than a meter's interval leaves the slots between its readings NaN,
    so callers ask for slots no shorter than the meters' interval.
    """
    rows = np.asarray(rows, dtype=np.int64)
    position = np.full(len(meters.meter_ids), -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    wanted = position[readings.row] >= 0
    kw = slot_means(
        position[readings.row[wanted]],
        readings.local_s[wanted],
        readings.kw[wanted],
        rows.size,
        (first_day - EPOCH).days,
        n_days,
        slot_minutes * 60,
    )
    return ProfileMatrix(meters.meter_ids[rows], first_day, kw, slot_minutes)


def feeder_matrix(con: duckdb.DuckDBPyConnection, settings: Settings, first_day: date, n_days: int) -> FeederMatrix:
    """Daily kWh and hourly kW of every feeder meter over the scan's days (empty when no feeders were loaded)."""
    ids = np.asarray(con.execute(_FEEDER_IDS).fetchnumpy()["feeder_id"], dtype=object)
    cols = con.execute(_FEEDER_READINGS).fetchnumpy()
    row = np.asarray(cols["fi"], dtype=np.int64)
    local_s = utc_to_local(np.asarray(cols["t"], dtype=np.int64), settings.timezone)
    kwh = np.asarray(cols["kwh"], dtype=np.float64)
    interval_s = np.asarray(cols["interval_s"], dtype=np.float64)
    first = (first_day - EPOCH).days
    kwh_sum, n_present = daily_sums(row, local_s, kwh, len(ids), first, n_days)
    per_hour = np.zeros(len(ids))
    per_hour[row] = 3600.0 / interval_s
    n_expected = per_hour[:, None] * local_day_hours(first_day, n_days, settings.timezone)[None, :]
    daily, _ = scale_to_full_days(kwh_sum, n_present, n_expected, settings.min_coverage)
    kw = slot_means(row, local_s, kwh * 3600.0 / interval_s, len(ids), first, n_days, 3600)
    return FeederMatrix(ids, first_day, daily, kw)


def premises_index(con: duckdb.DuckDBPyConnection) -> PremisesIndex:
    """Meter -> premises with the non-personal fields the detectors and report use; personal fields are never read."""
    rows = con.execute(
        "SELECT meter_id, premise_id, category, coalesce(city, '') AS city, coalesce(feeder_id, '') AS feeder_id, "
        "coalesce(floor_area_m2, 'NaN'::DOUBLE) AS floor_area_m2, "
        "coalesce(contracted_kw, 'NaN'::DOUBLE) AS contracted_kw "
        "FROM premises ORDER BY meter_id"
    ).fetchnumpy()
    as_str = lambda name: np.asarray(rows[name], dtype=object)  # noqa: E731
    as_float = lambda name: np.asarray(rows[name], dtype=np.float64)  # noqa: E731
    return PremisesIndex(
        as_str("meter_id"), as_str("premise_id"), as_str("category"), as_str("city"),
        as_float("floor_area_m2"), as_float("contracted_kw"), as_str("feeder_id"),
    )


_STORE_READINGS = f"""WITH {_METERS}
SELECT mi, epoch_us(ts) // 1000000 AS t, kwh, zero_as_missing
FROM readings JOIN meter_index USING (meter_id)
WHERE resolution <> '{BILLING}' {{where}}
ORDER BY mi, ts"""
BATCH_ROWS = 1 << 20  # readings per record batch fetched from DuckDB


class DuckDBEngine:
    """The Engine (engine.base) over a DuckDB store: readings from its `readings` table, in chunks of meters."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings):
        self.con = con
        self.settings = settings
        self._meters: MeterTable | None = None

    def meter_table(self) -> MeterTable:
        if self._meters is None:
            self._meters = meter_table(self.con)
        return self._meters

    def premises_index(self) -> PremisesIndex:
        return premises_index(self.con)

    def day_range(self, timezone: str) -> tuple[date, int]:
        return day_range(self.con, timezone)

    def billing_periods(self, timezone: str, first_day: date) -> BillingPeriods:
        return billing_periods(self.con, timezone, first_day)

    def feeder_matrix(self, settings: Settings, first_day: date, n_days: int) -> FeederMatrix:
        return feeder_matrix(self.con, settings, first_day, n_days)

    def map_chunks(self, kernel: ChunkKernel, meters_per_chunk: int, progress: Progress | None = None
                   ) -> dict[str, np.ndarray]:
        meters = self.meter_table()
        chunks = chunk_rows(np.flatnonzero(~meters.is_billing), meters_per_chunk)
        parts = []
        for chunk in cut_chunks(self._batches(""), chunks):
            parts.append((chunk.rows, kernel(chunk)))
            if progress is not None:
                progress(len(chunk.rows))
        return concat_outputs(parts)

    def readings(self, rows: np.ndarray) -> ReadingsChunk:
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        rows = rows[~self.meter_table().is_billing[rows]]
        wanted = ",".join(str(int(r)) for r in rows) or "-1"
        return next(cut_chunks(self._batches(f"AND mi IN ({wanted})"), [rows]))

    def _batches(self, where: str):
        reader = self.con.execute(_STORE_READINGS.format(where=where)).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            if batch.num_rows == 0:
                continue
            yield ReadingsBatch(
                batch.column(0).to_numpy().astype(np.int64, copy=False),
                batch.column(1).to_numpy().astype(np.int64, copy=False),
                batch.column(2).to_numpy(zero_copy_only=False).astype(np.float64, copy=False),
                batch.column(3).to_numpy(zero_copy_only=False).astype(bool, copy=False),
            )
