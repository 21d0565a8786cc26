"""Look-alike measures from average profiles: the periods before and after a change, and the shape of the added load.

The "after" period is every day from the change day on; "before" is the BEFORE_DAYS days up to it (recent enough
that the season has not moved much). A meter without a change day has no before period: its "added" load is then
its whole load over the last WINDOW_DAYS, and the measures describe that load (a meter mining from day one).
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.lookalike_days import grouped_mean_profiles

MAD_TO_SIGMA = 1.4826
BEFORE_DAYS = 56  # eight whole weeks before the change
WINDOW_DAYS = 56  # without a change: the last eight whole weeks
MIN_PERIOD_DAYS = 14  # a profile needs two weeks of days
MIN_WEEKDAY_DAYS = 2  # a weekday of the week profile needs two of its days
MIN_DAY_HOURS = 20  # a day counts in a profile with 20 valid hours (a DST day keeps 23)
BIN_HOURS = 3  # flatness compares 3 h bins: any 6 h dark period of an 18/6 timer holds a whole bin
NIGHT_HOURS = slice(0, 6)
DAY_HOURS = slice(12, 18)
# Hours whose before-profile is under this share of the mean hour are left out of the ratio spread: a ratio of two
# near-zero night values of a shop is noise, not shape.
RATIO_MIN_SHARE = 0.2
# The added load's daily window: the shortest stretch of the day (wrapping midnight) that holds this share of the
# added energy. Lamps burn 12 h or more (a 12 h block: 10.8 h); a storage heater, a water heater or an EV on a
# cheap-night timer fit in a few hours. A rise of every hour (a season's, on top of the timer) is taken off first
# (the lowest hour's, when positive) so that it does not stretch the window; hours that fell only count as 0.
WINDOW_SHARE = 0.9
PEER_EXCESS = ("peer_excess_kw", "peer_excess_window_h", "peer_excess_flatness")  # peer_excess's measures


def periods(change_day: np.ndarray, n_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(has_change [m], before [m, d], after [m, d]) day masks, see the module doc."""
    k = np.asarray(change_day, dtype=np.int64)
    has = (k > 0) & (k < n_days)
    day = np.arange(n_days)[None, :]
    start = np.where(has, k, max(n_days - WINDOW_DAYS, 0))[:, None]
    after = day >= start
    before = has[:, None] & (day < start) & (day >= start - BEFORE_DAYS)
    return has, before, after


def row_corr(a: np.ndarray, b: np.ndarray, min_points: int = 24) -> np.ndarray:
    """Pearson correlation of each row pair over the entries finite in both; NaN if too few or constant."""
    ok = np.isfinite(a) & np.isfinite(b)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ac = np.where(ok, a - np.sum(np.where(ok, a, 0), axis=1, keepdims=True) / n[:, None], 0.0)
        bc = np.where(ok, b - np.sum(np.where(ok, b, 0), axis=1, keepdims=True) / n[:, None], 0.0)
        corr = np.sum(ac * bc, axis=1) / np.sqrt(np.sum(ac**2, axis=1) * np.sum(bc**2, axis=1))
    return np.where(n >= min_points, corr, np.nan)


def added_load(hourly: np.ndarray, first_weekday: int, has: np.ndarray, before: np.ndarray, after: np.ndarray
               ) -> dict[str, np.ndarray]:
    """Shape of the load added after the change (crypto: flat; growth: a scaled copy of the old shape)."""
    m, d, _ = hourly.shape
    # One compiled pass per profile kind over the full days: group 0 is the after period, group 1 the before period
    # (week: 7 + weekday)
    period = np.where(after, 0, np.where(before, 1, -1))
    prof_after, prof_before = np.split(grouped_mean_profiles(hourly, period, 2, MIN_PERIOD_DAYS, MIN_DAY_HOURS), 2,
                                       axis=1)
    prof_before = np.where(has[:, None], prof_before, 0.0)
    added = prof_after - prof_before
    top, bottom = bin_range(added)  # once for the flatness and the edge
    steps = np.abs(np.roll(added, -1, axis=1) - added).max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        edge = np.where(top > bottom, steps / (added.max(axis=1) - added.min(axis=1)), np.nan)
        ratio = prof_after / prof_before
        big = prof_before >= RATIO_MIN_SHARE * np.mean(prof_before, axis=1, keepdims=True)
        ratio_mid = row_median(np.where(big, ratio, np.nan))
        ratio_spread = MAD_TO_SIGMA * row_median(np.where(big, np.abs(ratio - ratio_mid[:, None]), np.nan)) / ratio_mid
    weekday = (first_weekday + np.arange(d)) % 7  # local weeks start on Monday 00-01
    week_group = np.where(after, weekday, np.where(before, 7 + weekday, -1))
    week = grouped_mean_profiles(hourly, week_group, 14, MIN_WEEKDAY_DAYS, MIN_DAY_HOURS)
    week_after, week_before = np.split(week, 2, axis=1)
    no_change = np.full(m, np.nan)
    return {
        "added_kw": added.mean(axis=1),
        "added_window_h": daily_window_hours(added),
        "added_night_kw": added[:, NIGHT_HOURS].mean(axis=1),
        "added_day_kw": added[:, DAY_HOURS].mean(axis=1),
        "added_flatness": range_flatness(top, bottom),
        "added_edge": edge,
        "shape_corr": np.where(has, row_corr(week_before, week_after), no_change),
        "added_shape_corr": np.where(has, row_corr(week_before, week_after - week_before), no_change),
        "ratio_spread": np.where(has, ratio_spread, no_change),
    }


