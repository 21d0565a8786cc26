"""Lamp-sales evidence for the scan: what each sale line bought, which premises it links to, and when.

Only non-personal sale fields are read here (time, store, product, quantity, payment, watts); names, phones and
addresses are used inside wattwatch.linkage and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from wattwatch.core.products import GROW_LAMP_KINDS, classify_column, grow_kw
from wattwatch.core.purchases import PurchaseEvidence, purchase_evidence
from wattwatch.scan.rowwise import rows_of

if TYPE_CHECKING:
    from wattwatch.linkage.premises_link import LinkResult

_SALES = """SELECT sale_id, datediff('day', $first::DATE, CAST(timezone($tz, ts) AS DATE)) AS day, store_id, product,
       quantity, coalesce(lower(payment), '') AS payment, coalesce(watts, 'NaN'::DOUBLE) AS watts
FROM sales ORDER BY sale_id"""


@dataclass(frozen=True)
class SaleLines:
    """The sale lines, sorted by sale_id, with what each bought."""

    sale_id: np.ndarray  # object
    day: np.ndarray  # int64 index on the scan's day axis (negative: before the first reading)
    store: np.ndarray  # int64 store code
    lamp_kw: np.ndarray  # grow-lamp kW in the line
    n_lamps: np.ndarray  # grow lamps in the line
    kit_items: np.ndarray  # other grow-specific items
    ordinary_items: np.ndarray  # everything else
    is_cash: np.ndarray  # bool
    kind: np.ndarray  # str: the product kind (core.products.KINDS)


def sale_lines(con: duckdb.DuckDBPyConnection, tz: str, first_day: date) -> SaleLines:
    cols = con.execute(_SALES, {"tz": tz, "first": first_day}).fetchnumpy()
    products = classify_column(np.asarray(cols["product"], dtype=object))
    shop_watts = np.asarray(cols["watts"], dtype=np.float64)
    watts = np.where(np.isnan(shop_watts), products.watts, shop_watts)  # the shop's figure wins over the text's
    quantity = np.asarray(cols["quantity"], dtype=np.float64)
    units = products.units_per_item.astype(np.float64)
    is_lamp = np.isin(products.kind, GROW_LAMP_KINDS) & products.grow_specific
    grow_item = products.grow_specific
    _, store = np.unique(np.asarray(cols["store_id"], dtype=str), return_inverse=True)
    return SaleLines(
        sale_id=np.asarray(cols["sale_id"], dtype=object),
        day=np.asarray(cols["day"], dtype=np.int64),
        store=store.astype(np.int64),
        lamp_kw=grow_kw(products.kind, products.grow_specific, watts, quantity, products.units_per_item),
        n_lamps=np.where(is_lamp, quantity * units, 0.0),
        kit_items=np.where(grow_item & ~is_lamp, quantity * units, 0.0),
        ordinary_items=np.where(grow_item, 0.0, quantity * units),
        is_cash=np.asarray(cols["payment"], dtype=str) == "cash",
        kind=products.kind,
    )


def _links_of_lines(lines: SaleLines, links: LinkResult) -> tuple[np.ndarray, np.ndarray]:
    """(premise id or None, probability) of each sale line; linkage answers for every sale line."""
    at = rows_of(lines.sale_id, links.sale_id.to_numpy(zero_copy_only=False))
    premise = np.append(np.asarray(links.premise_id.to_numpy(zero_copy_only=False), dtype=object), None)
    probability = np.append(np.asarray(links.probability, dtype=np.float64), 0.0)
    return premise[at], probability[at]  # -1 (a line linkage did not see) picks the appended "no link"


def _expand_to_meters(line_premise: np.ndarray, premise_of_meter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(line index, meter row) pairs: a line linked to a premises counts for each of its meters."""
    meter_premise = np.asarray(premise_of_meter, dtype=object)
    registered = np.flatnonzero([p is not None for p in meter_premise])
    meter_rows = registered[np.argsort(meter_premise[registered].astype(str), kind="stable")]
    sorted_ids = meter_premise[meter_rows].astype(str)
    linked = np.flatnonzero([p is not None for p in line_premise])
    wanted = line_premise[linked].astype(str)
    lo = np.searchsorted(sorted_ids, wanted, side="left")
    counts = np.searchsorted(sorted_ids, wanted, side="right") - lo
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(linked, counts), meter_rows[np.repeat(lo, counts) + within]


def purchases_by_meter(
    lines: SaleLines, links: LinkResult, premise_of_meter: np.ndarray, onset_day: np.ndarray
) -> PurchaseEvidence:
    """Purchase evidence per meter row (see core.purchases)."""
    line_premise, line_p = _links_of_lines(lines, links)
    line, row = _expand_to_meters(line_premise, premise_of_meter)
    return purchase_evidence(
        len(premise_of_meter),
        row=row,
        probability=line_p[line],
        day=lines.day[line],
        lamp_kw=lines.lamp_kw[line],
        n_lamps=lines.n_lamps[line],
        kit_items=lines.kit_items[line],
        ordinary_items=lines.ordinary_items[line],
        is_cash=lines.is_cash[line],
        store=lines.store[line],
        onset_day=onset_day,
    )
