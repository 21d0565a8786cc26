"""The theft detector's per-meter passes (core.drop, core.runs, core.absence) as NumPy array code over [m, d] and
[m, candidates] temporaries, with medians of NaN-masked copies: the twins of the compiled kernels in
core.kernels.drop_runs and core.kernels.medians, which must give the same numbers bit for bit."""

from __future__ import annotations

import warnings

import numpy as np

from numpy_medians import numpy_row_median
from wattwatch.core.drop import DST_RATIOS, FLAT_MIN_DAYS, FLAT_RTOL, LOCAL_DAYS, RETURN_DAYS, TINY_KWH
from wattwatch.core.increase import T_EPS, candidate_days, split_statistic
from wattwatch.core.runs import WEEK_DAYS
from wattwatch.core.year_ago import MIN_YEAR_PAIRS


def numpy_run_lengths(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run length per element (0 on False) and the run's start (last False before it + 1)."""
    m, d = mask.shape
    idx = np.broadcast_to(np.arange(d), (m, d))
    last_false = np.maximum.accumulate(np.where(mask, -1, idx), axis=1)
    next_false = np.minimum.accumulate(np.where(mask, d, idx)[:, ::-1], axis=1)[:, ::-1]
    return np.where(mask, next_false - last_false - 1, 0), last_false + 1


def numpy_longest_run(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m, d = mask.shape
    if d == 0:
        return np.zeros(m, np.int64), np.full(m, -1, np.int64)
    length, start = numpy_run_lengths(mask)
    best = np.argmax(length, axis=1)
    rows = np.arange(m)
    n = length[rows, best]
    return n.astype(np.int64), np.where(n > 0, start[rows, best], -1).astype(np.int64)


def numpy_evidence_series(x: np.ndarray, zero_days: np.ndarray) -> np.ndarray:
    long_run = numpy_run_lengths(zero_days)[0] >= FLAT_MIN_DAYS
    return np.where(long_run, 0.0, np.where(zero_days, np.nan, x))


def numpy_best_drop_split(x: np.ndarray, min_history_days: int, min_after_days: int) -> np.ndarray:
    m, d = x.shape
    ks = candidate_days(d, min_history_days, min_after_days, 1)
    if len(ks) == 0 or m == 0:
        return np.full(m, -1, dtype=np.int64)
    y = np.log1p(np.maximum(x, 0))
    observed = np.isfinite(y)
    n_obs = observed.sum(axis=1)
    centre = np.sum(np.where(observed, y, 0.0), axis=1) / np.maximum(n_obs, 1)
    zero = np.zeros((m, 1))
    cs = np.concatenate([zero, np.cumsum(np.where(observed, y - centre[:, None], 0.0), axis=1)], axis=1)
    cn = np.concatenate([zero, np.cumsum(observed, axis=1, dtype=np.float64)], axis=1)
    lo, hi = np.maximum(ks - LOCAL_DAYS, 0), np.minimum(ks + LOCAL_DAYS, d)
    s1, n1 = cs[:, ks] - cs[:, lo], cn[:, ks] - cn[:, lo]
    s2, n2 = cs[:, hi] - cs[:, ks], cn[:, hi] - cn[:, ks]
    fall = -split_statistic(s1, n1, s2, n2)
    valid = (cn[:, ks] >= min_history_days) & (cn[:, -1:] - cn[:, ks] >= min_after_days) & np.isfinite(fall)
    fall = np.where(valid, fall, -np.inf)
    best = np.argmax(fall, axis=1)
    return np.where(fall[np.arange(m), best] > T_EPS, ks[best], -1)


def numpy_year_ago(x, kk, year_days):
    """(median now where enough, median a year ago) as core.drop takes them, from the change day kk (d: none)."""
    m, d = x.shape
    after = np.arange(d)[None, :] >= kk[:, None]
    before = ~after
    observed = np.isfinite(x)
    ago_before = np.zeros_like(before)
    if 0 < year_days < d:
        ago_before[:, year_days:] = before[:, :-year_days] & observed[:, :-year_days]
    now = after & ago_before & observed
    ago = np.zeros_like(now)
    if 0 < year_days < d:
        ago[:, :-year_days] = now[:, year_days:]
    enough = (now.sum(axis=1) >= MIN_YEAR_PAIRS) & (ago.sum(axis=1) >= MIN_YEAR_PAIRS)
    return (np.where(enough, numpy_row_median(np.where(now, x, np.nan)), np.nan),
            numpy_row_median(np.where(ago, x, np.nan)))


def numpy_flat_parts(x, zero_days):
    """The flat run's raw parts: (flat_days, start, n_prior, n_prior_flat, n_flagged, level, prior_level,
    after_level), each [m]."""
    m, d = x.shape
    prev, cur = x[:, :-1], x[:, 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = cur / prev
        same = np.zeros(prev.shape, bool)
        for r in DST_RATIOS:
            same |= np.abs(rel - r) <= FLAT_RTOL * r
        link = same | ((cur == 0) & (prev == 0)) | ((cur < TINY_KWH) & (prev < TINY_KWH))
    n_links, first_link = numpy_longest_run(link)
    flat_days = np.where(n_links > 0, n_links + 1, 0)
    start = np.where(n_links > 0, first_link, -1)
    day = np.arange(d)[None, :]
    run = (day >= start[:, None]) & (day < (start + flat_days)[:, None])
    prior = (day < start[:, None]) & np.isfinite(x)
    flat_day = np.zeros((m, d), bool)
    flat_day[:, 1:] |= link
    flat_day[:, :-1] |= link
    end = start + flat_days
    after = (day >= end[:, None]) & (day < (end + RETURN_DAYS)[:, None])
    return (flat_days, start, prior.sum(axis=1), np.sum(prior & flat_day, axis=1), np.sum(run & zero_days, axis=1),
            numpy_row_median(np.where(run, x, np.nan)), numpy_row_median(np.where(prior, x, np.nan)),
            numpy_row_median(np.where(after, x, np.nan)))


def numpy_week_medians(x: np.ndarray, min_days: int) -> np.ndarray:
    m, d = x.shape
    n_weeks = -(-d // WEEK_DAYS)
    padded = np.full((m, n_weeks * WEEK_DAYS), np.nan)
    padded[:, :d] = x
    weeks = padded.reshape(m, n_weeks, WEEK_DAYS)
    enough = np.isfinite(weeks).sum(axis=2) >= min_days
    return np.where(enough, numpy_row_median(weeks), np.nan)


def numpy_window(x: np.ndarray, start: np.ndarray, length: int) -> np.ndarray:
    """x[i, start[i] : start[i] + length] per row, NaN outside the day axis."""
    d = x.shape[1]
    idx = np.asarray(start, dtype=np.int64)[:, None] + np.arange(length)[None, :]
    if d == 0:
        return np.full(idx.shape, np.nan)
    inside = (idx >= 0) & (idx < d)
    return np.where(inside, np.take_along_axis(x, np.clip(idx, 0, d - 1), axis=1), np.nan)


def numpy_sliding_week_medians(after: np.ndarray, week: int, min_days: int) -> np.ndarray:
    """np.nanmedian of every sliding `week` of the rows of `after`, NaN with fewer than min_days finite days."""
    weeks = np.lib.stride_tricks.sliding_window_view(after, week, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.where(np.isfinite(weeks).sum(axis=2) >= min_days, np.nanmedian(weeks, axis=2), np.nan)


def numpy_last_observed_median(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: np.nanmedian of the last n finite values (NaN with fewer) and the column of the first of them."""
    seen = np.isfinite(x)
    from_end = np.cumsum(seen[:, ::-1], axis=1)[:, ::-1]
    last = seen & (from_end <= n)
    enough = seen.sum(axis=1) >= n
    values = np.where(last, x, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(values, axis=1)
    first = np.argmax(last, axis=1)
    return np.where(enough, med, np.nan), np.where(enough, first, -1)


def numpy_shape_similarity(kw: np.ndarray, split: np.ndarray) -> np.ndarray:
    """1 - half the L1 distance of the normalised mean daily profiles before split and from it on (NaN without)."""
    m, d, _ = kw.shape
    has = split >= 0
    after = np.arange(d)[None, :] >= np.where(has, split, d)[:, None]
    ok = np.isfinite(kw)
    values = np.where(ok, np.maximum(kw, 0.0), 0.0)
    profiles = []
    for mask in (~after, after & has[:, None]):
        total = np.einsum("md,mdh->mh", mask.astype(np.float64), values)
        count = np.einsum("md,mdh->mh", mask.astype(np.float64), ok.astype(np.float64))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
            profiles.append(mean / mean.sum(axis=1, keepdims=True))
    return np.where(has, 1 - 0.5 * np.abs(profiles[0] - profiles[1]).sum(axis=1), np.nan)
