"""Assembling the demo city: register, loads per resolution group, planted cases, feeders, sales, mess, truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pyarrow as pa

from .billing import billing_reads
from .calendar import TimeAxis, make_axis
from .cases import Case
from .config import CityConfig
from .feeders import assign_feeders, feeder_energy
from .mess import Readings, inject_mess
from .names import CITIES
from .plant import apply_cases, choose_cases
from .profiles import base_load
from .real import RealSeries, assign_backgrounds, background, load_library
from .registers import register_reads
from .registry import Registry, make_registry
from .sales import make_sales, make_stores
from .weather import daily_temperature

Progress = Callable[[int, int], None]  # (stages done, stages in all)
STEP_MIN = {"60min": 60, "30min": 30, "15min": 15, "billing": 60}  # billing meters are simulated hourly


@dataclass
class City:
    config: CityConfig
    premises: pa.Table
    readings: pa.Table
    register_reads: pa.Table
    sales: pa.Table
    stores: pa.Table
    feeders: pa.Table
    truth: pa.Table
    sales_truth: pa.Table
    mess_counts: dict[str, int] = field(default_factory=dict)


def generate_city(config: CityConfig = CityConfig(), progress: Progress | None = None) -> City:
    """Simulate the city. Same config (seed included) -> identical tables.

    progress, when given, is called as progress(done, total) after each stage."""
    report = progress or (lambda done, total: None)
    stages = 2 + len(STEP_MIN)
    rng = np.random.default_rng(config.seed)
    axis = make_axis(config.start, config.days, config.timezone)
    reg = make_registry(rng, config.n_premises, dict(config.category_shares), dict(config.resolution_shares),
                        config.extra_meter_share)
    feeder = assign_feeders(rng, reg)
    temps = daily_temperature(rng, axis, np.array([c[4] for c in CITIES]))
    report(1, stages)
    cases = choose_cases(rng, reg, axis, config)
    backgrounds: dict[int, RealSeries] = {}
    if config.real_data is not None and config.real_data.is_dir():
        library = load_library(config.real_data, rng)
        backgrounds = assign_backgrounds(rng, reg.category, reg.resolution, library, config.real_share)
    case_rows = {c.row for c in cases}
    register_rows = _register_rows(rng, reg, case_rows, config.register_meters)

    hours = (axis.end_utc_s - axis.start_utc_s) // 3600
    true_hourly = np.zeros((len(reg), hours), np.float32)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    register_kwh: np.ndarray | None = None
    share_heat, share_cool = rng.uniform(0.3, 0.55), rng.uniform(0.35, 0.6)
    for g, res in enumerate(STEP_MIN):
        rows = np.flatnonzero(reg.resolution == res)
        if len(rows) == 0:
            continue
        grid = axis.grid(STEP_MIN[res])
        base = base_load(rng, axis, grid, reg.take(rows), temps, share_heat, share_cool)
        for i, r in enumerate(rows):
            if r in backgrounds:
                series = background(backgrounds[r], axis, grid, rng)
                base[i] = series * (reg.mean_kw[r] / max(float(series.mean()), 1e-6))
        true, metered = apply_cases(rng, axis, grid, rows, cases, base, temps, reg)
        step_h = grid.step_s / 3600
        true_hourly[rows] = true.reshape(len(rows), hours, -1).sum(axis=2) * step_h
        kwh = np.round(metered.astype(np.float64) * step_h, 3)
        del true, metered, base
        if res == "billing":
            hourly = kwh.reshape(len(rows), hours, -1).sum(axis=2)
            i, t, e = billing_reads(rng, axis, hourly)
            parts.append((rows[i].astype(np.int32), t, e))
        else:
            keep = ~np.isin(rows, register_rows)
            if res == "60min":
                register_kwh = kwh[np.searchsorted(rows, register_rows)]
            parts.append((np.repeat(rows[keep].astype(np.int32), len(grid)), np.tile(grid.utc_s, int(keep.sum())),
                          kwh[keep].ravel()))
        report(2 + g, stages)

    readings = Readings(*(np.concatenate(p) for p in zip(*parts)), reg.meter_id)
    del parts
    step_s = np.array([STEP_MIN[r] * 60 if r != "billing" else 0 for r in reg.resolution])
    plain = np.setdiff1d(np.flatnonzero(step_s > 0), np.concatenate([list(case_rows), register_rows]).astype(int))
    readings, mess_counts = inject_mess(rng, readings, step_s, plain, config.mess_rate, config.zero_run_hours)

    onehot_ids, feeder_index = np.unique(feeder, return_inverse=True)
    onehot = np.zeros((len(onehot_ids), len(reg)), np.float32)
    onehot[feeder_index, np.arange(len(reg))] = 1.0
    feeder_kwh = feeder_energy(rng, onehot, true_hourly)
    del true_hourly
    hour_utc = axis.start_utc_s + 3600 * np.arange(hours, dtype=np.int64)

    register_table, register_notes = register_reads(
        rng, [str(reg.meter_id[r]) for r in register_rows],
        axis.grid(60).utc_s, register_kwh if register_kwh is not None else np.zeros((0, hours)), config.timezone)
    stores = make_stores(rng, config.n_stores)
    sales, sales_truth = make_sales(rng, axis, reg, cases, stores, config.household_sales_per_premises)
    report(stages, stages)
    return City(
        config=config,
        premises=_premises_table(reg, feeder),
        readings=_readings_table(readings, config.timezone),
        register_reads=register_table,
        sales=sales,
        stores=stores.table(),
        feeders=pa.table({
            "feeder_id": pa.array(np.repeat(onehot_ids, hours).astype(str), pa.string()),
            "timestamp": _ts(np.tile(hour_utc, len(onehot_ids)), config.timezone),
            "kwh": np.round(feeder_kwh.ravel().astype(np.float64), 3),
        }),
        truth=_truth_table(reg, axis, cases, backgrounds, register_notes),
        sales_truth=sales_truth,
        mess_counts=mess_counts,
    )


def _register_rows(rng: np.random.Generator, reg: Registry, case_rows: set[int], k: int) -> np.ndarray:
    ok = np.flatnonzero(reg.primary & (reg.resolution == "60min"))
    ok = ok[~np.isin(ok, list(case_rows))]
    return np.sort(rng.choice(ok, min(k, len(ok)), replace=False)) if k > 0 else ok[:0]


def _ts(utc_s: np.ndarray, tz: str) -> pa.Array:
    return pa.array(np.asarray(utc_s, np.int64) * 1_000_000, pa.timestamp("us", tz=tz))


def _readings_table(r: Readings, tz: str) -> pa.Table:
    meter = pa.DictionaryArray.from_arrays(pa.array(r.meter, pa.int32()), pa.array(r.meter_ids.astype(str)))
    return pa.table({"meter_id": meter, "timestamp": _ts(r.utc_s, tz), "kwh": pa.array(r.kwh, pa.float64())})


def _premises_table(reg: Registry, feeder: np.ndarray) -> pa.Table:
    return pa.table({
        "premise_id": pa.array(reg.premise_id.astype(str)),
        "meter_id": pa.array(reg.meter_id.astype(str)),
        "category": pa.array(reg.category.astype(str)),
        "address": pa.array(reg.address.astype(str)),
        "city": pa.array([CITIES[c][0] for c in reg.city]),
        "latitude": np.round(reg.latitude, 5),
        "longitude": np.round(reg.longitude, 5),
        "account_holder": pa.array(list(reg.holder), pa.string()),
        "phone": pa.array(list(reg.phone), pa.string()),
        "feeder_id": pa.array(feeder.astype(str)),
        "floor_area_m2": np.round(reg.floor_area, 1),
        "contracted_kw": reg.contracted_kw.astype(np.float64),
    })


def _truth_table(reg: Registry, axis: TimeAxis, cases: list[Case], backgrounds: dict[int, RealSeries],
                 register_notes: dict[str, str]) -> pa.Table:
    by_row = {c.row: c for c in cases}
    cols: dict[str, list] = {k: [] for k in ("premise_id", "meter_id", "label", "start_date", "end_date",
                                             "lamp_kw", "metered_fraction", "visible", "notes")}
    for row in np.flatnonzero(reg.primary):
        case = by_row.get(int(row))
        source = backgrounds[row].name if row in backgrounds else "synthetic"
        extra = [f"resolution={reg.resolution[row]}", f"background={source}"]
        if reg.meter_id[row] in register_notes:
            extra.append(register_notes[reg.meter_id[row]])
        cols["premise_id"].append(str(reg.premise_id[row]))
        cols["meter_id"].append(str(reg.meter_id[row]))
        if case is None:
            case = Case("normal", int(row), -1, -1, visible=False)
        cols["label"].append(case.label)
        cols["start_date"].append(str(axis.dates[case.start_day]) if case.start_day >= 0 else None)
        cols["end_date"].append(str(axis.dates[case.end_day]) if case.end_day >= 0 else None)
        cols["lamp_kw"].append(float(case.lamp_kw))
        cols["metered_fraction"].append(float(case.metered_fraction))
        cols["visible"].append(bool(case.visible))
        cols["notes"].append("; ".join([n for n in (case.notes(),) if n] + extra))
    return pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items()
                        if k not in ("lamp_kw", "metered_fraction", "visible")},
                     "lamp_kw": pa.array(cols["lamp_kw"], pa.float64()),
                     "metered_fraction": pa.array(cols["metered_fraction"], pa.float64()),
                     "visible": pa.array(cols["visible"], pa.bool_())}).select(list(cols))
