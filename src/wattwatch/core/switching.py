"""Theft by a bypass switched in and out: a fall that comes and goes.

A thief who knows that lasting falls are watched connects the bypass only some of the time: a week on, a week off,
or around the meter reader's visits. The daily use then switches between the premises' old level and a lower one;
the mean falls by only part of the bypass, and the weekly levels whose persistence core.drop reads go up and down,
so the whole-day fall scores next to nothing. Ordinary life does not look like that: a vacation is one spell away,
a household or a business that uses less stays lower, and a shop's closed days were there before.

Method, vectorised over the rows of a meters x days kWh matrix (NaN = day not observed):

1. Low envelope: each day's kWh over its weekday's share (the median of that weekday over the whole row / the
   row's median, so a business's closed days count at its open days' level), then per day the ENVELOPE_QUANTILE
   of the ENVELOPE_DAYS around it (the first or last ENVELOPE_DAYS at the row's ends, so that the last days' level
   is a fortnight's too; at least ENVELOPE_MIN_DAYS observed; core.kernels.rolling_rank). Any two weeks
   of a bypass switched weekly hold a week of low days, so the envelope falls to the low level and stays there;
   core.drop finds that lasting fall unchanged (change day, size, noise, persistence, last year's same weeks, peers).
2. Each day against its weekday: kWh / the median of the same weekday over the WINDOW_DAYS before the change (at
   least MIN_WEEKDAY_DAYS of them), so a business's closed Sundays are no low days. The days after the change are
   then taken against their own upper level (their UPPER_QUANTILE): the weeks not bypassed, which may sit lower
   than the weeks before when the season changed with the bypass.
3. Switching, on the WINDOW_DAYS after the change (or to the data's end) split in two halves, each of which must show
   it (MIN_HALF_DAYS observed days each):
   - high_kept: the share of days at the upper level (>= NEAR of it) over the share of days before at the old level,
     the lower of the halves: a bypass of the whole supply, or an ordinary fall, leaves the days after spread about
     one level, a bypass switched weekly leaves about half of them at the top;
   - low_share: the share of days far below the upper level (< DEEP of it, and in kWh < DEEP of the upper quartile
     of the days after, so that a business shut down to its weekend level, whose days are all alike, has none) less
     the share of days before far below the old level, the lower of the halves: a household's own day-to-day swing
     rarely takes a day under half;
   - low_spells: spells of at least MIN_SPELL_DAYS low days (days neither low nor high do not break a spell), at most
     one more than the spells of at least MIN_SPELL_DAYS high days between them: a vacation is one spell, noise a day
     or two, and a business shut down to its weekend level leaves only two-day highs (its weekends) between its low
     weeks.
   factor = ramp(high_kept over HIGH_KEPT) x ramp(low_share over LOW_SHARE) with at least MIN_SPELLS spells, else 0.
4. lost_kw: the mean shortfall of the window's days against their weekday levels, in kW.

Fusion (core.fusion) weighs the envelope's drop score by the factor, judges it by its category's and its own seasons
at the envelope's change day (not by the absence rule: coming back up is what a switched bypass does), and counts
the stronger of the whole-day, night and switched falls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.drop import MIN_HISTORY_DAYS, DropResult, sustained_drop
from wattwatch.core.kernels.rolling_rank import rolling_quantile
from wattwatch.core.lookalikes import ramp

ENVELOPE_QUANTILE = 0.25
ENVELOPE_DAYS = 14  # two weeks: a week switched on and a week off both inside
ENVELOPE_MIN_DAYS = 7
WINDOW_DAYS = 56  # eight weeks each side, as core.drop's level windows; a whole number of weeks (weekday levels)
MIN_WEEKDAY_DAYS = 3
MIN_HALF_DAYS = 7
UPPER_QUANTILE = 0.75  # the days after the change: their upper quartile is the level of the weeks not bypassed
NEAR = 0.85  # a day at 85 % of its level or more is "at the level"
DEEP = 0.5  # ... and under half of it "far below": a bypass takes 40-90 %, a household's own day-to-day swing less
HIGH_KEPT = (0.15, 0.4)  # ramp: none at 0.15 of the old share of days at the old level kept, all at 0.4
LOW_SHARE = (0.1, 0.3)  # ramp: none at 10 % more days far below than before, all at 30 %
MIN_SPELL_DAYS = 3
MIN_SPELLS = 3
BLOCK_ROWS = 8192  # rows levelled at a time: bounds the envelope's float64 copies on a national scan
# Measured on the nine quality datasets at 400 and 365 days (docs/detectors.md): near 0.8-0.9, deep 0.4-0.6,
# high-kept ramps 0.10-0.20 to 0.35-0.45 and 2 or 3 spells all gave the held-out-style set +0.01-0.10 of theft AP
# and left the others within 0.01; with these values (a) is unchanged and (b) moves by -0.001 to +0.015.


@dataclass(frozen=True)
class SwitchedFall:
    """Per meter (one entry per row of the input)."""

    fall: DropResult  # core.drop on the low envelope: its change day, levels (of the envelope) and drop score
    high_kept: np.ndarray  # NaN where not measured (no fall, too few days)
    low_share: np.ndarray
    low_spells: np.ndarray  # int64
    factor: np.ndarray  # [0, 1]: how much the fall switches (module doc, step 3)
    lost_kw: np.ndarray  # mean shortfall after the change against the weekday levels before it, kW; NaN unmeasured


def low_envelope(kwh_daily: np.ndarray) -> np.ndarray:
    """float64[m, d]: the ENVELOPE_QUANTILE of the ENVELOPE_DAYS centred on each day of the weekday-levelled kWh
    (module doc, step 1)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"kwh_daily must be 2-D (meters x days), got shape {x.shape}")
    half = ENVELOPE_DAYS // 2
    levelled = np.ascontiguousarray(x / weekday_shares(x))
    return rolling_quantile(levelled, half, ENVELOPE_DAYS - half, ENVELOPE_QUANTILE, ENVELOPE_MIN_DAYS)


