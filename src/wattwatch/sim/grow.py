"""Indoor cannabis grows: lamps on a timer, 18/6 vegetative then 12/12 flowering, harvest gaps, fans and AC.

Every grower differs: lamp type and count, lights-on time, whether the timer follows DST, phase lengths,
missed days, auxiliary load, and how much of it reaches the meter (partial or whole-premises bypass).
"""

from __future__ import annotations

import numpy as np

from .blocks import block_fraction, clock_seconds
from .calendar import HOUR_S, Grid, TimeAxis
from .cases import Case
from .registry import Registry

# category/subtype -> (min lamps, max lamps)
LAMP_COUNTS = {"flat": (4, 10), "house": (6, 20), "commercial": (8, 30), "industrial": (20, 60), "other": (6, 24)}
HPS_WATTS = (400, 600, 1000)


def _lamps(rng: np.random.Generator, category: str, subtype: str) -> tuple[str, int, float, float]:
    lo, hi = LAMP_COUNTS.get(subtype, LAMP_COUNTS.get(category, (6, 20)))
    n = int(rng.integers(lo, hi + 1))
    if rng.random() < 0.55:
        watts = float(rng.choice(HPS_WATTS[:2] if category == "residential" else HPS_WATTS))
        kind, wall = "HPS", watts * rng.uniform(1.04, 1.1)  # magnetic/electronic ballast losses
    else:
        watts = float(rng.choice(np.arange(240, 721, 40)))
        kind, wall = "LED", watts
    return kind, n, watts, n * wall / 1000.0


def draw_grow(rng: np.random.Generator, reg: Registry, row: int, axis: TimeAxis) -> Case:
    days = axis.days
    kind, n, watts, lamp_kw = _lamps(rng, str(reg.category[row]), str(reg.subtype[row]))
    start = int(rng.uniform(0.5, 0.85) * days)
    end = days - 1 if rng.random() < 0.85 else min(days - 1, start + int(rng.integers(90, 200)))
    night = rng.random() < 0.6
    on_hour = rng.uniform(18, 26) % 24 if night else rng.uniform(0, 24)
    on_s = int(round(on_hour * 60)) * 60
    if rng.random() < 0.5:
        on_s = int(round(on_s / 1800)) * 1800  # many set the timer on the half hour
    follows_dst = bool(rng.random() < 0.6)
    jitter_sd = rng.uniform(0, 8) * 60
    veg_level = rng.uniform(0.35, 1.0)

    length = np.zeros(days)
    level = np.zeros(days)
    fan = np.zeros(days)
    d, cycles, phases = start, 0, []
    while d <= end:
        veg = int(rng.integers(14, 43))
        flower = int(rng.integers(56, 71))
        gap = int(rng.integers(3, 15))
        for n_days, hours, lvl, fan_lvl in ((veg, 18, veg_level, 1.0), (flower, 12, 1.0, 1.0), (gap, 0, 0.0, 0.3)):
            stop = min(d + n_days, end + 1)
            length[d:stop], level[d:stop], fan[d:stop] = hours * HOUR_S, lvl, fan_lvl
            d = stop
        phases.append(f"{veg}/{flower}/{gap}")
        cycles += 1
    grow_days = np.flatnonzero(length > 0)
    missed = rng.choice(grow_days, min(len(grow_days), int(rng.integers(0, 4))), replace=False)
    length[missed] = 0
    start_s = on_s + rng.normal(0, 1, days) * jitter_sd

    aux_frac = rng.uniform(0.05, 0.25)
    ac_kw = lamp_kw * rng.uniform(0.1, 0.3) if rng.random() < 0.5 else 0.0
    u = rng.random()
    if u < 0.65:
        metered, residual = 1.0, None
    elif u < 0.85:
        metered, residual = round(float(rng.uniform(0.2, 0.8)), 2), None
    else:
        metered, residual = 0.0, round(float(rng.uniform(0.0, 0.35)), 2)
    visible = metered * lamp_kw >= 0.4
    params = {
        "lamp_type": kind, "n_lamps": n, "watts": watts,
        "lights_on": f"{on_s // 3600:02d}:{on_s % 3600 // 60:02d}",
        "timer": "follows DST" if follows_dst else "standard time", "jitter_min": jitter_sd / 60,
        "cycles(veg/flower/gap d)": " ".join(phases), "veg_level": veg_level, "missed_days": len(missed),
        "aux_kw": aux_frac * lamp_kw + ac_kw,
        "bypass": "none" if metered == 1 else ("partial" if residual is None else f"whole premises, rest {residual}"),
        "_follows_dst": follows_dst, "length_s": length, "start_s": start_s, "level": level, "fan": fan,
        "_aux_frac": aux_frac, "_ac_kw": ac_kw, "_residual": residual,
        "_bypass_from": max(0, start - int(rng.integers(0, 21))),
    }
    return Case("grow", row, start, end, round(lamp_kw, 3), metered, bool(visible), params)


def grow_load(rng: np.random.Generator, axis: TimeAxis, grid: Grid, case: Case) -> tuple[np.ndarray, np.ndarray]:
    """(lamp kW, auxiliary kW) at each interval of the grid, true consumption."""
    p = case.params
    clock = clock_seconds(grid, axis, np.array([p["_follows_dst"]]))
    on = block_fraction(clock, grid.step_s, p["start_s"][None, :], p["length_s"][None, :], p["level"][None, :])[0]
    flicker = 1 + rng.normal(0, 0.008, len(grid)).astype(np.float32)  # mains voltage moves lamp power a little
    lamps = case.lamp_kw * on * flicker
    day = np.clip(grid.day, 0, axis.days - 1)
    fan = p["fan"][day]
    aux = case.lamp_kw * p["_aux_frac"] * fan * (1 + 0.3 * (on > 0))
    if p["_ac_kw"] > 0:  # AC cycles on a thermostat: harder while the lamps heat the room
        duty = np.clip(0.25 + 0.5 * (on > 0) + rng.normal(0, 0.15, len(grid)), 0, 1)
        cycles = max(1, grid.step_s // 300)
        aux = aux + p["_ac_kw"] * rng.binomial(cycles, duty) / cycles * (fan > 0)
    return lamps.astype(np.float32), aux.astype(np.float32)


def metered_grow(grid: Grid, case: Case, household: np.ndarray, lamps: np.ndarray,
                 aux: np.ndarray) -> np.ndarray:
    """What the meter records for a grow premises, given its own household load and the grow load."""
    p = case.params
    if p["_residual"] is None:
        return household + case.metered_fraction * (lamps + aux)
    bypassed = grid.day >= p["_bypass_from"]
    return np.where(bypassed, household * p["_residual"], household)

