"""Lamp blocks in the added load: the residual against a slow per-meter twin, then a grow beside a shop's hours."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from wattwatch.core import added_blocks as A
from wattwatch.core.added_blocks import added_lamp_blocks, residual_load, with_added_blocks
from wattwatch.core.lookalike_profiles import BEFORE_DAYS, MIN_DAY_HOURS, MIN_WEEKDAY_DAYS
from wattwatch.core.photoperiod import SEASONAL_KEEP, detect_photoperiod


# ---------------------------------------------------------------- the naive twin: one meter, plain loops
def naive_residual(days: list[list[float]], first_weekday: int, k: int) -> list[list[float]]:
    d = len(days)
    baseline = {}
    for w in range(7):  # a change day outside the day axis (past its end too) has no "before" weeks
        use = [j for j in range(max(k - BEFORE_DAYS, 0), k) if 0 < k < d and (first_weekday + j) % 7 == w
               and sum(math.isfinite(v) for v in days[j]) >= MIN_DAY_HOURS]
        for h in range(24):
            vals = [days[j][h] for j in use if math.isfinite(days[j][h])]
            enough = len(use) >= MIN_WEEKDAY_DAYS and vals
            baseline[w, h] = sum(vals) / len(vals) if enough else math.nan
    return [[days[j][h] - baseline[(first_weekday + j) % 7, h] for h in range(24)] for j in range(d)]


def nasty_case(rng: np.random.Generator, m: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.gamma(4.0, 0.25, size=(m, d, 24))
    x[rng.random(x.shape) < 0.03] = np.nan  # missing hours
    x[:, rng.random(d) < 0.05] = np.nan  # missing days
    dst = rng.integers(0, d)
    x[:, dst, 2] = np.nan  # a spring-forward day keeps 23 hours
    x[rng.random(m) < 0.2, :, :] = 1.5  # constant meters
    k = rng.integers(-1, d + 2, size=m)  # no change, day 0, inside, past the end
    return x, k


@pytest.mark.parametrize("seed", range(12))
def test_residual_matches_the_naive_twin(seed):
    rng = np.random.default_rng(seed)
    m, d = int(rng.integers(1, 5)), int(rng.choice([1, 6, 30, 90, 130]))
    x, k = nasty_case(rng, m, d)
    first_weekday = int(rng.integers(0, 7))
    fast = residual_load(x, first_weekday, k)
    for r in range(m):
        slow = np.array(naive_residual(x[r].tolist(), first_weekday, int(k[r])), dtype=np.float64).reshape(d, 24)
        np.testing.assert_allclose(fast[r], slow, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_no_meters_and_no_change():
    assert residual_load(np.zeros((0, 10, 24)), 0, np.zeros(0, int)).shape == (0, 10, 24)
    assert np.isnan(residual_load(np.ones((2, 60, 24)), 3, np.array([-1, 0]))).all()


# ---------------------------------------------------------------- behaviour: a grow beside a shop
DAYS, START = 300, 180


def shop(rng: np.random.Generator, n: int, scale_from: int | None = None, scale: float = 1.0) -> np.ndarray:
    """Shops open 09-20 (about 15 kW), closed on Sundays (day % 7 == 6), over a 2 kW standby load."""
    day = np.arange(DAYS)
    hour = np.arange(24)
    open_hours = ((hour >= 9) & (hour < 20))[None, None, :]
    open_days = (day % 7 != 6)[None, :, None]
    kw = 2.0 + 13.0 * open_hours * open_days * rng.uniform(0.85, 1.15, size=(n, DAYS, 1))
    kw = kw * rng.gamma(30.0, 1 / 30.0, size=(n, DAYS, 24))
    if scale_from is not None:
        kw[:, scale_from:] *= scale
    return kw


HARVEST = range(START + 60, START + 67)  # a week dark: a grow cycles (core.photoperiod, cycling)


def with_lamps(kw: np.ndarray, lamp_kw: float, on_hour: int, hours: int) -> np.ndarray:
    """The same load with a timer-switched lamp block every day from START, but for a harvest week."""
    out = kw.copy()
    hour = (np.arange(24) - on_hour) % 24 < hours
    lit = (np.arange(DAYS) >= START) & ~np.isin(np.arange(DAYS), HARVEST)
    out += lamp_kw * (lit[:, None] & hour[None, :])[None]
    return out


def test_a_grow_beside_a_shops_hours_is_found_in_the_added_load_only():
    rng = np.random.default_rng(3)
    grow = with_lamps(shop(rng, 4), 10.0, on_hour=1, hours=18)
    k = np.full(4, START)
    direct = detect_photoperiod(grow, 1.0)
    added = added_lamp_blocks(grow, 0, k)
    assert np.all(direct.score < 0.1)  # every day's best block is the shop's
    assert np.all(added.score > 0.2) and np.all(added.score > 3 * direct.score)
    assert np.all(np.abs(added.lamp_kw - 10.0) < 2.0)
    assert np.all(np.abs(added.hours_on - 18) <= 1) and np.all(np.abs(added.on_hour - 1) <= 1)
    assert np.all(added.new_block) and np.all(np.abs(added.first_block_day - START) <= 3)


def test_a_shop_that_grew_has_no_lamp_block_in_its_added_load():
    rng = np.random.default_rng(4)
    grown = shop(rng, 4, scale_from=START, scale=1.7)  # the same hours, more customers: closed on Sundays still
    added = added_lamp_blocks(grown, 0, np.full(4, START))
    assert np.all(added.score < 0.05)


def test_the_residual_fit_replaces_only_weaker_direct_fits_of_meters_that_rose():
    rng = np.random.default_rng(5)
    grow = with_lamps(shop(rng, 3), 10.0, on_hour=1, hours=18)
    direct = detect_photoperiod(grow, 1.0)
    k = np.full(3, START)
    rose = np.array([50.0, A.ADDED_MIN_INCREASE / 2, 50.0])
    merged = with_added_blocks(direct, grow, 0, np.array([START, START, -1]), rose)
    added = added_lamp_blocks(grow, 0, k)
    assert merged.score[0] == added.score[0] and merged.lamp_kw[0] == added.lamp_kw[0]
    np.testing.assert_array_equal(merged.is_block[0], added.is_block[0])
    for r in (1, 2):  # too small a rise; no change day
        assert merged.score[r] == direct.score[r]
        np.testing.assert_array_equal(merged.is_block[r], direct.is_block[r])
    lamps_alone = with_lamps(np.full((1, DAYS, 24), 0.2), 3.0, on_hour=6, hours=12)  # the direct fit is the best
    best = detect_photoperiod(lamps_alone, 1.0)
    kept = with_added_blocks(best, lamps_alone, 0, np.array([START]), np.array([90.0]))
    assert kept.score[0] >= best.score[0] > 0.4


def test_the_residual_of_a_season_come_back_keeps_its_season(monkeypatch):
    """A pump at the end of last summer (days 0-29) and back from day 200: the direct fit took it for a season's
    appliance. A residual fit that misses the earlier run (its baseline weeks held part of the pump) but finds the
    same block more clearly keeps the direct fit's season and its discount; a block at another hour does not."""
    rng = np.random.default_rng(34)
    d = 300
    day, hour = np.arange(d)[:, None], np.arange(24)[None, :]
    pump = 2.0 * ((hour >= 9) & (hour < 21)) * ((day < 30) | (day >= 200))
    loads = 0.4 * rng.gamma(6, 1 / 6, (2, d, 24)) + pump
    direct = detect_photoperiod(loads, 1.0)
    assert direct.back_after_dark.all()
    raw = direct.score / SEASONAL_KEEP
    residual = dataclasses.replace(  # what the residual fit would find: the block, clearer, at 09:30 or at 15:00
        direct, score=1.5 * raw, on_hour=direct.on_hour + np.array([0.5, 6.0]), year_repeat=np.zeros(2),
        back_after_dark=np.zeros(2, bool), one_season=np.zeros(2, bool), earlier_block_days=np.zeros(2, np.int64),
        days=None,
        in_added_load=np.ones(2, bool))
    monkeypatch.setattr(A, "added_lamp_blocks", lambda *args: residual)
    merged = with_added_blocks(direct, loads, 0, np.array([200, 200]), np.array([90.0, 90.0]))
    assert merged.in_added_load.all()
    assert merged.score[0] == pytest.approx(1.5 * raw[0] * SEASONAL_KEEP) and merged.back_after_dark[0]
    assert merged.earlier_block_days[0] == direct.earlier_block_days[0]
    assert merged.score[1] == pytest.approx(1.5 * raw[1]) and not merged.back_after_dark[1]  # another block
