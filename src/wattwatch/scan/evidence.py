"""Every detector's result for every meter, in one row order: the input of fusion, leads and the report.

Two stages (see scan.meter_stage): the engine maps the per-meter stage over chunks of interval meters (bounded
memory, no all-meters hourly array), then the driver assembles the daily matrix, adds the billing meters (daily rows
from their reads, no hourly data) and runs the population steps: peer groups, look-alike season curves, drop with
peer levels, feeder balance, sales.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Callable

import duckdb
import numpy as np

from wattwatch.core.absence import AbsenceResult, ordinary_absence
from wattwatch.core.comovers import ComoverFall, comover_fall
from wattwatch.core.daily import spread_periods
from wattwatch.core.drop import DropResult, sustained_drop
from wattwatch.core.feeder import FeederResult, feeder_balance
from wattwatch.core.fusion import RESIDENTIAL, onset_days
from wattwatch.core.increase import IncreaseResult
from wattwatch.core.lookalike_season import population_curve
from wattwatch.core.lookalikes import LookalikeResult, lookalike_scores
from wattwatch.core.peers import PeerResult, peer_scores
from wattwatch.core.photoperiod import PhotoperiodResult, season_of
from wattwatch.core.purchases import PurchaseEvidence
from wattwatch.core.seasonal_fall import SeasonalFall, seasonal_fall
from wattwatch.core.switching import SwitchedFall, switched_fall
from wattwatch.engine.base import SUM_PREFIX, Engine
from wattwatch.engine.matrices import DailyMatrix, FeederMatrix, MeterTable, PremisesIndex
from wattwatch.scan.meter_stage import (
    INCREASE,
    LIGHTING,
    LIGHTING_FIELDS,
    LOOKALIKE,
    NIGHT_KWH,
    SERIES_KEYS,
    StageContext,
    meter_stage,
    no_lamp_blocks,
    per_meter_evidence,
)
from wattwatch.scan.rowwise import chunks, rows_of
from wattwatch.scan.sales import purchases_by_meter, sale_lines
from wattwatch.schema import CATEGORIES
from wattwatch.settings import Settings

if TYPE_CHECKING:  # splink loads only when there are sales to link (gather_evidence)
    from wattwatch.linkage import LinkageSettings, LinkResult

THEFT_THREADS = 2  # the night and the switched falls' threads (gather_evidence)
CHUNK_CELLS = 4_000_000  # meter-days x 24 hours per chunk of the per-meter stage: ~32 MB per hourly array
MeterProgress = Callable[[int], None]
Step = Callable[[str], None]


@dataclass(frozen=True)
class MeterInfo:
    """Register fields per meter row (the DailyMatrix order); -1 / NaN / '' where the meter is not registered."""

    register_row: np.ndarray  # int64 row in PremisesIndex, -1 when the meter is not in the register
    premise_id: np.ndarray  # object: premise id or None
    category: np.ndarray  # int64 index into schema.CATEGORIES, -1 unknown
    city: np.ndarray  # int64 city code, -1 unknown
    floor_area_m2: np.ndarray
    contracted_kw: np.ndarray
    feeder: np.ndarray  # int64 row in the FeederMatrix, -1 none


@dataclass(frozen=True)
class Evidence:
    daily: DailyMatrix
    premises: PremisesIndex
    info: MeterInfo
    feeders: FeederMatrix
    increase: IncreaseResult
    lighting: PhotoperiodResult
    peers: PeerResult
    population: np.ndarray  # [d] the population curve of all meters (core.lookalike_season.population_curve)
    lookalikes: LookalikeResult
    drop: DropResult
    night_drop: DropResult  # the same drop on the night hours' own series (core.night_band): a night-only bypass
    night_seasonal_fall: SeasonalFall  # how well the night series' own seasons explain its fall
    night_absence: AbsenceResult  # how well an absence on the night series explains its fall
    switched: SwitchedFall  # a fall that comes and goes: a bypass switched in and out (core.switching)
    switched_seasonal_fall: SeasonalFall  # how well the premises' own seasons explain that fall
    absence: AbsenceResult  # how well a vacation, a change of occupant or an empty season explains each drop
    seasonal_fall: SeasonalFall  # how well the premises' own seasons explain each drop
    comover_fall: ComoverFall  # how far the premises most like it fell across each drop's change day
    switched_comover_fall: ComoverFall  # ... and across the switched fall's
    feeder: FeederResult | None  # None when no feeder meters were loaded
    links: LinkResult | None  # None when no sales were loaded
    purchases: PurchaseEvidence | None  # None when no sales were loaded


def meter_info(meter_ids: np.ndarray, premises: PremisesIndex, feeders: FeederMatrix) -> MeterInfo:
    reg = rows_of(meter_ids, premises.meter_ids)
    known = reg >= 0

    def pick(values: np.ndarray, missing):
        out = np.full(len(reg), missing, dtype=np.asarray(values).dtype if len(values) else object)
        out[known] = np.asarray(values)[reg[known]]
        return out

    category = np.full(len(reg), -1, dtype=np.int64)
    codes = {name: i for i, name in enumerate(CATEGORIES)}
    category[known] = [codes.get(str(c), codes["other"]) for c in np.asarray(premises.categories)[reg[known]]]
    _, city_codes = np.unique(np.asarray(premises.cities, dtype=str), return_inverse=True)
    feeder_rows = rows_of(premises.feeder_ids, feeders.feeder_ids)
    return MeterInfo(
        register_row=reg,
        premise_id=pick(np.asarray(premises.premise_ids, dtype=object), None),
        category=category,
        city=pick(city_codes.astype(np.int64), -1),
        floor_area_m2=pick(premises.floor_area_m2, np.nan),
        contracted_kw=pick(premises.contracted_kw, np.nan),
        feeder=pick(feeder_rows, -1),
    )


def meters_per_chunk(n_days: int) -> int:
    return max(CHUNK_CELLS // max(24 * n_days, 1), 1)


def gather_evidence(
    engine: Engine,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    step: Step,
    linkage: LinkageSettings | None = None,
    meter_progress: MeterProgress | None = None,
) -> Evidence:
    """Run every detector over every meter of `engine`; `con` is the store holding the sales (and registers).
    `step(name)` is called as each stage ends, `meter_progress(n)` as each chunk of n meters is done."""
    meters = engine.meter_table()
    first_day, n_days = engine.day_range(settings.timezone)
    premises = engine.premises_index()
    feeders = engine.feeder_matrix(settings, first_day, n_days)
    info = meter_info(meters.meter_ids, premises, feeders)
    ctx = StageContext.build(meters, settings, first_day, n_days, info.feeder, len(feeders.feeder_ids))
    out = engine.map_chunks(partial(meter_stage, ctx), meters_per_chunk(n_days), meter_progress)
    step("meters")

    daily = _daily_matrix(engine, meters, ctx, out)
    per_meter = _with_billing_meters(ctx, daily, out, info)
    increase = IncreaseResult(**{f.name: per_meter[INCREASE + f.name] for f in dataclasses.fields(IncreaseResult)})
    lighting = PhotoperiodResult(**{name: per_meter[LIGHTING + name] for name in LIGHTING_FIELDS}, days=None)
    # The night-only fall needs neither peers nor look-alikes, and the switched fall needs only the peers: their
    # compiled kernels release the GIL, so they run in threads beside the driver's other steps (a driver has the
    # workers' cores free by now). Each reads only its own inputs: the results are those of one thread.
    with ThreadPoolExecutor(max_workers=THEFT_THREADS) as pool:
        night = pool.submit(night_fall, per_meter.pop(NIGHT_KWH), daily.zero_days, settings.min_history_days)
        peers = peer_scores(daily.kwh, per_meter["peer_features"], info.category, info.city, info.floor_area_m2,
                            info.contracted_kw, day_kw=per_meter.pop("peer_day"))
        step("peers")
        population = population_curve(daily.kwh)
        switched = pool.submit(switched_fall_judged, daily.kwh, daily.zero_days, peers.peer_level_kwh_day, population,
                               settings.min_history_days)
        measured = {key[len(LOOKALIKE):]: value for key, value in per_meter.items() if key.startswith(LOOKALIKE)}
        lookalikes = lookalike_scores(daily.kwh, measured, info.category, increase.change_day, population,
                                      season_of(lighting), peers)
        step("look-alikes")
        drop = sustained_drop(
            daily.kwh, peer_level=peers.peer_level_kwh_day, is_block=lighting.is_block, zero_days=daily.zero_days,
            shape_similarity=per_meter["drop_shape_similarity"], min_history_days=settings.min_history_days,
        )
        absence = ordinary_absence(
            daily.kwh, daily.zero_days, drop.change_day, drop.flat_start, drop.flat_days, drop.level_before
        )
        # only a fall the drop scores needs judging (fusion multiplies the drop evidence by what it leaves)
        judged = np.where(drop.drop_score > 0, drop.change_day, -1)
        seasonal = seasonal_fall(daily.kwh, daily.zero_days, population, judged, drop.level_after)
        # a business's or an institution's calendar is its kind's (module doc of core.comovers); a home's is its own
        calendar_kept = (info.category >= 0) & (info.category != RESIDENTIAL)
        comovers = comover_fall(daily.kwh, info.category, drop.change_day, drop.ratio,
                                calendar_kept & (drop.drop_score > 0))
        (night_drop, night_seasonal, night_absence), (switched, switched_seasonal) = night.result(), switched.result()
        switched_comovers = comover_fall(daily.kwh, info.category, switched.fall.change_day, switched.fall.ratio,
                                         calendar_kept & (switched.factor > 0))
    step("theft")
    feeder = None
    if len(feeders.feeder_ids):
        empty = np.zeros((len(feeders.feeder_ids), n_days, 24))
        sums = (out.get(SUM_PREFIX + "feeder_metered", empty), out.get(SUM_PREFIX + "feeder_covered", empty))
        feeder = feeder_balance(
            feeders.kwh, daily.kwh, info.feeder, feeder_kw_hourly=feeders.kw, member_hourly_sums=sums,
            min_history_days=settings.min_history_days,
        )
    step("feeders")
    links = purchases = None
    if con.execute("SELECT count(*) FROM sales").fetchone()[0]:
        from wattwatch.linkage import LinkageSettings, link_sales

        links = link_sales(con, linkage or LinkageSettings())
        onset = onset_days(lighting.score, lighting.first_block_day, increase.score, increase.change_day)
        purchases = purchases_by_meter(sale_lines(con, settings.timezone, first_day), links, info.premise_id, onset)
    step("sales")
    return Evidence(daily, premises, info, feeders, increase, lighting, peers, population, lookalikes, drop,
                    night_drop, night_seasonal, night_absence, switched, switched_seasonal, absence, seasonal, comovers,
                    switched_comovers, feeder, links, purchases)


def night_fall(night: np.ndarray, zero_days: np.ndarray,
               min_history_days: int) -> tuple[DropResult, SeasonalFall, AbsenceResult]:
    """The drop of the night hours' own daily series and how well its seasons explain it. No peers: a group's night
    levels are not measured, so the night fall is weighed against the meter's own nights; its seasons are the
    nights' own (a heat pump or storage heater runs at night in winter): the population's night curve, judged as
    the day's fall is."""
    drop = sustained_drop(night, zero_days=zero_days, min_history_days=min_history_days)
    judged = np.where(drop.drop_score > 0, drop.change_day, -1)
    absence = ordinary_absence(night, zero_days, drop.change_day, drop.flat_start, drop.flat_days, drop.level_before)
    return drop, seasonal_fall(night, zero_days, population_curve(night), judged, drop.level_after), absence


