"""Dataset (c)'s planter: the cases of (b) drawn from distributions the detectors were never tuned on.

(b)'s planter (benchmarks.plant) was written beside the detectors; its ranges shaped what they learned to see. This
one plays a held-out evaluator's planter on the same real backgrounds, with habits (b) never shows:

- grow: 30 % were running before the data start (no rise, no new block to see); styles: the classic 18/6 -> 12/12
  (vegetative at 60 % of the lamps), autoflowers on 20/4 with no switch, 24/0 vegetative (a flat load, no block)
  then 12/12, and a perpetual grow whose second, smaller room is lit the other twelve hours; LED drivers that ramp
  over ~45 min (seen on 15-min meters), air conditioning cycling on the plateau; home lamps 0.4-5 kW.
- theft: small drops (20-40 %), gradual ones (over 3-9 weeks), a bypass used only at night (19-07 h), one used every
  other week, and plain drops.
- look-alikes: an EV on a cheap-tariff timer every night; storage heaters charging 7-8 h every night of the cold
  months; a mining rig that grows card by card; a pool pump on a daytime timer through the summer (a seventh kind,
  `pool_pump`); night shifts, business growth and greenhouses as in (b).
"""

from __future__ import annotations

import numpy as np

from benchmarks.backgrounds import DAY_S, Axis, Grid
from benchmarks.plant import HOUR_S, Planted, daily_blocks, plant_lookalike
from benchmarks.realcity import Planters

LOOKALIKE_CATEGORIES = {"crypto": ("residential", "commercial", "industrial"), "ev": ("residential", "commercial"),
                        "night_shift": ("commercial", "industrial"), "heating": ("residential", "commercial", "public"),
                        "growth": ("commercial", "industrial"), "greenhouse": ("agricultural",),
                        "pool_pump": ("residential", "commercial")}
GROW_STYLES = ("classic", "auto20", "veg24", "perpetual")
GROW_STYLE_P = (0.45, 0.2, 0.15, 0.2)
THEFT_KINDS = ("small", "gradual", "night", "alternate_weeks", "drop")
NIGHT_BYPASS_HOURS = (19, 7)  # the bypass is connected from 19:00 to 07:00
COLD_MONTHS, POOL_MONTHS = (11, 12, 1, 2, 3), (5, 6, 7, 8, 9)


