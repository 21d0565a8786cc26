"""core.absence against a per-meter reference written from the module doc, plus the lives it tells apart."""

import math
import statistics

import numpy as np
import pytest

from wattwatch.core import absence as A
from wattwatch.core.absence import ordinary_absence
from wattwatch.core.drop import FLAT_MIN_DAYS


def naive_evidence(x, zero):
    """Flagged-zero runs of FLAT_MIN_DAYS or more are 0 kWh, shorter ones missing (core.drop.evidence_series)."""
    out = [float(v) for v in x]
    t = 0
    while t < len(x):
        if not zero[t]:
            t += 1
            continue
        end = t
        while end < len(x) and zero[end]:
            end += 1
        for u in range(t, end):
            out[u] = 0.0 if end - t >= FLAT_MIN_DAYS else math.nan
        t = end
    return out


def naive_absence(x, zero, k, flat_start, flat_days, level_before):
    """One meter: (floor_start, rebound, explained), the module doc's steps in plain loops."""
    if k < 0:
        return -1, math.nan, 0.0
    series = naive_evidence(x, zero)
    after = [series[t] if t < len(series) else math.nan for t in range(k, k + A.WINDOW_DAYS)]
    best = None
    for j in range(A.WINDOW_DAYS - A.WEEK + 1):
        seen = [v for v in after[j:j + A.WEEK] if not math.isnan(v)]
        if len(seen) >= A.MIN_WEEK_DAYS and (best is None or statistics.median(seen) < best[1]):
            best = (j, statistics.median(seen))
    if best is None:
        return -1, math.nan, 0.0
    j, floor = best
    ramp = lambda v, lo, hi: min(max((v - lo) / (hi - lo), 0.0), 1.0)  # noqa: E731

    def explain(values, first_allowed, counts, low, high):
        """(rebound, explained) from the last observed values of `values` (day offsets >= first_allowed)."""
        observed = [t for t in range(len(values)) if not math.isnan(values[t])]
        levels = [statistics.median(values[t] for t in observed[-n:]) for n in counts
                  if len(observed) >= n and observed[-n] >= first_allowed]
        if not levels:
            return math.nan, 0.0
        now = max(levels)
        rebound = now / floor if floor > 0 else (math.inf if now > 0 else 1.0)
        recovered = now / level_before if level_before != 0 else math.copysign(math.inf, now) if now else math.nan
        back = math.inf if math.isnan(recovered) else recovered
        return rebound, ramp(rebound, A.REBOUND_LOW, A.REBOUND_HIGH) * ramp(back, low, high)

    rebound, explained = explain(after, j + A.WEEK, A.RETURN_DAYS, A.RECOVERED_LOW, A.RECOVERED_HIGH)
    next_weeks = [v for v in series[k + A.WINDOW_DAYS:k + 2 * A.WINDOW_DAYS] if not math.isnan(v)]
    if len(next_weeks) >= A.MIN_HELD_DAYS and level_before > 0 and not math.isnan(level_before):
        explained *= ramp(statistics.median(next_weeks) / level_before, A.RECOVERED_LOW, A.RECOVERED_HIGH)
    late = [series[t] for t in range(k + A.WINDOW_DAYS, len(series))]
    late_rebound, late_explained = explain(late, 0, A.LATE_RETURN_DAYS, A.LATE_RECOVERED_LOW, A.LATE_RECOVERED_HIGH)
    if late_explained > explained:
        rebound, explained = late_rebound, late_explained
    on_flat = flat_start >= 0 and k + j < flat_start + flat_days and k + j + A.WEEK > flat_start
    return k + j, rebound, 0.0 if on_flat else explained


def nasty(rng, m, d):
    """Households with NaN days, gaps, flagged-zero runs, constant runs, empty spells and returns."""
    level = rng.uniform(2, 20, (m, 1))
    x = level * rng.gamma(8, 1 / 8, (m, d))
    for i in range(m):
        kind = rng.integers(0, 6)
        a, b = sorted(rng.integers(0, max(d, 1), 2))
        if kind == 0:
            x[i, a:b] = np.nan  # a gap
        elif kind == 1:
            x[i, a:b] = round(float(x[i, a]), 2) if d else 0.0  # a stuck register
        elif kind == 2:
            x[i, a:b] *= 0.1  # an empty spell, then the old household or a new one
            x[i, b:] *= rng.uniform(0.4, 1.5)
        elif kind == 3:
            x[i, a:] *= rng.uniform(0.1, 0.7)  # a bypass from a to the end
        elif kind == 4:
            x[i, a:b] = 0.0  # zeros
    x[rng.random((m, d)) < 0.08] = np.nan
    zero = (rng.random((m, d)) < 0.03) | ((x == 0.0) & (rng.random((m, d)) < 0.9))
    k = np.where(rng.random(m) < 0.8, rng.integers(0, max(d, 1), m), -1)
    flat_start = np.where(rng.random(m) < 0.3, rng.integers(0, max(d, 1), m), -1)
    flat_days = np.where(flat_start >= 0, rng.integers(1, 40, m), 0)
    level_before = np.where(rng.random(m) < 0.1, np.nan, rng.uniform(0, 25, m))
    return x, zero, k, flat_start, flat_days, level_before


@pytest.mark.parametrize("seed,m,d", [(0, 40, 200), (1, 30, 60), (2, 20, 9), (3, 10, 1), (4, 5, 0), (5, 0, 30),
                                      (6, 40, 120)])
