"""Vectorised checks on raw interval readings, for input that skips the row-by-row ingest (Parquet to the scan).

Every reading gets one fault code (0 = accepted), the most basic that applies, so rows in = accepted + rejected and
each rejected row carries exactly one reason.
"""

from __future__ import annotations

import numpy as np

# Fault codes, most basic first; the engine names them with ingest's reason codes (wattwatch.ingest.reasons).
OK, MISSING, UNKNOWN, NOT_FINITE, NEGATIVE, ABSURD, SAME_AGAIN, CONFLICT = range(8)


def row_faults(meter_row: np.ndarray, has_time: np.ndarray, kwh: np.ndarray, has_kwh: np.ndarray,
               max_kwh: float) -> np.ndarray:
    """int8 fault per reading from its own fields: meter row -2 = no meter id, -1 = not in the register;
    `has_time`/`has_kwh` False where the field was null; kWh above `max_kwh` is absurd."""
    meter_row = np.asarray(meter_row)
    kwh = np.asarray(kwh, dtype=np.float64)
    fault = np.zeros(meter_row.size, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        rules = (
            (ABSURD, kwh > max_kwh),
            (NEGATIVE, kwh < 0),
            (NOT_FINITE, ~np.isfinite(kwh) & has_kwh),
            (UNKNOWN, meter_row == -1),
            (MISSING, (meter_row == -2) | ~np.asarray(has_time, bool) | ~np.asarray(has_kwh, bool)),
        )
    for code, hit in rules:  # last assignment wins: the list runs from the least to the most basic fault
        fault[hit] = code
    return fault


def duplicate_faults(meter_row: np.ndarray, utc_seconds: np.ndarray, kwh: np.ndarray) -> np.ndarray:
    """int8 fault per reading sorted by (meter, time): a repeat of the previous reading's meter and time is a
    duplicate when its kWh agrees with the first one's, a conflicting duplicate when not; the first one is kept."""
    meter_row = np.asarray(meter_row)
    t = np.asarray(utc_seconds)
    fault = np.zeros(meter_row.size, dtype=np.int8)
    if meter_row.size < 2:
        return fault
    again = np.r_[False, (meter_row[1:] == meter_row[:-1]) & (t[1:] == t[:-1])]
    if not again.any():
        return fault
    first = np.maximum.accumulate(np.where(~again, np.arange(meter_row.size), 0))
    kwh = np.asarray(kwh, dtype=np.float64)
    fault[again] = np.where(kwh[again] == kwh[first[again]], SAME_AGAIN, CONFLICT)
    return fault
