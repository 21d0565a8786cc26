"""Look-alikes: how likely each legitimate cause explains a meter's strange increase or lighting-like pattern.

For every meter and every look-alike, a likelihood in [0, 1] (fusion down-weights a lead by it) and the measured
numbers that rule it in or out, so a lead can say "considered crypto mining: ruled out, the added load has a strict
daily cycle (night 0.1 kW vs afternoon 3.9 kW)". The measures come from three small modules:
core/lookalike_profiles.py (added-load shape), core/lookalike_events.py (EV sessions, night shifts) and
core/lookalike_season.py (population-curve season, year-ago repeat). Here they are turned into likelihoods, each a
product of ramps r(x, lo, hi) = clip((x - lo) / (hi - lo), 0, 1), so every named condition must hold:

- crypto      flat added load (3 h bins' min/max: r(flatness, .5, .8)) * a real rise * (1 - seasonal)
- ev          sessions on some days, not all (r(share, .1, .2) * (1 - r(share, .85, .95))) * mostly evening/night
              (r(evening share, .4, .7)) * enough sessions (r(n, 4, 12)) * start or duration varies
              (r(max spread, .3, .8) h) * charger-sized (1 - r(kW, 12, 16))
- night_shift Monday-Thursday nights above Saturday's (r(ratio, 1.3, 2) * r(extra kW, .2, .5)) * at least some
              Saturdays (r(n, 2, 4)) * prior (1 commercial/industrial, SHIFT_OTHER_PRIOR otherwise)
- heating     seasonal * not a block (1 - r(block share, .4, .7)), where seasonal =
              max(r(|season_corr|, .3, .7) * r(season_explained, .15, .35) [or r(season_amplitude, .15, .4) without
              a change], r(year_repeat, .3, .7) * off season); a heater bought this winter makes a step the season
              alone does not predict, so a fifth of the rise explained already counts (a lamp block's is near 0).
              Off season = r(off_season_share, .5, .8) * r(off_season_weeks, 4, 8): a year repeat is a season's
              only when the months between were back at the old level (a grow older than the data repeats last
              year's weeks too, but ran through the summer: on monthly reads nothing else tells them apart)
- growth      the week keeps its shape (r(shape_corr, .85, .95)) * the hourly after/before ratio is uniform
              (1 - r(ratio_spread, .08, .15)) * the added week follows the old one (r(added_shape_corr, .3, .6); loose,
              because a change day found in the middle of a gradual ramp leaves part of the rise in "before")
              * a real rise * (1 - seasonal) * prior (GROWTH_HOME_PRIOR for homes)
- greenhouse  category agricultural * lighting (r(block share, .15, .4))
- timed_load  the added load fits in a short daily window (1 - r(window, 8.5, 10) h: the shortest stretch of the day
              holding 90 % of the added energy, core.lookalike_profiles) * it has dark hours (1 - r(flatness, .2,
              .5): a flat load has no window to measure) * a real rise (with a change day only) * none of EV, night
              shift, growth and a seasonal return explains it (1 - their largest): an appliance on a daily timer
              shorter than any photoperiod (a storage or water heater on the cheap night tariff, an EV charged every
              night, a pump).
              Without a real rise (none, or a change day whose rise is under the ramp) the same is measured on the
              use above peers instead (core.lookalike_profiles.peer_excess: the meter's average day over the peers'
              window less the typical peer's day scaled to the meter's lowest hourly ratio to it, * r(its mean kW,
              .1, .3)), the two blended by "a real rise": a home far above its peers since before the data began,
              only because of an EV or a storage heater on the night tariff, has that use in a few hours of the day.
              Lamps burn 12 h or more, so a 12 h block's window is 10.8 h and an 18 h block's 16.2 h.
- seasonal_return  a load back with its season (a pool or irrigation pump each summer, air conditioning): the same
              weeks a year earlier already had the rise (r(year_repeat, .7, .95); those days show the rise:
              r(paired_rise_share, .5, .8), not days after a grow's harvest) * the months before were spent back
              at the old level (r(share of weeks, .8, .95) over r(weeks, 4, 8): a grow older than the data repeats
              its own lamps a year on too, but ran in between) * a real rise (with a change day only); or, on data
              too short for year-ago days, the data's first four weeks already had the rise (r(early_repeat, .7,
              .95)) and the sixteen weeks before the change (after those) were back at the old level
              (r(early_dark_share, .8, .95)) * a real rise * not a block (1 - r(block share, .4, .7): a lamp
              block's season is the photoperiod detector's to judge, and a winter's heating in the first weeks
              must not explain a grow's lamps away); or the photoperiod detector's own finding that the lamp-like
              block came back with its season: on last year's weeks, or after months dark since an earlier run
              (r(block_season, .3, .7)). It discounts even a rise that began with a lamp block: that block is the
              season's appliance, not a grow's (fusion).
"a real rise" = r(rise_ratio, 1.1, 1.3) * r(added_kw, .1, .3) when a change day exists (the rise ratio alone on
monthly reads, which have no hourly profile to measure added kW on), 1 otherwise (the measures then describe the
whole recent load). Block share = the larger of a proxy from the added profile,
r(1 - flatness, .5, .9) * r(edge, .25, .5), and the share of the after days that the photoperiod detector marked as
lamp days (`is_block`, when given; `lamp_days` keeps only those of meters whose lamp-block score reaches
MARKED_MIN_SCORE: a thermostat's days can form a weak "run" that must not veto heating). The proxy also catches
lighting the photoperiod classes leave out (14-16 h greenhouse blocks); the heating ramp starts at 0.4 because the
photoperiod detector marks some thermostat days.
The heating rule vetoes a block, the seasonal return does not: a thermostat follows the weather without a timer's
block, while a pump or an air conditioner on a timer draws a block and comes back with the calendar.

A grow light fails every one but greenhouse-by-category: its added load has dark hours (not flat), lasts 12-18 h
every day at the same time (no EV sessions, no short timer), lights weekends too (no night shift), is a step, not the
season (no heating), has its own shape, not the old one scaled (no growth), and its first run was not there a year
before (no seasonal return).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.increase import strange_increase
from wattwatch.core.lookalike_events import ev_sessions, night_shift
from wattwatch.core.lookalike_profiles import PEER_EXCESS, added_load, peer_excess, periods
from wattwatch.core.lookalike_season import MIN_LEVEL_KWH, population_curve, season_measures
from wattwatch.core.peers import PeerResult

AGRICULTURAL = 3  # index of "agricultural" in schema.CATEGORIES
SHIFT_CATEGORIES = (1, 2)  # commercial, industrial
SHIFT_OTHER_PRIOR = 0.5  # night work happens elsewhere too (bakeries, hospitals), less often
GROWTH_HOME_PRIOR = 0.5  # a household does grow (a new member), but "business growth" is mostly businesses
NIGHT_EPS_KW = 0.05  # keeps the night ratio finite for premises that are empty at night
BLOCK_ROWS = 2048  # meters per chunk of the hourly measures: ~400 MB of temporaries at 400 days
MARKED_MIN_SCORE = 0.05  # lamp-block score under which the photoperiod's marked days say nothing about lamps
# The added load's 90 % window (core.lookalike_profiles.energy_window_hours) at or under TIMER_WINDOW_H is a timer's,
# at or over LAMP_WINDOW_H it may be lamps': the shortest photoperiod, 12 h, gives 10.8 h, and a flowering room cut to
# 11 h still 9.9 h. Between the two the likelihood falls linearly.
TIMER_WINDOW_H, LAMP_WINDOW_H = 8.5, 10.0
NAMES = ("crypto", "ev", "night_shift", "heating", "growth", "greenhouse", "timed_load", "seasonal_return")


@dataclass(frozen=True)
class LookalikeResult:
    """Per meter (arrays of length m). Likelihoods in [0, 1]; measures NaN where they cannot be taken."""

    crypto: np.ndarray
    ev: np.ndarray
    night_shift: np.ndarray
    heating: np.ndarray
    growth: np.ndarray
    greenhouse: np.ndarray
    timed_load: np.ndarray
    seasonal_return: np.ndarray
    change_day: np.ndarray  # int64 day the "after" period starts; -1: no change, the last 56 days are used
    rise_ratio: np.ndarray  # median daily kWh after / before the change
    added_kw: np.ndarray  # mean kW added after the change (the whole mean kW without a change)
    added_night_kw: np.ndarray  # added kW 00-06
    added_day_kw: np.ndarray  # added kW 12-18
    added_flatness: np.ndarray  # min/max of the added load's 3 h bins: 1 = flat around the clock
    added_edge: np.ndarray  # largest hour-to-hour step of the added load / its range: ~1 = on/off edges
    added_window_h: np.ndarray  # shortest stretch of the day holding 90 % of the added energy, h (lamps: >= 10.8)
    shape_corr: np.ndarray  # correlation of the average week before and after the change
    added_shape_corr: np.ndarray  # correlation of the added week with the week before (scaled copy: ~1)
    ratio_spread: np.ndarray  # robust relative spread of the hourly after/before ratio (uniform scaling: ~0)
    ev_day_share: np.ndarray  # share of days with one 1-6 h run >= 2.5 kW above the quiet level
    ev_days: np.ndarray  # int64
    ev_block_hours: np.ndarray  # median session length, h
    ev_hours_spread_h: np.ndarray  # robust spread of session length, h
    ev_start_spread_h: np.ndarray  # robust spread of session start, h
    ev_evening_share: np.ndarray  # share of sessions starting 17:00-04:00
    ev_kw: np.ndarray  # median session peak kW above the quiet level
    weekday_night_kw: np.ndarray  # median 22-06 kW, Monday-Thursday evenings
    weekend_night_kw: np.ndarray  # the same for Saturday evenings
    weekday_night_ratio: np.ndarray
    weekend_nights: np.ndarray  # int64 Saturday nights measured
    season_corr: np.ndarray  # within-segment correlation with the population's seasonal curve
    season_explained: np.ndarray  # share of the rise the season predicts (with a change)
    season_amplitude: np.ndarray  # share of the level swinging with the season (without a change)
    year_repeat: np.ndarray  # share of the rise the same days had a year earlier
    paired_rise_share: np.ndarray  # the rise on those days over the rise on all days after the change
    off_season_share: np.ndarray  # share of the weeks before the change back on the old level's side
    off_season_weeks: np.ndarray  # int64 weeks judged for off_season_share
    early_repeat: np.ndarray  # share of the rise the data's first weeks had (data too short for year-ago days)
    early_dark_share: np.ndarray  # share of the 16 weeks before the change (after them) back on the old level's side
    block_season: np.ndarray  # the photoperiod's block_season: a new block back on last year's weeks or after a dark
    # season (core.photoperiod.block_season)
    block_share: np.ndarray  # share of after days that are lamp-block days (or the profile proxy)
    peer_excess_kw: np.ndarray  # mean kW of the average day over a peer-shaped day of its size (NaN: no peers)
    peer_excess_window_h: np.ndarray  # shortest stretch of the day holding 90 % of that excess, h
    peer_excess_flatness: np.ndarray  # min/max of the excess's 3 h bins
    timed_by_peers: np.ndarray  # bool: timed_load was measured on the use above peers more than on a rise
    is_agricultural: np.ndarray  # bool

    def likelihoods(self) -> np.ndarray:
        """[m, len(NAMES)] in NAMES order."""
        return np.stack([getattr(self, n) for n in NAMES], axis=1)


def ramp(x, lo: float, hi: float) -> np.ndarray:
    """clip((x - lo) / (hi - lo), 0, 1) with NaN -> 0 (an unmeasured condition does not hold)."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.clip((np.asarray(x, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0))


