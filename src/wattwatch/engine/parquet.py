"""The fast path: interval readings straight from Parquet, no row-by-row ingest, chunks of meters on every core.

Input: one or more Parquet files with columns meter_id (string), ts (timestamp of the interval start; naive
timestamps are read as UTC), kwh (number) and optionally zero_as_missing (bool). The register (premises, feeders,
sales) comes from the store as usual. Files sorted by meter_id with row groups of about a million rows read fastest:
each chunk of meters reads only the row groups whose meter_id statistics overlap it. Unsorted files give the same
result, only slower (every chunk then reads most row groups). meter_id is decoded as a dictionary, so an id string
is looked up once per row group, not per row.

Chunks run in parallel worker processes (`workers`, default: every core); each worker reads its own row groups, so
nothing but the per-meter outputs crosses processes.

Every row is checked (core.reading_checks' rules, in the one compiled pass of core.kernels.rows that also keeps the
accepted rows): no meter id / time / kWh, a meter not in the register, non-finite, negative or absurd kWh (above
Settings.max_kw for an hour), a repeated (meter, time). Rejected rows are
written with their reason to a Parquet dataset (one file per chunk that had any), and `stats` counts
rows in = accepted + rejected. Zero runs are judged missing data by ingest's rule (Settings.zero_run_*) unless the
file carries zero_as_missing.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from wattwatch.core.kernels.cells import interval_minutes
from wattwatch.core.kernels.rows import check_and_append
from wattwatch.core.reading_checks import OK, duplicate_faults, row_faults
from wattwatch.engine.base import ChunkKernel, Progress, ReadingsChunk, concat_outputs
from wattwatch.engine.chunking import ReadingsBatch, as_chunk, chunk_rows
from wattwatch.engine.compiler import load_compiler
from wattwatch.engine.duckdb import EPOCH, DuckDBEngine
from wattwatch.engine.matrices import BillingPeriods, MeterTable
from wattwatch.engine.workers import keep_freed_memory, pool_context
from wattwatch.errors import InputError
from wattwatch.ingest import reasons
from wattwatch.ingest.zeroruns import zero_as_missing
from wattwatch.settings import Settings

REASONS = ("", reasons.MISSING_VALUE, reasons.UNKNOWN_METER, reasons.NON_FINITE, reasons.NEGATIVE_KWH,
           reasons.ABSURD_KWH, reasons.DUPLICATE, reasons.CONFLICTING_DUPLICATE)  # by core.reading_checks code
REJECTED_SCHEMA = pa.schema([("meter_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("kwh", pa.float64()),
                             ("reason", pa.string())])
COLUMNS = ("meter_id", "ts", "kwh")
PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}  # timestamp unit -> ticks per second
NO_VALUES = np.zeros(0, dtype=bool)  # check_and_append's "no nulls" / "no flags"
INITIAL_ROWS = 1 << 23  # ~8.4 M accepted rows (200 MB) reserved per chunk at first; a chunk holds about 4 M


@dataclass
class InputStats:
    """Rows read from the Parquet input: rows_in = accepted + sum(rejected.values())."""

    rows_in: int = 0
    accepted: int = 0
    rejected: Counter = field(default_factory=Counter)

    def add(self, other: "InputStats") -> None:
        self.rows_in += other.rows_in
        self.accepted += other.accepted
        self.rejected.update(other.rejected)


@dataclass(frozen=True)
class RowGroup:
    path: Path
    index: int
    first_id: str | None  # meter_id statistics; None when the file has none (then every chunk reads it)
    last_id: str | None
    num_rows: int


@dataclass(frozen=True)
class ChunkReader:
    """Everything a worker needs to read, check and prepare one chunk (picklable: no connection inside)."""

    meter_ids: np.ndarray  # the MeterTable's ids (sorted)
    row_groups: tuple[RowGroup, ...]
    settings: Settings
    rejected_dir: Path | None

    @cached_property
    def row_of(self) -> dict[str, int]:
        """meter_id -> MeterTable row, built once per reader (per worker), not once per chunk."""
        return {str(m): i for i, m in enumerate(self.meter_ids)}

    def groups_for(self, rows: np.ndarray) -> list[int]:
        """Row groups whose meter_id statistics overlap these meters' ids (and every one without statistics)."""
        lo, hi = str(self.meter_ids[rows[0]]), str(self.meter_ids[rows[-1]])
        return [i for i, g in enumerate(self.row_groups)
                if g.first_id is None or not (g.last_id < lo or g.first_id > hi)]

    @cached_property
    def sources(self) -> dict[Path, pq.ParquetFile]:
        """Open Parquet files by path: the footer (every row group's metadata) is parsed once per reader (per
        worker), not once per row group. Not pickled: a worker opens its own."""
        return {}

    @cached_property
    def id_dictionary(self) -> pa.Array:
        """The meter ids as an Arrow string array (a dictionary for the rows of repeated readings), built once per
        reader and only when some reading repeats."""
        return string_array([str(m) for m in self.meter_ids])

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("sources", "row_of", "id_dictionary")}

    def source(self, path: Path) -> pq.ParquetFile:
        if path not in self.sources:
            # not memory-mapped: a worker keeps its file open, and the mapped pages it has read would stay in its
            # resident memory, growing with the file (reading is as fast either way)
            self.sources[path] = pq.ParquetFile(path, read_dictionary=["meter_id"], memory_map=False)
        return self.sources[path]

    def read(self, index: int, rows: np.ndarray, owned: set[int]) -> tuple[ReadingsChunk, InputStats]:
        """The chunk's accepted readings (sorted, duplicates and bad rows out, zero runs flagged) and its counts;
        its rejected rows are written to rejected_dir/part-<index>.parquet. `rows` (ascending) may have gaps (the
        report's scattered leads): each run of consecutive rows reads only its own row groups and readings."""
        stats = InputStats()
        rejected = []
        spans: dict[int, list[tuple[int, int]]] = {g: [] for g in owned}  # row group -> the runs of rows it holds
        for lo, hi in _runs(rows):
            for g in self.groups_for(np.array([lo, hi])):
                spans.setdefault(g, []).append((lo, hi))
        groups = sorted(spans)
        # The accepted rows go straight into these arrays: as long as the row groups read (a sorted file: the chunk's
        # own, give or take two), at most INITIAL_ROWS to begin with (an unsorted file has every chunk read every
        # row group, but keeps only its own meters' rows), doubled when a batch might not fit.
        out = _empty_rows(min(sum(self.row_groups[g].num_rows for g in groups), INITIAL_ROWS))
        n, ordered, repeats = 0, True, False
        for g in groups:
            group = self.row_groups[g]
            source = self.source(group.path)
            columns = list(COLUMNS) + (["zero_as_missing"] if "zero_as_missing" in source.schema_arrow.names else [])
            table = source.read_row_group(group.index, columns=columns, use_threads=False)  # a worker is one core
            for batch in table.to_batches():
                if n + batch.num_rows > out.kwh.size:
                    out = _grown(out, n, max(2 * out.kwh.size, n + batch.num_rows))
                arrays = kernel_columns(batch, self.row_of)
                # an owned row group's rows of no known meter are counted once: with its first run, or alone (an
                # empty run, lo > hi) when it holds none of the chunk's meters
                for i, (lo, hi) in enumerate(spans[g] or [(-1, -2)]):
                    rejected_at = np.empty(batch.num_rows, dtype=np.int64)  # only the pages written to are touched
                    n, rows_in, n_bad, in_order, repeat = check_and_append(
                        *arrays, self.settings.max_kw, lo, hi, g in owned and i == 0, out.meter_row, out.utc_seconds,
                        out.kwh, out.zero_as_missing, n, rejected_at)
                    stats.rows_in += rows_in
                    ordered, repeats = ordered and in_order, repeats or repeat
                    if n_bad:  # decoded again, the slow way, for the rejected rows' ids, times and reasons
                        bad = batch.take(arrow_array(rejected_at[:n_bad], pa.int64()))
                        decoded, fault, has_time, has_kwh = decode(bad, self.row_of, self.settings.max_kw)
                        rejected.append(rejected_rows(bad.column(0), decoded, has_time, has_kwh, fault,
                                                      np.ones(n_bad, dtype=bool), stats))
        kept = ReadingsBatch(out.meter_row[:n], out.utc_seconds[:n], out.kwh[:n], out.zero_as_missing[:n])
        if ordered:  # only the chunk's meters were taken
            chunk = ReadingsChunk(np.asarray(rows, dtype=np.int64), kept.meter_row, kept.utc_seconds, kept.kwh,
                                  kept.zero_as_missing)
        else:  # as_chunk sorts; a repeated (meter, time) may then lie anywhere
            chunk, repeats = as_chunk([kept], rows), True
        fault = duplicate_faults(chunk.meter_row, chunk.utc_seconds, chunk.kwh) if repeats else None
        if fault is not None and (fault != OK).any():
            ids = pa.DictionaryArray.from_arrays(arrow_array(chunk.meter_row, pa.int64()), self.id_dictionary)
            every = np.ones(fault.size, dtype=bool)
            batch = ReadingsBatch(chunk.meter_row, chunk.utc_seconds, chunk.kwh, chunk.zero_as_missing)
            rejected.append(rejected_rows(ids, batch, every, every, fault, fault != OK, stats))
            chunk = _take(chunk, np.flatnonzero(fault == OK))
        stats.accepted += chunk.kwh.size
        if rejected and self.rejected_dir is not None:
            pq.write_table(pa.concat_tables(rejected), self.rejected_dir / f"part-{index:06d}.parquet")
        return flag_zero_runs(chunk, self.settings), stats


