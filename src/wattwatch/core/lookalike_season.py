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
- year_repeat: when the days after the change have their 52-week-earlier days before the change (a few weeks fewer
  on data of about a year: core.year_ago), the share of the rise that the same days already had a year ago (1 =
  last winter looked the same).
- paired_rise_share: the rise on those paired days over the rise on all the days after the change (their median's
  over the level before): near 1 when the paired days show the rise, as a pool pump's September does; near 0 when
  they fall after it ended (a grow harvested before the year came round: last year's same days compare with a
  household's own seasons, not with the grow).
- off_season_share, off_season_weeks: the OFF_SEASON_WEEKS whole weeks before the change (fewer where those
  year-ago days end closer to it), each judged by its median day: the share of them under the midpoint of the level
  before the change and the level now, and how many weeks were judged. A pool pump back with the summer was off the
  winter and spring before (share near 1); a grow older than the data that repeats its own lamps a year on ran
  through them but for a harvest (its weeks sit above the midpoint, or on both sides of it). Weeks, not days: a
  small pump's daily kWh crosses the midpoint with the household's own day-to-day swings. Twenty weeks, not all the
  time back to last year's season: last year's season went on after the days compared (a pool is open into
  September), and a season of seven months leaves five off.
- early_repeat, early_dark_share: on data too short for those year-ago days (under about a year: monthly reads
  whose last month is not yet billed, a smart meter installed this spring), the data's own first EARLY_DAYS days
  stand in for last year's season: early_repeat is the share of the rise their median already had, early_dark_share
  the share of the DARK_DAYS // 7 whole weeks before the change (all after those first days; judged by
  MIN_DARK_WEEKS weeks or more) spent under the midpoint of the level before and after the change. A pool pump
  whose data began in last September ran then, was off from October to April and is back in May; a grow started in
  May was not there at the start, and a grow older than the data does not stop for four months (a harvest and
  replant take weeks).
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.medians import column_ratio_medians, window_medians, year_ago_medians
from wattwatch.core.kernels.season import off_season_weeks, season_sums, smooth_rows
from wattwatch.core.year_ago import MIN_YEAR_PAIRS, year_lag

SMOOTH_DAYS = 7  # a whole week: removes the weekly cycle, keeps cold spells
MIN_SMOOTH_DAYS = 4  # a smoothed day needs 4 observed days of its week
MIN_SEGMENT_DAYS = 28  # co-movement inside a segment shorter than four weeks is too little to judge
WEEK_DAYS, MIN_WEEK_DAYS = 7, 4  # the off season's weeks, each judged by its median over 4 or more observed days
OFF_SEASON_WEEKS = 20  # judged before the change: about five months
BASE_DAYS = 56  # the level before the change, as in the profile measures
EARLY_DAYS, MIN_EARLY_DAYS = 28, 14  # the data's first four weeks, half of them observed, as last year's season
DARK_DAYS = 112  # sixteen weeks before the change, after them: an off season, longer than a harvest and replant
MIN_DARK_WEEKS = 8  # weeks judged (each by MIN_WEEK_DAYS observed days) before early_dark_share is taken
MIN_LEVEL_KWH = 0.24
CURVE_BLOCK_DAYS = 4  # days per pass of the population curve: more streams of meters at a time thrash the cache


def population_curve(kwh_daily: np.ndarray) -> np.ndarray:
    """Weekly-smoothed median over meters of kWh / own median kWh, per day [d] (NaN where no meter is observed)."""
    x = np.ascontiguousarray(kwh_daily, dtype=np.float64)
    return smooth(column_ratio_medians(x, row_median(x), CURVE_BLOCK_DAYS)[None, :])[0]


