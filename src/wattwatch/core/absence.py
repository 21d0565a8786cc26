"""Ordinary absence: how well a household away or a change of occupant explains a meter's fall, from daily kWh.

A bypass takes part of the supply past the meter for as long as it is in place: the metered weeks after the change
stay at the lower level. Two ordinary lives fall and come back up:
- a household away (vacation, a stay elsewhere) leaves the fridge and standby loads for some weeks, then returns;
- a change of occupant leaves the premises empty or nearly so between tenants, then the new household uses its own
  level, which may be lower than the old one but is several times the empty spell's.
Either way the meter shows a low spell followed by a level several times the spell's. (How quiet the low days are
was tried as a vacation sign too; on daily totals a week's spread is too noisy to tell a scaled-down household from
fridge and standby, so it is not used.)

Method, per meter with a change day k (core.drop), on the evidence series (core.drop.evidence_series) over the
WINDOW_DAYS days from k (core.drop's local window):
1. The low spell: the 7-day window (at least MIN_WEEK_DAYS observed days) with the lowest median; `floor` is that
   median, `floor_start` its first day.
2. rebound = the larger of (median of the last n observed days of the window, when they lie after the low spell)
   / floor over n in RETURN_DAYS (the last 3 days, the last week):
   about 1 under a bypass (a season moves eight weeks by a third at most), several times over when the household
   came back or a new one moved in. An empty spell (floor 0) followed by use rebounds infinitely.
3. recovered = the same level now / the level before the change (core.drop's level_before).
4. held = the median of the WINDOW_DAYS after the window (at least MIN_HELD_DAYS observed) / the level before: a
   household back home stays back, while the last days' level of step 2 can be a few busy days of a bypassed one
   (a bypassed household's heavy weekend after its quietest week rebounds 4.8x, to 93 % of the old level, while the
   eight weeks after hold at 36 %). Unknown (too few days after the window): no limit.
5. explained = ramp(rebound; REBOUND_LOW -> REBOUND_HIGH) * ramp(recovered; RECOVERED_LOW -> RECOVERED_HIGH)
   * ramp(held; the same) in [0, 1] (unknown level before: no limit); 0 without a change day or a rebound, and 0
   when the low spell lies on the meter's flat run (a stuck meter that was replaced is the theft core.drop's flat
   part scores, not an absence).
6. A late return: the same rebound and recovered measured with the last days of the whole series instead, when they
   lie beyond the window (an empty summer of a building heated electrically, a long stay away, a vacancy of months:
   use came back long after the fall), over the last LATE_RETURN_DAYS. A bypass in place today keeps the meter low
   to the end (a season's upswing on a halved level is not several times its lowest week); use that came back to
   LATE_RECOVERED_LOW -> LATE_RECOVERED_HIGH of the old level (stricter than step 5: a bypassed household back from
   a trip rebounds too, to its bypassed level) shows no theft now. The larger of the two explanations is kept, with
   its rebound and recovered. (Step 4 is not asked of it: the weeks after its low spell are the vacancy itself.)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from wattwatch.core.drop import LOCAL_DAYS, evidence_series
from wattwatch.core.kernels.medians import last_finite_medians, strided_window_medians

WINDOW_DAYS = LOCAL_DAYS  # the weeks core.drop measured the fall's level in
WEEK = 7
MIN_WEEK_DAYS = 4
CHUNK_ROWS = 8192  # bounds the [rows, days] temporaries of the evidence series
RETURN_DAYS = (3, WEEK)  # the level "now": the last days (a return at the data's end is still a return) or the
# last week (whose median, like the low spell's, is not fooled by a weekend)
REBOUND_LOW, REBOUND_HIGH = 2.5, 3.5  # a bypassed household's last days reach twice its lowest week by chance
# A household back from a trip uses about what it used before; a new one usually at least half as much. A meter that
# rose from a low spell only to a quarter or a third of its old level is a bypassed household that went away too.
RECOVERED_LOW, RECOVERED_HIGH = 0.35, 0.5
LATE_RECOVERED_LOW, LATE_RECOVERED_HIGH = 0.6, 0.8
MIN_HELD_DAYS = 14  # two weeks after the window tell a return from a busy weekend
LATE_RETURN_DAYS = (WEEK,)  # a late return is judged on the last week (its median): a few good days are not a return


@dataclass(frozen=True)
class AbsenceResult:
    """Per meter."""

    floor_start: np.ndarray  # int64 first day of the low spell, -1 if none
    rebound: np.ndarray  # level now (the window's end, or the series' end for a late return) / the low spell's
    # level; NaN when unknown
    recovered: np.ndarray  # the same level now / the level before the change; NaN when unknown
    explained: np.ndarray  # [0, 1] how well an absence explains the fall


def ordinary_absence(
    kwh_daily: np.ndarray,
    zero_days: np.ndarray,
    change_day: np.ndarray,
    flat_start: np.ndarray,
    flat_days: np.ndarray,
    level_before: np.ndarray,
) -> AbsenceResult:
    """kwh_daily, zero_days [m, d]; change_day, flat_start (-1: none), flat_days and level_before (kWh/day) per
    meter, as core.drop gives them."""
    per_meter = [np.asarray(v) for v in (change_day, flat_start, flat_days, level_before)]
    parts = [_block(np.asarray(kwh_daily[lo:lo + CHUNK_ROWS], dtype=np.float64),
                    np.asarray(zero_days[lo:lo + CHUNK_ROWS], dtype=bool), *(v[lo:lo + CHUNK_ROWS] for v in per_meter))
             for lo in range(0, len(per_meter[0]), CHUNK_ROWS)]
    if not parts:
        return _block(np.zeros((0, np.shape(kwh_daily)[1])), np.zeros((0, np.shape(kwh_daily)[1]), bool), *per_meter)
    return AbsenceResult(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(AbsenceResult)))


def _block(kwh_daily, zero_days, change_day, flat_start, flat_days, level_before) -> AbsenceResult:
    x = evidence_series(kwh_daily, zero_days)
    m, d = x.shape
    k = np.asarray(change_day, dtype=np.int64)
    has = k >= 0
    start = np.where(has, k, 0)  # the window's first day
    # medians of the WINDOW_DAYS - WEEK + 1 sliding weeks of the window [start, start + WINDOW_DAYS)
    week_med = strided_window_medians(x, start, WEEK, 1, WINDOW_DAYS - WEEK + 1, MIN_WEEK_DAYS)
    any_week = has & np.isfinite(week_med).any(axis=1)
    j = np.argmin(np.where(np.isfinite(week_med), week_med, np.inf), axis=1)
    floor = np.where(any_week, week_med[np.arange(m), j], np.nan)
    before = np.asarray(level_before, dtype=np.float64)
    now = _level_now(x, start, start + WINDOW_DAYS, start + j + WEEK, any_week, RETURN_DAYS)
    rebound, recovered, explained = _explained(now, floor, before, RECOVERED_LOW, RECOVERED_HIGH)
    explained = explained * _held(x, k + WINDOW_DAYS, any_week, before)
    late_now = _level_now(x, k + WINDOW_DAYS, np.full(m, d), 0, any_week, LATE_RETURN_DAYS)  # step 6: beyond it
    late = _explained(late_now, floor, before, LATE_RECOVERED_LOW, LATE_RECOVERED_HIGH)
    use_late = late[2] > explained
    rebound, recovered, explained = (np.where(use_late, b, a) for a, b in zip((rebound, recovered, explained), late))
    floor_start = np.where(any_week, k + j, -1).astype(np.int64)
    fs, fd = np.asarray(flat_start, dtype=np.int64), np.asarray(flat_days, dtype=np.int64)
    on_flat = (fs >= 0) & (floor_start >= 0) & (floor_start < fs + fd) & (floor_start + WEEK > fs)
    return AbsenceResult(floor_start=floor_start, rebound=rebound, recovered=recovered,
                         explained=np.where(on_flat, 0.0, explained))


def _level_now(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, not_before: np.ndarray | int, usable: np.ndarray,
               counts: tuple[int, ...]) -> np.ndarray:
    """The level at the end of each row's days lo..hi - 1: the larger median of the last n observed values over n
    in `counts`, counted only when they start at day `not_before` or later (after the low spell); NaN when none."""
    now = np.full(x.shape[0], np.nan)
    for n in counts:
        level, level_from = last_finite_medians(x, lo, hi, n)
        now = np.fmax(now, np.where(usable & (level_from >= not_before), level, np.nan))
    return now


def _held(x: np.ndarray, after_window: np.ndarray, usable: np.ndarray, level_before: np.ndarray) -> np.ndarray:
    """ramp(held; RECOVERED_LOW -> RECOVERED_HIGH) of step 4: 1 where unknown."""
    lo = np.where(usable, after_window, x.shape[1])
    level = strided_window_medians(x, lo, WINDOW_DAYS, 1, 1, MIN_HELD_DAYS)[:, 0]  # NaN: too few days
    with np.errstate(invalid="ignore", divide="ignore"):
        held = level / level_before
    return np.where(np.isfinite(held), ramp(held, RECOVERED_LOW, RECOVERED_HIGH), 1.0)


def _explained(now, floor, level_before, recovered_low, recovered_high):
    """(rebound, recovered, explained) of a level `now` after a low spell at `floor` (module doc, steps 2, 3, 5)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rebound = np.where(floor > 0, now / floor, np.where(now > 0, np.inf, 1.0))
        recovered = now / level_before
    rebound = np.where(np.isfinite(now), rebound, np.nan)
    explained = ramp(np.nan_to_num(rebound), REBOUND_LOW, REBOUND_HIGH) * ramp(
        np.nan_to_num(recovered, nan=np.inf), recovered_low, recovered_high)
    return rebound, recovered, explained


def ramp(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.clip((v - lo) / (hi - lo), 0.0, 1.0)
