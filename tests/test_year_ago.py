"""core.year_ago: the lag of the year checks, against counting the day pairs one lag at a time."""

from __future__ import annotations

import pytest

from wattwatch.core.year_ago import MIN_YEAR_PAIRS, YEAR_DAYS, YEAR_SHORT_WEEKS, year_lag


def naive_year_lag(n_days: int, min_pairs: int = MIN_YEAR_PAIRS) -> int:
    """Count the (day, day - lag) pairs inside the data for every whole-week lag from 52 weeks down to the shortest
    allowed, and take the first lag with enough of them."""
    for lag in range(YEAR_DAYS, YEAR_DAYS - 7 * YEAR_SHORT_WEEKS - 1, -7):
        if sum(1 for t in range(n_days) if t - lag >= 0) >= min_pairs:
            return lag
    return YEAR_DAYS


@pytest.mark.parametrize("min_pairs", [1, 7, MIN_YEAR_PAIRS, 40])
def test_year_lag_matches_counting_pairs(min_pairs):
    for n_days in range(0, 800):
        assert year_lag(n_days, min_pairs) == naive_year_lag(n_days, min_pairs), n_days


def test_a_year_of_data_compares_its_last_two_weeks_with_its_first():
    assert year_lag(365) == YEAR_DAYS - 14  # 15 pairs: days 350-364 with days 0-14
    assert year_lag(YEAR_DAYS + MIN_YEAR_PAIRS) == YEAR_DAYS  # enough days at 52 weeks: no shortening
    assert year_lag(400) == YEAR_DAYS
    # too short for any allowed lag: 52 weeks, which pairs too few days, so nothing is judged
    assert year_lag(300) == YEAR_DAYS
    for n_days in range(0, 800):
        lag = year_lag(n_days)
        assert lag % 7 == 0 and YEAR_DAYS - 7 * YEAR_SHORT_WEEKS <= lag <= YEAR_DAYS