def lookalike_evidence(
    kwh_daily: np.ndarray,
    kw_hourly: np.ndarray,
    category: np.ndarray,
    first_weekday: int,
    *,
    change_day: np.ndarray | None = None,
    is_block: np.ndarray | None = None,
    block_season: np.ndarray | None = None,
    peers: PeerResult | None = None,
    block_rows: int = BLOCK_ROWS,
) -> LookalikeResult:
    """Look-alike likelihoods and measures per meter, see the module doc.

    kwh_daily [m, d], kw_hourly [m, d, 24] (NaN for billing meters: only the season measures then exist),
    category int[m]; change_day int[m] (-1 = none; default: strange_increase's change day); is_block bool[m, d]
    from the photoperiod detector (default: a profile proxy); block_season float[m], its block_season (default:
    none measured); peers: core.peers' result for these meters (default: no use above peers measured). The population
    curve uses all rows of kwh_daily."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    hourly = np.asarray(kw_hourly, dtype=np.float64)
    if x.ndim != 2 or hourly.shape != (*x.shape, 24):
        raise ValueError(f"kwh_daily must be [m, d] and kw_hourly [m, d, 24], got {x.shape} and {hourly.shape}")
    k = strange_increase(x).change_day if change_day is None else np.asarray(change_day, dtype=np.int64)
    measured = hourly_measures(x, hourly, first_weekday, k, is_block, block_rows)
    return lookalike_scores(x, measured, category, k, population_curve(x), block_season, peers)


def lamp_days(is_block: np.ndarray, lamp_score: np.ndarray) -> np.ndarray:
    """The photoperiod's block days [m, d] of the meters whose lamp-block score is worth the name (module doc)."""
    return np.asarray(is_block, dtype=bool) & (np.nan_to_num(lamp_score) >= MARKED_MIN_SCORE)[:, None]


