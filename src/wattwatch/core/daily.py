"""Daily kWh from per-day sums: local-day lengths, coverage scaling, and billing periods spread over days.

Pure numpy (plus zoneinfo for the calendar); the engines call these after aggregating readings per meter and day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np


def local_day_hours(first_day: date, n_days: int, tz: str) -> np.ndarray:
    """Length in hours of each local day from `first_day`: 24, or 23/25 on DST changes (float64[n_days]).

    One loop over calendar days, not meters: a few hundred iterations per scan.
    """
    zone = ZoneInfo(tz)
    midnights = [
        datetime.combine(first_day + timedelta(days=i), time(0), zone).astimezone(timezone.utc)
        for i in range(n_days + 1)
    ]
    return np.array([(b - a).total_seconds() / 3600.0 for a, b in zip(midnights, midnights[1:])], dtype=np.float64)


def scale_to_full_days(
    kwh_sum: np.ndarray, n_present: np.ndarray, n_expected: np.ndarray, min_coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Daily kWh and coverage from the sum and count of the readings present each day.

    Coverage = present / expected intervals (capped at 1). A day under `min_coverage` is NaN; a day above it is
    scaled up to a full day (sum / coverage), so a few missing intervals do not read as lower use.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(n_expected > 0, np.minimum(n_present / n_expected, 1.0), 0.0)
        kwh = np.where((coverage >= min_coverage) & (coverage > 0), kwh_sum / coverage, np.nan)
    return kwh, coverage


def spread_periods(
    rows: np.ndarray, start_day: np.ndarray, end_day: np.ndarray, kwh: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Spread each period's kWh evenly over its days [start_day, end_day) of row `rows` (billing reads).

    Returns (daily kWh with NaN on days no period covers, coverage 0/1). Periods are clipped to the matrix;
    vectorised with difference arrays: +rate at a period's first day, -rate after its last, cumulative sum.
    """
    n_rows, n_days = shape
    start = np.clip(start_day, 0, n_days)
    end = np.clip(np.maximum(end_day, start_day + 1), 0, n_days)
    keep = end > start
    rows, start, end = rows[keep], start[keep], end[keep]
    rate = kwh[keep] / (end_day[keep] - start_day[keep]).clip(min=1)  # per day of the whole period, clipped or not
    energy = np.zeros((n_rows, n_days + 1))
    covered = np.zeros((n_rows, n_days + 1), dtype=np.int64)
    np.add.at(energy, (rows, start), rate)
    np.add.at(energy, (rows, end), -rate)
    np.add.at(covered, (rows, start), 1)
    np.add.at(covered, (rows, end), -1)
    on = np.cumsum(covered, axis=1)[:, :n_days] > 0
    daily = np.where(on, np.cumsum(energy, axis=1)[:, :n_days], np.nan)
    return daily, on.astype(np.float64)
