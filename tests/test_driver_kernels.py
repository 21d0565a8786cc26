"""The compiled driver kernels (core.kernels.medians, .season, .drop_runs) and the detectors built on them (core
blocks.row_median, lookalike_season, drop, runs, absence, peers) against their NumPy twins (tests/numpy_medians.py,
numpy_season.py, numpy_drop.py), bit for bit, on nasty daily matrices: NaN days and rows, missing weeks, flat and
DST-scaled runs, flagged zero runs, +-inf, exact ties, a single day, one meter and empty input (and the drop's
shape similarity on nasty hourly profiles).

(Zeros are kept positive: where -0.0 and 0.0 tie at the median, NumPy's own sign depends on its sort algorithm.)"""

from __future__ import annotations

import numpy as np
import pytest

from numpy_drop import (
    numpy_best_drop_split,
    numpy_evidence_series,
    numpy_flat_parts,
    numpy_last_observed_median,
    numpy_run_lengths,
    numpy_shape_similarity,
    numpy_sliding_week_medians,
    numpy_week_medians,
    numpy_window,
    numpy_year_ago,
)
from numpy_medians import numpy_grouped_median, numpy_row_median, numpy_window_median
from numpy_season import numpy_population_curve, numpy_season_measures, numpy_smooth
from wattwatch.core import absence, drop
from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.medians import (
    column_ratio_medians,
    last_finite_medians,
    strided_window_medians,
    window_medians,
    year_ago_medians,
)
from wattwatch.core.lookalike_season import population_curve, season_measures, smooth
from wattwatch.core.peers import grouped_median
from wattwatch.core.runs import run_lengths, week_medians

SHAPES = [(0, 0), (0, 30), (2, 0), (1, 1), (1, 2), (3, 15), (4, 120), (6, 300), (3, 400), (2, 800)]
KINDS = 7


