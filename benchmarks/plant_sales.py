"""Dataset (b)'s lamp-shop sales and the premises register fields a linker needs, planted by the benchmark's own
code (not wattwatch.sim.sales or sim.variants): its own names, streets, shops, product strings and spelling rules
(benchmarks.sales_words), so the benchmark tests how wattwatch generalises.

Register. Every premises gets an account holder (a person for homes and some farms, a firm "... shpk" for businesses;
15 % of homes are registered to a relative: same surname, another first name), an address in Albanian form
("Rruga e Kavajës, Nr. 12, Ap. 5"; about a fifth of the flats share their building with another premises) and a
phone (35 % blank; some firms give a fixed line).

Stores. 8-15 shops in the dataset's cities (Tiranë most), about 40 % hydroponics / grow shops, the rest electrical
shops; each has habits of its own: share of English receipts, diacritics lost by the till, capitals, and how often it
fills the watts column.

Buyers (every sale line is written the way a clerk writes it: name order, initials, a father's initial, typos,
ë/e, ç/c, capitals; Rruga/Rr./Blv., Nr./No./bare, flats, Tiranë/Tirana/TIRANE or no city; +355/0/00355 phones;
any field may be blank):
- grows (label grow): 85 % buy locally; HPS, LED or metal-halide lamps sized to the planted lamp kW (watts often in
  the text, sometimes only in the watts column, sometimes nowhere) plus ballasts, reflectors, filters, fans, timers,
  tents, substrate; 1-3 trips 0-60 days before the grow starts, split over shops; 85 % cash; 30 % of trips by a
  straw buyer (another name sharing the grower's phone or address); 30 % of grows are run by a tenant (own name and
  phone, the premises' address); 25 % of HPS grows buy fresh bulbs 100-200 days later. Grows that bypass the whole
  meter (benchmarks.plant) buy like the others.
- licensed greenhouses (label greenhouse, plus a quarter of the other farms as plant nurseries): 1-3 big orders of
  10-250 lamps, mostly by transfer, half of them in the 60 days before the greenhouse's lighting season starts.
- shops (5 % of ordinary commercial premises) and electricians (2 % of ordinary homes), plus a few of each outside
  the register: frequent bulk ordinary lighting and electrical goods, and some grow kit (they resell or install it).
- households (registered homes, and walk-ins from outside the register): a few ordinary bulbs, aquarium, herb and
  seedling lights; mostly no personal field given. Everyone outside the register (walk-ins, straw buyers' own
  homes) lives at an address no registered premises has.

Files: sales.csv (the data contract), stores.csv, sales_truth.csv (sale_id, premise_id = the premises the buyer
really acts for or blank, buyer_entity, role in grower / straw_buyer / greenhouse / shop / electrician / household,
item in grow_lamp / grow_kit / ordinary / hobby). One seeded generator: the same seed gives the same files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks.backgrounds import Axis
from benchmarks.sales_words import (CITY_SPELLINGS, FIRM_WORDS, GROW_KIT, GROW_LAMPS, HOBBY, LAMP_WATTS, ORDINARY,
                                    STREETS, SURNAMES, landline, mobile, person, receipt, register_address,
                                    register_phone, write_address, write_firm, write_name, write_phone, zipf_choice)

STORE_CITY_WEIGHT = {"Tiranë": 0.45, "Durrës": 0.15, "Vlorë": 0.1, "Shkodër": 0.08, "Elbasan": 0.08,
                     "Korçë": 0.07,
                     "Fier": 0.07}
GROW_ROLES = ("grower", "straw_buyer")
BULK_ROLES = ("greenhouse", "shop", "electrician")


@dataclass(frozen=True)
class Sites:
    """The dataset's premises, as the planter needs them."""

    premise_id: np.ndarray  # str
    category: np.ndarray  # str
    city: np.ndarray  # str: a key of sales_words.CITY_SPELLINGS
    label: np.ndarray  # grow | theft | a look-alike | normal
    start_day: np.ndarray  # int: the planted case's first day (grows: lamps on; greenhouses: lighting season)
    lamp_kw: np.ndarray  # float: grow lamp power