def test_matches_the_per_meter_reference(seed, m, d):
    x, zero, k, fs, fd, before = nasty(np.random.default_rng(seed), m, d)
    got = ordinary_absence(x, zero, k, fs, fd, before)
    assert got.explained.shape == got.rebound.shape == got.floor_start.shape == (m,)
    for i in range(m):
        start, rebound, explained = naive_absence(x[i], zero[i], int(k[i]), int(fs[i]), int(fd[i]), before[i])
        assert got.floor_start[i] == start
        assert (math.isnan(rebound) and math.isnan(got.rebound[i])) or got.rebound[i] == pytest.approx(rebound)
        assert got.explained[i] == pytest.approx(explained)
    assert np.all((got.explained >= 0) & (got.explained <= 1))


def household(rng, d=200):
    """A household's daily kWh: ~10 kWh with day-to-day ups and downs."""
    return 10.0 * rng.gamma(8, 1 / 8, d)


def explained(x, k, flat_start=-1, flat_days=0):
    """The meter's explained share, with the level before the change measured as core.drop does (8 weeks' median)."""
    before = np.nanmedian(x[max(k - 56, 0):k]) if k > 0 else np.nan
    x = np.atleast_2d(x)
    zero = np.zeros_like(x, dtype=bool)
    return ordinary_absence(x, zero, np.array([k]), np.array([flat_start]), np.array([flat_days]),
                            np.array([before])).explained[0]


def business(rng, d=200):
    """A shop's daily kWh: weekends at 40 % of weekdays."""
    return np.where(np.arange(d) % 7 >= 5, 0.4, 1.0) * 100.0 * rng.gamma(30, 1 / 30, d)


def test_a_bypass_stays_low_and_is_not_explained():
    for seed in range(10):
        rng = np.random.default_rng(seed)
        for share in (0.3, 0.5, 0.9):
            for x in (household(rng), business(rng)):
                x[120:] *= 1 - share
                assert explained(x, 120) == 0.0


def test_a_shop_that_emptied_and_reopened_is_explained_whatever_weekday_the_data_ends_on():
    rng = np.random.default_rng(11)
    for end in range(150, 157):
        x = business(rng, end)
        x[100:135] *= 0.1  # empty between tenants: the weekly cycle of standby and cleaning stays
        x[135:] *= 0.8
        assert explained(x, 100) == 1.0


def test_weeks_away_or_an_empty_spell_before_a_new_tenant_are_explained():
    rng = np.random.default_rng(8)
    away = household(rng)
    away[180:196] = 1.2 + 0.05 * rng.standard_normal(16)  # fridge and standby; back on the last days of the data
    assert explained(away, 172) == 1.0
    tenant = household(rng)
    tenant[100:130] *= 0.1  # empty between tenants, then a smaller household
    tenant[130:] *= 0.7
    assert explained(tenant, 100) == 1.0


def test_a_stuck_meter_that_was_replaced_is_left_to_the_flat_score():
    x = household(np.random.default_rng(9))
    x[100:140] = 0.0
    assert explained(x, 100) == 1.0  # an empty spell followed by use ...
    assert explained(x, 100, flat_start=100, flat_days=40) == 0.0  # ... unless the spell is the meter's flat run


def test_no_change_day_no_explanation():
    assert explained(household(np.random.default_rng(10)), -1) == 0.0


def test_a_bypassed_household_that_also_went_away_is_not_explained():
    x = household(np.random.default_rng(12))
    x[100:] *= 0.25  # the bypass
    x[110:120] = 0.3  # ... and a week away inside it: the spell rebounds, but only to a quarter of the old level
    assert explained(x, 100) == 0.0


def test_a_bypassed_households_busy_days_after_its_quietest_week_are_no_return():
    rng = np.random.default_rng(15)
    for seed in range(5):
        x = household(np.random.default_rng(seed), 300)
        x[100:] *= 0.3  # the bypass
        x[140:147] *= 0.2  # its quietest week
        x[153:156] = 10.0 + rng.random(3)  # a heavy weekend at the end of the fall's eight weeks: the old level
        assert explained(x[:156], 100) == 1.0  # all the data shows: a return, for all anyone can tell
        assert explained(x, 100) == 0.0  # the eight weeks after stay at the bypassed level
        x[156:] /= 0.3  # ... unless they come back up with it
        assert explained(x, 100) == 1.0


def test_use_that_came_back_long_after_the_fall_is_explained_but_a_season_on_a_bypass_is_not():
    rng = np.random.default_rng(14)
    summer = household(rng, 400) * 3
    summer[100:250] = 0.8 + 0.1 * rng.random(150)  # heated electrically: almost nothing all summer
    assert explained(summer, 100) > 0.5  # the heating back on in the autumn
    ended = household(rng, 400)
    ended[100:250] *= 0.2  # five months away, home for the last months of the data
    assert explained(ended, 100) > 0.5
    bypass = household(rng, 400)
    bypass[100:] *= 0.5
    bypass[300:] *= 1.3  # the season's upswing on top of the halved level at the end
    assert explained(bypass, 100) == 0.0
    bypass[200:207] = 0.3  # a week away long after the fall does not make the bypass a late return either
    assert explained(bypass, 100) == 0.0


def test_row_chunks_do_not_change_the_result(monkeypatch):
    x, zero, k, fs, fd, before = nasty(np.random.default_rng(13), 30, 150)
    whole = ordinary_absence(x, zero, k, fs, fd, before)
    monkeypatch.setattr(A, "CHUNK_ROWS", 7)
    chunked = ordinary_absence(x, zero, k, fs, fd, before)
    for name in ("floor_start", "rebound", "recovered", "explained"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name), equal_nan=True)
