"""From per-meter detector results to one ranked, explained lead per premises, and the leads.csv file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from wattwatch.core.increase import IncreaseResult
from wattwatch.engine.matrices import DailyMatrix, PremisesIndex
from wattwatch.schema import LEADS
from wattwatch.scan.explain import IncreaseEvidence, evidence_lines, explanation

SIGNAL_INCREASE = "strange_increase"
SIGNAL_MONTHLY = "monthly_reads"
BILLING_WEIGHT = 0.5  # monthly reads are spread evenly over their days: fewer, smoother points, so half the weight


@dataclass(frozen=True)
class Lead:
    rank: int
    premise_id: str
    meter_id: str
    score: float
    signals: tuple[str, ...]
    explanation: str
    evidence: IncreaseEvidence
    evidence_lines: tuple[str, ...]  # the report's evidence list
    category: str
    city: str
    row: int  # the meter's row in the DailyMatrix


def meter_scores(result: IncreaseResult, is_billing: np.ndarray) -> np.ndarray:
    """The lead score of each meter: the detector's score, down-weighted for monthly reads."""
    return result.score * np.where(is_billing, BILLING_WEIGHT, 1.0)


def register_rows(meter_ids: np.ndarray, premises: PremisesIndex) -> np.ndarray:
    """Row of each meter in the premises register, or -1 where the meter is not registered."""
    known = np.asarray(premises.meter_ids, dtype=str)
    ids = np.asarray(meter_ids, dtype=str)
    if len(known) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    order = np.argsort(known)
    at = order[np.minimum(np.searchsorted(known, ids, sorter=order), len(known) - 1)]
    return np.where(known[at] == ids, at, -1)


def ranked_rows(premise_of_row: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Rows of the strongest meter of each premises with a positive score, best first (ties: premise_id).

    Only positive scores become leads: a zero means no evidence at all, and every line of leads.csv is a premises an
    analyst may send officers to, so an unscored premises does not belong in the list.
    """
    rows = np.flatnonzero((premise_of_row != None) & (score > 0))  # noqa: E711 (element-wise on object array)
    premise = premise_of_row[rows].astype(str)
    by_premise = np.lexsort((-score[rows], premise))
    _, first = np.unique(premise[by_premise], return_index=True)
    best = rows[by_premise[first]]
    return best[np.lexsort((premise_of_row[best].astype(str), -score[best]))]


def evidence_of(result: IncreaseResult, daily: DailyMatrix, row: int) -> IncreaseEvidence:
    k = int(result.change_day[row])
    return IncreaseEvidence(
        change_day=daily.day(k) if k >= 0 else None,
        level_before=float(result.level_before[row]),
        level_after=float(result.level_after[row]),
        added_kw=float(result.added_kw[row]),
        ratio=float(result.ratio[row]),
        persistence=float(result.persistence[row]),
        n_days_after=int(result.n_days_after[row]),
        yoy_ratio=float(result.yoy_ratio[row]),
        yoy_added_kw=float(result.yoy_added_kw[row]),
        season_share=float(result.season_share[row]),
        is_billing=bool(daily.is_billing[row]),
    )


def build_leads(daily: DailyMatrix, result: IncreaseResult, premises: PremisesIndex) -> list[Lead]:
    """One lead per premises (its strongest meter), ranked by score."""
    register = register_rows(daily.meter_ids, premises)
    premise_of_row = np.append(np.asarray(premises.premise_ids, dtype=object), None)[register]  # -1 -> None
    score = meter_scores(result, daily.is_billing)
    leads = []
    for rank, row in enumerate(ranked_rows(premise_of_row, score), start=1):
        meter_id = str(daily.meter_ids[row])
        info = register[row]
        evidence = evidence_of(result, daily, row)
        signals = (SIGNAL_INCREASE,) + ((SIGNAL_MONTHLY,) if evidence.is_billing else ())
        leads.append(
            Lead(
                rank=rank,
                premise_id=str(premise_of_row[row]),
                meter_id=meter_id,
                score=float(score[row]),
                signals=signals,
                explanation=explanation(evidence),
                evidence=evidence,
                evidence_lines=tuple(evidence_lines(evidence)),
                category=str(premises.categories[info]),
                city=str(premises.cities[info]),
                row=int(row),
            )
        )
    return leads


def write_leads_csv(path: Path, leads: Sequence[Lead]) -> Path:
    """leads.csv with exactly the columns of schema.LEADS; no personal fields."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([c.name for c in LEADS.columns])
        for lead in leads:
            writer.writerow(
                [lead.rank, lead.premise_id, lead.meter_id, f"{lead.score:.4g}", ";".join(lead.signals), lead.explanation]
            )
    return Path(path)
