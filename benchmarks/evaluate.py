"""The evaluation rules: which premises count as positives and negatives for each question, and the metrics.

- grow: positives = grows visible on the meter; negatives = normal premises and look-alikes. Thefts, invisible
  grows and grows that bypass the whole premises are left out (neither found nor false).
- theft: positives = thefts plus whole-premises-bypass grows (their meter shows a sustained drop); negatives = the
  same normal premises and look-alikes. Visible and invisible grows are left out.
- k = the number of positives; ties and unscored premises rank pessimistically (wattwatch.metrics).
- interval metrics use the premises whose meter has interval readings; the monthly metric uses the monthly twin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.datasets import Truth
from wattwatch.metrics import average_precision, count_in_top_k, precision_at_k, ranking


@dataclass(frozen=True)
class Question:
    name: str
    positive: np.ndarray  # bool per premises
    included: np.ndarray  # bool per premises: positives and negatives


def questions(truth: Truth, subset: np.ndarray) -> tuple[Question, Question]:
    neg = truth.negative & subset
    grow = Question("grow", truth.grow_visible & subset, (truth.grow_visible & subset) | neg)
    theft = Question("theft", truth.theft & subset, (truth.theft & subset) | neg)
    return grow, theft


def metrics(q: Question, scores: np.ndarray, lookalike: np.ndarray) -> dict[str, float]:
    y, s, la = q.positive[q.included], scores[q.included], lookalike[q.included]
    k = int(y.sum())
    return {"AP": average_precision(y, s), "P@k": precision_at_k(y, s, k),
            "LA@k": float(count_in_top_k(la, y, s, k)), "k": float(k), "negatives": float((~y).sum())}


@dataclass(frozen=True)
class Misranked:
    rank: int  # 1-based, within the question's premises, pessimistic ties
    premise_id: str
    label: str
    positive: bool
    notes: str


def misranked(q: Question, truth: Truth, scores: np.ndarray, limit: int) -> tuple[list[Misranked], list[Misranked]]:
    """(negatives ranked inside the top k, positives ranked below k), best-ranked first, at most `limit` each."""
    idx = np.flatnonzero(q.included)
    order = idx[ranking(q.positive[idx], scores[idx], truth.lookalike[idx])]
    k = int(q.positive[idx].sum())
    rows = [Misranked(r + 1, str(truth.premise_id[i]), str(truth.label[i]), bool(q.positive[i]), str(truth.notes[i]))
            for r, i in enumerate(order)]
    intruders = [m for m in rows[:k] if not m.positive][:limit]
    missed = [m for m in rows[k:] if m.positive][:limit]
    return intruders, missed
