"""How much of one meter's level change the whole population of its category made at the same time.

A theft is one premises' fall; the end of the heating season, a holiday month or a tariff change moves every premises
of a kind together. The category's population curve (median over its meters of daily kWh / own median, weekly
smoothed: core.lookalike_season.population_curve) gives the population's own ratio across a meter's change day,
`pop_ratio` = mean of the curve over WINDOW_DAYS after / before. The share of a meter's change that the population
does not explain is

    unexplained = clip((1 - ratio / pop_ratio) / (1 - ratio), 0, 1)        for a fall (ratio < 1)

1 when the population held steady or rose, 0 when it fell as far as the meter did.
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.lookalike_season import population_curve

WINDOW_DAYS = 28  # four weeks each side: the same scale as the drop detector's persistence weeks
MIN_GROUP = 20  # a category with fewer meters uses the curve of all meters


def category_curves(kwh_daily: np.ndarray, category: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """[n_categories + 1, d]: row c is category c's curve (all meters' when the category is small); the last row is
    all meters' curve `overall` (population_curve(kwh_daily), which the scan has already), used for meters with an
    unknown category (-1)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    category = np.asarray(category, dtype=np.int64)
    n_cat = int(category.max()) + 1 if category.size else 0
    curves = np.tile(np.asarray(overall, dtype=np.float64), (n_cat + 1, 1))
    for c in range(n_cat):
        rows = category == c
        if rows.sum() >= MIN_GROUP:
            curves[c] = population_curve(x[rows])
    return curves


def unexplained_fall(curves: np.ndarray, category: np.ndarray, change_day: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Per meter: the share of its fall (ratio = after / before at change_day) that its category did not make too.
    1 where there is no change, no ratio, or no population data around the change."""
    category = np.asarray(category, dtype=np.int64)
    k = np.asarray(change_day, dtype=np.int64)
    ratio = np.asarray(ratio, dtype=np.float64)
    n_days = curves.shape[1]
    csum = np.concatenate([np.zeros((curves.shape[0], 1)), np.cumsum(np.nan_to_num(curves), axis=1)], axis=1)
    cnt = np.concatenate([np.zeros((curves.shape[0], 1)), np.cumsum(np.isfinite(curves), axis=1)], axis=1)
    c = np.where(category >= 0, category, curves.shape[0] - 1)
    lo, mid, hi = np.clip(k - WINDOW_DAYS, 0, n_days), np.clip(k, 0, n_days), np.clip(k + WINDOW_DAYS, 0, n_days)
    with np.errstate(invalid="ignore", divide="ignore"):
        before = (csum[c, mid] - csum[c, lo]) / (cnt[c, mid] - cnt[c, lo])
        after = (csum[c, hi] - csum[c, mid]) / (cnt[c, hi] - cnt[c, mid])
        pop_ratio = after / before
    return np.where(k >= 0, fall_unexplained(ratio, pop_ratio), 1.0)


def fall_unexplained(ratio: np.ndarray, pop_ratio: np.ndarray) -> np.ndarray:
    """The share of a fall to `ratio` (after / before) that a population falling to `pop_ratio` across the same day
    does not explain (module doc); 1 where either did not fall or either is unknown."""
    ratio = np.asarray(ratio, dtype=np.float64)
    pop_ratio = np.asarray(pop_ratio, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((1.0 - ratio / pop_ratio) / (1.0 - ratio), 0.0, 1.0)
    return np.where((ratio < 1.0) & np.isfinite(share) & (pop_ratio < 1.0), share, 1.0)
