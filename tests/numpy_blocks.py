"""The lamp-block day fit of core.blocks as NumPy array code: the slow, obviously-vectorised twin of the compiled
kernel (core.kernels.block_fit), which must match it bit for bit. Candidates are [rows, lengths, starts] arrays
built with circular cumulative sums; see core.blocks' module doc for the objective and the tie rule."""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import (
    COARSE_SLOTS,
    FLOOR_FRAC,
    LENGTH_HOURS,
    MAD_TO_SD,
    MIN_VALID_FRAC,
    OTHER_LENGTH_WEIGHT,
    PHOTOPERIOD_TOL_HOURS,
    TIE_RTOL,
    DailyBlocks,
    length_slots,
    length_weights,
    row_median,
)

CHUNK_ROWS = 512


def numpy_fit_daily_blocks(load: np.ndarray, slot_hours: float) -> DailyBlocks:
    """fit_daily_blocks with the module's default parameters, as [rows, lengths, starts] NumPy arrays."""
    load = np.asarray(load, dtype=np.float64)
    m, d, s = load.shape
    lengths = length_slots(s, slot_hours, LENGTH_HOURS)
    weights = length_weights(lengths, slot_hours, PHOTOPERIOD_TOL_HOURS, OTHER_LENGTH_WEIGHT)
    min_valid_frac = MIN_VALID_FRAC
    rows = load.reshape(m * d, s)
    parts = [_fit_rows(rows[i : i + CHUNK_ROWS], lengths, weights, min_valid_frac) for i in range(0, m * d, CHUNK_ROWS)]
    names = DailyBlocks.__dataclass_fields__
    if not parts:
        empty = {"observed": np.zeros(0, bool), "start": np.full(0, -1, np.int64), "length": np.zeros(0, np.int64)}
        parts = [{n: empty.get(n, np.zeros(0)) for n in names}]
    return DailyBlocks(**{n: np.concatenate([p[n] for p in parts]).reshape(m, d) for n in names})


