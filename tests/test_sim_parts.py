"""The simulator's parts, each against a slow, obviously-correct twin or a known fact."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from wattwatch.sim.blocks import block_fraction, clock_seconds
from wattwatch.sim.calendar import DAY_S, _easter, make_axis
from wattwatch.sim.cases import Case
from wattwatch.sim.feeders import feeder_energy
from wattwatch.sim.grow import grow_load, metered_grow
from wattwatch.sim.real import RealSeries, fill_missing, source_days
from wattwatch.sim.theft import metered_theft
from wattwatch.sim.variants import address_variant, name_variant, phone_variant, plain

TZ = "Europe/Tirane"


def slow_block_fraction(clock, step, start, length, level):
    """Per interval, per block: integrate coverage second by second (blocks on whole minutes: exact per minute)."""
    out = np.zeros(clock.shape)
    for r in range(clock.shape[0]):
        for t in range(clock.shape[1]):
            for k in range(start.shape[1]):
                b = k * DAY_S + start[r, k]
                e = b + length[r, k]
                minutes = np.arange(clock[r, t], clock[r, t] + step, 60)
                out[r, t] += ((minutes >= b) & (minutes < e)).sum() * 60 / step * level[r, k]
    return out


@pytest.mark.parametrize("seed", range(12))
def test_block_fraction_matches_slow_twin(seed):
    rng = np.random.default_rng(seed)
    days, step = int(rng.integers(1, 5)), int(rng.choice([900, 1800, 3600]))
    rows = 3
    clock = np.tile(np.arange(-step, days * DAY_S + step, step), (rows, 1))
    start = rng.integers(0, 24 * 60, (rows, days)) * 60.0
    length = rng.integers(0, 23 * 60, (rows, days)) * 60.0
    length[rng.random((rows, days)) < 0.2] = 0  # missed days
    if seed == 0:
        start[:], length[:] = 0, 0  # nothing at all
    if seed == 1:
        start[:], length[:] = 23 * 3600 + 59 * 60, 22 * 3600  # starts a minute before midnight, crosses it
    level = rng.uniform(0.2, 1.0, (rows, days))
    fast = block_fraction(clock, step, start, length, level)
    np.testing.assert_allclose(fast, slow_block_fraction(clock, step, start, length, level), atol=1e-6)


def test_axis_knows_dst_days_and_local_midnights():
    axis = make_axis("2025-03-28", 220, TZ)
    grid = axis.grid(15)
    per_day = np.bincount(grid.day, minlength=axis.days)
    spring = int(np.flatnonzero(axis.dates == np.datetime64("2025-03-30"))[0])
    autumn = int(np.flatnonzero(axis.dates == np.datetime64("2025-10-26"))[0])
    assert per_day[spring] == 92 and per_day[autumn] == 100
    assert set(np.delete(per_day, [spring, autumn])) == {96}
    tz = ZoneInfo(TZ)
    for d in (0, spring, spring + 1, autumn, autumn + 1, axis.days - 1):
        local = datetime.combine(date(2025, 3, 28) + timedelta(days=d), datetime.min.time(), tz)
        assert int(axis.day_start_utc(d)) == int(local.timestamp())
    for i in range(0, len(grid), 997):  # local hour of each interval agrees with zoneinfo
        t = datetime.fromtimestamp(int(grid.utc_s[i]) + 450, timezone.utc).astimezone(tz)
        assert grid.hour[i] == pytest.approx(t.hour + t.minute / 60 + t.second / 3600, abs=1e-4)


def test_holidays_include_both_easters_and_fixed_days():
    assert _easter(2024, False) == date(2024, 3, 31) and _easter(2024, True) == date(2024, 5, 5)
    assert _easter(2025, False) == _easter(2025, True) == date(2025, 4, 20)
    axis = make_axis("2025-01-01", 365, TZ)
    holidays = set(axis.dates[axis.holiday].astype(str))
    assert {"2025-01-01", "2025-03-14", "2025-04-20", "2025-11-28", "2025-12-25", "2025-03-30"} <= holidays


def _grow_case(axis, follows_dst: bool, on_hour: float, residual=None) -> Case:
    days = axis.days
    length = np.full(days, 12 * 3600.0)
    params = {"_follows_dst": follows_dst, "length_s": length, "start_s": np.full(days, on_hour * 3600),
              "level": np.ones(days), "fan": np.ones(days), "_aux_frac": 0.1, "_ac_kw": 0.0,
              "_residual": residual, "_bypass_from": 0}
    return Case("grow", 0, 0, days - 1, 5.0, 0.0 if residual is not None else 1.0, residual is None, params)


@pytest.mark.parametrize("follows_dst, summer_on", [(True, 20), (False, 21)])
def test_12_12_grow_lights_12_hours_a_day_at_the_timer_clock(follows_dst, summer_on):
    axis = make_axis("2025-03-25", 12, TZ)
    grid = axis.grid(60)
    lamps, aux = grow_load(np.random.default_rng(0), axis, grid, _grow_case(axis, follows_dst, 20.0))
    on = lamps > 2.5
    dst_day = np.datetime64("2025-03-30")
    for d in range(1, axis.days):
        day = grid.day == d
        lit = sorted(int(h - 0.5) for h in grid.hour[day][on[day]])
        # the 23-hour day loses one lit hour: its morning block spans the skipped 02:00
        assert len(lit) == (11 if axis.dates[d] == dst_day else 12), d
        evening = [h for h in lit if h >= 12]
        assert evening[0] == (20 if axis.dates[d] < dst_day else summer_on), d
        assert lit[0] == 0  # the night block carries on past midnight
    assert (aux > 0).all()


def test_whole_premises_bypass_meters_no_grow_yet_the_feeder_sees_it():
    axis = make_axis("2025-06-01", 10, TZ)
    grid = axis.grid(60)
    case = _grow_case(axis, True, 19.0, residual=0.1)
    lamps, aux = grow_load(np.random.default_rng(1), axis, grid, case)
    household = np.random.default_rng(2).uniform(0.2, 2.0, len(grid))
    metered = metered_grow(grid, case, household, lamps, aux)
    np.testing.assert_allclose(metered, household * 0.1)
    true = np.stack([household + lamps + aux, np.random.default_rng(3).uniform(0.1, 1, len(grid))])
    feeder = feeder_energy(np.random.default_rng(4), np.ones((1, 2)), true)[0]
    assert (feeder >= true.sum(axis=0)).all()
    assert (feeder - metered - true[1] >= lamps + aux).all()


@pytest.mark.parametrize("kind", ["bypass", "stuck_zero", "flat"])
def test_theft_meters_less_from_its_start_and_never_more_than_true(kind):
    axis = make_axis("2025-01-01", 40, TZ)
    grid = axis.grid(30)
    true = np.random.default_rng(5).gamma(2.0, 0.4, len(grid))
    case = Case("theft", 0, 20, 39, params={"kind": kind, "bypassed_share": 0.6, "_flat_factor": 0.5})
    metered = metered_theft(grid, case, true, true.copy())
    before, after = grid.day < 20, grid.day >= 20
    np.testing.assert_array_equal(metered[before], true[before])
    assert (metered <= true).all()
    expected = {"bypass": true[after] * 0.4, "stuck_zero": 0 * true[after],
                "flat": np.full(after.sum(), true[after].min() * 0.5)}[kind]
    np.testing.assert_allclose(metered[after], expected)


def test_clock_of_a_standard_time_timer_lags_local_time_by_an_hour_in_summer():
    axis = make_axis("2025-07-01", 2, TZ)
    grid = axis.grid(60)
    clocks = clock_seconds(grid, axis, np.array([True, False]))
    assert (clocks[0] - clocks[1] == 3600).all()


def test_real_series_keep_their_weekday_on_the_simulated_days():
    rng = np.random.default_rng(0)
    for n_days, first in ((365, "2019-01-01"), (800, "2012-02-10"), (400, "2013-05-14")):
        series = RealSeries("x", "x", 60, np.ones((n_days, 24), np.float32), np.datetime64(first), ("residential",),
                            int(rng.choice([0, 182])))
        axis = make_axis("2025-01-01", 400, TZ)
        src = source_days(series, axis, rng)
        assert src.min() >= 0 and src.max() < n_days
        src_weekday = (np.datetime64(first).astype(np.int64) + src + 3) % 7
        np.testing.assert_array_equal(src_weekday, axis.weekday)


def test_fill_missing_takes_last_week_then_yesterday():
    m = np.arange(20 * 2, dtype=np.float32).reshape(20, 2)
    m[10, 0] = np.nan
    m[3, 1] = np.nan
    m[0:8, 0] = np.where(np.arange(8) == 2, np.nan, m[0:8, 0])
    out = fill_missing(m)
    assert out[10, 0] == m[3, 0]
    assert out[3, 1] == m[2, 1]  # nothing a week before: the day before
    assert not np.isnan(out).any()


def test_spelling_variants_stay_recognisable():
    rng = np.random.default_rng(1)
    names = {name_variant(rng, "Xhevdet Çela") for _ in range(200)}
    assert len(names) > 10 and "Xhevdet Cela" in names
    assert any(n.startswith("X. ") or n.startswith("Xh. ") for n in names) or any("Cela X." in n for n in names)
    phones = {phone_variant(rng, "+355 69 123 4567") for _ in range(100)}
    assert len(phones) > 4
    assert all(re.sub(r"\D", "", p).removeprefix("00355").removeprefix("355").lstrip("0") == "691234567"
               for p in phones)
    addresses = {address_variant(rng, "Rruga e Durrësit, Nr. 12", "Tiranë") for _ in range(200)}
    assert any("Rr." in a for a in addresses) and any("TIRANE" in a.upper() for a in addresses)
    assert all("12" in a for a in addresses)
    assert plain("Korçë Ëngjëll") == "Korce Engjell"
