"""Night-time use per day: the hours a bypass is most often connected, on their own.

A bypass connected only at night (when no inspector calls, and lamps or heaters on it run) takes part of the
night's use and leaves the day's as it was. On daily totals that is a small fall whose daily shape changed, which
fusion's shape rule reads as a change of habits (a bypass of the whole supply scales every hour alike). The night
hours' own series shows it as the full fall it is: core.drop runs on it unchanged (scan.evidence) and fusion weighs
it beside the whole day's fall, without the shape rule (a night-only fall changes the shape by definition).

The band is the statutory night of most grids' night tariffs, 22:00-06:00 local time, not fitted to any planted
bypass: over the nine quality datasets bands of 0-6 h and 23-5 h gave nearly the same gains (docs/detectors.md).
"""

from __future__ import annotations

import numpy as np

NIGHT_HOURS = (22, 6)  # local clock hours [22:00, 06:00)
NIGHT_HOURS_PER_DAY = (NIGHT_HOURS[1] - NIGHT_HOURS[0]) % 24
# A night with more than half its hours missing has no level (a day's first or last read, a gap's edge)
MAX_MISSING_SHARE = 0.5


def night_hour_mask(hours: tuple[int, int] = NIGHT_HOURS) -> np.ndarray:
    """bool[24]: the local clock hours of the band (it may wrap past midnight)."""
    start, end = hours
    h = np.arange(24)
    return (h >= start) & (h < end) if start < end else (h >= start) | (h < end)


def night_band_kwh(hourly: np.ndarray, hours: tuple[int, int] = NIGHT_HOURS,
                   daily_kwh: np.ndarray | None = None) -> np.ndarray:
    """kWh/day at the band's mean rate (mean kW over its hours x 24) per meter-day, from `hourly` float[m, d, 24]
    (kW per local clock hour, NaN = missing); NaN where more than MAX_MISSING_SHARE of the band's hours are missing,
    and, given the meters' `daily_kwh` float[m, d], where the daily row has no level (a day under min_coverage), so
    the night series is judged on the same days as the day's.

    Scaled to a whole day so that core.drop's levels and lost kW read as they do on daily kWh: a fall of the result
    by 24 kWh/day is 1 kW less through the night hours. The hours are the night of the calendar day (00:00-06:00
    and 22:00-24:00 of the same date), so a DST day's skipped or doubled hour is one hour of the band like any other.
    """
    x = np.asarray(hourly, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != 24:
        raise ValueError(f"hourly must have shape (meters, days, 24), got {x.shape}")
    band = x[:, :, night_hour_mask(hours)]
    present = np.isfinite(band)
    n = present.sum(axis=2)
    total = np.where(present, band, 0.0).sum(axis=2)
    enough = (n >= band.shape[2] * (1.0 - MAX_MISSING_SHARE)) & (n > 0)
    if daily_kwh is not None:
        enough &= ~np.isnan(np.asarray(daily_kwh, dtype=np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough, total / n * 24.0, np.nan)