def nasty_daily(rng: np.random.Generator, m: int, d: int, kind: int) -> tuple[np.ndarray, np.ndarray]:
    """kWh [m, d] with a weekly cycle and a fall at a random day, plus one kind of trouble; zero_days [m, d]."""
    x = rng.gamma(3.0, 4.0, (m, d)) * (1 + 0.3 * (np.arange(d) % 7 >= 5))
    zero_days = np.zeros((m, d), bool)
    for i in range(m):
        k = int(rng.integers(0, d + 1))
        x[i, k:] *= rng.choice([0.2, 0.5, 1.0])
    if kind == 1:
        x[rng.random((m, d)) < 0.2] = np.nan
        for i in range(m):
            w = int(rng.integers(0, max(d - 14, 1)))
            x[i, w : w + 14] = np.nan  # two missing weeks
    elif kind == 2:
        for i in range(m):  # a stuck register: flat days, one of them a 23 h DST day
            a = int(rng.integers(0, d + 1))
            x[i, a : a + 40] = 7.5
            x[i, min(a + 5, d - 1) if d else 0 : min(a + 6, d)] = 7.5 * 23 / 24
        x[:, ::11] = 3.0  # exact ties across the row
    elif kind == 3:
        for i in range(m):  # flagged zero runs, short and long, and a meter stuck near zero
            for length in (3, 10, int(rng.integers(1, 30))):
                a = int(rng.integers(0, d + 1))
                x[i, a : a + length] = 0.0
                zero_days[i, a : a + length] = rng.random() < 0.8
            b = int(rng.integers(0, d + 1))
            x[i, b : b + 20] = rng.uniform(0, 0.2, x[i, b : b + 20].shape)
    elif kind == 4:
        x[rng.random((m, d)) < 0.03] = np.inf
        x[rng.random((m, d)) < 0.02] = -np.inf
        x[rng.random((m, d)) < 0.1] = np.nan
    elif kind == 5:
        x = np.round(x / 4.0) + 0.0  # many ties; + 0.0 keeps zeros positive
        x[:: max(m // 2, 1)] = np.nan  # all-NaN rows
    elif kind == 6:
        x[:, : d // 2] = np.nan  # no history: nothing before the change
    return x, zero_days


def cases():
    rng = np.random.default_rng(5)
    for m, d in SHAPES:
        for kind in range(KINDS):
            x, zero_days = nasty_daily(rng, m, d, kind)
            change = rng.integers(-2, d + 3, m)  # none, in range, out of range
            yield x, zero_days, change


def assert_identical(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want)) if got.dtype.kind == "f" else True


def test_row_median_equals_sorting_on_rows_of_any_length():
    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 3, 7, 8, 16, 17, 127, 128, 129, 400, 1001, 2048, 3001):
        for kind in range(KINDS):
            x, _ = nasty_daily(rng, 6, n, kind)
            assert_identical(row_median(x), numpy_row_median(x))
            assert_identical(row_median(x.reshape(2, 3, n)), numpy_row_median(x.reshape(2, 3, n)))
    assert_identical(row_median(np.zeros((0, 5))), numpy_row_median(np.zeros((0, 5))))


def test_window_medians_equal_masked_medians():
    rng = np.random.default_rng(2)
    for x, _, change in cases():
        m = x.shape[0]
        lo, hi = change - 56, change + rng.integers(-3, 60, m)
        assert_identical(window_medians(x, lo, hi), numpy_window_median(x, lo, hi))


@pytest.mark.parametrize("year_days", [364, 7, 0, 1000])
def test_year_ago_medians_equal_the_masked_medians(year_days):
    for x, _, change in cases():
        kk = np.where(change >= 0, change, x.shape[1])
        now, ago, _ = year_ago_medians(x, kk, year_days)
        want_now, want_ago = numpy_year_ago(x, kk, year_days)
        assert_identical(drop._year_ago(x, kk, year_days)[0], want_now)
        assert_identical(ago, want_ago)


def test_population_curve_and_smoothing_equal_numpy():
    for x, _, _ in cases():
        assert_identical(population_curve(x), numpy_population_curve(x))
        assert_identical(smooth(x), numpy_smooth(x))
        own = numpy_row_median(x)
        for block in (1, 3, 16):
            got = column_ratio_medians(np.ascontiguousarray(x), own, block)
            with np.errstate(invalid="ignore", divide="ignore"):
                want = numpy_row_median(np.where((own > 0)[:, None], x / own[:, None], np.nan).T)
            assert_identical(got, want)


def test_population_curve_over_many_meters_equals_numpy():
    """Thousands of meters per day: the selection starts from a sample (even and odd counts, ties, inf)."""
    rng = np.random.default_rng(6)
    for kind in (0, 1, 4, 5):
        x, _ = nasty_daily(rng, 3001, 12, kind)
        assert_identical(population_curve(x), numpy_population_curve(x))
        assert_identical(population_curve(x[:2048]), numpy_population_curve(x[:2048]))


def test_season_measures_equal_numpy():
    rng = np.random.default_rng(3)
    for x, _, change in cases():
        curves = [numpy_population_curve(x), rng.normal(1, 0.2, x.shape[1]), np.full(x.shape[1], np.nan)]
        for population in curves:
            got = season_measures(x, population, change)
            want = numpy_season_measures(x, population, change)
            for name in want:
                assert_identical(got[name], want[name])


def test_run_lengths_and_evidence_series_equal_numpy():
    for x, zero_days, _ in cases():
        for got, want in zip(run_lengths(zero_days), numpy_run_lengths(zero_days)):
            assert_identical(got, want)
        assert_identical(drop.evidence_series(x, zero_days), numpy_evidence_series(x, zero_days))


@pytest.mark.parametrize("history, after", [(42, 28), (1, 1), (7, 300)])
def test_drop_split_equals_numpy(history, after):
    for x, zero_days, _ in cases():
        x = numpy_evidence_series(x, zero_days)
        assert_identical(drop._best_drop_split(x, history, after), numpy_best_drop_split(x, history, after))


def nasty_profiles(rng: np.random.Generator, m: int, d: int, slots: int) -> np.ndarray:
    """kW [m, d, slots]: a daily shape that changes at a random day, with NaN slots and days (a DST day's missing
    hour), a slot never observed, +-inf, negative values and -0.0, all-zero meters and tiny or huge scales."""
    kw = rng.gamma(2.0, 0.5, (m, d, slots)) * rng.choice([1e-6, 1.0, 1e4], (m, 1, 1))
    for i in range(m):
        kw[i, int(rng.integers(0, d + 1)):, : slots // 3] *= rng.choice([0.1, 1.0, 3.0])
    kw[rng.random((m, d, slots)) < 0.1] = np.nan
    kw[:, ::7, 2 % slots] = np.nan
    kw[rng.random((m, d)) < 0.05] = np.nan
    weird = rng.random((m, d, slots)) < 0.03
    kw[weird] = rng.choice([np.inf, -np.inf, -1.5, -0.0, 0.0], int(weird.sum()))
    if m:
        kw[rng.integers(0, m), :, slots - 1] = np.nan  # a slot never observed: that meter's profile is NaN
        kw[rng.integers(0, m)] = 0.0  # no load at all: a zero total, NaN
    return kw


@pytest.mark.parametrize("slots", [24, 96, 5])
def test_shape_similarity_equals_numpy(slots):
    rng = np.random.default_rng(slots)
    for m, d in SHAPES:
        kw = nasty_profiles(rng, m, d, slots)
        split = rng.integers(-2, d + 3, m)  # none, in range, out of range (one side empty: NaN)
        assert_identical(drop._shape_similarity(kw, split), numpy_shape_similarity(kw, split))
        assert_identical(drop._shape_similarity(kw.astype(np.float32), split),
                         numpy_shape_similarity(kw.astype(np.float32), split))


def test_flat_run_equals_numpy():
    for x, zero_days, _ in cases():
        x = numpy_evidence_series(x, zero_days)
        flat_days, start, n_prior, n_prior_flat, n_flagged, level, prior_level, after_level = numpy_flat_parts(
            x, zero_days)
        got = drop._flat_run(x, zero_days)
        assert_identical(got["flat_days"], flat_days.astype(np.int64))
        assert_identical(got["flat_start"], start.astype(np.int64))
        assert_identical(got["flat_level"], np.where(flat_days > 0, level, np.nan))
        assert_identical(got["flat_prior_level"], np.where(flat_days > 0, prior_level, np.nan))
        assert_identical(got["flat_flagged_share"], n_flagged / np.maximum(flat_days, 1))
        assert_identical(got["flat_returned"], (after_level >= (level + prior_level) / 2) & (flat_days > 0))
        usable = (n_prior >= drop.FLAT_PRIOR_DAYS) & (n_prior_flat <= n_prior / 2) & (flat_days >= 7)
        assert np.all(got["flat_score"][~usable] == 0)


def test_week_medians_equal_numpy():
    for x, _, _ in cases():
        for min_days in (1, 4, 7):
            assert_identical(week_medians(x, min_days)[0], numpy_week_medians(x, min_days))


def test_absence_weeks_and_last_levels_equal_nanmedian():
    for x, _, change in cases():
        m, d = x.shape
        start = np.where(change >= 0, change, 0)
        after = numpy_window(x, start, absence.WINDOW_DAYS)
        got = strided_window_medians(x, start, 7, 1, absence.WINDOW_DAYS - 6, 4)
        assert_identical(got, numpy_sliding_week_medians(after, 7, 4))
        for n in (1, 3, 7):
            level, first = last_finite_medians(x, start, start + absence.WINDOW_DAYS, n)
            want_level, want_first = numpy_last_observed_median(after, n)
            assert_identical(level, want_level)
            assert_identical(np.where(first >= 0, first - start, -1), want_first)
            day = np.arange(d)[None, :]
            beyond = np.where(day >= (change + absence.WINDOW_DAYS)[:, None], x, np.nan)
            level, first = last_finite_medians(x, change + absence.WINDOW_DAYS, np.full(m, d), n)
            want_level, want_first = numpy_last_observed_median(beyond, n) if d else (np.full(m, np.nan), -1)
            assert_identical(level, want_level)
            assert np.array_equal(first, np.broadcast_to(want_first, (m,)))


def test_grouped_median_equals_numpy():
    rng = np.random.default_rng(4)
    for n in (0, 1, 5, 40, 300):
        for n_labels in (1, 3, 20):
            group = rng.integers(-1, n_labels, n)
            values = np.round(rng.normal(0, 2, n)) + 0.0
            values[rng.random(n) < 0.2] = rng.choice([np.nan, np.inf, -np.inf])
            for got, want in zip(grouped_median(group, values), numpy_grouped_median(group, values)):
                assert_identical(got, want)
    assert_identical(grouped_median(np.full(4, -1), np.ones(4))[0], np.full(4, np.nan))
