"""NaN-ignoring medians as NumPy array code: the twins of the compiled selections in core.kernels.medians (and of
the medians the theft and look-alike kernels take), which must give the same numbers bit for bit. Each row is
sorted in full (NaN last) and the two middle order statistics are averaged; a window or a group is first masked
with NaN."""

from __future__ import annotations

import numpy as np


def numpy_row_median(values: np.ndarray) -> np.ndarray:
    """Median of each row (last axis) ignoring NaN; NaN for an all-NaN or empty row."""
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    ordered = np.sort(values, axis=-1)  # NaN sorts last
    count = np.sum(~np.isnan(values), axis=-1)
    lo = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, np.minimum(count // 2, values.shape[-1] - 1)[..., None], axis=-1)[..., 0]
    return np.where(count > 0, 0.5 * (lo + hi), np.nan)


def numpy_window_median(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Median of the non-NaN x[i, lo[i]:hi[i]] per row, through a NaN-masked copy of the whole matrix."""
    day = np.arange(x.shape[1])[None, :]
    return numpy_row_median(np.where((day >= lo[:, None]) & (day < hi[:, None]), x, np.nan))


def numpy_grouped_median(group: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of the finite `values` of each element's group and the count behind it (NaN, 0 where none); group
    -1 = none. One lexsort by (group, value), medians by index arithmetic."""
    ok = np.isfinite(values) & (group >= 0)
    _, inverse = np.unique(group, return_inverse=True)
    inverse = inverse.reshape(-1)
    n_groups = int(inverse.max()) + 1 if len(inverse) else 0
    g, v = inverse[ok], values[ok]
    order = np.lexsort((v, g))
    v = v[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    lo = np.minimum(starts + (counts - 1) // 2, max(len(v) - 1, 0))
    hi = np.minimum(starts + counts // 2, max(len(v) - 1, 0))
    med = np.where(counts > 0, 0.5 * (v[lo] + v[hi]) if len(v) else np.nan, np.nan)
    valid = group >= 0
    return np.where(valid, med[inverse], np.nan), np.where(valid, counts[inverse], 0)
