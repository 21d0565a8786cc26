"""Lamp-sales evidence per meter: grow equipment bought by buyers linked to the premises, and its timing.

Input is one entry per (sale line, linked premises meter) with the link probability, the sale's day index on the
scan's day axis, and what the line bought (from core.products): grow-lamp kW, lamp count, grow-kit items (ballasts,
reflectors, filters, fans, tents) and ordinary items. Output is per meter row:

- kit strength: 1 - exp(-lamp_kw / KW_SCALE) for the lamps, 1 - exp(-kit / KIT_SCALE) for the rest of a grow kit,
  combined as independent signs; every line counts with its link probability.
- legitimate bulk buyers: shops, electricians and greenhouses buy lamps among much else. Once a premises' buyers
  buy ordinary items in trade amounts (ORDINARY_MIN_ITEMS or more), the strength keeps only the grow share of the
  items: an electrician whose grow kit is a twentieth of what he buys keeps a twentieth.
- manner: cash and purchases split over shops or visits add a little (CASH_GAIN, SPLIT_GAIN).
- timing: grow kit bought 0-TIMING_DAYS days before the premises' lamp block or rise (its onset) corroborates
  strongly: `timed` is set and the fused score treats the rise as explained by lamps.
Score in [0, 1]. The function is vectorised over sale entries with np.bincount / np.maximum.at (no loop per meter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KW_SCALE = 1.5  # 1.5 kW of grow lamps (e.g. 3 x 600 W HPS) gives 0.63: a small indoor grow
KIT_SCALE = 4.0  # four ballasts/filters/fans/reflectors give 0.63
KIT_WEIGHT = 0.6  # a kit without lamps is weaker (the lamps may be bought elsewhere, or it is ventilation)
ORDINARY_MIN_ITEMS = 10.0  # below this many ordinary items a buyer is just a household buying bulbs too
CASH_GAIN = 0.15  # all-cash purchases: up to +15 %
SPLIT_GAIN = 0.15  # bought in two or more shops, or on three or more visits: +15 %
TIMING_DAYS = 60  # kit bought up to two months before the lamps come on (set-up, vegetative start)


@dataclass(frozen=True)
class PurchaseEvidence:
    """Per meter row; amounts are link-probability weighted."""

    score: np.ndarray  # [0, 1]
    lamp_kw: np.ndarray  # grow-lamp kW bought
    n_lamps: np.ndarray  # grow lamps bought
    kit_items: np.ndarray  # other grow-kit items bought
    ordinary_items: np.ndarray
    n_sales: np.ndarray  # int64 linked sale lines with grow equipment
    n_stores: np.ndarray  # int64 distinct shops those lines came from
    cash_share: np.ndarray  # share of grow-equipment lines paid in cash (NaN without any)
    first_day: np.ndarray  # int64 day index of the first grow purchase, -1 if none
    last_day: np.ndarray  # int64 day index of the last one, -1 if none
    lead_days: np.ndarray  # days from the last grow purchase before the onset to the onset; NaN if none in range
    timed: np.ndarray  # bool: grow kit bought 0..TIMING_DAYS days before the onset
    link_probability: np.ndarray  # the strongest link behind the evidence (0 if none)


def purchase_evidence(
    n_rows: int,
    *,
    row: np.ndarray,
    probability: np.ndarray,
    day: np.ndarray,
    lamp_kw: np.ndarray,
    n_lamps: np.ndarray,
    kit_items: np.ndarray,
    ordinary_items: np.ndarray,
    is_cash: np.ndarray,
    store: np.ndarray,
    onset_day: np.ndarray,
) -> PurchaseEvidence:
    """Entries are (sale line, meter row) pairs; `onset_day` int[n_rows] is each meter's lamp-block or rise day
    (-1 = none). Entries with row < 0 are ignored."""
    keep = np.asarray(row) >= 0
    row = np.asarray(row, dtype=np.int64)[keep]
    p = np.clip(np.nan_to_num(np.asarray(probability, dtype=np.float64)[keep]), 0.0, 1.0)
    day = np.asarray(day, dtype=np.int64)[keep]
    lamps_kw = np.nan_to_num(np.asarray(lamp_kw, dtype=np.float64)[keep])
    lamps = np.nan_to_num(np.asarray(n_lamps, dtype=np.float64)[keep])
    kit = np.nan_to_num(np.asarray(kit_items, dtype=np.float64)[keep])
    ordinary = np.nan_to_num(np.asarray(ordinary_items, dtype=np.float64)[keep])
    cash = np.asarray(is_cash, dtype=bool)[keep]
    store = np.asarray(store, dtype=np.int64)[keep]
    onset = np.asarray(onset_day, dtype=np.int64)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(row, weights=values, minlength=n_rows)[:n_rows]

    grow_line = (lamps_kw > 0) | (kit > 0)
    kw, n_lamp, n_kit, n_ordinary = total(p * lamps_kw), total(p * lamps), total(p * kit), total(p * ordinary)
    n_sales = np.bincount(row[grow_line], minlength=n_rows)[:n_rows].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cash_share = total((cash & grow_line).astype(np.float64)) / n_sales
    pairs = np.unique(np.stack([row[grow_line], store[grow_line]]), axis=1) if grow_line.any() else np.zeros((2, 0))
    n_stores = np.bincount(pairs[0].astype(np.int64), minlength=n_rows)[:n_rows].astype(np.int64)

    first = np.full(n_rows, np.iinfo(np.int64).max)
    last = np.full(n_rows, -1, dtype=np.int64)
    np.minimum.at(first, row[grow_line], day[grow_line])
    np.maximum.at(last, row[grow_line], day[grow_line])
    first = np.where(n_sales > 0, first, -1)

    entry_onset = onset[row]
    lead = entry_onset - day
    in_window = grow_line & (entry_onset >= 0) & (lead >= 0) & (lead <= TIMING_DAYS)
    lead_days = np.full(n_rows, np.inf)
    np.minimum.at(lead_days, row[in_window], lead[in_window].astype(np.float64))
    lead_days[np.isinf(lead_days)] = np.nan
    timed = ~np.isnan(lead_days)

    lamp_strength = 1.0 - np.exp(-kw / KW_SCALE)
    kit_strength = KIT_WEIGHT * (1.0 - np.exp(-n_kit / KIT_SCALE))
    strength = 1.0 - (1.0 - lamp_strength) * (1.0 - kit_strength)
    with np.errstate(invalid="ignore", divide="ignore"):
        ordinary_share = np.where(n_ordinary >= ORDINARY_MIN_ITEMS, n_ordinary / (n_ordinary + n_lamp + n_kit), 0.0)
    strength *= 1.0 - np.nan_to_num(ordinary_share)
    split = (n_stores >= 2) | (n_sales >= 3)
    gain = 1.0 + CASH_GAIN * np.nan_to_num(cash_share) + SPLIT_GAIN * split
    score = np.clip(strength * gain, 0.0, 1.0)

    best_link = np.zeros(n_rows)
    np.maximum.at(best_link, row[grow_line], p[grow_line])
    return PurchaseEvidence(
        score=score, lamp_kw=kw, n_lamps=n_lamp, kit_items=n_kit, ordinary_items=n_ordinary, n_sales=n_sales,
        n_stores=n_stores, cash_share=cash_share, first_day=first, last_day=last, lead_days=lead_days, timed=timed,
        link_probability=best_link,
    )
