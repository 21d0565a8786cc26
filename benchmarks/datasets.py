"""Benchmark datasets: input files for the pipeline plus per-premises ground truth.

(a) the demo simulator (wattwatch.sim) with a seed of its own and simulated backgrounds; (b) real backgrounds with
independently planted cases (benchmarks.realcity); (c) the same backgrounds with cases from a held-out-style planter
(benchmarks.plant_variants). Each has a monthly twin for the billing metric: every interval
meter's readings summed into irregular monthly reads (benchmarks.datasets.billing_twin).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

LOOKALIKE_LABELS = ("crypto", "ev", "night_shift", "heating", "growth", "greenhouse", "pool_pump")  # pool_pump: (c) only
NEGATIVE_LABELS = ("normal",) + LOOKALIKE_LABELS
VISIBLE_LAMP_KW = 0.4  # metered lamp power under this is lost in an ordinary household's own variation


@dataclass(frozen=True)
class Truth:
    """Per premises (the meter cases were planted on)."""

    premise_id: np.ndarray  # str
    meter_id: np.ndarray  # str
    label: np.ndarray  # grow | theft | a look-alike | normal
    grow_visible: np.ndarray  # bool: a grow whose metered lamp power can be seen
    theft: np.ndarray  # bool: a theft, or a grow that bypasses the whole premises (the meter shows a drop)
    billing: np.ndarray  # bool: the meter reads monthly
    notes: np.ndarray  # str

    @property
    def negative(self) -> np.ndarray:
        return np.isin(self.label, NEGATIVE_LABELS)

    @property
    def lookalike(self) -> np.ndarray:
        return np.isin(self.label, LOOKALIKE_LABELS)

    def take(self, keep: np.ndarray) -> "Truth":
        return Truth(**{k: v[keep] for k, v in self.__dict__.items()})


@dataclass(frozen=True)
class Dataset:
    key: str  # a | b
    title: str
    files: dict[str, list[Path]]  # ingest kind -> files
    truth: Truth
    timezone: str
    monthly_meters: np.ndarray  # str: the meters whose monthly twin makes the billing dataset
    sales_truth: Path | None = None  # sales_truth.csv (sale_id, premise_id, buyer_entity, role) when sales are given


def simulator_dataset(workdir: Path, seed: int, n_premises: int, days: int, start: str | None = None) -> Dataset:
    """The demo city, simulated backgrounds only (real backgrounds are dataset b's job), from `start` (default: the
    simulator's own first day)."""
    from wattwatch.sim import CityConfig, generate_city, write_city

    config = CityConfig(seed=seed, n_premises=n_premises, days=days, real_data=None,
                        **({"start": start} if start else {}))
    paths = write_city(generate_city(config), workdir)
    files = {k: [p] for k, p in paths.items() if k in ("premises", "stores", "readings", "register_reads",
                                                         "feeders", "sales")}
    truth = _sim_truth(paths["truth"])
    return Dataset("a", f"simulator (seed {seed}, {n_premises} premises x {days} d)", files, truth,
                   config.timezone, truth.meter_id, paths["sales_truth"])


def _sim_truth(path: Path) -> Truth:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    col = lambda name: np.array([r[name] for r in rows], dtype=object)  # noqa: E731
    label, notes = col("label"), col("notes")
    whole_bypass = np.array(["bypass=whole premises" in n for n in notes])
    visible = col("visible") == "true"
    return Truth(col("premise_id"), col("meter_id"), label, (label == "grow") & visible & ~whole_bypass,
                 (label == "theft") | ((label == "grow") & whole_bypass),
                 np.array(["resolution=billing" in n for n in notes]), notes)


def periods_by_day(rng: np.random.Generator, n_meters: int, n_days: int) -> np.ndarray:
    """Billing period index of every (meter, day): periods of 28-33 days from a first read in the first two weeks;
    -1 before the first read and after the last full period."""
    out = np.full((n_meters, n_days), -1, np.int64)
    for i in range(n_meters):  # a dozen periods per meter
        day, k = int(rng.integers(0, 15)), 0
        while True:
            length = int(rng.integers(28, 34))
            if day + length > n_days:
                break
            out[i, day:day + length] = k
            day, k = day + length, k + 1
    return out


_TWIN = """
WITH r AS (
    SELECT meter_id, datediff('day', $first::DATE, CAST(timezone($tz, ts) AS DATE)) AS di, kwh FROM readings
    WHERE meter_id IN (SELECT meter_id FROM twin_days)
)
SELECT t.meter_id, min(t.di) AS first_di, count(DISTINCT t.di) AS n_days, sum(r.kwh) AS kwh, count(r.kwh) AS n,
       any_value(60 * 24 / m.interval_minutes) AS per_day
FROM twin_days t JOIN meters m USING (meter_id) LEFT JOIN r ON r.meter_id = t.meter_id AND r.di = t.di
GROUP BY t.meter_id, t.period ORDER BY 1, 2
"""


def billing_twin(con: duckdb.DuckDBPyConnection, meter_ids: np.ndarray, tz: str, rng: np.random.Generator,
                 out: Path) -> Path:
    """Monthly reads for the given meters from the store's readings, written as a readings Parquet file.

    Interval meters: each period's kWh is scaled up by its coverage (a register counts through data gaps); a period
    with no reading at all is left out. Meters that already read monthly keep their reads.
    """
    (first, last), = con.execute(
        "SELECT CAST(timezone($tz, min(ts)) AS DATE), CAST(timezone($tz, max(ts)) AS DATE) FROM readings",
        {"tz": tz}).fetchall()
    n_days = (last - first).days + 1
    interval = np.array(con.execute("SELECT meter_id FROM meters WHERE resolution <> 'billing'").fetchnumpy()
                        ["meter_id"], dtype=object)
    ids = np.array(sorted(set(map(str, meter_ids)) & set(map(str, interval))), dtype=object)
    period = periods_by_day(rng, len(ids), n_days)
    m, d = np.nonzero(period >= 0)
    con.register("twin_days_arrow", pa.table({"meter_id": ids[m].astype(str), "di": d, "period": period[m, d]}))
    con.execute("CREATE OR REPLACE TEMP TABLE twin_days AS SELECT * FROM twin_days_arrow")
    con.unregister("twin_days_arrow")
    cols = con.execute(_TWIN, {"tz": tz, "first": first}).fetchnumpy()
    con.execute("DROP TABLE twin_days")
    n = np.asarray(cols["n"], np.float64)
    keep = n > 0
    kwh = np.asarray(cols["kwh"], np.float64)[keep] * (cols["n_days"] * cols["per_day"])[keep] / n[keep]
    start_days = np.datetime64(first) + cols["first_di"][keep].astype(np.int64)
    twin = pa.table({"meter_id": pa.array(cols["meter_id"][keep].astype(str)),
                     "timestamp": _local_midnights(start_days, tz),
                     "kwh": np.round(kwh, 2)})
    native = con.execute("""SELECT r.meter_id, epoch_us(r.ts) AS us, r.kwh FROM readings r
                            JOIN meters m USING (meter_id)
                            WHERE m.resolution = 'billing' AND NOT r.zero_as_missing""").fetchnumpy()
    keep = np.isin(np.asarray(native["meter_id"], dtype=object), meter_ids)
    if keep.any():
        twin = pa.concat_tables([twin, pa.table({
            "meter_id": pa.array(np.asarray(native["meter_id"], dtype=object)[keep].astype(str)),
            "timestamp": pa.array(native["us"][keep], pa.timestamp("us", tz=tz)),
            "kwh": np.asarray(native["kwh"], np.float64)[keep]})])
    pq.write_table(twin, out)
    return out


def _local_midnights(days: np.ndarray, tz: str) -> pa.Array:
    zone = ZoneInfo(tz)
    unique, inverse = np.unique(days, return_inverse=True)
    utc_us = np.array([int(datetime.combine(date.fromisoformat(str(d)), datetime.min.time(), zone).timestamp())
                       for d in unique], np.int64)[inverse] * 1_000_000
    return pa.array(utc_us, pa.timestamp("us", tz=tz))
