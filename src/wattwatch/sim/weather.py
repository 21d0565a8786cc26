"""Daily mean temperature per city: a seasonal curve, a city offset and shared weather anomalies."""

from __future__ import annotations

import numpy as np

from .calendar import TimeAxis


def daily_temperature(rng: np.random.Generator, axis: TimeAxis, city_offsets: np.ndarray) -> np.ndarray:
    """(cities, days) daily mean temperature in deg C; Tirana-like climate (Jan ~7, Jul ~25)."""
    mean = rng.uniform(15.0, 16.5)
    swing = rng.uniform(8.0, 10.0)
    seasonal = mean - swing * np.cos(2 * np.pi * (axis.doy - rng.uniform(15, 25)) / 365.25)
    phi = rng.uniform(0.7, 0.85)
    shocks = rng.normal(0.0, rng.uniform(1.5, 2.2), axis.days)
    anomaly = np.empty(axis.days)
    level = 0.0
    for i, s in enumerate(shocks):  # one value per day: an AR(1) weather front, cheap to iterate
        level = phi * level + s
        anomaly[i] = level
    local = rng.normal(0.0, 0.8, (len(city_offsets), axis.days))
    return (seasonal + anomaly)[None, :] + np.asarray(city_offsets)[:, None] + local


def hourly_temperature(daily: np.ndarray, day: np.ndarray, hour: np.ndarray, amplitude: float) -> np.ndarray:
    """Temperature at each interval: the day's mean plus a daily cycle peaking mid-afternoon."""
    return daily[:, day] + amplitude * np.cos(2 * np.pi * (hour - 15.0) / 24.0)[None, :]
