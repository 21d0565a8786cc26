"""Ordinary consumption per kind of premises: daily, weekly and seasonal shapes with per-premises randomness.

Every shape parameter is drawn per premises from a plausible range, so no two premises share a curve and
a detector cannot learn the simulator's constants. Shapes are built as (premises x intervals) matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .calendar import Grid, TimeAxis, daylength_hours
from .registry import Registry
from .weather import hourly_temperature


@dataclass(frozen=True)
class Context:
    """Per-interval calendar facts that shapes are built from; all arrays have one entry per interval."""

    hour: np.ndarray  # local hour, interval midpoint
    weekday: np.ndarray
    offday: np.ndarray  # Sunday or public holiday
    saturday: np.ndarray
    school_break: np.ndarray
    daylength: np.ndarray  # hours of daylight
    sunrise: np.ndarray  # local hour
    sunset: np.ndarray
    summer: np.ndarray  # 0..1 irrigation / cooling season weight


def context(axis: TimeAxis, grid: Grid) -> Context:
    d = grid.day
    doy = axis.doy[d]
    daylength = daylength_hours(doy)
    noon = 11.7 + (grid.offset_s - axis.std_offset_s) / 3600.0  # solar noon at ~19.8 E, shifted by DST
    weekday = axis.weekday[d]
    summer = np.clip(np.sin(2 * np.pi * (doy - 100) / 365.25) * 1.6, 0, 1)
    return Context(grid.hour, weekday, (weekday == 6) | axis.holiday[d], weekday == 5, axis.school_break[d],
                   daylength, noon - daylength / 2, noon + daylength / 2, summer)


def bump(hour: np.ndarray, center: np.ndarray, width: np.ndarray) -> np.ndarray:
    """A daily Gaussian bump on the 24 h circle; center and width per row (or per row and interval)."""
    center = center if center.ndim == 2 else center[:, None]
    width = width if width.ndim == 2 else width[:, None]
    d = (hour[None, :] - center + 12.0) % 24.0 - 12.0
    return np.exp(-0.5 * (d / width) ** 2)


def window(hour: np.ndarray, open_h: np.ndarray, close_h: np.ndarray, edge: float = 0.25) -> np.ndarray:
    """About 1 between opening and closing hour (closing may pass midnight), soft edges of `edge` hours."""
    since_open = (hour[None, :] - open_h[:, None]) % 24.0
    length = ((close_h - open_h) % 24.0)[:, None]
    inside = since_open < length
    signed = np.where(inside, np.minimum(since_open, length - since_open),
                      -np.minimum(since_open - length, 24.0 - since_open))
    return 1.0 / (1.0 + np.exp(-signed / edge))


def _u(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def residential(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    late = _u(rng, 0.5, 2.0, n)[:, None] * c.offday[None, :]  # people get up later on Sundays and holidays
    morning = _u(rng, 0.3, 1.4, n)[:, None] * bump(c.hour, _u(rng, 6.0, 8.5, n)[:, None] + late,
                                                   _u(rng, 0.7, 1.4, n))
    dark = 1 + _u(rng, 0.05, 0.35, n)[:, None] * ((12.5 - c.daylength) / 3.0)[None, :]
    evening = _u(rng, 1.0, 2.5, n)[:, None] * bump(c.hour, _u(rng, 18.5, 21.5, n), _u(rng, 1.3, 2.6, n)) * dark
    home = _u(rng, 0.05, 0.9, n)[:, None] + late * _u(rng, 0.3, 0.9, n)[:, None]
    midday = home * window(c.hour, _u(rng, 9.0, 11.0, n), _u(rng, 16.0, 18.0, n), 0.8)
    night = _u(rng, 0.2, 0.55, n)[:, None]
    return night + morning + evening + midday


def _opening(rng: np.random.Generator, n: int, c: Context, open_lo: float, open_hi: float, close_lo: float,
             close_hi: float, sat: float, sun: float, holiday_open: float) -> np.ndarray:
    """Open-hours indicator with per-premises hours; Saturdays/Sundays/holidays open with given probabilities."""
    o = _u(rng, open_lo, open_hi, n)
    cl = _u(rng, close_lo, close_hi, n)
    weekday_open = window(c.hour, o, cl, 0.2)
    sat_close = cl - rng.uniform(0, 4, n) * (rng.random(n) < 0.5)
    sat_open = window(c.hour, o, sat_close, 0.2) * (rng.random(n) < sat)[:, None]
    sun_open = window(c.hour, o + 1, cl - 2, 0.2) * (rng.random(n) < sun)[:, None]
    out = np.where(c.saturday[None, :], sat_open, weekday_open)
    out = np.where((c.weekday == 6)[None, :], sun_open, out)
    holiday = c.offday & (c.weekday != 6)
    return np.where(holiday[None, :], out * (rng.random(n) < holiday_open)[:, None], out)


def _business(base_lo: float, base_hi: float, *hours: float) -> Callable[[np.random.Generator, int, Context],
                                                                         np.ndarray]:
    def shape(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
        base = _u(rng, base_lo, base_hi, n)[:, None]
        busy = _opening(rng, n, c, *hours)
        lunch = _u(rng, 0.0, 0.3, n)[:, None] * bump(c.hour, _u(rng, 12, 14, n), np.full(n, 1.2))
        return base + (1 - base) * busy * (1 + lunch)
    return shape


def factory(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    shifts = rng.choice([1, 2, 3], n, p=[0.45, 0.35, 0.2])
    start = _u(rng, 5.5, 7.5, n)
    end = np.where(shifts == 3, start - 0.01, start + 8.0 * shifts)
    running = window(c.hour, start, end % 24, 0.3)
    running = np.where((shifts == 3)[:, None], 1.0, running)
    sat = rng.random(n) < 0.4
    workday = ~c.offday[None, :] & (~c.saturday[None, :] | sat[:, None])
    base = _u(rng, 0.12, 0.4, n)[:, None]
    return base + (1 - base) * running * workday


def warehouse(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    base = _u(rng, 0.3, 0.6, n)[:, None]
    busy = _opening(rng, n, c, 5.5, 8.0, 15.0, 19.0, 0.6, 0.05, 0.1)
    return base + (1 - base) * busy


def farm(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    milking = bump(c.hour, _u(rng, 5, 7, n), np.full(n, 0.8)) + bump(c.hour, _u(rng, 17, 19.5, n), np.full(n, 0.8))
    return _u(rng, 0.3, 0.6, n)[:, None] + _u(rng, 0.3, 1.2, n)[:, None] * milking


def irrigation(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    """Pumps in the dry season, often at night on cheap power; days skipped after rain (per-day randomness)."""
    night = rng.random(n) < 0.5
    start = np.where(night, _u(rng, 20, 24, n), _u(rng, 5, 9, n))
    pumping = window(c.hour, start, (start + _u(rng, 3, 9, n)) % 24, 0.15)
    return 0.03 + pumping * c.summer[None, :] ** _u(rng, 0.5, 2.0, n)[:, None]


def school(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    two_shifts = rng.random(n) < 0.35
    close = np.where(two_shifts, _u(rng, 17.5, 19, n), _u(rng, 13.5, 15.5, n))
    teaching = window(c.hour, _u(rng, 7.3, 8.0, n), close, 0.25)
    term = ~(c.school_break | c.offday | c.saturday)
    base = _u(rng, 0.08, 0.2, n)[:, None]
    return base + teaching * np.where(term, 1.0, _u(rng, 0.0, 0.15, n)[:, None])


def streetlight(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    """On from dusk to dawn by light sensor, some dimmed after midnight."""
    delay = _u(rng, -0.3, 0.3, n)[:, None]
    after_dusk = (c.hour[None, :] - c.sunset[None, :] - delay) % 24
    night_len = (24 - c.daylength)[None, :] + 2 * delay
    on = (after_dusk < night_len).astype(np.float32)
    dim = np.where(rng.random(n) < 0.4, _u(rng, 0.4, 0.7, n), 1.0)[:, None]
    late = (c.hour[None, :] > 0.5) & (c.hour[None, :] < 5.0)
    return 0.01 + on * np.where(late, dim, 1.0)


def hospital(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    return _u(rng, 0.55, 0.8, n)[:, None] + _u(rng, 0.2, 0.5, n)[:, None] * window(c.hour, np.full(n, 8.0),
                                                                                  np.full(n, 18.0), 1.0)


def telecom(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    return np.ones((n, len(c.hour)), np.float32) + 0.15 * c.summer[None, :] * _u(rng, 0.3, 1.0, n)[:, None]


def worship(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    mosque = rng.random(n) < 0.6
    day = np.where(mosque[:, None], (c.weekday == 4)[None, :], (c.weekday == 6)[None, :])
    service = bump(c.hour, np.where(mosque, 12.5, 10.0), np.full(n, 1.0)) * day
    return _u(rng, 0.1, 0.3, n)[:, None] + service + 0.3 * bump(c.hour, _u(rng, 18, 20, n), np.full(n, 1.5))


def pump(rng: np.random.Generator, n: int, c: Context) -> np.ndarray:
    duty = _u(rng, 0.3, 0.8, n)[:, None] * (1 + 0.3 * c.summer[None, :])
    return 0.05 + (rng.random((n, len(c.hour))) < duty)


SHAPES: dict[str, Callable[[np.random.Generator, int, Context], np.ndarray]] = {
    "flat": residential, "house": residential,
    "shop": _business(0.1, 0.35, 7.5, 10.0, 18.0, 21.0, 0.85, 0.25, 0.2),
    "cafe": _business(0.2, 0.4, 6.5, 8.5, 22.0, 24.5, 0.95, 0.9, 0.8),
    "office": _business(0.15, 0.35, 7.5, 9.0, 16.0, 18.5, 0.2, 0.02, 0.05),
    "supermarket": _business(0.45, 0.65, 7.0, 8.0, 21.0, 23.0, 1.0, 0.8, 0.5),
    "factory": factory,
    "workshop": _business(0.05, 0.2, 7.0, 8.5, 15.0, 17.0, 0.5, 0.02, 0.05),
    "warehouse": warehouse, "farm": farm, "irrigation": irrigation, "school": school,
    "streetlight": streetlight, "hospital": hospital, "telecom": telecom, "worship": worship,
    "garage": _business(0.05, 0.2, 7.5, 9.0, 17.0, 19.0, 0.7, 0.1, 0.1), "pump": pump,
}
NOISE = {"flat": 0.35, "house": 0.3}  # interval noise (log-sd at 60 min); others default to 0.08


def climate_load(rng: np.random.Generator, reg: Registry, temp_hourly: np.ndarray, share_heat: float,
                 share_cool: float, c: Context) -> np.ndarray:
    """Electric heating and air conditioning in part of the population: kW driven by the temperature."""
    n = len(reg)
    people = np.isin(reg.category, ("residential", "commercial", "public")) & (reg.subtype != "streetlight")
    heat = (rng.random(n) < share_heat) & people
    cool = (rng.random(n) < share_cool) & (people | (reg.subtype == "telecom"))
    per_degree = reg.mean_kw * rng.uniform(0.03, 0.12, n)
    heat_base = rng.uniform(14.0, 17.5, n)[:, None]
    cool_base = rng.uniform(23.5, 27.0, n)[:, None]
    occupied = 0.5 + bump(c.hour, rng.uniform(6.5, 8.5, n), np.full(n, 1.5)) + bump(
        c.hour, rng.uniform(18, 21, n), np.full(n, 2.5))
    h = np.maximum(0, heat_base - temp_hourly) * (heat * per_degree)[:, None] * occupied
    k = np.maximum(0, temp_hourly - cool_base) * (cool * per_degree * rng.uniform(0.8, 1.6, n))[:, None]
    return (h + k).astype(np.float32)


def base_load(rng: np.random.Generator, axis: TimeAxis, grid: Grid, reg: Registry, daily_temp: np.ndarray,
              share_heat: float, share_cool: float) -> np.ndarray:
    """(meters, T) float32 kW of ordinary consumption, mean close to reg.mean_kw before climate load."""
    c = context(axis, grid)
    n, T = len(reg), len(grid)
    shape = np.empty((n, T), np.float32)
    for sub in np.unique(reg.subtype):
        rows = np.flatnonzero(reg.subtype == sub)
        shape[rows] = SHAPES[sub](rng, len(rows), c)
    shape /= shape.mean(axis=1, keepdims=True)
    days = axis.days
    day_sd = np.where(reg.category == "residential", rng.uniform(0.1, 0.25, n), rng.uniform(0.03, 0.1, n))
    drift = np.cumsum(rng.normal(0, 0.012, (n, days)), axis=1)
    day_factor = np.exp(rng.normal(0, 1, (n, days)) * day_sd[:, None] + drift - drift.mean(axis=1, keepdims=True))
    sd = np.array([NOISE.get(s, 0.08) for s in reg.subtype]) * rng.uniform(0.7, 1.3, n)
    sd = sd * np.sqrt(grid.steps_per_hour)  # finer intervals average fewer appliance cycles
    noise = np.exp(rng.standard_normal((n, T), dtype=np.float32) * sd[:, None].astype(np.float32)
                   - (sd[:, None] ** 2 / 2).astype(np.float32))
    load = shape * day_factor[:, grid.day].astype(np.float32) * noise * reg.mean_kw[:, None].astype(np.float32)
    load += appliance_spikes(rng, reg, shape, grid)
    temp = hourly_temperature(daily_temp[reg.city], grid.day, grid.hour, rng.uniform(3.5, 6.0))
    load += climate_load(rng, reg, temp, share_heat, share_cool, c)
    return np.maximum(load, 0.02 * reg.mean_kw[:, None].astype(np.float32))


def appliance_spikes(rng: np.random.Generator, reg: Registry, shape: np.ndarray, grid: Grid) -> np.ndarray:
    """Kettles, ovens, washing machines: short random bursts in households, more when people are active."""
    homes = np.flatnonzero(reg.category == "residential")
    out = np.zeros(shape.shape, np.float32)
    if len(homes) == 0:
        return out
    step_h = grid.step_s / 3600.0
    rate = rng.uniform(0.05, 0.3, len(homes))[:, None] * shape[homes] * step_h
    counts = rng.poisson(rate)
    kwh = rng.gamma(np.maximum(counts, 1e-9), rng.uniform(0.15, 0.45, len(homes))[:, None]) * (counts > 0)
    out[homes] = (kwh / step_h).astype(np.float32)
    return out