@dataclass(frozen=True)
class Buyer:
    entity: str
    role: str
    premise_id: str | None
    city: str
    person: tuple[str, str, str] | None  # (first, surname, father's first name)
    firm: str | None
    street: str | None
    number: int
    flat: int | None
    phone: str | None  # national number, digits
    blank: tuple[float, float, float]  # chances the clerk leaves name, address, phone blank


@dataclass(frozen=True)
class Store:
    store_id: str
    city: str
    lat: float
    lon: float
    hydro: bool
    english: float
    strips: bool
    shouts: bool
    watts_column: float


@dataclass(frozen=True)
class PlantedSales:
    account_holder: np.ndarray  # per premises, as the register writes it
    phone: np.ndarray  # per premises; '' = blank
    address: np.ndarray  # per premises, as the register writes it
    sales: Path
    stores: Path
    truth: Path


class Till:
    """Sale lines from all stores, with their truth."""

    def __init__(self, rng: np.random.Generator, axis: Axis, stores: list[Store], register: list[Buyer]) -> None:
        self.rng, self.axis, self.stores = rng, axis, stores
        self.registered = frozenset((b.city, b.street, b.number) for b in register)
        self.rows: list[tuple] = []

    def store(self, city: str, hydro: bool, loyalty: float = 0.75) -> Store:
        kind = [s for s in self.stores if s.hydro == hydro] or self.stores
        local = [s for s in kind if s.city == city]
        pool = local if local and self.rng.random() < loyalty else kind
        return pool[int(self.rng.integers(len(pool)))]

    def sell(self, buyer: Buyer, day: int, store: Store, templates, qty: int, payment: str, item: str,
             watts: int | None = None) -> None:
        rng = self.rng
        if not 0 <= day < self.axis.days:
            return
        local = datetime(self.axis.start.year, self.axis.start.month, self.axis.start.day) + timedelta(days=day)
        if local.weekday() == 6:  # closed on Sundays
            local += timedelta(days=1)
        local += timedelta(minutes=int(rng.integers(8 * 60, 20 * 60)))
        stamp = local.replace(tzinfo=ZoneInfo(self.axis.tz)).isoformat()
        text = receipt(rng, templates, store.english, watts, store.strips, store.shouts)
        # the watts in the text, in the watts column, in both, or (a few lines) nowhere
        shown = watts is not None and (rng.random() < store.watts_column or
                                       (str(watts) not in text and rng.random() < 0.8))
        blank = rng.random(3) < np.array(buyer.blank)
        self.rows.append((stamp, store.store_id, text, int(qty), payment,
                          "" if blank[0] else _name_on_receipt(rng, buyer),
                          "" if blank[1] or buyer.street is None else
                          write_address(rng, buyer.street, buyer.number, buyer.flat, buyer.city),
                          "" if blank[2] or buyer.phone is None else write_phone(rng, buyer.phone),
                          "" if not shown else float(watts), buyer.premise_id or "", buyer.entity, buyer.role, item))

    def write(self, sales: Path, truth: Path) -> None:
        rows = sorted(self.rows, key=lambda r: (datetime.fromisoformat(r[0]), r[1]))
        with open(sales, "w", newline="", encoding="utf-8") as f, open(truth, "w", newline="", encoding="utf-8") as t:
            ws, wt = csv.writer(f), csv.writer(t)
            ws.writerow(["sale_id", "timestamp", "store_id", "product", "quantity", "payment", "buyer_name",
                         "buyer_address", "buyer_phone", "watts"])
            wt.writerow(["sale_id", "premise_id", "buyer_entity", "role", "item"])
            for i, r in enumerate(rows):
                sale_id = f"RS{i + 1:06d}"
                ws.writerow([sale_id, *r[:9]])
                wt.writerow([sale_id, *r[9:]])


