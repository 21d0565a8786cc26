"""Every engine on the same small city, each checked against plain Python over the city's own tables."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from engines.engine_toy import HOURS_KEY, OUTPUT_KEYS, toy_kernel, toy_reference


@pytest.fixture(scope="module")
def readings(city):
    return pq.read_table(city.sorted_readings)


@pytest.fixture(scope="module")
def register(city_con):
    return {p["meter_id"]: p for p in city_con.execute("SELECT * FROM premises").to_arrow_table().to_pylist()}


@pytest.fixture(scope="module")
def toy_want(readings, register, city_settings):
    """The toy kernel's outputs over the readings the fast path's checks let through: the store's own readings but
    monthly reads above max_kw kWh, which the checks take for an hour's (absurd_kwh)."""
    rows = zip(readings["meter_id"].to_pylist(), pc.divide(readings["ts"].cast("int64"), 1_000_000).to_pylist(),
               readings["kwh"].to_pylist(), readings["zero_as_missing"].to_pylist())
    kept = [r for r in rows if r[2] <= city_settings.max_kw]
    return toy_reference(kept, sorted(register, key=lambda m: m.encode("utf-8")))


def test_meter_table_is_the_register_in_byte_order(engine, register):
    got = engine.meter_table()
    assert got.meter_ids.tolist() == sorted(register, key=lambda m: m.encode("utf-8"))


def test_premises_index_follows_the_register(engine, register):
    got = engine.premises_index()
    assert got.meter_ids.tolist() == sorted(register)
    for i, meter in enumerate(got.meter_ids):
        p = register[meter]
        assert (got.premise_ids[i], got.categories[i], got.feeder_ids[i]) == (
            p["premise_id"], p["category"], p["feeder_id"] or "")
        assert got.floor_area_m2[i] == p["floor_area_m2"] or (
            math.isnan(got.floor_area_m2[i]) and p["floor_area_m2"] is None)


def test_day_range_spans_the_first_to_the_last_local_day(engine, readings, city_settings):
    zone = ZoneInfo(city_settings.timezone)
    first = pc.min(readings["ts"]).as_py().astimezone(zone).date()
    last = pc.max(readings["ts"]).as_py().astimezone(zone).date()
    assert engine.day_range(city_settings.timezone) == (first, (last - first).days + 1)


@pytest.mark.parametrize("meters_per_chunk", [7, 10_000])
def test_toy_kernel_over_the_city_matches_its_per_meter_twin(engine, toy_want, meters_per_chunk):
    got = engine.map_chunks(toy_kernel, meters_per_chunk)
    np.testing.assert_array_equal(got["rows"], toy_want["rows"])
    for key in (HOURS_KEY, *OUTPUT_KEYS):
        np.testing.assert_allclose(got[key], toy_want[key], rtol=1e-12, err_msg=key)
