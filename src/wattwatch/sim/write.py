"""Writing a city to files: CSV for registers, sales and truth, Parquet for the big time series."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
import pyarrow.parquet as pq

from .city import City


def iso_with_offset(ts: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Tz-aware timestamps as ISO-8601 local time with the UTC offset, e.g. 2025-03-30T03:00:00+02:00."""
    seconds = ts.cast(pa.timestamp("s", tz=ts.type.tz))  # %S would print microseconds otherwise
    text = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S%z")
    return pc.replace_substring_regex(text, pattern=r"([+-]\d\d)(\d\d)$", replacement=r"\1:\2")


def _with_iso_time(table: pa.Table) -> pa.Table:
    i = table.schema.get_field_index("timestamp")
    return table.set_column(i, "timestamp", iso_with_offset(table["timestamp"]))


def write_city(city: City, out_dir: Path) -> dict[str, Path]:
    """Writes every table; returns {table name: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "premises": out_dir / "premises.csv",
        "readings": out_dir / "readings.parquet",
        "register_reads": out_dir / "register_reads.csv",
        "sales": out_dir / "sales.csv",
        "stores": out_dir / "stores.csv",
        "feeders": out_dir / "feeders.parquet",
        "truth": out_dir / "truth.csv",
        "sales_truth": out_dir / "sales_truth.csv",
    }
    csv.write_csv(city.premises, paths["premises"])
    pq.write_table(city.readings, paths["readings"], compression="zstd", row_group_size=1 << 20)
    csv.write_csv(_with_iso_time(city.register_reads), paths["register_reads"])
    csv.write_csv(_with_iso_time(city.sales), paths["sales"])
    csv.write_csv(city.stores, paths["stores"])
    pq.write_table(city.feeders, paths["feeders"], compression="zstd")
    csv.write_csv(city.truth, paths["truth"])
    csv.write_csv(city.sales_truth, paths["sales_truth"])
    return paths
