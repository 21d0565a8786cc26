"""Resolution inference against a slow per-meter reference."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wattwatch.core.resolution import BILLING, UNKNOWN, infer_resolution, on_grid, resolution_name


def reference(times: list[int]) -> tuple[int, int]:
    """(interval_s, phase_s) of one meter, straight from the definition."""
    steps = [b - a for a, b in zip(times, times[1:])]
    if not steps:
        return UNKNOWN, 0
    counts = Counter(steps)
    mode = min(counts, key=lambda s: (-counts[s], s))
    if mode in (900, 1800, 3600):
        phases = Counter(t % mode for t in times)
        return mode, min(phases, key=lambda p: (-phases[p], p))
    median = sorted(steps)[(len(steps) - 1) // 2]
    return (BILLING if 20 * 86400 <= median <= 40 * 86400 else UNKNOWN), 0


START = 1_700_000_000 - 1_700_000_000 % 3600


@st.composite
def meter_times(draw):
    kind = draw(st.sampled_from(["15", "30", "60", "billing", "odd", "single", "mixed"]))
    n = draw(st.integers(1, 60))
    if kind == "single":
        return [START + draw(st.integers(0, 10**6))]
    if kind == "billing":
        steps = draw(st.lists(st.integers(25 * 86400, 35 * 86400), min_size=1, max_size=14))
    elif kind == "odd":
        steps = draw(st.lists(st.sampled_from([420, 480, 900]), min_size=1, max_size=n))
    elif kind == "mixed":
        steps = draw(st.lists(st.sampled_from([60, 900, 1800, 3600, 7200, 420]), min_size=1, max_size=n))
    else:
        step = int(kind) * 60
        # gaps (a few missing intervals) and the odd reading off the grid
        steps = draw(st.lists(st.sampled_from([step] * 6 + [2 * step, 5 * step, step + 300]), min_size=1, max_size=n))
    phase = draw(st.sampled_from([0, 0, 0, 300, 1200]))
    return list(np.cumsum([START + phase, *steps]))


@settings(max_examples=150, deadline=None)
@given(st.lists(meter_times(), min_size=1, max_size=8))
def test_inference_matches_reference(meters):
    codes = np.concatenate([np.full(len(m), i) for i, m in enumerate(meters)])
    t = np.concatenate([np.asarray(m, dtype=np.int64) for m in meters])
    res = infer_resolution(codes, t, len(meters))
    for i, m in enumerate(meters):
        interval, phase = reference([int(x) for x in m])
        assert res.interval_s[i] == interval
        if interval > 0:
            assert res.phase_s[i] == phase
    grid = on_grid(codes, t, res)
    for row, (c, ti) in enumerate(zip(codes, t)):
        interval = res.interval_s[c]
        expected = interval == BILLING or (interval > 0 and ti % interval == res.phase_s[c])
        assert grid[row] == expected


def test_majority_shortcut_agrees_with_sorted_mode_on_half_ties():
    # steps 420 and 900 equally often: the tie goes to the smaller step, so the meter is unknown
    t = np.cumsum([START, 420, 900, 420, 900]).astype(np.int64)
    res = infer_resolution(np.zeros(5, dtype=np.int64), t, 1)
    assert res.interval_s[0] == reference(list(t))[0] == UNKNOWN


def test_dst_days_do_not_change_instant_steps():
    # 60-min readings in UTC across the Europe/Tirane spring-forward day: local clock jumps, instants do not
    t = START + 3600 * np.arange(100, dtype=np.int64)
    res = infer_resolution(np.zeros(100, dtype=np.int64), t, 1)
    assert resolution_name(int(res.interval_s[0])) == "60min"
