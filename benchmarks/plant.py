"""Planting cases onto real backgrounds: grows, thefts and look-alikes, written independently of wattwatch.sim.

Each planter takes one premises' background (kW at each instant of its grid, NaN = missing) and returns what its
meter records plus a truth record. Parameters are drawn here, from ranges chosen for this benchmark (not the
simulator's), so a detector tuned to the simulator meets unfamiliar cases:

- grow: lamps 0.6-20 kW on a timer (fixed clock time, following DST or staying on standard time), 18 h vegetative
  then 12 h flowering (some skip straight to 12/12), harvest gaps, a few minutes of jitter, missed days, fans and
  dehumidifiers around the clock; 20 % meter only part of the grow, 10 % bypass the whole premises (the meter then
  shows a drop: scored as theft).
- theft: sustained drops of 30-90 %, a meter stuck at zero, or a flat constant reading, from a date on.
- look-alikes: crypto (flat 24/7), EV (night blocks at varying times, some days), night shift (weekday nights),
  heating (seasonal, temperature driven), growth (same shape, scaled up), greenhouse (agricultural, long lighting
  blocks in the dark months).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from benchmarks.backgrounds import DAY_S, Axis, Grid

HOUR_S = 3600
STANDARD_OFFSET_S = 3600  # Europe/Tirane standard time: a timer that ignores DST keeps this offset all year


@dataclass
class Planted:
    label: str  # grow | theft | a look-alike (benchmarks.datasets.LOOKALIKE_LABELS) | normal
    start_day: int = -1
    lamp_kw: float = 0.0
    metered_fraction: float = 1.0
    whole_bypass: bool = False
    params: dict = field(default_factory=dict)

    def notes(self) -> str:
        shown = ({"lamp_kw": self.lamp_kw, "metered_fraction": self.metered_fraction} if self.lamp_kw else {})
        return "; ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in {**shown, **self.params}.items())


def _start_day(rng: np.random.Generator, axis: Axis, lo: float = 0.35, hi: float = 0.8) -> int:
    return int(rng.uniform(lo, hi) * axis.days)


def block_share(clock_s: np.ndarray, step_s: int, day0: np.ndarray, on_s: np.ndarray, length_s: np.ndarray
                ) -> np.ndarray:
    """Share of each interval [c, c + step) covered by a daily block [on, on + length) on the given clock.

    clock_s: seconds on the timer's clock since the first local midnight (may be negative); on_s, length_s: per
    timer day, indexed from day0 = -1 so that a block started the evening before can run past midnight.
    """
    k = clock_s // DAY_S
    out = np.zeros(len(clock_s))
    for back in (0, 1):  # today's block and yesterday's block running past midnight
        d = np.clip(k - back - day0, 0, len(on_s) - 1)
        start = (k - back) * DAY_S + on_s[d]
        end = start + length_s[d]
        out += np.clip(np.minimum(clock_s + step_s, end) - np.maximum(clock_s, start), 0, None) / step_s
    return np.minimum(out, 1.0)


def timer_clock(axis: Axis, grid: Grid, follows_dst: bool) -> np.ndarray:
    offset = grid.offset_s if follows_dst else STANDARD_OFFSET_S
    return grid.utc_s + offset - axis.local_origin_s()


def daily_blocks(axis: Axis, grid: Grid, follows_dst: bool, on_s: np.ndarray, length_s: np.ndarray) -> np.ndarray:
    """Block share per instant for per-day on times and lengths (arrays of axis.days); day -1 gets no block."""
    pad = np.zeros(1)
    return block_share(timer_clock(axis, grid, follows_dst), grid.step_s, np.array(-1),
                       np.concatenate([pad, on_s, pad]), np.concatenate([pad, length_s, pad]))


def plant_grow(rng: np.random.Generator, axis: Axis, grid: Grid, bg: np.ndarray, category: str
               ) -> tuple[np.ndarray, Planted]:
    mean_kw = float(np.nanmean(bg))
    if category == "residential":
        lamp_kw = float(np.exp(rng.uniform(np.log(0.6), np.log(8.0))))
    else:  # a grow in a business is sized to stand out from its load at least a little
        lamp_kw = float(np.clip(np.exp(rng.uniform(np.log(1.5), np.log(20.0))), 0.15 * mean_kw, 20.0))
    start = _start_day(rng, axis)
    end = axis.days if rng.random() < 0.85 else min(axis.days, start + int(rng.integers(80, 160)))
    night = rng.random() < 0.6
    on_h = rng.uniform(17, 26) % 24 if night else rng.uniform(0, 24)
    on_s = round(on_h * 4) * 900 if rng.random() < 0.6 else round(on_h * 60) * 60  # mechanical timers: 15 min
    follows_dst = bool(rng.random() < 0.5)
    jitter_s = rng.uniform(0, 10) * 60
    veg_level = rng.uniform(0.4, 0.9)
    skip_veg = rng.random() < 0.2

    length = np.zeros(axis.days)
    level = np.zeros(axis.days)
    fans = np.zeros(axis.days)
    d = start
    while d < end:
        veg = 0 if skip_veg else int(rng.integers(10, 41))
        for n, hours, lvl, fan in ((veg, 18, veg_level, 1.0), (int(rng.integers(49, 71)), 12, 1.0, 1.0),
                                   (int(rng.integers(2, 13)), 0, 0.0, rng.uniform(0.2, 0.5))):
            length[d:min(d + n, end)], level[d:min(d + n, end)], fans[d:min(d + n, end)] = hours * HOUR_S, lvl, fan
            d += n
    lit = np.flatnonzero(length > 0)
    length[rng.choice(lit, min(len(lit), int(rng.integers(0, 5))), replace=False)] = 0  # missed days
    on = on_s + rng.normal(0, 1, axis.days) * jitter_s

    day = np.clip(grid.day, 0, axis.days - 1)
    share = daily_blocks(axis, grid, follows_dst, on, length)
    lamps = lamp_kw * level[day] * share * (1 + rng.normal(0, 0.01, len(share)))
    aux_kw = lamp_kw * rng.uniform(0.05, 0.3)
    dehumid = (rng.random(len(share)) < 0.5) * lamp_kw * rng.uniform(0.0, 0.1)
    grow = lamps + fans[day] * (aux_kw + dehumid)

    u = rng.random()
    fraction, whole = (1.0, False) if u < 0.7 else ((round(rng.uniform(0.25, 0.75), 2), False) if u < 0.9
                                                     else (0.0, True))
    if whole:  # the meter is wired around: it records only a little of the household from before the grow
        rest = rng.uniform(0.0, 0.4)
        metered = np.where(grid.day >= max(0, start - int(rng.integers(0, 30))), bg * rest, bg)
    else:
        metered = bg + fraction * grow
    params = {"lights_on": f"{int(on_s) // 3600:02d}:{int(on_s) % 3600 // 60:02d}",
              "timer": "follows DST" if follows_dst else "standard time", "jitter_min": jitter_s / 60,
              "veg": "none" if skip_veg else f"18h at {veg_level:.2f}", "aux_kw": aux_kw,
              "bypass": "whole premises" if whole else ("partial" if fraction < 1 else "none")}
    return metered, Planted("grow", start, round(lamp_kw, 3), fraction, whole, params)


def plant_theft(rng: np.random.Generator, axis: Axis, grid: Grid, bg: np.ndarray, category: str
                ) -> tuple[np.ndarray, Planted]:
    start = _start_day(rng, axis, 0.35, 0.85)
    end = axis.days if rng.random() < 0.8 else min(axis.days, start + int(rng.integers(60, 150)))
    during = (grid.day >= start) & (grid.day < end)
    kind = str(rng.choice(["drop", "stuck_zero", "flat"], p=[0.7, 0.15, 0.15]))
    if kind == "drop":
        drop = round(float(rng.uniform(0.3, 0.9)), 2)
        recorded, params = bg * (1 - drop), {"kind": kind, "drop": drop}
    elif kind == "stuck_zero":
        recorded, params = np.zeros_like(bg), {"kind": kind}
    else:
        level = float(np.nanmedian(bg[grid.day < start])) * rng.uniform(0.2, 0.6)
        recorded, params = np.where(np.isnan(bg), np.nan, level), {"kind": kind, "flat_kw": level}
    params["until"] = "end" if end == axis.days else f"day {end}"
    return np.where(during, recorded, bg), Planted("theft", start, metered_fraction=1 - params.get("drop", 1.0),
                                                     params=params)


def daily_temperature(rng: np.random.Generator, axis: Axis) -> np.ndarray:
    """An Albanian lowland year: ~7 C in January, ~26 C in late July, with weather spells (AR(1), sd ~2.5 C)."""
    seasonal = 16.5 - 9.5 * np.cos(2 * np.pi * (axis.day_of_year() - 20) / 365.25)
    spell = np.zeros(axis.days)
    noise = rng.normal(0, 1.2, axis.days)
    for i in range(1, axis.days):  # AR(1): one loop over a year of days
        spell[i] = 0.85 * spell[i - 1] + noise[i]
    return seasonal + spell


def plant_lookalike(rng: np.random.Generator, label: str, axis: Axis, grid: Grid, bg: np.ndarray, category: str,
                    temperature: np.ndarray) -> tuple[np.ndarray, Planted]:
    mean_kw = float(np.nanmean(bg))
    day = np.clip(grid.day, 0, axis.days - 1)
    n = axis.days
    start = 0 if rng.random() < 0.3 else _start_day(rng, axis, 0.3, 0.85)
    active = grid.day >= start
    if label == "crypto":
        kw = rng.uniform(1, 6) if category == "residential" else rng.uniform(3, 20)
        down = np.isin(day, rng.choice(n, int(rng.integers(0, 6)), replace=False))
        added, params = kw * (active & ~down) * (1 + rng.normal(0, 0.02, len(day))), {"kw": kw}
    elif label == "ev":
        kw = float(rng.choice([3.7, 7.4, 11.0]))
        scheduled = rng.random() < 0.3
        charge = rng.random(n) < rng.uniform(0.25, 0.7)
        on = (rng.normal(1, 0.25, n) if scheduled else rng.uniform(17, 25, n)) % 24 * HOUR_S
        hours = rng.uniform(1, 6, n) * charge * (np.arange(n) >= start)
        added = kw * daily_blocks(axis, grid, True, on, hours * HOUR_S)
        params = {"kw": kw, "scheduled": scheduled}
    elif label == "night_shift":
        kw = mean_kw * rng.uniform(0.5, 1.5)
        weekday = (axis.weekday() < 5) & (np.arange(n) >= start)
        on = (rng.uniform(21, 23) + rng.normal(0, 0.1, n)) * HOUR_S
        added = kw * daily_blocks(axis, grid, True, on, weekday * rng.uniform(7, 9) * HOUR_S)
        params = {"kw": kw}
    elif label == "heating":
        per_degree = rng.uniform(0.1, 0.4) if category == "residential" else mean_kw * rng.uniform(0.05, 0.15)
        cooling = rng.random() < 0.5
        t = temperature[day] + 4 * np.sin(2 * np.pi * (grid.tod_s / DAY_S - 0.375))  # warmest mid-afternoon
        load = per_degree * (np.maximum(0, 15 - t) + cooling * np.maximum(0, t - 25))
        added = load * np.clip(rng.normal(1, 0.3, len(day)), 0, None) * active
        params = {"kw_per_degree": per_degree, "cooling": cooling}
    elif label == "growth":
        factor, ramp = rng.uniform(1.3, 2.2), int(rng.integers(0, 90))
        start = max(start, int(0.3 * n))
        progress = np.clip((grid.day - start + 1) / max(ramp, 1), 0, 1)
        added, params = bg * (factor - 1) * progress, {"factor": factor, "ramp_days": ramp}
    elif label == "greenhouse":
        kw = max(10.0, mean_kw * rng.uniform(0.5, 3.0))
        month = axis.month()
        dark = np.isin(month, (10, 11, 12, 1, 2, 3)) & (rng.random(n) < 0.97)
        on = np.full(n, (rng.uniform(0, 6) if rng.random() < 0.7 else rng.uniform(16, 20)) * HOUR_S)
        added = kw * daily_blocks(axis, grid, True, on, dark * rng.uniform(12, 18) * HOUR_S)
        start, params = int(np.argmax(dark)), {"kw": kw}
    else:
        raise ValueError(label)
    return bg + added, Planted(label, start, params=params)
