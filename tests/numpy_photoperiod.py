"""The photoperiod aggregation's anchor search as NumPy array code over [meters, days]: the twin of the compiled
kernel core.kernels.anchor_runs, which must give the same grow run and dense days."""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.photoperiod import _circular_distance, _first_true


def numpy_anchor_runs(anchors, candidates, good, step, cls, observed, n_classes, n_slots, tol, step_ratio,
                      density_half, min_density, link_gap):
    """(run, dense) of the best anchor per meter: every anchor kind and candidate slot in turn, a later one winning
    only with a strictly better run quality."""
    m, d = good.shape
    best = {"quality": np.full(m, -1.0), "run": np.zeros((m, d), bool), "dense": np.zeros((m, d), bool)}
    for anchor, slots in zip(anchors, candidates):
        for slot in slots.T:
            near = good & (slot[:, None] >= 0) & (_circular_distance(anchor - slot[:, None], n_slots) <= tol)
            block = near & _steady_step(step, cls, near, step_ratio, n_classes)
            dense = block & (_density(block, observed, density_half) >= min_density)
            run = _longest_run(dense, link_gap)
            quality = _run_quality(run, observed)
            better = quality > best["quality"]
            best["quality"] = np.where(better, quality, best["quality"])
            best["run"] = np.where(better[:, None], run, best["run"])
            best["dense"] = np.where(better[:, None], dense, best["dense"])
    return best["run"], best["dense"]


def _density(block, observed, half):
    """Share of observed days within +-half days of each day that are block days."""
    m, d = block.shape
    zero = np.zeros((m, 1), np.int64)
    cum_block = np.concatenate([zero, np.cumsum(block, axis=1)], axis=1)
    cum_obs = np.concatenate([zero, np.cumsum(observed, axis=1)], axis=1)
    day = np.arange(d)
    lo, hi = np.maximum(day - half, 0), np.minimum(day + half + 1, d)
    n_obs = cum_obs[:, hi] - cum_obs[:, lo]
    return (cum_block[:, hi] - cum_block[:, lo]) / np.maximum(n_obs, 1)


def _run_quality(run, observed):
    """Block days times coverage (block days / observed days in the run's span): a long run that holds the block
    nearly every day beats a longer, patchier one."""
    n_block = run.sum(axis=1)
    first = _first_true(run)
    last = np.where(n_block > 0, run.shape[1] - 1 - _first_true(run[:, ::-1]), -1)
    day = np.arange(run.shape[1])
    n_obs = np.sum(observed & (day >= first[:, None]) & (day <= last[:, None]), axis=1)
    return np.where(n_block > 0, n_block**2 / np.maximum(n_obs, 1), 0.0)


def _steady_step(step, cls, near, ratio, n_classes):
    """Days whose step is within `ratio` of the median step of the meter's near days of the same class."""
    keep = np.zeros(step.shape, dtype=bool)
    for k in range(n_classes):
        mask = near & (cls == k)
        med = row_median(np.where(mask, step, np.nan))
        with np.errstate(invalid="ignore", divide="ignore"):
            keep |= mask & (step * ratio >= med[:, None]) & (step <= med[:, None] * ratio)
    return keep


def _longest_run(block, link_gap_days):
    """Block days of the run holding the most block days; runs break at gaps longer than `link_gap_days` days.
    Ties go to the earliest run."""
    m, d = block.shape
    day = np.arange(d)
    last = np.maximum.accumulate(np.where(block, day, -(link_gap_days + 1)), axis=1)
    prev = np.concatenate([np.full((m, 1), -(link_gap_days + 1)), last[:, :-1]], axis=1)
    run_id = np.cumsum(block & (day - prev > link_gap_days), axis=1)
    rows = np.broadcast_to(np.arange(m)[:, None], (m, d))
    counts = np.bincount((rows * (d + 1) + run_id)[block], minlength=m * (d + 1)).reshape(m, d + 1)
    return block & (run_id == np.argmax(counts, axis=1)[:, None])
