"""The photoperiod aggregation's summary of each meter's grow run (core.photoperiod.aggregate_days), compiled.

Once the anchor search (core.kernels.anchor_runs) has picked the grow run, the NumPy formulation
(tests/numpy_photoperiod.py) measures it in some sixty passes over [meters, days] arrays: eighteen medians of
NaN-masked copies (of every block day, of the main class's, of each weekday's), bincounts per weekday and per gap,
cumulative sums for the 18 h -> 12 h switch and the onset. Here each meter's days are walked a few times. The counts
are the same integers; the medians take the same values (non-NaN, in day order) and select them as row_median does
(core.kernels.medians.median_of), and the deviations from a median are computed with the same operations, so the
numbers are identical bit for bit. The per-meter arithmetic on these (coverage, credits, the score) stays in NumPy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.medians import median_of
from wattwatch.core.kernels.reductions import KERNEL

# Columns of summarise_runs' outputs.
N_BLOCK, FIRST, LAST, N_OBSERVED, N_GAP, MAIN_CLASS, N_MAIN, OFFSET_SUM, N_STEADY, SWITCH, WITHOUT = range(11)
YEAR_PAIRS, YEAR_SAME, EARLIER = 11, 12, 13
N_COUNTS = 14
MAIN_LENGTH, EDGE_KW, CONTRAST, EDGE_SHARE, SHARPNESS, ROUGHNESS, MAIN_STEP, MAIN_BASE, MAIN_EDGE = range(9)
STEP_DEVIATION, BASE_DEVIATION = 9, 10
N_MEDIANS = 11
WEEK = 7
VEGETATIVE, FLOWERING = 0, 1  # photoperiod classes (core.photoperiod.CLASS_HOURS: 18 h, 12 h; 20 h never switches)


@njit(**KERNEL)
def summarise_runs(run, dense, observed, cls, start, dominant, length, step, base, edge_kw, contrast, edge_share,
                   sharpness, roughness, n_classes, n_slots, gap_min_days, switch_window, switch_min_days, year_days):
    """Per meter of the grow run `run` bool[m, d] (dense: its anchor's dense days; cls: each day's class, -1 none;
    dominant [m, n_classes]: each class's dominant start slot; the rest: the day fits of core.blocks):

    counts int64[N_COUNTS, m]: run days, first and last (-1 none), observed days in that span, observed days in
    stretches of >= gap_min_days days without the block inside it, the main class (most run days, the first on
    ties) and its run days ("main days"), the sum of their starts' circular offsets from the main class's dominant
    start (each in -n_slots / 2 .. n_slots / 2 - 1), those of them within one slot of the median length, the switch
    day (the first flowering run day with >= switch_min_days vegetative run days in the switch_window days before
    it, >= switch_min_days flowering and <= 1 vegetative from it; -1 none), the observed days before the first
    run day back to the last earlier dense day, the run days whose day year_days earlier was observed, those of
    them whose day year_days earlier was a dense day, and the dense days before the first run day;
    medians float64[N_MEDIANS, m] ignoring NaN (NaN where none): of the main days' length; of the run days' edge_kw,
    contrast, edge_share, sharpness, roughness; of the main days' step, base, edge_kw, |step / median step - 1| and
    |base - median base|;
    weekday_edges float64[m, 7]: the median edge_kw of the main days on each weekday (day % 7);
    observed_week, run_week int64[m, 7]: observed days in the span and run days per weekday."""
    m, d = run.shape
    counts = np.zeros((N_COUNTS, m), dtype=np.int64)
    medians = np.full((N_MEDIANS, m), np.nan)
    weekday_edges = np.full((m, WEEK), np.nan)
    observed_week = np.zeros((m, WEEK), dtype=np.int64)
    run_week = np.zeros((m, WEEK), dtype=np.int64)
    buf = np.empty(d)
    scratch = np.empty(d)
    per_class = np.zeros(max(n_classes, 1), dtype=np.int64)
    vegetative = np.zeros(d + 1, dtype=np.int64)  # run days of each class before each day
    flowering = np.zeros(d + 1, dtype=np.int64)
    main = np.zeros(d, dtype=np.bool_)
    run_fields = (edge_kw, contrast, edge_share, sharpness, roughness)
    for i in range(m):
        n_block, first, last = 0, -1, -1
        per_class[:] = 0
        for j in range(d):
            vegetative[j + 1] = vegetative[j]
            flowering[j + 1] = flowering[j]
            if run[i, j]:
                n_block += 1
                if first < 0:
                    first = j
                last = j
                run_week[i, j % WEEK] += 1
                c = cls[i, j]
                if 0 <= c < n_classes:
                    per_class[c] += 1
                if c == VEGETATIVE:
                    vegetative[j + 1] += 1
                elif c == FLOWERING:
                    flowering[j + 1] += 1
        counts[N_BLOCK, i], counts[FIRST, i], counts[LAST, i] = n_block, first, last

        n_observed, n_gap, stretch, stretch_observed = 0, 0, 0, 0
        for j in range(max(first, 0), last + 1):  # the span: from the first run day to the last
            if observed[i, j]:
                n_observed += 1
                observed_week[i, j % WEEK] += 1
            if run[i, j]:  # a stretch without the block ends (the span ends on a run day: every stretch closes)
                if stretch >= gap_min_days:
                    n_gap += stretch_observed
                stretch, stretch_observed = 0, 0
            else:
                stretch += 1
                if observed[i, j]:
                    stretch_observed += 1
        counts[N_OBSERVED, i], counts[N_GAP, i] = n_observed, n_gap

        main_class = 0
        for c in range(1, n_classes):
            if per_class[c] > per_class[main_class]:
                main_class = c
        n_main, offset_sum = 0, 0
        for j in range(d):
            main[j] = run[i, j] and cls[i, j] == main_class
            if main[j]:
                n_main += 1
                offset_sum += (start[i, j] - dominant[i, main_class] + n_slots // 2) % n_slots - n_slots // 2
        counts[MAIN_CLASS, i], counts[N_MAIN, i], counts[OFFSET_SUM, i] = main_class, n_main, offset_sum

        main_length = masked_median(length[i], main, buf, scratch)
        n_steady = 0
        for j in range(d):
            if main[j] and abs(length[i, j] - main_length) <= 1:
                n_steady += 1
        medians[MAIN_LENGTH, i] = main_length
        counts[N_STEADY, i] = n_steady
        for f in range(len(run_fields)):
            medians[EDGE_KW + f, i] = masked_median(run_fields[f][i], run[i], buf, scratch)
        main_step = masked_median(step[i], main, buf, scratch)
        main_base = masked_median(base[i], main, buf, scratch)
        medians[MAIN_STEP, i], medians[MAIN_BASE, i] = main_step, main_base
        medians[MAIN_EDGE, i] = masked_median(edge_kw[i], main, buf, scratch)
        n = 0
        for j in range(d):
            v = abs(step[i, j] / main_step - 1.0)
            if main[j] and v == v:
                buf[n] = v
                n += 1
        medians[STEP_DEVIATION, i] = median_of(buf, n, scratch)
        n = 0
        for j in range(d):
            v = abs(base[i, j] - main_base)
            if main[j] and v == v:
                buf[n] = v
                n += 1
        medians[BASE_DEVIATION, i] = median_of(buf, n, scratch)
        for w in range(WEEK):
            weekday_edges[i, w] = masked_median(edge_kw[i, w::WEEK], main[w::WEEK], buf, scratch)

        switch = -1
        for j in range(d):
            if run[i, j] and cls[i, j] == FLOWERING:
                before, after = max(j - switch_window, 0), min(j + switch_window, d)
                if (vegetative[j] - vegetative[before] >= switch_min_days
                        and flowering[after] - flowering[j] >= switch_min_days
                        and vegetative[after] - vegetative[j] <= 1):
                    switch = j
                    break
        counts[SWITCH, i] = switch

        without, earlier = 0, 0
        if first >= 0:
            last_before = -1
            for j in range(first):
                if dense[i, j]:
                    last_before = j
                    earlier += 1
            for j in range(last_before + 1, first):
                if observed[i, j]:
                    without += 1
        counts[WITHOUT, i], counts[EARLIER, i] = without, earlier

        pairs, same = 0, 0
        for j in range(year_days, d):
            if run[i, j] and observed[i, j - year_days]:
                pairs += 1
                if dense[i, j - year_days]:
                    same += 1
        counts[YEAR_PAIRS, i], counts[YEAR_SAME, i] = pairs, same
    return counts, medians, weekday_edges, observed_week, run_week


@njit(**KERNEL)
def masked_median(values, mask, buf, scratch):
    """Median of the non-NaN values[j] where mask[j] (NaN where none), as row_median of a NaN-masked copy."""
    n = 0
    for j in range(values.size):
        v = values[j]
        if mask[j] and v == v:
            buf[n] = v
            n += 1
    return median_of(buf, n, scratch)
