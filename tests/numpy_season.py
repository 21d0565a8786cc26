"""The look-alike season measures (core.lookalike_season) as NumPy array code over [m, d] temporaries: the twins of
the compiled smoothing, co-movement sums and year-ago medians, which must give the same numbers bit for bit."""

from __future__ import annotations

import numpy as np

from numpy_medians import numpy_row_median
from wattwatch.core.lookalike_season import BASE_DAYS, MIN_SMOOTH_DAYS, MIN_YEAR_DAYS, SMOOTH_DAYS, YEAR_DAYS, \
    season_scores


def numpy_population_curve(kwh_daily: np.ndarray) -> np.ndarray:
    x = np.asarray(kwh_daily, dtype=np.float64)
    own = numpy_row_median(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = np.where((own > 0)[:, None], x / own[:, None], np.nan)
    return numpy_smooth(numpy_row_median(norm.T)[None, :])[0]


def numpy_smooth(x: np.ndarray) -> np.ndarray:
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


def numpy_season_measures(kwh_daily: np.ndarray, population: np.ndarray, change_day: np.ndarray
                          ) -> dict[str, np.ndarray]:
    """season_measures with the segment sums over [m, d] arrays (core.lookalike_season.season_scores turns them
    into the measures, as the compiled path does)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    m, d = x.shape
    k = np.asarray(change_day, dtype=np.int64)
    has = (k > 0) & (k < d)
    mine = numpy_smooth(x)
    pop = np.broadcast_to(population[None, :], (m, d))
    ok = np.isfinite(mine) & np.isfinite(pop)
    after = np.arange(d)[None, :] >= np.where(has, k, 0)[:, None]
    counts, seg_m, seg_p = [], [], []
    mc = np.zeros((m, d))
    pc = np.zeros((m, d))
    for seg in (~after, after):
        use = ok & seg
        n = use.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            seg_m.append(np.sum(np.where(use, mine, 0.0), axis=1) / n)
            seg_p.append(np.sum(np.where(use, pop, 0.0), axis=1) / n)
        counts.append(n)
        mc += np.where(use, mine - seg_m[-1][:, None], 0.0)
        pc += np.where(use, pop - seg_p[-1][:, None], 0.0)
    products = np.stack([np.sum(mc * pc, axis=1), np.sum(pc**2, axis=1), np.sum(mc**2, axis=1)], axis=1)
    means = np.stack(seg_m + seg_p, axis=1)
    scores = season_scores(has, np.stack(counts, axis=1), means, products, population)
    return {**scores, "year_repeat": numpy_year_repeat(x, k, has)}


def numpy_year_repeat(x: np.ndarray, k: np.ndarray, has: np.ndarray) -> np.ndarray:
    m, d = x.shape
    day = np.arange(d)[None, :]
    kk = np.where(has, k, d)[:, None]
    pair = (day >= kk) & (day >= YEAR_DAYS) & (day - YEAR_DAYS < kk)
    shifted = np.full_like(x, np.nan)
    shifted[:, YEAR_DAYS:] = x[:, : max(d - YEAR_DAYS, 0)]
    both = pair & np.isfinite(x) & np.isfinite(shifted)
    now = numpy_row_median(np.where(both, x, np.nan))
    then = numpy_row_median(np.where(both, shifted, np.nan))
    base = numpy_row_median(np.where((day < kk) & (day >= kk - BASE_DAYS), x, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((then - base) / (now - base), 0.0, 1.0)
    valid = has & (both.sum(axis=1) >= MIN_YEAR_DAYS) & (now - base > 0) & np.isfinite(base)
    return np.where(valid, share, np.nan)
