"""Strange increase: a lasting rise of a meter's daily use against its own earlier consumption.

Method, per meter, vectorised over many meters (rows of a meters x days kWh matrix, NaN = day not observed):

1. Change day. Candidate days k are every `step_days`-th day (default: every day). A candidate is valid
   when at least `min_history_days` observed days lie before it and `min_after_days` after. For each, the two-segment
   statistic  t(k) = (mean_after - mean_before) * sqrt(n_before * n_after / (n_before + n_after))  is computed on
   log1p(kWh) (spikes weigh little, shifts count relative to the level), with cumulative sums of values and of
   observed-day counts. The best k is the one with the largest t; t <= 0 everywhere means no increase.
2. Robust measures on that split (raw kWh/day, medians): level before and after, added power
   kW = (after - before) / 24, ratio = after / before, spread = 1.4826 * MAD of the days before (floored),
   z = (after - before) / spread, persistence = share of observed days after k above the midpoint of the levels.
3. Season check, when a year of history exists: the post-change days that have a day 52 weeks earlier *before the
   change* (a few weeks fewer on data of about a year: core.year_ago) are compared with those year-ago days (median
   to median). season_share = the share of the rise that last year did not have, clipped to [0, 1]: a rise that
   repeats last year's (heating every winter) gets ~0. Without year-ago data season_share = 1 and yoy_ratio is NaN.
4. Score in [0, 100], a product of terms each in [0, 1] and monotone in its measure, so every condition must hold:
       100 * (1 - exp(-z / 4))                  robust size against the meter's own day-to-day noise
           * (1 - exp(-log2(ratio)))            relative size (0 for no rise or a drop; 0.63 at 2x)
           * (1 - exp(-added_kw / 0.5))         absolute size (0.5 kW around the clock -> 0.63)
           * clip(2 * persistence - 1, 0, 1)    lasting: 0 when the days after are no more often high than chance
           * season_share                       not a repeat of last year's season
   Meters with no valid candidate (too little history, mostly missing data, all NaN) score 0 with change_day -1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.year_ago import MIN_YEAR_PAIRS, year_lag

MAD_TO_SIGMA = 1.4826
MIN_LEVEL_KWH = 0.24  # 0.01 kW: floor for levels and spreads so that empty or constant histories do not divide by 0
MIN_REL_SPREAD = 0.05  # the spread is at least 5% of the old level: a perfectly flat history is not infinitely sure
Z_SCALE = 4.0
KW_SCALE = 0.5
T_EPS = 1e-9  # a split statistic this small is rounding noise of a flat series, not a rise


@dataclass(frozen=True)
class IncreaseResult:
    """Per meter (one entry per row of the input); levels in kWh/day, powers in kW."""

    score: np.ndarray  # float64, 0..100
    change_day: np.ndarray  # int64 day index of the first day after the change, -1 if none
    level_before: np.ndarray
    level_after: np.ndarray
    added_kw: np.ndarray
    ratio: np.ndarray
    persistence: np.ndarray  # share of observed days after the change above the midpoint of the two levels
    yoy_ratio: np.ndarray  # level after / level on the same days a year earlier (core.year_ago); NaN without them
    yoy_added_kw: np.ndarray
    season_share: np.ndarray  # share of the rise that last year's same days did not have (1 without year-ago data)
    n_days_after: np.ndarray  # int64 observed days after the change


def candidate_days(n_days: int, min_history_days: int, min_after_days: int, step_days: int) -> np.ndarray:
    """The grid of candidate change days (index of the first day after the change)."""
    return np.arange(max(min_history_days, 1), n_days - min_after_days + 1, step_days, dtype=np.int64)


def split_statistic(s_before, n_before, s_after, n_after):
    """t(k) from segment sums and observed-day counts (arrays or scalars); NaN where a segment is empty."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (s_after / n_after - s_before / n_before) * np.sqrt(n_before * n_after / (n_before + n_after))


def score_terms(z, ratio, added_kw, persistence, season_share):
    """The documented monotone combination (module docstring, step 4); NaN inputs give 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (
            (1 - np.exp(-np.maximum(z, 0) / Z_SCALE))
            * (1 - np.exp(-np.maximum(np.log2(np.maximum(ratio, 1e-300)), 0)))
            * (1 - np.exp(-np.maximum(added_kw, 0) / KW_SCALE))
            * np.clip(2 * persistence - 1, 0, 1)
            * np.clip(season_share, 0, 1)
        )
    return np.nan_to_num(100.0 * terms, nan=0.0)


def strange_increase(
    kwh_daily: np.ndarray,
    *,
    min_history_days: int = 42,
    min_after_days: int = 14,
    step_days: int = 1,
    year_days: int | None = None,
    min_yoy_days: int = MIN_YEAR_PAIRS,
    block_rows: int = 8192,
) -> IncreaseResult:
    """Score each row of `kwh_daily` (float[meters, days], NaN = not observed) for a lasting rise; see module doc.

    Rows are processed in blocks of `block_rows` so memory stays flat on millions of meters. `year_days`: the lag
    of the season check (default: core.year_ago.year_lag of the number of days).
    """
    x = np.asarray(kwh_daily, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"kwh_daily must be 2-D (meters x days), got shape {x.shape}")
    year_days = year_lag(x.shape[1]) if year_days is None else year_days
    params = (min_history_days, min_after_days, step_days, year_days, min_yoy_days)
    parts = [_block(x[i : i + block_rows], *params) for i in range(0, max(len(x), 1), block_rows)]
    return IncreaseResult(**{name: np.concatenate([p[name] for p in parts]) for name in parts[0]})


def _masked_median(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """nanmedian's values (all-NaN rows -> NaN), selected rather than sorted (core.blocks.row_median)."""
    return row_median(np.where(mask, x, np.nan))


