"""Data on disk for the shared engine suite (the same readings for every engine, a store holding the register), and
the engines over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from wattwatch.engine.parquet import ParquetEngine
from wattwatch.engine.spark import SparkEngine
from wattwatch.ingest import ingest_file
from wattwatch.settings import Settings
from wattwatch.sim import CityConfig, generate_city, write_city
from wattwatch.store import connect

# Spark's tests take minutes on 2 busy cores (JVM start, one job per step): CI runs them with -m slow.
ENGINES = ("duckdb", pytest.param("spark", marks=pytest.mark.slow))


@dataclass(frozen=True)
class OnDisk:
    """A store holding the premises register, and its readings as Parquet twice: one file sorted by meter (the
    DuckDB fast path needs that) and a folder of shuffled parts (what a cluster writes; Spark does not care)."""

    store: Path
    sorted_readings: Path
    readings_parts: Path


def write_readings(table: pa.Table, folder: Path, n_parts: int = 3) -> tuple[Path, Path]:
    """The readings sorted by (meter_id, ts, kwh) in one file, and dealt round-robin into n_parts files."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = table.sort_by([("meter_id", "ascending"), ("ts", "ascending"), ("kwh", "ascending")])
    pq.write_table(ordered, folder / "readings.parquet")
    parts = folder / "readings_parts"
    parts.mkdir()
    for part in range(n_parts):
        pq.write_table(table.take(list(range(part, table.num_rows, n_parts))), parts / f"part-{part:05d}.parquet")
    return folder / "readings.parquet", parts


def register_store(path: Path, meter_ids: list[str]) -> Path:
    """A store whose premises register holds these meters, one premises each."""
    con = connect(path)
    try:
        con.executemany(
            "INSERT INTO premises VALUES (?, ?, 'residential', NULL, 'Tirane', 41.33, 19.82, NULL, NULL, NULL, "
            "NULL, NULL, 1)", [(f"P-{m}", m) for m in meter_ids])
    finally:
        con.close()
    return path


# Small enough for seconds per engine, with every resolution, billing and register meters, feeders and cases.
CITY = CityConfig(seed=5, n_premises=150, days=120, start="2025-02-15", grow_rate=0.08, theft_rate=0.04,
                  lookalike_rate=0.02)


def build_city(folder: Path) -> OnDisk:
    """The demo city ingested into a store (register, feeders, and readings with ingest's zero-run flags), and the
    store's interval readings exported as Parquet."""
    files = write_city(generate_city(CITY), folder / "files")
    store = folder / "city.duckdb"
    con = connect(store)
    try:
        for kind in ("premises", "readings", "register_reads", "feeders"):
            ingest_file(con, kind, files[kind], timezone=CITY.timezone)
        # the fast path takes interval readings: billing meters stay in the register, without readings
        readings = con.execute(
            "SELECT meter_id, ts, kwh, zero_as_missing FROM readings JOIN meters USING (meter_id) "
            "WHERE resolution <> 'billing'").to_arrow_table()
    finally:
        con.close()
    readings = readings.set_column(1, "ts", pc.cast(readings["ts"], pa.timestamp("us", tz="UTC")))
    return OnDisk(store, *write_readings(readings, folder))


def make_engine(name: str, request, con, settings: Settings, data, rejected_dir=None):
    """The named engine over `data` (engine_data.OnDisk): DuckDB reads the sorted file, Spark the shuffled parts."""
    if name == "duckdb":
        return ParquetEngine(con, settings, [data.sorted_readings], rejected_dir)
    return SparkEngine(con, settings, [str(data.readings_parts)], rejected_dir,
                       session=request.getfixturevalue("spark"))