def switched_fall_judged(kwh: np.ndarray, zero_days: np.ndarray, peer_level: np.ndarray, population: np.ndarray,
                         min_history_days: int) -> tuple[SwitchedFall, SeasonalFall]:
    """The switched fall (core.switching) and how well the premises' own seasons explain it, judged at its own
    change day (the low envelope's), by the same seasons as the day's fall."""
    switched = switched_fall(kwh, peer_level=peer_level, min_history_days=min_history_days)
    judged = np.where(switched.factor > 0, switched.fall.change_day, -1)
    return switched, seasonal_fall(kwh, zero_days, population, judged, switched.fall.level_after)


def _daily_matrix(engine: Engine, meters: MeterTable, ctx: StageContext, out: dict[str, np.ndarray]) -> DailyMatrix:
    """Daily kWh of every meter: interval meters from the per-meter stage, billing meters from their reads. The
    stage's arrays are taken out of `out` (used as they are when they already hold every meter in order), so the
    driver holds one copy of the daily rows. No coverage: the stage has applied min_coverage already."""
    shape = (len(meters.meter_ids), ctx.n_days)
    rows = out["rows"]
    if _every_meter(rows, shape[0]):
        kwh, zero_days = out.pop("kwh"), out.pop("zero_days")
    else:  # billing meters too (or only: then the stage had no meters and returned no rows)
        kwh, zero_days = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
        if rows.size:
            kwh[rows], zero_days[rows] = out.pop("kwh"), out.pop("zero_days")
    if meters.is_billing.any():
        periods = engine.billing_periods(ctx.timezone, ctx.first_day)
        billing_kwh, _ = spread_periods(periods.row, periods.start_day, periods.end_day, periods.kwh, shape)
        kwh[meters.is_billing] = billing_kwh[meters.is_billing]
    return DailyMatrix(meters.meter_ids, ctx.first_day, kwh, None, meters.is_billing, zero_days)