def _best_split(x: np.ndarray, ks: np.ndarray, min_history_days: int, min_after_days: int) -> np.ndarray:
    """Change day per row (-1 if none) from the largest valid split statistic on log1p(kWh)."""
    m, d = x.shape
    if len(ks) == 0 or m == 0:
        return np.full(m, -1, dtype=np.int64)
    y = np.log1p(np.maximum(x, 0))
    observed = np.isfinite(y)
    counts = observed.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.where(counts > 0, np.nanmean(y, axis=1), 0.0)  # centring keeps cumulative sums well conditioned
    zero = np.zeros((m, 1))
    cs = np.concatenate([zero, np.cumsum(np.where(observed, y - centre[:, None], 0.0), axis=1)], axis=1)
    cn = np.concatenate([zero, np.cumsum(observed, axis=1, dtype=np.float64)], axis=1)
    s1, n1 = cs[:, ks], cn[:, ks]
    s2, n2 = cs[:, -1:] - s1, cn[:, -1:] - n1
    t = split_statistic(s1, n1, s2, n2)
    t = np.where((n1 >= min_history_days) & (n2 >= min_after_days) & np.isfinite(t), t, -np.inf)
    best = np.argmax(t, axis=1)
    return np.where(t[np.arange(m), best] > T_EPS, ks[best], -1)


def _block(x, min_history_days, min_after_days, step_days, year_days, min_yoy_days) -> dict[str, np.ndarray]:
    m, d = x.shape
    ks = candidate_days(d, min_history_days, min_after_days, step_days)
    k = _best_split(x, ks, min_history_days, min_after_days)
    has = k >= 0
    day = np.arange(d)[None, :]
    observed = np.isfinite(x)
    after = day >= np.where(has, k, d)[:, None]
    before = ~after

    level_before = _masked_median(x, before)
    level_after = _masked_median(x, after)
    mad = _masked_median(np.abs(x - level_before[:, None]), before)
    floor = np.maximum(MIN_REL_SPREAD * level_before, MIN_LEVEL_KWH)
    spread = np.maximum(MAD_TO_SIGMA * mad, floor)
    rise = level_after - level_before
    z = rise / spread
    ratio = level_after / np.maximum(level_before, MIN_LEVEL_KWH)
    n_after = (after & observed).sum(axis=1)
    midpoint = (level_before + level_after) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        persistence = (after & (x > midpoint[:, None])).sum(axis=1) / n_after

    # Season: post-change days whose day a year earlier (year_days) lies before the change (and inside the data).
    kk = np.where(has, k, d)[:, None]
    now = after & (day >= year_days) & (day < kk + year_days)
    now_obs = now & observed
    year_ago_obs = np.zeros_like(now)
    year_ago_obs[:, : max(d - year_days, 0)] = now[:, year_days:]
    year_ago_obs &= observed
    enough = (now_obs.sum(axis=1) >= min_yoy_days) & (year_ago_obs.sum(axis=1) >= min_yoy_days) & has
    level_now = _masked_median(x, now_obs)
    level_year_ago = _masked_median(x, year_ago_obs)
    yoy_ratio = np.where(enough, level_now / np.maximum(level_year_ago, MIN_LEVEL_KWH), np.nan)
    yoy_added_kw = np.where(enough, (level_now - level_year_ago) / 24.0, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((level_now - level_year_ago) / rise, 0.0, 1.0)
    season_share = np.where(enough, np.where(rise > 0, share, 0.0), 1.0)

    score = score_terms(z, ratio, rise / 24.0, persistence, season_share)
    nan = np.nan
    return {
        "score": np.where(has, score, 0.0),
        "change_day": k.astype(np.int64),
        "level_before": np.where(has, level_before, nan),
        "level_after": np.where(has, level_after, nan),
        "added_kw": np.where(has, rise / 24.0, nan),
        "ratio": np.where(has, ratio, nan),
        "persistence": np.where(has, persistence, nan),
        "yoy_ratio": yoy_ratio,
        "yoy_added_kw": yoy_added_kw,
        "season_share": np.where(has, season_share, nan),
        "n_days_after": np.where(has, n_after, 0).astype(np.int64),
    }
