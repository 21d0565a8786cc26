"""The compiled look-alike kernels (core.kernels.lookalike_days) against their NumPy twins (tests/numpy_lookalikes.py),
bit for bit, on nasty hourly arrays: NaN hours and days, DST days (23 valid hours), constant runs and ties,
infinities and signed zeros, no change day, a single day, one meter and empty input."""

from __future__ import annotations

import numpy as np
import pytest

from numpy_lookalikes import (evening_days, numpy_ev_day_stats, numpy_mean_profile, numpy_night_levels,
                              numpy_week_profile)
from wattwatch.core.kernels.lookalike_days import ev_day_stats, grouped_mean_profiles, kth_smallest, night_levels
from wattwatch.core.lookalike_events import EV_MIN_KW, NIGHT_HOURS, QUIET_QUANTILE
from wattwatch.core.lookalike_profiles import MIN_DAY_HOURS, MIN_PERIOD_DAYS, periods

SHAPES = [(0, 0), (0, 30), (1, 1), (1, 2), (3, 15), (2, 40), (4, 120), (2, 400)]


def nasty_hourly(rng: np.random.Generator, m: int, d: int, kind: int) -> np.ndarray:
    """[m, d, 24] kW with planted EV-like sessions and one kind of trouble."""
    h = rng.gamma(2.0, 0.6, (m, d, 24))
    if kind == 1:
        h = np.round(h)  # many equal values
    elif kind == 2:
        h[:] = 1.25  # one constant run
    elif kind == 3:
        h[rng.random((m, d, 24)) < 0.3] = np.nan
    elif kind == 4:
        h[rng.random((m, d)) < 0.25] = np.nan  # whole missing days
    elif kind == 5:
        h[rng.random((m, d, 24)) < 0.02] = rng.choice([np.inf, -np.inf, -0.0, 0.0])
    h[:, d // 3 : d // 3 + 1, 2] = np.nan  # a spring DST day keeps 23 hours
    for i, j in zip(*np.nonzero(rng.random((m, d)) < 0.4)):
        start = int(rng.integers(0, 24))
        h[i, j, start : start + int(rng.integers(1, 8))] += rng.choice([3.7, 7.4, 11.0])
    return h


def cases():
    rng = np.random.default_rng(11)
    for m, d in SHAPES:
        for kind in range(6):
            h = nasty_hourly(rng, m, d, kind)
            change = rng.integers(-1, d + 2, m)  # no change, change days in and out of range
            yield h, change, int(rng.integers(0, 7))


def assert_identical(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype
    assert np.array_equal(got, want, equal_nan=True)


@pytest.mark.parametrize("min_days", [1, 2, MIN_PERIOD_DAYS])
def test_grouped_mean_profiles_equal_the_numpy_profiles(min_days):
    for h, change, first_weekday in cases():
        m, d, _ = h.shape
        _, before, after = periods(change, d)
        full = np.sum(np.isfinite(h), axis=2) >= MIN_DAY_HOURS
        use_after, use_before = after & full, before & full
        both = grouped_mean_profiles(h, np.where(after, 0, np.where(before, 1, -1)), 2, min_days, MIN_DAY_HOURS)
        assert_identical(both[:, :24], numpy_mean_profile(h, use_after, min_days))
        assert_identical(both[:, 24:], numpy_mean_profile(h, use_before, min_days))
        weekday = (first_weekday + np.arange(d)) % 7
        week = grouped_mean_profiles(h, np.where(after, weekday, -1), 7, min_days, MIN_DAY_HOURS)
        assert_identical(week, numpy_week_profile(h, use_after, first_weekday, min_days))


@pytest.mark.parametrize("quantile", [0.0, QUIET_QUANTILE, 0.5, 1.0])
def test_ev_day_stats_equal_the_numpy_masks(quantile):
    for h, change, _ in cases():
        if h.shape[1] == 0:
            continue  # the NumPy quantile cannot index an empty day axis
        evening = evening_days(h)
        _, _, after = periods(change, h.shape[1])
        valid = after & (np.sum(np.isfinite(evening), axis=2) >= MIN_DAY_HOURS)
        got = ev_day_stats(h, after, MIN_DAY_HOURS, quantile, EV_MIN_KW)  # reads the evening days in place
        with np.errstate(invalid="ignore"):
            want = (valid, *numpy_ev_day_stats(evening, valid, quantile, EV_MIN_KW))
        for g, w in zip(got, want):
            assert_identical(g, w)


def test_ev_day_stats_on_an_empty_day_axis_have_no_days():
    got = ev_day_stats(np.zeros((2, 0, 24)), np.zeros((2, 0), bool), MIN_DAY_HOURS, QUIET_QUANTILE, EV_MIN_KW)
    assert all(a.shape == (2, 0) for a in got)


@pytest.mark.parametrize("min_hours", [1, 7, 8])
def test_night_levels_equal_the_numpy_nanmean(min_hours):
    lo, hi = NIGHT_HOURS.start, NIGHT_HOURS.stop
    for h, _, _ in cases():
        evening = evening_days(h)
        assert_identical(night_levels(h, lo, hi, min_hours), numpy_night_levels(evening, lo, hi, min_hours))


def test_kth_smallest_is_the_sorted_order_statistic():
    """Short inputs (Wirth's selection) and long ones (sample bounds, and their fallback when the rank escapes them):
    ties, constant runs, sorted and reversed days, infinities and signed zeros."""
    rng = np.random.default_rng(3)
    for n in [1, 2, 3, 7, 127, 128, 129, 300, 365, 1000]:
        for kind in range(5):
            a = rng.gamma(2.0, 0.6, n)
            if kind == 1:
                a = np.round(a)
            elif kind == 2:
                a = np.sort(a)[:: rng.choice([1, -1])].copy()
            elif kind == 3:
                a[:] = 1.25
                a[rng.random(n) < 0.1] = 7.0
            elif kind == 4:
                a[rng.random(n) < 0.2] = rng.choice([np.inf, -np.inf, -0.0, 0.0])
            want = np.sort(a)
            for rank in sorted({0, n // 5, n // 2, n - 1, int(rng.integers(0, n))}):
                got = kth_smallest(a.copy(), n, rank, np.empty(n))
                assert got == want[rank], (n, kind, rank)
