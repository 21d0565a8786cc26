"""Grow-light signature: a timer-switched lamp block of about 18 h or 12 h, at a fixed clock time, for weeks.

Two stages, both vectorised over meters:
1. `fit_daily_blocks` (core/blocks.py) finds each meter-day's best ON block (start, length, step, edge, contrast,
   plateau roughness, background level).
2. `aggregate_days` keeps the days that look like lamps (length near 18 or 12 h, contrast and sharp edges) and
   tries a few clock anchors per meter: the N_ANCHOR_CANDIDATES busiest lights-on slots and lights-off slots (a grow
   keeps one of the two when it switches 18 h -> 12 h). For each anchor it keeps the days whose anchor lies within
   +-START_TOL_HOURS (minutes of jitter, the 1 h shift of a timer that ignores DST) and whose step is within
   STEP_RATIO of the class median (the lamp kW is constant), drops the days where fewer than MIN_DENSITY of the
   observed days within +-DENSITY_HALF_DAYS match (a busy background's sporadic look-alike days), and links the
   rest into runs across breaks of up to LINK_GAP_DAYS (a harvest gap does not end a grow). The run with the most
   block days x coverage over all anchors is the grow.
   Anchors are tried one by one, rather than taking the year's single most common lights-on slot, because a grow
   often fills only the last months of a series while a household's evening fits, spread over the whole year,
   outnumber it: the year-wide mode then pointed at the household and the grow's days were dropped.

Score in [0, 1] = persistence * coverage * weekly balance * shape * lamp likeness * cycling, each in [0, 1]:
- persistence = 1 - exp(-n_block_days / PERSIST_DAYS): weeks of evidence, not days;
- coverage = block days / observed days in the run: a grow lights (nearly) every day;
- weekly balance = the least-covered weekday's coverage / coverage: lamps ignore weekends, shops and shifts do not;
- shape = median edge share (clipped to [0, 1]) * c / (c + CONTRAST_HALF) * h / (h + SHARPNESS_HALF) with c and h
  the median contrast and sharpness: the step happens at the edges, stands clear of the background's spread, and
  its edges tower over the background's own slot-to-slot wiggle;
- lamp likeness separates lamps from a building's daily schedule, which passes everything above when it runs every
  day: H / (H + max(v, 0)) for v = plateau roughness (lamps add a constant: the plateau wanders no more than the
  OFF hours; an occupied building's has a morning peak, HVAC cycling), step_cv (lamps draw the same kW every day;
  HVAC follows the weather), weekday_spread (a building's Sunday plateau differs even when it is open), each with
  its own half-credit constant H, times length_steadiness (a timer keeps its length to the slot; a dusk-to-dawn
  photocell's night length drifts with the season);
- cycling: a grow cycles. Flowering lasts 8-10 weeks (a long sativa's up to 14) and ends in a harvest; autoflowers'
  whole life is 9-13 weeks. A run that lasts NO_CYCLE_DAYS or more with neither an 18 h -> 12 h switch nor a harvest
  gap is the schedule of something that does not cycle (a pool or irrigation pump through the summer, a greenhouse's
  season, a building's hours) and keeps NO_CYCLE_KEEP; not nothing, since staggered rooms can keep a grow's lamps
  burning through every harvest;
- seasons: a new block (see Onset) whose days had the same block (same anchor, dense) 52 weeks earlier, with the
  weeks between dark, is a season's appliance come back (a pool or irrigation pump each summer): year_repeat = the
  share of the run's days, among those whose day a year earlier was observed (at least MIN_YEAR_PAIRS of them), that
  had the block then. A grow's first run has no such days, and a grow older than a year is no new block. Needs a
  year of data (core.year_ago: on data of about a year the lag is a few whole weeks short of 52, so that the last
  weeks pair with the first); on less, or where the year before saw only the season's last weeks, the season shows
  as a return: back_after_dark says that a new block's same block ran at least RETURN_MIN_DAYS days before it and
  was then dark DARK_SEASON_DAYS observed days or more (the data began in last summer's pump season, the winter was
  dark, the pump is back in May). Four months dark is longer than any harvest-and-replant break, and an earlier
  run of three weeks is no stray match of a busy background. Where the data begin after last year's season (in
  winter), the pump's summer is seen once, in the middle: one_season says that the run never cycled (see cycling;
  one pause of SEASON_PAUSE_DAYS days or fewer allowed: a pump stops for a few days of rain or a repair, while a
  grow that harvested within a run of 16 weeks without switching ran two 12 h crops back to back) and the lamps
  have been dark SEASON_END_DAYS observed days or more since its last day, to the data's end: a season's appliance
  that ran its season and stopped (a grow cycles; one that stopped months ago has nothing left to find).
  block_season = the largest of year_repeat, back_after_dark and one_season; the score keeps
  1 - (1 - SEASONAL_KEEP) * block_season. Neither of the first two is taken for a run that switched from 18 h to
  12 h: no appliance's season does, while a grow older than a year that paused a few weeks before its run (a new
  block) has its own lamps on the same days a year before.
Look-alikes fail at least one factor: mining (no edges: few, scattered block days, low coverage), EV charging
(short, varying start: low coverage), shifts and shops (closed days every week: weekly balance near 0), heating
(thermostat cycling: no sharp fixed-clock edges, so low coverage and sharpness), buildings open every day (lamp
likeness).

Onset: `days_without_before` counts the observed days before the run back to the last earlier day of the same block
(same anchor, dense), `new_block` says whether that is at least NEW_BLOCK_MIN_DAYS: a block that appeared (as a grow
does) rather than one that was always there (a building's schedule). Fusion weighs it; the score does not, since a
grow may also run through the whole series.
Limit: one block per day. A lamp block beside a bigger daily block (a shop's opening hours with a night grow) is not
seen here: the day's best block is the shop. core.added_blocks fits the load a rise added, where the shop's hours
cancel, and marks the result `in_added_load`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import (
    MAD_TO_SD,
    PHOTOPERIOD_HOURS,
    PHOTOPERIOD_TOL_HOURS,
    DailyBlocks,
    fit_daily_blocks,
)
from wattwatch.core.kernels import run_summary as rs
from wattwatch.core.kernels.anchor_runs import anchor_runs, candidate_slots, dominant_starts
from wattwatch.core.kernels.run_summary import summarise_runs
from wattwatch.core.year_ago import MIN_YEAR_PAIRS, year_lag

# Photoperiod classes: vegetative 18/6, flowering 12/12 and autoflowers' 20/4, in this order (class index 0, 1, 2).
# Fitted lengths within PHOTOPERIOD_TOL_HOURS (1.5 h) of a class count as that class: 17-19 h, 11-13 h and 20 h on
# whole-hour candidates (a 19 h fit is vegetative: the first class within reach wins), which takes 11/13 and 13/11
# variants and a one-slot fit error (a timer switching mid-slot at 60 min), but not 8-10 h shifts.
CLASS_HOURS = PHOTOPERIOD_HOURS
# Per-day gates: loose on purpose (a 1 kW lamp on a noisy household fails some days); weeks of days decide.
MIN_DAY_CONTRAST = 1.5  # step at least 1.5 robust SDs of the within-segment scatter
MIN_DAY_SHARPNESS = 2.0  # edge jump at least twice the day's typical slot-to-slot change
MIN_DAY_EDGE_SHARE = 0.5  # at least half the step happens at the edges (not a ramp or a hump)
# Lights-on may wander this far from the dominant slot: minutes of jitter and a timer that ignores DST (+1 h in
# summer local time). One slot more than the hour at coarse resolution would admit EV-like wandering starts.
START_TOL_HOURS = 1.0
N_ANCHOR_CANDIDATES = 4  # clock anchors tried per meter and per anchor kind (lights-on, lights-off)
STEP_RATIO = 1.6  # a block day's step within [median / 1.6, median * 1.6]: the same lamps every day
DENSITY_HALF_DAYS = 7  # block density is judged over the day +- a week
MIN_DENSITY = 0.4  # a block day counts only where 40 % of the surrounding fortnight holds the block: sporadic matches
# of a busy background (a household's evening peak now and then at the same hour) never chain into a run
NEW_BLOCK_MIN_DAYS = 28  # four observed weeks without the block before it make it a new block
LINK_GAP_DAYS = 21  # harvest gaps (3-14 days) plus a few missed days stay inside one grow
GAP_MIN_DAYS = 3  # a harvest gap is at least this many days without the block; shorter misses are just misses
SWITCH_WINDOW_DAYS = 7  # the 18 -> 12 switch needs SWITCH_MIN_DAYS of 18 h in the week before and of 12 h after
SWITCH_MIN_DAYS = 4
PERSIST_DAYS = 21.0  # persistence 0.63 at three weeks of block days, 0.95 at nine
CONTRAST_HALF = 2.0  # median contrast giving half credit
SHARPNESS_HALF = 4.0  # median sharpness giving half credit: household and heating edges sit near 3-5
ROUGHNESS_HALF = 0.3  # plateau roughness giving half credit: lamps sit near 0 (up to 0.3 for a small lamp whose
# block holds a household's evening peak), an occupied building's plateau wanders well above
STEP_CV_HALF = 0.1  # step CV giving half credit: lamps draw the same kW every day, HVAC follows the weather
WEEKDAY_SPREAD_HALF = 0.25  # weekday step spread giving half credit (a building's Sunday plateau differs)
RUN_FIELDS = ("step", "base", "edge_kw", "contrast", "edge_share", "sharpness", "roughness")  # summarise_runs' order
NO_CYCLE_DAYS = 112  # 16 weeks: the longest flowering (14 weeks) and two more, with no switch and no harvest gap
NO_CYCLE_KEEP = 0.3
SEASONAL_KEEP = 0.15  # a new block that repeats last year's same weeks (module doc: seasons)
RETURN_MIN_DAYS = 21  # an earlier run of the same block worth the name (module doc: seasons)
DARK_SEASON_DAYS = 120  # observed days dark between that run and the new one: an off season, not a harvest
SEASON_END_DAYS = 60  # observed days dark after a run that never cycled, to the data's end: its season is over
SEASON_PAUSE_DAYS = 5  # dark days in gaps a season's run may hold (one pause): a gap is GAP_MIN_DAYS or more


@dataclass(frozen=True)
class PhotoperiodResult:
    """Per meter (arrays of length m) unless noted; `days` and `is_block` are per meter-day [m, d] for the report."""

    score: np.ndarray  # float64 in [0, 1]; 0 with no block days
    lamp_kw: np.ndarray  # median edge jump over block days (kW = kWh per hour of lamps metered); NaN if none
    on_hour: np.ndarray  # local clock hour of lights-on, float in [0, 24) of the dominant class; NaN if none
    hours_on: np.ndarray  # median ON hours of the dominant class (about 18 or 12); NaN if none
    n_block_days: np.ndarray  # int64: block days in the grow run
    first_block_day: np.ndarray  # int64 day index, -1 if none
    last_block_day: np.ndarray  # int64 day index, -1 if none
    switch_day: np.ndarray  # int64: first 12 h day after a run of 18 h, -1 if none
    n_gap_days: np.ndarray  # int64: observed days in runs of >= GAP_MIN_DAYS without the block, inside the run
    coverage: np.ndarray  # float64: block days / observed days in the run
    weekly_balance: np.ndarray  # float64: least-covered weekday's coverage / coverage
    contrast: np.ndarray  # float64: median contrast over block days
    edge_share: np.ndarray  # float64: median edge share over block days
    sharpness: np.ndarray  # float64: median sharpness over block days
    roughness: np.ndarray  # float64: median plateau roughness over block days (~0 = constant lamp power)
    length_steadiness: np.ndarray  # float64: share of main-class block days within one slot of the median length
    step_cv: np.ndarray  # float64: robust day-to-day spread of the main-class step beyond the background level's own
    # spread, relative to the step (~0 = the same kW every day, as lamps draw)
    weekday_spread: np.ndarray  # float64: largest |weekday median edge / median edge - 1| (buildings' Sundays)
    days_without_before: np.ndarray  # int64: observed days before first_block_day back to an earlier same block
    earlier_block_days: np.ndarray  # int64: days of the same block before first_block_day (an earlier run of it)
    back_after_dark: np.ndarray  # bool: a new block whose earlier run (>= RETURN_MIN_DAYS) ended a dark season ago
    # (False where the run switched from 18 h to 12 h)
    dark_since: np.ndarray  # int64: observed days after last_block_day (0 with no block)
    one_season: np.ndarray  # bool: a run that never cycled, dark SEASON_END_DAYS observed days or more since
    new_block: np.ndarray  # bool: days_without_before >= NEW_BLOCK_MIN_DAYS (the block appeared, not lifelong)
    year_repeat: np.ndarray  # float64: share of a new block's run days whose same day a year earlier had the same
    # block (a season's appliance, dark in between); 0 where not a new block, under MIN_YEAR_PAIRS such days, or the
    # run switched from 18 h to 12 h
    is_block: np.ndarray  # bool [m, d]: the day counts as a lamp day of the grow run
    in_added_load: np.ndarray  # bool: fitted on the load a rise added, beside the premises' own schedule
    # (core.added_blocks); False for a fit on the meter's load itself
    days: DailyBlocks | None  # per meter-day block fit [m, d]; None where a streaming scan did not keep it


def detect_photoperiod(
    load: np.ndarray, slot_hours: float, *, fit_params: dict | None = None, keep_days: bool = True,
    **aggregate_params
) -> PhotoperiodResult:
    """Grow-light evidence per meter from `load` float64[m, d, s] (local days x time-of-day slots, NaN = missing).

    `slot_hours` = 24 / s. `fit_params` go to `fit_daily_blocks`, the other keywords to `aggregate_days`; both
    default to the module constants (change PHOTOPERIOD_TOL_HOURS in both places together). With keep_days=False
    the result has no per-day fit (days=None) and the fit describes only the days of a photoperiod class's length,
    each only as far as the day gates it passes (edge share, sharpness, contrast, in this order): the only days
    and measures the aggregation reads, so the same result, faster.
    """
    if not keep_days:
        tol = aggregate_params.get("class_tol_hours", PHOTOPERIOD_TOL_HOURS)
        gates = tuple(aggregate_params.get(name, default) for name, default in (
            ("min_day_edge_share", MIN_DAY_EDGE_SHARE), ("min_day_sharpness", MIN_DAY_SHARPNESS),
            ("min_day_contrast", MIN_DAY_CONTRAST)))
        fit_params = {"describe_near_hours": CLASS_HOURS, "describe_tol_hours": tol, "describe_gates": gates,
                      **(fit_params or {})}
    days = fit_daily_blocks(load, slot_hours, **(fit_params or {}))
    result = aggregate_days(days, np.asarray(load).shape[2], slot_hours, **aggregate_params)
    return result if keep_days else dataclasses.replace(result, days=None)


def aggregate_days(
    days: DailyBlocks,
    n_slots: int,
    slot_hours: float,
    *,
    class_tol_hours: float = PHOTOPERIOD_TOL_HOURS,
    min_day_contrast: float = MIN_DAY_CONTRAST,
    min_day_sharpness: float = MIN_DAY_SHARPNESS,
    min_day_edge_share: float = MIN_DAY_EDGE_SHARE,
    start_tol_hours: float = START_TOL_HOURS,
    n_anchor_candidates: int = N_ANCHOR_CANDIDATES,
    step_ratio: float = STEP_RATIO,
    density_half_days: int = DENSITY_HALF_DAYS,
    min_density: float = MIN_DENSITY,
    link_gap_days: int = LINK_GAP_DAYS,
    gap_min_days: int = GAP_MIN_DAYS,
    new_block_min_days: int = NEW_BLOCK_MIN_DAYS,
    switch_window_days: int = SWITCH_WINDOW_DAYS,
    switch_min_days: int = SWITCH_MIN_DAYS,
    persist_days: float = PERSIST_DAYS,
    contrast_half: float = CONTRAST_HALF,
    sharpness_half: float = SHARPNESS_HALF,
    roughness_half: float = ROUGHNESS_HALF,
    weekday_spread_half: float = WEEKDAY_SPREAD_HALF,
    step_cv_half: float = STEP_CV_HALF,
    no_cycle_days: int = NO_CYCLE_DAYS,
    no_cycle_keep: float = NO_CYCLE_KEEP,
    year_days: int | None = None,  # default: core.year_ago.year_lag of the number of days
    min_year_pairs: int = MIN_YEAR_PAIRS,
    seasonal_keep: float = SEASONAL_KEEP,
    return_min_days: int = RETURN_MIN_DAYS,
    dark_season_days: int = DARK_SEASON_DAYS,
    season_end_days: int = SEASON_END_DAYS,
    season_pause_days: int = SEASON_PAUSE_DAYS,
) -> PhotoperiodResult:
    """Across-days half of the detector (module doc): candidate clock anchors, the grow run, its summary and score."""
    m, d = days.start.shape
    hours = days.length * slot_hours
    cls = np.full((m, d), -1, dtype=np.int64)
    for k, h in reversed(list(enumerate(CLASS_HOURS))):
        cls[np.abs(hours - h) <= class_tol_hours] = k
    with np.errstate(invalid="ignore"):
        good = (
            (days.start >= 0)
            & (cls >= 0)
            & (days.contrast >= min_day_contrast)
            & (days.sharpness >= min_day_sharpness)
            & (days.edge_share >= min_day_edge_share)
        )
    tol = max(1, int(round(start_tol_hours / slot_hours)))
    # Per anchor kind and candidate slot: the near good days with a steady step, kept where dense, linked into
    # runs; the run with the best quality wins (core.kernels.anchor_runs, compiled, one meter at a time).
    anchors = np.stack(_anchor_slots(days, n_slots)).astype(np.int64, copy=False)
    candidates = candidate_slots(anchors, good, n_slots, tol, n_anchor_candidates)
    run, dense = anchor_runs(anchors, candidates, good, np.asarray(days.step, dtype=np.float64), cls,
                             np.asarray(days.observed, dtype=bool), len(CLASS_HOURS), n_slots, tol,
                             float(step_ratio), int(density_half_days), float(min_density), int(link_gap_days))
    start = np.asarray(days.start, dtype=np.int64)
    dominant = dominant_starts(start, cls, run, len(CLASS_HOURS), n_slots, tol)
    fields = (np.asarray(getattr(days, name), dtype=np.float64) for name in RUN_FIELDS)
    # the run's counts and medians per meter (core.kernels.run_summary, compiled, one meter at a time)
    counts, medians, weekday_edges, observed_week, run_week = summarise_runs(
        run, dense, np.asarray(days.observed, dtype=bool), cls, start, dominant,
        np.asarray(days.length, dtype=np.int64), *fields, len(CLASS_HOURS), n_slots, int(gap_min_days),
        int(switch_window_days), int(switch_min_days), max(int(year_lag(d) if year_days is None else year_days), 1))
    halves = (contrast_half, sharpness_half, roughness_half, weekday_spread_half, step_cv_half)
    summary = _summarise(counts, medians, weekday_edges, observed_week, run_week, dominant, slot_hours, persist_days,
                         halves, (no_cycle_days, no_cycle_keep))
    without = counts[rs.WITHOUT]
    new_block = (counts[rs.FIRST] >= 0) & (without >= new_block_min_days)
    pairs = counts[rs.YEAR_PAIRS]
    # an appliance's season never switches from 18 h to 12 h: a run that did is a grow's, whatever a year before had
    seasonal = new_block & (counts[rs.SWITCH] < 0)
    year_repeat = np.where(seasonal & (pairs >= min_year_pairs), counts[rs.YEAR_SAME] / np.maximum(pairs, 1), 0.0)
    back = seasonal & (counts[rs.EARLIER] >= return_min_days) & (without >= dark_season_days)
    dark_since = _observed_after(np.asarray(days.observed, dtype=bool), counts[rs.LAST])
    one_season = runs_without_cycle(counts[rs.FIRST], counts[rs.LAST], counts[rs.N_GAP], counts[rs.SWITCH],
                                    no_cycle_days, season_pause_days) & (dark_since >= season_end_days)
    summary["score"] = summary["score"] * seasons_kept(block_season(year_repeat, back, one_season), seasonal_keep)
    return PhotoperiodResult(
        **summary, switch_day=counts[rs.SWITCH], days_without_before=without, earlier_block_days=counts[rs.EARLIER],
        back_after_dark=back, dark_since=dark_since, one_season=one_season, new_block=new_block,
        year_repeat=year_repeat, is_block=run,
        in_added_load=np.zeros(m, dtype=bool),
        days=days,
    )


def _observed_after(observed: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per meter: the observed days after day last[i] (0 where last[i] < 0: no run)."""
    if observed.shape[1] == 0:
        return np.zeros(len(last), dtype=np.int64)
    upto = np.take_along_axis(np.cumsum(observed, axis=1), np.maximum(last, 0)[:, None], axis=1)[:, 0]
    return np.where(last >= 0, observed.sum(axis=1) - upto, 0).astype(np.int64)


