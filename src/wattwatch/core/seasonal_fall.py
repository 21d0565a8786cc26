"""A fall the premises' own seasons explain: what a history too short to compare with last year must be checked for.

core.drop compares a fall with the same days a year earlier, but only where the data reach back 52 weeks before the
days after the change; with a year or less of data it never does. Then the end of the heating season (a heat pump
or storage heaters switched off in spring), a school's or a university's summer and a greenhouse's lamps off for
the summer all look like a bypass fitted in spring. Two signs tell such a fall from one that nothing but a bypass
explains, each from the meter's own series:

- seasonal share: the share of the fall that the meter's co-movement with the population's season curve predicts
  (core.lookalike_season's season_explained at the fall's change day: the population is the thermometer). A heat
  pump household's level follows the curve through the winter, so the curve's spring fall predicts most of its own;
  a bypass is a step the curve does not make.
- back to an earlier level: level after the fall / the lowest PRIOR_WINDOW_DAYS median of the meter before the
  fall's own weeks (windows every PRIOR_STEP_DAYS, at least half their days observed). A home whose heating
  stopped comes back to its level of the early autumn; a bypass takes the meter below what it used at any time
  before. At or above PRIOR_HIGH (the same level) the fall is fully this kind, at or below PRIOR_LOW not at all.

explained = 1 - (1 - SEASON_WEIGHT * seasonal share) * (1 - PRIOR_WEIGHT * back-to-earlier), in [0, 1]; fusion keeps
1 - explained of the drop evidence. Half weights: a bypass fitted in spring on a heated home is a fall the season
half explains, and it must stay a lead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.kernels.medians import strided_window_medians
from wattwatch.core.lookalike_season import season_measures

PRIOR_WINDOW_DAYS = 56  # eight weeks, as core.drop's own level windows: a vacation does not move its median
PRIOR_STEP_DAYS = 28
PRIOR_LOW, PRIOR_HIGH = 0.7, 1.0
SEASON_WEIGHT = 0.5
PRIOR_WEIGHT = 0.5


@dataclass(frozen=True)
class SeasonalFall:
    """Per meter; NaN (and explained 0) where there is no fall or too little data to judge."""

    seasonal_share: np.ndarray  # [0, 1] share of the fall the population's season curve predicts for this meter
    prior_ratio: np.ndarray  # level after the fall / the lowest earlier PRIOR_WINDOW_DAYS median
    prior_low_day: np.ndarray  # int64 first day of that lowest earlier window, -1 if none
    explained: np.ndarray  # [0, 1]


def seasonal_fall(
    kwh_daily: np.ndarray,
    evidence: np.ndarray,
    population: np.ndarray,
    change_day: np.ndarray,
    level_after: np.ndarray,
) -> SeasonalFall:
    """kwh_daily [m, d] (NaN = not observed), `evidence` the same as core.drop measured the fall on
    (core.drop.evidence_series), `population` [d] (core.lookalike_season.population_curve), and per meter the fall's
    change_day (-1: none, or not worth judging: only these rows are measured) and level_after (kWh/day), as core.drop
    gives them."""
    k_all = np.asarray(change_day, dtype=np.int64)
    m = k_all.size
    rows = np.flatnonzero(k_all > 0)
    out = SeasonalFall(np.full(m, np.nan), np.full(m, np.nan), np.full(m, -1, dtype=np.int64), np.zeros(m))
    if rows.size == 0:
        return out
    x = np.asarray(evidence, dtype=np.float64)[rows]
    k = k_all[rows]
    share = season_measures(np.asarray(kwh_daily, dtype=np.float64)[rows], population, k)
    seasonal = np.clip(share["season_explained"], 0.0, 1.0)

    d = x.shape[1]
    n_windows = max((d - PRIOR_WINDOW_DAYS) // PRIOR_STEP_DAYS + 1, 0)
    medians = strided_window_medians(x, np.zeros(rows.size, dtype=np.int64), PRIOR_WINDOW_DAYS, PRIOR_STEP_DAYS,
                                     n_windows, PRIOR_WINDOW_DAYS // 2)
    start = np.arange(n_windows) * PRIOR_STEP_DAYS
    # windows that end before the fall's own level window (the PRIOR_WINDOW_DAYS before the change) begins
    usable = (start[None, :] + 2 * PRIOR_WINDOW_DAYS <= k[:, None]) & np.isfinite(medians)
    found = usable.any(axis=1)
    lowest = np.argmin(np.where(usable, medians, np.inf), axis=1) if n_windows else np.zeros(rows.size, np.int64)
    low = np.where(found, medians[np.arange(rows.size), lowest] if n_windows else np.nan, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        prior_ratio = np.where(found & (low > 0), np.asarray(level_after, dtype=np.float64)[rows] / low, np.nan)
    back = np.clip((prior_ratio - PRIOR_LOW) / (PRIOR_HIGH - PRIOR_LOW), 0.0, 1.0)
    out.seasonal_share[rows] = seasonal
    out.prior_ratio[rows] = prior_ratio
    out.prior_low_day[rows] = np.where(found, start[lowest] if n_windows else -1, -1)
    unexplained = (1.0 - SEASON_WEIGHT * np.nan_to_num(seasonal)) * (1.0 - PRIOR_WEIGHT * np.nan_to_num(back))
    out.explained[rows] = 1.0 - unexplained
    return out
