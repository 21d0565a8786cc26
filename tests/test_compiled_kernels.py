"""The compiled kernels (core.kernels) against their NumPy twins, bit for bit, on nasty inputs: NaN slots, gaps,
DST days, constant runs and exact ties, a single day, one meter, empty input.

The twins are the NumPy definitions the kernels replace: the lamp-block fit as NumPy array code
(tests/numpy_blocks.py), core.cells' bincount sums, core.intervals' interval inference, core.localtime's
searchsorted offsets, the Parquet reader's decode, row checks and masked gathers (tests/numpy_rows.py) and the
zero-run rule (tests/numpy_zeroruns.py)."""

from __future__ import annotations

import numpy as np
import pytest

from numpy_blocks import numpy_fit_daily_blocks
from numpy_intervals import infer_interval_minutes
from numpy_photoperiod import (
    numpy_anchor_runs,
    numpy_candidate_slots,
    numpy_dominant_starts,
    numpy_summarise_runs,
)
from numpy_rows import numpy_check_and_append
from numpy_zeroruns import numpy_zero_as_missing
from test_photoperiod import nasty_loads, synthetic_set, to_slots
from test_stream_kernels import nasty_streams
from wattwatch.core.blocks import DailyBlocks, fit_daily_blocks
from wattwatch.core.cells import DAY, daily_sums
from wattwatch.core.cells import slot_means as numpy_slot_means
from wattwatch.core.kernels.cells import interval_minutes, reading_cells, slot_means, to_local
from wattwatch.core.kernels.reductions import pairwise_sum
from wattwatch.core.kernels.rows import check_and_append
from wattwatch.core.kernels.zeroruns import zero_run_flags
from wattwatch.core.localtime import zone_offsets
from wattwatch.core import photoperiod
from wattwatch.core.photoperiod import PhotoperiodResult, aggregate_days, detect_photoperiod

FIELDS = tuple(DailyBlocks.__dataclass_fields__)


def assert_same_blocks(load: np.ndarray, slot_hours: float) -> None:
    fast, twin = fit_daily_blocks(load, slot_hours), numpy_fit_daily_blocks(load, slot_hours)
    for name in FIELDS:
        got, want = getattr(fast, name), getattr(twin, name)
        assert got.shape == want.shape and got.dtype == want.dtype, name
        assert np.array_equal(got, want, equal_nan=True), name


@pytest.mark.parametrize("n_slots", [24, 48, 96, 288])
def test_block_fit_equals_the_numpy_twin_on_nasty_days(n_slots):
    rng = np.random.default_rng(n_slots + 1)
    for _ in range(30):
        assert_same_blocks(nasty_loads(rng, n_slots), 24 / n_slots)


def test_block_fit_equals_the_numpy_twin_on_near_ties_and_tiny_steps():
    """Days where the two-pass search's approximate fits sit within rounding of each other or of the usability
    floor: equal plateaus (a 6 h block inside many 8 h windows), a tiny lamp on a huge constant base, zeros; a
    quarter of them with a slot or two missing (a DST day, a gap: the one-pass search of every candidate)."""
    rng = np.random.default_rng(7)
    days = []
    for _ in range(400):
        base = rng.choice([0.0, 1.0, 1e6, 123.456])
        day = np.full(24, base)
        a, length = int(rng.integers(0, 24)), int(rng.integers(3, 21))
        day[(a + np.arange(length)) % 24] += rng.choice([1e-3, 1e-9 * max(base, 1.0), 0.5, 2.0])
        if rng.random() < 0.3:
            day += rng.choice([0.0, 1e-12]) * rng.integers(0, 3, 24)
        if rng.random() < 0.25:
            day[rng.integers(0, 24, int(rng.integers(1, 3)))] = np.nan
        days.append(day)
    assert_same_blocks(np.array(days)[None], 1.0)


def test_block_fit_of_one_day_one_meter_and_nothing():
    rng = np.random.default_rng(2)
    assert_same_blocks(rng.gamma(2.0, 0.5, (1, 1, 24)), 1.0)
    assert_same_blocks(np.full((1, 3, 24), np.nan), 1.0)
    for shape in [(0, 5, 24), (2, 0, 96)]:
        for gates in (None, (0.5, 2.0, 1.5)):
            blocks = fit_daily_blocks(np.zeros(shape), 24 / shape[2], describe_gates=gates)
            assert all(getattr(blocks, name).shape == shape[:2] for name in FIELDS)


