"""Dataset (b): a register of premises on real backgrounds with planted grows, thefts and look-alikes.

Premises: categories in fixed shares (residential 60 %, commercial 18 %, public 8 %, industrial 7 %, agricultural
7 %), each given a background series that fits its category (benchmarks.backgrounds), a size of its own (the
series is rescaled), per-slot and per-day noise so that copies of one series differ, a city, and register fields.
Cases: about 10 % grows, 8 % thefts and 15 % look-alikes (2.5 % each of six kinds), planted by benchmarks.plant.
With sales (real_dataset(..., with_sales=True)): account holders, phones and Albanian addresses in the register, and
lamp-shop sales with their truth, planted by benchmarks.plant_sales from a generator of their own.
Everything is drawn from one seeded generator: the same seed gives the same files and truth.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.backgrounds import Axis, Background, load_backgrounds, make_grid, place
from benchmarks.datasets import VISIBLE_LAMP_KW, Dataset, Truth
from benchmarks.plant import Planted, daily_temperature, plant_grow, plant_lookalike, plant_theft
from benchmarks.plant_sales import PlantedSales, Sites, plant_sales

CATEGORY_SHARES = {"residential": 0.60, "commercial": 0.18, "public": 0.08, "industrial": 0.07, "agricultural": 0.07}
# median average kW and log-sd of a premises' own load (residential SGSC households keep their own level)
SIZE_KW = {"residential": (0.4, 0.35), "commercial": (4.0, 0.8), "public": (8.0, 0.7), "industrial": (15.0, 0.8),
           "agricultural": (3.0, 0.8)}
SLOT_NOISE = {"vdi": 0.2, "sgsc": 0.05, "cambridge": 0.05}  # standard profiles are averages: too smooth alone
DAY_NOISE = 0.05
GROW_SHARE, THEFT_SHARE, LOOKALIKE_SHARE = 0.10, 0.08, 0.15
GROW_CATEGORIES = ("residential", "commercial", "industrial")
RESIDENTIAL_GROW_SHARE = 0.7
THEFT_CATEGORIES = ("residential", "commercial", "industrial")
LOOKALIKE_CATEGORIES = {"crypto": ("residential", "commercial", "industrial"), "ev": ("residential", "commercial"),
                        "night_shift": ("commercial", "industrial"), "heating": ("residential", "commercial", "public"),
                        "growth": ("commercial", "industrial"), "greenhouse": ("agricultural",)}
NARROW_LOOKALIKES = ("greenhouse", "night_shift", "growth")  # placed first: few categories can hold them
CITIES = (("Tiranë", 41.33, 19.82), ("Durrës", 41.32, 19.45), ("Vlorë", 40.47, 19.49), ("Shkodër", 42.07, 19.51),
          ("Elbasan", 41.11, 20.08), ("Korçë", 40.62, 20.78), ("Fier", 40.72, 19.56))
START = "2024-09-02"  # a Monday; 400 days reach October 2025 across two DST changes
RESIDENTIAL_FUSES_KW = np.array([4.5, 6.0, 8.0, 10.0, 12.0, 15.0])
SALES_STREAM = 4  # the sales planter's generator: np.random.default_rng([seed, SALES_STREAM])


@dataclass(frozen=True)
class Planters:
    """Which planter draws each case, and the look-alike kinds with the categories each may stand in."""

    title: str
    grow: Callable
    theft: Callable
    lookalike: Callable  # (rng, label, axis, grid, background, category, temperature) -> (metered, Planted)
    lookalike_categories: dict[str, tuple[str, ...]]


PLANTERS_B = Planters("real backgrounds", plant_grow, plant_theft, plant_lookalike, LOOKALIKE_CATEGORIES)


def _categories(rng: np.random.Generator, n: int, library: list[Background]) -> np.ndarray:
    usable = [c for c in CATEGORY_SHARES if any(c in b.categories for b in library)]
    p = np.array([CATEGORY_SHARES[c] for c in usable])
    return rng.choice(np.array(usable, dtype=object), n, p=p / p.sum())


def _assign_cases(rng: np.random.Generator, category: np.ndarray, kinds: dict[str, tuple[str, ...]]) -> np.ndarray:
    """A label per premises: cases first on the categories they need, the rest normal."""
    n = len(category)
    label = np.full(n, "normal", dtype=object)

    def take(count: int, cats: tuple[str, ...], name: str) -> None:
        free = np.flatnonzero((label == "normal") & np.isin(category, cats))
        label[rng.choice(free, min(count, len(free)), replace=False)] = name

    per_lookalike = max(1, round(LOOKALIKE_SHARE * n / len(kinds)))
    for name in NARROW_LOOKALIKES:
        take(per_lookalike, kinds[name], name)
    n_grow = max(1, round(GROW_SHARE * n))
    take(round(RESIDENTIAL_GROW_SHARE * n_grow), ("residential",), "grow")
    take(n_grow - int((label == "grow").sum()), GROW_CATEGORIES, "grow")
    take(max(1, round(THEFT_SHARE * n)), THEFT_CATEGORIES, "theft")
    for name in kinds:
        if name not in NARROW_LOOKALIKES:
            take(per_lookalike, kinds[name], name)
    return label


def _background(rng: np.random.Generator, library: list[Background], category: str) -> Background:
    fits = [b for b in library if category in b.categories]
    sources = sorted({b.source for b in fits})
    source = sources[int(rng.integers(len(sources)))]  # each source equally likely, then a series within it
    pool = [b for b in fits if b.source == source]
    return pool[int(rng.integers(len(pool)))]


def _own_load(rng: np.random.Generator, axis: Axis, bg: Background, category: str) -> tuple[np.ndarray, object]:
    grid = make_grid(axis, bg.step_min)
    kw = place(bg, axis, grid, rng)
    day = np.clip(grid.day, 0, axis.days - 1)
    kw = kw * np.exp(rng.normal(0, SLOT_NOISE[bg.source], len(kw)) + rng.normal(0, DAY_NOISE, axis.days)[day])
    median, sd = SIZE_KW[category]
    if bg.source == "sgsc":  # real households: keep their own level, only move it a little
        target = float(np.nanmean(kw)) * np.exp(rng.normal(0, 0.2))
    else:
        target = median * np.exp(rng.normal(0, sd))
    return kw * (target / float(np.nanmean(kw))), grid


def real_dataset(workdir: Path, root: Path, seed: int, n_premises: int, days: int,
                 monthly_share: float = 0.5, with_sales: bool = False, planters: Planters = PLANTERS_B,
                 key: str = "b", start: str | None = None) -> Dataset:
    """Files and truth of dataset (b), or of another dataset on the same backgrounds with other `planters` (c:
    benchmarks.plant_variants); with_sales adds register fields, lamp-shop sales and their truth
    (benchmarks.plant_sales) without changing anything else the seed gives. The data begin on `start` (default
    START); each background's window is taken at the same season of its own years."""
    workdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    library = load_backgrounds(root, rng)
    if not library:
        raise FileNotFoundError(f"no usable real series under {root}")
    axis = Axis(np.datetime64(start or START).astype(object), days, "Europe/Tirane")
    category = _categories(rng, n_premises, library)
    label = _assign_cases(rng, category, planters.lookalike_categories)
    temperature = daily_temperature(rng, axis)
    premise_id = np.array([f"RP{i + 1:05d}" for i in range(n_premises)], dtype=object)
    meter_id = np.array([f"RM{i + 1:05d}" for i in rng.permutation(n_premises)], dtype=object)
    parts, mean_kw, notes, truth_rows = [], np.zeros(n_premises), [], []
    for i in range(n_premises):  # a few hundred premises, each a different series and case
        bg = _background(rng, library, str(category[i]))
        own, grid = _own_load(rng, axis, bg, str(category[i]))
        mean_kw[i] = float(np.nanmean(own))
        if label[i] == "grow":
            metered, case = planters.grow(rng, axis, grid, own, str(category[i]))
        elif label[i] == "theft":
            metered, case = planters.theft(rng, axis, grid, own, str(category[i]))
        elif label[i] in planters.lookalike_categories:
            metered, case = planters.lookalike(rng, str(label[i]), axis, grid, own, str(category[i]), temperature)
        else:
            metered, case = own, Planted("normal")
        ok = np.isfinite(metered)
        kwh = np.round(np.maximum(metered[ok], 0) * grid.step_s / 3600, 4)
        parts.append((np.full(int(ok.sum()), i, np.int32), grid.utc_s[ok], kwh))
        truth_rows.append(case)
        notes.append(f"background={bg.name}; resolution={bg.step_min}min; mean_kw={mean_kw[i]:.2f}; {case.notes()}")

    readings = workdir / "readings.parquet"
    _write_readings(readings, meter_id, parts, axis.tz)
    premises = workdir / "premises.csv"
    cols = _premises_columns(rng, premise_id, meter_id, category, mean_kw)
    files = {"premises": [premises], "readings": [readings]}
    sales_truth = None
    if with_sales:  # a generator of its own: planting sales leaves every other draw as it was
        planted = plant_sales(np.random.default_rng([seed, SALES_STREAM]), _sites(premise_id, category, cols, label,
                                                                                    truth_rows),
                              axis, {name: (lat, lon) for name, lat, lon in CITIES}, workdir)
        cols = with_register(cols, planted)
        files.update({"sales": [planted.sales], "stores": [planted.stores]})
        sales_truth = planted.truth
    _write_premises(premises, cols)
    metered_lamp = np.array([c.lamp_kw * c.metered_fraction for c in truth_rows])
    whole = np.array([c.whole_bypass for c in truth_rows])
    grow = label == "grow"
    truth = Truth(premise_id, meter_id, label,
                  grow & ~whole & (metered_lamp >= np.maximum(VISIBLE_LAMP_KW, 0.1 * mean_kw)),
                  (label == "theft") | (grow & whole), np.zeros(n_premises, bool), np.array(notes, dtype=object))
    monthly = np.sort(rng.choice(meter_id, int(round(monthly_share * n_premises)), replace=False))
    return Dataset(key, f"{planters.title} (seed {seed}, {n_premises} premises x {days} d)", files, truth, axis.tz,
                   monthly, sales_truth)


