"""A few made-up meters read and run through the per-meter stage, so that a process has loaded the stage's compiled
code before the first real chunk arrives.

Each compiled function loads its machine code from numba's cache on its first call in a process: for the Parquet
reader and the per-meter stage together about 0.1-0.5 s of CPU, which every worker would otherwise pay in its first
chunk. The scan's fork server runs this once (engine.warm) and the workers it forks start with the code loaded. The
meters take the stage's main paths: a household's evening peaks with a missing day and a run of zeros, a grow's lamp
blocks switching from 18 to 12 hours, a theft's lasting drop on a feeder, and a negative and a repeated reading for
the reader's checks. Its results are thrown away and nothing is written but a temporary file.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from wattwatch.engine.base import ReadingsChunk
from wattwatch.engine.matrices import MeterTable
from wattwatch.engine.parquet import ChunkReader, InputStats, arrow_array, file_row_groups, string_array
from wattwatch.scan.meter_stage import StageContext, meter_stage
from wattwatch.settings import Settings

FIRST_DAY = date(2025, 1, 1)
N_DAYS = 365
METER_IDS = ("grow", "household", "theft")  # sorted, as the scan's files should be


def made_up_kw() -> np.ndarray:
    """float64[3, N_DAYS * 24]: hourly kW of the three meters (METER_IDS), with a little noise."""
    hours = np.arange(N_DAYS * 24)
    hour, day = hours % 24, hours // 24
    household = 0.3 + 1.0 * ((hour >= 18) & (hour < 22))
    lamp_hours = np.where(day < 200, 18, 12)
    grow = 0.4 + 3.0 * ((day >= 60) & ((hour - 6) % 24 < lamp_hours))
    theft = np.where(day < 200, 2.0, 0.5) + 0.8 * ((hour >= 7) & (hour < 9))
    kw = np.stack([grow, household, theft]) * np.random.default_rng(0).lognormal(0.0, 0.1, (3, hours.size))
    kw[1, 24 * 100 : 24 * 103] = 0.0  # three days of zeros
    return kw


def made_up_readings() -> pa.Table:
    """The meters' hourly readings (meter_id, ts, kwh), sorted, with a missing day, a negative and a repeated one
    (built from NumPy buffers: pa.array's first call would import pandas, see engine.parquet.arrow_array)."""
    kw = np.round(made_up_kw(), 3)
    start = int(datetime.combine(FIRST_DAY, datetime.min.time(), timezone.utc).timestamp())
    seconds = start + 3600 * np.arange(kw.shape[1])
    keep = np.ones(kw.shape, dtype=bool)
    keep[1, 24 * 150 : 24 * 151] = False  # a missing day
    kw[2, 10] = -1.0  # a negative reading
    meter = np.repeat(np.arange(len(METER_IDS)), kw.shape[1]).reshape(kw.shape)[keep]
    ts, kwh = np.broadcast_to(seconds, kw.shape)[keep], kw[keep]
    repeat = 5  # the grow's sixth reading, again with another kWh
    meter, ts = np.insert(meter, repeat, meter[repeat]), np.insert(ts, repeat, ts[repeat])
    kwh = np.insert(kwh, repeat, 9.0)
    return pa.table({"meter_id": string_array(np.asarray(METER_IDS, dtype=object)[meter].tolist()),
                     "ts": arrow_array(ts, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
                     "kwh": arrow_array(kwh, pa.float64())})


def read_made_up(settings: Settings) -> tuple[ReadingsChunk, InputStats]:
    """The made-up meters' readings, written to a temporary Parquet file and read back by the scan's reader."""
    with tempfile.TemporaryDirectory(prefix="wattwatch-warm-") as folder:
        path = Path(folder) / "readings.parquet"
        pq.write_table(made_up_readings(), path)
        reader = ChunkReader(np.array(METER_IDS, dtype=object), file_row_groups([path]), settings, None)
        return reader.read(0, np.arange(len(METER_IDS)), {0})


def warm_up(settings: Settings | None = None) -> dict[str, np.ndarray]:
    """Read the made-up meters and run the per-meter stage on them (the theft on a feeder); returns its outputs."""
    settings = settings or Settings()
    chunk, _ = read_made_up(settings)
    ids = np.array(METER_IDS, dtype=object)
    meters = MeterTable(ids, np.zeros(ids.size, dtype=np.int64), np.zeros(ids.size, dtype=bool))
    ctx = StageContext.build(meters, settings, FIRST_DAY, N_DAYS, np.where(ids == "theft", 0, -1), 1)
    return meter_stage(ctx, chunk)
