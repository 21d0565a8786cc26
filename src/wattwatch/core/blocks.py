"""Best ON block per meter-day: the per-day half of the grow-light (photoperiod) detector.

Each local day is a ring of `s` time-of-day slots (a timer block that wraps midnight, e.g. 20:00 -> 14:00, is one
circular block). For every meter-day we try every start slot and every candidate length and keep the block with the
largest   weight(length) * n_in * n_out / n * step * min(edge_kw, step),   step = mean_in - mean_out > 0.
With edge_kw = step this is the least-squares two-level fit (between-segment sum of squares); capping one factor at
the edge jump makes a block whose step happens at its edges beat a window that hugs a smooth hump (a household's
evening peak next to the lamp block), and the weight slightly favours lengths near a photoperiod
(OTHER_LENGTH_WEIGHT). Circular cumulative sums and one array of edge jumps make each candidate O(1), so a day
costs O(s * n_lengths). The chosen block is then described by:

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
- edge_share: edge_kw / step, about 1 when the whole step happens at the edges.

Ties (equal fits, e.g. a 6 h block inside every 8 h window that holds it) go to the first candidate in (length,
start) order among those within TIE_RTOL of the best, so the choice does not hang on rounding.
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
# Meter-days per vectorised chunk: bounds memory to a few tens of MB per candidate array at 15-min resolution.
CHUNK_ROWS = 2048
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
    valid = ~np.isnan(x)
    filled = np.where(valid, x, 0.0)
    ring_sum = np.zeros((n, 2 * s + 1))
    ring_sum[:, 1:] = np.cumsum(np.concatenate([filled, filled], axis=1), axis=1)
    ring_cnt = np.zeros((n, 2 * s + 1), dtype=np.int64)
    ring_cnt[:, 1:] = np.cumsum(np.concatenate([valid, valid], axis=1), axis=1)
    total, n_total = ring_sum[:, s, None, None], ring_cnt[:, s, None, None]
    starts = np.arange(s)
    ends = starts[None, :] + lengths[:, None]  # [n_lengths, s]
    s_in = ring_sum[:, ends] - ring_sum[:, None, :s]
    n_in = ring_cnt[:, ends] - ring_cnt[:, None, :s]
    n_out = n_total - n_in
    jump, jump_ok = edge_jumps(x)
    n_edges = jump_ok[:, None, :] + jump_ok[:, ends % s]
    with np.errstate(divide="ignore", invalid="ignore"):
        edge = np.where(n_edges > 0, (jump[:, None, :] - jump[:, ends % s]) / n_edges, np.nan)
        step = s_in / n_in - (total - s_in) / n_out
        fit = weights[:, None] * n_in * n_out / n_total * step * np.minimum(edge, step)
    scale = np.max(np.abs(filled), axis=1)[:, None, None]
    fitted = n_total[:, 0, 0] >= min_valid_frac * s
    with np.errstate(invalid="ignore"):
        usable = (n_in > 0) & (n_out > 0) & (step > TIE_RTOL * scale) & (fit > 0) & fitted[:, None, None]
    fit = np.where(usable, fit, -np.inf).reshape(n, -1)
    best = np.max(fit, axis=1)
    found = np.isfinite(best)
    pick = np.argmax(fit >= (best - TIE_RTOL * np.abs(best))[:, None], axis=1)
    length = np.where(found, lengths[pick // s], 0)
    start = np.where(found, pick % s, -1)
    step_best = np.where(found, step.reshape(n, -1)[np.arange(n), pick], np.nan)
    described = _describe(x, jump, jump_ok, start, length, step_best)
    return {"observed": fitted, "start": start, "length": length, "step": step_best, **described}


def _describe(x, jump, jump_ok, start, length, step) -> dict[str, np.ndarray]:
    """Edge, spread and sharpness measures of each row's chosen block (NaN where no block)."""
    n, s = x.shape
    a = np.maximum(start, 0)
    rows = np.arange(n)
    ends = (a + length) % s
    n_edges = jump_ok[rows, a] + jump_ok[rows, ends]
    with np.errstate(invalid="ignore", divide="ignore"):
        edge = np.where((start >= 0) & (n_edges > 0), (jump[rows, a] - jump[rows, ends]) / n_edges, np.nan)
    inside = (np.arange(s)[None, :] - a[:, None]) % s < length[:, None]
    centre = np.where(inside, row_median(np.where(inside, x, np.nan))[:, None], 0.0) + np.where(
        inside, 0.0, row_median(np.where(inside, np.nan, x))[:, None]
    )
    spread = MAD_TO_SD * row_median(np.abs(x - centre))
    wiggle = row_median(np.abs(np.diff(x, axis=1)))
    floor = FLOOR_FRAC * step
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "edge_kw": edge,
            "contrast": step / np.maximum(spread, floor),
            "sharpness": edge / np.maximum(wiggle, floor),
            "edge_share": edge / step,
        }
