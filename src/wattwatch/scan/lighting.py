"""Grow-light evidence for every interval meter, at each meter's own resolution, in bounded-memory chunks."""

from __future__ import annotations

import numpy as np

from wattwatch.core.photoperiod import PhotoperiodResult, detect_photoperiod
from wattwatch.engine.duckdb import IntervalReadings, MeterTable, profile_matrix
from wattwatch.engine.matrices import DailyMatrix, ProfileMatrix
from wattwatch.scan.rowwise import chunks, concat_results, run_by_rows

CHUNK_CELLS = 20_000_000  # meters x days x slots per chunk: 160 MB of float64 at a time


def photoperiod_by_meter(
    meters: MeterTable, readings: IntervalReadings, daily: DailyMatrix, hourly: ProfileMatrix
) -> PhotoperiodResult:
    """Per-meter lamp-block evidence in DailyMatrix row order; billing meters get the no-data answer.

    Each resolution is fitted on its native slots (15-min edges are sharper than hourly ones); meters whose slots
    are the hourly profile's (every meter's rows, built once by the scan) take them from it.
    """
    n_days = daily.n_days

    def no_data(k: int) -> PhotoperiodResult:
        return detect_photoperiod(np.full((k, n_days, 24), np.nan), 1.0)

    def run_group(minutes: int):
        n_slots = 24 * 60 // minutes
        per_chunk = max(CHUNK_CELLS // max(n_days * n_slots, 1), 1)

        def slots(part: np.ndarray) -> np.ndarray:
            if minutes == hourly.slot_minutes:
                return hourly.kw[part]
            return profile_matrix(meters, readings, part, daily.first_day, n_days, minutes).kw

        def run(rows: np.ndarray) -> PhotoperiodResult:
            return concat_results([detect_photoperiod(slots(part), minutes / 60.0) for part in chunks(rows, per_chunk)])

        return run

    groups = [
        (np.flatnonzero((meters.interval_minutes == minutes) & ~meters.is_billing), run_group(int(minutes)))
        for minutes in np.unique(meters.interval_minutes[~meters.is_billing])
    ]
    return run_by_rows(len(meters.meter_ids), groups, no_data)
