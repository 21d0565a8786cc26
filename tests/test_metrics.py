"""Ranking metrics against naive twins (plain loops over every cut-off) and sklearn, incl. ties, NaN, edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from wattwatch.metrics import average_precision, count_in_top_k, precision_at_k, ranking


def naive_order(labels, scores, flags=None):
    """Sort with a Python key: higher score first, NaN after everything, negatives before positives, flagged first."""
    flags = [False] * len(labels) if flags is None else list(flags)

    def key(i):
        s = scores[i]
        return (math.isnan(s), -s if not math.isnan(s) else 0.0, bool(labels[i]), not flags[i])

    return sorted(range(len(labels)), key=key)


def naive_ap(labels, scores):
    order = naive_order(labels, scores)
    n_pos = sum(bool(v) for v in labels)
    if n_pos == 0:
        return float("nan")
    total, hits = 0.0, 0
    for position, i in enumerate(order, start=1):
        if labels[i]:
            hits += 1
            total += hits / position
    return total / n_pos


def random_case(rng, n, tie_levels=None, nan_share=0.0):
    labels = rng.random(n) < rng.uniform(0.05, 0.6)
    scores = rng.normal(size=n) + labels * rng.uniform(0, 2)
    if tie_levels:
        scores = np.round(scores * tie_levels) / tie_levels
    scores[rng.random(n) < nan_share] = np.nan
    return labels, scores


@pytest.mark.parametrize("seed", range(40))
def test_average_precision_matches_sklearn_without_ties(seed):
    rng = np.random.default_rng(seed)
    labels, scores = random_case(rng, int(rng.integers(2, 300)))
    if labels.sum() == 0:
        labels[0] = True
    assert average_precision(labels, scores) == pytest.approx(average_precision_score(labels, scores))


@pytest.mark.parametrize("seed", range(60))
def test_metrics_match_naive_twins_with_ties_and_nan(seed):
    rng = np.random.default_rng(1000 + seed)
    labels, scores = random_case(rng, int(rng.integers(1, 120)), tie_levels=int(rng.integers(1, 4)),
                                 nan_share=float(rng.choice([0.0, 0.2, 0.9])))
    flags = rng.random(len(labels)) < 0.3
    expected_ap = naive_ap(labels, scores)
    got_ap = average_precision(labels, scores)
    assert (math.isnan(got_ap) and math.isnan(expected_ap)) or got_ap == pytest.approx(expected_ap)
    order = naive_order(labels, scores, flags)
    for k in (1, 3, len(labels), len(labels) + 5):
        assert precision_at_k(labels, scores, k) == pytest.approx(sum(bool(labels[i]) for i in order[:k]) / k)
        assert count_in_top_k(flags, labels, scores, k) == sum(bool(flags[i]) for i in order[:k])
    assert [labels[i] for i in ranking(labels, scores, flags)] == [labels[i] for i in order]


def test_ties_are_broken_pessimistically():
    labels = [True, False, False, True]
    flat = [1.0, 1.0, 1.0, 1.0]
    # every positive sits below every negative: precision 1/3 and 2/4
    assert average_precision(labels, flat) == pytest.approx((1 / 3 + 2 / 4) / 2)
    assert precision_at_k(labels, flat, 2) == 0.0
    assert count_in_top_k([False, False, True, False], labels, flat, 1) == 1


def test_unscored_rank_below_the_lowest_score():
    labels = [True, False]
    assert average_precision(labels, [-np.inf, np.nan]) == 1.0
    assert average_precision(labels, [np.nan, -5.0]) == 0.5
    assert average_precision(labels, [np.nan, np.nan]) == 0.5


def test_edge_cases():
    assert math.isnan(average_precision([False, False], [0.3, 0.1]))
    assert math.isnan(average_precision([], []))
    assert average_precision([True, True, True], [0.1, 0.5, np.nan]) == 1.0
    assert average_precision([True], [np.nan]) == 1.0
    assert math.isnan(precision_at_k([True], [1.0], 0))
    assert precision_at_k([True, False], [1.0, 0.0], 5) == pytest.approx(1 / 5)
    assert count_in_top_k([True], [False], [1.0], 0) == 0
    perfect = average_precision([True, True, False, False], [4, 3, 2, 1])
    reversed_ = average_precision([True, True, False, False], [1, 2, 3, 4])
    assert perfect == 1.0 and reversed_ == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        average_precision([True, False], [1.0])
    with pytest.raises(ValueError):
        count_in_top_k([True], [True, False], [1.0, 2.0], 1)