def _every_meter(rows: np.ndarray, n_meters: int) -> bool:
    """Whether the stage's rows (ascending, unique) are every meter row 0 .. n_meters - 1: its arrays are then
    used as they are, not copied into full-size ones (no billing meter to add)."""
    return 0 < rows.size == n_meters and rows[-1] == n_meters - 1


def _with_billing_meters(ctx: StageContext, daily: DailyMatrix, out: dict[str, np.ndarray], info: MeterInfo
                         ) -> dict[str, np.ndarray]:
    """Every per-meter output for every meter row: the stage's for interval meters; for billing meters the same
    per-meter evidence from their daily rows with no hourly data (and no lamp-block fit). The stage's arrays are
    taken out of `out`, and used as they are when every meter is an interval meter."""
    n = len(daily.meter_ids)
    keys = [key for key in out if key not in SERIES_KEYS and key != "rows" and not key.startswith(SUM_PREFIX)]
    stage = {key: out.pop(key) for key in keys}
    if _every_meter(out["rows"], n):
        return stage
    parts = [(out["rows"], stage)] if out["rows"].size else []
    no_hours = dataclasses.replace(ctx, n_feeders=0)
    billing = np.flatnonzero(daily.is_billing)
    groups = list(chunks(billing, meters_per_chunk(daily.n_days))) or ([] if parts else [billing])  # [] -> shapes
    for rows in groups:
        hourly = np.full((rows.size, daily.n_days, 24), np.nan)
        part = per_meter_evidence(no_hours, daily.kwh[rows], daily.zero_days[rows], hourly,
                                  no_lamp_blocks(rows.size, daily.n_days), info.feeder[rows])
        parts.append((rows, part))
    result = {}
    for key in parts[0][1]:
        sample = parts[0][1][key]
        full = np.zeros((n, *sample.shape[1:]), dtype=sample.dtype)
        for rows, part in parts:
            full[rows] = part[key]
        result[key] = full
    return result
