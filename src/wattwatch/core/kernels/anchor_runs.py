"""The photoperiod aggregation's anchor search (core.photoperiod.aggregate_days), compiled: one meter at a time.
(Also the clock slots it tries, and the dominant start of each class in the run it picks: counts of days per slot
summed over circular windows, as the NumPy twins' bincounts and rolled sums give them.)

For every clock anchor tried (lights-on or lights-off slot, a few candidate slots each) the NumPy formulation
(tests/numpy_photoperiod.py) makes a dozen passes over [meters, days] arrays; here each meter's days are walked a
few times in one loop. Same rules, same order of anchors, same arithmetic (the steady-step medians, the density
ratio, the run quality), so the same grow run and dense days come out.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.medians import median_of
from wattwatch.core.kernels.reductions import KERNEL

@njit(**KERNEL)
def anchor_runs(anchors, candidates, good, step, cls, observed, n_classes, n_slots, tol, step_ratio, density_half,
                min_density, link_gap):
    """(run, dense) bool[m, d] of the best anchor per meter. anchors int64[kinds, m, d]: each day's anchor slot per
    anchor kind; candidates int64[kinds, m, c]: the slots tried per kind (-1 none), in order; a later anchor wins
    only with a strictly better run quality (block days^2 / observed days in the run's span). cls: each day's
    photoperiod class (0 .. n_classes - 1, -1 none)."""
    n_kinds, m, d = anchors.shape
    best_run = np.zeros((m, d), dtype=np.bool_)
    best_dense = np.zeros((m, d), dtype=np.bool_)
    near = np.empty(d, dtype=np.bool_)
    dense = np.empty(d, dtype=np.bool_)
    run = np.empty(d, dtype=np.bool_)
    values = np.empty(d)
    scratch = np.empty(d)
    cum_block = np.empty(d + 1, dtype=np.int64)
    cum_obs = np.empty(d + 1, dtype=np.int64)
    run_id = np.empty(d, dtype=np.int64)
    counts = np.empty(d + 1, dtype=np.int64)
    for i in range(m):
        cum_obs[0] = 0
        for j in range(d):
            cum_obs[j + 1] = cum_obs[j] + observed[i, j]
        best_quality = -1.0
        for kind in range(n_kinds):
            for c in range(candidates.shape[2]):
                slot = candidates[kind, i, c]
                if slot < 0:  # no slot: no near day, an empty run of quality 0
                    best_quality = max(best_quality, 0.0)
                    continue
                for j in range(d):
                    delta = anchors[kind, i, j] - slot  # a good day's anchor and the slot are in [0, n_slots)
                    delta = delta + n_slots if delta < 0 else delta  # delta % n_slots without a division
                    near[j] = good[i, j] and min(delta, n_slots - delta) <= tol
                steady_days(near, step[i], cls[i], n_classes, step_ratio, values, scratch, dense)  # block days, then
                dense_days(dense, cum_obs, density_half, min_density, cum_block, dense)  # those of them kept dense
                longest_run(dense, link_gap, run_id, counts, run)
                quality = run_quality(run, cum_obs)
                if quality > best_quality:
                    best_quality = quality
                    best_run[i] = run
                    best_dense[i] = dense
    return best_run, best_dense


@njit(**KERNEL)
def steady_days(near, step, cls, n_classes, ratio, values, scratch, out):
    """out = near days whose step is within `ratio` of the median step of the near days of the same class (a
    fitted block's step is a number: the fit keeps a block only where step > floor). The median is selected, not
    sorted for (median_of: the same value)."""
    for j in range(near.size):
        out[j] = False
    for k in range(n_classes):
        count = 0
        for j in range(near.size):
            if near[j] and cls[j] == k:
                values[count] = step[j]
                count += 1
        if count == 0:
            continue
        med = median_of(values, count, scratch)
        for j in range(near.size):
            if near[j] and cls[j] == k and step[j] * ratio >= med and step[j] <= med * ratio:
                out[j] = True


@njit(**KERNEL)
def dense_days(block, cum_obs, half, min_density, cum_block, out):
    """out = block days where the share of observed days within +-half days that are block days is at least
    min_density (out may be block itself: the cumulative counts are taken first)."""
    d = block.size
    cum_block[0] = 0
    for j in range(d):
        cum_block[j + 1] = cum_block[j] + block[j]
    for j in range(d):
        if block[j]:
            lo, hi = max(j - half, 0), min(j + half + 1, d)
            out[j] = (cum_block[hi] - cum_block[lo]) / max(cum_obs[hi] - cum_obs[lo], 1) >= min_density
        else:
            out[j] = False


@njit(**KERNEL)
def longest_run(block, link_gap, run_id, counts, out):
    """out = the block days of the run holding the most block days (the earliest on ties); runs break at gaps of
    more than link_gap days."""
    d = block.size
    current = 0
    last = -(link_gap + 1)
    for j in range(d + 1):
        counts[j] = 0
    for j in range(d):
        if block[j]:
            if j - last > link_gap:
                current += 1
            last = j
            counts[current] += 1
        run_id[j] = current
    best = 0
    for r in range(1, current + 1):
        if counts[r] > counts[best]:
            best = r
    for j in range(d):
        out[j] = block[j] and run_id[j] == best


@njit(**KERNEL)
def run_quality(run, cum_obs):
    """Block days^2 / observed days from the run's first to its last day; 0 without a run."""
    n_block = 0
    first = last = -1
    for j in range(run.size):
        if run[j]:
            n_block += 1
            last = j
            if first < 0:
                first = j
    if n_block == 0:
        return 0.0
    return n_block**2 / max(cum_obs[last + 1] - cum_obs[first], 1)


@njit(**KERNEL)
def candidate_slots(anchors, good, n_slots, tol, n_candidates):
    """int64[kinds, m, n_candidates]: per anchor kind and meter, up to n_candidates clock slots to try (-1 none):
    the slots whose circular +-tol window holds the most good days' anchors (the first such slot on ties), each
    next one more than 2 * tol slots from those already taken (a peak's shoulders are the same block). Counted
    over all days, the grow's slot is one of a few peaks even when a background's own blocks fill more days in the
    year. Anchors of good days lie in [0, n_slots)."""
    n_kinds, m, d = anchors.shape
    picks = np.full((n_kinds, m, n_candidates), -1, dtype=np.int64)
    hist = np.empty(n_slots, dtype=np.int64)
    window = np.empty(n_slots, dtype=np.int64)
    for kind in range(n_kinds):
        for i in range(m):
            slot_windows(anchors[kind, i], good[i], tol, hist, window)
            for c in range(n_candidates):
                top = np.argmax(window)  # the first of the busiest
                if window[top] == 0:  # every window empty: no more candidates
                    break
                picks[kind, i, c] = top
                for s in range(n_slots):
                    delta = (s - top) % n_slots
                    if min(delta, n_slots - delta) <= 2 * tol:
                        window[s] = 0
    return picks


@njit(**KERNEL)
def dominant_starts(start, cls, run, n_classes, n_slots, tol):
    """int64[m, n_classes]: per meter and photoperiod class, the start slot whose circular +-tol window holds the
    most of the class's run days' starts (the first such slot on ties; 0 without any)."""
    m, d = start.shape
    out = np.zeros((m, n_classes), dtype=np.int64)
    hist = np.empty(n_slots, dtype=np.int64)
    window = np.empty(n_slots, dtype=np.int64)
    of_class = np.empty(d, dtype=np.bool_)
    for i in range(m):
        for c in range(n_classes):
            for j in range(d):
                of_class[j] = run[i, j] and cls[i, j] == c
            slot_windows(start[i], of_class, tol, hist, window)
            out[i, c] = np.argmax(window)
    return out


@njit(**KERNEL)
def slot_windows(slots, take, tol, hist, out):
    """out[s] = how many of the days j with take[j] have their slot slots[j] (in [0, out.size)) within the circular
    window s - tol .. s + tol; hist is scratch of the same size."""
    n = hist.size
    hist[:] = 0
    for j in range(slots.size):
        if take[j]:
            hist[slots[j]] += 1
    for s in range(n):
        total = 0
        for k in range(s - tol, s + tol + 1):
            total += hist[k % n]
        out[s] = total
