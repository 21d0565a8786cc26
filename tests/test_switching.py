"""A bypass switched in and out (core.switching): the compiled envelope and the vectorised switching measures against
plain per-row loops on nasty inputs, and what the factor tells apart."""

import itertools
import math

import numpy as np
import pytest

from wattwatch.core import switching as S
from wattwatch.core.drop import sustained_drop
from wattwatch.core.switching import low_envelope, switched_fall, switching_factor, switching_measures
from wattwatch.realdata import find_real_data


# ---------------------------------------------------------------- naive twins
def naive_median(values):
    seen = sorted(v for v in values if not math.isnan(v))
    return (seen[(len(seen) - 1) // 2] + seen[len(seen) // 2]) / 2 if seen else math.nan


def naive_envelope(row):
    whole = naive_median(row)
    shares = []
    for w in range(7):
        share = naive_median(row[w::7]) / whole if whole > 0 else math.nan  # NaN compares False
        shares.append(share if share > 0 else 1.0)
    row = [v / shares[j % 7] for j, v in enumerate(row)]
    half = S.ENVELOPE_DAYS // 2
    out = []
    for j in range(len(row)):
        start = min(max(j - half, 0), max(len(row) - S.ENVELOPE_DAYS, 0))  # a whole window at the row's ends too
        values = sorted(v for v in row[start: start + S.ENVELOPE_DAYS] if not math.isnan(v))
        n = len(values)
        out.append(values[int(math.floor(S.ENVELOPE_QUANTILE * (n - 1) + 0.5))] if n >= S.ENVELOPE_MIN_DAYS
                   else math.nan)
    return out


def naive_measures(row, k, window=S.WINDOW_DAYS):
    """(high_kept, low_share, low_spells, lost_kw) of one row, day by day."""
    nan = math.nan
    d = len(row)
    if k < 0:
        return nan, nan, 0, nan
    value = lambda j: row[j] if 0 <= j < d else nan  # noqa: E731
    before = [value(k - window + c) for c in range(window)]
    after = [value(k + c) for c in range(window)]
    level = []
    for w in range(7):
        med = naive_median(before[w::7])
        level.append(med if sum(not math.isnan(v) for v in before[w::7]) >= S.MIN_WEEKDAY_DAYS and med > 0 else nan)
    ratio = lambda v, c: v / level[c % 7] if not (math.isnan(v) or math.isnan(level[c % 7])) else nan  # noqa: E731
    y_before = [ratio(v, c) for c, v in enumerate(before)]
    y_after = [ratio(v, c) for c, v in enumerate(after)]
    upper = naive_quantile(y_after, S.UPPER_QUANTILE, 2 * S.MIN_HALF_DAYS)
    y_after = [y / upper if upper > 0 else nan for y in y_after]  # NaN compares False
    kwh_upper = naive_quantile(after, S.UPPER_QUANTILE, 2 * S.MIN_HALF_DAYS)
    low_day = [y < S.DEEP and v < S.DEEP * kwh_upper for y, v in zip(y_after, after)]

    def share(ys, test, min_days):
        seen = [y for y in ys if not math.isnan(y)]
        return sum(test(y) for y in seen) / len(seen) if len(seen) >= min_days else nan

    high_before = share(y_before, lambda y: y >= S.NEAR, 2 * S.MIN_HALF_DAYS)
    low_before = share(y_before, lambda y: y < S.DEEP, 2 * S.MIN_HALF_DAYS)
    half = min(max(d - k, 0), window) // 2
    kept, low = [], []
    for part in (slice(0, half), slice(half, window)):
        seen = [not math.isnan(y) for y in y_after[part]]
        n = sum(seen)
        high = sum(y >= S.NEAR for y in y_after[part]) / n if n >= S.MIN_HALF_DAYS else nan
        kept.append(high / high_before if high_before and not math.isnan(high_before) else nan)
        low.append((sum(low_day[part]) / n if n >= S.MIN_HALF_DAYS else nan) - low_before)
    if any(math.isnan(v) or math.isinf(v) for v in kept + low):
        high_kept = low_share = lost_kw = nan
    else:
        high_kept, low_share = min(kept), min(low)
        short = [level[c % 7] - v for c, v in enumerate(after) if not (math.isnan(v) or math.isnan(level[c % 7]))]
        lost_kw = sum(short) / len(short) / 24
    states = [1 if low else 2 for y, low in zip(y_after, low_day) if low or y >= S.NEAR]
    spells = {1: 0, 2: 0}
    for _, run in itertools.groupby(states):
        run = list(run)
        spells[run[0]] += len(run) >= S.MIN_SPELL_DAYS
    return high_kept, low_share, min(spells[1], spells[2] + 1), lost_kw


def naive_quantile(values, q, min_days):
    seen = sorted(v for v in values if not math.isnan(v))
    if len(seen) < min_days:
        return math.nan
    place = q * (len(seen) - 1)
    lower = int(math.floor(place))
    upper = min(lower + 1, len(seen) - 1)
    return seen[lower] + (place - lower) * (seen[upper] - seen[lower])


def naive_factor(high_kept, low_share, spells):
    if spells < S.MIN_SPELLS or math.isnan(high_kept):
        return 0.0
    ramp = lambda v, lo, hi: min(max((v - lo) / (hi - lo), 0.0), 1.0)  # noqa: E731
    return ramp(high_kept, *S.HIGH_KEPT) * ramp(low_share, *S.LOW_SHARE)


# ---------------------------------------------------------------- nasty inputs
def switched_weeks(d, start, taken, phase=0):
    days = np.arange(d)
    return np.where((days >= start) & ((days - start + phase) // 7 % 2 == 0), 1 - taken, 1.0)


def random_case(rng):
    m = int(rng.integers(1, 6))
    d = int(rng.choice([1, 2, 9, 30, 60, 120, 200, 400]))
    base = rng.uniform(0.5, 30, size=(m, 1))
    x = base * rng.gamma(10, 1 / 10, size=(m, d))
    for r in range(m):
        kind = rng.integers(0, 9)
        a = int(rng.integers(0, max(d, 1)))
        if kind == 0:  # switched weekly, or every few days
            x[r] *= switched_weeks(d, a, rng.uniform(0.3, 0.9)) if rng.random() < 0.7 else np.where(
                (np.arange(d) >= a) & (rng.random(d) < 0.5), 0.3, 1.0)
        elif kind == 1:  # a lasting fall
            x[r, a:] *= rng.uniform(0.1, 0.7)
        elif kind == 2:  # weeks away
            x[r, a: a + rng.integers(7, 30)] *= 0.1
        elif kind == 3:  # constant, or constant runs
            x[r, a: a + rng.integers(1, 100)] = 7.0
        elif kind == 4:  # zeros
            x[r, a: a + rng.integers(1, 60)] = 0.0
        elif kind == 5:  # long gap or mostly missing
            x[r, rng.random(d) < 0.8] = np.nan
        elif kind == 6:
            x[r] = np.nan
        elif kind == 7:  # closed two days a week
            x[r] *= np.where(np.arange(d) % 7 >= 5, 0.2, 1.0)
        x[r, rng.random(d) < 0.05] = np.nan
    dst = rng.random(d) < 0.02  # a 23 h or 25 h day's total
    x[:, dst] *= rng.choice([23 / 24, 25 / 24])
    return x


def assert_same(got, want):
    assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-9, abs=1e-12), (got, want)


@pytest.mark.parametrize("seed", range(20))
def test_envelope_matches_its_naive_twin(seed):
    x = random_case(np.random.default_rng(seed))
    got = low_envelope(x)
    assert got.shape == x.shape
    for r in range(len(x)):
        for g, w in zip(got[r], naive_envelope(x[r].tolist())):
            assert_same(float(g), w)


@pytest.mark.parametrize("seed", range(20))
def test_switching_measures_and_factor_match_their_naive_twins(seed):
    rng = np.random.default_rng(seed)
    x = random_case(rng)
    m, d = x.shape
    k = np.where(rng.random(m) < 0.15, -1, rng.integers(0, max(d, 1), m))
    high_kept, low_share, spells, lost_kw = switching_measures(x, k)
    factor = switching_factor(high_kept, low_share, spells)
    for r in range(m):
        want = naive_measures(x[r].tolist(), int(k[r]))
        for got, w in zip((high_kept[r], low_share[r], lost_kw[r]), (want[0], want[1], want[3])):
            assert_same(float(got), w)
        assert spells[r] == want[2]
        assert factor[r] == pytest.approx(naive_factor(want[0], want[1], want[2]), abs=1e-12)


def test_switched_fall_measures_where_the_envelope_fell_and_matches_the_drop_on_it():
    rng = np.random.default_rng(5)
    x = 10 * rng.gamma(10, 0.1, (5, 400))
    x[0, 150:] *= 0.4  # a lasting fall
    x[1, 100:180] = np.nan  # a long gap
    x[2, ::3] = np.nan
    x[-1] *= switched_weeks(400, 200, 0.7)
    got = switched_fall(x)
    fall = sustained_drop(low_envelope(x))
    np.testing.assert_array_equal(got.fall.change_day, fall.change_day)
    np.testing.assert_allclose(got.fall.drop_score, fall.drop_score)
    for r in range(len(x)):
        k = int(fall.change_day[r]) if fall.drop_score[r] > 0 else -1
        want = naive_measures(x[r].tolist(), k)
        assert_same(float(got.high_kept[r]), want[0])
        assert got.low_spells[r] == want[2]
    assert got.factor[-1] == 1.0


def test_rows_levelled_in_blocks_give_the_same_fall(monkeypatch):
    x = np.concatenate([random_case(np.random.default_rng(s))[:, :120] for s in range(40)
                        if random_case(np.random.default_rng(s)).shape[1] >= 120])
    whole = switched_fall(x)
    monkeypatch.setattr(S, "BLOCK_ROWS", 3)
    blocked = switched_fall(x)
    np.testing.assert_array_equal(whole.fall.change_day, blocked.fall.change_day)
    np.testing.assert_array_equal(whole.factor, blocked.factor)
    np.testing.assert_array_equal(whole.fall.drop_score, blocked.fall.drop_score)


def test_window_must_be_whole_weeks_and_input_two_dimensional():
    with pytest.raises(ValueError, match="whole number of weeks"):
        switching_measures(np.ones((1, 100)), np.array([50]), window=50)
    with pytest.raises(ValueError, match="2-D"):
        low_envelope(np.ones(10))
    empty = switched_fall(np.zeros((0, 0)))
    assert empty.factor.shape == (0,)


# ---------------------------------------------------------------- what it tells apart
def household(rng, d=400):
    week = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.3, 1.3])
    return 12.0 * week[np.arange(d) % 7] * rng.gamma(12, 1 / 12, d)


@pytest.mark.parametrize("phase", [0, 3])
def test_a_bypass_switched_weekly_switches_and_a_whole_bypass_or_a_vacation_does_not(phase):
    rng = np.random.default_rng(11 + phase)
    switched = household(rng) * switched_weeks(400, 220, 0.6, phase)
    whole = household(rng) * np.where(np.arange(400) >= 220, 0.4, 1.0)
    away = household(rng) * np.where((np.arange(400) >= 300) & (np.arange(400) < 321), 0.1, 1.0)
    late_away = household(rng) * np.where(np.arange(400) >= 372, 0.1, 1.0)  # the data end while away
    result = switched_fall(np.stack([switched, whole, away, late_away]))
    assert result.factor[0] >= 0.5
    assert abs(result.fall.change_day[0] - 220) <= 10
    assert result.lost_kw[0] == pytest.approx(12.0 * 1.09 * 0.6 / 2 / 24, rel=0.35)  # half the days, 60 % taken
    assert np.all(result.factor[1:] == 0.0)
    assert result.low_spells[2] <= 1 and result.low_spells[0] >= S.MIN_SPELLS


def test_a_business_shut_down_to_its_weekend_level_is_no_switching():
    """Closed for the summer: its weekdays fall to the weekend's level, while the weekends stay where they were, so
    against their own weekdays the days switch low and high every week; only two-day highs lie between the lows."""
    rng = np.random.default_rng(8)
    d = 400
    days = np.arange(d)
    school = 400.0 * np.where(days % 7 >= 5, 0.4, 1.0) * rng.gamma(20, 1 / 20, d)
    school[300:] = 160.0 * rng.gamma(20, 1 / 20, d - 300)  # shut down: standby every day to the data's end
    result = switched_fall(school[None, :])
    assert result.fall.drop_score[0] > 0.1  # its low envelope fell for good: the switching decides
    assert result.factor[0] == 0.0 and result.low_share[0] <= 0.05


def test_closed_days_that_were_there_before_are_not_low_days():
    """A shop shut two days a week, and more of them for a while: its weekday levels take the closed days in."""
    rng = np.random.default_rng(3)
    d = 400
    shop = 50.0 * np.where(np.arange(d) % 7 >= 5, 0.1, 1.0) * rng.gamma(20, 1 / 20, d)
    switched = shop * switched_weeks(d, 250, 0.7)
    result = switched_fall(np.stack([shop, switched]))
    assert result.factor[0] == 0.0
    assert result.factor[1] >= 0.5


@pytest.mark.real
@pytest.mark.skipif(find_real_data() is None, reason="no real data (../shared/data/real)")
def test_on_real_series_a_switched_bypass_stands_out_and_ordinary_use_rarely_switches():
    """Real households, university buildings and standard profiles (../shared/data/real), as they are and with 60 %
    of the supply bypassed every other week from day 150."""
    from wattwatch.sim.real import load_library

    library = [s for s in load_library(find_real_data(), np.random.default_rng(0), max_buildings=12)
               if s.values.shape[0] >= 364]
    plain = np.stack([(s.values.sum(axis=1) * s.step_min / 60)[:364] for s in library])
    switched = plain * switched_weeks(364, 150, 0.6)
    ordinary, bypassed = switched_fall(plain), switched_fall(switched)
    assert len(plain) >= 40
    assert np.mean(ordinary.factor > 0) <= 0.05
    assert np.mean(bypassed.factor >= 0.5) >= 0.5
    evidence = [np.sqrt(r.fall.drop_score) * r.factor for r in (ordinary, bypassed)]
    assert np.median(evidence[1]) > np.quantile(evidence[0], 0.95)
