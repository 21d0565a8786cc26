"""core.comovers against a per-meter loop, and the school's summer it is for."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wattwatch.core import comovers as C
from wattwatch.core.comovers import comover_fall
from wattwatch.core.lookalike_season import population_curve
from wattwatch.core.population import category_curves, unexplained_fall


def med(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return math.nan
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def naive_levels(row):
    weeks = []
    for start in range(0, len(row), 7):
        days = [v for v in row[start : start + 7] if math.isfinite(v)]
        weeks.append(med(days) if len(days) >= C.MIN_WEEK_DAYS else math.nan)
    positive = [w for w in weeks if math.isfinite(w) and w > 0]
    typical = med(positive)
    return [math.log(w / typical) if math.isfinite(w) and w > 0 and typical > 0 else math.nan for w in weeks]


def standardised(levels):
    seen = [v for v in levels if math.isfinite(v)]
    if len(seen) < C.MIN_WEEKS:
        return None
    mean = sum(seen) / len(seen)
    centred = [v - mean if math.isfinite(v) else 0.0 for v in levels]
    norm = math.sqrt(sum(v * v for v in centred))
    return [v / norm for v in centred] if norm > C.NORM_EPS else None


def correlation(a, b):
    a, b = standardised(a), standardised(b)
    return None if a is None or b is None else sum(u * v for u, v in zip(a, b))


def naive(x, category, change, ratio, judged):
    m, d = x.shape
    levels = [naive_levels(list(row)) for row in x]
    out_ratio, out_n, out_share = [], [], []
    for i in range(m):
        k = int(change[i])
        chosen = []
        if judged[i] and 0 <= k < d:
            week = k // 7
            lo = max(week - C.PRE_WEEKS, 0)
            if week - lo >= C.MIN_WEEKS:
                scored = []
                members = [j for j in range(m) if category[j] == category[i]]
                if len(members) > C.MAX_CANDIDATES:
                    members = [members[int(p)] for p in np.linspace(0, len(members) - 1, C.MAX_CANDIDATES)]
                for j in members:
                    if j == i:
                        continue
                    r = correlation(levels[i][lo:week], levels[j][lo:week])
                    if r is not None and r >= C.MIN_CORR:
                        scored.append((-r, j))
                chosen = [j for _, j in sorted(scored)[: C.N_COMOVERS]]
        ratios = []
        for j in chosen:
            before = med([v for v in x[j, max(k - C.WINDOW_DAYS, 0) : k] if math.isfinite(v)])
            after = med([v for v in x[j, k : k + C.WINDOW_DAYS] if math.isfinite(v)])
            if math.isfinite(before) and before > 0 and math.isfinite(after):
                ratios.append(after / before)
        if len(ratios) >= C.MIN_COMOVERS:
            pop = med(ratios)
            own = ratio[i]
            share = 1.0
            if own < 1 and pop < 1:
                share = min(max((1 - own / pop) / (1 - own), 0.0), 1.0)
            out_ratio.append(pop)
            out_n.append(len(ratios))
            out_share.append(share)
        else:
            out_ratio.append(math.nan)
            out_n.append(0)
            out_share.append(1.0)
    return np.array(out_ratio), np.array(out_n), np.array(out_share)


def nasty(rng, m, d):
    """Meters in three categories sharing a few calendars, with gaps, zeros, a constant row, an empty row and DST-like
    23/25 h days scaled in."""
    day = np.arange(d)
    calendars = [np.where((day % 91) < 14, 0.3, 1.0), np.where((day // 7) % 5 == 0, 0.6, 1.0), np.ones(d)]
    x = np.empty((m, d))
    for i in range(m):
        cal = calendars[i % 3] if rng.random() < 0.7 else calendars[rng.integers(3)]
        x[i] = rng.gamma(4, 1 / 4, d) * rng.uniform(2, 50) * cal
        x[i, rng.random(d) < rng.uniform(0, 0.3)] = np.nan
    x[0] = 5.0  # constant: no correlation at all
    x[1] = np.nan  # never observed
    x[2, : d // 2] = np.nan  # observed from half-way only
    x[3, 40:90] = 0.0  # a zero run
    x[:, 80] *= 23 / 24
    x[:, d - 30] *= 25 / 24
    return x


@pytest.mark.parametrize("seed", range(6))
def test_comover_fall_matches_a_loop(seed):
    rng = np.random.default_rng(seed)
    m, d = 60, int(rng.integers(120, 200))
    x = nasty(rng, m, d)
    category = rng.integers(0, 3, m)
    category[rng.random(m) < 0.1] = -1
    change = rng.integers(-1, d, m)
    change[:3] = [d - 1, 0, 5]  # the last day, the first, one without eight weeks before
    ratio = rng.uniform(0.1, 1.3, m)
    judged = rng.random(m) < 0.8
    got = comover_fall(x, category, change, ratio, judged)
    want_ratio, want_n, want_share = naive(x, category, change, ratio, judged)
    assert (want_n > 0).sum() >= 5  # the cases reach co-movers, not only the guards
    np.testing.assert_array_equal(got.n_comovers, want_n)
    np.testing.assert_allclose(got.comover_ratio, want_ratio, rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(got.unexplained, want_share, rtol=1e-9)


@pytest.mark.parametrize("candidates", [9, 15])  # fewer than N_COMOVERS, and more
def test_thinned_candidates_and_small_blocks_match_the_loop(monkeypatch, candidates):
    """A category larger than MAX_CANDIDATES is thinned evenly, and the weekly levels and the correlation run in
    blocks of rows: all as the loop does it."""
    monkeypatch.setattr(C, "MAX_CANDIDATES", candidates)
    monkeypatch.setattr(C, "PAIR_CELLS", 40)
    monkeypatch.setattr(C, "LEVEL_ROWS", 7)
    rng = np.random.default_rng(40)
    m, d = 50, 170
    x = nasty(rng, m, d)
    category = rng.integers(0, 2, m)
    change = rng.integers(60, d, m)
    ratio = rng.uniform(0.1, 1.0, m)
    judged = np.ones(m, bool)
    got = comover_fall(x, category, change, ratio, judged)
    want_ratio, want_n, want_share = naive(x, category, change, ratio, judged)
    assert (want_n > 0).sum() >= 5
    np.testing.assert_array_equal(got.n_comovers, want_n)
    np.testing.assert_allclose(got.comover_ratio, want_ratio, rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(got.unexplained, want_share, rtol=1e-9)


def test_nothing_judged_or_too_few_weeks_explains_nothing():
    rng = np.random.default_rng(3)
    x = rng.gamma(4, 1, (20, 60))
    none = comover_fall(x, np.zeros(20, int), np.full(20, 50), np.full(20, 0.3), np.zeros(20, bool))
    assert np.all(none.unexplained == 1.0) and np.all(np.isnan(none.comover_ratio))
    short = comover_fall(x, np.zeros(20, int), np.full(20, 40), np.full(20, 0.3), np.ones(20, bool))
    assert np.all(short.unexplained == 1.0) and np.all(short.n_comovers == 0)  # five weeks before the change


def test_a_schools_summer_is_its_co_movers_but_not_its_categorys_while_a_bypass_is_neither():
    """Twelve schools among thirty offices of one category: the schools' terms and holidays move their weeks
    together, so a school's summer fall is what its co-movers did; the category's median (offices) hardly moves, so
    the category curve leaves it unexplained. An office bypassed the same day stays unexplained by both."""
    rng = np.random.default_rng(12)
    d = 365
    day = np.arange(d)
    holidays = ((day >= 50) & (day < 64)) | ((day >= 120) & (day < 134)) | ((day >= 200) & (day < 250))
    schools = np.array([rng.gamma(20, 1 / 20, d) * rng.uniform(50, 300) * np.where(holidays, 0.35, 1.0)
                        for _ in range(12)])
    offices = np.array([rng.gamma(20, 1 / 20, d) * rng.uniform(50, 300) * (1 + 0.1 * np.sin(day / 58))
                        for _ in range(30)])
    offices[0, 200:] *= 0.4  # a bypass from the schools' first holiday day
    x = np.vstack([schools, offices])
    category = np.full(len(x), 4)
    change = np.full(len(x), 200)
    ratio = np.median(x[:, 200:228], axis=1) / np.median(x[:, 172:200], axis=1)
    judged = np.zeros(len(x), bool)
    judged[[0, 1, 2, 12]] = True
    got = comover_fall(x, category, change, ratio, judged)
    assert np.all(got.n_comovers[:3] >= C.MIN_COMOVERS) and np.all(got.unexplained[:3] < 0.3)
    assert got.unexplained[12] > 0.9
    by_category = unexplained_fall(category_curves(x, category, population_curve(x)), category, change, ratio)
    assert np.all(by_category[:3] > 0.6)  # what a category alone says of the schools
