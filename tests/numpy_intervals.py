"""Each meter's reading interval as vectorised NumPy code: the twin of the compiled
core.kernels.cells.interval_minutes, which must give the same intervals."""

from __future__ import annotations

import numpy as np

from wattwatch.core.intervals import USUAL_MINUTES


def infer_interval_minutes(position: np.ndarray, utc_seconds: np.ndarray, n_meters: int) -> np.ndarray:
    """int64[n_meters]: interval in minutes of each meter (readings sorted by (position, time)); 0 with < 2 readings.

    Counting the steps equal to each usual interval is a handful of vectorised passes; only meters none of whose
    steps is usual (rare: odd loggers) take the median of their steps, one meter at a time."""
    position = np.asarray(position, dtype=np.int64)
    t = np.asarray(utc_seconds, dtype=np.int64)
    same = position[1:] == position[:-1]
    step = (t[1:] - t[:-1])[same]
    owner = position[1:][same]
    kinds = len(USUAL_MINUTES)
    kind = np.full(step.size, kinds, dtype=np.int64)  # kinds = none of the usual steps
    for i, minutes in enumerate(USUAL_MINUTES):
        kind[step == minutes * 60] = i
    counts = np.bincount(owner * (kinds + 1) + kind, minlength=n_meters * (kinds + 1)).reshape(n_meters, kinds + 1)
    counts = counts[:, :kinds]
    out = np.asarray(USUAL_MINUTES, dtype=np.int64)[np.argmax(counts, axis=1)]
    out = np.where(counts.max(axis=1, initial=0) > 0, out, 0)
    for row in np.flatnonzero(out == 0):
        own = step[(owner == row) & (step > 0)]
        if own.size:
            out[row] = max(int(round(float(np.median(own)) / 60.0)), 1)
    return out
