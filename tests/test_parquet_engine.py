"""The Parquet fast path's reading on its own: every row counted once however the file is cut into row groups and
chunks, sorted or not, with a toy kernel that just counts each meter's readings."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from wattwatch.engine import parquet, workers
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


def nasty_batch(rng, n, unit, dictionary, kwh_type, flags):
    """A record batch as a Parquet file may hold one: null and unknown ids, null and pre-1970 times that are not
    whole seconds, null, NaN, infinite, negative and absurd kWh, and a zero_as_missing column with nulls."""
    ids = pa.array(rng.choice(["M1", "M2", "M3", "ZZ9", None], n).tolist(), pa.string())
    if dictionary:
        ids = ids.dictionary_encode()
    ticks = rng.integers(-3 * 10**9, 3 * 10**9, n) // (10 ** (9 - {"s": 0, "ms": 3, "us": 6, "ns": 9}[unit]))
    ts = pa.array(ticks, mask=rng.random(n) < 0.1).cast(pa.timestamp(unit, tz="UTC"))
    values = rng.choice([0.0, 0.5, 2.0, np.nan, np.inf, -np.inf, -1.0, 1e9], n)
    if pa.types.is_integer(kwh_type):  # whole kWh, as some loggers write them
        values = rng.integers(-2, 20, n)
    kwh = pa.array(values, mask=rng.random(n) < 0.1).cast(kwh_type)
    columns = {"meter_id": ids, "ts": ts, "kwh": kwh}
    if flags:
        columns["zero_as_missing"] = pa.array(rng.random(n) < 0.3, mask=rng.random(n) < 0.2)
    batch = pa.RecordBatch.from_pydict(columns)
    start = int(rng.integers(0, max(n // 3, 1)))
    return batch.slice(start, n - 2 * start)  # Arrow offsets into the buffers


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_the_one_pass_check_keeps_and_rejects_what_decode_and_masks_do(unit):
    rng = np.random.default_rng(len(unit))
    row_of = {"M1": 0, "M2": 1, "M3": 2}
    for _ in range(40):
        batch = nasty_batch(rng, int(rng.integers(0, 200)), unit, bool(rng.random() < 0.7),
                            rng.choice([pa.float64(), pa.float32(), pa.int64()]), bool(rng.random() < 0.5))
        lo, hi, owned = int(rng.integers(0, 2)), int(rng.integers(1, 3)), bool(rng.random() < 0.5)
        n = batch.num_rows
        out = [np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n), np.zeros(n, bool)]
        rejected_at = np.empty(n, np.int64)
        got = parquet.check_and_append(*parquet.kernel_columns(batch, row_of), 10.0, lo, hi, owned, *out, 0,
                                       rejected_at)
        decoded, fault, _, _ = parquet.decode(batch, row_of, 10.0)
        mine = ((decoded.meter_row >= lo) & (decoded.meter_row <= hi)) | (owned & (decoded.meter_row < 0))
        keep = mine & (fault == 0)
        assert got[:3] == (keep.sum(), mine.sum(), (mine & (fault != 0)).sum())
        assert np.array_equal(rejected_at[: got[2]], np.flatnonzero(mine & (fault != 0)))
        for array, want in zip(out, (decoded.meter_row, decoded.utc_seconds, decoded.kwh, decoded.zero_as_missing)):
            assert np.array_equal(array[: got[0]], want[keep])


@pytest.mark.parametrize("unit", ["s", "ns"])
def test_columns_read_from_arrows_buffers_equal_arrows_own_conversions(unit):
    """The reader builds and reads its Arrow arrays through their buffers (pa.array, pa.scalar and a boolean's
    to_numpy would import pandas in every worker): the same values and nulls as Arrow's own conversions, on sliced
    columns with nulls."""
    rng = np.random.default_rng(3)
    for _ in range(30):
        batch = nasty_batch(rng, int(rng.integers(0, 200)), unit, True, pa.float32(), True)
        ids, ts, kwh, flags = batch.columns
        for column, fill in ((ids.indices, len(ids.dictionary)), (ts.cast(pa.int64()), 0),
                             (kwh.cast(pa.float64()), np.nan), (flags, False)):
            assert np.array_equal(parquet._present(column), column.is_valid().to_numpy(zero_copy_only=False))
            want = pc.fill_null(column, fill).to_numpy(zero_copy_only=False)
            assert np.array_equal(parquet._filled(column, fill), want, equal_nan=True)
        n = batch.num_rows
        missing = rng.random(n) < 0.3
        for values, kind in ((rng.integers(-10**12, 10**12, n), pa.int64()), (rng.random(n), pa.float64()),
                             (rng.integers(0, 8, n).astype(np.int8), pa.int8())):
            assert parquet.arrow_array(values, kind, missing).equals(pa.array(values, kind, mask=missing))
            assert parquet.arrow_array(values, kind).equals(pa.array(values, kind))
        names = rng.choice(["", "M1", "Tiranë", "ZZ9-ω"], n).tolist()
        assert parquet.string_array(names).equals(pa.array(names, pa.string()))


@pytest.mark.parametrize("unit", ["s", "ms", "ns"])
def test_every_timestamp_unit_reads_as_the_microseconds_do(registered, tmp_path, unit):
    rows = readings(np.random.default_rng(1)) + [("M1", 60, 0.0), ("M1", 60, 0.0), ("M2", 61, 1.0), ("M2", 61, 2.0)]
    write_readings(tmp_path / "us.parquet", rows, 50)
    table = pq.read_table(tmp_path / "us.parquet")
    table = table.set_column(1, "ts", table.column("ts").cast(pa.timestamp(unit, tz="UTC")))
    pq.write_table(table, tmp_path / f"{unit}.parquet", row_group_size=50)
    results = []
    for name in ("us", unit):
        engine = ParquetEngine(registered, Settings(), [tmp_path / f"{name}.parquet"], tmp_path / f"rejected-{name}",
                               workers=1)
        got = engine.map_chunks(count_kernel, 2)
        rejected = pq.read_table(tmp_path / f"rejected-{name}").sort_by([("meter_id", "ascending"),
                                                                        ("ts", "ascending"), ("reason", "ascending")])
        results.append((got, engine.stats, rejected))
    (got_us, stats_us, rejected_us), (got, stats, rejected) = results
    assert all(np.array_equal(got_us[key], got[key]) for key in got_us)
    assert stats == stats_us and stats.rejected["duplicate"] == 1 and stats.rejected["conflicting_duplicate"] == 1
    assert rejected.equals(rejected_us)


@pytest.mark.parametrize("row_group_size", [7, 25, 10_000])  # 7: every meter straddles row groups, shares some
@pytest.mark.parametrize("shuffled", [False, True])
def test_a_few_scattered_meters_read_as_they_do_in_one_chunk_of_every_meter(registered, tmp_path, row_group_size,
                                                                          shuffled):
    """The report reads its leads in one pass (each row group once, only those meters' readings): the same checked,
    sorted readings as a chunk of every meter holds for them, repeated instants and bad rows included."""
    rng = np.random.default_rng(row_group_size)
    rows = readings(rng) + [("M1", 59, 9.0), ("M3", 0, 1.0), ("M3", 30, 0.5), ("M1", 61, -2.0)]
    if shuffled:
        rows = [rows[i] for i in rng.permutation(len(rows))]
    write_readings(tmp_path / "r.parquet", rows, row_group_size)
    engine = ParquetEngine(registered, Settings(), [tmp_path / "r.parquet"], workers=1)
    every = engine.readings(np.arange(3))
    assert every.kwh.size == 3 * 60  # one reading per meter and hour: every bad row and repeated instant out
    for picked in ([0], [2], [2, 0], [0, 1, 2]):
        got = engine.readings(np.array(picked))
        mine = np.isin(every.meter_row, picked)
        assert got.rows.tolist() == sorted(picked)
        for name in ("meter_row", "utc_seconds", "kwh", "zero_as_missing"):
            np.testing.assert_array_equal(getattr(got, name), getattr(every, name)[mine], err_msg=name)


REUSE_CHECK = """
import resource, sys
import numpy as np
from wattwatch.engine.workers import keep_freed_memory
if sys.argv[1] == "keep" and not keep_freed_memory():
    print("unsupported")
    raise SystemExit
faults = []
for _ in range(3):  # a chunk's 64 MB array, freed before the next chunk's
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(8 << 20)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(faults[-1])
"""


def test_a_worker_keeps_the_memory_a_chunk_freed_for_the_next_one():
    """Workers call keep_freed_memory: a chunk-sized array freed and made again reuses its pages instead of
    faulting fresh zeroed ones in (each in a fresh process, whose malloc the test must not change)."""
    def faults(mode):
        done = subprocess.run([sys.executable, "-c", REUSE_CHECK, mode], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    kept = faults("keep")
    if kept == "unsupported":
        pytest.skip("malloc is not glibc's")
    assert int(kept) < 100 < int(faults("default"))


@pytest.mark.parametrize("argv, forks", [
    (["wattwatch", "scan", "--premises", "p.csv", "--readings-parquet", "r.parquet", "--out", "o"], True),
    (["wattwatch", "scan", "--readings-parquet=r.parquet", "--out", "o"], True),
    (["wattwatch", "scan", "--readings-parquet", "r.parquet", "--engine", "duckdb"], True),
    (["wattwatch", "scan", "--readings-parquet", "r.parquet", "--engine", "spark"], False),  # Spark runs no workers
    (["wattwatch", "scan", "--engine=spark", "--readings-parquet", "r.parquet"], False),
    (["wattwatch", "scan", "--readings", "r.csv", "--out", "o"], False),  # the store's readings: one process
    (["wattwatch", "demo", "--out", "o"], False),
    (["wattwatch"], False),
])
def test_the_command_line_starts_the_fork_server_early_only_for_a_parquet_scan(argv, forks):
    assert workers.forks_workers(argv) is forks
