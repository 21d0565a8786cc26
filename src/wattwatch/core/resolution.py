"""Infer each meter's reading interval from its timestamps, vectorised over all meters at once.

Input is one flat array of readings sorted by (meter code, time). A meter's interval is its dominant step: the most
frequent step between consecutive readings (ties go to the smaller step). When that step is 15, 30 or 60 minutes the
meter has that resolution; otherwise, when the median step is 20-40 days, it is read for billing (about monthly);
otherwise it cannot be classified. A meter with a single reading has no step and cannot be classified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INTERVALS_S = np.array([900, 1800, 3600], dtype=np.int64)
BILLING = -1  # interval_s value of a meter read for billing
UNKNOWN = 0  # interval_s value of a meter that cannot be classified
BILLING_MIN_S = 20 * 86400
BILLING_MAX_S = 40 * 86400


@dataclass(frozen=True)
class Resolution:
    interval_s: np.ndarray  # per meter: 900 | 1800 | 3600 | BILLING | UNKNOWN
    phase_s: np.ndarray  # per meter: dominant (time mod interval), 0 for billing and unknown meters


def _sorted_by_group(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((values, groups))
    return groups[order], values[order]


def _group_mode(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Most frequent value per group, ties to the smallest; groups without values get -1."""
    mode = np.full(n_groups, -1, dtype=np.int64)
    if values.size == 0:
        return mode
    g, v = _sorted_by_group(groups, values)
    starts = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])])
    counts = np.diff(np.r_[starts, g.size])
    ug, uv = g[starts], v[starts]
    # within each group, the largest count first and then the smallest value: the first row per group wins
    best = np.lexsort((uv, -counts, ug))
    first = np.r_[True, ug[best][1:] != ug[best][:-1]]
    mode[ug[best][first]] = uv[best][first]
    return mode


def _group_median(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Lower median per group (NaN-free integer input); groups without values get -1."""
    med = np.full(n_groups, -1, dtype=np.int64)
    if values.size == 0:
        return med
    g, v = _sorted_by_group(groups, values)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, g.size])
    med[g[starts]] = v[starts + (counts - 1) // 2]
    return med


def _mode_with_majority_shortcut(groups, values, n_groups, candidates: np.ndarray) -> np.ndarray:
    """Group mode, computed cheaply for groups where one candidate value holds a strict majority.

    A value held by more than half of a group's entries is necessarily its mode, so only the other groups (rare in
    real data) need the sort-based mode.
    """
    n = np.bincount(groups, minlength=n_groups)
    mode = np.full(n_groups, -1, dtype=np.int64)
    for c in candidates:  # a handful of candidate values, not a loop over meters
        hit = np.bincount(groups[values == c], minlength=n_groups)
        mode[2 * hit > n] = c
    rest = (mode == -1) & (n > 0)
    if rest.any():
        sel = rest[groups]
        mode[rest] = _group_mode(groups[sel], values[sel], n_groups)[rest]
    return mode


def infer_resolution(codes: np.ndarray, t: np.ndarray, n_meters: int) -> Resolution:
    """Per-meter interval and grid phase from readings sorted by (code, t); t in epoch seconds."""
    codes = np.asarray(codes, dtype=np.int64)
    t = np.asarray(t, dtype=np.int64)
    same = codes[1:] == codes[:-1]
    step_group = codes[1:][same]
    steps = (t[1:] - t[:-1])[same]
    step_mode = _mode_with_majority_shortcut(step_group, steps, n_meters, INTERVALS_S)
    interval = np.full(n_meters, UNKNOWN, dtype=np.int64)
    is_interval = np.isin(step_mode, INTERVALS_S)
    interval[is_interval] = step_mode[is_interval]
    others = ~is_interval & (step_mode > 0)
    if others.any():
        sel = others[step_group]
        median = _group_median(step_group[sel], steps[sel], n_meters)
        interval[others & (median >= BILLING_MIN_S) & (median <= BILLING_MAX_S)] = BILLING

    phase = np.zeros(n_meters, dtype=np.int64)
    row_interval = interval[codes]
    gridded = row_interval > 0
    if gridded.any():
        phase_mode = _mode_with_majority_shortcut(
            codes[gridded], t[gridded] % row_interval[gridded], n_meters, np.array([0], dtype=np.int64)
        )
        phase[interval > 0] = phase_mode[interval > 0]
    return Resolution(interval_s=interval, phase_s=phase)


def on_grid(codes: np.ndarray, t: np.ndarray, res: Resolution) -> np.ndarray:
    """True for readings on their meter's grid (always true for billing meters, false for unknown ones)."""
    interval = res.interval_s[codes]
    ok = interval == BILLING
    gridded = interval > 0
    ok[gridded] = (t[gridded] % interval[gridded]) == res.phase_s[codes[gridded]]
    return ok


def resolution_name(interval_s: int) -> str:
    """The schema's resolution label for an inferred interval (see schema.RESOLUTIONS)."""
    if interval_s == BILLING:
        return "billing"
    if interval_s > 0:
        return f"{interval_s // 60}min"
    raise ValueError("meter has no resolution")
