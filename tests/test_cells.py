"""Flat readings -> dense local-time arrays (core.cells, core.localtime.utc_to_local) against naive loops."""

from collections import defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from wattwatch.core.cells import DAY, daily_sums, slot_means
from wattwatch.core.localtime import utc_to_local

ZONES = ["Europe/Tirane", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]


@pytest.mark.parametrize("zone", ZONES)
def test_utc_to_local_matches_zoneinfo(zone):
    rng = np.random.default_rng(1)
    # dense around both 2025 DST changes plus random instants over three years
    around = np.concatenate([np.arange(-7200, 7200, 900) + t for t in (1743296400, 1761440400)])
    utc = np.concatenate([around, rng.integers(1.6e9, 1.7e9, 300)]).astype(np.int64)
    got = utc_to_local(utc, zone)
    z = ZoneInfo(zone)
    want = [int(datetime.fromtimestamp(int(t), z).replace(tzinfo=timezone.utc).timestamp()) for t in utc]
    assert got.tolist() == want


def naive_cells(row, local_s, value, n_rows, first, n_days, slot_s=None):
    sums, counts = defaultdict(float), defaultdict(int)
    for r, t, v in zip(row.tolist(), local_s.tolist(), value.tolist()):
        day = t // DAY - first
        if not 0 <= day < n_days:
            continue
        key = (r, day) if slot_s is None else (r, day, (t % DAY) // slot_s)
        sums[key] += v
        counts[key] += 1
    return sums, counts


def random_readings(rng, n_rows, n):
    first = 20000
    row = rng.integers(0, n_rows, n)
    local_s = (first - 2) * DAY + rng.integers(0, 12 * DAY, n)  # some before and after the window
    value = rng.gamma(2.0, 1.0, n)
    value[rng.random(n) < 0.05] = 0.0
    return row, local_s, value, first


@pytest.mark.parametrize("seed", range(6))
def test_daily_sums_match_naive(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_days = int(rng.integers(1, 5)), int(rng.integers(1, 9))
    row, local_s, value, first = random_readings(rng, n_rows, int(rng.integers(0, 400)))
    sums, counts = daily_sums(row, local_s, value, n_rows, first, n_days)
    want_s, want_c = naive_cells(row, local_s, value, n_rows, first, n_days)
    assert sums.shape == counts.shape == (n_rows, n_days)
    for r in range(n_rows):
        for d in range(n_days):
            assert sums[r, d] == pytest.approx(want_s.get((r, d), 0.0))
            assert counts[r, d] == want_c.get((r, d), 0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("slot_s", [900, 1800, 3600])
def test_slot_means_match_naive(seed, slot_s):
    rng = np.random.default_rng(seed)
    n_rows, n_days = int(rng.integers(1, 4)), int(rng.integers(1, 6))
    row, local_s, value, first = random_readings(rng, n_rows, int(rng.integers(0, 600)))
    got = slot_means(row, local_s, value, n_rows, first, n_days, slot_s)
    sums, counts = naive_cells(row, local_s, value, n_rows, first, n_days, slot_s)
    want = np.full((n_rows, n_days, DAY // slot_s), np.nan)
    for key, total in sums.items():
        want[key] = total / counts[key]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_dst_day_slots_in_local_time():
    """Hourly readings over Tirana's fall-back day: the repeated hour is averaged, no slot is doubled."""
    start = 1761429600  # 2025-10-26 00:00 local (CEST) = 2025-10-25 22:00 UTC
    utc = start + 3600 * np.arange(25)  # the 25-hour day
    local = utc_to_local(utc, "Europe/Tirane")
    first = int(local.min() // DAY)
    value = np.arange(25, dtype=np.float64)
    got = slot_means(np.zeros(25, np.int64), local, value, 1, first, 1, 3600)[0, 0]
    assert got[2] == pytest.approx((2 + 3) / 2)  # 02:00 local happened twice
    assert got[3] == pytest.approx(4.0)
    sums, counts = daily_sums(np.zeros(25, np.int64), local, value, 1, first, 1)
    assert counts[0, 0] == 25 and sums[0, 0] == value.sum()