def usable_change_day(change_day: np.ndarray, n_days: int) -> np.ndarray:
    """The change day the measures use: -1 unless strictly inside the day axis."""
    k = np.asarray(change_day, dtype=np.int64)
    return np.where((k > 0) & (k < n_days), k, -1)


def hourly_measures(
    kwh_daily: np.ndarray,
    kw_hourly: np.ndarray,
    first_weekday: int,
    change_day: np.ndarray,
    is_block: np.ndarray | None = None,
    block_rows: int = BLOCK_ROWS,
) -> dict[str, np.ndarray]:
    """The per-meter measures (added load, EV sessions, night shift, rise, block share): each meter's own rows only,
    so a streaming scan takes them chunk by chunk. `first_weekday` is the weekday of day 0 of the full day axis."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    m, d = x.shape
    k = usable_change_day(change_day, d)
    parts = []
    for i in range(0, max(m, 1), block_rows):
        rows = slice(i, i + block_rows)
        blocks = None if is_block is None else np.asarray(is_block, dtype=bool)[rows]
        parts.append(_measure_rows(x[rows], np.asarray(kw_hourly[rows], dtype=np.float64), first_weekday, k[rows],
                                   blocks))
    return {n: np.concatenate([p[n] for p in parts]) for n in parts[0]}


def lookalike_scores(
    kwh_daily: np.ndarray, measured: dict[str, np.ndarray], category: np.ndarray, change_day: np.ndarray,
    population: np.ndarray, block_season: np.ndarray | None = None,
    peers: PeerResult | None = None,
) -> LookalikeResult:
    """The population part: season measures against `population` (the population curve of all rows of kwh_daily:
    core.lookalike_season.population_curve), then the likelihoods. `block_season` is the photoperiod
    detector's block_season per meter, `peers` core.peers' result, whose days give the use above peers
    (core.lookalike_profiles.peer_excess); None: not measured."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    k = usable_change_day(change_day, x.shape[1])
    unmeasured = np.full(len(x), np.nan)
    season = unmeasured if block_season is None else np.asarray(block_season, dtype=np.float64)
    above_peers = ({name: unmeasured for name in PEER_EXCESS} if peers is None
                   else peer_excess(peers.day_kw, peers.peer_day_kw))
    return _likelihoods({**measured, **season_measures(x, population, k), **above_peers, "block_season": season},
                        k, np.asarray(category))