def _write_readings(path: Path, meter_id: np.ndarray, parts: list, tz: str) -> None:
    rows, utc_s, kwh = (np.concatenate(p) for p in zip(*parts))
    meters = pa.DictionaryArray.from_arrays(pa.array(rows), pa.array(meter_id.astype(str)))
    pq.write_table(pa.table({"meter_id": meters,
                             "timestamp": pa.array(utc_s * 1_000_000, pa.timestamp("us", tz=tz)),
                             "kwh": pa.array(kwh, pa.float64())}), path, compression="zstd")


def _premises_columns(rng: np.random.Generator, premise_id, meter_id, category, mean_kw) -> dict[str, list]:
    """The register's columns (a numbered placeholder address); every draw in a fixed order, so the same seed gives
    the same register whether or not sales are planted."""
    n = len(premise_id)
    city = rng.integers(len(CITIES), size=n)
    residential = category == "residential"
    kwh_per_m2 = np.where(residential, 30.0, 110.0) * np.exp(rng.normal(0, 0.4, n))
    area = np.where(rng.random(n) < 0.15, np.nan, np.round(mean_kw * 8760 / kwh_per_m2, 1))
    fuse = RESIDENTIAL_FUSES_KW[np.minimum(np.searchsorted(RESIDENTIAL_FUSES_KW, mean_kw * 5 + 1),
                                           len(RESIDENTIAL_FUSES_KW) - 1)]
    contracted = np.where(residential, fuse, np.round(mean_kw * rng.uniform(3, 6, n) + 5))
    contracted = np.where(rng.random(n) < 0.1, np.nan, contracted)
    cols: dict[str, list] = {k: [] for k in ("premise_id", "meter_id", "category", "address", "city", "latitude",
                                             "longitude", "floor_area_m2", "contracted_kw")}
    for i in range(n):
        name, lat, lon = CITIES[city[i]]
        for k, v in (("premise_id", premise_id[i]), ("meter_id", meter_id[i]), ("category", category[i]),
                     ("address", f"Rruga {i % 97 + 1}, Nr. {i % 53 + 1}"), ("city", name),
                     ("latitude", round(lat + rng.normal(0, 0.02), 5)),
                     ("longitude", round(lon + rng.normal(0, 0.02), 5)),
                     ("floor_area_m2", "" if np.isnan(area[i]) else area[i]),
                     ("contracted_kw", "" if np.isnan(contracted[i]) else contracted[i])):
            cols[k].append(v)
    return cols


def _write_premises(path: Path, cols: dict[str, list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(list(cols))
        w.writerows(zip(*cols.values()))


def with_register(cols: dict[str, list], planted: PlantedSales) -> dict[str, list]:
    """The register columns with the planted sales' account holders, phones and Albanian addresses."""
    return {**cols, "address": list(planted.address), "account_holder": list(planted.account_holder),
            "phone": list(planted.phone)}


def _sites(premise_id, category, cols: dict[str, list], label, cases: list[Planted]) -> Sites:
    return Sites(premise_id, category, np.array(cols["city"], dtype=object), label,
                 np.array([c.start_day for c in cases]), np.array([c.lamp_kw for c in cases]))