def weekday_shares(kwh_daily: np.ndarray) -> np.ndarray:
    """float64[m, d]: per row, each day's weekday median over the row's median (days 0, 7, 14, ... are one
    weekday); 1 where either is missing or not positive."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    m, d = x.shape
    weeks = -(-d // 7)
    padded = np.full((m, weeks * 7), np.nan)
    padded[:, :d] = x
    with np.errstate(invalid="ignore", divide="ignore"):  # an all-missing row or weekday: share 1
        shares = _weekday_medians(padded) / row_median(x)[:, None]
    shares = np.where(np.isfinite(shares) & (shares > 0), shares, 1.0)
    return np.tile(shares, padded.shape[1] // 7)[:, :d]


def switched_fall(
    kwh_daily: np.ndarray,
    *,
    peer_level: np.ndarray | None = None,
    min_history_days: int = MIN_HISTORY_DAYS,
) -> SwitchedFall:
    """The module doc's steps for every row of `kwh_daily` (float[m, d]); `peer_level` (kWh/day, NaN unknown) as
    core.drop takes it. Switching is measured only where the envelope fell."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    m = x.shape[0]
    envelope = np.empty(x.shape)
    for i in range(0, m, BLOCK_ROWS):
        envelope[i : i + BLOCK_ROWS] = low_envelope(x[i : i + BLOCK_ROWS])
    fall = sustained_drop(envelope, peer_level=peer_level, min_history_days=min_history_days)
    del envelope
    rows = np.flatnonzero((fall.drop_score > 0) & (fall.change_day >= 0))
    high_kept, low_share, lost_kw = np.full(m, np.nan), np.full(m, np.nan), np.full(m, np.nan)
    low_spells = np.zeros(m, dtype=np.int64)
    if len(rows):
        measured = switching_measures(x[rows], fall.change_day[rows])
        high_kept[rows], low_share[rows], low_spells[rows], lost_kw[rows] = measured
    return SwitchedFall(fall, high_kept, low_share, low_spells, switching_factor(high_kept, low_share, low_spells),
                        lost_kw)


def switching_factor(high_kept: np.ndarray, low_share: np.ndarray, low_spells: np.ndarray) -> np.ndarray:
    """Step 3's factor in [0, 1]; 0 where unmeasured."""
    factor = ramp(high_kept, *HIGH_KEPT) * ramp(low_share, *LOW_SHARE)  # an unmeasured share ramps to 0
    return np.where(np.asarray(low_spells) >= MIN_SPELLS, factor, 0.0)


