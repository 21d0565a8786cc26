"""A chunk kernel across Spark: Arrow rows in, the kernel's per-meter arrays out as binary rows, and back.

Inside a Spark task, `chunk_task` takes one chunk's raw readings (an Arrow table of RAW_COLUMNS in any row order, as
the shuffle left it), applies the Parquet fast path's checks (core.reading_checks: faulty rows and repeated
(meter, time) rows rejected, zero runs judged by ingest's rule when the input carries no flags), hands the kernel a
ReadingsChunk sorted by (meter row, UTC second) exactly as the DuckDB engines do, and returns the outputs. Their
shapes are not known to Spark in advance, so each array travels as one row of OUTPUT_SCHEMA: its raw bytes with
dtype and shape (no pickle); the rejected rows travel as one Arrow IPC stream. On the driver `ChunkCollector`
rebuilds the arrays chunk by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pyarrow as pa

from wattwatch.core.reading_checks import OK, duplicate_faults, row_faults
from wattwatch.engine.base import SUM_PREFIX, ChunkKernel, Progress, ReadingsChunk
from wattwatch.engine.parquet import flag_zero_runs
from wattwatch.settings import Settings

# A reading as it reaches a task: meter_row is -1 for a meter id not in the register, -2 for none; utc_seconds 0
# where has_time is False; kwh NaN where has_kwh is False; meter_id only on rows that cannot be named by their row.
RAW_COLUMNS = ("meter_row", "utc_seconds", "has_time", "kwh", "has_kwh", "zero_as_missing", "meter_id")
UNKNOWN_METERS_CHUNK = -1  # the chunk id of readings whose meter is not in the register: they are only rejected
OUTPUT_SCHEMA = "chunk long, n_arrays int, key string, dtype string, shape array<long>, data binary"
ROWS_KEY = "rows"  # the chunk's MeterTable rows travel as one more array under this key
REJECTED_KEY = "rejected"  # the chunk's rejected rows, an Arrow IPC stream (dtype ARROW)
ACCEPTED_KEY = "accepted"  # how many of the chunk's readings reached the kernel: int64[1]
ARROW = "arrow"
REJECTED_SCHEMA = pa.schema([("meter_row", pa.int64()), ("meter_id", pa.string()), ("utc_seconds", pa.int64()),
                             ("has_time", pa.bool_()), ("kwh", pa.float64()), ("has_kwh", pa.bool_()),
                             ("fault", pa.int8())])


@dataclass(frozen=True)
class CheckedChunk:
    chunk: ReadingsChunk
    rejected: pa.Table  # REJECTED_SCHEMA


def _column(table: pa.Table, name: str, dtype) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def _rejected(table: pa.Table, index: np.ndarray, fault: np.ndarray) -> pa.Table:
    take = pa.array(index, pa.int64())
    return pa.table({
        "meter_row": table.column("meter_row").take(take),
        "meter_id": table.column("meter_id").take(take),
        "utc_seconds": table.column("utc_seconds").take(take),
        "has_time": table.column("has_time").take(take),
        "kwh": table.column("kwh").take(take),
        "has_kwh": table.column("has_kwh").take(take),
        "fault": pa.array(fault, pa.int8()),
    }, schema=REJECTED_SCHEMA)


def checked_chunk(table: pa.Table, rows: np.ndarray, settings: Settings) -> CheckedChunk:
    """Raw readings (RAW_COLUMNS, any order) of the meters `rows` -> the sorted chunk the kernel takes and the
    rejected rows with their fault; rows of other meters (a chunk's marker) are left out."""
    meter_row = _column(table, "meter_row", np.int64)
    kwh = _column(table, "kwh", np.float64)
    fault = row_faults(meter_row, _column(table, "has_time", bool), kwh, _column(table, "has_kwh", bool),
                       settings.max_kw)
    mine = np.isin(meter_row, rows)
    bad = np.flatnonzero(mine & (fault != OK))
    good = np.flatnonzero(mine & (fault == OK))
    t = _column(table, "utc_seconds", np.int64)
    # (meter, time) first; a repeated instant keeps its smallest kWh first, so the kept reading does not depend on
    # the order the shuffle delivered the rows in
    good = good[np.lexsort((kwh[good], t[good], meter_row[good]))]
    again = duplicate_faults(meter_row[good], t[good], kwh[good])
    repeated, good = good[again != OK], good[again == OK]
    rejected = _rejected(table, np.r_[bad, repeated], np.r_[fault[bad], again[again != OK]])
    chunk = ReadingsChunk(np.asarray(rows, dtype=np.int64), meter_row[good], t[good], kwh[good],
                          _column(table, "zero_as_missing", bool)[good])
    return CheckedChunk(flag_zero_runs(chunk, settings), rejected)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def encode_outputs(chunk_id: int, rows: np.ndarray, outputs: dict[str, np.ndarray], accepted: int,
                   rejected: pa.Table) -> pa.Table:
    """OUTPUT_SCHEMA rows of one chunk: one per array, one for the rejected rows; refuses per-meter outputs that
    are not one row per meter."""
    for reserved in (ROWS_KEY, ACCEPTED_KEY, REJECTED_KEY):
        if reserved in outputs:
            raise ValueError(f"a chunk kernel must not return the key {reserved!r}: the engine adds it")
    arrays = {ROWS_KEY: np.asarray(rows, dtype=np.int64), ACCEPTED_KEY: np.array([accepted], dtype=np.int64)}
    for key, value in outputs.items():
        value = np.ascontiguousarray(value)
        per_meter = not key.startswith(SUM_PREFIX)  # partial sums (e.g. per feeder) have their own shape
        if per_meter and (value.ndim == 0 or value.shape[0] != rows.size):
            raise ValueError(f"kernel output {key!r} has shape {value.shape}; its first axis must be {rows.size}")
        if value.dtype.hasobject:
            raise TypeError(f"kernel output {key!r} holds Python objects; only numeric and bool arrays can travel")
        arrays[key] = value
    n = len(arrays) + 1
    return pa.table({
        "chunk": pa.array([chunk_id] * n, pa.int64()),
        "n_arrays": pa.array([n] * n, pa.int32()),
        "key": [*arrays, REJECTED_KEY],
        "dtype": [*(a.dtype.str for a in arrays.values()), ARROW],
        "shape": pa.array([*(list(a.shape) for a in arrays.values()), [rejected.num_rows]], pa.list_(pa.int64())),
        "data": pa.array([*(a.tobytes() for a in arrays.values()), _ipc(rejected)], pa.binary()),
    })


def chunk_task(kernel: ChunkKernel, chunks: list[np.ndarray], settings: Settings, meters_done=None
               ) -> Callable[[tuple, pa.Table], pa.Table]:
    """The function Spark runs per chunk (groupBy(chunk).applyInArrow): raw readings -> encoded kernel outputs.
    `chunks[i]` holds chunk i's MeterTable rows; the UNKNOWN_METERS_CHUNK group is only rejected. Each chunk done
    adds its meters to the Spark accumulator `meters_done`, when given (the driver's progress bar)."""

    def run(key: tuple, table: pa.Table) -> pa.Table:
        chunk_id = key[0].as_py()
        if chunk_id == UNKNOWN_METERS_CHUNK:
            fault = row_faults(_column(table, "meter_row", np.int64), _column(table, "has_time", bool),
                               _column(table, "kwh", np.float64), _column(table, "has_kwh", bool), settings.max_kw)
            return encode_outputs(chunk_id, np.zeros(0, np.int64), {}, 0,
                                  _rejected(table, np.arange(len(fault)), fault))
        checked = checked_chunk(table, chunks[chunk_id], settings)
        encoded = encode_outputs(chunk_id, checked.chunk.rows, kernel(checked.chunk), checked.chunk.kwh.size,
                                 checked.rejected)
        if meters_done is not None:
            meters_done.add(len(chunks[chunk_id]))
        return encoded

    return run


@dataclass
class ChunkCollector:
    """Rebuilds kernel outputs and rejected rows on the driver from OUTPUT_SCHEMA rows, which arrive in any order."""

    progress: Progress | None = None
    parts: list[tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=list)
    rejected: list[pa.Table] = field(default_factory=list)
    accepted: int = 0
    _pending: dict[int, dict[str, object]] = field(default_factory=dict)

    def add(self, chunk: int, n_arrays: int, key: str, dtype: str, shape: list[int], data: bytes) -> None:
        arrays = self._pending.setdefault(chunk, {})
        if dtype == ARROW:
            arrays[key] = pa.ipc.open_stream(data).read_all()
        else:
            arrays[key] = np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape)
        if len(arrays) == n_arrays:  # the chunk is complete
            del self._pending[chunk]
            self.rejected.append(arrays.pop(REJECTED_KEY))
            self.accepted += int(arrays.pop(ACCEPTED_KEY)[0])
            rows = arrays.pop(ROWS_KEY)
            if chunk != UNKNOWN_METERS_CHUNK:
                self.parts.append((rows, arrays))
                if self.progress is not None:
                    self.progress(rows.size)

    def finish(self) -> list[tuple[np.ndarray, dict[str, np.ndarray]]]:
        if self._pending:
            raise RuntimeError(f"Spark returned incomplete outputs for chunks {sorted(self._pending)}")
        return self.parts
