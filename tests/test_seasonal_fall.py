"""A fall the premises' own seasons explain: the fast version against a slow per-meter twin, then behaviour."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from test_lookalikes import naive_season

from wattwatch.core import seasonal_fall as S
from wattwatch.core.drop import evidence_series, sustained_drop
from wattwatch.core.lookalike_season import population_curve
from wattwatch.core.seasonal_fall import seasonal_fall


def naive_one(kwh, evidence, pop, k, level_after):
    """One meter, the module doc's rules in loops."""
    d = len(kwh)
    if k <= 0:
        return {"seasonal_share": math.nan, "prior_ratio": math.nan, "prior_low_day": -1, "explained": 0.0}
    share = naive_season(kwh, pop, k)["season_explained"]
    seasonal = math.nan if math.isnan(share) else min(max(share, 0.0), 1.0)
    low, low_day = math.inf, -1
    for start in range(0, d - S.PRIOR_WINDOW_DAYS + 1, S.PRIOR_STEP_DAYS):
        values = [v for v in evidence[start:start + S.PRIOR_WINDOW_DAYS] if math.isfinite(v)]
        if start + 2 * S.PRIOR_WINDOW_DAYS <= k and len(values) >= S.PRIOR_WINDOW_DAYS // 2:
            median = statistics.median(values)
            if median < low:
                low, low_day = median, start
    prior_ratio = level_after / low if low_day >= 0 and low > 0 else math.nan
    ramp = (prior_ratio - S.PRIOR_LOW) / (S.PRIOR_HIGH - S.PRIOR_LOW)
    back = 0.0 if math.isnan(prior_ratio) else min(max(ramp, 0), 1)
    season_term = 1 - S.SEASON_WEIGHT * (0.0 if math.isnan(seasonal) else seasonal)
    return {"seasonal_share": seasonal, "prior_ratio": prior_ratio, "prior_low_day": low_day,
            "explained": 1 - season_term * (1 - S.PRIOR_WEIGHT * back)}


def nasty_case(rng):
    """Households with seasons, gaps, constant runs, zero days, NaN levels, changes anywhere (or none)."""
    m = int(rng.integers(1, 7))
    d = int(rng.choice([1, 30, 111, 112, 200, 400, 400, 750]))
    t = np.arange(d)
    kwh = rng.gamma(5, 2, (m, d)) * (1 + rng.uniform(0, 0.6, (m, 1)) * np.cos(2 * np.pi * t / 365))
    for r in range(m):
        kind = rng.integers(0, 5)
        if kind == 0 and d > 10:  # a gap
            a = int(rng.integers(0, d - 5))
            kwh[r, a:a + int(rng.integers(5, max(6, d // 3)))] = np.nan
        elif kind == 1:  # a constant run
            kwh[r, d // 3: d // 2] = 7.0
        elif kind == 2:  # zeros (flagged or not)
            kwh[r, d // 4: d // 4 + 10] = 0.0
        elif kind == 3:  # sparse observations
            kwh[r, rng.random(d) < 0.6] = np.nan
    zero = (kwh == 0) & (rng.random((m, d)) < 0.5)
    late = rng.integers(d // 2, d, m) if d > 1 else np.zeros(m, dtype=np.int64)  # room for earlier windows
    k = np.where(rng.random(m) < 0.5, late, rng.integers(-1, max(d, 1), m))
    level_after = np.where(rng.random(m) < 0.2, np.nan, rng.gamma(5, 1.5, m))
    return kwh, zero, k, level_after


@pytest.mark.parametrize("seed", range(30))
def test_fast_version_matches_the_naive_twin_on_nasty_inputs(seed):
    rng = np.random.default_rng(seed)
    kwh, zero, k, level_after = nasty_case(rng)
    evidence = evidence_series(kwh, zero)
    pop = population_curve(kwh)
    fast = seasonal_fall(kwh, zero, pop, k, level_after)
    for r in range(len(kwh)):
        slow = naive_one(kwh[r].tolist(), evidence[r].tolist(), pop.tolist(), int(k[r]), float(level_after[r]))
        assert fast.prior_low_day[r] == slow["prior_low_day"], r
        for name in ("seasonal_share", "prior_ratio", "explained"):
            got, want = float(getattr(fast, name)[r]), slow[name]
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-9, abs=1e-12), (r, name)
        assert 0.0 <= fast.explained[r] <= 1.0


def test_no_rows_and_no_days():
    for m, d in ((0, 50), (3, 0)):
        x = np.zeros((m, d))
        res = seasonal_fall(x, x.astype(bool), np.zeros(d), np.full(m, -1), np.zeros(m))
        assert res.explained.shape == (m,) and np.all(res.explained == 0)


def town(seed, n_days=365):
    """Households from September: a third heat with a heat pump (use follows the cold, off from April), the rest
    follow the season only a little; the town's population curve is the thermometer."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_days)
    cold = np.clip(np.cos(2 * np.pi * (t - 135) / 365), 0, None) + rng.normal(0, 0.05, n_days)  # coldest mid-January
    n = 60
    heated = np.arange(n) < n // 3
    base = rng.uniform(6, 12, n)[:, None]
    x = base * (1 + np.where(heated[:, None], 1.5, 0.15) * cold[None, :])
    return x * rng.lognormal(0, 0.12, (n, n_days)), heated


def test_a_heat_pump_switched_off_in_spring_is_explained_and_a_bypass_fitted_then_is_not():
    x, heated = town(3)
    bypassed = 40  # not heated: its fall in spring is a bypass taking 60 %
    x[bypassed, 210:] *= 0.4
    drop = sustained_drop(x)
    res = seasonal_fall(x, np.zeros(x.shape, bool), population_curve(x), drop.change_day, drop.level_after)
    spring = heated & (drop.change_day > 150)  # the heated homes whose fall the drop detector dates to the spring
    assert spring.sum() >= 10
    assert np.median(res.explained[spring]) > 0.4
    assert res.explained[bypassed] < 0.15
    assert res.explained[bypassed] < np.min(res.explained[spring])


def test_a_fall_back_to_an_earlier_level_is_half_explained_and_a_fall_below_it_is_not():
    rng = np.random.default_rng(5)
    x = 10 * rng.lognormal(0, 0.1, (2, 300))
    x[:, 120:200] *= 2  # a busy spell (a lodger, a workshop): then back to the old level ...
    x[1, 200:] *= 0.4  # ... or far below it
    k = np.array([200, 200])
    level_after = np.median(x[:, 200:256], axis=1)
    res = seasonal_fall(x, np.zeros(x.shape, bool), np.ones(300), k, level_after)  # a flat population: no season
    assert res.prior_ratio[0] == pytest.approx(1.0, abs=0.1)
    assert res.explained[0] == pytest.approx(S.PRIOR_WEIGHT, abs=0.1)
    assert res.prior_ratio[1] < S.PRIOR_LOW and res.explained[1] == 0.0