class ParquetEngine(DuckDBEngine):
    """DuckDBEngine whose interval readings come from Parquet files; register tables from the store `con`."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings, paths: Sequence[Path],
                 rejected_dir: Path | None = None, workers: int | None = None):
        super().__init__(con, settings)
        self.paths = [Path(p) for p in paths]
        for path in self.paths:
            names = set(pq.read_schema(path).names)
            if not set(COLUMNS) <= names:
                raise InputError(path, f"readings Parquet needs columns meter_id, ts, kwh; has {sorted(names)}")
        self.rejected_dir = Path(rejected_dir) if rejected_dir else None
        self.workers = workers or len(os.sched_getaffinity(0))
        self.stats = InputStats()

    def meter_table(self) -> MeterTable:
        """The register's meters (readings of any other meter are rejected as unknown); intervals come from the
        readings themselves (0 here = infer)."""
        if self._meters is None:
            ids = self.con.execute("SELECT DISTINCT meter_id FROM premises ORDER BY meter_id").fetchnumpy()["meter_id"]
            ids = np.asarray(ids, dtype=object)
            self._meters = MeterTable(ids, np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool))
        return self._meters

    def day_range(self, timezone_name: str) -> tuple[date, int]:
        files = ", ".join(f"'{p}'" for p in self.paths)
        first, last = self.con.execute(
            f"SELECT CAST(timezone($tz, min(ts)::TIMESTAMPTZ) AS DATE), "
            f"CAST(timezone($tz, max(ts)::TIMESTAMPTZ) AS DATE) FROM read_parquet([{files}])", {"tz": timezone_name},
        ).fetchone()
        if first is None:
            return EPOCH, 0
        return first, (last - first).days + 1

    def billing_periods(self, timezone: str, first_day: date) -> BillingPeriods:
        empty = np.zeros(0, dtype=np.int64)
        return BillingPeriods(empty, empty, empty, np.zeros(0))

    def map_chunks(self, kernel: ChunkKernel, meters_per_chunk: int, progress: Progress | None = None
                   ) -> dict[str, np.ndarray]:
        self.stats = InputStats()
        if self.rejected_dir is not None:
            self.rejected_dir.mkdir(parents=True, exist_ok=True)
            for old in self.rejected_dir.glob("part-*.parquet"):
                old.unlink()
        reader = self._reader()
        chunks = chunk_rows(np.arange(len(reader.meter_ids)), balanced_chunk_size(
            len(reader.meter_ids), meters_per_chunk, self.workers))
        owners = _row_group_owners(reader, chunks)
        tasks = [(i, rows, owners.get(i, set())) for i, rows in enumerate(chunks)]
        parts = []
        if self.workers <= 1 or len(tasks) <= 1:
            results = (_run_task(reader, kernel, task) for task in tasks)
            for rows, out, stats in results:
                parts.append(self._collect(rows, out, stats, progress))
            return concat_outputs(parts)
        with tempfile.TemporaryDirectory(prefix="wattwatch-job-") as folder:
            # The job (meter ids, context) goes through a file: as a start-up argument it would be written into each
            # worker's pipe, and a pipe holds 64 KB, so the workers would start one after the other.
            job = Path(folder) / "job.pickle"
            job.write_bytes(pickle.dumps((reader, kernel), protocol=pickle.HIGHEST_PROTOCOL))
            context = pool_context()
            with context.Pool(min(self.workers, len(tasks)), initializer=_init_worker, initargs=(job,)) as pool:
                results = pool.imap_unordered(_worker_task, tasks)
                load_compiler()  # this process's later kernels (the driver's steps) load numba meanwhile
                for rows, out, stats in results:
                    parts.append(self._collect(rows, out, stats, progress))
        return concat_outputs(parts)

    def readings(self, rows: np.ndarray) -> ReadingsChunk:
        """A few meters' readings (the report's leads, scattered over the file), in one read: each row group they lie
        in is decoded once, and only their own readings are taken from it."""
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        if rows.size == 0:
            return as_chunk([], rows)
        return dataclasses.replace(self._reader(), rejected_dir=None).read(-1, rows, set())[0]

    def _reader(self) -> ChunkReader:
        return ChunkReader(self.meter_table().meter_ids, file_row_groups(self.paths), self.settings, self.rejected_dir)

    def _collect(self, rows, out, stats: InputStats, progress: Progress | None):
        self.stats.add(stats)
        if progress is not None:
            progress(len(rows))
        return rows, out


_WORKER: tuple[ChunkReader, ChunkKernel] | None = None


def _init_worker(job: Path) -> None:
    """A worker's start: its job, numba's compiler target (already loaded where the fork server loaded it), and a
    malloc that keeps freed memory for the next chunk."""
    global _WORKER
    _WORKER = pickle.loads(job.read_bytes())
    keep_freed_memory()
    load_compiler()


def balanced_chunk_size(n_meters: int, meters_per_chunk: int, workers: int) -> int:
    """At most meters_per_chunk meters per chunk, in a number of chunks that is a multiple of the workers, so that
    no worker is left running the last chunk alone while the others idle."""
    n_chunks = -(-n_meters // max(meters_per_chunk, 1))
    n_chunks = -(-n_chunks // max(workers, 1)) * max(workers, 1)
    return max(-(-n_meters // max(n_chunks, 1)), 1)


def _worker_task(task):
    return _run_task(*_WORKER, task)


def _run_task(reader: ChunkReader, kernel: ChunkKernel, task):
    index, rows, owned = task
    chunk, stats = reader.read(index, rows, owned)
    return rows, kernel(chunk), stats


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive rows in `rows` (ascending): a chunk's one, or scattered meters'."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = np.flatnonzero(np.diff(rows, prepend=rows[:1] - 2) != 1)
    ends = np.r_[starts[1:], rows.size] - 1
    return list(zip(rows[starts].tolist(), rows[ends].tolist()))


def file_row_groups(paths: Sequence[Path]) -> tuple[RowGroup, ...]:
    """Every row group of the files, with its meter_id statistics."""
    groups = []
    for path in paths:
        meta = pq.ParquetFile(path).metadata
        column = meta.schema.names.index("meter_id")
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(column).statistics
            known = stats is not None and stats.has_min_max
            groups.append(RowGroup(path, i, str(stats.min) if known else None, str(stats.max) if known else None,
                                  meta.row_group(i).num_rows))
    return tuple(groups)


def _row_group_owners(reader: ChunkReader, chunks: list[np.ndarray]) -> dict[int, set[int]]:
    """chunk -> the row groups whose rows without a known meter it counts: each row group goes to the first chunk
    that reads it (or to the first chunk when none does), so such rows are counted exactly once."""
    owners: dict[int, set[int]] = {}
    claimed: set[int] = set()
    for i, rows in enumerate(chunks):
        mine = set(reader.groups_for(rows)) - claimed
        owners[i] = mine
        claimed |= mine
    if chunks:
        owners[0] = owners.get(0, set()) | (set(range(len(reader.row_groups))) - claimed)
    return owners


def dictionary_rows(ids: pa.DictionaryArray, row_of: dict[str, int]) -> np.ndarray:
    """int64 MeterTable row of each entry of a dictionary-encoded meter_id column (-1: not in the register)."""
    return np.array([row_of.get(i, -1) for i in ids.dictionary.to_pylist()], dtype=np.int64)


def decode(batch: pa.RecordBatch, row_of: dict[str, int], max_kwh: float
           ) -> tuple[ReadingsBatch, np.ndarray, np.ndarray, np.ndarray]:
    """A record batch as arrays (meter row -1 unknown, -2 no id), each row's fault (core.reading_checks) and
    whether its time and kWh were given; faulty rows are still in the arrays."""
    ids = batch.column(0)
    if not pa.types.is_dictionary(ids.type):
        ids = pc.dictionary_encode(ids)
    known = np.append(dictionary_rows(ids, row_of), -2)
    index = _filled(ids.indices, len(ids.dictionary))
    meter_row = known[index]
    ts = batch.column(1)  # a timestamp: kernel_columns has checked
    per_second = PER_SECOND[ts.type.unit]
    seconds = _filled(ts.cast(pa.int64()), 0)
    if per_second > 1:
        seconds = np.floor_divide(seconds, per_second)
    has_time = _present(ts)
    kwh_col = batch.column(2)
    has_kwh = _present(kwh_col)
    kwh = _filled(pc.cast(kwh_col, pa.float64()), np.nan)
    if batch.num_columns > 3:
        flag = _filled(batch.column(3), False).astype(bool)
    else:
        flag = np.zeros(batch.num_rows, dtype=bool)
    fault = row_faults(meter_row, has_time, kwh, has_kwh, max_kwh)
    return ReadingsBatch(meter_row, seconds.astype(np.int64, copy=False), kwh, flag), fault, has_time, has_kwh


def kernel_columns(batch: pa.RecordBatch, row_of: dict[str, int]) -> tuple:
    """A record batch's columns as core.kernels.rows.check_and_append takes them (index, id_valid, known, ts,
    ts_valid, per_second, kwh, kwh_valid, flag): views of Arrow's buffers where the column is already of the
    kernel's type, validity only for columns with nulls."""
    ids = batch.column(0)
    if not pa.types.is_dictionary(ids.type):
        ids = pc.dictionary_encode(ids)
    ts = batch.column(1)
    if not pa.types.is_timestamp(ts.type):
        raise InputError("readings Parquet", f"column ts is {ts.type}", column="ts", expected="a timestamp")
    kwh = batch.column(2)
    if kwh.type != pa.float64():
        kwh = pc.cast(kwh, pa.float64())
    flag = (_filled(batch.column(3), False).astype(bool)
            if batch.num_columns > 3 else NO_VALUES)
    return (_values(ids.indices), _validity(ids.indices), dictionary_rows(ids, row_of), _values(ts.cast(pa.int64())),
            _validity(ts), PER_SECOND[ts.type.unit], _values(kwh), _validity(kwh), flag)


