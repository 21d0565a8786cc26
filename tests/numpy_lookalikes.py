"""The look-alike hourly measures' per-day passes as NumPy array code: the twins of the compiled kernels in
core.kernels.lookalike_days (the mean profiles as einsum matrix-vector products, the quiet level as a full sort over
days, the EV days' hot runs as whole-array masks), which must give the same numbers bit for bit."""

from __future__ import annotations

import numpy as np


def numpy_mean_profile(hourly: np.ndarray, use: np.ndarray, min_days: int) -> np.ndarray:
    """Average local day [m, 24] over the days in `use` (bool [m, d]) of each hour's finite values; NaN rows with
    fewer than `min_days` days."""
    ok = np.isfinite(hourly)
    weight = use.astype(np.float64)
    total = np.einsum("md,mdh->mh", weight, np.where(ok, hourly, 0.0))
    count = np.einsum("md,mdh->mh", weight, ok.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = np.where(count > 0, total / count, np.nan)
    return np.where((use.sum(axis=1) >= min_days)[:, None], profile, np.nan)


def numpy_week_profile(hourly: np.ndarray, use: np.ndarray, first_weekday: int, min_days: int) -> np.ndarray:
    """Average local week [m, 168] (Monday 00-01 first): each weekday's days are a stride-7 slice of the day axis."""
    days = [slice((k - first_weekday) % 7, None, 7) for k in range(7)]
    return np.concatenate([numpy_mean_profile(hourly[:, sl], use[:, sl], min_days) for sl in days], axis=1)


def numpy_quantile_over_days(values: np.ndarray, q: float) -> np.ndarray:
    """Lower q-quantile over axis 1 of [m, d, h] ignoring NaN (order statistic floor(q * (n - 1))), [m, h]."""
    ordered = np.sort(values, axis=1)  # NaN last
    count = np.sum(np.isfinite(values), axis=1)
    idx = np.floor(q * np.maximum(count - 1, 0)).astype(np.int64)
    out = np.take_along_axis(ordered, idx[:, None, :], axis=1)[:, 0, :]
    return np.where(count > 0, out, np.nan)


def evening_days(hourly: np.ndarray) -> np.ndarray:
    """[m, d, 24] noon-to-noon days laid out as an array (the kernels read them in place): hour 0 = 12:00 of day j,
    hour 12 = 00:00 of day j + 1 (NaN after the last)."""
    m, d, _ = hourly.shape
    nxt = np.full((m, d, 12), np.nan)
    nxt[:, :-1] = hourly[:, 1:, :12]
    return np.concatenate([hourly[:, :, 12:], nxt], axis=2)


def numpy_ev_day_stats(evening: np.ndarray, valid: np.ndarray, quantile: float, min_kw: float):
    """(hot hours, hot runs, hot excess, first hot hour, peak hot excess) per evening day, as ev_day_stats."""
    m, d, _ = evening.shape
    period = np.where(valid[:, :, None], evening, np.nan)
    excess = period - numpy_quantile_over_days(period, quantile)[:, None, :]
    with np.errstate(invalid="ignore"):
        hot = excess >= min_kw
    runs = np.sum(hot & ~np.concatenate([np.zeros((m, d, 1), bool), hot[:, :, :-1]], axis=2), axis=2)
    return (hot.sum(axis=2), runs, np.sum(np.where(hot, excess, 0.0), axis=2),
            np.argmax(hot, axis=2).astype(np.float64), np.nanmax(np.where(hot, excess, -np.inf), axis=2))


def numpy_night_levels(evening: np.ndarray, lo: int, hi: int, min_hours: int) -> np.ndarray:
    """[m, d] mean of hours lo..hi-1 of the evening days with min_hours finite of them (np.nanmean), else NaN."""
    night = evening[:, :, lo:hi]
    full = np.sum(np.isfinite(night), axis=2) >= min_hours
    with np.errstate(invalid="ignore"):
        return np.where(full, np.nanmean(np.where(full[:, :, None], night, 0.0), axis=2), np.nan)
