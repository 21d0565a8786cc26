"""Register conversion against a slow per-read reference."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wattwatch.core.registers import BASELINE, OK, REPLACEMENT, register_intervals


def reference(codes, t, v):
    out = []
    for i in range(len(v)):
        if i == 0 or codes[i] != codes[i - 1]:
            out.append((math.nan, -1, BASELINE))
            continue
        prev, cur = v[i - 1], v[i]
        if cur >= prev:
            out.append((cur - prev, t[i - 1], OK))
            continue
        modulus = 10.0 ** (math.floor(math.log10(prev)) + 1) if prev > 0 else 10.0
        if prev >= 0.9 * modulus and cur < 0.1 * modulus:
            out.append((cur + modulus - prev, t[i - 1], OK))
        elif prev - cur > 1.0:
            out.append((math.nan, -1, REPLACEMENT))
        else:
            out.append((cur - prev, t[i - 1], OK))
    return out


@st.composite
def meter_reads(draw):
    n = draw(st.integers(1, 30))
    start = draw(st.sampled_from([0.0, 1234.5, 99_950.0, 999_990.0, 9_999.0]))
    values = [start]
    for _ in range(n - 1):
        event = draw(st.sampled_from(["use"] * 8 + ["rollover", "replace", "noise", "constant"]))
        prev = values[-1]
        if event == "use":
            values.append(prev + draw(st.floats(0, 40, allow_nan=False)))
        elif event == "rollover":
            modulus = 10.0 ** (math.floor(math.log10(max(prev, 1))) + 1)
            values.append(draw(st.floats(0, 0.05 * modulus)))
        elif event == "replace":
            values.append(draw(st.floats(0, max(prev - 2, 0))))
        elif event == "noise":
            values.append(max(prev - draw(st.floats(0, 0.9)), 0))
        else:
            values.append(prev)
    return values


@settings(max_examples=200, deadline=None)
@given(st.lists(meter_reads(), min_size=1, max_size=6))
def test_conversion_matches_reference(meters):
    codes = np.concatenate([np.full(len(m), i) for i, m in enumerate(meters)])
    v = np.concatenate([np.asarray(m, dtype=float) for m in meters])
    t = np.arange(v.size, dtype=np.int64) * 900
    energy, start, status = register_intervals(codes, t, v)
    for i, (e, s, st_) in enumerate(reference(list(codes), list(t), list(v))):
        assert status[i] == st_
        assert start[i] == s
        assert (math.isnan(e) and math.isnan(energy[i])) or math.isclose(energy[i], e, abs_tol=1e-6)


def test_rollover_adds_modulus_and_replacement_is_unknown():
    codes = np.zeros(4, dtype=np.int64)
    energy, _, status = register_intervals(codes, np.arange(4) * 900, np.array([99_998.0, 2.0, 3.5, 0.5]))
    assert list(status) == [BASELINE, OK, OK, REPLACEMENT]
    assert math.isclose(energy[1], 4.0) and math.isclose(energy[2], 1.5) and math.isnan(energy[3])


def test_single_read_is_baseline_only():
    energy, start, status = register_intervals(np.zeros(1), np.zeros(1), np.array([5.0]))
    assert list(status) == [BASELINE] and math.isnan(energy[0]) and start[0] == -1