def _anchor_slots(days, n_slots):
    """The two clock anchors of each day's block: lights-on slot and lights-off slot (-1 where no block). A grow
    keeps one of them when it switches 18 h -> 12 h, so either anchor links the vegetative and flowering phases."""
    off = np.where(days.start >= 0, (days.start + days.length) % n_slots, -1)
    return days.start, off


def _summarise(counts, medians, weekday_edges, observed_week, run_week, dominant, slot_hours, persist_days,
               halves, no_cycle) -> dict:
    """The result's per-meter fields from the run's counts and medians (core.kernels.run_summary)."""
    n_block, first, last = counts[rs.N_BLOCK], counts[rs.FIRST], counts[rs.LAST]
    n_main = counts[rs.N_MAIN]
    has = n_block > 0
    coverage = np.where(has, n_block / np.maximum(counts[rs.N_OBSERVED], 1), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        least = np.min(np.where(observed_week > 0, run_week / np.maximum(observed_week, 1), np.inf), axis=1)
        weekly = np.where(has, np.clip(least / coverage, 0.0, 1.0), 0.0)

    mean_offset = counts[rs.OFFSET_SUM] / np.maximum(n_main, 1)
    dom_start = np.take_along_axis(dominant, counts[rs.MAIN_CLASS, :, None], axis=1)[:, 0]
    on_hour = np.where(has, ((dom_start + mean_offset) * slot_hours) % 24.0, np.nan)
    hours_on = medians[rs.MAIN_LENGTH] * slot_hours
    length_steadiness = np.where(has, counts[rs.N_STEADY] / np.maximum(n_main, 1), 0.0)
    step_cv, weekday_spread = _day_to_day(medians, weekday_edges)

    lamp_kw, contrast, edge_share, sharpness, roughness = (medians[rs.EDGE_KW + f] for f in range(5))
    persistence = 1.0 - np.exp(-n_block / persist_days)
    contrast_half, sharpness_half, roughness_half, weekday_half, step_cv_half = halves
    credit = [np.nan_to_num(v / (v + half)) for v, half in zip((contrast, sharpness), (contrast_half, sharpness_half))]
    shape = np.clip(np.nan_to_num(edge_share), 0.0, 1.0) * credit[0] * credit[1]
    flat = np.nan_to_num(roughness_half / (roughness_half + np.maximum(roughness, 0.0)))
    same_every_day = np.nan_to_num(weekday_half / (weekday_half + weekday_spread), nan=1.0)
    constant_kw = np.nan_to_num(step_cv_half / (step_cv_half + np.maximum(step_cv, 0.0)))
    lamp_like = flat * same_every_day * constant_kw * length_steadiness
    no_cycle_days, no_cycle_keep = no_cycle
    acyclic = runs_without_cycle(first, last, counts[rs.N_GAP], counts[rs.SWITCH], no_cycle_days)
    cycling = np.where(acyclic, no_cycle_keep, 1.0)
    score = np.where(has, persistence * coverage * weekly * shape * lamp_like * cycling, 0.0)
    return {
        "score": score,
        "lamp_kw": lamp_kw,
        "on_hour": on_hour,
        "hours_on": hours_on,
        "n_block_days": n_block,
        "first_block_day": first,
        "last_block_day": last,
        "n_gap_days": counts[rs.N_GAP],
        "coverage": coverage,
        "weekly_balance": weekly,
        "contrast": contrast,
        "edge_share": edge_share,
        "sharpness": sharpness,
        "roughness": roughness,
        "length_steadiness": length_steadiness,
        "step_cv": step_cv,
        "weekday_spread": weekday_spread,
    }


def _day_to_day(medians, weekday_edges):
    """How steady the lamp kW is over the main-class block days: the step's robust relative spread beyond the
    background level's own spread, and the largest deviation of one weekday's median edge jump from the median
    edge jump (edges are measured next to the switch, so a household's weekend shape moves them little)."""
    main_step = medians[rs.MAIN_STEP]
    with np.errstate(invalid="ignore", divide="ignore"):
        base_dev = medians[rs.BASE_DEVIATION] / main_step
        deviation = np.abs(weekday_edges / medians[rs.MAIN_EDGE, :, None] - 1.0)
    spread = np.max(np.where(np.isnan(deviation), -np.inf, deviation), axis=1)
    return MAD_TO_SD * (medians[rs.STEP_DEVIATION] - base_dev), np.where(np.isfinite(spread), spread, np.nan)


def block_season(year_repeat, back_after_dark, one_season) -> np.ndarray:
    """How surely a block is a season's appliance (module doc: seasons): its year repeat, or 1 where it came back
    after a dark season or ran one season without cycling and stopped."""
    return np.maximum.reduce([np.asarray(year_repeat, dtype=np.float64),
                              np.asarray(back_after_dark, dtype=np.float64), np.asarray(one_season, dtype=np.float64)])


def season_of(result: PhotoperiodResult, rows=slice(None)) -> np.ndarray:
    """block_season of a photoperiod result's meters `rows` (an index or a mask; default every meter)."""
    return block_season(result.year_repeat[rows], result.back_after_dark[rows], result.one_season[rows])


def seasons_kept(season, seasonal_keep: float = SEASONAL_KEEP) -> np.ndarray:
    """The share of the lamp score a block keeps for coming back with its season (block_season, module doc)."""
    return 1.0 - (1.0 - seasonal_keep) * np.asarray(season, dtype=np.float64)


def seasons_kept_beyond(season, own) -> np.ndarray:
    """The further share a block's lamp score keeps for a season surer than its own, which the score already
    took (seasons_kept of the larger over seasons_kept of its own; 1 where the season is no surer)."""
    own = np.asarray(own, dtype=np.float64)
    return seasons_kept(np.maximum(season, own)) / seasons_kept(own)


def runs_without_cycle(first_block_day, last_block_day, n_gap_days, switch_day,
                       no_cycle_days: int = NO_CYCLE_DAYS, pause_days: int = 0) -> np.ndarray:
    """Per meter: the block ran at least no_cycle_days, first to last day, with neither a switch nor a harvest gap
    (module doc: cycling); gaps of pause_days dark days in all are allowed (one_season's pause)."""
    first = np.asarray(first_block_day)
    span = np.asarray(last_block_day) - first + 1
    return ((first >= 0) & (span >= no_cycle_days) & (np.asarray(n_gap_days) <= pause_days)
            & (np.asarray(switch_day) < 0))