def _name_on_receipt(rng: np.random.Generator, buyer: Buyer) -> str:
    if buyer.firm and (buyer.person is None or rng.random() < 0.65):
        return write_firm(rng, buyer.firm)
    return write_name(rng, *buyer.person) if buyer.person else ""


def _payment(rng: np.random.Generator, cash: float) -> str:
    if rng.random() < cash:
        return str(rng.choice(["cash", "Cash", "CASH"], p=[0.8, 0.15, 0.05]))
    return str(rng.choice(["card", "transfer", "other"], p=[0.6, 0.35, 0.05]))


def make_stores(rng: np.random.Generator, coords: dict[str, tuple[float, float]]) -> list[Store]:
    cities = [c for c in STORE_CITY_WEIGHT if c in coords] or list(coords)
    w = np.array([STORE_CITY_WEIGHT.get(c, 0.05) for c in cities])
    n = int(rng.integers(8, 16))
    chosen = sorted(rng.choice(len(cities), n, p=w / w.sum()))
    n_hydro = max(2, round(0.4 * n))
    hydro = np.zeros(n, bool)
    hydro[rng.choice(n, n_hydro, replace=False)] = True
    out, per_city = [], {}
    for i, c in enumerate(chosen):
        city = cities[c]
        per_city[city] = per_city.get(city, 0) + 1
        lat, lon = coords[city]
        out.append(Store(f"DY-{city[:3].upper()}-{per_city[city]:02d}", city, round(lat + rng.normal(0, 0.015), 5),
                         round(lon + rng.normal(0, 0.015), 5), bool(hydro[i]), float(rng.uniform(0.1, 0.6)),
                         bool(rng.random() < 0.5), bool(rng.random() < 0.15), float(rng.uniform(0.0, 0.7))))
    return out


def _firm(rng: np.random.Generator, category: str) -> str:
    head = {"agricultural": ("Sera", "Agro", "Fidanishtja"), "public": ("Shkolla", "Qendra Shëndetësore", "Zyra")}
    word = str(rng.choice(head.get(category, FIRM_WORDS)))
    return f"{word} {zipf_choice(rng, SURNAMES)}" + ("" if category == "public" else " shpk")


def make_register(rng: np.random.Generator, sites: Sites) -> list[Buyer]:
    """Who each premises is: its resident or firm, address and phone (the truth behind the register)."""
    out: list[Buyer] = []
    buildings: dict[str, list[tuple[str, int]]] = {}  # city -> (street, number) of blocks of flats
    houses: set[tuple[str, str, int]] = set()  # addresses a whole house or business holds
    flats: set[tuple[str, str, int, int | None]] = set()
    for i, pid in enumerate(sites.premise_id):
        category, city = str(sites.category[i]), str(sites.city[i])
        home = category == "residential"
        is_person = home or (category == "agricultural" and rng.random() < 0.5)
        owner = person(rng)
        firm = None if is_person else _firm(rng, category)
        flat = int(rng.integers(1, 41)) if home and rng.random() < 0.55 else None
        blocks = buildings.setdefault(city, [])
        while True:  # a unique address; some flats share their building with another premises
            if flat and blocks and rng.random() < 0.2:
                street, number = blocks[int(rng.integers(len(blocks)))]
                flat = int(rng.integers(1, 41))
            else:
                street, number = STREETS[int(rng.integers(len(STREETS)))], int(rng.integers(1, 121))
            building = (city, street, number)
            if building not in houses and ((*building, flat) not in flats if flat else (street, number) not in blocks):
                break
        if flat:
            flats.add((city, street, number, flat))
            blocks.append((street, number))
        else:
            houses.add((city, street, number))
        phone = landline(rng) if firm and rng.random() < 0.3 else mobile(rng)
        out.append(Buyer(f"premises:{pid}", "resident", str(pid), city, owner if is_person or rng.random() < 0.7
                         else None, firm, street, number, flat, phone, (0.15, 0.45, 0.35)))
    return out


