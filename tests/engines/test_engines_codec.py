"""What a Spark task does to a chunk, without Spark: check and sort its raw rows, ship the kernel's arrays as bytes,
and rebuild them on the driver whatever order the rows come back in."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from wattwatch.core.reading_checks import CONFLICT, MISSING, NEGATIVE, SAME_AGAIN
from wattwatch.engine.spark_chunks import (
    OUTPUT_SCHEMA,
    REJECTED_SCHEMA,
    UNKNOWN_METERS_CHUNK,
    ChunkCollector,
    checked_chunk,
    encode_outputs,
)
from wattwatch.settings import Settings

NO_REJECTS = REJECTED_SCHEMA.empty_table()


def raw(rows: list[tuple]) -> pa.Table:
    """(meter_row, utc_seconds, kwh or None, zero_as_missing) rows as a task receives them."""
    meter_row, t, kwh, flag = zip(*rows)
    return pa.table({
        "meter_row": pa.array(meter_row, pa.int64()),
        "utc_seconds": pa.array(t, pa.int64()),
        "has_time": pa.array([True] * len(rows)),
        "kwh": pa.array([np.nan if v is None else v for v in kwh], pa.float64()),
        "has_kwh": pa.array([v is not None for v in kwh]),
        "zero_as_missing": pa.array(flag),
        "meter_id": pa.array([None] * len(rows), pa.string()),
    })


def test_a_chunk_is_checked_sorted_and_keeps_the_smaller_of_two_conflicting_readings():
    table = raw([
        (7, 7200, 1.0, True), (5, 3600, 2.0, False), (7, 3600, 0.5, False), (5, 0, 1.5, False),
        (5, 3600, 2.0, False),  # the same reading again
        (7, 7200, 0.8, True),  # the same instant, another kWh: the smaller one stays
        (5, 10800, -1.0, False), (7, 0, None, False),  # negative, no kWh
        (-2, 0, 0.0, False),  # a chunk's marker row: not this chunk's meter
    ])
    checked = checked_chunk(table, np.array([5, 6, 7]), Settings())
    chunk = checked.chunk
    np.testing.assert_array_equal(chunk.rows, [5, 6, 7])
    np.testing.assert_array_equal(chunk.meter_row, [5, 5, 7, 7])
    np.testing.assert_array_equal(chunk.utc_seconds, [0, 3600, 3600, 7200])
    np.testing.assert_array_equal(chunk.kwh, [1.5, 2.0, 0.5, 0.8])
    np.testing.assert_array_equal(chunk.zero_as_missing, [False, False, False, True])
    assert sorted(checked.rejected["fault"].to_pylist()) == sorted([SAME_AGAIN, CONFLICT, NEGATIVE, MISSING])


def test_outputs_come_back_whole_in_any_order_and_progress_counts_meters():
    first = {"kwh": np.arange(6.0).reshape(2, 3), "flag": np.array([True, False]), "sum:per_feeder": np.ones(4)}
    second = {"kwh": np.full((1, 3), 9.0), "flag": np.array([True]), "sum:per_feeder": np.full(4, 2.0)}
    unknown_rows = pa.table({"meter_row": [-1], "meter_id": ["X"], "utc_seconds": [0], "has_time": [True],
                             "kwh": [1.0], "has_kwh": [True], "fault": pa.array([2], pa.int8())},
                            schema=REJECTED_SCHEMA)
    encoded = pa.concat_tables([
        encode_outputs(0, np.array([3, 4]), first, 10, NO_REJECTS),
        encode_outputs(1, np.array([8]), second, 5, NO_REJECTS),
        encode_outputs(UNKNOWN_METERS_CHUNK, np.zeros(0, np.int64), {}, 0, unknown_rows),
    ])
    assert encoded.column_names == [column.split()[0] for column in OUTPUT_SCHEMA.split(", ")]
    rows = encoded.to_pylist()
    seen = []
    collector = ChunkCollector(seen.append)
    for row in reversed(rows):
        collector.add(row["chunk"], row["n_arrays"], row["key"], row["dtype"], row["shape"], row["data"])
    parts = sorted(collector.finish(), key=lambda part: part[0][0])
    assert sorted(seen) == [1, 2] and collector.accepted == 15
    assert sum(t.num_rows for t in collector.rejected) == 1
    np.testing.assert_array_equal(parts[0][0], [3, 4])
    for (_, got), want in zip(parts, (first, second)):
        assert set(got) == set(want)
        for key in want:
            assert got[key].dtype == want[key].dtype
            np.testing.assert_array_equal(got[key], want[key])


def test_a_chunk_that_never_completes_is_an_error():
    row = encode_outputs(0, np.array([1]), {"n": np.array([3])}, 1, NO_REJECTS).to_pylist()[0]
    collector = ChunkCollector()
    collector.add(row["chunk"], row["n_arrays"], row["key"], row["dtype"], row["shape"], row["data"])
    with pytest.raises(RuntimeError, match="incomplete outputs for chunks \\[0\\]"):
        collector.finish()


@pytest.mark.parametrize("outputs, message", [
    ({"n": np.zeros(3)}, "first axis must be 2"),
    ({"n": np.float64(1.0)}, "first axis must be 2"),
    ({"ids": np.array(["a", "b"], dtype=object)}, "Python objects"),
    ({"rows": np.zeros(2)}, "must not return the key 'rows'"),
])
def test_kernel_outputs_that_cannot_travel_are_refused(outputs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        encode_outputs(0, np.array([1, 2]), outputs, 0, NO_REJECTS)
