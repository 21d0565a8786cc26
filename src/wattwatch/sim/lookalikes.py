"""Look-alikes: legitimate loads that a careless detector mistakes for a grow.

crypto (flat 24/7), ev (night charging, not every day), night_shift (weekday nights), heating (electric heating
and cooling, temperature driven), growth (a business that grows: same shape, scaled), greenhouse (licensed
agricultural lighting, 12-18 h blocks in the dark season).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .blocks import block_fraction, clock_seconds
from .calendar import HOUR_S, Grid, TimeAxis, daylength_hours
from .cases import Case
from .registry import Registry
from .weather import hourly_temperature

ELIGIBLE: dict[str, tuple[str, ...]] = {
    "crypto": ("residential", "commercial", "industrial", "other"),
    "ev": ("residential", "commercial"),
    "night_shift": ("commercial", "industrial"),
    "heating": ("residential", "commercial", "public"),
    "growth": ("commercial", "industrial"),
    "greenhouse": ("agricultural",),
}


def _start(rng: np.random.Generator, days: int, share_from_beginning: float) -> int:
    return 0 if rng.random() < share_from_beginning else int(rng.uniform(0.3, 0.85) * days)


def draw_lookalike(rng: np.random.Generator, label: str, reg: Registry, row: int, axis: TimeAxis) -> Case:
    days, mean_kw = axis.days, float(reg.mean_kw[row])
    end = days - 1
    if label == "crypto":
        kw = rng.uniform(1, 5) if reg.category[row] == "residential" else rng.uniform(2, 15)
        outages = rng.choice(days, int(rng.integers(0, 5)), replace=False)
        p = {"added_kw": kw, "outage_days": outages}
        return Case(label, row, _start(rng, days, 0.2), end, params=p)
    if label == "ev":
        p = {"added_kw": float(rng.choice([7.4, 11.0])) * rng.uniform(0.9, 1.0),
             "days_per_week": int(rng.integers(2, 6)), "scheduled": bool(rng.random() < 0.4)}
        return Case(label, row, _start(rng, days, 0.25), end, params=p)
    if label == "night_shift":
        p = {"added_kw": mean_kw * rng.uniform(0.6, 2.0), "shift_start": rng.uniform(20, 23.5),
             "shift_hours": rng.uniform(7, 9)}
        return Case(label, row, _start(rng, days, 0.1), end, params=p)
    if label == "heating":
        p = {"kw_per_degree": max(0.15, mean_kw * rng.uniform(0.15, 0.45)), "threshold_c": rng.uniform(14.5, 18),
             "cooling": bool(rng.random() < 0.5), "history": bool(rng.random() < 0.5)}
        start = 0 if p["history"] else int(rng.uniform(0.4, 0.85) * days)
        return Case(label, row, start, end, params=p)
    if label == "growth":
        p = {"factor": rng.uniform(1.3, 2.5), "ramp_days": 0 if rng.random() < 0.5 else int(rng.integers(30, 121))}
        return Case(label, row, int(rng.uniform(0.3, 0.85) * days), end, params=p)
    if label == "greenhouse":
        p = {"added_kw": rng.uniform(10, 150), "hours": rng.uniform(12, 18),
             "lights_on": rng.uniform(0, 6) if rng.random() < 0.7 else rng.uniform(15, 19),
             "season_daylength_below": rng.uniform(11.5, 13)}
        case = Case(label, row, 0, end, params=p)
        case.lamp_kw = round(p["added_kw"], 3)
        return case
    raise ValueError(label)


Apply = Callable[[np.random.Generator, TimeAxis, Grid, Case, np.ndarray, np.ndarray], np.ndarray]


def _active(grid: Grid, case: Case) -> np.ndarray:
    return (grid.day >= case.start_day) & (grid.day <= case.end_day)


def _crypto(rng, axis, grid, case, load, temp):  # noqa: ANN001 - signature fixed by Apply
    p = case.params
    running = _active(grid, case) & ~np.isin(grid.day, p["outage_days"])
    return load + p["added_kw"] * running * (1 + rng.normal(0, 0.015, len(grid)))


def _nightly(axis: TimeAxis, grid: Grid, start_h: np.ndarray, hours: np.ndarray, level: np.ndarray) -> np.ndarray:
    clock = clock_seconds(grid, axis, np.array([True]))
    return block_fraction(clock, grid.step_s, (start_h * HOUR_S)[None, :], (hours * HOUR_S)[None, :],
                          level[None, :])[0]


def _ev(rng, axis, grid, case, load, temp):  # noqa: ANN001
    p, days = case.params, axis.days
    d = np.arange(days)
    charging = (rng.random(days) < p["days_per_week"] / 7) & (d >= case.start_day)
    start = (rng.uniform(22.5, 23.5, days) if p["scheduled"] else rng.uniform(18, 26, days)) % 24
    hours = rng.uniform(1, 5, days) * charging
    return load + p["added_kw"] * _nightly(axis, grid, start, hours, np.ones(days))


def _night_shift(rng, axis, grid, case, load, temp):  # noqa: ANN001
    p, days = case.params, axis.days
    working = (axis.weekday < 5) & ~axis.holiday & (np.arange(days) >= case.start_day)
    start = np.full(days, p["shift_start"]) + rng.normal(0, 0.1, days)
    hours = np.full(days, p["shift_hours"]) * working
    level = rng.uniform(0.85, 1.1, days)
    return load + p["added_kw"] * _nightly(axis, grid, start, hours, level)


def _heating(rng, axis, grid, case, load, temp):  # noqa: ANN001
    p = case.params
    t = hourly_temperature(temp[None, :], grid.day, grid.hour, rng.uniform(3.5, 6))[0]
    heat = np.maximum(0, p["threshold_c"] - t) * p["kw_per_degree"]
    cool = np.maximum(0, t - (p["threshold_c"] + 8)) * p["kw_per_degree"] * p["cooling"]
    cycling = np.clip(1 + rng.normal(0, 0.25, len(grid)), 0, None)  # thermostats switch on and off
    return load + (heat + cool) * cycling * _active(grid, case)


def _growth(rng, axis, grid, case, load, temp):  # noqa: ANN001
    p = case.params
    progress = np.clip((grid.day - case.start_day + 1) / max(p["ramp_days"], 1), 0, 1)
    return load * (1 + (p["factor"] - 1) * progress)


def _greenhouse(rng, axis, grid, case, load, temp):  # noqa: ANN001
    p, days = case.params, axis.days
    daylength = daylength_hours(axis.doy)
    lit = (daylength < p["season_daylength_below"]) & (rng.random(days) < 0.96)
    start = np.full(days, p["lights_on"]) + rng.normal(0, 0.05, days)
    return load + p["added_kw"] * _nightly(axis, grid, start, np.full(days, p["hours"]) * lit, np.ones(days))


APPLY: dict[str, Apply] = {"crypto": _crypto, "ev": _ev, "night_shift": _night_shift, "heating": _heating,
                           "growth": _growth, "greenhouse": _greenhouse}


def first_lit_day(case: Case, axis: TimeAxis) -> int:
    """Greenhouse lighting starts with the dark season, not on day 0."""
    daylength = daylength_hours(axis.doy)
    lit = np.flatnonzero(daylength < case.params["season_daylength_below"])
    return int(lit[0]) if len(lit) else case.start_day
