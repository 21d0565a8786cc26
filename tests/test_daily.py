"""Daily kWh per local day: core helpers and the DuckDB engine against a plain-Python aggregation with zoneinfo."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from wattwatch.core.daily import local_day_hours, scale_to_full_days, spread_periods
from wattwatch.engine.duckdb import daily_matrix, feeder_matrix, interval_readings, meter_table, profile_matrix
from wattwatch.settings import Settings
from wattwatch.store import connect

from helpers_store import insert_meters, insert_readings

TZ = "Europe/Tirane"
UTC = timezone.utc


# ---------------------------------------------------------------- core helpers
def test_local_day_hours_has_23_and_25_hour_dst_days():
    hours = local_day_hours(date(2025, 3, 29), 3, TZ)
    assert hours.tolist() == [24.0, 23.0, 24.0]
    assert local_day_hours(date(2025, 10, 26), 1, TZ).tolist() == [25.0]
    assert local_day_hours(date(2025, 3, 30), 1, "UTC").tolist() == [24.0]


def test_scale_to_full_days_drops_thin_days_and_scales_the_rest():
    kwh, coverage = scale_to_full_days(
        np.array([[24.0, 18.0, 5.0, 0.0]]), np.array([[24, 18, 5, 0]]), np.array([[24, 24, 24, 0]]), 0.7
    )
    np.testing.assert_allclose(coverage, [[1.0, 0.75, 5 / 24, 0.0]])
    np.testing.assert_allclose(kwh, [[24.0, 24.0, np.nan, np.nan]])


def naive_spread(rows, starts, ends, kwh, shape):
    daily = [[0.0] * shape[1] for _ in range(shape[0])]
    covered = [[False] * shape[1] for _ in range(shape[0])]
    for r, a, b, e in zip(rows, starts, ends, kwh):
        length = max(b - a, 1)
        for day in range(a, a + length):
            if 0 <= day < shape[1]:
                daily[r][day] += e / length
                covered[r][day] = True
    return np.where(covered, daily, np.nan), np.array(covered, dtype=float)


@pytest.mark.parametrize("seed", range(10))
def test_spread_periods_matches_a_day_by_day_loop(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 30))
    shape = (4, 90)
    rows = rng.integers(0, 4, n)
    starts = rng.integers(-40, 100, n)
    ends = starts + rng.integers(0, 45, n)  # zero-length periods count as one day
    kwh = rng.uniform(0, 500, n)
    got = spread_periods(rows, starts, ends, kwh, shape)
    want = naive_spread(rows.tolist(), starts.tolist(), ends.tolist(), kwh.tolist(), shape)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(got[1], want[1])


# ---------------------------------------------------------------- engine vs naive aggregation
def make_store(rng: np.random.Generator):
    """Meters at 15/30/60 min across both DST changes, with gaps and zero runs judged missing, plus billing reads."""
    con = connect(":memory:")
    readings, meters = [], []
    spans = {
        "m15": (15, datetime(2025, 3, 27, 23, tzinfo=UTC), 5),  # 29 March .. 1 April local: 23-hour day
        "m30": (30, datetime(2025, 10, 23, 22, tzinfo=UTC), 6),  # 24 .. 29 October local: 25-hour day
        "m60": (60, datetime(2025, 3, 20, 23, tzinfo=UTC), 240),  # both DST days
        "m60b": (60, datetime(2025, 3, 28, 7, tzinfo=UTC), 3),  # starts mid-day: a partial first day
    }
    for meter, (minutes, start, days) in spans.items():
        n = days * 24 * 60 // minutes
        ts = [start + timedelta(minutes=minutes * i) for i in range(n)]
        keep = rng.random(n) > rng.choice([0.02, 0.15, 0.4])  # gaps
        missing = np.zeros(n, dtype=bool)
        a = int(rng.integers(0, n - 20))
        missing[a : a + int(rng.integers(4, 100))] = True  # a zero run judged to be missing data
        for t, k, z in zip(ts, keep, missing):
            if k:
                readings.append((meter, t, 0.0 if z else float(rng.uniform(0, 2) * minutes / 60), bool(z)))
        meters.append((meter, f"{minutes}min", minutes, ts[0], ts[-1]))
    local = ZoneInfo(TZ)
    bill_days = [date(2025, 1, 1), date(2025, 2, 3), date(2025, 3, 1), date(2025, 3, 31), date(2025, 5, 2)]
    for i, d in enumerate(bill_days):
        t = datetime(d.year, d.month, d.day, 9, tzinfo=local).astimezone(UTC)
        readings.append(("bill", t, float(rng.uniform(100, 400)), i == 2))
    meters.append(("bill", "billing", None, bill_days[0], bill_days[-1]))
    insert_readings(con, readings)
    insert_meters(con, meters)
    return con, readings, meters


def naive_daily(readings, meters, min_coverage):
    zone = ZoneInfo(TZ)
    local_day = lambda t: t.astimezone(zone).date()  # noqa: E731
    first = min(local_day(r[1]) for r in readings)
    last = max(local_day(r[1]) for r in readings)
    n_days = (last - first).days + 1
    ids = sorted(m[0] for m in meters)
    resolution = {m[0]: m[1] for m in meters}
    minutes = {m[0]: m[2] for m in meters}

    def hours(d):
        a = datetime(d.year, d.month, d.day, tzinfo=zone)
        b = datetime.combine(d + timedelta(days=1), datetime.min.time(), zone)
        return (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 3600

    kwh = np.full((len(ids), n_days), np.nan)
    for row, meter in enumerate(ids):
        mine = sorted((r for r in readings if r[0] == meter), key=lambda r: r[1])
        if resolution[meter] == "billing":
            days = [local_day(r[1]) for r in mine]
            lengths = [(b - a).days for a, b in zip(days, days[1:])]
            for i, r in enumerate(mine):
                end = days[i + 1] if i + 1 < len(mine) else days[i] + timedelta(days=math.floor(statistics.median(lengths) + 0.5))
                span = max((end - days[i]).days, 1)
                for j in range(span):
                    col = (days[i] - first).days + j
                    if not r[3] and 0 <= col < n_days:
                        kwh[row, col] = (0 if np.isnan(kwh[row, col]) else kwh[row, col]) + r[2] / span
            continue
        sums, counts = defaultdict(float), defaultdict(int)
        for r in mine:
            if not r[3]:
                sums[local_day(r[1])] += r[2]
                counts[local_day(r[1])] += 1
        for d, c in counts.items():
            coverage = c / (hours(d) * 60 / minutes[meter])
            if coverage >= min_coverage:
                kwh[row, (d - first).days] = sums[d] / min(coverage, 1.0)
    return ids, first, kwh


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("min_coverage", [0.5, 0.8])
def test_daily_matrix_matches_naive_aggregation(seed, min_coverage):
    con, readings, meters = make_store(np.random.default_rng(seed))
    got = daily_matrix(con, Settings(timezone=TZ, min_coverage=min_coverage))
    ids, first, want = naive_daily(readings, meters, min_coverage)
    assert got.meter_ids.tolist() == ids
    assert got.first_day == first
    np.testing.assert_allclose(got.kwh, want, rtol=1e-9, atol=1e-9)
    assert got.is_billing.tolist() == [m == "bill" for m in ids]
    assert np.all((got.coverage >= 0) & (got.coverage <= 1))
    # zero_days: unobserved interval-meter days on which zero runs judged missing fill at least half the day
    zone = ZoneInfo(TZ)
    flagged = defaultdict(int)
    for meter, ts, _, missing in readings:
        if missing and meter != "bill":
            flagged[(ids.index(meter), (ts.astimezone(zone).date() - first).days)] += 1
    minutes = {m[0]: m[2] for m in meters}
    hours = local_day_hours(first, got.n_days, TZ)
    want_zero = np.zeros_like(got.zero_days)
    for (row, day), n in flagged.items():
        want_zero[row, day] = np.isnan(want[row, day]) and n >= 0.5 * hours[day] * 60 / minutes[ids[row]]
    assert got.zero_days.tolist() == want_zero.tolist()


def test_full_dst_days_are_complete_not_short_or_long():
    con = connect(":memory:")
    start = datetime(2025, 3, 29, 23, tzinfo=UTC)  # local midnight 30 March (23 h)
    rows = [("m", start + timedelta(minutes=15 * i), 0.25, False) for i in range(4 * (23 + 24))]
    start = datetime(2025, 10, 25, 22, tzinfo=UTC)  # local midnight 26 October (25 h)
    rows += [("m", start + timedelta(minutes=15 * i), 0.25, False) for i in range(4 * 25)]
    insert_readings(con, rows)
    insert_meters(con, [("m", "15min", 15, rows[0][1], rows[-1][1])])
    m = daily_matrix(con, Settings(timezone=TZ))
    assert m.first_day == date(2025, 3, 30)
    assert m.kwh[0, 0] == pytest.approx(23.0) and m.coverage[0, 0] == 1.0
    assert m.kwh[0, 1] == pytest.approx(24.0)
    assert m.kwh[0, (date(2025, 10, 26) - m.first_day).days] == pytest.approx(25.0)


def test_empty_store_gives_an_empty_matrix():
    m = daily_matrix(connect(":memory:"), Settings())
    assert m.kwh.shape == (0, 0) and m.n_days == 0


@pytest.mark.parametrize("slot_minutes", [60, 30, 15])
def test_profile_matrix_averages_kw_by_local_slot(slot_minutes):
    con, readings, meters = make_store(np.random.default_rng(9))
    settings = Settings(timezone=TZ)
    table = meter_table(con)
    flat = interval_readings(con, settings)
    daily = daily_matrix(con, settings, table, flat)
    rows = [list(table.meter_ids).index(m) for m in ("m30", "bill", "m15")]
    profile = profile_matrix(table, flat, rows, daily.first_day, daily.n_days, slot_minutes)
    assert profile.kw.shape == (3, daily.n_days, 24 * 60 // slot_minutes)
    assert list(profile.meter_ids) == ["m30", "bill", "m15"]
    assert np.all(np.isnan(profile.kw[1]))  # billing: no time of day
    zone = ZoneInfo(TZ)
    cells = defaultdict(list)
    for meter, ts, kwh, missing in readings:
        if meter == "m15" and not missing:
            t = ts.astimezone(zone)
            slot = (t.hour * 60 + t.minute) // slot_minutes
            cells[((t.date() - daily.first_day).days, slot)].append(kwh * 4)
    want = np.full((daily.n_days, 24 * 60 // slot_minutes), np.nan)
    for (day, slot), values in cells.items():
        want[day, slot] = sum(values) / len(values)
    np.testing.assert_allclose(profile.kw[2], want, rtol=1e-9)


def test_feeder_matrix_matches_naive_local_aggregation():
    """Feeders at 15 and 60 min across the spring DST day, one with a gap day, one with a single reading (left out)."""
    con = connect(":memory:")
    zone = ZoneInfo(TZ)
    start = datetime(2025, 3, 28, tzinfo=zone).astimezone(timezone.utc)
    rng = np.random.default_rng(4)
    rows = []
    for feeder, minutes in (("F15", 15), ("F60", 60)):
        for i in range(6 * 24 * 60 // minutes):
            ts = start + timedelta(minutes=minutes * i)
            if feeder == "F60" and ts.astimezone(zone).date() == date(2025, 3, 31):
                continue  # a missing day
            rows.append((feeder, ts, float(rng.gamma(3.0, 10.0))))
    rows.append(("F1", start, 5.0))
    con.executemany("INSERT INTO feeders VALUES (?, ?, ?, 1)", rows)
    settings = Settings(timezone=TZ)
    m = feeder_matrix(con, settings, date(2025, 3, 28), 6)
    assert list(m.feeder_ids) == ["F15", "F60"]
    hours = local_day_hours(date(2025, 3, 28), 6, TZ)
    for f, (feeder, minutes) in enumerate((("F15", 15), ("F60", 60))):
        per_day, per_hour = defaultdict(list), defaultdict(list)
        for fid, ts, kwh in rows:
            if fid == feeder:
                t = ts.astimezone(zone)
                per_day[(t.date() - date(2025, 3, 28)).days].append(kwh)
                per_hour[((t.date() - date(2025, 3, 28)).days, t.hour)].append(kwh * 60 / minutes)
        for day in range(6):
            values = per_day.get(day, [])
            coverage = min(len(values) / (hours[day] * 60 / minutes), 1.0)
            want = sum(values) / coverage if coverage >= settings.min_coverage else math.nan
            assert m.kwh[f, day] == pytest.approx(want, nan_ok=True)
            for hour in range(24):
                got = m.kw[f, day, hour]
                values = per_hour.get((day, hour))
                assert (math.isnan(got) and not values) or got == pytest.approx(sum(values) / len(values))
