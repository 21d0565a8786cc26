"""The dashboard's parts on their own: one meter's series against the scan engine's full matrices, the feeder
balance against a naive sum, the map's hull and placement against naive versions, filter parsing, explanations."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from wattwatch.engine import duckdb as engine
from wattwatch.web.basemap import JITTER_DEG, city_centre, convex_hull, place
from wattwatch.web.filters import MAX_PER_PAGE, BadFilter, list_params
from wattwatch.web.lead_data import MeterSeries, StoreReader
from wattwatch.web.lead_view import change_point, split_explanation

from web_helpers import FEEDER, SETTINGS, build_city


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = build_city(tmp_path_factory.mktemp("city"))
    reader = StoreReader(folder / "wattwatch.duckdb", SETTINGS)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def matrices(city):
    con = city._con
    meters = engine.meter_table(con)
    readings = engine.interval_readings(con, SETTINGS)
    daily = engine.daily_matrix(con, SETTINGS, meters, readings)
    hourly = engine.profile_matrix(meters, readings, np.arange(len(meters.meter_ids)), daily.first_day, daily.n_days)
    return meters, daily, hourly


def test_one_meter_series_equals_its_row_in_the_scans_matrices(city, matrices):
    meters, daily, hourly = matrices
    assert (city.first_day, city.n_days) == (daily.first_day, daily.n_days)
    for row, meter in enumerate(meters.meter_ids):
        series = city.meter_series(meter)
        np.testing.assert_allclose(series.daily_kwh, daily.kwh[row], rtol=1e-12, equal_nan=True)
        assert series.is_billing == bool(meters.is_billing[row])
        if series.is_billing:
            assert series.hourly_kw is None
        else:
            np.testing.assert_allclose(series.hourly_kw, hourly.kw[row], rtol=1e-12, equal_nan=True)
    assert city.meter_series("NO-SUCH-METER") is None


def test_feeder_balance_matches_a_naive_daily_sum(city, matrices):
    meters, daily, _ = matrices
    balance = city.feeder_balance(FEEDER)
    feeders = engine.feeder_matrix(city._con, SETTINGS, daily.first_day, daily.n_days)
    np.testing.assert_allclose(balance.delivered_kwh, feeders.kwh[0], rtol=1e-12, equal_nan=True)
    members = {m for (m,) in city.rows("SELECT meter_id FROM premises WHERE feeder_id = ?", [FEEDER])}
    assert balance.n_members == len(members)
    rows = [i for i, m in enumerate(meters.meter_ids) if m in members]
    full = np.all(np.isfinite(daily.kwh[rows]), axis=0) & np.isfinite(balance.delivered_kwh)
    full &= np.all(daily.coverage[rows] == 1, axis=0)  # whole days: the scan's scaling changes nothing
    assert full.sum() > 200
    np.testing.assert_allclose(balance.metered_kwh[full], daily.kwh[rows][:, full].sum(axis=0), rtol=1e-9)
    assert city.feeder_balance("NO-FEEDER") is None


def test_purchases_are_read_in_time_order_with_their_link_probability(city):
    sales = city.sales({"SL2": 0.5, "SL1": 0.9, "NOT-A-SALE": 0.1})
    assert [(s.sale_id, s.probability, s.quantity) for s in sales] == [("SL1", 0.9, 6), ("SL2", 0.5, 6)]
    assert city.sales({}) == []


def naive_hull_vertices(points):
    """A point is a vertex unless it lies in a triangle of (or on a segment between) other distinct points."""
    pts = sorted(set(points))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def in_triangle(p, a, b, c):
        d = [cross(a, b, p), cross(b, c, p), cross(c, a, p)]
        return not (min(d) < 0 < max(d))

    vertices = set()
    for p in pts:
        others = [q for q in pts if q != p]
        covered = any(in_triangle(p, a, b, c) for a, b, c in itertools.combinations(others, 3)
                      if cross(a, b, c) != 0)
        covered = covered or any(cross(a, b, p) == 0 and min(a, b) <= p <= max(a, b)
                                 for a, b in itertools.combinations(others, 2))
        if not covered:
            vertices.add(p)
    return vertices


@pytest.mark.parametrize("seed", range(25))
def test_convex_hull_matches_the_naive_vertex_test(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 11))
    points = [tuple(map(float, p)) for p in rng.integers(0, 5, size=(n, 2))]  # a small grid: collinear, repeated
    hull = convex_hull(points)
    if len(set(points)) < 3:
        assert hull == sorted(set(points))
        return
    if len(hull) >= 3:
        assert set(hull) == naive_hull_vertices(points)
        twice_area = sum(hull[i - 1][0] * hull[i][1] - hull[i][0] * hull[i - 1][1] for i in range(len(hull)))
        assert twice_area > 0  # shoelace: positive = counter-clockwise
    else:  # all points on one line: the two ends
        assert set(hull) == {min(set(points)), max(set(points))}


def test_place_uses_the_register_else_a_stable_spot_near_the_city_centre():
    assert place("P1", "Durrës", 41.3, 19.8) == (41.3, 19.8, False)
    first = place("P2", "tiranë", None, None)
    assert first == place("P2", "Tiranë", None, 19.8) and first[2] is True
    centre = city_centre("Tiranë")
    assert np.hypot(first[0] - centre.lat, first[1] - centre.lon) <= JITTER_DEG + 1e-12
    assert place("P3", "Tiranë", None, None)[:2] != first[:2]
    assert place("P2", "Atlantis", None, None) is None


FACETS = {"cities": ["Tiranë", "Durrës"], "categories": ["residential"], "signals": ["grow_lights"],
          "statuses": ["new", "assigned"], "assignees": ["ana"]}
SORTS = ("rank", "score")


def test_list_params_accept_known_values_and_defaults():
    p = list_params({"city": "Durrës", "signal": "grow_lights", "sort": "score", "descending": "1", "page": "3",
                     "per_page": str(MAX_PER_PAGE)}, FACETS, SORTS, "rank")
    assert (p.filters, p.sort, p.descending, p.page, p.per_page) == (
        {"city": "Durrës", "signal": "grow_lights"}, "score", True, 3, MAX_PER_PAGE)
    d = list_params({"city": "", "status": ""}, FACETS, SORTS, "rank")
    assert (d.filters, d.sort, d.descending, d.page) == ({}, "rank", False, 1)


@pytest.mark.parametrize("query", [
    {"city": "Vlorë"}, {"category": "RESIDENTIAL"}, {"assignee": "ana' --"}, {"status": "closed"},
    {"sort": "password_hash"}, {"descending": "maybe"}, {"page": "0"}, {"page": "x"},
    {"per_page": str(MAX_PER_PAGE + 1)}, {"page": "1" * 12},
])
def test_list_params_refuse_anything_else_naming_what_is_allowed(query):
    with pytest.raises(BadFilter):
        list_params(query, FACETS, SORTS, "rank")


def test_a_night_fall_lead_marks_the_night_hours_fall_and_a_theft_lead_the_days():
    rng = np.random.default_rng(4)
    hourly = 0.4 * rng.gamma(8, 1 / 8, (200, 24))
    hourly[130:, list(range(22, 24)) + list(range(0, 6))] *= 0.2  # bypassed through the night hours from day 130
    series = MeterSeries("M1", date(2025, 1, 6), hourly.sum(axis=1), hourly, False)
    night = change_point(series, ["night_drop", "sustained_drop"], 42)
    assert night["kind"] == "night-time fall" and abs(night["day_index"] - 130) <= 2
    assert night["night_kw_before"] == pytest.approx(0.4, rel=0.1) and night["night_kw_after"] < 0.1
    day = change_point(series, ["sustained_drop", "night_drop"], 42)
    assert day["kind"] == "fall" and day["level_after_kwh_day"] < day["level_before_kwh_day"]
    monthly = MeterSeries("M2", date(2025, 1, 6), hourly.sum(axis=1), None, True)
    assert change_point(monthly, ["night_drop"], 42)["kind"] == "fall"  # no hours: the daily series' fall


def test_a_switched_fall_lead_marks_where_the_switching_began():
    rng = np.random.default_rng(5)
    hourly = 0.4 * rng.gamma(8, 1 / 8, (240, 24))
    days = np.arange(240)
    hourly[(days >= 120) & ((days - 120) // 7 % 2 == 0)] *= 0.3  # bypassed every other week from day 120
    series = MeterSeries("M1", date(2025, 1, 6), hourly.sum(axis=1), hourly, False)
    switched = change_point(series, ["switched_drop", "sustained_drop"], 42)
    assert switched["kind"] == "switched fall" and abs(switched["day_index"] - 120) <= 10
    assert switched["low_spells"] >= 3 and switched["lost_kw"] == pytest.approx(0.4 * 0.7 / 2, rel=0.3)


def test_explanation_splits_into_evidence_and_lookalikes():
    text = ("Daily use rose from 9.5 to 39.1 kWh/day from 2025-02-01. Monthly reads: weaker evidence (levels only). "
            "Could also be: EV charging (sessions on 80% of days). Considered and ruled out: crypto mining (n/a).")
    evidence, lookalikes = split_explanation(text)
    assert evidence == ["Daily use rose from 9.5 to 39.1 kWh/day from 2025-02-01.",
                        "Monthly reads: weaker evidence (levels only)."]
    assert lookalikes == ["Could also be: EV charging (sessions on 80% of days).",
                          "Considered and ruled out: crypto mining (n/a)."]
    assert split_explanation("") == ([], [])


def test_the_by_meter_copy_follows_the_readings(tmp_path):
    folder = build_city(tmp_path / "city")
    count = "SELECT count(*) FROM web_meter_readings"
    reader = StoreReader(folder / "wattwatch.duckdb", SETTINGS)
    try:
        n = reader.rows(count, [])[0][0]
        assert n == reader.rows("SELECT count(*) FROM readings", [])[0][0]
        before = reader.meter_series("M000").daily_kwh
        reader._con.execute("DELETE FROM readings WHERE meter_id = 'M000' AND ts < '2024-10-01'")
    finally:
        reader.close()
    reader = StoreReader(folder / "wattwatch.duckdb", SETTINGS)  # the next start sees the change and rebuilds
    try:
        assert reader.rows(count, [])[0][0] < n
        after = reader.meter_series("M000").daily_kwh
        assert np.isnan(after[:29]).all() and np.isfinite(before[:29]).all()
    finally:
        reader.close()
