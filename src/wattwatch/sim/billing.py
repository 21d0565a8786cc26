"""Monthly billing reads: one row per billing period (28-33 days, irregular), stamped at the period's start."""

from __future__ import annotations

import numpy as np

from .calendar import TimeAxis


def billing_periods(rng: np.random.Generator, axis: TimeAxis) -> np.ndarray:
    """Local day indices where one meter's periods start; the last entry closes the last full period."""
    starts = [int(rng.integers(0, 15))]
    while starts[-1] + 33 < axis.days:
        starts.append(starts[-1] + int(rng.integers(28, 34)))
    return np.array(starts)


def billing_reads(rng: np.random.Generator, axis: TimeAxis, hourly_kwh: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, period start UTC s, kWh) for every meter row of hourly_kwh (rows, hours on the axis)."""
    cum = np.concatenate([np.zeros((len(hourly_kwh), 1)), np.cumsum(hourly_kwh, axis=1, dtype=np.float64)], axis=1)
    rows, starts, kwh = [], [], []
    for i in range(len(hourly_kwh)):  # a few periods per meter
        bounds = axis.day_start_utc(billing_periods(rng, axis))
        h = (bounds - axis.start_utc_s) // 3600
        rows.append(np.full(len(h) - 1, i))
        starts.append(bounds[:-1])
        kwh.append(cum[i, h[1:]] - cum[i, h[:-1]])
    return np.concatenate(rows), np.concatenate(starts), np.round(np.concatenate(kwh), 2)
