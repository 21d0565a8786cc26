"""Sale lines and premises as normalised records, the input to the Splink models.

Sale lines are collapsed to distinct buyer descriptions per store ("profiles"): a shop that buys 50 times under the
same name, address and phone is compared once, which keeps the linkage cost near the number of distinct buyers
rather than the number of till lines. Personal values stay in memory; nothing here logs or writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from wattwatch.linkage.normalise import AddressKey, NameKey, address_key, city_key, name_key, phone_e164

RECORD_SCHEMA = pa.schema([
    ("unique_id", pa.int64()),
    ("name_full", pa.string()), ("name_long", pa.list_(pa.string())), ("name_initials", pa.string()),
    ("name_has_initial", pa.bool_()), ("name_variants", pa.list_(pa.string())), ("name_prefix", pa.string()),
    ("street", pa.string()), ("house_nr", pa.string()), ("unit", pa.string()), ("place", pa.string()),
    ("phone", pa.string()), ("city", pa.string()),
    ("area", pa.string()),  # the city, else the store's city: where a buyer without an address probably lives
    ("latitude", pa.float64()), ("longitude", pa.float64()),  # premises position, or the store's for a sale
])


@lru_cache(maxsize=1 << 18)
def _name(text: str | None) -> NameKey:
    return name_key(text)


@lru_cache(maxsize=1 << 18)
def _address(text: str | None) -> AddressKey:
    return address_key(text)


@lru_cache(maxsize=1 << 18)
def _phone(text: str | None, region: str) -> str | None:
    return phone_e164(text, region)


@lru_cache(maxsize=1 << 12)
def _city(text: str | None) -> str | None:
    return city_key(text)


def _record(name: str | None, address: str | None, phone: str | None, city: str | None, area: str | None,
            lat: float | None, lon: float | None, region: str = "AL") -> tuple[Any, ...]:
    n, a = _name(name), _address(address)
    city = a.city or _city(city)
    return (n.full or None, n.long, n.initials or None, n.has_initial if n.full else None,
            n.variants, n.prefix or None, a.street, a.number, a.unit, a.place, _phone(phone, region), city,
            city or area, lat, lon)


def _table(rows: list[tuple[Any, ...]]) -> pa.Table:
    cols = list(zip(*rows)) if rows else [[] for _ in range(len(RECORD_SCHEMA) - 1)]
    arrays = [pa.array(np.arange(len(rows), dtype=np.int64))]
    arrays += [pa.array(list(c), f.type) for c, f in zip(cols, list(RECORD_SCHEMA)[1:])]
    return pa.Table.from_arrays(arrays, schema=RECORD_SCHEMA)


@dataclass(frozen=True)
class SaleProfiles:
    table: pa.Table  # one row per distinct normalised buyer description at a store (RECORD_SCHEMA)
    sale_id: pa.Array  # every sale line, sorted
    profile: np.ndarray  # row of `table` for each sale line


def sale_profiles(con: duckdb.DuckDBPyConnection, phone_region: str = "AL") -> SaleProfiles:
    rows = con.execute("""
        SELECT s.sale_id, s.buyer_name, s.buyer_address, s.buyer_phone, st.city, st.latitude, st.longitude
        FROM sales s LEFT JOIN (
            SELECT store_id, any_value(city) AS city, any_value(latitude) AS latitude,
                   any_value(longitude) AS longitude
            FROM stores GROUP BY store_id) st USING (store_id)
        ORDER BY s.sale_id""").fetchall()
    index: dict[tuple[Any, ...], int] = {}
    profile = np.empty(len(rows), dtype=np.int64)
    for i, (_, name, address, phone, store_city, lat, lon) in enumerate(rows):
        rec = _record(name, address, phone, None, _city(store_city), lat, lon, phone_region)
        profile[i] = index.setdefault(rec, len(index))
    records = [None] * len(index)
    for key, k in index.items():
        records[k] = key
    return SaleProfiles(_table(records), pa.array([r[0] for r in rows], pa.string()), profile)


def premises_records(con: duckdb.DuckDBPyConnection, phone_region: str = "AL") -> tuple[pa.Table, pa.Array]:
    """One record per premises (its first meter's register row) and the premise_id of each record."""
    rows = con.execute("""
        SELECT premise_id, account_holder, address, phone, city, latitude, longitude
        FROM premises QUALIFY row_number() OVER (PARTITION BY premise_id ORDER BY meter_id) = 1
        ORDER BY premise_id""").fetchall()
    records = [_record(name, address, phone, city, None, lat, lon, phone_region)
               for _, name, address, phone, city, lat, lon in rows]
    return _table(records), pa.array([r[0] for r in rows], pa.string())