def _values(array: pa.Array) -> np.ndarray:
    """A primitive array's values as a NumPy view of its buffer (whatever lies under its nulls)."""
    dtype = array.type.to_pandas_dtype()
    data = array.buffers()[1]
    if data is None or len(array) == 0:  # no buffer: nothing, or only nulls
        return np.zeros(len(array), dtype=dtype)
    return np.frombuffer(data, dtype=dtype)[array.offset : array.offset + len(array)]


def _filled(array: pa.Array, fill) -> np.ndarray:
    """A primitive or boolean array's values with `fill` under its nulls: pc.fill_null's, without the pa.scalar it
    makes of `fill` (whose first call imports pandas, see arrow_array)."""
    if pa.types.is_boolean(array.type):
        values = _bits(array.buffers()[1], array.offset, len(array))
    else:
        values = _values(array)
    return np.where(_present(array), values, fill) if array.null_count else values


def _validity(array: pa.Array) -> np.ndarray:
    """Which values are not null, for a column with nulls; NO_VALUES (check_and_append's "no nulls") otherwise."""
    return _present(array) if array.null_count else NO_VALUES


def _present(array: pa.Array) -> np.ndarray:
    """bool[n]: which values are not null, read from the validity bitmap (Arrow's to_numpy of a boolean array
    imports pandas, see arrow_array)."""
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    validity = array.buffers()[0]
    if validity is None:  # the null type: every value is null
        return np.zeros(len(array), dtype=bool)
    return _bits(validity, array.offset, len(array))


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    """n bits of an Arrow bitmap (least significant bit first) from bit `offset`, as bool."""
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), count=offset + n, bitorder="little")
    return bits[offset:].astype(bool)