@pytest.mark.parametrize("minutes", [15, 60])
def test_photoperiod_without_days_describes_less_and_finds_the_same(minutes):
    """keep_days=False (the scan) describes only photoperiod-length days: every per-meter result is the same."""
    meters, _ = synthetic_set()
    load = np.stack([to_slots(x, minutes) for x in meters])
    full, lean = detect_photoperiod(load, minutes / 60.0), detect_photoperiod(load, minutes / 60.0, keep_days=False)
    assert lean.days is None and full.days is not None
    for name in PhotoperiodResult.__dataclass_fields__:
        if name != "days":
            assert np.array_equal(getattr(lean, name), getattr(full, name), equal_nan=True), name
    lean_days = fit_daily_blocks(load, minutes / 60.0, describe_near_hours=(18.0, 12.0))
    assert np.isnan(lean_days.contrast).sum() > np.isnan(full.days.contrast).sum()  # some days were skipped
    for name in ("observed", "start", "length", "step"):
        assert np.array_equal(getattr(lean_days, name), getattr(full.days, name), equal_nan=True)


GATED = ("edge_share", "sharpness", "contrast")  # describe_gates' order; base and roughness come after them


@pytest.mark.parametrize("n_slots", [24, 96])
def test_gated_description_stops_at_the_first_failed_gate(n_slots):
    """describe_gates: each measure is the full description's up to the first gate the day fails (NaN after it),
    so every day passing all gates, the only ones the aggregation reads, is described in full."""
    rng = np.random.default_rng(n_slots + 3)
    meters, _ = synthetic_set()
    nasty = np.concatenate([nasty_loads(rng, n_slots).reshape(1, -1, n_slots) for _ in range(40)], axis=1)
    loads = np.stack([to_slots(x, 24 * 60 // n_slots) for x in meters]), nasty
    gates = (0.9, 3.0, 2.0)  # stricter than the aggregation's, so that each one stops some days
    full = [fit_daily_blocks(load, 24 / n_slots) for load in loads]
    gated = [fit_daily_blocks(load, 24 / n_slots, describe_gates=gates) for load in loads]
    full, gated = (DailyBlocks(*(np.concatenate([getattr(f, n).ravel() for f in fits]) for n in FIELDS))
                   for fits in (full, gated))
    passed = full.start >= 0
    for name, gate in zip(GATED, gates):
        assert np.array_equal(getattr(gated, name)[passed], getattr(full, name)[passed], equal_nan=True), name
        assert np.isnan(getattr(gated, name)[~passed]).all(), name
        failed = passed & ~(getattr(full, name) >= gate)
        assert failed.any(), name
        passed &= ~failed
    assert passed.any()
    for name in FIELDS:
        assert np.array_equal(getattr(gated, name)[passed], getattr(full, name)[passed], equal_nan=True), name
    assert np.isnan(gated.base[~passed]).all() and np.isnan(gated.roughness[~passed]).all()


def assert_same_aggregation(days: DailyBlocks, n_slots: int, monkeypatch, **params) -> None:
    """The aggregation with its compiled kernels, and with each NumPy twin in turn and all of them."""
    fast = aggregate_days(days, n_slots, 24 / n_slots, **params)
    every = {"candidate_slots": numpy_candidate_slots, "anchor_runs": numpy_anchor_runs,
             "dominant_starts": numpy_dominant_starts, "summarise_runs": numpy_summarise_runs}
    for twins in [{name: twin} for name, twin in every.items()] + [every]:
        with monkeypatch.context() as patch:
            for name, twin in twins.items():
                patch.setattr(photoperiod, name, twin)
            slow = aggregate_days(days, n_slots, 24 / n_slots, **params)
        for name in PhotoperiodResult.__dataclass_fields__:
            if name != "days":
                got, want = getattr(fast, name), getattr(slow, name)
                assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True), (name, list(twins))


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_anchor_runs_equal_the_numpy_twin_on_grows_and_lookalikes(minutes, monkeypatch):
    meters, _ = synthetic_set()
    load = np.stack([to_slots(x, minutes) for x in meters])
    assert_same_aggregation(fit_daily_blocks(load, minutes / 60.0), 24 * 60 // minutes, monkeypatch)


def test_anchor_runs_equal_the_numpy_twin_on_random_blocks(monkeypatch):
    """Random day fits: scattered starts and lengths, ties of run sizes, runs at the edges, no block at all."""
    rng = np.random.default_rng(8)
    for _ in range(20):
        m, d = int(rng.integers(1, 6)), int(rng.integers(1, 120))
        found = rng.random((m, d)) < rng.uniform(0.0, 1.0)
        start = np.where(found, rng.choice([2, 3, 20, 21, int(rng.integers(0, 24))], (m, d)), -1)
        length = np.where(found, rng.choice([12, 18, 13, 17, 9, 20], (m, d)), 0)
        value = rng.uniform(0.5, 8.0, (7, m, d))
        value[:, ~found] = np.nan
        days = DailyBlocks(rng.random((m, d)) < 0.9, start, length, *value)
        assert_same_aggregation(days, 24, monkeypatch)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # an infinite contrast's credit is inf / inf
def test_run_summary_equals_the_numpy_twin_on_nasty_day_fits(monkeypatch):
    """The run's medians and counts on exact ties, +-inf, NaN measures on block days, zero and negative steps, a
    single day, no day, and gates and windows at their edges (every day good, gaps of any length, no switch)."""
    rng = np.random.default_rng(9)
    for trial in range(40):
        m, d = int(rng.integers(1, 6)), int(rng.choice([0, 1, 2, 30, 200]))
        found = rng.random((m, d)) < rng.uniform(0.3, 1.0)
        start = np.where(found, rng.choice([2, 3, 20, 21], (m, d)), -1)
        phase = np.arange(d) < rng.integers(0, d + 1, (m, 1))  # 18 h, then 12 h
        length = np.where(found, np.where(phase, rng.choice([18, 17, 19], (m, d)), rng.choice([12, 13], (m, d))), 0)
        value = np.round(rng.uniform(0.5, 8.0, (7, m, d)) * 2) / 2  # many exact ties
        value[rng.random((7, m, d)) < 0.05] = rng.choice([np.inf, -np.inf, np.nan, 0.0, -1.0])
        value[:, ~found] = np.nan
        value[0, rng.random((m, d)) < 0.1] = 0.0  # a zero step: deviations from it are inf or NaN
        days = DailyBlocks(rng.random((m, d)) < 0.9, start, length, *value)
        params = {"gap_min_days": int(rng.choice([0, 1, 3, 50])), "switch_window_days": int(rng.choice([1, 7, 30])),
                  "switch_min_days": int(rng.choice([0, 1, 4])), "min_day_contrast": -np.inf,
                  "min_day_sharpness": -np.inf, "min_day_edge_share": -np.inf} if trial % 2 else {}
        assert_same_aggregation(days, 24, monkeypatch, **params)


@pytest.mark.parametrize("n", [*range(0, 40), 127, 128, 129, 200, 255, 256, 257, 288, 1000, 4099])
def test_pairwise_sum_adds_in_numpys_order(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        values = rng.normal(size=n) * 10.0 ** rng.uniform(-8, 8, n)
        assert pairwise_sum(values, 0, n) == np.sum(values)
        assert pairwise_sum(np.r_[1e300, values], 1, n) == np.sum(values)


@pytest.mark.parametrize("zone", ["Europe/Tirane", "America/New_York", "UTC"])
def test_to_local_equals_the_searchsorted_offsets(zone):
    rng = np.random.default_rng(4)
    around = np.concatenate([np.arange(-7200, 7200, 600) + t for t in (1743296400, 1761440400)])
    utc = np.concatenate([around, rng.integers(1.6e9, 1.8e9, 2000)]).astype(np.int64)
    starts, offsets = zone_offsets(zone, int(utc.min()), int(utc.max()))
    want = utc + offsets[np.clip(np.searchsorted(starts, utc, side="right") - 1, 0, offsets.size - 1)]
    assert np.array_equal(to_local(utc, starts, offsets), want)


def test_interval_minutes_equals_infer_interval_minutes():
    rng = np.random.default_rng(5)
    for _ in range(10):
        position, t, n, _ = nasty_streams(rng)
        assert np.array_equal(interval_minutes(position, t, n), infer_interval_minutes(position, t, n))
    empty = np.zeros(0, np.int64)
    assert interval_minutes(empty, empty, 2).tolist() == [0, 0]


def chunk_readings(rng, n_rows, first_day, n_days):
    """Readings sorted by (meter, time) in local seconds, a few outside the days, zeros, mixed intervals."""
    rows, times = [], []
    for r in range(n_rows):
        step = int(rng.choice([300, 900, 1800, 3600]))
        t = np.arange((first_day - 1) * DAY, (first_day + n_days + 1) * DAY, step)
        t = t[rng.random(t.size) > rng.choice([0.0, 0.1, 0.9])]
        rows.append(np.full(t.size, r))
        times.append(t)
    position, local_s = np.concatenate(rows).astype(np.int64), np.concatenate(times).astype(np.int64)
    kwh = rng.gamma(2.0, 0.3, position.size)
    kwh[rng.random(kwh.size) < 0.05] = 0.0
    return position, local_s, kwh


@pytest.mark.parametrize("seed", range(4))
def test_slot_means_equal_the_bincount_cells(seed):
    rng = np.random.default_rng(seed)
    n_rows, first, n_days = int(rng.integers(1, 6)), 20000, int(rng.integers(1, 9))
    position, local_s, kwh = chunk_readings(rng, n_rows, first, n_days)
    use = rng.random(kwh.size) < 0.9
    minutes = rng.choice([0, 5, 15, 60], n_rows)
    for slot_s in (3600, 900, 300):
        kw = kwh[use] * 60.0 / np.maximum(minutes, 1)[position[use]]
        want = numpy_slot_means(position[use], local_s[use], kw, n_rows, first, n_days, slot_s)
        got = slot_means(position, local_s, kwh, use, minutes, n_rows, first, n_days, slot_s)
        assert np.array_equal(got, want, equal_nan=True)


def nasty_rows(rng, n):
    """Kernel columns of n raw readings: null ids, times and kWh (garbage under the nulls), ids not in the
    register, NaN, infinite, negative and absurd kWh, times before 1970 that are not whole seconds, repeats."""
    known = rng.integers(-1, 12, int(rng.integers(1, 15)))
    index = rng.integers(0, known.size, n).astype(rng.choice([np.int8, np.int32, np.int64]))
    per_second = int(rng.choice([1, 1_000, 1_000_000, 1_000_000_000, 60]))
    ts = rng.integers(-5, 5, n) * 3600 * per_second + rng.integers(0, per_second, n) * (rng.random(n) < 0.3)
    if rng.random() < 0.5:
        order = np.lexsort((ts, known[index]))
        index, ts = index[order], ts[order]
    kwh = rng.choice([0.0, 0.5, 1.0, 2.0, np.nan, np.inf, -np.inf, -1.0, 1e9, 7.0], n)
    flag = rng.random(n) < 0.3 if rng.random() < 0.5 else np.zeros(0, bool)

    def validity():
        return rng.random(n) > 0.1 if rng.random() < 0.5 else np.zeros(0, bool)

    return index, validity(), known, ts, validity(), per_second, kwh, validity(), flag


def test_check_and_append_keeps_counts_and_rejects_what_the_masks_do():
    rng = np.random.default_rng(6)
    for _ in range(300):
        n = int(rng.integers(0, 300))
        columns = nasty_rows(rng, n)
        lo, hi, unknown = int(rng.integers(0, 6)), int(rng.integers(5, 12)), bool(rng.random() < 0.5)
        prefix = int(rng.integers(0, 3))
        out = [np.zeros(n + prefix, np.int64), np.zeros(n + prefix, np.int64), np.zeros(n + prefix),
               np.zeros(n + prefix, bool)]
        out[0][:prefix] = rng.integers(0, 12, prefix)
        rejected_at = np.empty(n, np.int64)
        max_kwh = float(rng.choice([10.0, np.inf, np.nan]))  # NaN: nothing is absurd
        got = check_and_append(*columns, max_kwh, lo, hi, unknown, *out, prefix, rejected_at)
        kept, rows_in, bad = numpy_check_and_append(*columns, max_kwh, lo, hi, unknown)
        assert got[:3] == (prefix + kept[0].size, rows_in, bad.size)
        assert np.array_equal(rejected_at[: got[2]], bad)
        for array, want in zip(out, kept):
            assert array.dtype == want.dtype or array.dtype == np.int64
            assert np.array_equal(array[prefix : got[0]], want, equal_nan=True)
        rows, times = out[0][: got[0]], out[1][: got[0]]  # pairs ending in an appended row, the prefix's last too
        back = ((rows[1:] < rows[:-1]) | ((rows[1:] == rows[:-1]) & (times[1:] < times[:-1])))[max(prefix - 1, 0):]
        again = ((rows[1:] == rows[:-1]) & (times[1:] == times[:-1]))[max(prefix - 1, 0):]
        assert got[3] == (not back.any())
        if got[3]:
            assert got[4] == again.any()


def searchsorted_local(utc, starts, offsets):
    """to_local as NumPy: utc + the offset of the zone segment holding it (the first one before it)."""
    return utc + offsets[np.clip(np.searchsorted(starts, utc, side="right") - 1, 0, offsets.size - 1)]


@pytest.mark.parametrize("zone", ["Europe/Tirane", "Asia/Tokyo"])
@pytest.mark.parametrize("seed", range(6))
def test_reading_cells_equal_the_bincount_cells_of_the_local_times(zone, seed):
    rng = np.random.default_rng(seed)
    n_rows = int(rng.integers(1, 6))
    first = int(rng.choice([20172, 20382]))  # 2025-03-25 and 2025-10-21: the DST changes fall inside the days
    n_days = int(rng.integers(1, 9)) if seed % 2 else 7
    position, utc, kwh = chunk_readings(rng, n_rows, first, n_days)  # times read as UTC: local days shift
    flagged = (kwh == 0) & (rng.random(kwh.size) < 0.7)
    given = rng.choice([0, 0, 15, 30, 60], n_rows)  # 0: inferred from the readings
    # the segments over the readings' span, or over its middle only: readings before the first segment start and
    # after the last one (the first / last offset applies)
    margin = 3 * DAY if seed % 2 == 0 else 0
    starts, offsets = zone_offsets(zone, int(utc.min()) + margin, int(utc.max()) - margin)
    bounds = np.searchsorted(position, np.arange(n_rows + 1))
    sums, counts, n_flagged, means, minutes = reading_cells(bounds, utc, kwh, flagged, given, starts, offsets, first,
                                                            n_days, 3600 if seed % 3 else 900)
    assert np.array_equal(minutes, np.where(given > 0, given, infer_interval_minutes(position, utc, n_rows)))
    want_local = searchsorted_local(utc, starts, offsets)
    use = ~flagged
    want_sums, want_counts = daily_sums(position[use], want_local[use], kwh[use], n_rows, first, n_days)
    assert np.array_equal(sums, want_sums) and np.array_equal(counts, want_counts)
    assert np.array_equal(n_flagged, daily_sums(position[flagged], want_local[flagged], kwh[flagged], n_rows, first,
                                                n_days)[1])
    kw = kwh[use] * 60.0 / np.maximum(minutes, 1)[position[use]]
    want = numpy_slot_means(position[use], want_local[use], kw, n_rows, first, n_days, 3600 if seed % 3 else 900)
    assert np.array_equal(means, want, equal_nan=True)


def test_reading_cells_of_meters_without_readings():
    empty, one = np.zeros(0, np.int64), np.zeros(1, np.int64)
    sums, counts, n_flagged, means, minutes = reading_cells(np.zeros(3, np.int64), empty, np.zeros(0),
                                                            np.zeros(0, bool), np.zeros(2, np.int64), one, one, 0, 3,
                                                            900)
    assert not sums.any() and not counts.any() and not n_flagged.any() and not minutes.any()
    assert means.shape == (2, 3, 96) and np.isnan(means).all()


def nasty_zero_runs(rng):
    """Meters at 15/30/60 min, billing (interval -1) and unclassified (0) ones, zero runs long and short, at the
    start and end of a meter, broken by gaps and by a repeated time, NaN kWh, meters all zero, codes skipped."""
    codes, t, kwh, interval = [], [], [], []
    for code in rng.choice(np.arange(8), int(rng.integers(1, 6)), replace=False):
        step = int(rng.choice([900, 1800, 3600, -1, 0]))
        n = int(rng.integers(1, 200))
        times = np.cumsum(np.where(rng.random(n) < 0.05, rng.choice([0, 2]), 1)) * max(abs(step), 60)
        values = rng.choice([0.0, 0.0, 0.0, 0.4, 1.2, np.nan], n)
        runs = rng.random(n) < rng.choice([0.0, 0.05, 0.5, 1.0])
        values[np.maximum.accumulate(np.where(runs, np.arange(n), 0)) + 10 > np.arange(n)] = 0.0
        codes.append(np.full(n, code)), t.append(times), kwh.append(values), interval.append(np.full(n, step))
    return tuple(np.concatenate(a) for a in (codes, t, kwh, interval))


def test_zero_run_flags_equal_the_numpy_rule():
    rng = np.random.default_rng(7)
    for _ in range(300):
        codes, t, kwh, interval = nasty_zero_runs(rng)
        min_hours, max_share = float(rng.choice([0.5, 1.0, 3.0, 24.0])), float(rng.choice([0.0, 0.1, 0.5]))
        want = numpy_zero_as_missing(codes, t, kwh, interval, min_hours, max_share)
        assert np.array_equal(zero_run_flags(codes, t, kwh, interval, min_hours, max_share), want)
    empty = np.zeros(0, np.int64)
    assert zero_run_flags(empty, empty, np.zeros(0), empty, 1.0, 0.1).size == 0
