"""The Spark engine: the Parquet fast path (engine.parquet) with the readings on PySpark, for data beyond one machine.

The register — premises, feeders, and so the meter list — is small and comes from the store, validated by ingest,
exactly as for the Parquet fast path (this class inherits those parts). Spark does what grows with the readings: read
the Parquet files (on any file system Spark reads: file:, hdfs:, s3a:, ...), find the first and last instant, number
each reading's meter with the driver's MeterTable (a broadcast join), and move each chunk of meters to one task
(groupBy(chunk).applyInArrow). There the chunk gets the fast path's checks and reaches the same NumPy kernel as on
DuckDB, as a ReadingsChunk sorted by (meter row, UTC second) (engine.spark_chunks). Same chunks, same kernels, same
order of every sum: both engines give identical leads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from wattwatch.engine.base import ChunkKernel, Progress, ReadingsChunk, concat_outputs
from wattwatch.engine.chunking import ReadingsBatch, as_chunk, chunk_rows
from wattwatch.engine.duckdb import day_range
from wattwatch.engine.parquet import COLUMNS, InputStats, ParquetEngine, rejected_rows
from wattwatch.engine.spark_chunks import (
    OUTPUT_SCHEMA,
    RAW_COLUMNS,
    REJECTED_SCHEMA as REJECTED_ROWS,
    UNKNOWN_METERS_CHUNK,
    ChunkCollector,
    checked_chunk,
    chunk_task,
)
from wattwatch.engine.spark_progress import HighWater, polled
from wattwatch.engine.spark_session import spark_session
from wattwatch.errors import InputError
from wattwatch.settings import Settings

NO_METER_ID = -2  # meter_row of a reading without a meter id (core.reading_checks)
CHUNKS_PER_FETCH = 8  # chunks per partition the driver fetches: ~450 meter-years x ~8 kB of outputs each


class SparkEngine(ParquetEngine):
    """Readings from Parquet files on Spark, register from the store `con` (see the module doc)."""

    name = "spark"

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings, paths: Sequence[str | Path],
                 rejected_dir: Path | None = None, session=None):
        super().__init__(con, settings, [], rejected_dir, workers=1)  # the files are Spark's to read, anywhere
        self.paths = [str(p) for p in paths]
        self.spark = session or spark_session()
        # instants stay instants, and a timestamp without a zone reads as UTC, as on the fast path: also when the
        # session came from spark-submit with the cluster's own zone
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")

    def _raw_readings(self, chunks: list[np.ndarray], only: list[str] | None = None):
        """Every row of the files (or the rows of the meter ids `only`) as RAW_COLUMNS plus its chunk, numbered
        with the driver's MeterTable."""
        from pyspark.sql import functions as F

        df = self.spark.read.parquet(*self.paths)
        if only is not None:  # pushed down to the Parquet reader: row groups of other meters are skipped
            df = df.where(F.col("meter_id").isin(only))
        if not set(COLUMNS) <= set(df.columns):
            raise InputError(", ".join(self.paths), f"readings Parquet with columns {', '.join(sorted(df.columns))}",
                             expected=f"columns {', '.join(COLUMNS)}")
        flag = F.coalesce(F.col("zero_as_missing").cast("boolean"), F.lit(False)) \
            if "zero_as_missing" in df.columns else F.lit(False)
        ts = F.col("ts").cast("timestamp")  # a naive timestamp reads as UTC: the session's time zone
        known = F.col("meter_row").isNotNull()
        return (
            df.select(F.col("meter_id").cast("string").alias("meter_id"), ts.alias("ts"),
                      F.col("kwh").cast("double").alias("kwh"), flag.alias("zero_as_missing"))
            .join(F.broadcast(self._meter_rows(chunks)), "meter_id", "left")
            .select(
                F.coalesce("chunk", F.lit(UNKNOWN_METERS_CHUNK).cast("long")).alias("chunk"),
                F.when(known, F.col("meter_row")).when(F.col("meter_id").isNull(), NO_METER_ID)
                .otherwise(-1).cast("long").alias("meter_row"),
                F.coalesce(F.unix_seconds("ts"), F.lit(0).cast("long")).alias("utc_seconds"),
                F.col("ts").isNotNull().alias("has_time"),
                F.coalesce("kwh", F.lit(float("nan"))).alias("kwh"),
                F.col("kwh").isNotNull().alias("has_kwh"),
                "zero_as_missing",
                F.when(~known, F.col("meter_id")).alias("meter_id"),
            )
        )

    def _meter_rows(self, chunks: list[np.ndarray]):
        """meter_id -> MeterTable row and chunk (-2 for meters in none), from the driver's MeterTable."""
        meters = self.meter_table()
        chunk = np.full(len(meters.meter_ids), -2, dtype=np.int64)
        for index, rows in enumerate(chunks):
            chunk[rows] = index
        return self.spark.createDataFrame(pa.table({
            "meter_id": pa.array(meters.meter_ids.tolist(), pa.string()),
            "meter_row": pa.array(np.arange(len(meters.meter_ids), dtype=np.int64)),
            "chunk": pa.array(chunk),
        }))

    def day_range(self, timezone_name: str) -> tuple[date, int]:
        """Spark finds the first and last instant; the driver turns them into local days with the DuckDB query."""
        from pyspark.sql import functions as F

        df = self.spark.read.parquet(*self.paths).select(F.col("ts").cast("timestamp").alias("ts"))
        extremes = df.agg(F.min("ts").alias("first"), F.max("ts").alias("last")).toArrow()
        ts = pa.concat_arrays([extremes["first"].combine_chunks(), extremes["last"].combine_chunks()])
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.register("readings", pa.table({"ts": ts}))
        return day_range(con, timezone_name)

    def map_chunks(self, kernel: ChunkKernel, meters_per_chunk: int, progress: Progress | None = None
                   ) -> dict[str, np.ndarray]:
        """Apply `kernel` to every chunk of the register's meters, in parallel on Spark (see the module doc).

        Each chunk also gets one marker row (a meter row no chunk holds), so a chunk whose meters have no readings
        still reaches its kernel, as on DuckDB. The outputs are cached on the executors' disks, so every chunk runs
        at once, then streamed to the driver one partition of a few chunks at a time: the driver's JVM never holds
        more than that, and each fetch stays under spark.driver.maxResultSize.
        """
        from pyspark import StorageLevel

        # the chunks of the Parquet fast path (engine.parquet): same chunks, same order of every per-chunk sum
        chunks = chunk_rows(np.arange(len(self.meter_table().meter_ids)), meters_per_chunk)
        n = len(chunks)
        markers = self.spark.createDataFrame(pa.table({
            "chunk": pa.array(np.arange(n, dtype=np.int64)),
            "meter_row": pa.array(np.full(n, NO_METER_ID, dtype=np.int64)),
            "utc_seconds": pa.array(np.zeros(n, dtype=np.int64)),
            "has_time": pa.array(np.ones(n, dtype=bool)),
            "kwh": pa.array(np.zeros(n)),
            "has_kwh": pa.array(np.ones(n, dtype=bool)),
            "zero_as_missing": pa.array(np.zeros(n, dtype=bool)),
            "meter_id": pa.array([None] * n, pa.string()),
        }))
        readings = self._raw_readings(chunks).unionByName(markers)
        meters_done = self.spark.sparkContext.accumulator(0)  # chunk tasks add their meters (engine.spark_progress)
        task = chunk_task(kernel, chunks, self.settings, meters_done)
        outputs = readings.groupBy("chunk").applyInArrow(task, OUTPUT_SCHEMA)
        # a few chunks per partition, so each fetch to the driver stays small whatever the number of meters
        outputs = outputs.repartition(max(1, -(-n // CHUNKS_PER_FETCH)), "chunk").persist(StorageLevel.DISK_ONLY)
        meters = HighWater(progress, sum(len(rows) for rows in chunks))
        try:
            with polled(lambda: meters_done.value, meters):  # the bar moves while Spark computes
                outputs.count()
            collected = 0

            def chunk_collected(n: int) -> None:
                nonlocal collected
                collected += n
                meters.to(collected)

            collector = ChunkCollector(chunk_collected)
            for row in outputs.toLocalIterator():
                collector.add(row.chunk, row.n_arrays, row.key, row.dtype, row.shape, row.data)
            parts = collector.finish()
        finally:
            outputs.unpersist()
        self._account(collector.accepted, collector.rejected)
        return concat_outputs(parts)

    def _account(self, accepted: int, rejected: list[pa.Table]) -> None:
        """Rows in = accepted + rejected (engine.parquet.InputStats); the rejected rows, with their reason, go to
        rejected_dir as the fast path writes them."""
        rejected = pa.concat_tables(rejected, promote_options="none") if rejected else REJECTED_ROWS.empty_table()
        self.stats = InputStats(rows_in=accepted + rejected.num_rows, accepted=accepted)
        meter_row = rejected["meter_row"].to_numpy()
        known = np.asarray(self.meter_table().meter_ids, dtype=object)[np.maximum(meter_row, 0)] \
            if len(self.meter_table().meter_ids) else np.full(meter_row.size, None, dtype=object)
        ids = pa.array(np.where(meter_row >= 0, known, rejected["meter_id"].to_numpy(zero_copy_only=False)).tolist(),
                       pa.string())
        rows = ReadingsBatch(meter_row, rejected["utc_seconds"].to_numpy(), rejected["kwh"].to_numpy(),
                             np.zeros(meter_row.size, dtype=bool))
        every = np.ones(meter_row.size, dtype=bool)
        named = rejected_rows(ids, rows, rejected["has_time"].to_numpy(zero_copy_only=False),
                              rejected["has_kwh"].to_numpy(zero_copy_only=False), rejected["fault"].to_numpy(),
                              every, self.stats)
        if self.rejected_dir is not None:
            self.rejected_dir.mkdir(parents=True, exist_ok=True)
            for old in self.rejected_dir.glob("part-*.parquet"):
                old.unlink()
            pq.write_table(named, self.rejected_dir / "part-000000.parquet")

    def readings(self, rows: np.ndarray) -> ReadingsChunk:
        """The readings of a few meters (the report's top leads), each meter checked on its own as the fast path
        reads them, as one chunk."""
        from pyspark.sql import functions as F

        rows = np.unique(np.asarray(rows, dtype=np.int64))
        ids = [str(m) for m in self.meter_table().meter_ids[rows]]
        table = self._raw_readings([rows], ids).where(F.col("chunk") == 0).select(*RAW_COLUMNS).toArrow()
        chunks = [checked_chunk(table, rows[i : i + 1], self.settings).chunk for i in range(rows.size)]
        return as_chunk([ReadingsBatch(c.meter_row, c.utc_seconds, c.kwh, c.zero_as_missing) for c in chunks], rows)
