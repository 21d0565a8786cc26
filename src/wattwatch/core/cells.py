"""Readings -> dense meter x local-day (x time-of-day slot) arrays, with counts, by one pass of bincount.

Input is one flat array per field (meter row, local wall-clock seconds, value), as an engine fetches it; output is
dense. Sums and counts come from np.bincount on a flat cell index: one pass, no sorting, no Python loop per meter.
"""

from __future__ import annotations

import numpy as np

DAY = 86400


def _day_index(local_s: np.ndarray, first_day_epoch: int) -> np.ndarray:
    return local_s // DAY - first_day_epoch


def daily_sums(
    row: np.ndarray, local_s: np.ndarray, value: np.ndarray, n_rows: int, first_day_epoch: int, n_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """(sum of value, count of readings) per row and local day; readings outside the days are ignored.

    first_day_epoch: the first local day as days since 1970-01-01.
    """
    day = _day_index(np.asarray(local_s, dtype=np.int64), first_day_epoch)
    inside = (day >= 0) & (day < n_days)
    cell = np.asarray(row, dtype=np.int64)[inside] * n_days + day[inside]
    size = n_rows * n_days
    sums = np.bincount(cell, weights=np.asarray(value, dtype=np.float64)[inside], minlength=size)
    counts = np.bincount(cell, minlength=size).astype(np.float64)
    return sums.reshape(n_rows, n_days), counts.reshape(n_rows, n_days)


def slot_means(
    row: np.ndarray,
    local_s: np.ndarray,
    value: np.ndarray,
    n_rows: int,
    first_day_epoch: int,
    n_days: int,
    slot_s: int,
) -> np.ndarray:
    """Mean of value per row, local day and time-of-day slot of slot_s seconds; NaN where no reading fell.

    A reading counts in the slot its start falls in. On the 25-hour DST day the repeated hour's readings land in the
    same slots and are averaged; on the 23-hour day the skipped hour's slots stay NaN.
    """
    local_s = np.asarray(local_s, dtype=np.int64)
    n_slots = DAY // slot_s
    day = _day_index(local_s, first_day_epoch)
    inside = (day >= 0) & (day < n_days)
    slot = (local_s[inside] % DAY) // slot_s
    cell = (np.asarray(row, dtype=np.int64)[inside] * n_days + day[inside]) * n_slots + slot
    size = n_rows * n_days * n_slots
    sums = np.bincount(cell, weights=np.asarray(value, dtype=np.float64)[inside], minlength=size)
    counts = np.bincount(cell, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return means.reshape(n_rows, n_days, n_slots)
