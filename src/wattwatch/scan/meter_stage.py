"""The scan's per-meter stage: one chunk of meters' raw readings -> every per-meter number the later steps need.

Runs inside Engine.map_chunks (a loop over meter ranges on DuckDB, a grouped UDF on Spark), so memory is bounded by
the chunk and no [all meters, days, 24] array ever exists. For each meter it builds its daily row (kWh,
zero-run days) and hourly profile from its own readings (core.localtime, core.cells), then runs the detectors'
per-meter parts: strange increase, the lamp-block fit (core.photoperiod, on the meter's native slots), the peer
shape features, the look-alike hourly measures (with the meter's own change day and lamp days), the drop's shape
similarity (with the drop's own change day), the night hours' daily series (core.night_band) and its share of the
per-feeder hourly sums. Population steps (peer groups, category curves, fusion) run afterwards on the driver
(scan.evidence), so the per-meter outputs depend on the meter's rows only and chunking cannot change a result.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np

from wattwatch.core.added_blocks import with_added_blocks
from wattwatch.core.daily import local_day_hours, scale_to_full_days
from wattwatch.core.drop import drop_shape_similarity
from wattwatch.core.feeder import hourly_member_sums
from wattwatch.core.increase import IncreaseResult, strange_increase
from wattwatch.core.kernels.cells import reading_cells, slot_means, to_local
from wattwatch.core.localtime import zone_segments
from wattwatch.core.lookalikes import hourly_measures, lamp_days
from wattwatch.core.night_band import night_band_kwh
from wattwatch.core.peers import window_shape_features
from wattwatch.core.photoperiod import PhotoperiodResult, detect_photoperiod
from wattwatch.engine.base import SUM_PREFIX, ReadingsChunk
from wattwatch.engine.matrices import MeterTable
from wattwatch.settings import Settings

EPOCH = date(1970, 1, 1)
HOUR_S = 3600
INCREASE = "increase."
LIGHTING = "lighting."
LOOKALIKE = "lookalike."
NIGHT_KWH = "night_kwh"
SERIES_KEYS = ("kwh", "zero_days")  # the daily rows, assembled by the driver
LIGHTING_FIELDS = tuple(f.name for f in dataclasses.fields(PhotoperiodResult) if f.name != "days")


@dataclass(frozen=True)
class StageContext:
    """What the per-meter stage needs besides the readings: small, built once on the driver, shipped to workers."""

    meters: MeterTable
    timezone: str
    first_day: date
    n_days: int
    min_coverage: float
    min_history_days: int
    meter_feeder: np.ndarray  # int64[n_meters]: FeederMatrix row of each meter's feeder, -1 none
    n_feeders: int

    @property
    def first_epoch_day(self) -> int:
        return (self.first_day - EPOCH).days

    @property
    def first_weekday(self) -> int:
        return self.first_day.weekday()

    @classmethod
    def build(cls, meters: MeterTable, settings: Settings, first_day: date, n_days: int, meter_feeder: np.ndarray,
              n_feeders: int) -> "StageContext":
        return cls(meters, settings.timezone, first_day, n_days, settings.min_coverage, settings.min_history_days,
                   np.asarray(meter_feeder, dtype=np.int64), int(n_feeders))


@dataclass(frozen=True)
class MeterSeries:
    """One chunk's meters as dense arrays: daily rows and the hourly profile (kW per local day and hour)."""

    kwh: np.ndarray  # float64[k, d], NaN under min_coverage
    zero_days: np.ndarray  # bool[k, d]
    hourly: np.ndarray  # float64[k, d, 24]
    interval_minutes: np.ndarray  # int64[k]
    chunk: ReadingsChunk  # the readings they come from (native_slots reads them again for sub-hourly meters)
    zone: tuple[np.ndarray, np.ndarray]  # the zone's (segment starts, offsets) over the readings' span


def meter_series(ctx: StageContext, chunk: ReadingsChunk) -> MeterSeries:
    """Daily rows and hourly profile of the chunk's meters (the same arithmetic as the whole-store matrices, by the
    compiled one-pass kernel core.kernels.cells.reading_cells)."""
    d = ctx.n_days
    flagged = np.asarray(chunk.zero_as_missing, dtype=bool)
    bounds = chunk.bounds  # meter r's readings: bounds[r]:bounds[r + 1], by time
    read = np.flatnonzero(bounds[1:] > bounds[:-1])
    span = chunk.utc_seconds[np.r_[bounds[read], bounds[read + 1] - 1]]  # first and last: the zone offsets' span
    zone = zone_segments(span, ctx.timezone)
    kwh_sum, n_present, n_zero, hourly, minutes = reading_cells(
        bounds, chunk.utc_seconds, chunk.kwh, flagged, ctx.meters.interval_minutes[chunk.rows], *zone,
        ctx.first_epoch_day, d, HOUR_S)
    n_expected = (60.0 / np.maximum(minutes, 1))[:, None] * local_day_hours(ctx.first_day, d, ctx.timezone)[None, :]
    kwh, _ = scale_to_full_days(kwh_sum, n_present, n_expected, ctx.min_coverage)
    zero_days = np.isnan(kwh) & (n_zero >= 0.5 * n_expected) & (n_expected > 0)
    return MeterSeries(kwh, zero_days, hourly, minutes.astype(np.int64), chunk, zone)


