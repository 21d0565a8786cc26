"""The strange-increase detector: fast vectorised kernel against a slow per-meter twin, then behaviour."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from wattwatch.core.increase import strange_increase
from wattwatch.core.year_ago import year_lag

FIELDS = (
    "level_before", "level_after", "added_kw", "ratio", "persistence",
    "yoy_ratio", "yoy_added_kw", "season_share", "score",
)


# ---------------------------------------------------------------- the naive twin: one meter, one candidate at a time
def naive_one(row, min_history_days=42, min_after_days=14, step_days=1, year_days=None, min_yoy_days=14):
    d = len(row)
    year_days = year_lag(d) if year_days is None else year_days
    obs = [i for i in range(d) if math.isfinite(row[i])]
    t_at = {}
    for k in range(max(min_history_days, 1), d - min_after_days + 1, step_days):
        before = [math.log1p(max(row[i], 0.0)) for i in obs if i < k]
        after = [math.log1p(max(row[i], 0.0)) for i in obs if i >= k]
        if len(before) < min_history_days or len(after) < min_after_days:
            continue
        n1, n2 = len(before), len(after)
        t_at[k] = (sum(after) / n2 - sum(before) / n1) * math.sqrt(n1 * n2 / (n1 + n2))
    best = max(t_at, key=lambda k: (t_at[k], -k), default=None)  # largest t, earliest day on ties
    if best is None or t_at[best] <= 1e-9:
        return {"change_day": -1, "score": 0.0, "n_days_after": 0, "t_at": t_at}

    k = best
    before = [row[i] for i in obs if i < k]
    after = [row[i] for i in obs if i >= k]
    lb, la = statistics.median(before), statistics.median(after)
    mad = statistics.median([abs(v - lb) for v in before])
    spread = max(1.4826 * mad, 0.05 * lb, 0.24)
    rise = la - lb
    ratio = la / max(lb, 0.24)
    persistence = sum(v > (lb + la) / 2 for v in after) / len(after)

    now = [i for i in range(k, d) if year_days <= i < k + year_days]
    now_vals = [row[i] for i in now if math.isfinite(row[i])]
    ago_vals = [row[i - year_days] for i in now if math.isfinite(row[i - year_days])]
    if len(now_vals) >= min_yoy_days and len(ago_vals) >= min_yoy_days:
        ln, ly = statistics.median(now_vals), statistics.median(ago_vals)
        yoy_ratio, yoy_kw = ln / max(ly, 0.24), (ln - ly) / 24
        season = min(max((ln - ly) / rise, 0.0), 1.0) if rise > 0 else 0.0
    else:
        yoy_ratio = yoy_kw = math.nan
        season = 1.0

    terms = [
        1 - math.exp(-max(rise / spread, 0) / 4),
        1 - math.exp(-max(math.log2(ratio), 0)) if ratio > 0 else 0.0,
        1 - math.exp(-max(rise / 24, 0) / 0.5),
        min(max(2 * persistence - 1, 0), 1),
        season,
    ]
    return {
        "change_day": k, "level_before": lb, "level_after": la, "added_kw": rise / 24, "ratio": ratio,
        "persistence": persistence, "yoy_ratio": yoy_ratio, "yoy_added_kw": yoy_kw, "season_share": season,
        "score": 100 * math.prod(terms), "n_days_after": len(after), "t_at": t_at,
    }


# ---------------------------------------------------------------- nasty inputs
def random_case(rng: np.random.Generator, d: int | None = None) -> np.ndarray:
    m = int(rng.integers(1, 5))
    d = int(rng.choice([1, 2, 30, 60, 120, 200, 355, 365, 420, 450])) if d is None else d
    base = rng.uniform(0.5, 30, size=(m, 1))
    x = base * rng.gamma(8, 1 / 8, size=(m, d))
    for r in range(m):
        kind = rng.integers(0, 8)
        if kind == 0:  # planted step
            x[r, rng.integers(0, d):] += rng.uniform(5, 60)
        elif kind == 1:  # constant runs (stuck or estimated meter)
            a = rng.integers(0, d)
            x[r, a : a + rng.integers(1, 100)] = round(float(base[r, 0]), 1)
        elif kind == 2:  # gaps: long NaN runs
            a = rng.integers(0, d)
            x[r, a : a + rng.integers(1, 150)] = np.nan
        elif kind == 3:  # mostly missing
            x[r, rng.random(d) < 0.85] = np.nan
        elif kind == 4:  # all missing
            x[r] = np.nan
        elif kind == 5:  # fully constant
            x[r] = 7.0
        elif kind == 6:  # a yearly season
            x[r] += 20 * (np.cos(2 * np.pi * np.arange(d) / 365.25) > 0.3)
        x[r, rng.random(d) < 0.05] = np.nan
    dst = rng.random(d) < 0.01  # 23/25-hour days carry 1/24 less or more
    x[:, dst] *= rng.choice([23 / 24, 25 / 24])
    return x


def assert_matches_twin(x: np.ndarray, **params) -> None:
    fast = strange_increase(x, **params)
    for r, row in enumerate(x.tolist()):
        slow = naive_one(row, **params)
        k_fast, k_slow = int(fast.change_day[r]), slow["change_day"]
        if k_fast != k_slow:
            # Only a numerical tie may pick another day: its statistic must equal the best one.
            assert k_fast in slow["t_at"] and k_slow >= 0, (r, k_fast, k_slow)
            assert slow["t_at"][k_fast] == pytest.approx(slow["t_at"][k_slow], rel=1e-9, abs=1e-9)
            continue
        assert int(fast.n_days_after[r]) == slow["n_days_after"]
        if k_slow < 0:
            assert fast.score[r] == 0.0
            continue
        for name in FIELDS:
            got, want = float(getattr(fast, name)[r]), slow[name]
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-9, abs=1e-9), (r, name)


@pytest.mark.parametrize("seed", range(30))
def test_fast_kernel_matches_naive_twin_on_random_nasty_inputs(seed):
    assert_matches_twin(random_case(np.random.default_rng(seed)))


def test_twin_agrees_with_other_parameters_and_blocks():
    x = np.vstack([random_case(np.random.default_rng(100 + s), d=120) for s in range(6)])
    params = dict(min_history_days=10, min_after_days=5, step_days=3, year_days=30, min_yoy_days=4)
    assert_matches_twin(x, **params)
    whole = strange_increase(x, **params)
    blocked = strange_increase(x, block_rows=2, **params)
    np.testing.assert_array_equal(whole.change_day, blocked.change_day)
    np.testing.assert_allclose(whole.score, blocked.score)


@pytest.mark.parametrize(
    "x",
    [
        np.full((3, 0), np.nan),
        np.full((0, 50), np.nan),
        np.full((2, 1), 5.0),
        np.full((2, 300), np.nan),
        np.full((2, 300), 4.0),
        np.zeros((1, 300)),
    ],
    ids=["no-days", "no-meters", "single-day", "all-nan", "constant", "all-zero"],
)
def test_degenerate_inputs_score_zero_without_warnings(x):
    with np.errstate(all="raise"):
        result = strange_increase(x)
    assert result.score.shape == (x.shape[0],)
    assert np.all(result.score == 0)
    assert np.all(result.change_day == -1)


# ---------------------------------------------------------------- behaviour
def household(rng, n_meters, n_days, level=10.0):
    weekly = 1 + 0.15 * (np.arange(n_days) % 7 >= 5)
    return level * weekly * rng.gamma(10, 0.1, size=(n_meters, n_days))


def test_step_up_is_found_with_its_date_and_power():
    rng = np.random.default_rng(1)
    x = household(rng, 20, 400)
    change = rng.integers(120, 330, size=20)
    kw = rng.uniform(0.8, 3.0, size=20)
    x += np.where(np.arange(400)[None, :] >= change[:, None], 24 * kw[:, None], 0.0)
    result = strange_increase(x)
    assert np.all(np.abs(result.change_day - change) <= 7)
    np.testing.assert_allclose(result.added_kw, kw, atol=0.15)
    assert np.all(result.persistence > 0.9)
    assert result.score.min() > 40


def test_flat_meters_score_far_below_planted_steps():
    rng = np.random.default_rng(2)
    flat = strange_increase(household(rng, 300, 400)).score
    stepped = household(rng, 1, 400)
    stepped[0, 250:] += 24 * 0.8
    assert flat.max() < 5
    assert strange_increase(stepped).score[0] > 10 * flat.max()


def test_a_drop_is_not_an_increase():
    rng = np.random.default_rng(3)
    x = household(rng, 5, 300, level=30)
    x[:, 150:] *= 0.3
    assert np.all(strange_increase(x).score < 1)


def test_heating_that_repeats_every_winter_scores_low_but_a_new_winter_rise_does_not():
    rng = np.random.default_rng(4)
    days = np.arange(800)  # day 0 = 1 April: winters around days 240-330 and 605-695
    winter = np.cos(2 * np.pi * (days - 285) / 365.25).clip(0) ** 2
    heated = household(rng, 10, 800) + 60 * winter
    result = strange_increase(heated)
    assert np.all(result.score < 5), result.score
    assert np.all(np.isnan(result.yoy_ratio) | (result.season_share < 0.5))

    grow = household(rng, 10, 800)
    grow[:, 605:] += 60  # same size and start as the second winter, but new and lasting
    assert strange_increase(grow).score.min() > 40


def test_spikes_and_missing_days_do_not_make_or_hide_a_step():
    rng = np.random.default_rng(5)
    x = household(rng, 40, 400)
    x[:20, 200:] += 24 * 1.5
    spikes = rng.random(x.shape) < 0.02
    x[spikes] *= 10
    x[rng.random(x.shape) < 0.3] = np.nan
    score = strange_increase(x).score
    assert score[:20].min() > 5 * score[20:].max()


def test_a_short_bump_last_year_does_not_mask_a_lasting_rise():
    rng = np.random.default_rng(6)
    x = household(rng, 1, 760)
    x[0, 380:] += 24 * 1.0  # a step one year on...
    x[0, 16:40] += 24 * 1.0  # ...whose first weeks had a similar bump a year earlier
    lasting = strange_increase(x)
    assert lasting.season_share[0] > 0.5  # the bump covers only part of the year-ago window
    assert not np.isnan(lasting.yoy_ratio[0])


def test_with_a_year_of_data_a_rise_back_to_the_first_weeks_level_is_a_season():
    """Air conditioning in a year of data (365 days from the end of a summer): the rise at day 280 comes back to the
    level of the first weeks, which core.year_ago pairs with the last ones (two weeks short of 52); a rise to above
    anything seen before stays new."""
    rng = np.random.default_rng(16)
    day = np.arange(365)
    repeat = household(rng, 4, 365) + 24 * 1.0 * ((day < 40) | (day >= 280))
    new = household(rng, 4, 365) + 24 * 1.0 * (day >= 280)
    repeated, fresh = strange_increase(repeat), strange_increase(new)
    assert np.all(repeated.change_day == 280) and np.all(fresh.change_day == 280)
    assert np.all(repeated.season_share < 0.3) and np.all(fresh.season_share > 0.9)
    assert fresh.score.min() > 3 * repeated.score.max()
    assert np.all(strange_increase(repeat, year_days=364).season_share == 1.0)  # one pair only at 52 weeks
