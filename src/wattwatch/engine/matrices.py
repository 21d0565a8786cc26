"""The dense arrays an engine hands to the scan: meters x local days, meters x days x hours, meters -> premises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


@dataclass(frozen=True)
class DailyMatrix:
    """kWh per meter and local day. Row i is meter_ids[i]; column j is first_day + j days.

    kwh is NaN on days with coverage under Settings.min_coverage and scaled up to a full day above it.
    Billing meters (is_billing) have each read's kWh spread evenly over its period: weaker evidence.
    zero_days keeps apart the two kinds of unobserved day: a gap (no readings) and a run of exact zeros that ingestion
    judged to be missing data — which a stuck or bypassed meter also produces, so theft detection still looks at it.
    """

    meter_ids: np.ndarray  # str[n_meters], sorted
    first_day: date
    kwh: np.ndarray  # float64[n_meters, n_days]
    coverage: np.ndarray | None  # float64[n_meters, n_days], 0..1; None where a scan has applied min_coverage
    # and kept no coverage
    is_billing: np.ndarray  # bool[n_meters]
    zero_days: np.ndarray  # bool[n_meters, n_days]: unobserved because most of the day was a zero run judged missing

    @property
    def n_days(self) -> int:
        return self.kwh.shape[1]

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=int(index))


@dataclass(frozen=True)
class ProfileMatrix:
    """Average power (kW) per meter, local day and local time-of-day slot; NaN where nothing was read.

    Slot k of a day covers local clock time [k, k+1) * slot_minutes. On the 23-hour DST day the skipped hour's slots
    are NaN; on the 25-hour day the repeated hour's slots average both passes, so a lamp block does not look doubled.
    """

    meter_ids: np.ndarray  # str[n]
    first_day: date
    kw: np.ndarray  # float64[n, n_days, 24 * 60 // slot_minutes]
    slot_minutes: int

    @property
    def slot_hours(self) -> float:
        return self.slot_minutes / 60.0


@dataclass(frozen=True)
class PremisesIndex:
    """Which premises each meter belongs to, with the non-personal fields the report shows."""

    meter_ids: np.ndarray  # str[n]
    premise_ids: np.ndarray  # str[n]
    categories: np.ndarray  # str[n]
    cities: np.ndarray  # str[n]
    floor_area_m2: np.ndarray  # float64[n], NaN = unknown
    contracted_kw: np.ndarray  # float64[n], NaN = unknown
    feeder_ids: np.ndarray  # str[n], '' = none


@dataclass(frozen=True)
class FeederMatrix:
    """Energy delivered into each feeder: kWh per local day (NaN under min_coverage) and average kW per local hour."""

    feeder_ids: np.ndarray  # str[f], sorted
    first_day: date
    kwh: np.ndarray  # float64[f, n_days]
    kw: np.ndarray  # float64[f, n_days, 24]


@dataclass(frozen=True)
class MeterTable:
    """Every meter, in meter_id order: row i of every per-meter array is meter_ids[i]."""

    meter_ids: np.ndarray  # str[n]
    interval_minutes: np.ndarray  # int64[n], 0 for billing meters (and interval meters whose interval is not known yet)
    is_billing: np.ndarray  # bool[n]


@dataclass(frozen=True)
class BillingPeriods:
    """Billing reads as periods of local days on the scan's day axis (reads judged missing left out)."""

    row: np.ndarray  # int64: the meter's row in the MeterTable
    start_day: np.ndarray  # int64: first day of the period (day index from the scan's first day)
    end_day: np.ndarray  # int64: day after the period's last day
    kwh: np.ndarray  # float64: the read's kWh
