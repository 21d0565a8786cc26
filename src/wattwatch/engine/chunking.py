"""Cut a stream of readings sorted by meter into ReadingsChunks of whole meters, in bounded memory.

Engines read in batches whose edges fall anywhere (a Parquet row group, a DuckDB record batch); a meter's readings
may straddle two batches. The cutter buffers batches until the stream has passed a chunk's last meter, hands the
chunk's readings over, and keeps the rest. Chunks are fixed lists of MeterTable rows (every meter appears in
exactly one chunk, with or without readings), so the chunking does not depend on where batches happen to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from wattwatch.engine.base import ReadingsChunk
from wattwatch.errors import InputError


@dataclass(frozen=True)
class ReadingsBatch:
    """Some readings, sorted by meter row (and within a meter by time, or sorted per chunk when not)."""

    meter_row: np.ndarray  # int64
    utc_seconds: np.ndarray  # int64
    kwh: np.ndarray  # float64
    zero_as_missing: np.ndarray  # bool


def chunk_rows(rows: np.ndarray, meters_per_chunk: int) -> list[np.ndarray]:
    """The chunks' meter rows: `rows` (ascending) in consecutive pieces of meters_per_chunk."""
    rows = np.asarray(rows, dtype=np.int64)
    size = max(int(meters_per_chunk), 1)
    return [rows[i : i + size] for i in range(0, rows.size, size)]


def cut_chunks(batches: Iterable[ReadingsBatch], chunks: list[np.ndarray]) -> Iterator[ReadingsChunk]:
    """ReadingsChunks for `chunks` (lists of meter rows, ascending, in ascending order) from batches sorted by
    meter row. Readings of meters in no chunk are dropped (billing meters in a readings table). Raises InputError
    when a meter shows up again after the stream moved past it (the input is not sorted by meter)."""
    buffer: list[ReadingsBatch] = []
    index = 0
    passed = -1  # highest meter row seen so far
    for batch in batches:
        if batch.meter_row.size == 0:
            continue
        if batch.meter_row[0] < passed or np.any(np.diff(batch.meter_row) < 0):
            raise InputError("readings", "readings are not sorted by meter_id: sort them first, e.g. with DuckDB "
                             "COPY (SELECT * FROM 'in.parquet' ORDER BY meter_id, ts) TO 'sorted.parquet'")
        passed = int(batch.meter_row[-1])
        buffer.append(batch)
        while index < len(chunks) and (len(chunks[index]) == 0 or passed > chunks[index][-1]):
            buffer, chunk = _take_through(buffer, chunks[index])
            yield chunk
            index += 1
    while index < len(chunks):
        buffer, chunk = _take_through(buffer, chunks[index])
        yield chunk
        index += 1


def _take_through(buffer: list[ReadingsBatch], rows: np.ndarray) -> tuple[list[ReadingsBatch], ReadingsChunk]:
    """Split the buffered readings at the chunk's last meter: (what stays buffered, the chunk)."""
    last = rows[-1] if len(rows) else -1
    taken, kept = [], []
    for b in buffer:
        cut = int(np.searchsorted(b.meter_row, last, side="right"))
        taken.append(_slice(b, 0, cut))
        if cut < b.meter_row.size:
            kept.append(_slice(b, cut, b.meter_row.size))
    return kept, as_chunk(taken, rows)


def _slice(b: ReadingsBatch, start: int, stop: int) -> ReadingsBatch:
    return ReadingsBatch(b.meter_row[start:stop], b.utc_seconds[start:stop], b.kwh[start:stop],
                         b.zero_as_missing[start:stop])


def as_chunk(parts: list[ReadingsBatch], rows: np.ndarray) -> ReadingsChunk:
    """The chunk's readings sorted by (meter row, time), readings of meters outside `rows` left out."""
    def cat(name, dtype):
        values = [getattr(p, name) for p in parts if len(p.meter_row)]
        if len(values) == 1:
            return values[0].astype(dtype, copy=False)
        return np.concatenate(values).astype(dtype, copy=False) if values else np.zeros(0, dtype=dtype)

    meter_row, t = cat("meter_row", np.int64), cat("utc_seconds", np.int64)
    kwh, zero = cat("kwh", np.float64), cat("zero_as_missing", bool)
    mine = np.isin(meter_row, rows) if meter_row.size and not is_range(rows) else \
        (meter_row >= (rows[0] if len(rows) else 0)) & (meter_row <= (rows[-1] if len(rows) else -1))
    if not mine.all():
        meter_row, t, kwh, zero = meter_row[mine], t[mine], kwh[mine], zero[mine]
    step_back = (meter_row[1:] < meter_row[:-1]) | ((meter_row[1:] == meter_row[:-1]) & (t[1:] < t[:-1]))
    if t.size > 1 and np.any(step_back):
        order = np.lexsort((t, meter_row))
        meter_row, t, kwh, zero = meter_row[order], t[order], kwh[order], zero[order]
    return ReadingsChunk(np.asarray(rows, dtype=np.int64), meter_row, t, kwh, zero)


def is_range(rows: np.ndarray) -> bool:
    """Whether the rows are consecutive integers (then a range test replaces the slower membership test)."""
    return len(rows) == 0 or int(rows[-1]) - int(rows[0]) + 1 == len(rows)
