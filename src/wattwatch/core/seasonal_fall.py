"""A fall the premises' own seasons explain: what a history too short to compare with last year must be checked for.

core.drop compares a fall with the same days a year earlier, but only where the data reach back a year before the
days after the change (core.year_ago); with less than a year of data it never does, and with a year it compares only
the last two weeks. Then the end of the heating season (a heat pump or storage heaters switched off in spring), a
school's or a university's summer and a greenhouse's lamps off for the summer all look like a bypass fitted in
spring. Two signs tell such a fall from one that nothing but a bypass explains, each from the meter's own series:

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

from wattwatch.core.drop import evidence_series
from wattwatch.core.kernels.medians import strided_window_medians
from wattwatch.core.lookalike_season import season_measures

PRIOR_WINDOW_DAYS = 56  # eight weeks, as core.drop's own level windows: a vacation does not move its median
PRIOR_STEP_DAYS = 28
PRIOR_LOW, PRIOR_HIGH = 0.7, 1.0
SEASON_WEIGHT = 0.5
PRIOR_WEIGHT = 0.5


@dataclass(frozen=True)
class SeasonalFall:
    """Per meter; NaN (and explained 0) where there is no fall, it was not judged, or too little data to judge."""

    seasonal_share: np.ndarray  # [0, 1] share of the fall the population's season curve predicts for this meter
    prior_ratio: np.ndarray  # level after the fall / the lowest earlier PRIOR_WINDOW_DAYS median
    prior_low_day: np.ndarray  # int64 first day of that lowest earlier window, -1 if none
    explained: np.ndarray  # [0, 1]


def seasonal_fall(
    kwh_daily: np.ndarray,
    zero_days: np.ndarray,
    population: np.ndarray,
    change_day: np.ndarray,
    level_after: np.ndarray,
) -> SeasonalFall:
    """kwh_daily, zero_days [m, d] (NaN = not observed; days flagged zero_as_missing), `population` [d]
    (core.lookalike_season.population_curve), and per meter the fall's change_day (-1: none, or not worth judging:
    only the other rows are measured) and level_after (kWh/day), as core.drop gives them."""
    k_all = np.asarray(change_day, dtype=np.int64)
    m = k_all.size
    rows = np.flatnonzero(k_all > 0)
    k = k_all[rows]
    kwh = np.asarray(kwh_daily, dtype=np.float64)[rows]
    share = season_measures(kwh, population, k)
    seasonal = np.clip(share["season_explained"], 0.0, 1.0)
    # the earlier levels on the series the drop measured its levels on (flagged zero runs as core.drop reads them)
    low, low_day = _lowest_earlier(evidence_series(kwh, np.asarray(zero_days, dtype=bool)[rows]), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        prior_ratio = np.where(low > 0, np.asarray(level_after, dtype=np.float64)[rows] / low, np.nan)
    back = np.clip((prior_ratio - PRIOR_LOW) / (PRIOR_HIGH - PRIOR_LOW), 0.0, 1.0)
    unexplained = (1.0 - SEASON_WEIGHT * np.nan_to_num(seasonal)) * (1.0 - PRIOR_WEIGHT * np.nan_to_num(back))
    return SeasonalFall(
        seasonal_share=_spread(seasonal, rows, m, np.nan),
        prior_ratio=_spread(prior_ratio, rows, m, np.nan),
        prior_low_day=_spread(low_day, rows, m, -1),
        explained=_spread(1.0 - unexplained, rows, m, 0.0),
    )


def _lowest_earlier(x: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the lowest PRIOR_WINDOW_DAYS median (windows from day 0 every PRIOR_STEP_DAYS, at least half their
    days observed) among the windows that end before the PRIOR_WINDOW_DAYS before k, and its first day (NaN, -1 where
    there is none)."""
    n, d = x.shape
    # at least one window, so that argmin has a column: a window this early ends before no change in so short a row
    n_windows = max((d - PRIOR_WINDOW_DAYS) // PRIOR_STEP_DAYS + 1, 1)
    medians = strided_window_medians(x, np.zeros(n, dtype=np.int64), PRIOR_WINDOW_DAYS, PRIOR_STEP_DAYS, n_windows,
                                     PRIOR_WINDOW_DAYS // 2)
    start = np.arange(n_windows) * PRIOR_STEP_DAYS
    usable = (start[None, :] + 2 * PRIOR_WINDOW_DAYS <= k[:, None]) & np.isfinite(medians)
    lowest = np.argmin(np.where(usable, medians, np.inf), axis=1)
    found = usable.any(axis=1)
    return np.where(found, medians[np.arange(n), lowest], np.nan), np.where(found, start[lowest], -1)


def _spread(values: np.ndarray, rows: np.ndarray, m: int, fill) -> np.ndarray:
    """A per-meter array of m with the measured rows' values and `fill` elsewhere."""
    out = np.full(m, fill, dtype=values.dtype)
    out[rows] = values
    return out