def lamp_blocks(ctx: StageContext, series: MeterSeries) -> PhotoperiodResult:
    """The lamp-block fit per meter on its native slots (15-min edges are sharper than hourly ones)."""
    k, d = series.kwh.shape
    result = no_lamp_blocks(k, d)
    minutes_all = series.interval_minutes
    # 0: no readings at all; steps over an hour or not dividing it (monthly reads handed to the fast path) have no
    # time-of-day slots to fit a lamp block on.
    fittable = (minutes_all > 0) & (minutes_all <= 60) & (60 % np.maximum(minutes_all, 1) == 0)
    for minutes in np.unique(minutes_all[fittable]):
        rows = np.flatnonzero(series.interval_minutes == minutes)
        slots = series.hourly[rows] if minutes == 60 else native_slots(ctx, series, rows, int(minutes))
        part = detect_photoperiod(slots, minutes / 60.0, keep_days=False)
        for name in LIGHTING_FIELDS:
            getattr(result, name)[rows] = getattr(part, name)
    return result


def native_slots(ctx: StageContext, series: MeterSeries, rows: np.ndarray, minutes: int) -> np.ndarray:
    """Average kW per local day and slot of `minutes` for the chunk's meters `rows`, from their readings not in a
    zero run judged missing data."""
    chunk = series.chunk
    position = np.full(len(series.kwh), -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    mine = position[chunk.position]
    take = np.flatnonzero(mine >= 0)
    local_s = to_local(chunk.utc_seconds[take], *series.zone)
    return slot_means(mine[take], local_s, chunk.kwh[take], ~np.asarray(chunk.zero_as_missing, dtype=bool)[take],
                      series.interval_minutes[rows], rows.size, ctx.first_epoch_day, ctx.n_days, minutes * 60)


def no_lamp_blocks(k: int, n_days: int) -> PhotoperiodResult:
    """The photoperiod answer for k meters without data (fresh arrays, written into by lamp_blocks)."""
    empty = detect_photoperiod(np.full((min(k, 1), n_days, 24), np.nan), 1.0)
    fields = {name: np.repeat(getattr(empty, name)[:1], k, axis=0) for name in LIGHTING_FIELDS}
    return PhotoperiodResult(**fields, days=None)


def per_meter_evidence(ctx: StageContext, kwh: np.ndarray, zero_days: np.ndarray, hourly: np.ndarray,
                       lighting: PhotoperiodResult, feeder_rows: np.ndarray) -> dict[str, np.ndarray]:
    """Every detector's per-meter part from daily rows, hourly profile and lamp-block result (module doc); a lamp
    block in the load the increase added, beside the premises' own schedule, replaces a weaker direct fit."""
    increase = strange_increase(kwh, min_history_days=ctx.min_history_days)
    lighting = with_added_blocks(lighting, hourly, ctx.first_weekday, increase.change_day, increase.score)
    out = {f"{INCREASE}{f.name}": getattr(increase, f.name) for f in dataclasses.fields(IncreaseResult)}
    out.update({f"{LIGHTING}{name}": getattr(lighting, name) for name in LIGHTING_FIELDS})
    out["peer_features"], out["peer_day"] = window_shape_features(kwh, hourly, ctx.first_weekday)
    measured = hourly_measures(kwh, hourly, ctx.first_weekday, increase.change_day,
                               lamp_days(lighting.is_block, lighting.score))
    out.update({f"{LOOKALIKE}{name}": value for name, value in measured.items()})
    out["drop_shape_similarity"] = drop_shape_similarity(kwh, zero_days, hourly, ctx.min_history_days)
    # the night hours' own daily series for the night-only drop (float32: the driver keeps one per meter-day)
    out[NIGHT_KWH] = night_band_kwh(hourly, daily_kwh=kwh).astype(np.float32)
    if ctx.n_feeders:
        metered, covered = hourly_member_sums(kwh, hourly, feeder_rows, ctx.n_feeders)
        out[f"{SUM_PREFIX}feeder_metered"] = metered
        out[f"{SUM_PREFIX}feeder_covered"] = covered
    return out


def meter_stage(ctx: StageContext, chunk: ReadingsChunk) -> dict[str, np.ndarray]:
    """The chunk kernel: per-meter outputs (first axis = the chunk's meters) plus per-feeder sums."""
    series = meter_series(ctx, chunk)
    out = per_meter_evidence(ctx, series.kwh, series.zero_days, series.hourly, lamp_blocks(ctx, series),
                             ctx.meter_feeder[chunk.rows])
    out.update(kwh=series.kwh, zero_days=series.zero_days)
    return out