def rejected_rows(ids: pa.Array, rows: ReadingsBatch, has_time: np.ndarray, has_kwh: np.ndarray, fault: np.ndarray,
                  bad: np.ndarray, stats: InputStats) -> pa.Table:
    """The rows `bad` with their reasons, counted into `stats`."""
    where = np.flatnonzero(bad)
    codes = fault[where]
    stats.rejected.update({REASONS[c]: int(n) for c, n in zip(*np.unique(codes, return_counts=True))})
    ids = ids.take(arrow_array(where, pa.int64()))
    if pa.types.is_dictionary(ids.type):
        ids = ids.dictionary_decode()
    micros = arrow_array(rows.utc_seconds[where] * 1_000_000, pa.int64(), ~has_time[where])
    reasons = pa.DictionaryArray.from_arrays(arrow_array(codes.astype(np.int8), pa.int8()), string_array(REASONS))
    return pa.table({
        "meter_id": pc.cast(ids, pa.string()),
        "ts": micros.cast(pa.timestamp("us", tz="UTC")),
        "kwh": arrow_array(rows.kwh[where], pa.float64(), ~has_kwh[where]),
        "reason": reasons.dictionary_decode(),
    }, schema=REJECTED_SCHEMA)


def arrow_array(values: np.ndarray, type: pa.DataType, missing: np.ndarray | None = None) -> pa.Array:
    """A NumPy array as the Arrow array of `type` (int8, int64, float64: the same item size) over its buffer, null
    where `missing`. Not pa.array: its first call imports pandas, about 0.14 s of CPU in every worker (or in the
    fork server that they come from) for the few rows a chunk rejects."""
    values = np.ascontiguousarray(values)
    validity = None
    if missing is not None and missing.any():
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    return pa.Array.from_buffers(type, len(values), [validity, pa.py_buffer(values)])


