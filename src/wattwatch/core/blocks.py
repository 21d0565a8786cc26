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

The search runs compiled, one meter-day at a time (core.kernels.block_fit); its NumPy formulation over
[days, lengths, starts] candidate arrays is the tests' twin (tests/numpy_blocks.py) and agrees bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.kernels.block_fit import fit_days
from wattwatch.core.kernels.medians import window_medians

# Candidate block lengths: 8..20 h covers 12/12 and 18/6 with margin, so that look-alike blocks (8-10 h shifts,
# 20 h) fit their own length instead of being squeezed into 12 or 18. Whole hours: timers are set in hours, and a
# mid-slot switch costs at most one intermediate slot, which the edge measures skip.
LENGTH_HOURS = tuple(range(8, 21))
# Prior weight on the fit of lengths near a photoperiod (PHOTOPERIOD_HOURS +- PHOTOPERIOD_TOL_HOURS) vs the others:
# a lamp block on a household with a big evening peak often fits only a little worse than a shorter window hugging
# lamp + peak; the weight tips such near-ties to the photoperiod, while a look-alike whose block is clearly 8-10 h
# long keeps its own length.
PHOTOPERIOD_HOURS = (18.0, 12.0, 20.0)  # vegetative 18/6, flowering 12/12, autoflowers' 20/4
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


FLOAT_FIELDS = ("step", "edge_kw", "contrast", "sharpness", "edge_share", "base", "roughness")  # fit_days' rows


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
    describe_near_hours: tuple[float, ...] | None = None,
    describe_tol_hours: float = PHOTOPERIOD_TOL_HOURS,
    describe_gates: tuple[float, float, float] | None = None,
) -> DailyBlocks:
    """Best ON block of every meter-day of `load` (float64[m, d, s], NaN = missing), see the module doc.

    With `describe_near_hours`, only blocks within describe_tol_hours of one of those lengths get edge_kw,
    contrast, sharpness, edge_share, base and roughness (NaN elsewhere): the photoperiod aggregation reads them on
    such days only, and describing a day costs as much as searching it. With `describe_gates` (minimum edge
    share, sharpness, contrast), the measures are taken in that order and a day failing one gets NaN for those
    after it: the aggregation reads them only on days passing all three."""
    load = np.asarray(load, dtype=np.float64)
    if load.ndim != 3:
        raise ValueError(f"load must be [meters, days, slots], got shape {load.shape}")
    m, d, s = load.shape
    lengths = length_slots(s, slot_hours, length_hours)
    weights = length_weights(lengths, slot_hours, photoperiod_tol_hours, other_length_weight).astype(np.float64)
    described = np.ones(lengths.size, dtype=bool)
    if describe_near_hours is not None:
        described = lengths_near(lengths, slot_hours, describe_near_hours, describe_tol_hours)
    gates = np.full(3, np.nan) if describe_gates is None else np.asarray(describe_gates, dtype=np.float64)
    observed, start, length, values = fit_days(np.ascontiguousarray(load.reshape(m * d, s)), lengths, weights,
                                               described, gates, float(min_valid_frac), COARSE_SLOTS, TIE_RTOL,
                                               FLOOR_FRAC, MAD_TO_SD)
    floats = {name: values[i].reshape(m, d) for i, name in enumerate(FLOAT_FIELDS)}
    return DailyBlocks(observed.reshape(m, d), start.reshape(m, d), length.reshape(m, d), **floats)


def length_weights(lengths, slot_hours, photoperiod_tol_hours, other_length_weight) -> np.ndarray:
    """Prior weight of each candidate length: 1 near a photoperiod, `other_length_weight` elsewhere."""
    near = lengths_near(lengths, slot_hours, PHOTOPERIOD_HOURS, photoperiod_tol_hours)
    return np.where(near, 1.0, other_length_weight)


def lengths_near(lengths, slot_hours, hours, tol_hours) -> np.ndarray:
    """bool per candidate length (in slots): within tol_hours of one of `hours`."""
    length_hours = np.asarray(lengths) * slot_hours
    return np.any(np.abs(length_hours[:, None] - np.asarray(hours)[None, :]) <= tol_hours, axis=1)


def row_median(values: np.ndarray) -> np.ndarray:
    """Median of each row (last axis) ignoring NaN (NaN for an all-NaN or empty row), without nanmedian's warnings.
    Float64; the two middle order statistics are selected, not sorted for (core.kernels.medians)."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    rows = values.reshape(-1, values.shape[-1])
    whole = np.zeros(len(rows), dtype=np.int64), np.full(len(rows), rows.shape[1], dtype=np.int64)
    return window_medians(rows, *whole).reshape(values.shape[:-1])
