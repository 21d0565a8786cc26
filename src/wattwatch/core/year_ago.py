"""The same weeks a year before: the lag at which detectors compare days with last year's.

A rise that last year's same weeks already had (heating each winter, a pool pump each summer) or a fall they already
had (a school's summer) is a season, not a grow or a theft. Detectors pair each day after a change with the same
weekday 52 weeks earlier (YEAR_DAYS) and judge the pairs once there are MIN_YEAR_PAIRS of them.

Data of exactly a year, the most common extract (365 days), reach back 52 weeks for one day only: every one of those
checks went blind there. So the lag is shortened by whole weeks, at most YEAR_SHORT_WEEKS, until the data hold
MIN_YEAR_PAIRS pairs: a year's data compare their last two weeks with their first two (lag 50 weeks). A season lasts
months, so the end of August against the first half of September a year before still compares a season with itself;
a lag shorter by more than a month would start comparing one season with the next. Whole weeks keep the weekdays
paired (a shop's Sunday with a Sunday). The lag depends on the number of days alone, so every meter of a scan, every
chunk of meters and every detector use the same one.
"""

from __future__ import annotations

YEAR_DAYS = 364  # 52 weeks: the same weekday a year earlier
YEAR_SHORT_WEEKS = 4  # the lag may fall short of 52 weeks by this many whole weeks when the data are that short
MIN_YEAR_PAIRS = 14  # days paired with their day a year earlier before last year is judged


def year_lag(n_days: int, min_pairs: int = MIN_YEAR_PAIRS) -> int:
    """The lag in days (YEAR_DAYS, or short of it by whole weeks, at most YEAR_SHORT_WEEKS) whose day pairs the data
    of `n_days` days can hold `min_pairs` of: the longest such lag. YEAR_DAYS when none can (too short a series:
    then no day pairs and the year checks stay out, as before)."""
    for weeks_short in range(YEAR_SHORT_WEEKS + 1):
        lag = YEAR_DAYS - 7 * weeks_short
        if n_days - lag >= min_pairs:
            return lag
    return YEAR_DAYS