def _measure_rows(x, hourly, first_weekday, k, is_block) -> dict[str, np.ndarray]:
    has, before, after = periods(k, x.shape[1])
    added = added_load(hourly, first_weekday, has, before, after)
    out = {**added, **ev_sessions(hourly, after), **night_shift(hourly, after, first_weekday)}
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = row_median(np.where(after, x, np.nan)) / np.maximum(row_median(np.where(before, x, np.nan)),
                                                                     MIN_LEVEL_KWH)
        share = ramp(1 - added["added_flatness"], 0.5, 0.9) * ramp(added["added_edge"], 0.25, 0.5)
        if is_block is not None:
            seen = after & np.isfinite(x)
            marked = np.where(seen.any(axis=1), np.sum(seen & is_block, axis=1) / seen.sum(axis=1), 0.0)
            share = np.maximum(share, marked)
    out["rise_ratio"] = np.where(has, rise, np.nan)
    out["block_share"] = share
    return out


def _likelihoods(v: dict[str, np.ndarray], k: np.ndarray, category: np.ndarray) -> LookalikeResult:
    has = k >= 0
    # a billing meter has no hourly profile to measure the added kW on: its rise ratio alone says the rise is real
    added_kw = np.where(np.isnan(v["added_kw"]), 1.0, ramp(v["added_kw"], 0.1, 0.3))
    presence = np.where(has, ramp(v["rise_ratio"], 1.1, 1.3) * added_kw, 1.0)
    follows = np.where(has, ramp(v["season_explained"], 0.15, 0.35), ramp(v["season_amplitude"], 0.15, 0.4))
    judged_weeks = ramp(v["off_season_weeks"], 4, 8)  # enough weeks before the change to judge an off season
    off_season = ramp(v["off_season_share"], 0.5, 0.8) * judged_weeks
    seasonal = np.maximum(ramp(np.abs(v["season_corr"]), 0.3, 0.7) * follows,
                          ramp(v["year_repeat"], 0.3, 0.7) * off_season)
    share = v["ev_day_share"]
    spread = np.fmax(v["ev_start_spread_h"], v["ev_hours_spread_h"])
    with np.errstate(invalid="ignore", divide="ignore"):
        night_ratio = (v["weekday_night_kw"] + NIGHT_EPS_KW) / (v["weekend_night_kw"] + NIGHT_EPS_KW)
    night_extra = v["weekday_night_kw"] - v["weekend_night_kw"]
    shift_prior = np.where(np.isin(category, SHIFT_CATEGORIES), 1.0, SHIFT_OTHER_PRIOR)
    growth_prior = np.where(category == 0, GROWTH_HOME_PRIOR, 1.0)
    agricultural = category == AGRICULTURAL
    likelihood = {
        "crypto": ramp(v["added_flatness"], 0.5, 0.8) * presence * (1 - seasonal),
        "ev": ramp(share, 0.1, 0.2) * (1 - ramp(share, 0.85, 0.95)) * ramp(v["ev_evening_share"], 0.4, 0.7)
        * ramp(v["ev_days"], 4, 12) * ramp(spread, 0.3, 0.8) * (1 - ramp(v["ev_kw"], 12, 16)),
        "night_shift": ramp(night_ratio, 1.3, 2.0) * ramp(night_extra, 0.2, 0.5) * ramp(v["weekend_nights"], 2, 4)
        * shift_prior,
        "heating": seasonal * (1 - ramp(v["block_share"], 0.4, 0.7)),
        "growth": ramp(v["shape_corr"], 0.85, 0.95) * (1 - ramp(v["ratio_spread"], 0.08, 0.15))
        * ramp(v["added_shape_corr"], 0.3, 0.6) * presence * (1 - seasonal) * growth_prior,
        "greenhouse": agricultural * ramp(v["block_share"], 0.15, 0.4),
    }
    level_return = ramp(v["year_repeat"], 0.7, 0.95) * ramp(v["paired_rise_share"], 0.5, 0.8) \
        * ramp(v["off_season_share"], 0.8, 0.95) * judged_weeks * presence * has
    early_return = ramp(v["early_repeat"], 0.7, 0.95) * ramp(v["early_dark_share"], 0.8, 0.95) * presence * has \
        * (1 - ramp(v["block_share"], 0.4, 0.7))
    likelihood["seasonal_return"] = np.maximum.reduce([level_return, early_return, ramp(v["block_season"], 0.3, 0.7)])
    named = np.maximum.reduce([likelihood["ev"], likelihood["night_shift"], likelihood["growth"],
                               likelihood["seasonal_return"]])
    rise = presence * has
    added_timer = _timer(v["added_window_h"], v["added_flatness"])
    peer_timer = _timer(v["peer_excess_window_h"], v["peer_excess_flatness"]) * ramp(v["peer_excess_kw"], 0.1, 0.3)
    by_rise, by_peers = rise * added_timer, (1 - rise) * peer_timer
    likelihood["timed_load"] = (by_rise + by_peers) * (1 - named)
    measures = {f.name: v[f.name] for f in fields(LookalikeResult) if f.name in v}
    return LookalikeResult(
        **likelihood, **measures, change_day=k.astype(np.int64), weekday_night_ratio=night_ratio,
        is_agricultural=agricultural, timed_by_peers=by_peers > by_rise,
    )


def _timer(window_h: np.ndarray, flatness: np.ndarray) -> np.ndarray:
    """A load that fits in a short daily window and has dark hours (module doc, timed_load). The window is NaN
    without an hourly profile (monthly reads): no timer can be seen."""
    short = np.where(np.isfinite(window_h), 1 - ramp(window_h, TIMER_WINDOW_H, LAMP_WINDOW_H), 0.0)
    return short * (1 - ramp(flatness, 0.2, 0.5))
