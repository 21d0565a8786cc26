"""The population's share of a meter's fall, against a per-meter loop."""

import math

import numpy as np
import pytest

from wattwatch.core import population as P
from wattwatch.core.lookalike_season import population_curve
from wattwatch.core.population import category_curves, unexplained_fall


def naive_share(curve, k, ratio):
    if k < 0 or not ratio < 1.0:
        return 1.0
    before = [v for v in curve[max(k - P.WINDOW_DAYS, 0):k] if not math.isnan(v)]
    after = [v for v in curve[k:k + P.WINDOW_DAYS] if not math.isnan(v)]
    if not before or not after:
        return 1.0
    pop = (sum(after) / len(after)) / (sum(before) / len(before))
    if not pop < 1.0:
        return 1.0
    share = (1 - ratio / pop) / (1 - ratio)
    return 1.0 if math.isnan(share) else min(max(share, 0.0), 1.0)


@pytest.mark.parametrize("seed", range(6))
def test_unexplained_fall_matches_a_loop(seed):
    rng = np.random.default_rng(seed)
    n_cat, d, m = 3, 90, 25
    curves = 1 + 0.3 * np.sin(np.arange(d) / 15.0 + rng.random((n_cat + 1, 1)) * 6)
    curves[rng.random(curves.shape) < 0.1] = np.nan
    category = rng.integers(-1, n_cat, m)
    change = np.where(rng.random(m) < 0.8, rng.integers(0, d, m), -1)
    ratio = np.where(rng.random(m) < 0.1, np.nan, rng.random(m) * 1.3)
    got = unexplained_fall(curves, category, change, ratio)
    for i in range(m):
        row = category[i] if category[i] >= 0 else n_cat
        assert got[i] == pytest.approx(naive_share(curves[row], change[i], ratio[i])), i


def test_a_fall_the_whole_category_made_is_explained():
    d = 120
    rng = np.random.default_rng(3)
    level = np.where(np.arange(d) < 60, 10.0, 6.0)  # everyone falls by 40 % on day 60
    kwh = level * rng.uniform(0.5, 2.0, (30, 1)) * rng.uniform(0.95, 1.05, (30, d))
    curves = category_curves(kwh, np.zeros(30, dtype=np.int64), population_curve(kwh))
    shares = unexplained_fall(curves, np.array([0, 0]), np.array([60, 60]), np.array([0.6, 0.2]))
    assert shares[0] < 0.15  # the meter fell as far as everyone
    assert 0.6 < shares[1] < 0.9  # most of an 80 % fall is its own


def test_small_categories_use_everyone_and_empty_input():
    kwh = np.random.default_rng(1).gamma(2.0, 5.0, (30, 50))
    category = np.array([0] * 25 + [1] * 5)
    curves = category_curves(kwh, category, population_curve(kwh))
    np.testing.assert_allclose(curves[1], population_curve(kwh), equal_nan=True)
    np.testing.assert_allclose(curves[0], population_curve(kwh[:25]), equal_nan=True)
    empty = np.zeros((0, 10))
    assert category_curves(empty, np.zeros(0, np.int64), population_curve(empty)).shape == (1, 10)
