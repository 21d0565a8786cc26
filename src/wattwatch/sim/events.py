"""Ordinary life that changes a meter's level without anything wrong: vacations and new tenants."""

from __future__ import annotations

import numpy as np

from .calendar import Grid, TimeAxis
from .cases import Case


def draw_vacation(rng: np.random.Generator, row: int, axis: TimeAxis) -> Case:
    length = int(rng.integers(7, 22))
    start = int(rng.integers(0, max(1, axis.days - length)))
    return Case("normal", row, start, start + length - 1, visible=False,
                params={"event": "vacation", "level": rng.uniform(0.08, 0.35)})


def draw_new_tenant(rng: np.random.Generator, row: int, axis: TimeAxis) -> Case:
    start = int(rng.uniform(0.15, 0.9) * axis.days)
    vacant = int(rng.integers(3, 41))
    return Case("normal", row, start, min(axis.days - 1, start + vacant - 1), visible=False,
                params={"event": "new tenant", "vacant_days": vacant, "new_level": rng.uniform(0.5, 1.9)})


def apply_event(grid: Grid, case: Case, load: np.ndarray) -> np.ndarray:
    p = case.params
    during = (grid.day >= case.start_day) & (grid.day <= case.end_day)
    if p["event"] == "vacation":  # the fridge and standby stay on: a floor, not zero
        floor = np.quantile(load, 0.05)
        return np.where(during, np.maximum(load * p["level"], floor * 0.8), load)
    after = grid.day > case.end_day
    return np.where(during, load * 0.1, np.where(after, load * p["new_level"], load))
