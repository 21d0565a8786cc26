"""The data contract: the input and output tables, declared once as data.

`docs/data-formats.md` describes the same contract for people; `tests/test_docs.py` checks the two agree.
Every other module takes column names, types and allowed values from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "timestamp", "float", "int", "category"]

CATEGORIES: tuple[str, ...] = ("residential", "commercial", "industrial", "agricultural", "public", "other")

#: Interval resolutions a meter can have after inference; "billing" means periods of about a month.
RESOLUTIONS: tuple[str, ...] = ("15min", "30min", "60min", "billing")
INTERVAL_MINUTES: dict[str, int] = {"15min": 15, "30min": 30, "60min": 60}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True
    help: str = ""
    personal: bool = False  # personal data: used only for linking, never logged, shown only when a lead needs it


@dataclass(frozen=True)
class Table:
    name: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


READINGS = Table(
    "readings",
    "Energy per interval: kwh is the energy used in the interval that starts at timestamp.",
    (
        Column("meter_id", "string", help="Meter identifier, as in the premises register."),
        Column("timestamp", "timestamp", help="Start of the interval: ISO-8601 with UTC offset, or naive with --timezone."),
        Column("kwh", "float", help="Energy in the interval, kWh, >= 0."),
    ),
    key=("meter_id", "timestamp"),
)

REGISTER_READS = Table(
    "register_reads",
    "Cumulative register reads: the meter's counter in kWh at timestamp; converted to interval energy on ingest.",
    (
        Column("meter_id", "string", help="Meter identifier, as in the premises register."),
        Column("timestamp", "timestamp", help="Time of the read: ISO-8601 with UTC offset, or naive with --timezone."),
        Column("register_kwh", "float", help="Counter value, kWh; roll-over and meter replacement are detected."),
    ),
    key=("meter_id", "timestamp"),
)

PREMISES = Table(
    "premises",
    "The premises register: one row per meter; a premises may have several meters.",
    (
        Column("premise_id", "string", help="Premises identifier."),
        Column("meter_id", "string", help="Meter identifier; unique across the register."),
        Column("category", "category", help="One of: " + ", ".join(CATEGORIES) + "."),
        Column("address", "string", help="Street address.", personal=True),
        Column("city", "string", help="City or town."),
        Column("latitude", "float", help="WGS84 latitude, degrees."),
        Column("longitude", "float", help="WGS84 longitude, degrees."),
        Column("account_holder", "string", required=False, help="Name on the supply contract.", personal=True),
        Column("phone", "string", required=False, help="Account holder's phone.", personal=True),
        Column("feeder_id", "string", required=False, help="Feeder/transformer supplying the premises."),
        Column("floor_area_m2", "float", required=False, help="Floor area, m2."),
        Column("contracted_kw", "float", required=False, help="Contracted (fuse) capacity, kW."),
    ),
    key=("meter_id",),
)

SALES = Table(
    "sales",
    "Till records from lighting and hydroponics shops; any personal field may be blank.",
    (
        Column("sale_id", "string", help="Sale line identifier, unique."),
        Column("timestamp", "timestamp", help="Time of sale."),
        Column("store_id", "string", help="Store identifier, as in the stores table."),
        Column("product", "string", help="Free-text product name as printed on the receipt (Albanian or English)."),
        Column("quantity", "int", help="Units sold, >= 1."),
        Column("payment", "string", help="cash | card | transfer | other."),
        Column("buyer_name", "string", help="Buyer's name as written by the shop; may be blank.", personal=True),
        Column("buyer_address", "string", help="Buyer's address; may be blank.", personal=True),
        Column("buyer_phone", "string", help="Buyer's phone; may be blank.", personal=True),
        Column("watts", "float", required=False, help="Lamp power per unit, W, when the shop records it."),
    ),
    key=("sale_id",),
)

STORES = Table(
    "stores",
    "Shops whose sales are ingested.",
    (
        Column("store_id", "string", help="Store identifier."),
        Column("city", "string", help="City or town."),
        Column("latitude", "float", help="WGS84 latitude, degrees."),
        Column("longitude", "float", help="WGS84 longitude, degrees."),
    ),
    key=("store_id",),
)

FEEDERS = Table(
    "feeders",
    "Feeder or transformer meters: energy delivered into a feeder per interval.",
    (
        Column("feeder_id", "string", help="Feeder identifier, as in premises.feeder_id."),
        Column("timestamp", "timestamp", help="Start of the interval."),
        Column("kwh", "float", help="Energy delivered in the interval, kWh, >= 0."),
    ),
    key=("feeder_id", "timestamp"),
)

LEADS = Table(
    "leads",
    "Output: one row per premises, ranked; higher score = more suspicious.",
    (
        Column("rank", "int", help="1 = most suspicious."),
        Column("premise_id", "string", help="Premises identifier."),
        Column("meter_id", "string", help="The meter whose readings carry the evidence."),
        Column("score", "float", help="Suspicion score; higher = more suspicious; comparable within one scan."),
        Column("grow_score", "float", required=False,
               help="The grow evidence alone, 0-100 (the premises' strongest meter): sort by it for grows."),
        Column("theft_score", "float", required=False,
               help="The theft evidence alone, 0-100 (the premises' strongest meter): sort by it for theft and bypass."),
        Column("lamp_kw", "float", required=False,
               help="Estimated lamp power on the lead's meter, kW; empty without lamp evidence."),
        Column("unmetered_kwh_day", "float", required=False,
               help="Estimated energy not reaching the lead's meter, kWh per day; empty without theft evidence."),
        Column("signals", "string", help="Semicolon-separated signal names that fired, strongest first."),
        Column("explanation", "string", help="Plain-language reasons with numbers."),
    ),
    key=("premise_id",),
)

LINKS = Table(
    "links",
    "Output when sales are given: each linked sale line's premises with the link probability.",
    (
        Column("sale_id", "string", help="Sale line identifier, as in the sales file."),
        Column("premise_id", "string", help="The premises the buyer most probably belongs to."),
        Column("probability", "float", help="Probability of that link, 0..1 (from the trained linkage model)."),
    ),
    key=("sale_id",),
)

INPUT_TABLES: dict[str, Table] = {
    t.name: t for t in (READINGS, REGISTER_READS, PREMISES, SALES, STORES, FEEDERS)
}
ALL_TABLES: dict[str, Table] = {**INPUT_TABLES, LEADS.name: LEADS, LINKS.name: LINKS}
