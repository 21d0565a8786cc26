"""The DuckDB engine: aggregate the store's readings into dense numpy arrays with a few set-based queries.

Local days and hours come from `timezone(tz, ts)` on the stored UTC instants. Meters are indexed by their rank in
meter_id order (the same order as the `meters` table sorted), computed in SQL so no strings cross per reading.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np

from wattwatch.core.daily import local_day_hours, scale_to_full_days, spread_periods
from wattwatch.engine.matrices import DailyMatrix, HourlyMatrix, PremisesIndex
from wattwatch.settings import Settings

BILLING = "billing"
DEFAULT_BILLING_DAYS = 30  # period of a meter's only read, when it has no other read to take a median from

_METERS = """meter_index AS (
    SELECT meter_id, resolution, interval_minutes, row_number() OVER (ORDER BY meter_id) - 1 AS mi FROM meters
)"""

# Aggregate per meter and local day first, then attach meter indices to the (much smaller) result.
_INTERVAL_DAYS = f"""WITH {_METERS},
days AS (
    SELECT meter_id, CAST(timezone($tz, ts) AS DATE) AS day,
           coalesce(sum(kwh) FILTER (WHERE NOT zero_as_missing), 0.0) AS kwh,
           count(*) FILTER (WHERE NOT zero_as_missing) AS n
    FROM readings GROUP BY ALL
)
SELECT mi, datediff('day', $first::DATE, day) AS di, kwh, n
FROM days JOIN meter_index USING (meter_id)
WHERE resolution <> '{BILLING}'"""

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

_HOURLY = """SELECT r.meter_id,
       datediff('day', $first::DATE, CAST(timezone($tz, r.ts) AS DATE)) AS di,
       hour(timezone($tz, r.ts)) AS h,
       avg(r.kwh * 60.0 / m.interval_minutes) AS kw
FROM readings r JOIN meters m USING (meter_id)
WHERE r.meter_id IN (SELECT unnest($ids)) AND NOT r.zero_as_missing AND m.resolution <> '""" + BILLING + """'
GROUP BY ALL"""


def day_range(con: duckdb.DuckDBPyConnection, tz: str) -> tuple[date, int]:
    """First local day with a reading and the number of days to the last one (0 when there are no readings)."""
    first, last = con.execute(
        "SELECT CAST(timezone($tz, min(ts)) AS DATE), CAST(timezone($tz, max(ts)) AS DATE) FROM readings", {"tz": tz}
    ).fetchone()
    if first is None:
        return date(1970, 1, 1), 0
    return first, (last - first).days + 1


def daily_matrix(con: duckdb.DuckDBPyConnection, settings: Settings) -> DailyMatrix:
    """kWh per meter and local day for every meter in the store (see DailyMatrix)."""
    tz = settings.timezone
    meters = con.execute(
        "SELECT meter_id, resolution, coalesce(interval_minutes, 0) AS minutes FROM meters ORDER BY meter_id"
    ).fetchnumpy()
    meter_ids = np.asarray(meters["meter_id"], dtype=object)
    is_billing = np.asarray(meters["resolution"] == BILLING, dtype=bool)
    first_day, n_days = day_range(con, tz)
    shape = (len(meter_ids), n_days)
    params = {"tz": tz, "first": first_day}

    cells = con.execute(_INTERVAL_DAYS, params).fetchnumpy()
    mi, di = cells["mi"].astype(np.int64), cells["di"].astype(np.int64)
    kwh_sum = np.zeros(shape)
    n_present = np.zeros(shape)
    kwh_sum[mi, di] = cells["kwh"]
    n_present[mi, di] = cells["n"]
    per_hour = np.where(is_billing, 0.0, 60.0 / np.maximum(np.asarray(meters["minutes"], dtype=np.float64), 1.0))
    n_expected = per_hour[:, None] * local_day_hours(first_day, n_days, tz)[None, :]
    kwh, coverage = scale_to_full_days(kwh_sum, n_present, n_expected, settings.min_coverage)

    if is_billing.any():
        periods = con.execute(_BILLING_PERIODS, params).fetchnumpy()
        billing_kwh, billing_coverage = spread_periods(
            periods["mi"].astype(np.int64),
            periods["start_day"].astype(np.int64),
            periods["end_day"].astype(np.int64),
            np.asarray(periods["kwh"], dtype=np.float64),
            shape,
        )
        kwh = np.where(is_billing[:, None], billing_kwh, kwh)
        coverage = np.where(is_billing[:, None], billing_coverage, coverage)
    return DailyMatrix(meter_ids, first_day, kwh, coverage, is_billing)


def hourly_matrix(
    con: duckdb.DuckDBPyConnection, meter_ids: list[str], settings: Settings, first_day: date, n_days: int
) -> HourlyMatrix:
    """Average kW per local hour for a few meters (the report's heatmaps); billing meters stay all NaN.

    On the 25-hour DST day the repeated hour averages its two passes, so a block does not look doubled.
    """
    ids = np.asarray(meter_ids, dtype=object)
    kw = np.full((len(ids), n_days, 24), np.nan)
    if len(ids) and n_days:
        cells = con.execute(
            _HOURLY, {"tz": settings.timezone, "first": first_day, "ids": [str(i) for i in ids]}
        ).fetchnumpy()
        order = np.argsort(ids)
        row = order[np.searchsorted(ids[order], np.asarray(cells["meter_id"], dtype=object))]
        di = cells["di"].astype(np.int64)
        inside = (di >= 0) & (di < n_days)
        kw[row[inside], di[inside], cells["h"].astype(np.int64)[inside]] = np.asarray(cells["kw"])[inside]
    return HourlyMatrix(ids, first_day, kw)


def premises_index(con: duckdb.DuckDBPyConnection) -> PremisesIndex:
    """Meter -> premises with category and city; personal fields are never read here."""
    rows = con.execute(
        "SELECT meter_id, premise_id, category, coalesce(city, '') AS city FROM premises ORDER BY meter_id"
    ).fetchnumpy()
    as_str = lambda name: np.asarray(rows[name], dtype=object)  # noqa: E731
    return PremisesIndex(as_str("meter_id"), as_str("premise_id"), as_str("category"), as_str("city"))
