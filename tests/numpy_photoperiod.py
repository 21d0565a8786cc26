"""The photoperiod aggregation's anchor search and run summary as NumPy array code over [meters, days]: the twins
of the compiled kernels core.kernels.anchor_runs (the same candidate slots, grow run, dense days and dominant
starts) and core.kernels.run_summary (the same counts and medians)."""

from __future__ import annotations

import numpy as np

from numpy_medians import numpy_row_median
from wattwatch.core.blocks import row_median
from wattwatch.core.kernels import run_summary as rs


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


def numpy_candidate_slots(anchors, good, n_slots, tol, n_candidates):
    """Per anchor kind and meter, up to n_candidates anchor slots [kinds, m, n_candidates] (-1 = none): the slots
    whose +-tol window holds the most good days, each next one at least 2 * tol + 1 slots from those already
    taken."""
    picks = []
    for anchor in anchors:
        m, d = anchor.shape
        rows = np.broadcast_to(np.arange(m)[:, None], (m, d))
        hist = np.bincount((rows * n_slots + anchor)[good], minlength=m * n_slots).reshape(m, n_slots)
        window = sum(np.roll(hist, k, axis=1) for k in range(-tol, tol + 1))
        kind = np.full((m, n_candidates), -1, dtype=np.int64)
        slots = np.arange(n_slots)
        for k in range(n_candidates):
            top = np.argmax(window, axis=1)
            kind[:, k] = np.where(window[np.arange(m), top] > 0, top, -1)
            window = np.where(_circular_distance(slots[None, :] - top[:, None], n_slots) <= 2 * tol, 0, window)
        picks.append(kind)
    return np.stack(picks)


def numpy_dominant_starts(start, cls, run, n_classes, n_slots, tol):
    """The dominant start [m, class]: the slot whose +-tol window holds the most run days (first on ties)."""
    m, d = start.shape
    rows = np.broadcast_to(np.arange(m)[:, None], (m, d))
    keys = (rows[run] * n_classes + cls[run]) * n_slots + start[run]
    hist = np.bincount(keys, minlength=m * n_classes * n_slots).reshape(m, n_classes, n_slots)
    ring = np.concatenate([hist[..., -tol:], hist, hist[..., :tol]], axis=-1)
    cum = np.concatenate([np.zeros((m, n_classes, 1), np.int64), np.cumsum(ring, axis=-1)], axis=-1)
    window = cum[..., 2 * tol + 1 :] - cum[..., : n_slots]
    return np.argmax(window, axis=-1)


