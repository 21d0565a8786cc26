"""Till records of lighting and hydroponics shops, and who really bought what.

Growers buy lamps and kit 0-60 days before their lamps come on, sometimes split over shops and days, sometimes via
straw buyers (other names sharing the grower's phone or address), mostly in cash. Greenhouses, electricians and shops
buy in bulk legitimately; households buy ordinary lamps. Clerks write names, addresses and phones their own way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .calendar import TimeAxis
from .cases import Case
from .names import BUSINESS_WORDS, CITIES
from .products import GROW, HOBBY, ORDINARY, Product, receipt_text
from .registry import Registry, person_name, phone_number, street_address
from .variants import address_variant, name_variant, phone_variant


@dataclass(frozen=True)
class Buyer:
    entity: str
    role: str  # grower | straw_buyer | greenhouse | electrician | shop | household
    name: str
    address: str
    city: int
    phone: str
    premise_id: str | None
    blank_rate: float  # how often a clerk leaves each personal field empty


@dataclass(frozen=True)
class Stores:
    store_id: np.ndarray
    city: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray

    def table(self) -> pa.Table:
        return pa.table({"store_id": self.store_id.astype(str), "city": [CITIES[c][0] for c in self.city],
                         "latitude": self.latitude, "longitude": self.longitude})


def make_stores(rng: np.random.Generator, n: int) -> Stores:
    w = np.array([c[3] for c in CITIES])
    city = np.sort(rng.choice(len(CITIES), n, p=w / w.sum()))
    lat = np.array([CITIES[c][1] for c in city]) + rng.normal(0, 0.015, n)
    lon = np.array([CITIES[c][2] for c in city]) + rng.normal(0, 0.015, n)
    return Stores(np.array([f"ST{i + 1:02d}" for i in range(n)]), city, lat, lon)


class Ledger:
    """Collects sale lines and their truth."""

    def __init__(self, rng: np.random.Generator, axis: TimeAxis, stores: Stores) -> None:
        self.rng, self.axis, self.stores = rng, axis, stores
        self.rows: list[tuple] = []

    def store_near(self, city: int, loyalty: float = 0.75) -> int:
        local = np.flatnonzero(self.stores.city == city)
        if len(local) and self.rng.random() < loyalty:
            return int(self.rng.choice(local))
        return int(self.rng.integers(len(self.stores.store_id)))

    def sell(self, buyer: Buyer, day: int, store: int, product: Product, qty: int, payment: str,
             watts: int | None = None) -> None:
        rng = self.rng
        if not 0 <= day < self.axis.days:
            return
        if self.axis.weekday[day] == 6:  # shops are closed on Sundays
            day = min(day + 1, self.axis.days - 1)
        t = int(self.axis.day_start_utc(day)) + int(rng.uniform(8, 20) * 3600)
        blank = rng.random(3) < buyer.blank_rate * np.array([0.6, 1.4, 1.1])
        name = None if blank[0] else name_variant(rng, buyer.name)
        address = None if blank[1] else address_variant(rng, buyer.address, CITIES[buyer.city][0])
        phone = None if blank[2] else phone_variant(rng, buyer.phone)
        shown_watts = float(watts) if watts and rng.random() < 0.4 else None
        self.rows.append((t, self.stores.store_id[store], receipt_text(rng, product, watts), int(qty), payment,
                          name, address, phone, shown_watts, buyer.premise_id, buyer.entity, buyer.role))

    def tables(self) -> tuple[pa.Table, pa.Table]:
        rows = sorted(self.rows, key=lambda r: r[0])
        ids = [f"SL{i + 1:06d}" for i in range(len(rows))]
        col = list(zip(*rows)) if rows else [[] for _ in range(12)]
        sales = pa.table({
            "sale_id": ids,
            "timestamp": pa.array(np.array(col[0], dtype=np.int64) * 1_000_000,
                                  pa.timestamp("us", tz=self.axis.tz.key)),
            "store_id": pa.array(col[1], pa.string()), "product": pa.array(col[2], pa.string()),
            "quantity": pa.array(col[3], pa.int64()), "payment": pa.array(col[4], pa.string()),
            "buyer_name": pa.array(col[5], pa.string()), "buyer_address": pa.array(col[6], pa.string()),
            "buyer_phone": pa.array(col[7], pa.string()), "watts": pa.array(col[8], pa.float64()),
        })
        truth = pa.table({"sale_id": ids, "premise_id": pa.array(col[9], pa.string()),
                          "buyer_entity": pa.array(col[10], pa.string()), "role": pa.array(col[11], pa.string())})
        return sales, truth


def _cash(rng: np.random.Generator, p_cash: float) -> str:
    return "cash" if rng.random() < p_cash else str(rng.choice(["card", "transfer", "other"], p=[0.6, 0.3, 0.1]))


def _owner(reg: Registry, row: int, role: str, entity: str, blank_rate: float) -> Buyer:
    return Buyer(entity, role, str(reg.holder_true[row]), str(reg.address[row]), int(reg.city[row]),
                 str(reg.phone_true[row]), str(reg.premise_id[row]), blank_rate)


def grower_purchases(led: Ledger, reg: Registry, case: Case, n_straw: list[int]) -> None:
    rng = led.rng
    if rng.random() < 0.2:  # bought online or abroad: no local till record
        return
    grower = _owner(reg, case.row, "grower", f"grower:{reg.premise_id[case.row]}", 0.25)
    if rng.random() < 0.25:  # a tenant, not the account holder, runs the grow
        grower = Buyer(grower.entity, "grower", person_name(rng), grower.address, grower.city, phone_number(rng),
                       grower.premise_id, 0.25)
    p = case.params
    lamp = GROW["hps"] if p["lamp_type"] == "HPS" else GROW["led_grow"]
    watts = int(p["watts"])
    trips = int(rng.integers(1, 4))
    split = np.diff(np.sort(np.concatenate([[0, p["n_lamps"]], rng.integers(0, p["n_lamps"] + 1, trips - 1)])))
    for k in split:
        buyer = grower
        if rng.random() < 0.3:
            n_straw[0] += 1
            share_phone = rng.random() < 0.5
            buyer = Buyer(f"straw:{n_straw[0]}", "straw_buyer", person_name(rng),
                          grower.address if not share_phone else street_address(rng), grower.city,
                          grower.phone if share_phone else phone_number(rng), grower.premise_id, 0.2)
        day = case.start_day - int(rng.integers(0, 61))
        store = led.store_near(buyer.city)
        pay = _cash(rng, 0.85)
        if k > 0:
            led.sell(buyer, day, store, lamp, int(k), pay, watts)
            if lamp.kind == "hps" and rng.random() < 0.6:
                led.sell(buyer, day, store, GROW["ballast"], int(k), pay, watts)
        for kind, prob, qty in (("reflector", 0.4, k), ("filter", 0.4, 1), ("fan", 0.5, rng.integers(1, 3)),
                                ("timer", 0.6, rng.integers(1, 3)), ("tent", 0.2, 1)):
            if qty > 0 and rng.random() < prob:
                led.sell(buyer, day + int(rng.integers(0, 2)), store, GROW[kind], int(qty), pay)
    if lamp.kind == "hps" and rng.random() < 0.3:  # fresh bulbs for a later cycle
        led.sell(grower, case.start_day + int(rng.integers(90, 160)), led.store_near(grower.city), lamp,
                 int(p["n_lamps"]), _cash(rng, 0.85), watts)


def greenhouse_purchases(led: Ledger, reg: Registry, case: Case) -> None:
    rng = led.rng
    buyer = _owner(reg, case.row, "greenhouse", f"greenhouse:{reg.premise_id[case.row]}", 0.05)
    for _ in range(int(rng.integers(1, 4))):
        lamp = GROW["led_grow"] if rng.random() < 0.5 else GROW["hps"]
        watts = int(rng.choice(lamp.watts))
        day = int(rng.integers(0, led.axis.days))
        store = led.store_near(buyer.city, 0.5)
        qty = int(rng.integers(20, 201))
        led.sell(buyer, day, store, lamp, qty, _cash(rng, 0.1), watts)
        if lamp.kind == "hps":
            led.sell(buyer, day, store, GROW["ballast"], qty, _cash(rng, 0.1), watts)
        led.sell(buyer, day, store, GROW["timer"], int(rng.integers(2, 10)), _cash(rng, 0.1))


def trade_purchases(led: Ledger, role: str, n_entities: int, per_entity: tuple[int, int]) -> None:
    """Electricians and shops: frequent bulk buyers of everything, grow kit included."""
    rng = led.rng
    for e in range(n_entities):
        city = int(rng.integers(len(CITIES)))
        word = BUSINESS_WORDS[int(rng.integers(len(BUSINESS_WORDS)))]
        name = f"Elektro {word} {person_name(rng).split()[1]}" if role == "shop" else person_name(rng)
        buyer = Buyer(f"{role}:{e + 1}", role, name, street_address(rng), city, phone_number(rng), None, 0.15)
        for _ in range(int(rng.integers(*per_entity))):
            day, store = int(rng.integers(0, led.axis.days)), led.store_near(city, 0.8)
            if rng.random() < 0.8:
                led.sell(buyer, day, store, ORDINARY, int(rng.integers(10, 200 if role == "shop" else 60)),
                         _cash(rng, 0.4))
            else:
                kind = str(rng.choice(["hps", "ballast", "timer", "fan", "led_grow"]))
                w = int(rng.choice(GROW[kind].watts)) if GROW[kind].watts else None
                led.sell(buyer, day, store, GROW[kind], int(rng.integers(1, 12)), _cash(rng, 0.4), w)


def household_purchases(led: Ledger, reg: Registry, n: int) -> None:
    rng = led.rng
    homes = np.flatnonzero((reg.category == "residential") & reg.primary)
    for i in range(n):
        if rng.random() < 0.7 and len(homes):
            buyer = _owner(reg, int(rng.choice(homes)), "household", "", 0.7)
            buyer = Buyer(f"household:{buyer.premise_id}", "household", buyer.name, buyer.address, buyer.city,
                          buyer.phone, buyer.premise_id, 0.7)
        else:
            buyer = Buyer(f"household:walk-in-{i}", "household", person_name(rng), street_address(rng),
                          int(rng.integers(len(CITIES))), phone_number(rng), None, 0.75)
        u = rng.random()
        if u < 0.9:
            led.sell(buyer, int(rng.integers(0, led.axis.days)), led.store_near(buyer.city), ORDINARY,
                     int(rng.integers(1, 7)), _cash(rng, 0.5))
        elif u < 0.98:
            led.sell(buyer, int(rng.integers(0, led.axis.days)), led.store_near(buyer.city), HOBBY,
                     int(rng.integers(1, 3)), _cash(rng, 0.5))
        else:  # a single small grow light or timer for herbs on the balcony
            kind = "led_grow" if rng.random() < 0.5 else "timer"
            led.sell(buyer, int(rng.integers(0, led.axis.days)), led.store_near(buyer.city), GROW[kind], 1,
                     _cash(rng, 0.5), 240 if kind == "led_grow" else None)


def make_sales(rng: np.random.Generator, axis: TimeAxis, reg: Registry, cases: list[Case], stores: Stores,
               households_per_premises: float) -> tuple[pa.Table, pa.Table]:
    led = Ledger(rng, axis, stores)
    n_straw = [0]
    for case in cases:
        if case.label == "grow":
            grower_purchases(led, reg, case, n_straw)
        elif case.label == "greenhouse":
            greenhouse_purchases(led, reg, case)
    scale = max(1, int(reg.primary.sum()) // 250)
    trade_purchases(led, "electrician", int(rng.integers(4, 9)) * scale // 4 + 1, (15, 50))
    trade_purchases(led, "shop", int(rng.integers(3, 7)) * scale // 4 + 1, (10, 30))
    household_purchases(led, reg, int(rng.poisson(households_per_premises * reg.primary.sum())))
    return led.tables()
