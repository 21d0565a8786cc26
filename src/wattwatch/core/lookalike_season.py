"""Look-alike measures of season: does a meter's level follow the weather the way electric heating or cooling does?

No temperatures are given, so the population is the thermometer: the POPULATION CURVE is the median over all meters
of daily kWh divided by each meter's own median (weekly-smoothed). A heated home's level tracks it; a grow's does
not: its rise is a step on the change day.

- season_corr: correlation of the meter's weekly-smoothed daily kWh with the population curve, after removing the
  mean of each segment (before / after the change), so a step that happens to coincide with a seasonal trend does
  not count: only the ups and downs inside the segments do. Negative for cooling where the population peaks in winter.
- season_explained: the rise across the change that this co-movement predicts (within-segment slope times the
  change of the population curve across the change) over the rise actually seen. About 1 for heating switched on in
  autumn, about 0 for a lamp block.
- season_amplitude (meters without a change): the within-series slope times the population curve's 10-90 % range,
  over the meter's mean: the share of the level that swings with the season.
- year_repeat: when the days after the change have their 52-week-earlier days before the change, the share of the
  rise that the same days already had a year ago (1 = last winter looked the same).
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median

SMOOTH_DAYS = 7  # a whole week: removes the weekly cycle, keeps cold spells
MIN_SMOOTH_DAYS = 4  # a smoothed day needs 4 observed days of its week
MIN_SEGMENT_DAYS = 28  # co-movement inside a segment shorter than four weeks is too little to judge
YEAR_DAYS = 364  # 52 weeks: the same weekday a year earlier
MIN_YEAR_DAYS = 14
BASE_DAYS = 56  # the level before the change, as in the profile measures
MIN_LEVEL_KWH = 0.24


def population_curve(kwh_daily: np.ndarray) -> np.ndarray:
    """Weekly-smoothed median over meters of kWh / own median kWh, per day [d] (NaN where no meter is observed)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    own = row_median(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = np.where((own > 0)[:, None], x / own[:, None], np.nan)
    return smooth(row_median(norm.T)[None, :])[0]


def smooth(x: np.ndarray) -> np.ndarray:
    """Centred SMOOTH_DAYS mean of each row ignoring NaN; NaN with fewer than MIN_SMOOTH_DAYS observed."""
    m, d = x.shape
    ok = np.isfinite(x)
    zero = np.zeros((m, 1))
    cs = np.concatenate([zero, np.cumsum(np.where(ok, x, 0.0), axis=1)], axis=1)
    cn = np.concatenate([zero, np.cumsum(ok, axis=1, dtype=np.float64)], axis=1)
    lo = np.clip(np.arange(d) - SMOOTH_DAYS // 2, 0, d)
    hi = np.clip(np.arange(d) + SMOOTH_DAYS // 2 + 1, 0, d)
    n = cn[:, hi] - cn[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= MIN_SMOOTH_DAYS, (cs[:, hi] - cs[:, lo]) / n, np.nan)


def season_measures(kwh_daily: np.ndarray, population: np.ndarray, change_day: np.ndarray) -> dict[str, np.ndarray]:
    """season_corr, season_explained, season_amplitude, year_repeat per meter (module doc)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    m, d = x.shape
    k = np.asarray(change_day, dtype=np.int64)
    has = (k > 0) & (k < d)
    mine = smooth(x)
    pop = np.broadcast_to(population[None, :], (m, d))
    ok = np.isfinite(mine) & np.isfinite(pop)
    after = np.arange(d)[None, :] >= np.where(has, k, 0)[:, None]
    seg_m, seg_p, enough = {}, {}, {}
    mc = np.zeros((m, d))
    pc = np.zeros((m, d))
    for name, seg in (("before", ~after), ("after", after)):  # two segments
        use = ok & seg
        n = use.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            seg_m[name] = np.sum(np.where(use, mine, 0.0), axis=1) / n
            seg_p[name] = np.sum(np.where(use, pop, 0.0), axis=1) / n
        enough[name] = n >= MIN_SEGMENT_DAYS
        mc += np.where(use, mine - seg_m[name][:, None], 0.0)
        pc += np.where(use, pop - seg_p[name][:, None], 0.0)
    sxy, sxx, syy = np.sum(mc * pc, axis=1), np.sum(pc**2, axis=1), np.sum(mc**2, axis=1)
    judged = enough["after"] & (enough["before"] | ~has) & (sxx > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(judged & (syy > 0), sxy / np.sqrt(sxx * syy), np.where(judged, 0.0, np.nan))
        slope = np.where(judged, sxy / sxx, np.nan)
        rise = seg_m["after"] - seg_m["before"]
        explained = np.where(has & judged, slope * (seg_p["after"] - seg_p["before"]) / rise, np.nan)
        p10, p90 = np.nanpercentile(population, [10, 90]) if np.isfinite(population).any() else (np.nan, np.nan)
        amplitude = np.where(judged, np.abs(slope) * (p90 - p10) / seg_m["after"], np.nan)
    return {
        "season_corr": corr,
        "season_explained": explained,
        "season_amplitude": np.where(has, np.nan, amplitude),
        "year_repeat": year_repeat(x, k, has),
    }


def year_repeat(x: np.ndarray, k: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Share of the rise after the change that the same days 52 weeks earlier (before the change) already had."""
    m, d = x.shape
    day = np.arange(d)[None, :]
    kk = np.where(has, k, d)[:, None]
    pair = (day >= kk) & (day >= YEAR_DAYS) & (day - YEAR_DAYS < kk)
    shifted = np.full_like(x, np.nan)
    shifted[:, YEAR_DAYS:] = x[:, : max(d - YEAR_DAYS, 0)]
    both = pair & np.isfinite(x) & np.isfinite(shifted)
    now = row_median(np.where(both, x, np.nan))
    then = row_median(np.where(both, shifted, np.nan))
    base = row_median(np.where((day < kk) & (day >= kk - BASE_DAYS), x, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((then - base) / (now - base), 0.0, 1.0)
    valid = has & (both.sum(axis=1) >= MIN_YEAR_DAYS) & (now - base > 0) & np.isfinite(base)
    return np.where(valid, share, np.nan)
