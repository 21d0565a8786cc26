"""The sales rules: sale -> premises linkage against truth, straw buyers, and what sales should change in the grow
ranking.

- Linkage precision = correct links / links written (a link for a buyer who lives at no registered premises, a shop
  or walk-in, is wrong). Recall with three denominators: (i) every sale line whose true buyer acts for a registered
  premises; (ii) those lines that also carry a phone or an address (a line with neither, a name at most, cannot be
  linked by anyone); (iii) "key": those whose own phone or address visibly is the true premises' in the register
  (shared_fields: the phone's last 8 digits, or the house number and a street word) - a miss there is the linker's.
  A line in (ii) but not (iii) gives a phone the register lacks, or another address: only a key group can link it.
  The grow-role figures restrict them to grower and straw-buyer lines.
- Straw buyers: share of straw-buyer lines linked to the grower's premises (their truth premises), and share that the
  linker put in a straw group.
- Bulk buyers in the top k: premises that are licensed greenhouses (truth label greenhouse, or a greenhouse buyer in
  the sales truth) or whose buyer is a shop or an electrician, ranked within the top k of the grow question (and,
  as wattwatch ranks everything with one score, of the theft question).
- Buying grows: positives = grows visible on the meter plus every grow whose grower or straw buyers have a sale line
  (meter bypassed or not); negatives as in the grow question. "Hidden grows found" = of the positives the meter
  cannot show, the share ranked within the top K (K = positives).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.datasets import Truth
from benchmarks.evaluate import Question
from benchmarks.sales_words import plain
from wattwatch.metrics import average_precision, count_in_top_k, ranking

if TYPE_CHECKING:
    from benchmarks.pipeline import LeadScores

GROW_ROLES = ("grower", "straw_buyer")
BULK_ROLES = ("greenhouse", "shop", "electrician")


@dataclass(frozen=True)
class SaleTruth:
    """Per sale line, sorted by sale_id."""

    sale_id: np.ndarray  # str
    premise_id: np.ndarray  # object: the premises the buyer really acts for; None when none in the register
    role: np.ndarray  # str
    contact: np.ndarray  # bool: the line carries a phone or an address
    shares: np.ndarray  # str: what the line visibly shares with its true premises' register row (shared_fields)

    @property
    def keyed(self) -> np.ndarray:
        """The line's own phone or address is visibly its premises' in the register: linkable on its own."""
        return np.array(["phone" in s or "address" in s for s in self.shares])


def load_sale_truth(truth_csv: Path, sales_csv: Path, premises_csv: Path) -> SaleTruth:
    rows = {}
    for path, key in ((truth_csv, "sale_id"), (sales_csv, "sale_id"), (premises_csv, "premise_id")):
        with open(path, newline="", encoding="utf-8") as f:
            rows[path] = {r[key]: r for r in csv.DictReader(f)}
    truth, sales, register = rows[truth_csv], rows[sales_csv], rows[premises_csv]
    ids = np.array(sorted(truth), dtype=object)
    premise = np.array([truth[s]["premise_id"] or None for s in ids], dtype=object)
    contact = [bool((sales[s]["buyer_phone"] or "").strip() or (sales[s]["buyer_address"] or "").strip()) for s in ids]
    return SaleTruth(ids, premise, np.array([truth[s]["role"] for s in ids], dtype=object),
                     np.array(contact, dtype=bool),
                     np.array([shared_fields(sales[s], register.get(p)) for s, p in zip(ids, premise)], dtype=object))


def _words(text: str | None) -> set[str]:
    folded = plain(text or "").lower()
    return {w for w in re.split(r"[^0-9a-z]+", folded) if len(w) > 2}


def shared_fields(receipt: dict[str, str], register: dict[str, str] | None) -> str:
    """What a receipt visibly shares with a register row, by the benchmark's own crude reading: the phone's last 8
    digits, the house number plus a street word, a name word; "nothing" when none."""
    if register is None:
        return "no premises"
    digits = [re.sub(r"\D", "", row or "")[-8:] for row in (receipt["buyer_phone"], register.get("phone"))]
    numbers = [set(re.findall(r"\d+", a or "")) for a in (receipt["buyer_address"], register.get("address"))]
    street = (_words(receipt["buyer_address"]) - {"rruga", "nr", "bulevardi"}) & _words(register.get("address"))
    shared = [name for name, ok in (
        ("phone", len(digits[0]) == 8 and digits[0] == digits[1]),
        ("address", bool(street) and bool(numbers[0] & numbers[1])),
        ("name", bool(_words(receipt["buyer_name"]) & _words(register.get("account_holder")))),
    ) if ok]
    return "+".join(shared) or "nothing"


def read_links(links_csv: Path | None) -> dict[str, str]:
    """sale_id -> linked premise_id from links.csv (empty when the scan wrote none)."""
    if links_csv is None or not Path(links_csv).exists():
        return {}
    with open(links_csv, newline="", encoding="utf-8") as f:
        return {r["sale_id"]: r["premise_id"] for r in csv.DictReader(f) if r["premise_id"]}


def linked_premises(t: SaleTruth, links: dict[str, str]) -> np.ndarray:
    return np.array([links.get(s) for s in t.sale_id], dtype=object)


def _share(hit: np.ndarray, among: np.ndarray) -> float:
    return float(hit[among].mean()) if among.any() else float("nan")


def link_quality(t: SaleTruth, linked: np.ndarray, straw_grouped: np.ndarray | None = None) -> dict[str, float]:
    """Precision and recall of sale -> premises links (`linked`: premise or None per sale line of `t`)."""
    has_link = np.array([p is not None for p in linked])
    home = np.array([p is not None for p in t.premise_id])
    correct = has_link & home & (linked == t.premise_id)
    grow = np.isin(t.role, GROW_ROLES)
    straw = t.role == "straw_buyer"
    keyed = home & t.keyed
    out = {"lines": float(len(t.sale_id)), "with home": float(home.sum()),
           "with contact": float((home & t.contact).sum()),
           "with key": float(keyed.sum()), "links": float(has_link.sum()), "precision": _share(correct, has_link),
           "recall (all)": _share(correct, home), "recall (contact)": _share(correct, home & t.contact),
           "recall (key)": _share(correct, keyed),
           "grow precision": _share(correct, has_link & grow), "grow recall (all)": _share(correct, home & grow),
           "grow recall (contact)": _share(correct, home & grow & t.contact),
           "grow recall (key)": _share(correct, keyed & grow),
           "straw lines": float(straw.sum()), "straw linked": _share(correct, straw),
           "straw grouped": _share(straw_grouped, straw) if straw_grouped is not None else float("nan")}
    out["floor met"] = float(out["precision"] >= 0.95 and out["recall (contact)"] >= 0.85)
    return out


def premises_roles(t: SaleTruth, premise_ids: np.ndarray, roles: tuple[str, ...]) -> np.ndarray:
    """Per premises: whether some sale line of one of these roles truly belongs to it."""
    having = {p for p, r in zip(t.premise_id, t.role) if p is not None and r in roles}
    return np.array([p in having for p in premise_ids], dtype=bool)


def bulk_buyers(truth: Truth, t: SaleTruth) -> np.ndarray:
    """Per premises: a licensed greenhouse, a shop or an electrician."""
    return (truth.label == "greenhouse") | premises_roles(t, truth.premise_id, BULK_ROLES)


def bulk_in_top_k(q: Question, scores: np.ndarray, bulk: np.ndarray) -> int:
    inc = q.included
    return count_in_top_k(bulk[inc], q.positive[inc], scores[inc], int(q.positive[inc].sum()))


def buying_grows(truth: Truth, t: SaleTruth) -> Question:
    bought = premises_roles(t, truth.premise_id, GROW_ROLES) & (truth.label == "grow")
    positive = truth.grow_visible | bought
    return Question("buying grow", positive, positive | truth.negative)


def hidden_found(q: Question, scores: np.ndarray, visible: np.ndarray) -> tuple[float, float]:
    """(share of the positives the meter cannot show that rank within the top K, how many there are)."""
    idx = np.flatnonzero(q.included)
    order = idx[ranking(q.positive[idx], scores[idx])]
    top = np.zeros(len(q.positive), bool)
    top[order[:int(q.positive[idx].sum())]] = True
    hidden = q.positive & ~visible
    return _share(top, hidden), float(hidden.sum())


def with_sales_columns(grow_q: Question, theft_q: Question, truth: Truth, t: SaleTruth,
                       scores: LeadScores) -> dict[str, float]:
    """The extra columns sales call for, each question ranked by its own scores: a bulk buyer high in either
    question would send a team to the wrong door. Hidden grows count as found within the top K of the one lead
    list: a grow whose meter shows a bypass is found through its theft evidence."""
    buying = buying_grows(truth, t)
    bulk = bulk_buyers(truth, t)
    found, n_hidden = hidden_found(buying, scores.one_list, truth.grow_visible)
    return {"bulk@k": float(bulk_in_top_k(grow_q, scores.grow, bulk)),
            "bulk@k theft": float(bulk_in_top_k(theft_q, scores.theft, bulk)),
            "buying-grow AP": average_precision(buying.positive[buying.included], scores.grow[buying.included]),
            "hidden found@K": found, "hidden grows": n_hidden}