def numpy_summarise_runs(run, dense, observed, cls, start, dominant, length, step, base, edge_kw, contrast,
                         edge_share, sharpness, roughness, n_classes, n_slots, gap_min_days, switch_window,
                         switch_min_days, year_days):
    """summarise_runs' outputs (counts, medians, weekday_edges, observed_week, run_week), each median of a
    NaN-masked copy sorted in full."""
    m, d = run.shape
    dom_day = np.take_along_axis(dominant, np.maximum(cls, 0), axis=1)
    offset = (start - dom_day + n_slots // 2) % n_slots - n_slots // 2
    day = np.arange(d)
    n_block = run.sum(axis=1)
    first = _first_true(run)
    last = np.where(n_block > 0, d - 1 - _first_true(run[:, ::-1]), -1)
    span = (day >= first[:, None]) & (day <= last[:, None])
    in_span = span & observed
    n_gap = np.sum(in_span & ~run & (_gap_lengths(run, span) >= gap_min_days), axis=1)
    rows = np.broadcast_to(np.arange(m)[:, None], (m, d))
    week = rows * 7 + day % 7
    observed_week = np.bincount(week[in_span], minlength=7 * m).reshape(m, 7)
    run_week = np.bincount(week[run], minlength=7 * m).reshape(m, 7)
    per_class = np.stack([np.sum(run & (cls == k), axis=1) for k in range(n_classes)], axis=1)
    main_class = np.argmax(per_class, axis=1)
    main = run & (cls == main_class[:, None])
    main_length = numpy_row_median(np.where(main, length.astype(np.float64), np.nan))
    with np.errstate(invalid="ignore"):
        steady = np.sum(main & (np.abs(length - main_length[:, None]) <= 1), axis=1)
    main_step = numpy_row_median(np.where(main, step, np.nan))
    main_base = numpy_row_median(np.where(main, base, np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        step_dev = numpy_row_median(np.abs(np.where(main, step, np.nan) / main_step[:, None] - 1.0))
        base_dev = numpy_row_median(np.abs(np.where(main, base, np.nan) - main_base[:, None]))
    medians = [main_length, *(numpy_row_median(np.where(run, v, np.nan))
                              for v in (edge_kw, contrast, edge_share, sharpness, roughness)),
               main_step, main_base, numpy_row_median(np.where(main, edge_kw, np.nan)), step_dev, base_dev]
    weekday_edges = np.stack([numpy_row_median(np.where(main & (day % 7 == w), edge_kw, np.nan)) for w in range(7)],
                             axis=1)
    counts = [n_block, first, last, in_span.sum(axis=1), n_gap, main_class, main.sum(axis=1),
              np.sum(np.where(main, offset, 0), axis=1), steady, _switch_day(run, cls, switch_window, switch_min_days),
              _days_without_before(run, dense, observed), *_year_pairs(run, dense, observed, year_days),
              _dense_days_before(run, dense)]
    assert len(counts) == rs.N_COUNTS and len(medians) == rs.N_MEDIANS
    return (np.stack(counts).astype(np.int64), np.stack(medians).reshape(rs.N_MEDIANS, m), weekday_edges,
            observed_week, run_week)


def _year_pairs(run, dense, observed, year_days):
    """Run days whose day year_days earlier was observed, and those of them whose day then was a dense day."""
    m, d = run.shape
    now, then = run[:, year_days:], observed[:, : max(d - year_days, 0)]
    if now.shape[1] == 0:
        return np.zeros(m, np.int64), np.zeros(m, np.int64)
    paired = now & then
    return paired.sum(axis=1), (paired & dense[:, : d - year_days]).sum(axis=1)


def _days_without_before(run, dense, observed):
    """Observed days before the run's first day back to the last earlier day of the same block (dense)."""
    m, d = run.shape
    first = _first_true(run)
    day = np.arange(d)
    earlier = dense & (day < first[:, None])
    last_before = np.where(earlier.any(axis=1), d - 1 - _first_true(earlier[:, ::-1]), -1)
    between = observed & (day > last_before[:, None]) & (day < first[:, None])
    return np.where(first >= 0, between.sum(axis=1), 0)


def _dense_days_before(run, dense):
    """Days of the same block (dense) before the run's first day: an earlier run of it."""
    first = _first_true(run)
    return np.where(first >= 0, np.sum(dense & (np.arange(run.shape[1]) < first[:, None]), axis=1), 0)


def _gap_lengths(run, span):
    """For each day inside the span, the length of the stretch of consecutive non-block days it belongs to (0 on
    block days). The span starts and ends on block days, so every stretch is closed on both sides."""
    m, d = run.shape
    stretch_id = np.cumsum(run, axis=1)
    rows = np.broadcast_to(np.arange(m)[:, None], (m, d))
    keys = rows * (d + 1) + stretch_id
    gap = span & ~run
    lengths = np.bincount(keys[gap], minlength=m * (d + 1))
    return np.where(gap, lengths[keys], 0)


def _switch_day(run, cls, window, min_days):
    """First 12 h block day with >= min_days 18 h block days in the `window` days before it, >= min_days 12 h block
    days in the `window` days from it, and at most one 18 h day among those (a stray misfit); -1 if none."""
    m, d = run.shape
    veg = np.concatenate([np.zeros((m, 1), np.int64), np.cumsum(run & (cls == 0), axis=1)], axis=1)
    flower = np.concatenate([np.zeros((m, 1), np.int64), np.cumsum(run & (cls == 1), axis=1)], axis=1)
    day = np.arange(d)
    before, after = np.maximum(day - window, 0), np.minimum(day + window, d)
    veg_before = veg[:, day] - veg[:, before]
    flower_after = flower[:, after] - flower[:, day]
    veg_after = veg[:, after] - veg[:, day]
    hit = run & (cls == 1) & (veg_before >= min_days) & (flower_after >= min_days) & (veg_after <= 1)
    return _first_true(hit)


def _first_true(mask):
    """Index of the first True per row, -1 where none (also for zero columns)."""
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], -1, dtype=np.int64)
    return np.where(mask.any(axis=1), np.argmax(mask, axis=1), -1).astype(np.int64)


def _circular_distance(delta, n):
    delta = delta % n
    return np.minimum(delta, n - delta)
