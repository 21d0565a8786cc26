"""One lead's numbers from the store: its meter's daily kWh and day x hour kW, its feeder's balance, its purchases.

The scan builds these matrices for every meter at once; a lead page needs one row, so it asks the store for that
meter's readings only (small queries on BY_METER, a copy of the readings ordered by meter) and reuses the scan's
kernels (core.cells, core.daily) on them, so the page shows the same days and the same scaling as the scan.
Personal fields are not read here (see web.personal).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np

from wattwatch.core.cells import daily_sums, slot_means
from wattwatch.core.daily import local_day_hours, scale_to_full_days, spread_periods
from wattwatch.core.localtime import utc_to_local
from wattwatch.engine.duckdb import BILLING, DEFAULT_BILLING_DAYS, EPOCH, day_range
from wattwatch.settings import Settings
from wattwatch.store import connect, transaction

FEEDER_CACHE = 64  # feeder balances kept in memory: each sums its members' readings once
SERIES_CACHE = 256  # meters' series kept in memory (about 80 kB each for 400 days): a page's twin and re-shows
# The store's readings are in load order, so one meter's rows are spread over every row group and a lookup scans
# the whole table (0.1-0.2 s on the 25 M-row demo). The dashboard keeps a copy ordered by meter, where a meter's
# rows sit in one or two row groups (a few ms); it is rebuilt when the readings change (their count or last load).
BY_METER = "web_meter_readings"


@dataclass(frozen=True)
class MeterSeries:
    meter_id: str
    first_day: date
    daily_kwh: np.ndarray  # float64[n_days], NaN = day not observed
    hourly_kw: np.ndarray | None  # float64[n_days, 24]; None for monthly-read meters
    is_billing: bool


@dataclass(frozen=True)
class FeederBalance:
    feeder_id: str
    first_day: date
    delivered_kwh: np.ndarray  # float64[n_days]: energy into the feeder per local day
    metered_kwh: np.ndarray  # float64[n_days]: sum of its premises' metered energy per local day
    n_members: int


@dataclass(frozen=True)
class Sale:
    sale_id: str
    day: date
    store_id: str
    product: str
    quantity: int
    watts: float | None
    payment: str | None
    probability: float  # link probability of this sale to the lead's premises (links.csv)


class StoreReader:
    """Reads a scan's store; its only write is BY_METER, its own copy of the readings. One cursor per call.

    The connection is opened like the trust layer's (not read-only): DuckDB shares one database instance between
    connections of one process only when their settings agree, and the workspace usually lives in the same file.
    """

    def __init__(self, store_path: Path, settings: Settings):
        self._con = connect(store_path)
        self._lock = threading.Lock()
        self.settings = settings
        self.first_day, self.n_days = day_range(self._con, settings.timezone)
        self._first_epoch_day = (self.first_day - EPOCH).days
        self._day_hours = local_day_hours(self.first_day, self.n_days, settings.timezone)
        self._order_by_meter()
        self.feeder_balance = lru_cache(maxsize=FEEDER_CACHE)(self._feeder_balance)
        self.meter_series = lru_cache(maxsize=SERIES_CACHE)(self._meter_series)

    def close(self) -> None:
        self._con.close()

    def _order_by_meter(self) -> None:
        """Create or refresh BY_METER, the readings ordered by meter and time (its comment: what it was built from)."""
        key = "readings %d, last load %d" % self._con.execute(
            "SELECT (SELECT count(*) FROM readings), (SELECT coalesce(max(load_id), -1) FROM loads)").fetchone()
        built = self._con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [BY_METER]).fetchall()
        if built and built[0][0] == key:
            return
        with transaction(self._con):
            self._con.execute(f"CREATE OR REPLACE TABLE {BY_METER} AS "
                              "SELECT meter_id, ts, kwh, zero_as_missing FROM readings ORDER BY meter_id, ts")
            self._con.execute(f"COMMENT ON TABLE {BY_METER} IS '{key}'")  # key is digits and words only

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # creating a cursor touches the shared connection
            return self._con.cursor()

    def _query(self, sql: str, params: list) -> dict[str, np.ndarray]:
        cur = self._cursor()
        try:
            return cur.execute(sql, params).fetchnumpy()
        finally:
            cur.close()

    def rows(self, sql: str, params: list) -> list[tuple]:
        cur = self._cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def _daily(self, utc_s: np.ndarray, kwh: np.ndarray, per_hour: float) -> np.ndarray:
        local = utc_to_local(utc_s, self.settings.timezone)
        sums, present = daily_sums(np.zeros(local.size, np.int64), local, kwh, 1, self._first_epoch_day, self.n_days)
        daily, _ = scale_to_full_days(sums, present, (per_hour * self._day_hours)[None, :], self.settings.min_coverage)
        return daily[0]

    def _meter_series(self, meter_id: str) -> MeterSeries | None:
        """The meter's daily kWh (and hourly kW for interval meters) over the scan's days; None if unknown."""
        meta = self.rows("SELECT resolution, coalesce(interval_minutes, 0) FROM meters WHERE meter_id = ?", [meter_id])
        if not meta:
            return None
        resolution, minutes = meta[0]
        if resolution == BILLING:
            return MeterSeries(meter_id, self.first_day, self._billing_daily(meter_id), None, True)
        cols = self._query(
            f"SELECT epoch(ts)::BIGINT AS t, kwh FROM {BY_METER} WHERE meter_id = ? AND NOT zero_as_missing",
            [meter_id],
        )
        t, kwh = np.asarray(cols["t"], np.int64), np.asarray(cols["kwh"], np.float64)
        daily = self._daily(t, kwh, 60.0 / minutes)
        local = utc_to_local(t, self.settings.timezone)
        hourly = slot_means(
            np.zeros(t.size, np.int64), local, kwh * 60.0 / minutes, 1, self._first_epoch_day, self.n_days, 3600
        )[0]
        return MeterSeries(meter_id, self.first_day, daily, hourly, False)

    def _billing_daily(self, meter_id: str) -> np.ndarray:
        """Each monthly read spread over the local days up to the next read (the last over the median period)."""
        cols = self._query(
            "SELECT datediff('day', $first::DATE, CAST(timezone($tz, ts) AS DATE)) AS day, kwh, zero_as_missing "
            f"FROM {BY_METER} WHERE meter_id = $meter ORDER BY ts",
            {"first": self.first_day, "tz": self.settings.timezone, "meter": meter_id},
        )
        day = np.asarray(cols["day"], np.int64)
        gaps = np.diff(day)
        period = int(round(float(np.median(gaps)))) if gaps.size else DEFAULT_BILLING_DAYS
        end = np.append(day[1:], day[-1:] + period) if day.size else day
        usable = ~np.asarray(cols["zero_as_missing"], bool)
        kwh, _ = spread_periods(
            np.zeros(int(usable.sum()), np.int64), day[usable], end[usable],
            np.asarray(cols["kwh"], np.float64)[usable], (1, self.n_days),
        )
        return kwh[0]

    def premises_feeder(self, premise_id: str) -> str | None:
        rows = self.rows(
            "SELECT min(feeder_id) FROM premises WHERE premise_id = ? AND coalesce(feeder_id, '') <> ''", [premise_id]
        )
        return rows[0][0] if rows else None

    def _feeder_balance(self, feeder_id: str) -> FeederBalance | None:
        into = self._query(
            "SELECT epoch(ts)::BIGINT AS t, kwh FROM feeders WHERE feeder_id = ? ORDER BY ts", [feeder_id]
        )
        t = np.asarray(into["t"], np.int64)
        if t.size < 2:
            return None
        per_hour = 3600.0 / float(np.median(np.diff(t)))
        members = self._query(
            f"SELECT epoch(r.ts)::BIGINT AS t, r.kwh, m.interval_minutes FROM {BY_METER} r "
            "JOIN meters m USING (meter_id) "
            "WHERE r.meter_id IN (SELECT meter_id FROM premises WHERE feeder_id = ?) "
            f"AND m.resolution <> '{BILLING}' AND NOT r.zero_as_missing",
            [feeder_id],
        )
        n_members = self.rows("SELECT count(DISTINCT meter_id) FROM premises WHERE feeder_id = ?", [feeder_id])[0][0]
        local = utc_to_local(np.asarray(members["t"], np.int64), self.settings.timezone)
        metered, _ = daily_sums(
            np.zeros(local.size, np.int64), local, np.asarray(members["kwh"], np.float64), 1,
            self._first_epoch_day, self.n_days,
        )
        delivered = self._daily(t, np.asarray(into["kwh"], np.float64), per_hour)
        return FeederBalance(feeder_id, self.first_day, delivered, np.where(np.isfinite(delivered), metered[0], np.nan),
                             int(n_members))

    def sales(self, probabilities: dict[str, float]) -> list[Sale]:
        """The non-personal fields of the given sale lines, oldest first (`probabilities`: sale_id -> link p)."""
        if not probabilities:
            return []
        rows = self.rows(
            "SELECT sale_id, CAST(timezone(?, ts) AS DATE), store_id, product, quantity, watts, payment "
            "FROM sales WHERE sale_id IN (SELECT unnest(?)) ORDER BY ts, sale_id",
            [self.settings.timezone, sorted(probabilities)],
        )
        return [Sale(*row, probability=probabilities[row[0]]) for row in rows]

    def feeder_points(self) -> dict[str, list[tuple[float, float]]]:
        """feeder_id -> its premises' (latitude, longitude): the map draws each feeder's outline around them."""
        rows = self.rows(
            "SELECT feeder_id, latitude, longitude FROM premises WHERE coalesce(feeder_id, '') <> '' "
            "AND latitude IS NOT NULL AND longitude IS NOT NULL",
            [],
        )
        points: dict[str, list[tuple[float, float]]] = {}
        for feeder, lat, lon in rows:
            points.setdefault(feeder, []).append((float(lat), float(lon)))
        return points
