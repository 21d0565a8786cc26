"""Run and week helpers shared by the theft detectors: consecutive-day runs and 7-day medians, vectorised over rows."""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median

WEEK_DAYS = 7


def run_lengths(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element of `mask` (bool[m, d]): the length of the run of consecutive True it belongs to (0 on False)
    and the index where that run starts (meaningless on False)."""
    m, d = mask.shape
    idx = np.broadcast_to(np.arange(d), (m, d))
    last_false = np.maximum.accumulate(np.where(mask, -1, idx), axis=1)
    next_false = np.minimum.accumulate(np.where(mask, d, idx)[:, ::-1], axis=1)[:, ::-1]
    return np.where(mask, next_false - last_false - 1, 0), last_false + 1


def longest_run(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length and start (-1 if none) of the longest True run per row; ties go to the earliest run."""
    m, d = mask.shape
    if d == 0:
        return np.zeros(m, np.int64), np.full(m, -1, np.int64)
    length, start = run_lengths(mask)
    best = np.argmax(length, axis=1)
    rows = np.arange(m)
    n = length[rows, best]
    return n.astype(np.int64), np.where(n > 0, start[rows, best], -1).astype(np.int64)


def first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True per row, -1 where none (also with zero columns)."""
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], -1, dtype=np.int64)
    return np.where(mask.any(axis=1), np.argmax(mask, axis=1), -1).astype(np.int64)


def week_medians(x: np.ndarray, min_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Median of each consecutive 7-day window from day 0 (float[m, n_weeks]; NaN with fewer than `min_days`
    observed days) and each window's first day. Any 7 consecutive days hold every weekday once, so the weekly cycle
    of a household or a shop cancels out of the comparison between weeks."""
    m, d = x.shape
    n_weeks = -(-d // WEEK_DAYS)
    padded = np.full((m, n_weeks * WEEK_DAYS), np.nan)
    padded[:, :d] = x
    weeks = padded.reshape(m, n_weeks, WEEK_DAYS)
    enough = np.isfinite(weeks).sum(axis=2) >= min_days
    return np.where(enough, row_median(weeks), np.nan), np.arange(n_weeks) * WEEK_DAYS


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