def register_fields(rng: np.random.Generator, register: list[Buyer]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(account_holder, phone, address) as the utility's register writes them."""
    holder, phone, address = [], [], []
    for b in register:
        if b.firm:
            holder.append(b.firm)
        else:
            first, last, _ = b.person
            if rng.random() < 0.15:  # registered to a relative: the same family, another first name
                first = person(rng)[0]
            form = rng.random()
            holder.append(f"{first} {last}" if form < 0.55 else (f"{last.upper()} {first.upper()}" if form < 0.85
                                                                    else f"{last} {first}"))
        phone.append("" if rng.random() < 0.35 else register_phone(b.phone))
        address.append(register_address(b.street, b.number, b.flat))
    return (np.array(holder, dtype=object), np.array(phone, dtype=object), np.array(address, dtype=object))


def _stranger(rng: np.random.Generator, entity: str, role: str, city: str, blank: tuple[float, float, float],
              registered: frozenset[tuple[str, str, int]], firm: str | None = None) -> Buyer:
    """Someone outside the register: an address no registered premises has (one that has a meter there lives
    there, as far as any linker can know)."""
    while True:
        street, number = STREETS[int(rng.integers(len(STREETS)))], int(rng.integers(1, 121))
        if (city, street, number) not in registered:
            break
    return Buyer(entity, role, None, city, person(rng), firm, street, number,
                 int(rng.integers(1, 41)) if rng.random() < 0.5 else None, mobile(rng), blank)


def _grow_trip(till: Till, buyer: Buyer, day: int, store: Store, kind: str, watts: int, lamps: int, pay: str,
               first: bool) -> None:
    rng = till.rng
    if lamps:
        till.sell(buyer, day, store, GROW_LAMPS[kind], lamps, pay, "grow_lamp", watts)
        if kind != "led" and rng.random() < 0.7:
            till.sell(buyer, day, store, GROW_KIT["ballast"], lamps, pay, "grow_kit", watts)
        if rng.random() < 0.5:
            till.sell(buyer, day, store, GROW_KIT["reflector"], lamps, pay, "grow_kit")
    extras = (("filter", 0.5, 1), ("fan", 0.6, int(rng.integers(1, 3))), ("timer", 0.7, int(rng.integers(1, 3))),
              ("tent", 0.3, 1), ("medium", 0.3, int(rng.integers(1, 4))))
    for kit, p, qty in extras:
        if rng.random() < p * (1.0 if first else 0.4):
            till.sell(buyer, day + int(rng.integers(0, 2)), store, GROW_KIT[kit], qty, pay, "grow_kit")


def grower_sales(till: Till, resident: Buyer, start_day: int, lamp_kw: float) -> None:
    rng = till.rng
    if rng.random() < 0.15:  # bought online or abroad: no local till record
        return
    grower = replace(resident, entity=f"grower:{resident.premise_id}", role="grower", firm=None,
                     person=resident.person or person(rng), blank=(0.15, 0.45, 0.35))
    if rng.random() < 0.3:  # a tenant runs the grow: own name and phone, the premises' address
        grower = replace(grower, person=person(rng), phone=mobile(rng))
    kind = str(rng.choice(["hps", "led", "mh"], p=[0.45, 0.4, 0.15]))
    watts = int(rng.choice(LAMP_WATTS[kind]))
    n_lamps = max(1, round(lamp_kw * 1000 / watts))
    trips = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2]))
    cuts = np.sort(rng.integers(0, n_lamps + 1, trips - 1))
    split = np.diff(np.concatenate([[0], cuts, [n_lamps]]))
    for t, lamps in enumerate(split):
        buyer = grower
        if rng.random() < 0.3:
            buyer = _straw_buyer(rng, grower, t, till.registered)
        store = till.store(buyer.city, hydro=rng.random() < 0.75, loyalty=0.7)
        _grow_trip(till, buyer, start_day - int(rng.integers(0, 61)), store, kind, watts, int(lamps),
                   _payment(rng, 0.85), first=t == 0)
        if t == 0 and kind == "hps" and rng.random() < 0.25:  # metal halide for the vegetative weeks
            till.sell(buyer, start_day - int(rng.integers(0, 61)), store, GROW_LAMPS["mh"], max(1, n_lamps // 2),
                      _payment(rng, 0.85), "grow_lamp", int(rng.choice(LAMP_WATTS["mh"])))
    if kind == "hps" and rng.random() < 0.25:  # fresh bulbs for a later cycle
        till.sell(grower, start_day + int(rng.integers(100, 201)), till.store(grower.city, True), GROW_LAMPS["hps"],
                  n_lamps, _payment(rng, 0.85), "grow_lamp", watts)


def _straw_buyer(rng: np.random.Generator, grower: Buyer, trip: int,
                 registered: frozenset[tuple[str, str, int]] = frozenset()) -> Buyer:
    """Another name that shares the grower's phone or address (the shared field is rarely left blank)."""
    name = person(rng)
    while name[:2] == grower.person[:2]:
        name = person(rng)
    entity = f"straw:{grower.premise_id}:{trip}"
    if rng.random() < 0.5:  # the grower's phone, an address of their own
        own = _stranger(rng, entity, "straw_buyer", grower.city, (0.1, 0.5, 0.05), registered)
        return replace(own, premise_id=grower.premise_id, person=name, phone=grower.phone)
    return replace(grower, entity=entity, role="straw_buyer", person=name, phone=mobile(rng),
                   blank=(0.1, 0.05, 0.5))


def greenhouse_sales(till: Till, resident: Buyer, lighting_day: int, nursery: bool) -> None:
    rng = till.rng
    buyer = replace(resident, entity=f"greenhouse:{resident.premise_id}", role="greenhouse", blank=(0.05, 0.2, 0.3))
    for _ in range(int(rng.integers(1, 4))):
        kind = str(rng.choice(["hps", "led"]))
        watts = int(rng.choice(LAMP_WATTS[kind][1:]))
        qty = int(rng.integers(10, 61) if nursery else rng.integers(30, 251))
        day = lighting_day - int(rng.integers(0, 61)) if rng.random() < 0.5 and lighting_day > 0 else \
            int(rng.integers(0, till.axis.days))
        store, pay = till.store(buyer.city, hydro=rng.random() < 0.6, loyalty=0.5), _payment(rng, 0.15)
        till.sell(buyer, day, store, GROW_LAMPS[kind], qty, pay, "grow_lamp", watts)
        if kind == "hps":
            till.sell(buyer, day, store, GROW_KIT["ballast"], qty, pay, "grow_kit", watts)
        till.sell(buyer, day, store, GROW_KIT["timer"], int(rng.integers(2, 12)), pay, "grow_kit")


def trade_sales(till: Till, buyer: Buyer) -> None:
    """A shop or an electrician: frequent bulk ordinary goods, and some grow kit to resell or install."""
    rng = till.rng
    shop = buyer.role == "shop"
    for _ in range(int(rng.integers(12, 41))):
        day, pay = int(rng.integers(0, till.axis.days)), _payment(rng, 0.4)
        if rng.random() < 0.8:
            till.sell(buyer, day, till.store(buyer.city, False, 0.8), ORDINARY,
                      int(rng.integers(10, 151) if shop else rng.integers(2, 41)), pay, "ordinary")
            continue
        store = till.store(buyer.city, True, 0.8)
        kind = str(rng.choice(["hps", "led", "ballast", "timer", "fan"]))
        if kind in GROW_LAMPS:
            till.sell(buyer, day, store, GROW_LAMPS[kind], int(rng.integers(2, 16) if shop else rng.integers(1, 7)),
                      pay, "grow_lamp", int(rng.choice(LAMP_WATTS[kind])))
        else:
            till.sell(buyer, day, store, GROW_KIT[kind], int(rng.integers(1, 11)), pay, "grow_kit",
                      int(rng.choice(LAMP_WATTS["hps"])) if kind == "ballast" else None)


def household_sales(till: Till, buyer: Buyer) -> None:
    rng = till.rng
    u = rng.random()
    day, pay = int(rng.integers(0, till.axis.days)), _payment(rng, 0.55)
    if u < 0.85:
        till.sell(buyer, day, till.store(buyer.city, False), ORDINARY, int(rng.integers(1, 7)), pay, "ordinary")
    else:  # an aquarium, herb or seedling light: as likely from a grow shop as from an electrical shop
        till.sell(buyer, day, till.store(buyer.city, rng.random() < 0.5),
                  HOBBY["aquarium"] if u < 0.91 else HOBBY["herb"], int(rng.integers(1, 3)), pay, "hobby")


def _pick(rng: np.random.Generator, candidates: np.ndarray, share: float, at_least: int) -> np.ndarray:
    n = min(len(candidates), max(at_least, round(share * len(candidates))))
    return rng.choice(candidates, n, replace=False) if n else np.zeros(0, np.int64)


def plant_sales(rng: np.random.Generator, sites: Sites, axis: Axis, coords: dict[str, tuple[float, float]],
                out_dir: Path) -> PlantedSales:
    """Register fields for every premises, and sales.csv, stores.csv and sales_truth.csv under out_dir."""
    unknown = set(map(str, sites.city)) - set(CITY_SPELLINGS)
    if unknown:
        raise ValueError(f"no spellings for cities {sorted(unknown)}")
    register = make_register(rng, sites)
    holder, phone, address = register_fields(rng, register)
    stores = make_stores(rng, coords)
    till = Till(rng, axis, stores, register)
    label, category = sites.label, sites.category
    for i in np.flatnonzero(label == "grow"):
        grower_sales(till, register[i], int(sites.start_day[i]), float(sites.lamp_kw[i]))
    for i in np.flatnonzero(label == "greenhouse"):
        greenhouse_sales(till, register[i], int(sites.start_day[i]), nursery=False)
    farms = np.flatnonzero((label == "normal") & (category == "agricultural"))
    for i in _pick(rng, farms, 0.25, 1):
        greenhouse_sales(till, register[i], -1, nursery=True)
    cities = sorted(set(map(str, sites.city)))
    for role, cat, share, n_walk_in in (("shop", "commercial", 0.05, 2), ("electrician", "residential", 0.02, 3)):
        for i in _pick(rng, np.flatnonzero((label == "normal") & (category == cat)), share, 2):
            trade_sales(till, replace(register[i], entity=f"{role}:{sites.premise_id[i]}", role=role,
                                      blank=(0.1, 0.4, 0.3)))
        for k in range(n_walk_in):
            city = cities[int(rng.integers(len(cities)))]
            firm = f"{rng.choice(FIRM_WORDS)} {zipf_choice(rng, SURNAMES)} shpk" if role == "shop" else None
            trade_sales(till, _stranger(rng, f"{role}:walk-in-{k}", role, city, (0.1, 0.4, 0.3), till.registered,
                                        firm))
    homes = np.flatnonzero(category == "residential")
    for k in range(int(rng.poisson(0.8 * len(sites.premise_id)))):
        if rng.random() < 0.55 and len(homes):
            i = int(rng.choice(homes))
            buyer = replace(register[i], entity=f"household:{sites.premise_id[i]}", role="household", firm=None,
                            person=register[i].person or person(rng), blank=(0.35, 0.65, 0.55))
        else:
            buyer = _stranger(rng, f"household:walk-in-{k}", "household", cities[int(rng.integers(len(cities)))],
                              (0.35, 0.65, 0.55), till.registered)
        household_sales(till, buyer)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("sales", "stores", "sales_truth")}
    till.write(paths["sales"], paths["sales_truth"])
    with open(paths["stores"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["store_id", "city", "latitude", "longitude"])
        w.writerows([s.store_id, s.city, s.lat, s.lon] for s in stores)
    return PlantedSales(holder, phone, address, paths["sales"], paths["stores"], paths["sales_truth"])
