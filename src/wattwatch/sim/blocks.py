"""Daily on/off blocks (lamps on a timer, EV charging, night shifts) as the covered fraction of each interval.

A block is laid on a clock: the local wall clock (a timer that follows DST) or standard time (one that does not).
The fraction is the exact overlap of the block with each interval, so a lamp switched on at 20:37 fills 23/60 of
the 20:00 hour; no sub-sampling.
"""

from __future__ import annotations

import numpy as np

from .calendar import DAY_S, Grid, TimeAxis


def clock_seconds(grid: Grid, axis: TimeAxis, follows_dst: np.ndarray) -> np.ndarray:
    """Interval starts on each row's clock, in seconds from the axis' first local midnight: shape (rows, T)."""
    local = grid.local_s - axis.local_origin_s
    standard = grid.utc_s + axis.std_offset_s - axis.local_origin_s
    return np.where(np.asarray(follows_dst, bool)[:, None], local[None, :], standard[None, :])


def block_fraction(clock: np.ndarray, step_s: int, start_s: np.ndarray, length_s: np.ndarray,
                   level: np.ndarray | None = None) -> np.ndarray:
    """Share of each interval covered by the day's block, times the block's level (default 1).

    clock: (rows, T) interval starts in clock seconds from day 0's midnight.
    start_s: (rows, D) block start within its day, seconds after midnight (may exceed a day slightly or be < 0).
    length_s: (rows, D) block length in seconds, 0 for no block; blocks must be shorter than a day.
    level: (rows, D) power level of each day's block (e.g. fewer lamps in the vegetative phase).
    Returns float32 (rows, T); in [0, 1] when level is 1.
    """
    rows, n_days = start_s.shape
    day = clock // DAY_S
    out = np.zeros(clock.shape, dtype=np.float64)
    r = np.arange(rows)[:, None]
    for shift in (-1, 0, 1):
        k = day + shift
        valid = (k >= 0) & (k < n_days)
        kc = np.clip(k, 0, n_days - 1)
        begin = kc * DAY_S + start_s[r, kc]
        end = begin + length_s[r, kc]
        overlap = np.minimum(clock + step_s, end) - np.maximum(clock, begin)
        weight = 1.0 if level is None else level[r, kc]
        out += np.where(valid, np.clip(overlap, 0, step_s) * weight, 0)
    return (out / step_s).astype(np.float32)