def peer_excess(day_kw: np.ndarray, peer_day_kw: np.ndarray) -> dict[str, np.ndarray]:
    """The use above peers as a load of its own, measured as the added load is: the meter's average day over the
    peers' window (core.peers) less the typical peer's day scaled to the meter's lowest hour-by-hour ratio to it (a
    peer-shaped home of the meter's own size underneath, so that a bigger household's evening is not counted as
    extra). A home far above its peers because of an EV or a storage heater on the cheap night tariff has that load
    in a few hours; lamps of 12 h or more keep a 12 h window, since their dark hours set the ratio."""
    day, peer = np.asarray(day_kw, dtype=np.float64), np.asarray(peer_day_kw, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.fmin.reduce(np.where(peer > 0, day / peer, np.nan), axis=1)
    excess = day - scale[:, None] * peer
    return dict(zip(PEER_EXCESS, (excess.mean(axis=1), daily_window_hours(excess), flatness(excess)), strict=True))


def flatness(profile: np.ndarray) -> np.ndarray:
    """min/max of a [m, 24] profile's BIN_HOURS bins, in [0, 1] (1: flat around the clock); NaN where no bin is
    above 0."""
    return range_flatness(*bin_range(profile))


def range_flatness(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """flatness from bin_range's largest and smallest bin."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(top > 0, np.clip(bottom / top, 0.0, 1.0), np.nan)


def bin_range(profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The largest and smallest BIN_HOURS-bin mean of each row of a [m, 24] profile."""
    bins = profile.reshape(len(profile), 24 // BIN_HOURS, BIN_HOURS).mean(axis=2)
    return bins.max(axis=1), bins.min(axis=1)


def daily_window_hours(profile: np.ndarray) -> np.ndarray:
    """The WINDOW_SHARE window of a [m, 24] added profile (module doc): a rise of every hour (the lowest hour's,
    when positive) taken off first, hours that fell counting as 0."""
    every_hour = np.maximum(np.fmin.reduce(profile, axis=1), 0.0)  # NaN hours left out; NaN: no profile at all
    return energy_window_hours(profile - every_hour[:, None], WINDOW_SHARE)


def energy_window_hours(profile: np.ndarray, share: float) -> np.ndarray:
    """Per row of a [m, 24] profile: the shortest circular window, in fractional hours, holding `share` of the row's
    positive energy (linear between whole-hour lengths: a 12 h block at 0.9 gives 10.8); NaN where the row has none."""
    a = np.clip(np.nan_to_num(profile), 0.0, None)
    m, h = a.shape
    total = a.sum(axis=1)
    running = np.concatenate([np.zeros((m, 1)), np.cumsum(np.concatenate([a, a], axis=1), axis=1)], axis=1)
    held = np.zeros((m, h + 1))  # held[:, n]: the most energy any n-hour window holds
    for n in range(1, h + 1):
        held[:, n] = np.max(running[:, n : n + h] - running[:, :h], axis=1)
    need = share * total
    n = np.argmax(held >= need[:, None] * (1 - 1e-12), axis=1)  # the first whole length that holds it
    rows = np.arange(m)
    shorter, longer = held[rows, np.maximum(n - 1, 0)], held[rows, n]
    with np.errstate(invalid="ignore", divide="ignore"):
        part = np.where(longer > shorter, (need - shorter) / (longer - shorter), 1.0)
    return np.where(total > 0, n - 1 + part, np.nan)
