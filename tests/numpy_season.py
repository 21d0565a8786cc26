"""The look-alike season measures (core.lookalike_season) as NumPy array code over [m, d] temporaries: the twins of
the compiled smoothing, co-movement sums and year-ago medians, which must give the same numbers bit for bit."""

from __future__ import annotations

import warnings

import numpy as np

from numpy_medians import numpy_row_median
from wattwatch.core.lookalike_season import BASE_DAYS, DARK_DAYS, EARLY_DAYS, MIN_DARK_WEEKS, MIN_EARLY_DAYS, \
    MIN_SMOOTH_DAYS, MIN_WEEK_DAYS, OFF_SEASON_WEEKS, SMOOTH_DAYS, WEEK_DAYS, season_scores
from wattwatch.core.year_ago import MIN_YEAR_PAIRS, year_lag


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
    return {**scores, **numpy_year_measures(x, k, has)}


def numpy_year_measures(x: np.ndarray, k: np.ndarray, has: np.ndarray) -> dict[str, np.ndarray]:
    m, d = x.shape
    day = np.arange(d)[None, :]
    kk = np.where(has, k, d)[:, None]
    lag = year_lag(d)
    pair = (day >= kk) & (day >= lag) & (day - lag < kk)
    shifted = np.full_like(x, np.nan)
    shifted[:, lag:] = x[:, : max(d - lag, 0)]
    both = pair & np.isfinite(x) & np.isfinite(shifted)
    now = numpy_row_median(np.where(both, x, np.nan))
    then = numpy_row_median(np.where(both, shifted, np.nan))
    base = numpy_row_median(np.where((day < kk) & (day >= kk - BASE_DAYS), x, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((then - base) / (now - base), 0.0, 1.0)
    valid = has & (both.sum(axis=1) >= MIN_YEAR_PAIRS) & (now - base > 0) & np.isfinite(base)
    after = numpy_row_median(np.where(day >= kk, x, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        paired = np.where(valid & (after > base), (now - base) / (after - base), np.nan)
    # off season: up to OFF_SEASON_WEEKS whole weeks back from the change, not before the end of last year's paired
    # days
    mid = np.where(valid, (base + now) / 2, np.nan)
    first = np.maximum(np.minimum(kk[:, 0] + lag, d) - lag, 0)
    off_share, weeks = numpy_weeks_under(x, first, kk[:, 0], mid, OFF_SEASON_WEEKS)
    short = has & (both.sum(axis=1) < MIN_YEAR_PAIRS)
    return {"year_repeat": np.where(valid, share, np.nan), "paired_rise_share": paired, "off_season_share": off_share,
            "off_season_weeks": weeks, **numpy_early_measures(x, k, short)}


def numpy_early_measures(x: np.ndarray, k: np.ndarray, short: np.ndarray) -> dict[str, np.ndarray]:
    """The data's first EARLY_DAYS days as last year's season, the DARK_DAYS before the change as its off season."""
    m, d = x.shape
    day = np.arange(d)[None, :]
    judged = short & (k - EARLY_DAYS >= DARK_DAYS) & (np.isfinite(x[:, :EARLY_DAYS]).sum(axis=1) >= MIN_EARLY_DAYS)
    kk = np.where(judged, k, d)[:, None]
    early = numpy_row_median(np.where(judged[:, None] & (day < EARLY_DAYS), x, np.nan))
    base = numpy_row_median(np.where((day < kk) & (day >= kk - BASE_DAYS), x, np.nan))
    after = numpy_row_median(np.where(day >= kk, x, np.nan))
    valid = judged & (after > base)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((early - base) / (after - base), 0.0, 1.0)
    mid = np.where(valid, (base + after) / 2, np.nan)
    dark_share, weeks = numpy_weeks_under(x, np.full(m, EARLY_DAYS), kk[:, 0], mid, DARK_DAYS // WEEK_DAYS)
    return {"early_repeat": np.where(valid, share, np.nan),
            "early_dark_share": np.where(valid & (weeks >= MIN_DARK_WEEKS), dark_share, np.nan)}


def numpy_weeks_under(x, lo, hi, mid, max_weeks):
    """Up to max_weeks whole weeks back from hi, none starting before lo, each week's median over MIN_WEEK_DAYS or
    more finite days: the share of them under mid and how many there are."""
    m, d = x.shape
    n_weeks = np.minimum(np.maximum((np.minimum(hi, d) - np.maximum(lo, 0)) // WEEK_DAYS, 0), max_weeks)
    back = np.arange(max(d // WEEK_DAYS, 1))[None, :]  # week w ends WEEK_DAYS * w days before hi
    day_of = (np.minimum(hi, d)[:, None] - WEEK_DAYS * (back + 1))[:, :, None] + np.arange(WEEK_DAYS)  # [m, weeks, 7]
    padded = np.concatenate([x, np.full((m, 1), np.nan)], axis=1)  # day -1 reads the NaN pad
    days = padded[np.arange(m)[:, None, None], np.where(day_of >= 0, day_of, -1)].transpose(0, 2, 1)  # [m, 7, weeks]
    finite = np.isfinite(days).sum(axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        medians = np.nanmedian(days, axis=1)
    kept = (back < n_weeks[:, None]) & (finite >= MIN_WEEK_DAYS) & np.isfinite(mid)[:, None]
    under = kept & (medians < mid[:, None])
    weeks = kept.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(weeks > 0, under.sum(axis=1) / weeks, np.nan)
    return share, weeks