def _grow_calendar(rng: np.random.Generator, style: str, start: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lamp hours and lamp level per day: cycles of (vegetative, flowering, harvest gap), or 20/4 runs for autos."""
    length, level = np.zeros(n), np.zeros(n)
    d = start
    while d < n:
        if style == "auto20":
            phases = ((int(rng.integers(60, 90)), 20, 1.0), (int(rng.integers(3, 10)), 0, 0.0))
        else:
            veg_hours = 24 if style == "veg24" else 18
            phases = ((int(rng.integers(14, 35)), veg_hours, 0.6), (int(rng.integers(56, 70)), 12, 1.0),
                      (int(rng.integers(2, 8)), 0, 0.0))
        for days, hours, lamps in phases:
            length[d:d + days], level[d:d + days] = hours * HOUR_S, lamps
            d += days
    return length, level


def plant_grow(rng: np.random.Generator, axis: Axis, grid: Grid, bg: np.ndarray, category: str
               ) -> tuple[np.ndarray, Planted]:
    mean_kw = float(np.nanmean(bg))
    if category == "residential":
        lamp_kw = float(np.exp(rng.uniform(np.log(0.4), np.log(5.0))))
    else:
        lamp_kw = float(np.clip(np.exp(rng.uniform(np.log(1.0), np.log(15.0))), 0.1 * mean_kw, 15.0))
    n = axis.days
    start = 0 if rng.random() < 0.3 else int(rng.uniform(0.2, 0.85) * n)
    style = str(rng.choice(GROW_STYLES, p=GROW_STYLE_P))
    on_s = round(rng.uniform(0, 24) * 4) * 900
    follows_dst = bool(rng.random() < 0.5)
    length, level = _grow_calendar(rng, style, start, n)
    on = on_s + rng.normal(0, 1, n) * rng.uniform(0, 5) * 60
    day = np.clip(grid.day, 0, n - 1)
    share = daily_blocks(axis, grid, follows_dst, on, length)
    ramp = bool(rng.random() < 0.4)
    if ramp and grid.step_s < HOUR_S:  # an LED driver's sunrise and sunset: the edge spreads over ~45 min
        width = max(1, 2700 // grid.step_s)
        share = np.convolve(share, np.ones(width) / width, mode="same")
    lamps = lamp_kw * level[day] * share
    if style == "perpetual":  # a second room, smaller, lit while the first is dark
        second = np.where(length > 0, 12 * HOUR_S, 0.0)
        lamps = lamps + 0.6 * lamp_kw * (level[day] > 0) * daily_blocks(axis, grid, follows_dst,
                                                                         (on + 12 * HOUR_S) % DAY_S, second)
    cycling = bool(rng.random() < 0.4)  # air conditioning switching on and off while the lamps heat the room
    ac = lamp_kw * rng.uniform(0.1, 0.3) * (rng.random(len(share)) < 0.5) * (share > 0) if cycling else 0.0
    metered = bg + lamps + ac + 0.05 * lamp_kw * (level[day] > 0)  # fans whenever a cycle runs
    params = {"style": style, "since_before_data": start == 0, "lights_on": f"{on_s // 3600:02d}:{on_s % 3600 // 60:02d}",
              "timer": "follows DST" if follows_dst else "standard time", "ramp": ramp, "ac_cycling": cycling}
    return metered, Planted("grow", start, round(lamp_kw, 3), 1.0, False, params)


def plant_theft(rng: np.random.Generator, axis: Axis, grid: Grid, bg: np.ndarray, category: str
                ) -> tuple[np.ndarray, Planted]:
    start = int(rng.uniform(0.3, 0.85) * axis.days)
    kind = str(rng.choice(THEFT_KINDS))
    drop = float(rng.uniform(0.2, 0.4) if kind == "small" else rng.uniform(0.4, 0.9))
    after = grid.day >= start
    if kind == "gradual":
        taken = drop * np.clip((grid.day - start) / rng.uniform(21, 63), 0, 1)
    elif kind == "night":
        night = (grid.tod_s >= NIGHT_BYPASS_HOURS[0] * HOUR_S) | (grid.tod_s < NIGHT_BYPASS_HOURS[1] * HOUR_S)
        taken = drop * (after & night)
    elif kind == "alternate_weeks":
        taken = drop * (after & ((grid.day - start) // 7 % 2 == 0))
    else:
        taken = drop * after
    return bg * (1 - taken), Planted("theft", start, metered_fraction=round(1 - drop, 2),
                                     params={"kind": kind, "drop": round(drop, 2)})


def plant_variant_lookalike(rng: np.random.Generator, label: str, axis: Axis, grid: Grid, bg: np.ndarray,
                            category: str, temperature: np.ndarray) -> tuple[np.ndarray, Planted]:
    n = axis.days
    months = axis.month()
    if label == "ev":
        kw = float(rng.choice([3.7, 7.4]))
        on = np.full(n, float(rng.choice([0.0, 0.5, 1.0, 2.0])) * HOUR_S)
        added = kw * daily_blocks(axis, grid, True, on, rng.uniform(3, 7, n) * HOUR_S)
        return bg + added, Planted(label, 0, params={"kw": kw, "style": "tariff timer, every night"})
    if label == "heating":
        kw = rng.uniform(2, 6) if category == "residential" else float(np.nanmean(bg)) * rng.uniform(0.5, 1.5)
        on = np.full(n, rng.uniform(23, 24.5) % 24 * HOUR_S)
        hours = np.isin(months, COLD_MONTHS) * rng.uniform(7, 8) * HOUR_S
        return bg + kw * daily_blocks(axis, grid, True, on, hours), Planted(label, 0, params={"kw": kw,
                                                                                                "style": "storage"})
    if label == "crypto":
        kw = rng.uniform(1, 5) if category == "residential" else rng.uniform(3, 15)
        start = int(rng.uniform(0.2, 0.7) * n)
        cards = np.clip((np.clip(grid.day, 0, n - 1) - start) // 40 + 1, 0, 3) / 3  # a card more every 40 days
        return bg + kw * cards * (1 + rng.normal(0, 0.02, len(cards))), Planted(label, start,
                                                                                 params={"kw": kw, "style": "growing"})
    if label == "pool_pump":
        kw = rng.uniform(1, 2.5) if category == "residential" else float(np.nanmean(bg)) * rng.uniform(0.3, 0.8)
        on = np.full(n, rng.uniform(8, 10) * HOUR_S)
        hours = np.isin(months, POOL_MONTHS) * rng.uniform(8, 12) * HOUR_S
        return bg + kw * daily_blocks(axis, grid, True, on, hours), Planted(label, 0, params={"kw": kw})
    return plant_lookalike(rng, label, axis, grid, bg, category, temperature)


PLANTERS_C = Planters("variant plantings on real backgrounds", plant_grow, plant_theft, plant_variant_lookalike,
                      LOOKALIKE_CATEGORIES)
