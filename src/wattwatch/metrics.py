"""Ranking metrics for judging a list of leads against ground truth: average precision, precision at k, and how
many items of a kind (e.g. look-alikes) reach the top k.

A lead list is a ranking, so every metric here first turns scores into one strict order. Ties are broken
pessimistically: among equal scores the negatives come first (and, for `count_in_top_k`, the flagged negatives
before the other negatives), so a method gains nothing from giving many premises the same score. NaN scores
(a premises the method did not score at all) rank after every number, also pessimistically among themselves.
"""

from __future__ import annotations

import numpy as np


def _as_arrays(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=bool).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"labels and scores differ in length: {y.size} vs {s.size}")
    return y, s


def ranking(labels, scores, flags=None) -> np.ndarray:
    """Indices best-first: score descending, NaN last; within ties negatives first, and among the negatives the
    flagged ones first (pessimistic: the order that makes the metrics worst)."""
    y, s = _as_arrays(labels, scores)
    f = np.zeros_like(y) if flags is None else np.asarray(flags, dtype=bool).ravel()
    key = np.where(np.isnan(s), -np.inf, s)
    unscored = np.isnan(s)  # below -inf scores too: "not scored" is worse than the lowest score
    return np.lexsort((~f, y, unscored, -key))


def average_precision(labels, scores) -> float:
    """Mean, over the positives, of the precision among the items ranked at or above each positive.

    1.0 = every positive above every negative; about the positives' share for a random order. NaN when there
    is no positive (the question has no answer). With no tied scores this equals
    sklearn.metrics.average_precision_score.
    """
    y, s = _as_arrays(labels, scores)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    hits = y[ranking(y, s)]
    precision_at_hit = np.cumsum(hits)[hits] / (np.flatnonzero(hits) + 1)
    return float(precision_at_hit.sum() / n_pos)


def precision_at_k(labels, scores, k: int) -> float:
    """Share of positives among the k best-ranked items (divided by k even when fewer items exist); NaN for k < 1."""
    y, s = _as_arrays(labels, scores)
    if k < 1:
        return float("nan")
    return float(y[ranking(y, s)[:k]].sum() / k)


def count_in_top_k(flags, labels, scores, k: int) -> int:
    """How many flagged items (e.g. look-alikes) are among the k best-ranked, ties broken pessimistically."""
    y, s = _as_arrays(labels, scores)
    f = np.asarray(flags, dtype=bool).ravel()
    if f.shape != y.shape:
        raise ValueError(f"flags and labels differ in length: {f.size} vs {y.size}")
    return int(f[ranking(y, s, f)[: max(k, 0)]].sum())
