"""Lamp blocks in the load a change added: the photoperiod fit on each day minus the premises' own week before it.

core.photoperiod fits the day's one best block. A grow beside a bigger daily block of the premises' own (a shop's
opening hours, an office day) is then never seen: on every day the best block is the shop's. Once the strange
increase has dated a change, each day's load minus the average same weekday of the weeks before the change (the
look-alikes' "before" week profile, core.lookalike_profiles) is what was added: a grow's lamp block stands alone there, while the shop's hours, being in the baseline too, cancel.
A miner's flat load, a heater's cycling or a night shift's weekday nights stay what they are, so the photoperiod's
own gates (edges, coverage, weekly balance, lamp likeness) judge the residual as they judge a raw meter.

`with_added_blocks` fits the residual of the meters whose strange increase scores at least ADDED_MIN_INCREASE (a grow
that added no load has no residual to find; the fit costs as much as the direct one, so it runs on the few meters
that rose) and keeps, per meter, whichever of the direct and the residual fit scores higher. The residual has no
block before the change, so it cannot see a season's appliance come back (core.photoperiod: seasons); where the
direct fit took its block for one and the residual's block starts within SAME_BLOCK_HOURS of it, it is the same
block: it keeps the direct fit's season and its discount.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from wattwatch.core.kernels.lookalike_days import grouped_mean_profiles
from wattwatch.core.lookalike_profiles import MIN_DAY_HOURS, MIN_WEEKDAY_DAYS, periods
from wattwatch.core.photoperiod import PhotoperiodResult, detect_photoperiod, season_of, seasons_kept_beyond

ADDED_MIN_INCREASE = 5.0  # strange-increase score (0..100) from which the residual is fitted
SAME_BLOCK_HOURS = 1.0  # lights-on this close (as core.photoperiod's START_TOL_HOURS): the same block
SEASON_FIELDS = ("year_repeat", "back_after_dark", "earlier_block_days", "days_without_before", "new_block",
                 "dark_since", "one_season")


def weekday_baseline(hourly: np.ndarray, first_weekday: int, change_day: np.ndarray) -> np.ndarray:
    """Average local day per weekday [m, 7, 24] over the look-alikes' "before" period of each meter's change (NaN:
    no change inside the day axis, or fewer than MIN_WEEKDAY_DAYS full days of that weekday)."""
    m, d, h = hourly.shape
    _, before, _ = periods(change_day, d)
    weekday = (first_weekday + np.arange(d)) % 7
    group = np.where(before, weekday[None, :], -1)
    return grouped_mean_profiles(hourly, group, 7, MIN_WEEKDAY_DAYS, MIN_DAY_HOURS).reshape(m, 7, h)


def residual_load(hourly: np.ndarray, first_weekday: int, change_day: np.ndarray) -> np.ndarray:
    """Each day's kW [m, d, 24] minus its weekday's baseline (module doc); all NaN for meters without one."""
    x = np.asarray(hourly, dtype=np.float64)
    weekday = (first_weekday + np.arange(x.shape[1])) % 7
    return x - weekday_baseline(x, first_weekday, change_day)[:, weekday, :]


def added_lamp_blocks(hourly: np.ndarray, first_weekday: int, change_day: np.ndarray) -> PhotoperiodResult:
    """The photoperiod fit on the residual load of hourly kW [m, d, 24], marked `in_added_load` (no per-day fits)."""
    fit = detect_photoperiod(residual_load(hourly, first_weekday, change_day), 1.0, keep_days=False)
    return dataclasses.replace(fit, in_added_load=np.ones(len(fit.score), dtype=bool))


def with_added_blocks(direct: PhotoperiodResult, hourly: np.ndarray, first_weekday: int, change_day: np.ndarray,
                      increase_score: np.ndarray) -> PhotoperiodResult:
    """The direct fit, with the residual fit instead for the meters where that scores higher (module doc). The
    per-day `days` fits are dropped (a streaming scan does not keep them)."""
    k = np.asarray(change_day, dtype=np.int64)
    hourly = np.asarray(hourly, dtype=np.float64)
    rows = np.flatnonzero((k > 0) & (np.nan_to_num(increase_score) >= ADDED_MIN_INCREASE))
    rows = rows[np.isfinite(hourly[rows]).any(axis=(1, 2))]  # monthly reads reach here with no hours to fit
    fields = {f.name: getattr(direct, f.name).copy() for f in dataclasses.fields(PhotoperiodResult) if f.name != "days"}
    if rows.size:
        added = added_lamp_blocks(hourly[rows], first_weekday, k[rows])
        own = season_of(added)
        direct_season = season_of(direct, rows)
        apart = np.abs((added.on_hour - direct.on_hour[rows] + 12.0) % 24.0 - 12.0)
        inherit = (direct_season > own) & (apart <= SAME_BLOCK_HOURS)
        score = np.nan_to_num(added.score) * np.where(inherit, seasons_kept_beyond(direct_season, own), 1.0)
        take = score > np.nan_to_num(direct.score[rows])
        for name, values in fields.items():
            values[rows[take]] = getattr(added, name)[take]
        fields["score"][rows[take]] = score[take]
        for name in SEASON_FIELDS:
            fields[name][rows[take & inherit]] = getattr(direct, name)[rows[take & inherit]]
    return PhotoperiodResult(**fields, days=None)
