"""Plain power theft: from a date the meter records only part of the load, nothing, or a stuck constant."""

from __future__ import annotations

import numpy as np

from .calendar import Grid, TimeAxis
from .cases import Case


def draw_theft(rng: np.random.Generator, row: int, axis: TimeAxis) -> Case:
    start = int(rng.uniform(0.3, 0.85) * axis.days)
    kind = str(rng.choice(["bypass", "stuck_zero", "flat"], p=[0.7, 0.15, 0.15]))
    end = axis.days - 1
    if kind != "bypass" and rng.random() < 0.4:  # a stuck meter is eventually found and replaced
        end = min(end, start + int(rng.integers(30, 150)))
    fraction = round(float(rng.uniform(0.3, 0.9)), 2) if kind == "bypass" else 1.0
    params = {"kind": kind, "bypassed_share": fraction, "_flat_factor": rng.uniform(0.3, 0.9)}
    return Case("theft", row, start, end, 0.0, round(1.0 - fraction, 2), True, params)


def metered_theft(grid: Grid, case: Case, true_row: np.ndarray, metered_row: np.ndarray) -> np.ndarray:
    """The meter's record under theft; never above the true load, so feeders always see at least the meters."""
    p = case.params
    during = (grid.day >= case.start_day) & (grid.day <= case.end_day)
    if p["kind"] == "bypass":
        stolen = metered_row * (1.0 - p["bypassed_share"])
    elif p["kind"] == "stuck_zero":
        stolen = np.zeros_like(metered_row)
    else:
        stolen = np.full_like(metered_row, true_row[during].min() * p["_flat_factor"] if during.any() else 0.0)
    return np.where(during, stolen, metered_row)
