"""Build small stores for the scan tests by inserting rows straight into the tables (no ingestion involved)."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa


def insert_readings(con, rows: list[tuple[str, datetime, float, bool]]) -> None:
    """rows: (meter_id, tz-aware interval start, kwh, zero_as_missing); bulk insert through Arrow (fast)."""
    meter, ts, kwh, missing = zip(*rows) if rows else ((), (), (), ())
    table = pa.table(
        {
            "meter_id": pa.array(meter, pa.string()),
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "kwh": pa.array(kwh, pa.float64()),
            "zero_as_missing": pa.array(missing, pa.bool_()),
        }
    )
    con.register("new_readings", table)
    con.execute("INSERT INTO readings SELECT meter_id, ts, kwh, zero_as_missing, 1 FROM new_readings")
    con.unregister("new_readings")


def insert_meters(con, rows: list[tuple[str, str, int | None, datetime, datetime]]) -> None:
    """rows: (meter_id, resolution, interval_minutes, first_ts, last_ts)."""
    con.executemany("INSERT INTO meters VALUES (?, ?, ?, ?, ?, 0, 0)", rows)


def insert_premises(con, rows: list[tuple[str, str, str, str]], holder: str = "Arben Hoxha") -> None:
    """rows: (premise_id, meter_id, category, city); personal fields get fixed values a test can look for."""
    con.executemany(
        "INSERT INTO premises VALUES (?, ?, ?, 'Rruga e Kavajes 1', ?, 41.33, 19.82, ?, '+355 69 000 0000',"
        " NULL, NULL, NULL, 1)",
        [(p, m, c, city, holder) for p, m, c, city in rows],
    )
