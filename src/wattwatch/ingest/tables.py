"""Keyed tables (premises, stores, sales): value rules, duplicate keys, and the insert of accepted rows."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from wattwatch.ingest import reasons as R
from wattwatch.ingest.parse import Rule
from wattwatch.ingest.staging import STAGE, reject
from wattwatch.schema import CATEGORIES, PREMISES, SALES, STORES, Table

LAT_LON = (("latitude", 90.0), ("longitude", 180.0))
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class KeyedTable:
    spec: Table
    required_values: tuple[str, ...]  # columns that must not be blank (personal fields may be)
    extra_rules: tuple[Rule, ...]
    lowercase: tuple[str, ...]  # stored trimmed and lower-case


def _range_rules(limits: tuple[tuple[str, float], ...]) -> tuple[Rule, ...]:
    return tuple(
        Rule(R.OUT_OF_RANGE, f"abs({c}) > {limit}", f"'{c}=' || CAST({c} AS VARCHAR) || ' is outside ±{limit:g}'")
        for c, limit in limits
    )


def _non_negative(*columns: str) -> tuple[Rule, ...]:
    return tuple(Rule(R.OUT_OF_RANGE, f"{c} < 0", f"'{c}=' || CAST({c} AS VARCHAR) || ' is negative'")
                 for c in columns)


KEYED: dict[str, KeyedTable] = {
    "premises": KeyedTable(
        PREMISES,
        ("premise_id", "meter_id", "category"),
        (
            Rule(R.BAD_CATEGORY, f"lower(category) NOT IN {CATEGORIES}",
                 f"'category=' || category || ' is not one of {', '.join(CATEGORIES)}'"),
            *_range_rules(LAT_LON),
            *_non_negative("floor_area_m2", "contracted_kw"),
        ),
        ("category",),
    ),
    "stores": KeyedTable(STORES, ("store_id",), _range_rules(LAT_LON), ()),
    "sales": KeyedTable(
        SALES,
        ("sale_id", "timestamp", "store_id", "product", "quantity"),
        (
            Rule(R.BAD_NUMBER, "quantity <> round(quantity)", "'quantity=' || CAST(quantity AS VARCHAR) || "
                 "' is not a whole number'"),
            Rule(R.OUT_OF_RANGE, f"quantity < 1 OR quantity > {MAX_QUANTITY}",
                 f"'quantity=' || CAST(quantity AS VARCHAR) || ' is outside 1-{MAX_QUANTITY}'"),
            *_non_negative("watts"),
        ),
        ("payment",),
    ),
}


def reject_duplicate_keys(con: duckdb.DuckDBPyConnection, spec: Table) -> None:
    """Same key again (in the file after its first line, or already stored): exact copy or a different row."""
    key = spec.key[0]
    cols = [c.name if c.name != "timestamp" else "ts" for c in spec.columns]
    row_hash = "hash(" + ", ".join(cols) + ")"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE firsts AS SELECT {key} AS k, arg_min(_line, _line) AS first, "
        f"arg_min({row_hash}, _line) AS h FROM {STAGE} WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1"
    )
    match = f"{STAGE}.{key} = firsts.k AND {STAGE}._line > firsts.first"
    reject(con, R.DUPLICATE, f"{match} AND {row_hash} = firsts.h",
           "'same as line ' || CAST(firsts.first AS VARCHAR)", "FROM firsts")
    reject(con, R.DUPLICATE_KEY, match, f"'{key} already on line ' || CAST(firsts.first AS VARCHAR)", "FROM firsts")
    con.execute("DROP TABLE firsts")
    stored_hash = "hash(" + ", ".join(f"s.{c}" for c in cols) + ")"
    staged_hash = "hash(" + ", ".join(f"{STAGE}.{c}" for c in cols) + ")"
    stored = f"FROM {spec.name} s"
    match = f"s.{key} = {STAGE}.{key}"
    reject(con, R.DUPLICATE, f"{match} AND {stored_hash} = {staged_hash}", "'already stored'", stored)
    reject(con, R.DUPLICATE_KEY, match, f"'{key} already stored with other values'", stored)


def insert_accepted(con: duckdb.DuckDBPyConnection, spec: Table, load_id: int) -> None:
    cols = ", ".join(c.name if c.name != "timestamp" else "ts" for c in spec.columns)
    con.execute(f"INSERT INTO {spec.name} SELECT {cols}, {load_id} FROM {STAGE} WHERE reason IS NULL")

