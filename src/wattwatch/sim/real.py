"""Real meter series as backgrounds: SGSC households, Cambridge buildings, VDI 4657 reference profiles.

Each source is read (read-only, with DuckDB) into a days x time-of-day matrix on its local clock, missing values
filled from the same slot a week or a day before. A premises takes one series, re-aligned onto the simulator's
days so that weekdays match (the series is shifted and wrapped by whole weeks) and scaled to the premises' size.
Data stays where it is: nothing is copied into the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from .calendar import DAY_S, Grid, TimeAxis


@dataclass(frozen=True)
class RealSeries:
    source: str  # sgsc | cambridge | vdi
    name: str
    step_min: int
    values: np.ndarray  # (days, slots) float32 kW on the source's local clock, no NaN
    first_day: np.datetime64  # date of values[0]
    categories: tuple[str, ...]
    season_shift: int = 0  # days to shift so seasons match Albania (southern hemisphere: half a year)


SGSC = "sgsc_households/sgsc_halfhourly.parquet"
CAMBRIDGE = "cambridge_estates/electricity_hourly.parquet"
VDI = "vdi4657_pieg_strom_profiles/vdi4657_reference_profiles_15min.parquet"


def _vdi_categories(name: str) -> tuple[str, ...]:
    if name.startswith("LP_W_"):
        return ("residential",)
    if name in ("LP_G_MV", "LP_G_G"):
        return ("industrial",)
    if name.startswith("LP_G"):
        return ("commercial",)
    if name.startswith("LP_Ö"):
        return ("public",)
    if name.startswith("LP_L"):
        return ("agricultural",)
    return ()


def fill_missing(m: np.ndarray) -> np.ndarray:
    """NaN slots take the value a week before, else a day before, else after, else the series median."""
    m = m.copy()
    for lag in (7, 1, -7, -1):
        gap = np.isnan(m)
        if not gap.any():
            break
        shifted = np.roll(m, lag, axis=0)
        if lag > 0:
            shifted[:lag] = np.nan
        else:
            shifted[lag:] = np.nan
        m[gap] = shifted[gap]
    m[np.isnan(m)] = np.nanmedian(m) if np.isfinite(m).any() else 0.0
    return m


def _to_matrix(day: np.ndarray, slot: np.ndarray, value: np.ndarray, slots: int) -> tuple[np.ndarray, np.datetime64]:
    first = day.min()
    n_days = int((day.max() - first).astype(np.int64)) + 1
    m = np.full((n_days, slots), np.nan, np.float32)
    m[(day - first).astype(np.int64), slot] = value
    return fill_missing(m), first


def _series(con: duckdb.DuckDBPyConnection, sql: str, slots: int, kw_per_unit: float, source: str, step: int,
            categories_of, min_days: int, season_shift: int = 0) -> list[RealSeries]:
    cols = con.execute(sql).fetchnumpy()
    out = []
    order = np.argsort(cols["name"], kind="stable")
    names, starts = np.unique(cols["name"][order], return_index=True)
    bounds = np.append(starts, len(order))
    for i, name in enumerate(names):  # per source series: a few dozen
        sel = order[bounds[i]:bounds[i + 1]]
        value = np.asarray(cols["v"][sel], np.float32) * kw_per_unit
        value[value <= 0] = np.nan  # zeros in these sources are missing readings
        m, first = _to_matrix(cols["d"][sel].astype("datetime64[D]"), np.asarray(cols["slot"][sel], np.int64),
                              value, slots)
        cats = categories_of(str(name))
        if len(m) >= min_days and cats and np.isfinite(m).all() and m.mean() > 0:
            out.append(RealSeries(source, f"{source}:{name}", step, m, first, cats, season_shift))
    return out


def load_library(root: Path, rng: np.random.Generator, max_buildings: int = 40) -> list[RealSeries]:
    """Every usable real series under root (the shared real-data folder); sources that are absent are skipped."""
    con = duckdb.connect(":memory:")
    lib: list[RealSeries] = []
    if (root / SGSC).exists():
        lib += _series(con, f"""
            SELECT customer_id AS name, CAST(reading_datetime AS DATE) AS d,
                   (hour(reading_datetime) * 60 + minute(reading_datetime)) // 30 AS slot, general_supply_kwh AS v
            FROM read_parquet('{root / SGSC}')""", 48, 2.0, "sgsc", 30, lambda _: ("residential",), 300, 182)
    if (root / CAMBRIDGE).exists():
        buildings = sorted(r[0] for r in con.execute(
            f"SELECT DISTINCT building FROM read_parquet('{root / CAMBRIDGE}')").fetchall())
        chosen = [str(b) for b in rng.choice(buildings, min(max_buildings, len(buildings)), replace=False)]
        in_list = ", ".join(f"'{b}'" for b in chosen)
        lib += _series(con, f"""
            WITH b AS (SELECT building, timestamp, kwh, max(year(timestamp)) OVER (PARTITION BY building) AS last
                       FROM read_parquet('{root / CAMBRIDGE}') WHERE building IN ({in_list}))
            SELECT building AS name, CAST(timestamp AS DATE) AS d, hour(timestamp) AS slot, kwh AS v
            FROM b WHERE year(timestamp) >= last - 1""", 24, 1.0, "cambridge", 60,
                       lambda _: ("public", "commercial"), 300)
    if (root / VDI).exists():
        # stored as UTC instants of a German standard-time (UTC+1) year
        lib += _series(con, f"""
            SELECT profile AS name, CAST(to_timestamp(epoch(timestamp) + 3600) AT TIME ZONE 'UTC' AS DATE) AS d,
                   ((CAST(epoch(timestamp) AS BIGINT) + 3600) % 86400) // 900 AS slot, load_w AS v
            FROM read_parquet('{root / VDI}')""", 96, 0.001, "vdi", 15, _vdi_categories, 360)
    con.close()
    return lib


def source_days(series: RealSeries, axis: TimeAxis, rng: np.random.Generator) -> np.ndarray:
    """For each simulated day, the source day to use: same weekday, similar season, wrapped by whole weeks."""
    n_src = len(series.values)
    period = 364 * max(1, n_src // 364) if n_src >= 364 else 7 * (n_src // 7)
    target = np.datetime64(axis.start) + series.season_shift + int(rng.integers(-21, 22))
    offset = int((target - series.first_day).astype(np.int64)) % 365
    src_weekday = (int(series.first_day.astype(np.int64)) + offset + 3) % 7
    offset += (int(axis.weekday[0]) - src_weekday) % 7
    return (offset + np.arange(axis.days)) % period


def background(series: RealSeries, axis: TimeAxis, grid: Grid, rng: np.random.Generator) -> np.ndarray:
    """The series on the simulator's grid (kW), averaging source slots when the meter is coarser."""
    src_day = source_days(series, axis, rng)
    step_src = series.step_min * 60
    per = max(1, grid.step_s // step_src)
    slot = ((grid.local_s % DAY_S) // step_src).astype(np.int64)
    day = src_day[np.clip(grid.day, 0, axis.days - 1)]
    slots = series.values.shape[1]
    flat = series.values.reshape(-1)
    out = np.zeros(len(grid), np.float64)
    for j in range(per):
        out += flat[day * slots + np.minimum(slot + j, slots - 1)]
    return (out / per).astype(np.float32)


def assign_backgrounds(rng: np.random.Generator, categories: np.ndarray, resolutions: np.ndarray,
                       library: list[RealSeries], share: float) -> dict[int, RealSeries]:
    """Meter row -> real series for about `share` of the meters that a source fits (category, resolution)."""
    step = {"15min": 15, "30min": 30, "60min": 60, "billing": 60}
    out: dict[int, RealSeries] = {}
    for row in np.flatnonzero(rng.random(len(categories)) < share):
        fits = [s for s in library if categories[row] in s.categories and s.step_min <= step[resolutions[row]]]
        if fits:
            out[int(row)] = fits[int(rng.integers(len(fits)))]
    return out
