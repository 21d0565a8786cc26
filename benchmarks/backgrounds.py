"""Real meter series as benchmark backgrounds, placed on a common Albanian time axis.

Sources (read in place, never copied): SGSC households (Ausgrid NSW, 30 min) as residential, Cambridge University
Estates buildings (hourly) as commercial / public / industrial, VDI 4657 reference profiles (15 min) by profile
class. Every series becomes a days x slots matrix of kW on its own wall clock; zeros are published stand-ins for
missing readings and become NaN (and stay missing: no reading is written for them).

Placement: a premises' series is shifted by whole weeks so that weekdays line up and the season matches the target
day (southern-hemisphere SGSC moves half a year), wrapped by 52 weeks when the source is shorter than the axis, and
read at each instant of a UTC grid through the Europe/Tirane wall clock, so DST days get 23 or 25 hours and the
resolution stays the source's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

DAY_S = 86_400
WEEK_DAYS = 7
YEAR_WEEKS_DAYS = 364  # wrapping by whole weeks keeps weekdays aligned
SGSC = "sgsc_households/sgsc_halfhourly.parquet"
CAMBRIDGE = "cambridge_estates/electricity_hourly.parquet"
VDI = "vdi4657_pieg_strom_profiles/vdi4657_reference_profiles_15min.parquet"
MAX_MISSING = 0.10  # backgrounds missing more than this share are left out: a planted case should stay measurable
MIN_DAYS = 364  # at least a year, so wrapping by 52 weeks never repeats a week inside one season


@dataclass(frozen=True)
class Background:
    source: str  # sgsc | cambridge | vdi
    name: str
    step_min: int
    kw: np.ndarray  # float64 [days, slots] on the source's wall clock; NaN = missing
    first_date: date
    categories: tuple[str, ...]  # premises categories this series may stand for
    southern: bool = False  # seasons are half a year off


@dataclass(frozen=True)
class Axis:
    """The benchmark's local days and their UTC instants in one time zone."""

    start: date
    days: int
    tz: str

    @property
    def start_utc_s(self) -> int:
        return int(datetime(self.start.year, self.start.month, self.start.day, tzinfo=ZoneInfo(self.tz)).timestamp())

    @property
    def end_utc_s(self) -> int:
        end = self.start + timedelta(days=self.days)
        return int(datetime(end.year, end.month, end.day, tzinfo=ZoneInfo(self.tz)).timestamp())

    def offsets(self, utc_s: np.ndarray) -> np.ndarray:
        """UTC offset (s) of the zone at each instant, looked up per hour (offsets change on the hour)."""
        hours = np.arange(self.start_utc_s - 3600, self.end_utc_s + 3600, 3600)
        zone = ZoneInfo(self.tz)
        table = np.array([datetime.fromtimestamp(int(h), zone).utcoffset().total_seconds() for h in hours], np.int64)
        return table[(np.asarray(utc_s) - hours[0]) // 3600]

    def local_origin_s(self) -> int:
        """Wall-clock seconds (local time read as if UTC) of the first local midnight."""
        return self.start_utc_s + int(self.offsets(np.array([self.start_utc_s]))[0])

    def weekday(self) -> np.ndarray:
        return (self.start.weekday() + np.arange(self.days)) % WEEK_DAYS

    def month(self) -> np.ndarray:
        """Calendar month (1-12) of each day."""
        return (np.datetime64(self.start) + np.arange(self.days)).astype("datetime64[M]").astype(np.int64) % 12 + 1

    def day_of_year(self) -> np.ndarray:
        first = np.datetime64(self.start)
        dates = first + np.arange(self.days)
        return (dates - dates.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64) + 1


@dataclass(frozen=True)
class Grid:
    """A meter's interval starts (UTC) with their local day index and local seconds since midnight."""

    step_s: int
    utc_s: np.ndarray
    offset_s: np.ndarray
    day: np.ndarray
    tod_s: np.ndarray


def make_grid(axis: Axis, step_min: int) -> Grid:
    step = step_min * 60
    utc = np.arange(axis.start_utc_s, axis.end_utc_s, step, dtype=np.int64)
    off = axis.offsets(utc)
    local = utc + off - axis.local_origin_s()
    return Grid(step, utc, off, local // DAY_S, local % DAY_S)


def _matrix(day: np.ndarray, slot: np.ndarray, kw: np.ndarray, slots: int) -> tuple[np.ndarray, date]:
    first = day.min()
    m = np.full((int((day.max() - first).astype(np.int64)) + 1, slots), np.nan)
    m[(day - first).astype(np.int64), slot] = np.where(kw > 0, kw, np.nan)  # published zeros = missing
    return m, first.astype(date)


def _split(cols: dict, slots: int, kw_per_unit: float) -> list[tuple[str, np.ndarray, date]]:
    order = np.argsort(cols["name"], kind="stable")
    names, starts = np.unique(cols["name"][order], return_index=True)
    out = []
    for name, sel in zip(names, np.split(order, starts[1:])):  # one matrix per source series: a few dozen
        m, first = _matrix(cols["d"][sel].astype("datetime64[D]"), cols["slot"][sel].astype(np.int64),
                           cols["v"][sel].astype(np.float64) * kw_per_unit, slots)
        if len(m) >= MIN_DAYS and np.isnan(m).mean() <= MAX_MISSING:
            out.append((str(name), m, first))
    return out


# VDI profile name prefix -> premises category, first match wins (LP_G_MV metal processing and LP_G_G
# electroplating are industry; LP_WP, a heat pump alone, is no premises and matches nothing)
VDI_CLASSES = (("LP_W_", "residential"), ("LP_G_MV", "industrial"), ("LP_G_G", "industrial"), ("LP_G", "commercial"),
               ("LP_Ö", "public"), ("LP_L", "agricultural"))


def _vdi_categories(name: str) -> tuple[str, ...]:
    return next(((category,) for prefix, category in VDI_CLASSES if name.startswith(prefix)), ())


def load_backgrounds(root: Path, rng: np.random.Generator, max_buildings: int = 40) -> list[Background]:
    """Every usable series under the real-data folder; absent sources are skipped."""
    con = duckdb.connect(":memory:")
    out: list[Background] = []
    if (root / SGSC).exists():
        cols = con.execute(f"""
            SELECT customer_id AS name, CAST(reading_datetime AS DATE) AS d,
                   (hour(reading_datetime) * 60 + minute(reading_datetime)) // 30 AS slot, general_supply_kwh AS v
            FROM read_parquet('{root / SGSC}')""").fetchnumpy()
        out += [Background("sgsc", f"sgsc:{n}", 30, m, f, ("residential",), southern=True)
                for n, m, f in _split(cols, 48, 2.0)]
    if (root / CAMBRIDGE).exists():
        pairs = con.execute(f"""
            WITH y AS (SELECT DISTINCT building, year(timestamp) AS y FROM read_parquet('{root / CAMBRIDGE}'))
            SELECT a.building, max(a.y) FROM y a JOIN y b ON a.building = b.building AND b.y = a.y - 1
            GROUP BY 1 ORDER BY 1""").fetchall()
        chosen = [pairs[i] for i in np.sort(rng.choice(len(pairs), min(max_buildings, len(pairs)), replace=False))]
        values = ", ".join(f"('{b}', {y})" for b, y in chosen)
        cols = con.execute(f"""
            WITH pick(building, y) AS (VALUES {values})
            SELECT c.building AS name, CAST(timestamp AS DATE) AS d, hour(timestamp) AS slot, kwh AS v
            FROM read_parquet('{root / CAMBRIDGE}') c JOIN pick p ON c.building = p.building
            WHERE year(timestamp) BETWEEN p.y - 1 AND p.y""").fetchnumpy()
        out += [Background("cambridge", f"cambridge:{n}", 60, m, f, ("commercial", "public", "industrial"))
                for n, m, f in _split(cols, 24, 1.0)]
    if (root / VDI).exists():
        # instants of a German standard-time (UTC+1) year: the wall clock is UTC + 1 h all year
        cols = con.execute(f"""
            SELECT profile AS name, CAST(to_timestamp(epoch(timestamp) + 3600) AT TIME ZONE 'UTC' AS DATE) AS d,
                   ((CAST(epoch(timestamp) AS BIGINT) + 3600) % 86400) // 900 AS slot, load_w AS v
            FROM read_parquet('{root / VDI}')""").fetchnumpy()
        out += [Background("vdi", f"vdi:{n}", 15, m, f, _vdi_categories(n))
                for n, m, f in _split(cols, 96, 0.001) if _vdi_categories(n)]
    con.close()
    return out


def source_days(bg: Background, axis: Axis, rng: np.random.Generator) -> np.ndarray:
    """Source day index for every axis day: season-matched (+-3 weeks), same weekday, wrapped by 52 weeks."""
    n = len(bg.kw)
    target = np.datetime64(axis.start) + (182 if bg.southern else 0) + int(rng.integers(-21, 22))
    first = np.datetime64(bg.first_date)
    start = int((target - first).astype(np.int64)) % 365
    start = min(start, n - 1)
    src_weekday = (bg.first_date.weekday() + start) % WEEK_DAYS
    start += (axis.start.weekday() - src_weekday) % WEEK_DAYS
    idx = start + np.arange(axis.days)
    while (idx >= n).any():
        idx = np.where(idx >= n, idx - YEAR_WEEKS_DAYS, idx)
    return idx


def place(bg: Background, axis: Axis, grid: Grid, rng: np.random.Generator) -> np.ndarray:
    """The background's kW at each grid instant (NaN where the source is missing)."""
    src = source_days(bg, axis, rng)
    slot = np.minimum(grid.tod_s // (bg.step_min * 60), bg.kw.shape[1] - 1)
    return bg.kw[src[np.clip(grid.day, 0, axis.days - 1)], slot]