def edge_jumps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per slot k: the jump x[k+1] - x[k-2] (circular) with NaN set to 0, and whether it is valid (0/1).

    A block [a, b) has lights-on jump J[a] and lights-off jump -J[b] (= x[b-2] - x[b+1]), so every candidate's edges
    come from one array."""
    jump = np.roll(x, -1, axis=-1) - np.roll(x, 2, axis=-1)
    valid = ~np.isnan(jump)
    return np.where(valid, jump, 0.0), valid.astype(np.int64)


def _fit_rows(x: np.ndarray, lengths: np.ndarray, weights: np.ndarray, min_valid_frac: float) -> dict[str, np.ndarray]:
    n, s = x.shape
    fitted = np.sum(~np.isnan(x), axis=1) >= min_valid_frac * s
    every_length = np.arange(lengths.size)[None, :]
    factor = s // COARSE_SLOTS if s > COARSE_SLOTS and s % COARSE_SLOTS == 0 else 1
    if factor == 1:
        start, pick, step = _search(x, np.arange(s)[None, :], every_length, lengths, weights)
    else:
        coarse_start, coarse_pick, _ = _search(
            coarse_means(x, factor), np.arange(COARSE_SLOTS)[None, :], every_length, lengths // factor, weights
        )
        starts = (coarse_start[:, None] * factor + np.arange(-factor, factor + 1)[None, :]) % s
        near_lengths = np.clip(coarse_pick[:, None] + np.arange(-1, 2)[None, :], 0, lengths.size - 1)
        start, pick, step = _search(x, starts, near_lengths, lengths, weights)
        start = np.where(coarse_start >= 0, start, -1)
    found = fitted & (start >= 0)
    start = np.where(found, start, -1)
    length = np.where(found, lengths[np.maximum(pick, 0)], 0)
    step = np.where(found, step, np.nan)
    jump, jump_ok = edge_jumps(x)
    described = _describe(x, jump, jump_ok, start, length, step)
    return {"observed": fitted, "start": start, "length": length, "step": step, **described}


def coarse_means(x: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each run of `factor` slots ignoring NaN (NaN when all are missing): hourly means of a finer day."""
    n, s = x.shape
    parts = x.reshape(n, s // factor, factor)
    count = np.sum(~np.isnan(parts), axis=2)
    total = np.sum(np.where(np.isnan(parts), 0.0, parts), axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _search(x, starts, length_index, lengths, weights):
    """Best candidate per row among starts[r, :] x lengths[length_index[r, :]] (rows of 1 broadcast to all rows),
    in (length_index column, start column) order for ties: (start slot, length column, step); start -1 if none."""
    n, s = x.shape
    valid = ~np.isnan(x)
    shared = starts.shape[0] == 1 and length_index.shape[0] == 1  # one candidate set for all rows: plain slicing
    complete = valid.all(axis=1)
    if shared and complete.any() and not complete.all():  # complete days take the constant-count path below
        parts = [_search(x[rows], starts, length_index, lengths, weights) for rows in (complete, ~complete)]
        out = [np.empty(n, dtype=np.asarray(a).dtype) for a in parts[0]]
        for rows, part in zip((complete, ~complete), parts):
            for o, a in zip(out, part):
                o[rows] = a
        return tuple(out)
    filled = np.where(valid, x, 0.0)
    ring_sum = np.zeros((n, 2 * s + 1))
    ring_sum[:, 1:] = np.cumsum(np.concatenate([filled, filled], axis=1), axis=1)
    total = ring_sum[:, s, None, None]

    def at(values, index):  # values[r, index[r, ...]] -> [n, candidate lengths, candidate starts]
        return values[:, index[0]] if shared else values[np.arange(n)[:, None, None], index]

    begin = np.broadcast_to(starts[:, None, :], (starts.shape[0], length_index.shape[1], starts.shape[1]))
    length = lengths[length_index][:, :, None]
    ends = begin + length
    s_in = at(ring_sum, ends) - at(ring_sum, begin)
    jump, jump_ok = edge_jumps(x)
    weight = weights[length_index][:, :, None]  # [rows or 1, candidate lengths, 1]
    if shared and complete.all():
        # Every slot observed: in/out counts are the lengths, both edges valid. The same operations as below on
        # constants instead of count arrays, so the same bits at a fraction of the memory traffic.
        n_in, n_out, n_total, n_edges = length, s - length, s, 2
    else:
        ring_cnt = np.zeros((n, 2 * s + 1), dtype=np.int64)
        ring_cnt[:, 1:] = np.cumsum(np.concatenate([valid, valid], axis=1), axis=1)
        n_total = ring_cnt[:, s, None, None]
        n_in = at(ring_cnt, ends) - at(ring_cnt, begin)
        n_out = n_total - n_in
        n_edges = at(jump_ok, begin) + at(jump_ok, ends % s)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = weight * n_in * n_out / n_total
        edge = np.where(n_edges > 0, (at(jump, begin) - at(jump, ends % s)) / n_edges, np.nan)
        step = s_in / n_in - (total - s_in) / n_out
        fit = size * step * np.minimum(edge, step)
    scale = np.max(np.abs(filled), axis=1)[:, None, None]
    with np.errstate(invalid="ignore"):
        usable = (n_in > 0) & (n_out > 0) & (step > TIE_RTOL * scale) & (fit > 0)
    fit = np.where(usable, fit, -np.inf).reshape(n, -1)
    best = np.max(fit, axis=1)
    found = np.isfinite(best)
    pick = np.argmax(fit >= (best - TIE_RTOL * np.abs(best))[:, None], axis=1)
    n_starts = starts.shape[1]
    all_columns = np.broadcast_to(length_index, (n, length_index.shape[1]))
    column = np.take_along_axis(all_columns, (pick // n_starts)[:, None], 1)
    start = np.take_along_axis(np.broadcast_to(starts, (n, n_starts)), (pick % n_starts)[:, None], 1)[:, 0]
    chosen_step = np.take_along_axis(step.reshape(n, -1), pick[:, None], 1)[:, 0]
    return np.where(found, start, -1), np.where(found, column[:, 0], -1), np.where(found, chosen_step, np.nan)


def _describe(x, jump, jump_ok, start, length, step) -> dict[str, np.ndarray]:
    """Edge, spread and sharpness measures of each row's chosen block (NaN where no block)."""
    n, s = x.shape
    a = np.maximum(start, 0)
    rows = np.arange(n)
    ends = (a + length) % s
    n_edges = jump_ok[rows, a] + jump_ok[rows, ends]
    with np.errstate(invalid="ignore", divide="ignore"):
        edge = np.where((start >= 0) & (n_edges > 0), (jump[rows, a] - jump[rows, ends]) / n_edges, np.nan)
    into = (np.arange(s)[None, :] - a[:, None]) % s  # slots since lights-on
    inside = into < length[:, None]
    centre = np.where(inside, row_median(np.where(inside, x, np.nan))[:, None], 0.0) + np.where(
        inside, 0.0, row_median(np.where(inside, np.nan, x))[:, None]
    )
    spread = MAD_TO_SD * row_median(np.abs(x - centre))
    deviation = np.abs(x - centre)
    wander_in = _inner_mean(deviation, (into > 0) & (into < length[:, None] - 1))
    wander_out = _inner_mean(deviation, (into > length[:, None]) & (into < s - 1))
    base = _inner_mean(x, ~inside)
    wiggle = row_median(np.abs(np.diff(x, axis=1)))
    floor = FLOOR_FRAC * step
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "edge_kw": edge,
            "contrast": step / np.maximum(spread, floor),
            "sharpness": edge / np.maximum(wiggle, floor),
            "edge_share": edge / step,
            "base": np.where(start >= 0, base, np.nan),
            "roughness": (wander_in - wander_out) / step,
        }


def _inner_mean(values, mask):
    """Mean of each row's values over mask, NaN ignored; NaN where nothing is left."""
    keep = mask & ~np.isnan(values)
    count = keep.sum(axis=1)
    total = np.sum(np.where(keep, values, 0.0), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
