"""From fused per-meter scores to one ranked, explained lead per premises, and the leads.csv file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from wattwatch.core.fusion import FusedScores
from wattwatch.scan.evidence import Evidence
from wattwatch.scan.findings import (
    MONTHLY_READS,
    ChartMarks,
    chart_marks,
    estimates,
    estimates_text,
    explained_rise_text,
    findings_for,
    lookalike_text,
    weak_evidence_text,
)
from wattwatch.schema import LEADS


@dataclass(frozen=True)
class Lead:
    rank: int
    premise_id: str
    meter_id: str
    score: float
    grow_score: float  # the premises' strongest meter's, for the grow question alone
    theft_score: float  # likewise for theft
    lamp_kw: float | None  # the lead meter's estimates, None where its evidence is too weak to state one
    unmetered_kwh_day: float | None
    signals: tuple[str, ...]
    explanation: str
    evidence_lines: tuple[str, ...]  # the report's evidence list
    category: str
    city: str
    row: int  # the meter's row in the DailyMatrix
    marks: ChartMarks
    is_billing: bool


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


def premises_max(premise_of_row: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per meter row: the largest of `values` over the meters of its premises (its own where it has none)."""
    out = np.asarray(values, dtype=np.float64).copy()
    known = np.flatnonzero(premise_of_row != None)  # noqa: E711 (element-wise on object array)
    if known.size:
        _, group = np.unique(premise_of_row[known].astype(str), return_inverse=True)
        best = np.full(group.max() + 1, -np.inf)
        np.maximum.at(best, group, out[known])
        out[known] = best[group]
    return out


def build_leads(ev: Evidence, fused: FusedScores) -> list[Lead]:
    """One lead per premises (its strongest meter), ranked by fused score."""
    leads = []
    grow_score, theft_score = (premises_max(ev.info.premise_id, v) for v in (fused.grow_score, fused.theft_score))
    for rank, row in enumerate(ranked_rows(ev.info.premise_id, fused.score), start=1):
        found = findings_for(ev, fused, row)
        lamp_kw, unmetered = estimates(fused, row)
        # Every finding goes into leads.csv too: a signal listed there without its sentence would be unexplained.
        notes = (estimates_text(lamp_kw, unmetered), lookalike_text(ev, fused, row), explained_rise_text(ev, fused, row))
        lines = [f.text for f in found] + [t for t in notes if t]
        if all(f.signal == MONTHLY_READS for f in found):
            lines.insert(0, weak_evidence_text(fused, row))
        register = ev.info.register_row[row]
        leads.append(
            Lead(
                rank=rank,
                premise_id=str(ev.info.premise_id[row]),
                meter_id=str(ev.daily.meter_ids[row]),
                score=float(fused.score[row]),
                grow_score=float(grow_score[row]),
                theft_score=float(theft_score[row]),
                lamp_kw=lamp_kw,
                unmetered_kwh_day=unmetered,
                signals=tuple(f.signal for f in found),
                explanation=" ".join(lines),
                evidence_lines=tuple(lines),
                category=str(ev.premises.categories[register]),
                city=str(ev.premises.cities[register]),
                row=int(row),
                marks=chart_marks(ev, fused, row),
                is_billing=bool(ev.daily.is_billing[row]),
            )
        )
    return leads


def write_leads_csv(path: Path, leads: Sequence[Lead]) -> Path:
    """leads.csv with exactly the columns of schema.LEADS; no personal fields."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([c.name for c in LEADS.columns])
        for lead in leads:
            writer.writerow([lead.rank, lead.premise_id, lead.meter_id, f"{lead.score:.4g}", f"{lead.grow_score:.4g}",
                             f"{lead.theft_score:.4g}", _optional(lead.lamp_kw, ".2f"),
                             _optional(lead.unmetered_kwh_day, ".1f"), ";".join(lead.signals), lead.explanation])
    return Path(path)


def _optional(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)
