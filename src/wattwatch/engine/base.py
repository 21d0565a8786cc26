"""What every engine (DuckDB on one laptop, PySpark on a cluster) hands the scan, so both give identical leads.

An engine does I/O and the shuffle only. Every number the detectors see is computed by the same pure NumPy kernels
from the raw rows: the engine delivers each chunk of meters' readings sorted by (meter row, UTC second), the kernel
does all local-time and cell arithmetic (wattwatch.core.localtime, wattwatch.core.cells) and returns per-meter
arrays; population steps (peers, category curves, fusion) run once on the driver over the concatenated outputs.
Because a meter's outputs depend only on that meter's rows, how meters are cut into chunks cannot change a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Protocol

import numpy as np

from wattwatch.engine.matrices import BillingPeriods, FeederMatrix, MeterTable, PremisesIndex
from wattwatch.settings import Settings

__all__ = [
    "BillingPeriods", "ChunkKernel", "Engine", "FeederMatrix", "MeterTable", "PremisesIndex", "Progress",
    "ReadingsChunk", "SUM_PREFIX", "concat_outputs",
]


@dataclass(frozen=True)
class ReadingsChunk:
    """The raw interval readings of a set of meters, as the per-chunk kernels take them."""

    rows: np.ndarray  # int64[k]: the chunk's meters as rows of the MeterTable, ascending, unique
    meter_row: np.ndarray  # int64[n]: each reading's meter (a MeterTable row); sorted by (meter_row, utc_seconds)
    utc_seconds: np.ndarray  # int64[n]: interval start, seconds since the Unix epoch, UTC
    kwh: np.ndarray  # float64[n]
    zero_as_missing: np.ndarray  # bool[n]: ingestion judged this zero run missing data

    @property
    def position(self) -> np.ndarray:
        """int64[n]: each reading's meter as a position in `rows` (0 .. k-1)."""
        if len(self.rows) and self.rows[-1] - self.rows[0] + 1 == len(self.rows):  # a range of rows: no search
            return self.meter_row - self.rows[0]
        return np.searchsorted(self.rows, self.meter_row)

    @property
    def bounds(self) -> np.ndarray:
        """int64[k + 1]: the readings of the meter at position r are bounds[r]:bounds[r + 1] (a search per meter,
        not a pass over the readings)."""
        return np.append(np.searchsorted(self.meter_row, self.rows), self.meter_row.size).astype(np.int64)


ChunkKernel = Callable[[ReadingsChunk], dict[str, np.ndarray]]
Progress = Callable[[int], None]  # called with the number of meters a finished chunk held


class Engine(Protocol):
    name: str  # "duckdb" | "spark"

    def meter_table(self) -> MeterTable:
        """Every meter, in meter_id order (row i = meter i)."""

    def premises_index(self) -> PremisesIndex: ...

    def day_range(self, timezone: str) -> tuple[date, int]:
        """First local day with a reading and the number of days to the last one (0 when there are no readings)."""

    def billing_periods(self, timezone: str, first_day: date) -> BillingPeriods:
        """The billing meters' reads as day periods (small: collected to the driver)."""

    def feeder_matrix(self, settings: Settings, first_day: date, n_days: int) -> FeederMatrix:
        """Feeder meters only (small)."""

    def map_chunks(self, kernel: ChunkKernel, meters_per_chunk: int, progress: Progress | None = None
                   ) -> dict[str, np.ndarray]:
        """Apply `kernel` to the readings of every chunk of interval meters and return its per-meter outputs
        (first axis = len(chunk.rows)) concatenated in MeterTable row order, with key "rows" added; keys starting
        with SUM_PREFIX are summed over chunks instead (use concat_outputs).
        DuckDB: a loop over meter ranges. Spark: repartition by chunk id, applyInPandas/mapInArrow, collect."""

    def readings(self, rows: np.ndarray) -> ReadingsChunk:
        """The readings of a few meters (the report's top leads), as one chunk."""


SUM_PREFIX = "sum:"  # a kernel output under a key with this prefix is summed over chunks (per-feeder totals)


def concat_outputs(parts: list[tuple[np.ndarray, dict[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    """(chunk rows, kernel output) pairs -> one dict in ascending row order with key "rows"; both engines use it.

    Outputs are per meter (first axis = the chunk's meters) and concatenated, except keys starting with SUM_PREFIX:
    those are same-shaped partial sums (e.g. per feeder) and are added up, in ascending order of the chunks' first
    rows so both engines add in the same order. The parts' dicts are consumed (emptied) to keep the peak low."""
    if not parts:
        return {"rows": np.zeros(0, dtype=np.int64)}
    parts = sorted(parts, key=lambda part: int(part[0][0]) if len(part[0]) else -1)
    rows = np.concatenate([r for r, _ in parts])
    order = np.argsort(rows, kind="stable")
    in_order = bool(np.all(order == np.arange(rows.size)))  # chunks of consecutive rows: no reordering copy
    out = {}
    for key in list(parts[0][1]):
        values = [o.pop(key) for _, o in parts]  # each key's chunk arrays can be freed once joined: a lower peak
        if key.startswith(SUM_PREFIX):
            out[key] = np.sum(values, axis=0)
        else:
            joined = np.concatenate(values, axis=0)
            out[key] = joined if in_order else joined[order]
        del values
    out["rows"] = rows[order]
    return out
