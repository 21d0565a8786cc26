"""Run and week helpers shared by the theft detectors: consecutive-day runs and 7-day medians, vectorised over rows."""

from __future__ import annotations

import numpy as np

from wattwatch.core.kernels.drop_runs import run_lengths as kernel_run_lengths
from wattwatch.core.kernels.medians import strided_window_medians

WEEK_DAYS = 7


def run_lengths(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element of `mask` (bool[m, d]): the length of the run of consecutive True it belongs to (0 on False)
    and the index where that run starts (meaningless on False). One compiled pass per row."""
    return kernel_run_lengths(np.asarray(mask, dtype=bool))


def first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True per row, -1 where none (also with zero columns)."""
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], -1, dtype=np.int64)
    return np.where(mask.any(axis=1), np.argmax(mask, axis=1), -1).astype(np.int64)


def week_medians(x: np.ndarray, min_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Median of each consecutive 7-day window from day 0 (float[m, n_weeks]; NaN with fewer than `min_days`
    observed days) and each window's first day. Any 7 consecutive days hold every weekday once, so the weekly cycle
    of a household or a shop cancels out of the comparison between weeks."""
    n_weeks = -(-x.shape[1] // WEEK_DAYS)
    first = np.zeros(x.shape[0], dtype=np.int64)
    med = strided_window_medians(np.asarray(x, dtype=np.float64), first, WEEK_DAYS, WEEK_DAYS, n_weeks, min_days)
    return med, np.arange(n_weeks) * WEEK_DAYS


def weeks_below(x: np.ndarray, k: np.ndarray, threshold: np.ndarray, min_days: int, recent_weeks: int):
    """Per row: the share of whole weeks starting on or after day k[row] whose median is below threshold[row], and
    the same share over the last `recent_weeks` of those weeks (NaN when there is none). Pass -x and -threshold for
    "above"."""
    med, week_start = week_medians(x, min_days)
    valid = (week_start[None, :] >= k[:, None]) & np.isfinite(med)
    low = valid & (med < threshold[:, None])
    from_end = np.cumsum(valid[:, ::-1], axis=1)[:, ::-1]
    recent = valid & (from_end <= recent_weeks)
    with np.errstate(invalid="ignore", divide="ignore"):
        return low.sum(axis=1) / valid.sum(axis=1), (low & recent).sum(axis=1) / recent.sum(axis=1)
