"""The Parquet fast path's reading on its own: every row counted once however the file is cut into row groups and
chunks, sorted or not, with a toy kernel that just counts each meter's readings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wattwatch.engine import parquet
from wattwatch.engine.parquet import ParquetEngine
from wattwatch.settings import Settings

START = datetime(2025, 3, 1, tzinfo=timezone.utc)


def count_kernel(chunk):
    """Readings and kWh per meter of the chunk."""
    position = chunk.position
    k = len(chunk.rows)
    return {"n": np.bincount(position, minlength=k), "kwh": np.bincount(position, chunk.kwh, minlength=k)}


def write_readings(path, rows, row_group_size):
    table = pa.Table.from_pylist(
        [{"meter_id": m, "ts": None if h is None else START + timedelta(hours=h), "kwh": v} for m, h, v in rows],
        schema=pa.schema([("meter_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("kwh", pa.float64())]),
    )
    pq.write_table(table, path, row_group_size=row_group_size)


def readings(rng):
    """M1-M3 hourly (the register), then rows of unknown meters that sort after them, and a few bad rows."""
    rows = [(m, h, float(rng.uniform(0.1, 2.0))) for m in ("M1", "M2", "M3") for h in range(60)]
    rows += [("M2", 5, -1.0), ("M3", 7, None)]  # negative, missing kWh
    rows += [("ZZ9", h, 1.0) for h in range(25)]  # not in the register, in row groups of their own
    rows += [(None, 3, 1.0)]  # no meter id at all
    return rows


@pytest.mark.parametrize("row_group_size", [7, 25, 10_000])
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("meters_per_chunk", [1, 2, 3])
@pytest.mark.parametrize("initial_rows", [2, parquet.INITIAL_ROWS])  # 2: the chunk's arrays grow batch by batch
def test_every_row_is_counted_once_and_every_reading_reaches_its_meter(registered, tmp_path, row_group_size,
                                                                        shuffled, meters_per_chunk, initial_rows,
                                                                        monkeypatch):
    monkeypatch.setattr(parquet, "INITIAL_ROWS", initial_rows)
    rng = np.random.default_rng(row_group_size)
    rows = readings(rng)
    if shuffled:
        rows = [rows[i] for i in rng.permutation(len(rows))]
    write_readings(tmp_path / "r.parquet", rows, row_group_size)
    engine = ParquetEngine(registered, Settings(), [tmp_path / "r.parquet"], tmp_path / "rejected", workers=1)
    got = engine.map_chunks(count_kernel, meters_per_chunk)
    assert got["rows"].tolist() == [0, 1, 2]
    good = [r for r in rows if r[0] in ("M1", "M2", "M3") and r[2] is not None and r[2] >= 0]
    for i, meter in enumerate(("M1", "M2", "M3")):
        mine = [v for m, _, v in good if m == meter]
        assert got["n"][i] == len(mine)
        assert got["kwh"][i] == pytest.approx(sum(mine))
    stats = engine.stats
    assert stats.rows_in == len(rows) == stats.accepted + sum(stats.rejected.values())
    assert dict(stats.rejected) == {"unknown_meter": 25, "missing_value": 2, "negative_kwh": 1}
    rejected = pq.read_table(tmp_path / "rejected").to_pylist()
    assert len(rejected) == 28 and {r["reason"] for r in rejected} == set(stats.rejected)


def test_a_file_without_the_needed_columns_is_an_input_error(registered, tmp_path):
    pq.write_table(pa.table({"meter": ["M1"], "kwh": [1.0]}), tmp_path / "bad.parquet")
    with pytest.raises(Exception, match="meter_id, ts, kwh"):
        ParquetEngine(registered, Settings(), [tmp_path / "bad.parquet"])