def smooth(x: np.ndarray) -> np.ndarray:
    """Centred SMOOTH_DAYS mean of each row ignoring NaN; NaN with fewer than MIN_SMOOTH_DAYS observed."""
    return smooth_rows(np.asarray(x, dtype=np.float64), SMOOTH_DAYS // 2, MIN_SMOOTH_DAYS)


def season_measures(kwh_daily: np.ndarray, population: np.ndarray, change_day: np.ndarray) -> dict[str, np.ndarray]:
    """season_corr, season_explained, season_amplitude, the year measures (year_repeat, paired_rise_share,
    off_season_share, off_season_weeks) and the early ones (early_repeat, early_dark_share) per meter (module
    doc). The smoothing and the segment sums run per meter (core.kernels.season)."""
    x = np.ascontiguousarray(kwh_daily, dtype=np.float64)
    k = np.asarray(change_day, dtype=np.int64)
    has = (k > 0) & (k < x.shape[1])
    sums = season_sums(x, np.ascontiguousarray(population, dtype=np.float64), np.where(has, k, 0), SMOOTH_DAYS // 2,
                       MIN_SMOOTH_DAYS)
    return {**season_scores(has, *sums, population), **year_measures(x, k, has)}


def season_scores(has, counts, means, products, population) -> dict[str, np.ndarray]:
    """season_corr, season_explained, season_amplitude from the per-meter segment sums (core.kernels.season's
    season_sums: day counts [m, 2], means [m, 4] and products [m, 3])."""
    (mean_before, mean_after, pop_before, pop_after), (sxy, sxx, syy) = means.T, products.T
    enough_before, enough_after = (counts >= MIN_SEGMENT_DAYS).T
    judged = enough_after & (enough_before | ~has) & (sxx > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(judged & (syy > 0), sxy / np.sqrt(sxx * syy), np.where(judged, 0.0, np.nan))
        slope = np.where(judged, sxy / sxx, np.nan)
        rise = mean_after - mean_before
        explained = np.where(has & judged, slope * (pop_after - pop_before) / rise, np.nan)
        p10, p90 = np.nanpercentile(population, [10, 90]) if np.isfinite(population).any() else (np.nan, np.nan)
        amplitude = np.where(judged, np.abs(slope) * (p90 - p10) / mean_after, np.nan)
    return {"season_corr": corr, "season_explained": explained, "season_amplitude": np.where(has, np.nan, amplitude)}


def year_measures(x: np.ndarray, k: np.ndarray, has: np.ndarray) -> dict[str, np.ndarray]:
    """year_repeat: the share of the rise after the change that the same days a year earlier (before the change)
    already had; paired_rise_share: how much of the rise those days show; off_season_share and off_season_weeks:
    how many of the weeks before the change the meter spent back under the midpoint of the level before and the level
    now (module doc)."""
    kk = np.where(has, k, x.shape[1])
    lag = year_lag(x.shape[1])
    now, then, n_pairs = year_ago_medians(x, kk, lag)
    base = window_medians(x, kk - BASE_DAYS, kk)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((then - base) / (now - base), 0.0, 1.0)
    valid = has & (n_pairs >= MIN_YEAR_PAIRS) & (now - base > 0) & np.isfinite(base)
    early_rows = early_judged(x, k, has & (n_pairs < MIN_YEAR_PAIRS))
    # the level after the change, once, for the rows either judgement reads
    after = window_medians(x, np.where(valid | early_rows, kk, x.shape[1]), np.full_like(kk, x.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        paired = np.where(valid & (after > base), (now - base) / (after - base), np.nan)
    # the year-ago days end a lag before the paired days after the change end
    last_year_end = np.minimum(kk + lag, x.shape[1]) - lag
    off_share, off_weeks = off_season_weeks(x, last_year_end, kk, np.where(valid, (base + now) / 2, np.nan),
                                            WEEK_DAYS, OFF_SEASON_WEEKS, MIN_WEEK_DAYS)
    return {"year_repeat": np.where(valid, share, np.nan), "paired_rise_share": paired, "off_season_share": off_share,
            "off_season_weeks": off_weeks, **early_measures(x, k, early_rows, base, after)}


def early_judged(x: np.ndarray, k: np.ndarray, short: np.ndarray) -> np.ndarray:
    """The rows `short` of year-ago days whose change lies DARK_DAYS or more after the data's first EARLY_DAYS, of
    which MIN_EARLY_DAYS were observed: the rows early_measures judges."""
    return short & (k - EARLY_DAYS >= DARK_DAYS) & (np.isfinite(x[:, :EARLY_DAYS]).sum(axis=1) >= MIN_EARLY_DAYS)


def early_measures(x: np.ndarray, k: np.ndarray, judged: np.ndarray, base: np.ndarray, after: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """early_repeat and early_dark_share (module doc) for the `judged` rows (early_judged): the data's first
    EARLY_DAYS days as last year's season, the DARK_DAYS before the change as its off season; `base` and `after` are
    the levels before and from the change day that year_measures took."""
    kk = np.where(judged, k, x.shape[1])
    early = window_medians(x, np.zeros_like(kk), np.where(judged, EARLY_DAYS, 0))
    valid = judged & (after > base)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((early - base) / (after - base), 0.0, 1.0)
    dark_share, dark_weeks = off_season_weeks(x, np.full_like(kk, EARLY_DAYS), kk,
                                              np.where(valid, (base + after) / 2, np.nan), WEEK_DAYS,
                                              DARK_DAYS // WEEK_DAYS, MIN_WEEK_DAYS)
    return {"early_repeat": np.where(valid, share, np.nan),
            "early_dark_share": np.where(valid & (dark_weeks >= MIN_DARK_WEEKS), dark_share, np.nan)}
