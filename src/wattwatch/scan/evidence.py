"""Every detector's result for every meter, in one row order: the input of fusion, leads and the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import duckdb
import numpy as np

from wattwatch.core.drop import DropResult, sustained_drop
from wattwatch.core.feeder import FeederResult, feeder_balance
from wattwatch.core.fusion import onset_days
from wattwatch.core.increase import IncreaseResult, strange_increase
from wattwatch.core.lookalikes import LookalikeResult, lookalike_evidence
from wattwatch.core.peers import PeerResult, peer_outlier
from wattwatch.core.photoperiod import PhotoperiodResult
from wattwatch.core.purchases import PurchaseEvidence
from wattwatch.engine import duckdb as engine
from wattwatch.engine.matrices import DailyMatrix, FeederMatrix, PremisesIndex, ProfileMatrix
from wattwatch.linkage import LinkResult, LinkageSettings, link_sales
from wattwatch.scan.lighting import photoperiod_by_meter
from wattwatch.scan.rowwise import rows_of
from wattwatch.scan.sales import purchases_by_meter, sale_lines
from wattwatch.schema import CATEGORIES
from wattwatch.settings import Settings

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
    hourly: ProfileMatrix  # every meter, hourly (billing meters all NaN)
    premises: PremisesIndex
    info: MeterInfo
    feeders: FeederMatrix
    increase: IncreaseResult
    lighting: PhotoperiodResult
    peers: PeerResult
    lookalikes: LookalikeResult
    drop: DropResult
    feeder: FeederResult | None  # None when no feeder meters were loaded
    links: LinkResult | None  # None when no sales were loaded
    purchases: PurchaseEvidence | None  # None when no sales were loaded


def meter_info(daily: DailyMatrix, premises: PremisesIndex, feeders: FeederMatrix) -> MeterInfo:
    reg = rows_of(daily.meter_ids, premises.meter_ids)
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


def gather_evidence(
    con: duckdb.DuckDBPyConnection, settings: Settings, step: Step, linkage: LinkageSettings | None = None
) -> Evidence:
    """Run every detector over every meter in the store; `step(name)` is called as each stage ends."""
    meters = engine.meter_table(con)
    readings = engine.interval_readings(con, settings)
    daily = engine.daily_matrix(con, settings, meters, readings)
    hourly = engine.profile_matrix(meters, readings, np.arange(len(meters.meter_ids)), daily.first_day, daily.n_days)
    premises = engine.premises_index(con)
    feeders = engine.feeder_matrix(con, settings, daily.first_day, daily.n_days)
    info = meter_info(daily, premises, feeders)
    first_weekday = daily.first_day.weekday()
    step("matrices")

    increase = strange_increase(daily.kwh, min_history_days=settings.min_history_days)
    step("strange increase")
    lighting = photoperiod_by_meter(meters, readings, daily, hourly)
    del readings
    step("lighting")
    peers = peer_outlier(
        daily.kwh, hourly.kw, info.category, info.city, info.floor_area_m2, info.contracted_kw,
        first_weekday=first_weekday,
    )
    step("peers")
    lookalikes = lookalike_evidence(
        daily.kwh, hourly.kw, info.category, first_weekday, change_day=increase.change_day, is_block=lighting.is_block
    )
    step("look-alikes")
    drop = sustained_drop(
        daily.kwh, peer_level=peers.peer_level_kwh_day, is_block=lighting.is_block, zero_days=daily.zero_days,
        kw_hourly=hourly.kw, min_history_days=settings.min_history_days,
    )
    step("theft")
    feeder = None
    if len(feeders.feeder_ids):
        feeder = feeder_balance(
            feeders.kwh, daily.kwh, info.feeder, feeder_kw_hourly=feeders.kw, member_kw_hourly=hourly.kw,
            min_history_days=settings.min_history_days,
        )
    step("feeders")
    links = purchases = None
    if con.execute("SELECT count(*) FROM sales").fetchone()[0]:
        links = link_sales(con, linkage or LinkageSettings())
        onset = onset_days(lighting.score, lighting.first_block_day, increase.score, increase.change_day)
        purchases = purchases_by_meter(
            sale_lines(con, settings.timezone, daily.first_day), links, info.premise_id, onset
        )
    step("sales")
    return Evidence(
        daily, hourly, premises, info, feeders, increase, lighting, peers, lookalikes, drop, feeder, links, purchases
    )
