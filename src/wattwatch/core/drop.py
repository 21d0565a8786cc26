"""Theft / bypass: a lasting fall of a meter's daily use, or a stuck (flat or zero) meter, after normal use.

Method, per meter, vectorised over the rows of a meters x days kWh matrix (NaN = day not observed):

0. Evidence series. Days flagged `zero_days` (all readings zero and flagged zero_as_missing by ingestion) are a
   probable data gap when the run is short, but a stuck-at-zero or bypassed meter looks exactly the same. A run of
   at least FLAT_MIN_DAYS consecutive flagged days therefore counts as days of 0 kWh (evidence); shorter flagged runs
   stay missing. Days that are NaN without the flag are genuine gaps and never evidence: they break flat runs.
1. Change day: the split k with the most negative two-segment statistic (core.increase.split_statistic) on
   log1p(kWh) over the LOCAL_DAYS calendar days on each side (at least `min_history_days` observed days before
   k in all and `min_after_days` after). Local windows keep a slow seasonal swing from outweighing a sharp step.
2. Robust measures in those windows (raw kWh/day, medians): level before/after, lost kW = (before - after) / 24,
   ratio = after / before, z = (before - after) / spread with spread = 1.4826 * MAD of the days before (floored).
3. Persistence on 7-day medians (core.runs.week_medians: weekly cycles and single bad days wash out): share of the
   whole weeks after k whose median is still low, i.e. below after + STILL_LOW * (before - after), and `recent` =
   the same share over the last RECENT_WEEKS of them. A 1-3 week vacation or a slowdown that comes back to the old
   level fails one or the other; a season's upswing on top of the lower level does not.
4. Season, with a year of history: post-change days whose day 52 weeks earlier (a few weeks fewer on data of about
   a year: core.year_ago) lies before the change are compared with those year-ago days (median to median):
   yoy_ratio = now / a year ago, and season_share = log(yoy_ratio) / log(ratio) in [0, 1] (both floored at
   LOG_FLOOR), the share of the fall, as a factor, that last year did not have. A dip that repeats last year's (a
   closed month, a summer without heating) gets ~0; without year-ago data it is 1. As factors, not kWh: a bypass
   takes a share of the supply, and a year's data pair their last weeks with their first, often another season
   than the change's (a heat pump home's fall in spring measured against its summer weeks).
5. Peers: peer_ratio = level_after / peer_level. A fall to far below what similar premises use is more suspicious
   than a fall to a normal level (new tenants, a smaller household): peer weight = PEER_FLOOR + (1 - PEER_FLOOR) /
   (1 + (peer_ratio / PEER_HALF)^2), about 0.92 at 0.2, 0.38 at 1.0; unknown peers count as peer_ratio = PEER_HALF.
6. Flat runs: a day links to the previous one when both are observed and equal (relative tolerance FLAT_RTOL, also
   after the 23/24 or 25/24 scaling of a DST day: a stuck register reads the same per hour), or both are below
   TINY_KWH (a meter stuck near zero). The longest chain of links is the flat run (flat_days, flat_start). It is
   evidence only on a meter with prior normal use: >= FLAT_PRIOR_DAYS observed days before it, of which at most half
   are themselves flat, with a median >= MIN_PRIOR_KWH. Its score:
       (1 - exp(-(flat_days - FLAT_MIN_DAYS + 1) / FLAT_SCALE_DAYS))   [0 below FLAT_MIN_DAYS]
     * clip(1 - flat_level / prior_level, 0, 1)                       a stuck meter reads less than the premises use
     * RETURN_WEIGHT if the meter came back to its old level afterwards (a replaced meter, or a gap written as zeros)
     * FLAGGED_WEIGHT if most run days were flagged zero_as_missing (ingestion thought them a gap)
   A miner that is flat all along has no non-flat history and no lower level, so it scores 0 here.
7. Score in [0, 1]:
       drop  = (1 - exp(-z / Z_SCALE)) * (1 - ratio) * (1 - exp(-lost_kw / KW_SCALE))
               * clip(2 persistence - 1, 0, 1) * clip(2 recent - 1, 0, 1) * season_share * peer weight
       either = 1 - (1 - drop) * (1 - flat)                 a drop or a stuck meter, either is evidence
       score  = 1 - (1 - either) ** (1 + BLOCK_GAIN)       when the drop coincides with a lighting block, else either
   coincides_with_block: the drop's change day is within BLOCK_WINDOW_DAYS of the first block day, or at least
   BLOCK_MIN_DAYS block days, and BLOCK_MIN_SHARE of the observed days, lie after the change (lamps still burn on a
   meter whose level fell: the rest of the premises is bypassed).
8. Shape (only with `kw_hourly`): shape_similarity = 1 - half the L1 distance between the mean daily profiles
   (each normalised to sum 1) before and after the change. Near 1: every circuit scaled down alike (a partial bypass
   of the whole supply); lower: a circuit with its own time pattern left the meter. Reported, not scored (new
   tenants change the shape too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.increase import MAD_TO_SIGMA, MIN_LEVEL_KWH, MIN_REL_SPREAD, T_EPS, candidate_days
from wattwatch.core.kernels.drop_runs import best_drop_splits, evidence_days, flat_runs, shape_similarities
from wattwatch.core.kernels.medians import window_medians, year_ago_medians
from wattwatch.core.runs import first_true, weeks_below
from wattwatch.core.year_ago import MIN_YEAR_PAIRS, year_lag

MIN_HISTORY_DAYS = 42  # six weeks of normal use define the old level
MIN_AFTER_DAYS = 28  # four weeks after: a 1-3 week vacation at the very end is not yet a sustained drop
LOCAL_DAYS = 56  # eight weeks each side of a candidate: a robust level, yet short against a season's swing
MIN_WEEK_DAYS = 4  # a 7-day median needs four observed days
RECENT_WEEKS = 4  # "still low now": the last month after the change
# A week is still low below 3/4 of the way back up: a return to the old level is a return, while a season's swing of
# up to a third on top of a halved level is not
STILL_LOW = 0.75
# z of 2 gives 0.63 (core.increase uses 4): a fall is bounded by the old level, so even a total loss is only about
# three spreads on a noisy household
Z_SCALE = 2.0
# 0.1 kW around the clock (2.4 kWh/day) lost gives 0.63: household thefts are small. The factor only keeps a fall of
# a few watts (an empty flat's standby) down; the fall's size relative to the old level and to its noise is what
# tells a theft. At 0.25 kW a third of a 0.5 kW household stolen scored half a big building's seasonal dip: theft AP
# rose on all three quality datasets at 0.1 (mean 0.836 -> 0.855; simulator seed 7: 0.80 -> 0.86).
KW_SCALE = 0.1
PEER_FLOOR = 0.15  # a fall to a normal peer level keeps some weight: a thief can be a heavy user
PEER_HALF = 0.6  # peer_ratio where the peer factor is half-way down
LOG_FLOOR = 0.05  # a fall to 5 % of the old level is as total as a fall gets; keeps log(0) out
FLAT_MIN_DAYS = 7  # a week of identical days; ingestion already treats hours-long zero runs as gaps
FLAT_SCALE_DAYS = 14.0
FLAT_RTOL = 2e-3  # identical to 0.2 %: far below day-to-day variation of any premises with people or machines
DST_RATIOS = (1.0, 23 / 24, 24 / 23, 25 / 24, 24 / 25)  # a stuck register's daily total on a 23 h or 25 h day
TINY_KWH = 0.25  # below 10 W around the clock: less than a fridge, a meter stuck near zero
FLAT_PRIOR_DAYS = 28
MIN_PRIOR_KWH = 1.0  # prior normal use: at least 1 kWh/day
RETURN_DAYS = 28  # the days after a flat run that show whether the old level came back
RETURN_WEIGHT = 0.6
FLAGGED_WEIGHT = 0.75
BLOCK_WINDOW_DAYS = 14
BLOCK_MIN_DAYS = 7
BLOCK_MIN_SHARE = 0.25  # ... and on a quarter of the observed days after it: a grow lights most days, while a few
# block-like days of a building's own schedule late in the series are no lamps burning past a bypass
BLOCK_GAIN = 1.0  # squares the miss probability: 0.3 -> 0.51, 0.6 -> 0.84
HOURLY_CHUNK = 512  # rows per hourly profile chunk: bounds a float64 copy of a float32 [rows, days, 24] profile


@dataclass(frozen=True)
class DropResult:
    """Per meter (one entry per row of the input); levels in kWh/day, powers in kW, days as day indices."""

    score: np.ndarray  # float64 in [0, 1]
    drop_score: np.ndarray  # the drop part (step 7)
    flat_score: np.ndarray  # the flat/zero run part (step 6)
    change_day: np.ndarray  # int64 first day after the fall, -1 if none
    level_before: np.ndarray
    level_after: np.ndarray
    lost_kw: np.ndarray
    ratio: np.ndarray  # level_after / level_before
    persistence: np.ndarray  # share of whole weeks after the change that are still low (module doc, step 3)
    recent: np.ndarray  # the same share over the last RECENT_WEEKS weeks
    n_days_after: np.ndarray  # int64 observed days after the change
    yoy_ratio: np.ndarray  # level after / same days a year earlier (core.year_ago); NaN without year-ago data
    season_share: np.ndarray  # share of the fall that last year did not have (1 without year-ago data)
    peer_ratio: np.ndarray  # level_after / peer_level; NaN when unknown
    flat_days: np.ndarray  # int64 longest flat/zero run (days), 0 if none
    flat_start: np.ndarray  # int64 its first day, -1 if none
    flat_level: np.ndarray  # kWh/day median over the run
    flat_prior_level: np.ndarray  # kWh/day median of the observed days before the run
    flat_returned: np.ndarray  # bool: the old level came back after the run
    flat_flagged_share: np.ndarray  # share of run days flagged zero_as_missing
    coincides_with_block: np.ndarray  # bool
    shape_similarity: np.ndarray  # [0, 1]; NaN without kw_hourly or without a change


def sustained_drop(
    kwh_daily: np.ndarray,
    *,
    peer_level: np.ndarray | None = None,
    is_block: np.ndarray | None = None,
    zero_days: np.ndarray | None = None,
    kw_hourly: np.ndarray | None = None,
    shape_similarity: np.ndarray | None = None,
    min_history_days: int = MIN_HISTORY_DAYS,
    min_after_days: int = MIN_AFTER_DAYS,
    year_days: int | None = None,
    block_rows: int = 8192,
) -> DropResult:
    """Theft evidence per row of `kwh_daily` (float[m, d]); see the module doc. Optional: `peer_level` float[m]
    (kWh/day of a typical peer, NaN unknown), `is_block` bool[m, d] (photoperiod block days), `zero_days` bool[m, d]
    (days flagged zero_as_missing), and step 8's shape from `kw_hourly` float[m, d, 24] or already measured by
    `drop_shape_similarity` (`shape_similarity` float[m], the streaming scan's way); `year_days`, the season check's
    lag (default core.year_ago.year_lag of the number of days). Rows go in blocks of `block_rows`."""
    x = np.asarray(kwh_daily)  # float64 block by block: a float32 input (the night series) is not copied whole
    if x.ndim != 2:
        raise ValueError(f"kwh_daily must be 2-D (meters x days), got shape {x.shape}")
    m, d = x.shape
    peer = np.full(m, np.nan) if peer_level is None else np.asarray(peer_level, dtype=np.float64)
    block = np.zeros((m, d), bool) if is_block is None else np.asarray(is_block, dtype=bool)
    zeros = np.zeros((m, d), bool) if zero_days is None else np.asarray(zero_days, dtype=bool)
    for name, arr, shape in (("peer_level", peer, (m,)), ("is_block", block, (m, d)), ("zero_days", zeros, (m, d))):
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if kw_hourly is not None and np.shape(kw_hourly) != (m, d, 24):
        raise ValueError(f"kw_hourly must have shape {(m, d, 24)}, got {np.shape(kw_hourly)}")
    params = (min_history_days, min_after_days, year_lag(d) if year_days is None else year_days)
    parts = []
    for i in range(0, max(m, 1), block_rows):
        rows = slice(i, i + block_rows)
        hourly = None if kw_hourly is None else kw_hourly[rows]
        parts.append(_block(np.asarray(x[rows], dtype=np.float64), peer[rows], block[rows], zeros[rows], hourly,
                            *params))
    result = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    if shape_similarity is not None:
        result["shape_similarity"] = np.where(result["change_day"] >= 0, shape_similarity, np.nan)
    return DropResult(**result)


def drop_shape_similarity(
    kwh_daily: np.ndarray,
    zero_days: np.ndarray,
    kw_hourly: np.ndarray,
    min_history_days: int = MIN_HISTORY_DAYS,
    min_after_days: int = MIN_AFTER_DAYS,
) -> np.ndarray:
    """Step 8 alone, per meter from its own rows (the change day is step 1's, found again from the daily row): what
    a streaming scan measures chunk by chunk so the drop itself needs no hourly array. NaN without a change."""
    x = evidence_series(np.asarray(kwh_daily, dtype=np.float64), np.asarray(zero_days, dtype=bool))
    return _shape_similarity(kw_hourly, _best_drop_split(x, min_history_days, min_after_days))


def evidence_series(x: np.ndarray, zero_days: np.ndarray) -> np.ndarray:
    """kWh per day with flagged-zero runs of >= FLAT_MIN_DAYS days as 0 and shorter flagged runs as missing."""
    return evidence_days(np.asarray(x, dtype=np.float64), np.asarray(zero_days, dtype=bool), FLAT_MIN_DAYS)


def _best_drop_split(x: np.ndarray, min_history_days: int, min_after_days: int) -> np.ndarray:
    """Change day per row (-1 if none): the split with the most negative local statistic on log1p(kWh), searched
    per meter over running sums (core.kernels.drop_runs)."""
    m, d = x.shape
    ks = candidate_days(d, min_history_days, min_after_days, 1)
    if len(ks) == 0 or m == 0:
        return np.full(m, -1, dtype=np.int64)
    y = np.log1p(np.maximum(x, 0))
    return best_drop_splits(y, ks, LOCAL_DAYS, min_history_days, min_after_days, T_EPS)


def _year_ago(x, kk, year_days):
    """Medians of the post-change days (from day kk) whose day `year_days` earlier was observed before the change,
    and of those year-ago days; NaN where they are fewer than MIN_YEAR_PAIRS."""
    now, ago, n_pairs = year_ago_medians(x, kk, year_days)
    enough = n_pairs >= MIN_YEAR_PAIRS
    return np.where(enough, now, np.nan), ago


def _flat_run(x, zero_days):
    """The longest flat/zero run per row and its score parts (module doc, step 6), measured per meter
    (core.kernels.drop_runs)."""
    counts, levels = flat_runs(x, zero_days, np.asarray(DST_RATIOS), FLAT_RTOL, TINY_KWH, RETURN_DAYS)
    flat_days, start, n_prior, n_prior_flat, n_flagged = counts.T
    level, prior_level, after_level = levels.T
    returned = after_level >= (level + prior_level) / 2
    flagged = n_flagged / np.maximum(flat_days, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        level_term = np.clip(1 - level / prior_level, 0, 1)
        usable = (
            (n_prior >= FLAT_PRIOR_DAYS)
            & (n_prior_flat <= n_prior / 2)
            & (prior_level >= MIN_PRIOR_KWH)
            & (flat_days >= FLAT_MIN_DAYS)
        )
    length_term = 1 - np.exp(-(flat_days - FLAT_MIN_DAYS + 1) / FLAT_SCALE_DAYS)
    weight = np.where(returned, RETURN_WEIGHT, 1.0) * np.where(flagged > 0.5, FLAGGED_WEIGHT, 1.0)
    score = np.where(usable, np.nan_to_num(length_term * level_term * weight), 0.0)
    return {
        "flat_score": score,
        "flat_days": flat_days.astype(np.int64),
        "flat_start": start.astype(np.int64),
        "flat_level": np.where(flat_days > 0, level, np.nan),
        "flat_prior_level": np.where(flat_days > 0, prior_level, np.nan),
        "flat_returned": returned & (flat_days > 0),
        "flat_flagged_share": flagged,
    }


def _shape_similarity(kw_hourly, split):
    """1 - half the L1 distance of the normalised mean daily profiles before and from the change day `split` (-1:
    none, NaN) (module doc, step 8), compiled per meter (core.kernels.drop_runs.shape_similarities)."""
    chunks = range(0, len(split), HOURLY_CHUNK)
    out = [shape_similarities(np.asarray(kw_hourly[i : i + HOURLY_CHUNK], dtype=np.float64),
                              np.asarray(split[i : i + HOURLY_CHUNK], dtype=np.int64)) for i in chunks]
    return np.concatenate(out) if out else np.zeros(0)


def _block(raw, peer, is_block, zero_days, kw_hourly, min_history_days, min_after_days, year_days):
    m, d = raw.shape
    x = evidence_series(raw, zero_days)
    k = _best_drop_split(x, min_history_days, min_after_days)
    has = k >= 0
    kk = np.where(has, k, d)
    day = np.arange(d)[None, :]
    observed = np.isfinite(x)
    after = day >= kk[:, None]
    level_before = window_medians(x, kk - LOCAL_DAYS, kk)  # the LOCAL_DAYS before the change
    level_after = window_medians(x, kk, kk + LOCAL_DAYS)
    mad = window_medians(np.abs(x - level_before[:, None]), kk - LOCAL_DAYS, kk)
    spread = np.maximum(MAD_TO_SIGMA * mad, np.maximum(MIN_REL_SPREAD * level_before, MIN_LEVEL_KWH))
    fall = level_before - level_after
    ratio = level_after / np.maximum(level_before, MIN_LEVEL_KWH)
    persistence, recent = weeks_below(x, kk, level_after + STILL_LOW * fall, MIN_WEEK_DAYS, RECENT_WEEKS)

    level_now, level_ago = _year_ago(x, kk, year_days)
    yoy = np.isfinite(level_now) & has
    yoy_ratio = level_now / np.maximum(level_ago, MIN_LEVEL_KWH)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(np.log(np.maximum(yoy_ratio, LOG_FLOOR)) / np.log(np.maximum(ratio, LOG_FLOOR)), 0.0, 1.0)
        peer_ratio = level_after / peer
    season_share = np.where(yoy, np.where(fall > 0, share, 0.0), 1.0)
    peer_known = np.isfinite(peer_ratio) & (peer > 0)
    effective_ratio = np.where(peer_known, np.maximum(peer_ratio, 0), PEER_HALF)
    peer_weight = PEER_FLOOR + (1 - PEER_FLOOR) / (1 + (effective_ratio / PEER_HALF) ** 2)

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        drop = (
            (1 - np.exp(-np.maximum(fall / spread, 0) / Z_SCALE))
            * (1 - np.clip(ratio, 0.0, 1.0))  # the share of the use that vanished
            * (1 - np.exp(-np.maximum(fall / 24.0, 0) / KW_SCALE))
            * np.clip(2 * persistence - 1, 0, 1)
            * np.clip(2 * recent - 1, 0, 1)
            * season_share
            * peer_weight
        )
    drop = np.where(has, np.nan_to_num(drop), 0.0)
    flat = _flat_run(x, zero_days)

    first_block = first_true(is_block)
    near_first = (first_block >= 0) & (np.abs(k - first_block) <= BLOCK_WINDOW_DAYS)
    n_after = (after & observed).sum(axis=1)
    lamps_after = np.sum(is_block & after, axis=1) >= np.maximum(BLOCK_MIN_DAYS, BLOCK_MIN_SHARE * n_after)
    coincides = has & (drop > 0) & (near_first | lamps_after)
    either = 1 - (1 - drop) * (1 - flat["flat_score"])
    score = np.where(coincides, 1 - (1 - either) ** (1 + BLOCK_GAIN), either)

    similarity = np.full(m, np.nan)
    if kw_hourly is not None:
        similarity = _shape_similarity(kw_hourly, np.where(has, k, -1))
    nan = np.nan
    return {
        "score": np.clip(score, 0.0, 1.0),
        "drop_score": drop,
        "flat_score": flat["flat_score"],
        "change_day": k.astype(np.int64),
        "level_before": np.where(has, level_before, nan),
        "level_after": np.where(has, level_after, nan),
        "lost_kw": np.where(has, fall / 24.0, nan),
        "ratio": np.where(has, ratio, nan),
        "persistence": np.where(has, persistence, nan),
        "recent": np.where(has, recent, nan),
        "n_days_after": np.where(has, n_after, 0).astype(np.int64),
        "yoy_ratio": np.where(yoy, yoy_ratio, nan),
        "season_share": np.where(has, season_share, nan),
        "peer_ratio": np.where(has & peer_known, peer_ratio, nan),
        **{key: value for key, value in flat.items() if key != "flat_score"},
        "coincides_with_block": coincides,
        "shape_similarity": similarity,
    }
