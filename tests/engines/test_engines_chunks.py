"""map_chunks on nasty raw readings: every engine lets the same rows through, rejects the rest with their reason,
and the toy kernel's outputs equal its slow per-meter twin at every chunk size."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wattwatch.settings import Settings
from wattwatch.store import connect

from engines.engine_data import ENGINES, OnDisk, make_engine, register_store, write_readings
from engines.engine_toy import HOURS_KEY, OUTPUT_KEYS, TZ, nasty_readings, toy_kernel, toy_reference

NASTY = nasty_readings()


@pytest.fixture(scope="module")
def nasty_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    sorted_readings, parts = write_readings(NASTY.readings, folder)
    store = register_store(folder / "register.duckdb", NASTY.register)
    return OnDisk(store, sorted_readings, parts)


@pytest.fixture(scope="module")
def naive_data(tmp_path_factory, nasty_data):
    """The nasty readings with time stamps without a zone (UTC wall clock), as some exports write them."""
    folder = tmp_path_factory.mktemp("naive")
    naive = NASTY.readings.set_column(1, "ts", NASTY.readings["ts"].cast(pa.timestamp("us")))
    sorted_readings, parts = write_readings(naive, folder)
    return OnDisk(nasty_data.store, sorted_readings, parts)


@pytest.fixture(scope="module", params=ENGINES)
def nasty(request, nasty_data, tmp_path_factory):
    con = connect(nasty_data.store, read_only=True)
    rejected = tmp_path_factory.mktemp("rejected")
    yield make_engine(request.param, request, con, Settings(timezone=TZ), nasty_data, rejected)
    con.close()


def test_meter_table_is_the_register_in_byte_order(nasty):
    ids = nasty.meter_table().meter_ids.tolist()
    assert ids == sorted(NASTY.register, key=lambda m: m.encode("utf-8"))
    assert ids.index("M10") < ids.index("M2") < ids.index("a0") < ids.index("Ä1")


@pytest.mark.parametrize("meters_per_chunk", [1, 3, 1000])
def test_toy_kernel_matches_its_per_meter_twin_and_rows_are_accounted(nasty, meters_per_chunk):
    seen = []
    got = nasty.map_chunks(toy_kernel, meters_per_chunk, progress=seen.append)
    ids = nasty.meter_table().meter_ids.tolist()
    want = toy_reference(NASTY.accepted, ids)
    assert set(got) == {"rows", HOURS_KEY, *OUTPUT_KEYS}
    np.testing.assert_array_equal(got["rows"], want["rows"])
    for key in (HOURS_KEY, *OUTPUT_KEYS):
        assert got[key].shape == want[key].shape, key
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, err_msg=key)
    assert sum(seen) == len(ids) and min(seen) > 0  # every meter once, never backwards
    if nasty.name != "spark":  # Spark's bar follows the share of its tasks done (engine.spark_progress)
        assert max(seen) <= meters_per_chunk
    stats = nasty.stats
    assert dict(stats.rejected) == Counter(reason for _, reason in NASTY.rejected)
    assert stats.accepted == len(NASTY.accepted) and stats.rows_in == NASTY.readings.num_rows
    rejected = pq.read_table(nasty.rejected_dir)
    assert Counter(zip(rejected["meter_id"].to_pylist(), rejected["reason"].to_pylist())) == Counter(NASTY.rejected)


@pytest.mark.parametrize("name", ENGINES)
def test_time_stamps_without_a_zone_read_as_utc(request, naive_data, name):
    con = connect(naive_data.store, read_only=True)
    try:
        engine = make_engine(name, request, con, Settings(timezone=TZ), naive_data)
        got = engine.map_chunks(toy_kernel, 1000)
        want = toy_reference(NASTY.accepted, engine.meter_table().meter_ids.tolist())
    finally:
        con.close()
    for key in ("last_utc", "per_local_hour"):
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)


def test_readings_of_a_few_meters_are_checked_and_sorted(nasty):
    ids = nasty.meter_table().meter_ids.tolist()
    chunk = nasty.readings(np.array([ids.index("M2"), ids.index("M10"), ids.index("M5")]))
    np.testing.assert_array_equal(chunk.rows, sorted([ids.index("M10"), ids.index("M2"), ids.index("M5")]))
    assert np.all(np.diff(chunk.meter_row) >= 0)
    same = chunk.meter_row[1:] == chunk.meter_row[:-1]
    assert np.all(np.diff(chunk.utc_seconds)[same] > 0)
    assert chunk.kwh.size == 300 + 120 and np.all(chunk.kwh >= 0) and chunk.zero_as_missing.sum() == 12


@pytest.mark.slow
def test_spark_refuses_a_kernel_output_that_is_not_per_meter(request, nasty_data):
    """Spark ships each output by its shape, so it checks the contract (first axis = the chunk's meters)."""
    def bad(chunk):
        return {"total": np.zeros(chunk.rows.size + 1)}

    con = connect(nasty_data.store, read_only=True)
    try:
        with pytest.raises(Exception, match="first axis must be"):
            make_engine("spark", request, con, Settings(timezone=TZ), nasty_data).map_chunks(bad, 1000)
    finally:
        con.close()
