"""Row helpers of the scan: ids to rows, and rows in chunks of bounded size."""

from __future__ import annotations

from typing import Iterable

import numpy as np


def rows_of(ids, known_ids) -> np.ndarray:
    """Row of each id in `known_ids`, or -1 where it is absent."""
    known = np.asarray(known_ids, dtype=str)
    ids = np.asarray(ids, dtype=str)
    if len(known) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    order = np.argsort(known)
    at = order[np.minimum(np.searchsorted(known, ids, sorter=order), len(known) - 1)]
    return np.where(known[at] == ids, at, -1)


def chunks(rows: np.ndarray, size: int) -> Iterable[np.ndarray]:
    for start in range(0, rows.size, max(size, 1)):
        yield rows[start:start + size]
