"""Scale: `wattwatch scan` end to end on N meter-years of hourly readings vs a plain DuckDB GROUP BY on the same file.

Run:  .venv/bin/python benchmarks/scale.py                 (N = 10k, 30k, 100k: needs ~8 GB disk and an idle machine)
      .venv/bin/python benchmarks/scale.py --n 10000       (one size; --n is repeatable)
      options: --days D (default 365), --seed S, --workdir DIR (kept; default a temp dir, deleted), --json PATH

For each N it writes a premises register (CSV) and N meters x D days hourly readings as one Parquet file sorted by
meter_id and ts, then times, in the same run and one after the other:
  (a) `wattwatch scan --premises ... --readings-parquet ... --out ...` in a subprocess (ingest of the register,
      the streaming scan, leads.csv and report.html): wall time, and peak RSS polled from /proc (the process tree);
  (b) `SELECT meter_id, sum(kwh), count(*) FROM 'file.parquet' GROUP BY meter_id` in DuckDB, in a subprocess too.
It prints wall time, CPU time (scan and workers), readings/s, peak RSS, the ratio (a)/(b) and the scan's time per
meter for every N; the issue's floor is ratio <= 3, RSS < 8 GiB and flat, time per meter within +-20 % from 10k to
100k.

The readings are a realistic mix, generated vectorised in blocks of meters (bounded memory): households with a daily
shape (morning and evening peaks, weekend lift, seasonal heating), a share of businesses (opening hours, closed
Sundays), a few grows (an 18 h lamp block of 0.5-3 kW from a random day, switching to 12 h later) and thefts (use
falls to 30-70 % from a random day), with noise, gaps and the odd bad row (negative kWh) that the scan must reject.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SIZES = (10_000, 30_000, 100_000)
BLOCK_METERS = 500  # meters generated per block
GROUP_METERS = 100  # meters per Parquet row group (~0.9 M rows at a year hourly): chunks read little beyond their own
GROW_SHARE = 0.003
THEFT_SHARE = 0.003
BUSINESS_SHARE = 0.1
BAD_ROW_SHARE = 1e-5  # negative kWh rows the scan must reject
GAP_SHARE = 0.002  # readings missing at random
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measurement:
    n_meters: int
    n_readings: int
    scan_s: float
    scan_rss_gib: float
    scan_cpu_s: float  # user + system CPU seconds of the scan and its workers: steadier than wall on a busy machine
    groupby_s: float
    groupby_rss_gib: float

    @property
    def ratio(self) -> float:
        return self.scan_s / self.groupby_s

    @property
    def ms_per_meter(self) -> float:
        return 1000.0 * self.scan_s / self.n_meters


def meter_ids(n: int) -> np.ndarray:
    return np.array([f"M{i:07d}" for i in range(n)], dtype=object)


def household_kw(rng: np.random.Generator, k: int, hours: np.ndarray) -> np.ndarray:
    """[k, h] kW: daily shape x level x seasonal heating, with noise."""
    hour = (hours % 24).astype(np.float64)
    day = hours // 24
    weekday = (day + START.weekday()) % 7
    shape = (0.35 + 0.5 * np.exp(-((hour - 8.0) ** 2) / 3.0) + 1.0 * np.exp(-((hour - 19.5) ** 2) / 5.0)
             + 0.15 * (weekday >= 5))
    season = 1.0 + 0.35 * np.cos(2 * np.pi * (day - 15) / 365.0)
    level = rng.lognormal(-0.6, 0.5, size=(k, 1))
    shift = rng.integers(-2, 3, size=(k, 1))  # households keep their own clock
    shaped = np.take_along_axis(np.broadcast_to(shape, (k, hours.size)), (np.arange(hours.size)[None, :] + shift)
                                % hours.size, axis=1)
    return level * shaped * season * rng.lognormal(0.0, 0.35, size=(k, hours.size))


def business_kw(rng: np.random.Generator, k: int, hours: np.ndarray) -> np.ndarray:
    hour = hours % 24
    weekday = (hours // 24 + START.weekday()) % 7
    opens = rng.integers(7, 10, size=(k, 1))
    closes = rng.integers(17, 22, size=(k, 1))
    open_now = (hour[None, :] >= opens) & (hour[None, :] < closes) & (weekday[None, :] != 6)
    level = rng.lognormal(1.0, 0.7, size=(k, 1))
    return level * (0.25 + open_now) * rng.lognormal(0.0, 0.2, size=(k, hours.size))


def add_grows(rng: np.random.Generator, kw: np.ndarray, rows: np.ndarray, hours: np.ndarray) -> None:
    n_days = hours.size // 24
    for row in rows:
        start = int(rng.integers(n_days // 6, n_days // 2))
        switch = start + int(rng.integers(n_days // 12, n_days // 6))
        on_hour = int(rng.integers(0, 24))
        lamp = float(rng.uniform(0.5, 3.0))
        day, hour = hours // 24, hours % 24
        length = np.where(day < switch, 18, 12)
        lit = (day >= start) & (((hour - on_hour) % 24) < length)
        kw[row] += lamp * lit


def add_thefts(rng: np.random.Generator, kw: np.ndarray, rows: np.ndarray, hours: np.ndarray) -> None:
    n_days = hours.size // 24
    for row in rows:
        start = int(rng.integers(n_days // 4, 3 * n_days // 4))
        kw[row, hours // 24 >= start] *= rng.uniform(0.3, 0.7)


def write_dataset(n: int, days: int, seed: int, workdir: Path) -> tuple[Path, Path, int]:
    """premises.csv and readings.parquet (sorted by meter_id, ts) for n meters; returns paths and readings written."""
    rng = np.random.default_rng(seed)
    ids = meter_ids(n)
    categories = np.where(rng.random(n) < BUSINESS_SHARE, "commercial", "residential")
    premises = workdir / "premises.csv"
    with open(premises, "w", encoding="utf-8") as f:
        f.write("premise_id,meter_id,category,address,city,latitude,longitude,floor_area_m2\n")
        cities = ("Tirane", "Durres", "Shkoder", "Elbasan", "Vlore")
        for i, meter in enumerate(ids):
            f.write(f"P{i:07d},{meter},{categories[i]},Rruga {i % 997} Nr {i % 89},{cities[i % 5]},"
                    f"{41.3 + (i % 100) / 1000:.4f},{19.8 + (i % 77) / 1000:.4f},{60 + i % 140}\n")
    hours = np.arange(days * 24, dtype=np.int64)
    t0 = int(START.timestamp())
    readings = workdir / "readings.parquet"
    schema = pa.schema([("meter_id", pa.string()), ("ts", pa.timestamp("s", tz="UTC")), ("kwh", pa.float64())])
    written = 0
    with pq.ParquetWriter(readings, schema, compression="snappy") as writer:
        for lo in range(0, n, BLOCK_METERS):
            rows = np.arange(lo, min(lo + BLOCK_METERS, n))
            business = categories[rows] == "commercial"
            kw = household_kw(rng, rows.size, hours)
            kw[business] = business_kw(rng, int(business.sum()), hours)
            add_grows(rng, kw, np.flatnonzero(rng.random(rows.size) < GROW_SHARE), hours)
            add_thefts(rng, kw, np.flatnonzero(rng.random(rows.size) < THEFT_SHARE), hours)
            kwh = np.round(kw, 3)
            kwh[rng.random(kwh.shape) < BAD_ROW_SHARE] = -1.0
            keep = rng.random(kwh.shape) >= GAP_SHARE
            index = np.repeat(np.arange(rows.size, dtype=np.int32), hours.size).reshape(kwh.shape)[keep]
            meter = pa.DictionaryArray.from_arrays(index, pa.array(ids[rows], pa.string())).cast(pa.string())
            ts = (t0 + 3600 * np.broadcast_to(hours, kwh.shape))[keep]
            table = pa.table({"meter_id": meter,
                              "ts": pa.array(ts, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
                              "kwh": pa.array(kwh[keep])}, schema=schema)
            writer.write_table(table, row_group_size=GROUP_METERS * hours.size)
            written += table.num_rows
    return premises, readings, written


def run_measured(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, peak RSS GiB of the process tree, CPU seconds of the tree), both polled from /proc every 50 ms.
    CPU is each process's last polled user + system time, summed (its last 50 ms are missed): the scan's workers
    come from a fork server that the scan does not wait for, so the children's rusage would not hold them."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    cpu_of: dict[int, float] = {}
    while process.poll() is None:
        rss, cpu = tree_usage(process.pid)
        peak = max(peak, rss)
        cpu_of.update(cpu)
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{process.stderr.read().decode(errors='replace')[-3000:]}")
    return wall, peak / 2**30, sum(cpu_of.values())


def tree_usage(pid: int) -> tuple[int, dict[int, float]]:
    """Resident memory of a process and its descendants (Linux /proc), and each one's CPU seconds so far."""
    total = 0
    cpu = {}
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/stat") as f:
                utime, stime = f.read().rsplit(")", 1)[1].split()[11:13]
            cpu[p] = (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")
            with open(f"/proc/{p}/task/{p}/children") as f:
                pending.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total, cpu


def measure(n: int, days: int, seed: int, workdir: Path) -> Measurement:
    premises, readings, n_readings = write_dataset(n, days, seed, workdir)
    python = sys.executable
    out = workdir / "scan"
    scan_s, scan_rss, scan_cpu = run_measured(
        [python, "-m", "wattwatch", "scan", "--premises", str(premises), "--readings-parquet", str(readings),
         "--out", str(out), "--timezone", "Europe/Tirane"], ROOT)
    query = (f"import duckdb; duckdb.sql(\"SELECT meter_id, sum(kwh), count(*) FROM '{readings}' GROUP BY meter_id\")"
             ".fetchall()")
    groupby_s, groupby_rss, _ = run_measured([python, "-c", query], ROOT)
    return Measurement(n, n_readings, scan_s, scan_rss, scan_cpu, groupby_s, groupby_rss)


def table(results: list[Measurement]) -> str:
    lines = [f"{'meters':>8} {'readings':>12} {'scan s':>8} {'CPU s':>7} {'readings/s':>12} {'RSS GiB':>8} "
             f"{'GROUP BY s':>10} {'ratio':>6} {'ms/meter':>9}"]
    for r in results:
        lines.append(f"{r.n_meters:>8,} {r.n_readings:>12,} {r.scan_s:>8.1f} {r.scan_cpu_s:>7.1f} "
                     f"{r.n_readings / r.scan_s:>12,.0f} "
                     f"{r.scan_rss_gib:>8.2f} {r.groupby_s:>10.2f} {r.ratio:>6.1f} {r.ms_per_meter:>9.2f}")
    if len(results) > 1:
        per = [r.ms_per_meter for r in results]
        lines.append(f"time per meter: {min(per):.2f}-{max(per):.2f} ms ({100 * (max(per) / min(per) - 1):.0f} % "
                     f"spread); peak RSS {min(r.scan_rss_gib for r in results):.2f}-"
                     f"{max(r.scan_rss_gib for r in results):.2f} GiB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="meters (repeatable; default 10k, 30k, 100k)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep the generated files here (default: a temp dir, deleted)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    results = []
    for n in args.n or SIZES:
        workdir = args.workdir / f"n{n}" if args.workdir else Path(tempfile.mkdtemp(prefix=f"wattwatch-scale-{n}-"))
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            results.append(measure(n, args.days, args.seed, workdir))
            print(table(results[-1:]).splitlines()[-1], flush=True)
        finally:
            if not args.workdir:
                shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) | {"ratio": r.ratio, "ms_per_meter": r.ms_per_meter}
                                         for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
