"""A fall the premises most like it made too: what a category is too coarse to tell (a school's summer among offices).

core.population asks how far a meter's whole category fell across its change day. A category lumps schools with
offices and town halls, a university's buildings with a hospital's: a school's summer holiday is a fall the public
category's median hardly makes, so on a year of data (no year before to compare with) schools ranked among the
thefts. The premises whose weeks moved most like the meter's before its change share its calendar (a school's are
schools, whose holiday begins the same week), and what they did across the change day is what the meter's own kind
did.

Method, for each judged meter (the caller's mask: a change day, a category that is not residential):
1. Weekly levels: 7-day medians from day 0 (core.runs.week_medians), as log(week / the meter's median week).
2. The PRE_WEEKS whole weeks before the week of the change; the candidates are the other meters of its category,
   at most MAX_CANDIDATES of them spread evenly over its rows (a kind of premises common enough to share a calendar
   is in the sample; the cost stays linear in the judged meters). The correlation of two meters' log levels over
   the window, each row's unobserved weeks set to the mean of its observed ones (at least MIN_WEEKS observed, and
   not constant), so that one matrix product gives every pair's.
3. Co-movers: the N_COMOVERS most correlated candidates (ties by row) with a correlation of at least MIN_CORR.
4. Each co-mover's own ratio across the meter's change day: median of its WINDOW_DAYS days from the change / the
   WINDOW_DAYS before (core.population's window); comover_ratio = the co-movers' median ratio (NaN with fewer than
   MIN_COMOVERS of them).
5. The share of the meter's fall the co-movers did not make: core.population.fall_unexplained with comover_ratio.

Households are not judged: a home's weeks follow its own life and the weather (core.seasonal_fall judges the
weather), so the homes best correlated with it over four months are chance matches, and their chance falls explained
thefts away (the quality benchmark's evidence scored again with homes judged: theft AP fell on 14 of 20 datasets,
simulator seed 7 at 400 days 0.864 -> 0.803; docs/detectors.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.medians import window_medians
from wattwatch.core.population import WINDOW_DAYS, fall_unexplained
from wattwatch.core.runs import WEEK_DAYS, week_medians

PRE_WEEKS = 16  # four months before the change: a term, a season of a business's own rhythm
MIN_WEEKS = 8  # observed weeks of the window a meter needs to be correlated at all
MIN_WEEK_DAYS = 4
N_COMOVERS = 10
# Moved alike: a quarter of one's weekly variance (r squared) shared with the other's. Over 16 weeks about one
# unrelated pair in thirty reaches it by chance, so a meter with no kin still finds co-movers among thousands; what
# counts is their median fall, and chance co-movers rarely fall together on its change day.
MIN_CORR = 0.5
MIN_COMOVERS = 3
MAX_CANDIDATES = 2000
PAIR_CELLS = 1 << 22  # judged rows x candidates per correlation block: bounds its few [rows, candidates] arrays
LEVEL_ROWS = 8192  # rows per weekly-level chunk: bounds the copy of their daily rows
NORM_EPS = 1e-9  # a window of log levels this flat is a constant meter: no correlation
RATIO_ROWS = 4096  # co-mover rows per window-median chunk: bounds the copy of their daily rows


@dataclass(frozen=True)
class ComoverFall:
    """Per meter (one entry per row of the input)."""

    comover_ratio: np.ndarray  # the co-movers' median after/before ratio across the change day; NaN when not judged
    n_comovers: np.ndarray  # int64
    unexplained: np.ndarray  # share of the meter's fall the co-movers did not make; 1 when not judged


def comover_fall(kwh_daily: np.ndarray, category: np.ndarray, change_day: np.ndarray, ratio: np.ndarray,
                 judged: np.ndarray) -> ComoverFall:
    """The co-movers' fall across each judged meter's change day (module doc). `kwh_daily` float[m, d] (NaN: not
    observed), `category` int[m], `change_day` int[m] (-1: none), `ratio` float[m] (the meter's after/before),
    `judged` bool[m]."""
    x = np.ascontiguousarray(kwh_daily, dtype=np.float64)
    m = x.shape[0]
    category = np.asarray(category, dtype=np.int64)
    k = np.asarray(change_day, dtype=np.int64)
    judged = np.asarray(judged, dtype=bool) & (k >= 0) & (k < x.shape[1])
    neighbours = np.full((m, N_COMOVERS), -1, dtype=np.int64)
    for cat in np.unique(category[judged]):
        members = np.flatnonzero(category == cat)
        if len(members) > MAX_CANDIDATES:
            members = members[np.linspace(0, len(members) - 1, MAX_CANDIDATES).astype(np.int64)]
        rows = np.flatnonzero(judged & (category == cat))
        # the weekly levels of this category's judged meters and candidates only: memory stays with the judged
        measured = np.union1d(rows, members)
        levels = _log_week_levels(x, measured)
        at = lambda r: np.searchsorted(measured, r)  # noqa: E731 - rows -> their row in `levels`
        for week in np.unique(k[rows] // WEEK_DAYS):
            at_week = rows[k[rows] // WEEK_DAYS == week]
            lo = max(int(week) - PRE_WEEKS, 0)
            window = levels[:, lo:week]
            neighbours[at_week] = _most_correlated(window[at(at_week)], at_week, window[at(members)], members)
    comover_ratio, n_comovers = _comover_ratios(x, k, neighbours)
    enough = n_comovers >= MIN_COMOVERS
    comover_ratio = np.where(enough, comover_ratio, np.nan)
    unexplained = np.where(enough, fall_unexplained(np.asarray(ratio, dtype=np.float64), comover_ratio), 1.0)
    return ComoverFall(comover_ratio=comover_ratio, n_comovers=np.where(enough, n_comovers, 0), unexplained=unexplained)


def _log_week_levels(x, rows):
    """log(7-day median / the row's median week) [len(rows), weeks] of x's `rows`; NaN for weeks with too few days or
    no positive use. Rows are copied LEVEL_ROWS at a time."""
    out = np.empty((len(rows), -(-x.shape[1] // WEEK_DAYS)))
    for start in range(0, len(rows), LEVEL_ROWS):
        weeks, _ = week_medians(x[rows[start : start + LEVEL_ROWS]], MIN_WEEK_DAYS)
        positive = np.where(weeks > 0, weeks, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + len(weeks)] = np.log(positive / row_median(positive)[:, None])
    return out


def _most_correlated(own_levels, rows, cand_levels, members):
    """[len(rows), N_COMOVERS] of `members` (candidate rows, with their window of levels `cand_levels`) most
    correlated with each of `rows` (window `own_levels`): correlation >= MIN_CORR, never the row itself; -1 pads."""
    out = np.full((len(rows), N_COMOVERS), -1, dtype=np.int64)
    if own_levels.shape[1] < MIN_WEEKS:
        return out
    cand, cand_ok = _standardised(cand_levels)
    top = min(N_COMOVERS, len(members))
    step = max(PAIR_CELLS // max(len(members), 1), 1)
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        own, own_ok = _standardised(own_levels[start : start + step])
        corr = own @ cand.T
        usable = own_ok[:, None] & cand_ok[None, :] & (corr >= MIN_CORR) & (members[None, :] != part[:, None])
        corr = np.where(usable, corr, -np.inf)
        best = np.argpartition(-corr, top - 1, axis=1)[:, :top] if top < len(members) else np.argsort(-corr, axis=1)
        order = np.lexsort((best, -np.take_along_axis(corr, best, axis=1)), axis=1)  # by correlation, then row
        best = np.take_along_axis(best, order, axis=1)
        out[start : start + len(part), :top] = np.where(np.take_along_axis(usable, best, axis=1), members[best], -1)
    return out


def _standardised(levels):
    """Rows of `levels` [n, weeks] centred on the mean of their observed weeks, unobserved weeks at that mean, and
    scaled to unit length, so that the dot product of two rows is their correlation (module doc, step 2); and
    whether a row is usable (at least MIN_WEEKS observed, not constant)."""
    seen = np.isfinite(levels)
    n = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = np.where(seen, levels - np.nansum(levels, axis=1, keepdims=True) / n[:, None], 0.0)
        norm = np.sqrt((centred * centred).sum(axis=1))
        ok = (n >= MIN_WEEKS) & (norm > NORM_EPS)
        return np.where(ok[:, None], centred / norm[:, None], 0.0), ok


def _comover_ratios(x, k, neighbours):
    """Per meter: the median over its co-movers (neighbours >= 0) of their WINDOW_DAYS after / before ratio across
    the meter's change day k, and how many co-movers had both windows observed."""
    m, n_nb = neighbours.shape
    owner = np.repeat(np.arange(m), n_nb)
    nb = neighbours.ravel()
    valid = nb >= 0
    owner, nb = owner[valid], nb[valid]
    ratios = np.full(len(nb), np.nan)
    for start in range(0, len(nb), RATIO_ROWS):
        part = slice(start, start + RATIO_ROWS)
        rows, day = x[nb[part]], k[owner[part]]
        before = window_medians(rows, day - WINDOW_DAYS, day)
        after = window_medians(rows, day, day + WINDOW_DAYS)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios[part] = np.where(before > 0, after / before, np.nan)
    table = np.full((m, n_nb), np.nan)
    slot = np.flatnonzero(valid) % n_nb
    table[owner, slot] = ratios
    return row_median(table), np.isfinite(table).sum(axis=1).astype(np.int64)