def switching_measures(kwh_daily: np.ndarray, change_day: np.ndarray, window: int = WINDOW_DAYS):
    """(high_kept, low_share, low_spells, lost_kw) per row of `kwh_daily` float[m, d] at `change_day` int[m] (-1:
    none): steps 2-4 of the module doc. `window` must be a whole number of weeks."""
    if window % 7:
        raise ValueError(f"window must be a whole number of weeks, got {window} days")
    x = np.asarray(kwh_daily, dtype=np.float64)
    k = np.asarray(change_day, dtype=np.int64)
    m, d = x.shape
    cols = np.arange(window)
    before = _window(x, k, k[:, None] - window + cols)
    after = _window(x, k, k[:, None] + cols)
    # column j of both windows falls on the same weekday: the windows start a whole number of weeks apart
    level = _weekday_medians(before)  # NaN for a weekday with no observed day
    seen = np.isfinite(before.reshape(m, window // 7, 7)).sum(axis=1)
    level = np.where((seen >= MIN_WEEKDAY_DAYS) & (level > 0), level, np.nan)
    level = np.tile(level, window // 7)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_before, y_after = before / level, after / level
        # the days after are judged against their own upper level: an off week after the change may sit lower than
        # the weeks before it (the heating season ended as the bypass came in), and still be the high state
        upper = _row_quantile(y_after, UPPER_QUANTILE, 2 * MIN_HALF_DAYS)
        y_after = y_after / np.where(upper > 0, upper, np.nan)[:, None]
        # ... and a low day is low in kWh too, against the days after's own upper quartile: a business shut down to
        # its weekend level is low against its weekdays' old levels, but its days are all alike
        kwh_upper = _row_quantile(after, UPPER_QUANTILE, 2 * MIN_HALF_DAYS)
        low_after = (y_after < DEEP) & (after < DEEP * kwh_upper[:, None])
        high_before = _share(y_before >= NEAR, np.isfinite(y_before), 2 * MIN_HALF_DAYS)
        low_before = _share(y_before < DEEP, np.isfinite(y_before), 2 * MIN_HALF_DAYS)
        span = np.clip(d - k, 0, window)
        first = cols[None, :] < (span // 2)[:, None]
        kept, low = [], []
        for part in (first, ~first):
            seen = np.isfinite(y_after) & part
            kept.append(_share((y_after >= NEAR) & part, seen, MIN_HALF_DAYS) / high_before)
            low.append(_share(low_after & part, seen, MIN_HALF_DAYS) - low_before)
        kept, low = np.array(kept), np.array(low)
        both = np.isfinite(kept).all(axis=0) & np.isfinite(low).all(axis=0)  # no share before (inf): unmeasured
        high_kept = np.where(both, kept.min(axis=0), np.nan)
        low_share = np.where(both, low.min(axis=0), np.nan)
        seen = np.isfinite(after) & np.isfinite(level)
        lost_kw = (np.where(seen, level - after, 0.0).sum(axis=1) / seen.sum(axis=1)) / 24.0
    lost_kw = np.where(np.isfinite(high_kept), lost_kw, np.nan)
    spells = _low_spells(np.where(low_after, 1, np.where(y_after >= NEAR, 2, 0)))
    return high_kept, low_share, spells, lost_kw


def _weekday_medians(x: np.ndarray) -> np.ndarray:
    """float64[m, 7]: per row of x[m, 7 w], the median of the non-NaN days 0, 7, 14, ... (column 0), 1, 8, ... and
    so on; NaN where a weekday has none."""
    m, d = x.shape
    return row_median(x.reshape(m, d // 7, 7).transpose(0, 2, 1))


def _row_quantile(x: np.ndarray, q: float, min_days: int) -> np.ndarray:
    """Per row, the q quantile of the non-NaN values (linear between order statistics, as np.quantile); NaN under
    min_days of them."""
    ordered = np.sort(x, axis=1)  # NaN last
    n = np.isfinite(x).sum(axis=1)
    place = q * np.maximum(n - 1, 0)
    lower = np.floor(place).astype(np.int64)
    upper = np.minimum(lower + 1, np.maximum(n - 1, 0))
    rows = np.arange(len(x))
    low_value, high_value = ordered[rows, lower], ordered[rows, upper]
    value = low_value + (place - lower) * (high_value - low_value)
    return np.where(n >= min_days, value, np.nan)


def _window(x: np.ndarray, k: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """x[i, idx[i, j]] per row, NaN where the index leaves the row or the row has no change (k < 0)."""
    d = x.shape[1]
    inside = (k[:, None] >= 0) & (idx >= 0) & (idx < d)
    return np.where(inside, np.take_along_axis(x, np.clip(idx, 0, max(d - 1, 0)), axis=1), np.nan)


def _share(hit: np.ndarray, seen: np.ndarray, min_days: int) -> np.ndarray:
    """Per row: hits among the seen days; NaN under min_days seen."""
    n = seen.sum(axis=1)
    return np.where(n >= min_days, (hit & seen).sum(axis=1) / np.maximum(n, 1), np.nan)


def _low_spells(state: np.ndarray) -> np.ndarray:
    """Per row of states (1 low, 2 high, 0 neither or unobserved): the runs of low days that hold at least
    MIN_SPELL_DAYS of them, at most one more than the runs of high days that do. Each day takes the state of the last
    low or high day up to it (the neither-days are bridged); runs of that carried state are the spells, counted by
    the low or high days they hold."""
    m, w = state.shape
    cols = np.arange(w)
    last = np.maximum.accumulate(np.where(state > 0, cols, -1), axis=1)
    carried = np.where(last >= 0, np.take_along_axis(state, np.maximum(last, 0), axis=1), 0)
    starts = np.ones((m, w), dtype=bool)
    starts[:, 1:] = carried[:, 1:] != carried[:, :-1]
    run = (np.cumsum(starts, axis=1) - 1 + (np.arange(m) * w)[:, None]).ravel()
    spells = {}
    for kind in (1, 2):
        days = np.bincount(run, weights=(state == kind).ravel(), minlength=m * w)
        of_kind = np.bincount(run, weights=(carried == kind).ravel(), minlength=m * w) > 0
        spells[kind] = (of_kind & (days >= MIN_SPELL_DAYS)).reshape(m, w).sum(axis=1)
    return np.minimum(spells[1], spells[2] + 1).astype(np.int64)