def string_array(values: Sequence[str]) -> pa.Array:
    """Strings as an Arrow string array, built from its offsets and bytes (not pa.array: see arrow_array)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets),
                                                             pa.py_buffer(b"".join(encoded))])


def flag_zero_runs(chunk: ReadingsChunk, settings: Settings) -> ReadingsChunk:
    """Without flags from the file, judge zero runs by ingest's rule on each meter's inferred interval."""
    if chunk.zero_as_missing.any() or not np.any(chunk.kwh == 0):  # no zeros: no zero runs
        return chunk
    position = chunk.position
    minutes = interval_minutes(position, chunk.utc_seconds, len(chunk.rows))
    flag = zero_as_missing(position, chunk.utc_seconds, chunk.kwh, minutes[position] * 60, settings.zero_run_hours,
                           settings.zero_run_max_share)
    return ReadingsChunk(chunk.rows, chunk.meter_row, chunk.utc_seconds, chunk.kwh, flag)


def _empty_rows(size: int) -> ReadingsBatch:
    return ReadingsBatch(np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size), np.empty(size, bool))


def _grown(rows: ReadingsBatch, n: int, size: int) -> ReadingsBatch:
    """Room for `size` rows, the first n of `rows` copied over."""
    grown = _empty_rows(size)
    for old, new in zip((rows.meter_row, rows.utc_seconds, rows.kwh, rows.zero_as_missing),
                        (grown.meter_row, grown.utc_seconds, grown.kwh, grown.zero_as_missing)):
        new[:n] = old[:n]
    return grown


def _take(chunk: ReadingsChunk, keep) -> ReadingsChunk:
    return ReadingsChunk(chunk.rows, chunk.meter_row[keep], chunk.utc_seconds[keep], chunk.kwh[keep],
                         chunk.zero_as_missing[keep])
