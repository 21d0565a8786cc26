"""Which premises get which case, and laying the cases onto a group's load matrices."""

from __future__ import annotations

import numpy as np

from .calendar import Grid, TimeAxis
from .cases import Case, pick_rows
from .config import CityConfig
from .events import apply_event, draw_new_tenant, draw_vacation
from .grow import draw_grow, grow_load, metered_grow
from .lookalikes import APPLY, ELIGIBLE, draw_lookalike, first_lit_day
from .registry import Registry
from .theft import draw_theft, metered_theft

GROW_CATEGORIES = ("residential", "commercial", "industrial")
THEFT_CATEGORIES = ("residential", "commercial", "industrial", "other")
NOT_FOR_CASES = ("streetlight", "telecom", "pump", "worship")


def choose_cases(rng: np.random.Generator, reg: Registry, axis: TimeAxis, config: CityConfig) -> list[Case]:
    """At most one case per premises, planted on its primary meter."""
    n = int(reg.primary.sum())
    cat = reg.category
    base = reg.primary & ~np.isin(reg.subtype, NOT_FOR_CASES)
    taken = np.zeros(len(reg), bool)
    cases: list[Case] = []
    grow_ok = base & (np.isin(cat, GROW_CATEGORIES) | (reg.subtype == "garage"))
    cases += [draw_grow(rng, reg, int(r), axis) for r in pick_rows(rng, grow_ok, taken, config.grow_rate, n)]
    for label, cats in ELIGIBLE.items():
        ok = base & np.isin(cat, cats)
        for r in pick_rows(rng, ok, taken, config.lookalike_rate, n):
            case = draw_lookalike(rng, label, reg, int(r), axis)
            if label == "greenhouse":
                case.start_day = first_lit_day(case, axis)
            cases.append(case)
    theft_ok = base & np.isin(cat, THEFT_CATEGORIES)
    cases += [draw_theft(rng, int(r), axis) for r in pick_rows(rng, theft_ok, taken, config.theft_rate, n)]
    homes = base & (cat == "residential")
    cases += [draw_vacation(rng, int(r), axis) for r in pick_rows(rng, homes, taken, config.vacation_rate, n)]
    movers = base & np.isin(cat, ("residential", "commercial"))
    cases += [draw_new_tenant(rng, int(r), axis) for r in pick_rows(rng, movers, taken, config.new_tenant_rate, n)]
    return cases


def apply_cases(rng: np.random.Generator, axis: TimeAxis, grid: Grid, rows: np.ndarray, cases: list[Case],
                base: np.ndarray, daily_temp: np.ndarray, reg: Registry) -> tuple[np.ndarray, np.ndarray]:
    """(true, metered) kW matrices for the group's meters `rows`, from their ordinary load `base` (modified)."""
    position = {int(r): i for i, r in enumerate(rows)}
    true = base
    metered = base.copy()
    for case in cases:
        i = position.get(case.row)
        if i is None:
            continue
        if case.label == "normal":
            true[i] = metered[i] = apply_event(grid, case, true[i])
        elif case.label in APPLY:
            true[i] = metered[i] = APPLY[case.label](rng, axis, grid, case, true[i],
                                                     daily_temp[reg.city[case.row]])
        elif case.label == "grow":
            lamps, aux = grow_load(rng, axis, grid, case)
            household = true[i].copy()
            true[i] = household + lamps + aux
            metered[i] = metered_grow(grid, case, household, lamps, aux)
        elif case.label == "theft":
            metered[i] = metered_theft(grid, case, true[i], metered[i])
    return true, metered
