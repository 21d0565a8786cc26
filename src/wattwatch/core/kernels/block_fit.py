"""The per-day lamp-block search of core.blocks, compiled: one meter-day at a time, every candidate in registers.

The NumPy formulation (tests/numpy_blocks.py) builds [days, lengths, starts] candidate arrays and is bound by the
memory traffic; here each day's circular cumulative sums and edge jumps sit in small work arrays and each candidate
is a handful of flops. Objective, tie rule, coarse-to-fine search and the chosen block's description are those of
core.blocks' module doc, computed in the same floating-point order (pairwise sums where NumPy reduces), so the
results are identical.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from wattwatch.core.kernels.medians import median_of
from wattwatch.core.kernels.reductions import KERNEL, pairwise_sum

N_FIELDS = 7  # float outputs per day: step, edge_kw, contrast, sharpness, edge_share, base, roughness
EPS = float(np.finfo(np.float64).eps)
RANK_MEDIAN_MAX = 48  # medians of days up to this long come from a sort by ranks (sort_valid), of longer ones by
# selection (valid_median, segment_medians): ranks' n^2 comparisons take twice as long at 96 slots
# One day's work arrays (numba compiles a namedtuple of arrays like a struct): the day, its circular cumulative sums
# and valid counts and its edge jumps and their validity over two laps (load_day), scratch values / slots, each
# slot's deviation from its segment's median, the day's sorted values with their slots, the two segments' values,
# each start's best fit (search_complete) and the day with two slots before it and one after (load_day).
Workspace = namedtuple("Workspace", "x ring_sum ring_cnt jump jump_ok buf scratch scratch_slots deviation ordered "
                                    "slot seg_in seg_out top padded")


@njit(**KERNEL)
def fit_days(x, lengths, weights, described, gates, min_valid_frac, coarse_slots, tie_rtol, floor_frac, mad_to_sd):
    """Best block of every row of x (float64[n, s], NaN = missing): (observed bool[n], start int64[n] (-1 none),
    length int64[n] (0 none), values float64[N_FIELDS, n] in DailyBlocks' float field order, NaN where none).
    Only blocks whose length column is `described` get the measures after the step (the others: NaN), and only
    up to the first of describe()'s `gates` they fail."""
    n, s = x.shape
    observed = np.zeros(n, dtype=np.bool_)
    start = np.full(n, -1, dtype=np.int64)
    length = np.zeros(n, dtype=np.int64)
    values = np.full((N_FIELDS, n), np.nan)
    factor = s // coarse_slots if s > coarse_slots and s % coarse_slots == 0 else 1
    n_lengths = lengths.size
    coarse_lengths = lengths // factor
    near_starts = np.empty(2 * factor + 1, dtype=np.int64)
    near_lengths = np.empty(3, dtype=np.int64)
    work = workspace(s)
    coarse_work = workspace(coarse_slots)
    coarse_x = np.empty(coarse_slots)
    fits = np.empty(max(s, coarse_slots) * n_lengths)
    steps = np.empty_like(fits)
    for r in range(n):
        row = x[r]
        scale = load_day(row, work)
        observed[r] = work.ring_cnt[s] >= min_valid_frac * s
        if not observed[r]:  # not fitted: no block, whatever a search would find
            continue
        if factor == 1:
            if work.ring_cnt[s] == s:
                a, column, step = search_complete(work, scale, lengths, weights, tie_rtol, fits)
            else:
                a, column, step = search_every(work, scale, lengths, weights, tie_rtol, fits, steps)
        else:
            coarse_means(row, factor, coarse_x)
            coarse_scale = load_day(coarse_x, coarse_work)
            if coarse_work.ring_cnt[coarse_slots] == coarse_slots:
                a_c, column_c, _ = search_complete(coarse_work, coarse_scale, coarse_lengths, weights, tie_rtol, fits)
            else:
                a_c, column_c, _ = search_every(coarse_work, coarse_scale, coarse_lengths, weights, tie_rtol, fits,
                                                steps)
            for i in range(2 * factor + 1):
                near_starts[i] = (a_c * factor + i - factor) % s
            for i in range(3):
                near_lengths[i] = min(max(column_c + i - 1, 0), n_lengths - 1)
            a, column, step = search(work, scale, near_starts, near_lengths, lengths, weights, tie_rtol, fits, steps)
            if a_c < 0:
                a = -1
        if a >= 0:
            start[r] = a
            length[r] = lengths[column]
            values[0, r] = step
            if described[column]:
                describe(work, a, lengths[column], step, floor_frac, mad_to_sd, gates, values, r)
    return observed, start, length, values


@njit(**KERNEL)
def workspace(s):
    """A Workspace for days of s slots."""
    return Workspace(np.empty(s), np.zeros(2 * s + 1), np.zeros(2 * s + 1, dtype=np.int64), np.empty(2 * s),
                     np.empty(2 * s, dtype=np.int64), np.empty(s), np.empty(s), np.empty(s, dtype=np.int64),
                     np.empty(s), np.empty(s), np.empty(s, dtype=np.int64), np.empty(s), np.empty(s), np.empty(s),
                     np.empty(s + 3))


@njit(**KERNEL)
def load_day(row, w):
    """Copy a day into the workspace with its circular cumulative sums (NaN as 0) and valid counts over two laps,
    and the edge jumps x[k+1] - x[k-2] (0 where either is NaN; jump_ok 0/1), also over two laps so that a block's
    end needs no modulo; returns max |x| (the tie scale). Each step is its own loop without modulo or branches,
    so that all but the running sums (added one by one, as NumPy's cumsum) vectorise."""
    x, ring_sum, ring_cnt, jump, jump_ok = w.x, w.ring_sum, w.ring_cnt, w.jump, w.jump_ok
    filled, padded = w.buf, w.padded
    s = row.size
    n_valid = 0
    for k in range(s):
        v = row[k]
        x[k] = v
        padded[k + 2] = v
        valid = not np.isnan(v)
        filled[k] = v if valid else 0.0
        n_valid += valid
    padded[0], padded[1], padded[s + 2] = x[s - 2], x[s - 1], x[0]  # x[k-2 .. k+1] = padded[k .. k+3], circular
    scale = 0.0
    for k in range(s):
        v = abs(x[k])
        scale = v if v > scale else scale  # a NaN compares false: skipped
    total = 0.0
    ring_sum[0] = 0.0
    for i in range(2 * s):
        total += filled[i if i < s else i - s]
        ring_sum[i + 1] = total
    if n_valid == s:
        for i in range(2 * s + 1):
            ring_cnt[i] = i
    else:
        count = 0
        for i in range(2 * s):
            count += not np.isnan(x[i if i < s else i - s])
            ring_cnt[i + 1] = count
    for k in range(s):
        d = padded[k + 3] - padded[k]
        valid = not np.isnan(d)
        jump[k] = d if valid else 0.0
        jump_ok[k] = valid
    for k in range(s):
        jump[k + s] = jump[k]
        jump_ok[k + s] = jump_ok[k]
    return scale


@njit(**KERNEL)
def coarse_means(row, factor, out):
    """Mean of each run of `factor` slots ignoring NaN (NaN when all are missing), as blocks' coarse means."""
    filled = np.empty(factor)
    for h in range(out.size):
        count = 0
        for k in range(factor):
            v = row[h * factor + k]
            valid = not np.isnan(v)
            count += valid
            filled[k] = v if valid else 0.0
        out[h] = pairwise_sum(filled, 0, factor) / max(count, 1) if count > 0 else np.nan


@njit(**KERNEL)
def search(w, scale, starts, length_columns, lengths, weights, tie_rtol, fits, steps):
    """Best candidate among starts x lengths[length_columns] on the loaded day `w`, first in (length column, start)
    order among those within tie_rtol of the best fit: (start slot, length column, step); (-1, -1, NaN) if none.
    The native refinement's few candidates; a search of every candidate is search_every or search_complete."""
    floor = tie_rtol * scale
    best = -np.inf
    k = 0
    for column in length_columns:
        span = lengths[column]
        weight = weights[column]
        for a in starts:
            fit, step = candidate(w, a, span, weight, floor)
            fits[k] = fit
            steps[k] = step
            if fit > best:
                best = fit
            k += 1
    if not np.isfinite(best):
        return -1, -1, np.nan
    threshold = best - tie_rtol * abs(best)
    n_starts = starts.size
    for i in range(k):
        if fits[i] >= threshold:
            return starts[i % n_starts], length_columns[i // n_starts], steps[i]
    return -1, -1, np.nan


@njit(**KERNEL)
def search_every(w, scale, lengths, weights, tie_rtol, fits, steps):
    """search() over every start and length of the loaded day: the same exact fits, but in loops over the starts
    without index arrays, which the compiler vectorises, keeping each start's best fit (w.top) so that only the
    starts holding a candidate within the tie rule are walked again to find the first one."""
    top = w.top
    s = w.x.size
    floor = tie_rtol * scale
    n_lengths = lengths.size
    for a in range(s):
        top[a] = -np.inf
    for column in range(n_lengths):
        span = lengths[column]
        weight = weights[column]
        k = column * s
        for a in range(s):
            fit, step = candidate(w, a, span, weight, floor)
            fits[k + a] = fit
            steps[k + a] = step
            top[a] = fit if fit > top[a] else top[a]
    best = -np.inf
    for a in range(s):
        best = max(best, top[a])
    if not np.isfinite(best):
        return -1, -1, np.nan
    threshold = best - tie_rtol * abs(best)
    chosen = first_within(top, fits, threshold, threshold, s, n_lengths)
    return chosen % s, chosen // s, steps[chosen]


@njit(**KERNEL, inline="always")
def candidate(w, a, span, weight, floor):
    """(fit, step) of the block [a, a + span) of the loaded day; fit -inf when the block is not usable (a segment
    without valid slots, step not above `floor`, no valid edge, fit not positive). NumPy's operations in NumPy's
    order: these are the exact fits."""
    ring_sum, ring_cnt, jump, jump_ok = w.ring_sum, w.ring_cnt, w.jump, w.jump_ok
    s = w.x.size
    b = a + span
    n_in = ring_cnt[b] - ring_cnt[a]
    n_out = ring_cnt[s] - n_in
    n_edges = jump_ok[a] + jump_ok[b]
    s_in = ring_sum[b] - ring_sum[a]
    step = s_in / n_in - (ring_sum[s] - s_in) / n_out
    edge = (jump[a] - jump[b]) / n_edges
    value = weight * n_in * n_out / ring_cnt[s] * step * (edge if edge < step else step)
    usable = (n_in > 0) & (n_out > 0) & (n_edges > 0) & (step > floor) & (value > 0)
    return (value if usable else -np.inf), step


@njit(**KERNEL)
def search_complete(w, scale, lengths, weights, tie_rtol, fits):
    """search() over every start and length of a day with every slot valid, in two passes with the same answer:
    first each fit with reciprocals instead of divisions (the edge count is 2 and a halving is exact, so only the
    step is approximate, by at most `slack` in kW), then the exact fit (candidate()) of only the candidates that
    the approximation cannot rule out of the tie rule, and of those whose usability it cannot decide. The first
    pass also keeps each start's best fit over the lengths (w.top, element by element, so it stays vectorised):
    only the few starts whose best can reach the tie rule are walked again, not every candidate."""
    ring_sum, jump, top = w.ring_sum, w.jump, w.top
    s = w.x.size
    total = ring_sum[s]
    floor = tie_rtol * scale
    slack = 16.0 * EPS * scale  # bound on the step's error: a few roundings of means no larger than scale
    n_lengths = lengths.size
    largest_size = 0.0
    n_undecided = 0
    for a in range(s):
        top[a] = -np.inf
    for column in range(n_lengths):  # branch-free, so that the compiler vectorises it over the starts
        span = lengths[column]
        size = weights[column] * span * (s - span) / s
        largest_size = max(largest_size, size)
        inv_in = 1.0 / span
        inv_out = 1.0 / (s - span)
        k = column * s
        for a in range(s):
            b = a + span
            s_in = ring_sum[b] - ring_sum[a]
            step = s_in * inv_in - (total - s_in) * inv_out
            edge = (jump[a] - jump[b]) * 0.5
            fit = size * step * min(edge, step)
            fit = fit if (step > floor) & (edge > 0) else -np.inf
            decided = abs(step - floor) > slack
            fits[k + a] = fit if decided else np.nan  # NaN: too close to the floor to decide
            n_undecided += not decided
            known = fit if decided else -np.inf
            top[a] = known if known > top[a] else top[a]
    if n_undecided:
        for i in range(n_lengths * s):
            if np.isnan(fits[i]):
                a, column = i % s, i // s
                fits[i] = candidate(w, a, lengths[column], weights[column], floor)[0]
                top[a] = max(top[a], fits[i])
    best = -np.inf
    for a in range(s):
        best = max(best, top[a])
    if not np.isfinite(best):
        return -1, -1, np.nan
    error = 4.0 * largest_size * slack * 4.0 * scale  # bound on a fit's error (step and edge at most 2 * scale)
    keep = best - tie_rtol * abs(best) - 3.0 * error
    exact_best = -np.inf
    for a in range(s):  # the candidates that may fall within the tie rule, exactly; the others are out of it
        if top[a] >= keep:
            for column in range(n_lengths):
                i = column * s + a
                fits[i] = candidate(w, a, lengths[column], weights[column], floor)[0] if fits[i] >= keep else -np.inf
                exact_best = max(exact_best, fits[i])
    if not np.isfinite(exact_best):
        return -1, -1, np.nan
    chosen = first_within(top, fits, keep, exact_best - tie_rtol * abs(exact_best), s, n_lengths)
    a, column = chosen % s, chosen // s
    return a, column, candidate(w, a, lengths[column], weights[column], floor)[1]


@njit(**KERNEL, inline="always")
def first_within(top, fits, start_min, threshold, s, n_lengths):
    """The first candidate (column * s + start) in (length column, start) order whose fit is at least threshold,
    among the starts whose best fit (top) is at least start_min: the tie rule, walking only those starts."""
    chosen = n_lengths * s
    for a in range(s):
        if top[a] >= start_min:
            for column in range(n_lengths):
                i = column * s + a
                if i < chosen and fits[i] >= threshold:
                    chosen = i
                    break
    return chosen


@njit(**KERNEL)
def describe(w, a, span, step, floor_frac, mad_to_sd, gates, out, r):
    """Edge, spread, sharpness, base and roughness of the block [a, a + span) of the loaded day into out[:, r].
    gates (min edge share, min sharpness, min contrast; NaN: no gate): the measures are taken cheapest first and
    the day is left after the first one that fails its gate (NaN for the later ones); the aggregation reads every
    measure only on days passing all three, so the days it reads are described in full."""
    x, jump, jump_ok, buf, scratch, deviation = w.x, w.jump, w.jump_ok, w.buf, w.scratch, w.deviation
    s = x.size
    b = (a + span) % s
    edge = (jump[a] - jump[b]) / (jump_ok[a] + jump_ok[b])
    floor = floor_frac * step
    out[1, r] = edge
    out[4, r] = edge / step
    if fails(out[4, r], gates[0]):
        return
    for k in range(s - 1):
        deviation[k] = abs(x[k + 1] - x[k])
    wiggle = valid_median(deviation[: s - 1], buf, w.slot, scratch, w.scratch_slots)
    out[3, r] = edge / nan_max(wiggle, floor)
    if fails(out[3, r], gates[1]):
        return
    med_in, med_out, mad = segment_medians(w, a, span)
    out[2, r] = step / nan_max(mad_to_sd * mad, floor)
    if fails(out[2, r], gates[2]):
        return
    for k in range(s):
        deviation[k] = abs(x[k] - (med_in if slots_since(k, a, s) < span else med_out))
    wander_in = inner_mean(deviation, a, 1, span - 1, s, buf)
    wander_out = inner_mean(deviation, a, span + 1, s - 1, s, buf)
    out[5, r] = inner_mean(x, a, span, s, s, buf)
    out[6, r] = (wander_in - wander_out) / step


@njit(**KERNEL)
def segment_medians(w, a, span):
    """Each segment's median (in the block [a, a + span), out of it) and the median of every valid slot's absolute
    deviation from its segment's median, as NumPy's row medians take them. Up to RANK_MEDIAN_MAX slots from one
    sort of the day: each segment's values in ascending order, each segment's deviations in ascending order
    (walking outwards from the median) and the median of the union of the two lists, without sorting four times.
    Above it, the three medians are selected (median_of), cheaper than ranks' n^2 comparisons there."""
    x, buf, scratch, ordered, slot, seg_in, seg_out = w.x, w.buf, w.scratch, w.ordered, w.slot, w.seg_in, w.seg_out
    s = x.size
    n_in = 0
    n_out = 0
    if s <= RANK_MEDIAN_MAX:
        n_valid = sort_valid(x, ordered, slot, scratch, w.scratch_slots)
        for i in range(n_valid):
            if slots_since(slot[i], a, s) < span:
                seg_in[n_in] = ordered[i]
                n_in += 1
            else:
                seg_out[n_out] = ordered[i]
                n_out += 1
        med_in = sorted_median(seg_in, n_in)
        med_out = sorted_median(seg_out, n_out)
        deviations_ascending(seg_in, n_in, med_in, buf)
        deviations_ascending(seg_out, n_out, med_out, scratch)
        return med_in, med_out, merged_median(buf, n_in, scratch, n_out)
    for k in range(s):
        v = x[k]
        if not np.isnan(v):
            if slots_since(k, a, s) < span:
                seg_in[n_in] = v
                n_in += 1
            else:
                seg_out[n_out] = v
                n_out += 1
    med_in = median_of(seg_in, n_in, scratch)  # a zero median's sign may differ: no |deviation| does
    med_out = median_of(seg_out, n_out, scratch)
    for i in range(n_in):
        buf[i] = abs(seg_in[i] - med_in)
    for i in range(n_out):
        buf[n_in + i] = abs(seg_out[i] - med_out)
    return med_in, med_out, median_of(buf, n_in + n_out, scratch)


@njit(**KERNEL, inline="always")
def fails(value, gate):
    """Whether a measure fails the aggregation's day gate `value >= gate` (never with gate NaN: no gate)."""
    return not np.isnan(gate) and not value >= gate


@njit(**KERNEL)
def inner_mean(values, a, lo, hi, s, buf):
    """Mean of the non-NaN values of the slots lo <= (k - a) % s < hi, NaN when none; summed as NumPy sums the
    masked row (zeros elsewhere)."""
    count = 0
    for k in range(s):
        into = slots_since(k, a, s)
        v = values[k]
        keep = lo <= into < hi and not np.isnan(v)
        count += keep
        buf[k] = v if keep else 0.0
    if count == 0:
        return np.nan
    return pairwise_sum(buf, 0, s) / max(count, 1)


@njit(**KERNEL)
def sort_valid(x, ordered, slot, values, slots):
    """The non-NaN values of x in ascending order into `ordered`, with their slots into `slot` (`values`, `slots`:
    work arrays as long as x); returns how many. Sorted by ranks (each value's count of smaller ones and of equal
    ones before it): n^2 comparisons, but branch-free ones that the compiler vectorises, about three times faster
    than an insertion sort's mispredicted branches at 24 slots (longer days: RANK_MEDIAN_MAX)."""
    count = 0
    for k in range(x.size):
        if not np.isnan(x[k]):
            values[count] = x[k]
            slots[count] = k
            count += 1
    for i in range(count):
        v = values[i]
        rank = 0
        for j in range(count):  # equal values keep their order: one count, no branch
            rank += (values[j] < v) | ((values[j] == v) & (j < i))
        ordered[rank] = v
        slot[rank] = slots[i]
    return count


@njit(**KERNEL)
def valid_median(x, buf, slot, scratch, sorter):
    """Median of the non-NaN values of x (NaN when none), as row_median takes it: by ranks (sort_valid) up to
    RANK_MEDIAN_MAX values, above by selecting the middle values (median_of), cheaper than ranks' n^2 there. The
    work arrays are as long as x; buf and scratch are overwritten."""
    if x.size <= RANK_MEDIAN_MAX:
        return sorted_median(buf, sort_valid(x, buf, slot, scratch, sorter))
    n = 0
    for k in range(x.size):
        v = x[k]
        buf[n] = v
        n += not np.isnan(v)
    return median_of(buf, n, scratch)


@njit(**KERNEL, inline="always")
def sorted_median(values, n):
    """Median of the ascending values[:n] (NaN when n is 0), as row_median takes it."""
    return 0.5 * (values[(n - 1) // 2] + values[n // 2]) if n > 0 else np.nan


@njit(**KERNEL)
def deviations_ascending(values, n, centre, out):
    """|v - centre| of the ascending values[:n], in ascending order: merge the values below the centre (walking
    down) with those above it (walking up)."""
    up = 0
    while up < n and values[up] < centre:
        up += 1
    down = up - 1
    for i in range(n):
        if up >= n or (down >= 0 and abs(values[down] - centre) <= abs(values[up] - centre)):
            out[i] = abs(values[down] - centre)
            down -= 1
        else:
            out[i] = abs(values[up] - centre)
            up += 1


@njit(**KERNEL)
def merged_median(p, n_p, q, n_q):
    """Median of the union of the ascending p[:n_p] and q[:n_q] (NaN when both are empty)."""
    n = n_p + n_q
    if n == 0:
        return np.nan
    i = j = 0
    lo = hi = 0.0
    for k in range(n // 2 + 1):
        if j >= n_q or (i < n_p and p[i] <= q[j]):
            v = p[i]
            i += 1
        else:
            v = q[j]
            j += 1
        if k == (n - 1) // 2:
            lo = v
        if k == n // 2:
            hi = v
    return 0.5 * (lo + hi)


@njit(**KERNEL, inline="always")
def slots_since(k, a, s):
    """(k - a) % s for 0 <= k, a < s, without a division."""
    return k - a if k >= a else k - a + s


@njit(**KERNEL, inline="always")
def nan_max(a, b):
    """np.maximum: NaN when either is NaN."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a >= b else b
