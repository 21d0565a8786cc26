"""Best ON block per meter-day: the per-day half of the grow-light (photoperiod) detector.

Each local day is a ring of `s` time-of-day slots (a timer block that wraps midnight, e.g. 20:00 -> 14:00, is one
circular block). For every meter-day we try every start slot and every candidate length and keep the block with the
largest   weight(length) * n_in * n_out / n * step * min(edge_kw, step),   step = mean_in - mean_out > 0.
With edge_kw = step this is the least-squares two-level fit (between-segment sum of squares); capping one factor at
the edge jump makes a block whose step happens at its edges beat a window that hugs a smooth hump (a household's
evening peak next to the lamp block), and the weight slightly favours lengths near a photoperiod
(OTHER_LENGTH_WEIGHT). Circular cumulative sums and one array of edge jumps make each candidate O(1), so a day
costs O(s * n_lengths). A sub-hourly day is searched coarse-to-fine (COARSE_SLOTS): every candidate on its hourly
means, then at native slots only the starts within +-1 h of the hourly winner and the lengths one candidate either
side of it, which cuts the 15-min cost about fourfold; the hourly shape decides where the block is, the native
slots its exact edges. The chosen block is then described by:

- step: mean_in - mean_out (kW; the lamp power plus whatever the background does differently inside the block);
- edge_kw: the jump across each edge measured one slot further out on both sides (x[a+1] - x[a-2] at lights-on,
  x[b-2] - x[b+1] at lights-off, b = first OFF slot), averaged over the two edges. Skipping the slot on each side
  absorbs a timer that switches mid-slot (one intermediate slot), and a short window keeps most of the slow daily
  shape of the background out of it, so it estimates the lamp kW better than `step` (at 60 min the window spans
  3 h, and a steep household evening rise next to the edge still leaks in);
- contrast: step / robust within-segment spread (1.4826 * median absolute deviation from each segment's median);
  a flat plateau on a quiet background scores high, a shop's busy opening hours or a household's evening low;
- sharpness: edge_kw / the day's typical slot-to-slot change (median |x[k+1] - x[k]|): a timer step towers over
  the background's own wiggle, a ramp or a thermostat's cycling does not;
- edge_share: edge_kw / step, about 1 when the whole step happens at the edges;
- base: mean_out, the background level outside the block (kW), so that day-to-day changes of the step can be set
  against the background's own day-to-day changes;
- roughness: how much more the plateau wanders than the background: mean |x - segment median| over the block's
  inner slots minus the same over the inner OFF slots (the first and last slot of each segment left out: they may
  hold a mid-slot switch), divided by step. Lamps add a constant on top of the background, so both segments wiggle
  alike: about 0 whatever the lamp's size. An occupied building's plateau wanders (morning peak, HVAC cycling,
  lunch dip) while its closed hours are flat: clearly positive.

Ties (equal fits, e.g. a 6 h block inside every 8 h window that holds it) go to the first candidate in (length,
start) order among those within TIE_RTOL of the best, so the choice does not hang on rounding (in the native
refinement: length -1, 0, +1 candidate, then start offset -1 h .. +1 h from the hourly start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Candidate block lengths: 8..20 h covers 12/12 and 18/6 with margin, so that look-alike blocks (8-10 h shifts,
# 20 h) fit their own length instead of being squeezed into 12 or 18. Whole hours: timers are set in hours, and a
# mid-slot switch costs at most one intermediate slot, which the edge measures skip.
LENGTH_HOURS = tuple(range(8, 21))
# Prior weight on the fit of lengths near a photoperiod (PHOTOPERIOD_HOURS +- PHOTOPERIOD_TOL_HOURS) vs the others:
# a lamp block on a household with a big evening peak often fits only a little worse than a shorter window hugging
# lamp + peak; the weight tips such near-ties to the photoperiod, while a look-alike whose block is clearly 8-10 h
# long keeps its own length.
PHOTOPERIOD_HOURS = (18.0, 12.0)
PHOTOPERIOD_TOL_HOURS = 1.5
OTHER_LENGTH_WEIGHT = 0.8
# A day with fewer valid slots is not fitted: the two segment means would rest on too little (a DST day keeps 23/24).
MIN_VALID_FRAC = 0.75
# Relative tolerance for ties and for "mean_in > mean_out": far above cumulative-sum rounding, far below any real kW.
TIE_RTOL = 1e-9
# Spread and slot-to-slot change are floored at this share of the step, capping contrast and sharpness at 50: a
# perfectly flat synthetic day must not outweigh weeks of real evidence.
FLOOR_FRAC = 0.02
# Sub-hourly days are searched first on hourly means (24 slots, all lengths), then only the native starts within
# +-1 h of the hourly start and the lengths within +-1 h of the hourly length: the hourly shape decides where the
# block is, native slots decide its exact edges, at a fraction of the cost (96 x 13 candidates -> 24 x 13 + 9 x 3).
COARSE_SLOTS = 24
# Meter-days per vectorised chunk: small enough that the [rows, lengths, starts] candidate arrays stay in the CPU
# cache (512 takes about 0.6x the CPU time of 2048 on hourly days), large enough to amortise numpy's call overhead.
CHUNK_ROWS = 512
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class DailyBlocks:
    """Per meter-day description of the best ON block; arrays of shape [m, d]. No block: start -1, floats NaN."""

    observed: np.ndarray  # bool: enough valid slots to fit the day
    start: np.ndarray  # int64: first ON slot (lights-on at start * slot_hours, local clock)
    length: np.ndarray  # int64: ON slots (0 when no block)
    step: np.ndarray  # float64 kW: in-block mean minus out-of-block mean
    edge_kw: np.ndarray  # float64 kW: mean jump across the two edges (mid-slot switching skipped)
    contrast: np.ndarray  # float64: step / robust within-segment spread
    sharpness: np.ndarray  # float64: edge_kw / typical slot-to-slot change of the day
    edge_share: np.ndarray  # float64: edge_kw / step
    base: np.ndarray  # float64 kW: out-of-block mean
    roughness: np.ndarray  # float64: plateau's mean absolute deviation minus the OFF segment's, / step


def length_slots(n_slots: int, slot_hours: float, length_hours=LENGTH_HOURS) -> np.ndarray:
    """Candidate lengths in slots (sorted, unique), keeping at least three slots both ON and OFF."""
    lengths = np.unique(np.rint(np.asarray(length_hours, dtype=np.float64) / slot_hours).astype(np.int64))
    lengths = lengths[(lengths >= 3) & (lengths <= n_slots - 3)]
    if lengths.size == 0:
        raise ValueError(f"no candidate block length fits a day of {n_slots} slots of {slot_hours} h")
    return lengths


def fit_daily_blocks(
    load: np.ndarray,
    slot_hours: float,
    *,
    length_hours=LENGTH_HOURS,
    min_valid_frac: float = MIN_VALID_FRAC,
    photoperiod_tol_hours: float = PHOTOPERIOD_TOL_HOURS,
    other_length_weight: float = OTHER_LENGTH_WEIGHT,
) -> DailyBlocks:
    """Best ON block of every meter-day of `load` (float64[m, d, s], NaN = missing), see the module doc."""
    load = np.asarray(load, dtype=np.float64)
    if load.ndim != 3:
        raise ValueError(f"load must be [meters, days, slots], got shape {load.shape}")
    m, d, s = load.shape
    lengths = length_slots(s, slot_hours, length_hours)
    weights = length_weights(lengths, slot_hours, photoperiod_tol_hours, other_length_weight)
    rows = load.reshape(m * d, s)
    parts = [_fit_rows(rows[i : i + CHUNK_ROWS], lengths, weights, min_valid_frac) for i in range(0, m * d, CHUNK_ROWS)]
    names = DailyBlocks.__dataclass_fields__
    if not parts:
        empty = {"observed": np.zeros(0, bool), "start": np.full(0, -1, np.int64), "length": np.zeros(0, np.int64)}
        parts = [{n: empty.get(n, np.zeros(0)) for n in names}]
    return DailyBlocks(**{n: np.concatenate([p[n] for p in parts]).reshape(m, d) for n in names})


def length_weights(lengths, slot_hours, photoperiod_tol_hours, other_length_weight) -> np.ndarray:
    """Prior weight of each candidate length: 1 near a photoperiod, `other_length_weight` elsewhere."""
    hours = np.asarray(lengths) * slot_hours
    near = np.any(np.abs(hours[:, None] - np.asarray(PHOTOPERIOD_HOURS)[None, :]) <= photoperiod_tol_hours, axis=1)
    return np.where(near, 1.0, other_length_weight)


def row_median(values: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an all-NaN or empty row), without nanmedian's warnings."""
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    ordered = np.sort(values, axis=-1)  # NaN sorts last
    count = np.sum(~np.isnan(values), axis=-1)
    lo = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, np.minimum(count // 2, values.shape[-1] - 1)[..., None], axis=-1)[..., 0]
    return np.where(count > 0, 0.5 * (lo + hi), np.nan)


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
