"""The compiled kernels (core.kernels) against their NumPy twins, bit for bit, on nasty inputs: NaN slots, gaps,
DST days, constant runs and exact ties, a single day, one meter, empty input.

The twins are the NumPy definitions the kernels replace: the lamp-block fit as NumPy array code
(tests/numpy_blocks.py), core.cells' bincount sums, core.intervals' interval inference, core.localtime's
searchsorted offsets and the masked gathers the Parquet reader used to do."""

from __future__ import annotations

import numpy as np
import pytest

from numpy_blocks import numpy_fit_daily_blocks
from numpy_intervals import infer_interval_minutes
from numpy_photoperiod import numpy_anchor_runs
from test_photoperiod import nasty_loads, synthetic_set, to_slots
from test_stream_kernels import nasty_streams
from wattwatch.core.blocks import DailyBlocks, fit_daily_blocks
from wattwatch.core.cells import DAY, daily_sums
from wattwatch.core.cells import slot_means as numpy_slot_means
from wattwatch.core.kernels.cells import day_sums, interval_minutes, slot_means, to_local
from wattwatch.core.kernels.reductions import pairwise_sum
from wattwatch.core.kernels.rows import append_accepted
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
    floor: equal plateaus (a 6 h block inside many 8 h windows), a tiny lamp on a huge constant base, zeros."""
    rng = np.random.default_rng(7)
    days = []
    for _ in range(200):
        base = rng.choice([0.0, 1.0, 1e6, 123.456])
        day = np.full(24, base)
        a, length = int(rng.integers(0, 24)), int(rng.integers(3, 21))
        day[(a + np.arange(length)) % 24] += rng.choice([1e-3, 1e-9 * max(base, 1.0), 0.5, 2.0])
        if rng.random() < 0.3:
            day += rng.choice([0.0, 1e-12]) * rng.integers(0, 3, 24)
        days.append(day)
    assert_same_blocks(np.array(days)[None], 1.0)


def test_block_fit_of_one_day_one_meter_and_nothing():
    rng = np.random.default_rng(2)
    assert_same_blocks(rng.gamma(2.0, 0.5, (1, 1, 24)), 1.0)
    assert_same_blocks(np.full((1, 3, 24), np.nan), 1.0)
    for shape in [(0, 5, 24), (2, 0, 96)]:
        blocks = fit_daily_blocks(np.zeros(shape), 24 / shape[2])
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


def assert_same_aggregation(days: DailyBlocks, n_slots: int, monkeypatch) -> None:
    fast = aggregate_days(days, n_slots, 24 / n_slots)
    with monkeypatch.context() as patch:
        patch.setattr(photoperiod, "anchor_runs", numpy_anchor_runs)
        twin = aggregate_days(days, n_slots, 24 / n_slots)
    for name in PhotoperiodResult.__dataclass_fields__:
        if name != "days":
            assert np.array_equal(getattr(fast, name), getattr(twin, name), equal_nan=True), name


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
def test_day_sums_and_slot_means_equal_the_bincount_cells(seed):
    rng = np.random.default_rng(seed)
    n_rows, first, n_days = int(rng.integers(1, 6)), 20000, int(rng.integers(1, 9))
    position, local_s, kwh = chunk_readings(rng, n_rows, first, n_days)
    use = rng.random(kwh.size) < 0.9
    minutes = rng.choice([0, 5, 15, 60], n_rows)
    sums, counts = day_sums(position, local_s, kwh, use, n_rows, first, n_days)
    want_sums, want_counts = daily_sums(position[use], local_s[use], kwh[use], n_rows, first, n_days)
    assert np.array_equal(sums, want_sums) and np.array_equal(counts, want_counts)
    for slot_s in (3600, 900, 300):
        kw = kwh[use] * 60.0 / np.maximum(minutes, 1)[position[use]]
        want = numpy_slot_means(position[use], local_s[use], kw, n_rows, first, n_days, slot_s)
        got = slot_means(position, local_s, kwh, use, minutes, n_rows, first, n_days, slot_s)
        assert np.array_equal(got, want, equal_nan=True)


def test_append_accepted_keeps_what_the_masks_keep():
    rng = np.random.default_rng(6)
    for _ in range(50):
        n = int(rng.integers(0, 300))
        meter_row = np.sort(rng.integers(-2, 12, n)) if rng.random() < 0.5 else rng.integers(-2, 12, n)
        seconds = rng.integers(0, 5, n) * 3600
        kwh, flag = rng.random(n), rng.random(n) < 0.2
        fault = np.where(rng.random(n) < 0.1, rng.integers(1, 6, n), 0).astype(np.int8)
        lo, hi, unknown = int(rng.integers(0, 6)), int(rng.integers(5, 12)), bool(rng.random() < 0.5)
        prefix = int(rng.integers(0, 3))
        out = [np.zeros(n + prefix, np.int64), np.zeros(n + prefix, np.int64), np.zeros(n + prefix),
               np.zeros(n + prefix, bool)]
        got = append_accepted(meter_row, seconds, kwh, flag, fault, lo, hi, unknown, *out, prefix)
        mine = ((meter_row >= lo) & (meter_row <= hi)) | (unknown & (meter_row < 0))
        keep = mine & (fault == 0)
        assert got[:3] == (prefix + keep.sum(), mine.sum(), (mine & (fault != 0)).sum())
        for array, source in zip(out, (meter_row, seconds, kwh, flag)):
            assert np.array_equal(array[prefix : got[0]], source[keep])
        rows, times = out[0][: got[0]], out[1][: got[0]]  # pairs ending in an appended row, the prefix's last too
        back = ((rows[1:] < rows[:-1]) | ((rows[1:] == rows[:-1]) & (times[1:] < times[:-1])))[max(prefix - 1, 0):]
        again = ((rows[1:] == rows[:-1]) & (times[1:] == times[:-1]))[max(prefix - 1, 0):]
        assert got[3] == (not back.any())
        if got[3]:
            assert got[4] == again.any()
