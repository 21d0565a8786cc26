"""Feeder energy balance: energy that enters a feeder but reaches no meter, over time, and who explains its rise.

Method, vectorised over feeders and members (no loop per feeder or meter):

1. Members' metered sum per feeder-day. A member silent for SILENT_DAYS or more in a row (meter removed, stopped
   or not yet installed) counts as drawing nothing on those days: if the premises still draws power, the feeder
   shows it as unmetered energy, and that member can then be named as its explanation. Shorter gaps are filled by
   scaling: sum of the observed members / coverage, where coverage = the share of the feeder's typical metered energy
   (members' median kWh/day) observed that day, so one missing factory weighs more than one missing flat. Days with
   coverage below MIN_COVERAGE, or without a feeder reading, are unknown (NaN).
2. Unmetered u = feeder - members. Its normal part is technical loss, which grows with load (resistive losses go
   with the square of the current): baseline = a * F + b * F^2 / median(F), fitted by least squares per feeder.
   The fit uses all known days, then is refitted on the days before the change found (step 3), so a theft does not
   inflate its own baseline; the excess e = u - baseline.
3. Change: the split with the largest rise of e (the two-segment statistic of core.increase on raw kWh), at least
   `min_history_days` known days before and `min_after_days` after. excess_kwh_per_day = median(e after) -
   median(e before); excess_share = that / median feeder energy after; loss shares = median(u / F) before and after;
   persistence / recent = shares of whole weeks after (all, and the last RECENT_WEEKS) whose median e is above the
   midpoint (core.runs.weeks_below). The feeder score in [0, 1]:
       (1 - exp(-z / Z_SCALE)) * (1 - exp(-excess_share / SHARE_SCALE)) * clip(2 persistence - 1) * clip(2 recent - 1)
   with z = excess / spread (1.4826 * MAD of e before, floored). Flat losses: z, persistence and the score stay low.
4. Attribution, for each member of a feeder with a change at k, over ATTRIBUTION_DAYS on each side of k:
   drop = median(member before) - median(member after) (a silent member's after is 0: its whole level vanished);
   match = min(drop, excess) / max(drop, excess) (a thief's metered loss is the feeder's gain; a household that moved
   out drops far more than the excess); timing = Pearson correlation of -member with e over the window (the member
   fell on the days the excess rose). feeder_score = feeder score * match * clip(timing, 0, 1);
   explained_kwh_per_day = clip(drop, 0, excess); explained_share = that / excess.
5. Hourly excess (optional, with both hourly inputs): the same balance per hour (kW), minus the day's modelled loss
   spread over its hours in proportion to the feeder's load, minus the excess's own median hourly profile before the
   change (what the loss model gets wrong about the shape of a day, e.g. resistive losses peaking with the evening
   load, repeats every day and would pass for a block) is run through the grow-light detector (core.photoperiod): a
   whole-premises bypass of a grow shows no metered change but a daily 18 h or 12 h block in the feeder's excess.
   A grow already running before the feeder's change day is part of that profile and is not seen here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.increase import MAD_TO_SIGMA, T_EPS, candidate_days, split_statistic
from wattwatch.core.photoperiod import detect_photoperiod
from wattwatch.core.runs import run_lengths, weeks_below

SILENT_DAYS = 14  # two weeks without a reading: not a transmission hiccup but a meter that is gone or stopped
MIN_COVERAGE = 0.9  # a day needs 90 % of the typical metered energy observed; scaling more would invent the excess
MIN_HISTORY_DAYS = 42
MIN_AFTER_DAYS = 28
MIN_WEEK_DAYS = 4
RECENT_WEEKS = 4
Z_SCALE = 4.0  # as core.increase: an excess of 4 spreads gives 0.63
SHARE_SCALE = 0.01  # 1 % of the feeder's energy gives 0.63: technical losses themselves are 2-6 %
MIN_SPREAD_SHARE = 0.002  # spread floor: a feeder meter's own noise is ~0.2 % of its energy
RIDGE = 1e-9  # keeps the 2 x 2 loss fit solvable on a feeder whose load never varies
ATTRIBUTION_DAYS = 56  # eight weeks each side: long enough for a robust level, short enough to stay near k
GROUP_CHUNK = 4096  # members per chunk of the per-feeder sums: bounds the [rows, days, 24] temporaries
MEMBER_ROWS = 8192  # members per attribution block: a dozen [rows, days] temporaries stay near 300 MB


@dataclass(frozen=True)
class FeederResult:
    """Per feeder [f] and per member meter [m] arrays; kWh/day unless noted, days as day indices."""

    score: np.ndarray  # [f] float in [0, 1]: a lasting rise of unexplained energy
    change_day: np.ndarray  # [f] int64, -1 if none
    excess_kwh_per_day: np.ndarray  # [f]
    excess_share: np.ndarray  # [f] excess / feeder energy after the change
    loss_share_before: np.ndarray  # [f] median unmetered / feeder energy before the change (all days if none)
    loss_share_after: np.ndarray  # [f]
    persistence: np.ndarray  # [f]
    recent: np.ndarray  # [f]
    unmetered: np.ndarray  # [f, d] feeder - members, NaN on unknown days
    excess: np.ndarray  # [f, d] unmetered - technical-loss baseline
    block_score: np.ndarray  # [f] grow-light score of the hourly excess; NaN without hourly inputs
    block_kw: np.ndarray  # [f]
    block_hours: np.ndarray  # [f]
    block_on_hour: np.ndarray  # [f]
    block_first_day: np.ndarray  # [f] int64, -1 if none
    feeder_score: np.ndarray  # [m] float in [0, 1]: how well this member explains its feeder's excess
    explained_kwh_per_day: np.ndarray  # [m]
    explained_share: np.ndarray  # [m]
    member_drop_kwh_per_day: np.ndarray  # [m] the member's level change across the feeder change (+ = fell)
    timing: np.ndarray  # [m] correlation of -member with the feeder excess around the change
    feeder_change_day: np.ndarray  # [m] int64 its feeder's change day, -1 if none or no feeder


def feeder_balance(
    feeder_kwh: np.ndarray,
    member_kwh: np.ndarray,
    member_feeder: np.ndarray,
    *,
    feeder_kw_hourly: np.ndarray | None = None,
    member_kw_hourly: np.ndarray | None = None,
    member_hourly_sums: tuple[np.ndarray, np.ndarray] | None = None,
    min_history_days: int = MIN_HISTORY_DAYS,
    min_after_days: int = MIN_AFTER_DAYS,
) -> FeederResult:
    """Energy balance of every feeder (rows of `feeder_kwh` float[f, d]) against its members (rows of `member_kwh`
    float[m, d] with `member_feeder` int[m] = feeder row or -1); see the module doc. Step 5 takes the members'
    hourly kW either whole (`member_kw_hourly` [m, d, 24]) or already summed per feeder (`member_hourly_sums`, the
    sum over chunks of members of `hourly_member_sums`: a streaming scan never holds every member's hours)."""
    feeder = np.asarray(feeder_kwh, dtype=np.float64)
    member = np.asarray(member_kwh, dtype=np.float64)
    group = np.asarray(member_feeder, dtype=np.int64)
    if feeder.ndim != 2 or member.ndim != 2 or feeder.shape[1] != member.shape[1]:
        raise ValueError(f"feeder_kwh [f, d] and member_kwh [m, d] must share d, got {feeder.shape}, {member.shape}")
    f, d = feeder.shape
    if group.shape != (member.shape[0],) or np.any(group >= f) or np.any(group < -1):
        raise ValueError(f"member_feeder must be int[{member.shape[0]}] in [-1, {f}), got shape {group.shape}")
    if member_kw_hourly is not None and np.shape(member_kw_hourly) != (len(member), d, 24):
        raise ValueError("member_kw_hourly must be [m, d, 24]")
    if member_kw_hourly is not None and member_hourly_sums is None:
        member_hourly_sums = hourly_member_sums(member, member_kw_hourly, group, f)
    hourly = feeder_kw_hourly is not None and member_hourly_sums is not None
    if hourly and (np.shape(feeder_kw_hourly) != (f, d, 24) or np.shape(member_hourly_sums[0]) != (f, d, 24)):
        raise ValueError("feeder_kw_hourly and the member hourly sums must be [f, d, 24]")

    silent, x, typical = _silent_filled(member)
    metered, coverage = _members_per_feeder(x, typical, group, f)
    with np.errstate(invalid="ignore", divide="ignore"):
        members_sum = np.where(coverage >= MIN_COVERAGE, metered / coverage, np.nan)
    unmetered = feeder - members_sum
    feeder_ok = np.isfinite(unmetered) & (feeder > 0)
    unmetered = np.where(feeder_ok, unmetered, np.nan)

    scale = np.maximum(np.nan_to_num(row_median(np.where(feeder_ok, feeder, np.nan))), T_EPS)
    everything = feeder_ok
    k = np.full(f, -1, np.int64)
    for _ in range(2):  # fit on all days, then refit on the days before the change found
        coef = _loss_fit(feeder, unmetered, scale, everything)
        excess = unmetered - _loss_baseline(coef, feeder, scale)
        k = _best_rise(excess, min_history_days, min_after_days)
        everything = feeder_ok & (np.arange(d)[None, :] < np.where(k >= 0, k, d)[:, None])
    summary = _summarise(feeder, unmetered, excess, k, scale)

    parts = [
        _attribute(x[i : i + MEMBER_ROWS], excess, group[i : i + MEMBER_ROWS], k, summary["excess_kwh_per_day"],
                   summary["score"])
        for i in range(0, max(len(x), 1), MEMBER_ROWS)
    ]
    attribution = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    with np.errstate(invalid="ignore", divide="ignore"):
        loss_rate = (unmetered - excess) / feeder
    blocks = None
    if hourly:
        total = group_sum(lambda i: typical[i], group, f, ())
        blocks = _hourly_blocks(feeder_kw_hourly, *member_hourly_sums, total, loss_rate, k)
    nan_f = np.full(f, np.nan)
    return FeederResult(
        **summary,
        unmetered=unmetered,
        excess=excess,
        block_score=nan_f if blocks is None else blocks.score,
        block_kw=nan_f if blocks is None else blocks.lamp_kw,
        block_hours=nan_f if blocks is None else blocks.hours_on,
        block_on_hour=nan_f if blocks is None else blocks.on_hour,
        block_first_day=np.full(f, -1, np.int64) if blocks is None else blocks.first_block_day,
        **attribution,
    )


def group_sum(rows_fn, group: np.ndarray, n_groups: int, shape_tail: tuple) -> np.ndarray:
    """Sum over members of each group of rows_fn(member indices) (one row per index), members with group -1 left
    out; chunked so that only GROUP_CHUNK rows of rows_fn are alive at a time."""
    out = np.zeros((n_groups, *shape_tail))
    order = np.argsort(group, kind="stable")
    order = order[group[order] >= 0]
    for i in range(0, len(order), GROUP_CHUNK):
        idx = order[i : i + GROUP_CHUNK]
        g = group[idx]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        out[g[starts]] += np.add.reduceat(rows_fn(idx), starts, axis=0)
    return out


def _members_per_feeder(x, typical, group, n_feeders):
    """Observed metered kWh per feeder-day and the share of the feeder's typical energy it covers."""
    d = x.shape[1]
    metered = group_sum(lambda i: np.nan_to_num(x[i]), group, n_feeders, (d,))
    covered = group_sum(lambda i: np.isfinite(x[i]) * typical[i, None], group, n_feeders, (d,))
    total = group_sum(lambda i: typical[i], group, n_feeders, ())
    with np.errstate(invalid="ignore", divide="ignore"):
        return metered, np.where(total[:, None] > 0, covered / total[:, None], 1.0)


def _loss_fit(feeder, unmetered, scale, use):
    """Least-squares (a, b) per feeder of unmetered ~ a F + b F^2 / scale over the days `use`."""
    g1 = np.where(use, feeder, 0.0) / scale[:, None]
    g2 = g1 * g1
    y = np.where(use, unmetered, 0.0) / scale[:, None]
    a11, a12, a22 = (g1 * g1).sum(1), (g1 * g2).sum(1), (g2 * g2).sum(1)
    b1, b2 = (g1 * y).sum(1), (g2 * y).sum(1)
    ridge = RIDGE * (a11 + a22 + 1.0)
    a11, a22 = a11 + ridge, a22 + ridge
    det = a11 * a22 - a12 * a12
    return np.stack([(a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det], axis=1)


def _loss_baseline(coef, feeder, scale):
    g1 = feeder / scale[:, None]
    return (coef[:, :1] * g1 + coef[:, 1:] * g1 * g1) * scale[:, None]


def _best_rise(e, min_history_days, min_after_days):
    """Change day per feeder (-1 if none): the split with the largest rise of the mean of e (raw kWh)."""
    f, d = e.shape
    ks = candidate_days(d, min_history_days, min_after_days, 1)
    if len(ks) == 0 or f == 0:
        return np.full(f, -1, np.int64)
    known = np.isfinite(e)
    centre = np.sum(np.where(known, e, 0.0), axis=1) / np.maximum(known.sum(axis=1), 1)
    zero = np.zeros((f, 1))
    cs = np.concatenate([zero, np.cumsum(np.where(known, e - centre[:, None], 0.0), axis=1)], axis=1)
    cn = np.concatenate([zero, np.cumsum(known, axis=1, dtype=np.float64)], axis=1)
    s1, n1 = cs[:, ks], cn[:, ks]
    rise = split_statistic(s1, n1, cs[:, -1:] - s1, cn[:, -1:] - n1)
    rise = np.where((n1 >= min_history_days) & (cn[:, -1:] - n1 >= min_after_days) & np.isfinite(rise), rise, -np.inf)
    best = np.argmax(rise, axis=1)
    return np.where(rise[np.arange(f), best] > T_EPS * (1 + np.abs(centre)), ks[best], -1).astype(np.int64)


def _summarise(feeder, unmetered, excess, k, scale):
    f, d = feeder.shape
    has = k >= 0
    after = np.arange(d)[None, :] >= np.where(has, k, d)[:, None]
    level_before = row_median(np.where(~after, excess, np.nan))
    level_after = row_median(np.where(after, excess, np.nan))
    mad = row_median(np.where(~after, np.abs(excess - level_before[:, None]), np.nan))
    spread = np.maximum(MAD_TO_SIGMA * np.nan_to_num(mad), MIN_SPREAD_SHARE * scale)
    rise = level_after - level_before
    with np.errstate(invalid="ignore", divide="ignore"):
        share = rise / row_median(np.where(after, feeder, np.nan))
        loss = unmetered / feeder
    persistence, recent = weeks_below(-excess, np.where(has, k, d), -(level_before + level_after) / 2,
                                      MIN_WEEK_DAYS, RECENT_WEEKS)
    with np.errstate(invalid="ignore", over="ignore"):
        score = (
            (1 - np.exp(-np.maximum(rise / spread, 0) / Z_SCALE))
            * (1 - np.exp(-np.maximum(share, 0) / SHARE_SCALE))
            * np.clip(2 * persistence - 1, 0, 1)
            * np.clip(2 * recent - 1, 0, 1)
        )
    nan = np.nan
    return {
        "score": np.where(has, np.nan_to_num(score), 0.0),
        "change_day": k,
        "excess_kwh_per_day": np.where(has, rise, nan),
        "excess_share": np.where(has, share, nan),
        "loss_share_before": row_median(np.where(~after, loss, nan)),
        "loss_share_after": np.where(has, row_median(np.where(after, loss, nan)), nan),
        "persistence": np.where(has, persistence, nan),
        "recent": np.where(has, recent, nan),
    }


def _attribute(x, excess, group, k, excess_kwh, feeder_score):
    """Per member: how well its fall at its feeder's change explains the excess (module doc, step 4)."""
    m, d = x.shape
    safe = np.maximum(group, 0)
    kk = np.where(group >= 0, k[safe], -1)
    has = kk >= 0
    day = np.arange(d)[None, :]
    before = has[:, None] & (day >= (kk - ATTRIBUTION_DAYS)[:, None]) & (day < kk[:, None])
    after = has[:, None] & (day >= kk[:, None]) & (day < (kk + ATTRIBUTION_DAYS)[:, None])
    drop = row_median(np.where(before, x, np.nan)) - row_median(np.where(after, x, np.nan))
    e = excess[safe]
    both = (before | after) & np.isfinite(x) & np.isfinite(e)
    n = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(both, x, 0.0).sum(axis=1) / n
        em = np.where(both, e, 0.0).sum(axis=1) / n
        dx = np.where(both, x - xm[:, None], 0.0)
        de = np.where(both, e - em[:, None], 0.0)
        timing = -(dx * de).sum(axis=1) / np.sqrt((dx * dx).sum(axis=1) * (de * de).sum(axis=1))
        target = excess_kwh[safe]
        match = np.minimum(drop, target) / np.maximum(drop, target)
        explained = np.clip(drop, 0.0, np.maximum(target, 0.0))
        share = explained / target
    valid = has & (target > 0) & (drop > 0)
    score = np.nan_to_num(feeder_score[safe] * match * np.clip(timing, 0.0, 1.0))
    return {
        "feeder_score": np.where(valid, score, 0.0),
        "explained_kwh_per_day": np.where(valid, explained, np.where(has, 0.0, np.nan)),
        "explained_share": np.where(valid, share, np.where(has & (target > 0), 0.0, np.nan)),
        "member_drop_kwh_per_day": np.where(has, drop, np.nan),
        "timing": np.where(has, timing, np.nan),
        "feeder_change_day": kk.astype(np.int64),
    }


def _silent_filled(member: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(silent days bool[m, d], the daily kWh with silent days as 0, each member's typical kWh/day): per member."""
    silent = run_lengths(~np.isfinite(member))[0] >= SILENT_DAYS
    x = np.where(silent, 0.0, member)
    return silent, x, np.nan_to_num(row_median(x))


def hourly_member_sums(
    member_kwh: np.ndarray, member_kw_hourly: np.ndarray, member_feeder: np.ndarray, n_feeders: int
) -> tuple[np.ndarray, np.ndarray]:
    """Step 5's member side per feeder [f, d, 24]: (metered kW, typical kWh/day of the members observed that hour);
    silent member-days draw 0. Sums over members, so chunks of members can be summed."""
    member = np.asarray(member_kwh, dtype=np.float64)
    group = np.asarray(member_feeder, dtype=np.int64)
    silent, _, typical = _silent_filled(member)
    d = member.shape[1]

    def rows(i):
        return np.where(silent[i, :, None], 0.0, np.asarray(member_kw_hourly[i], dtype=np.float64))

    metered = group_sum(lambda i: np.nan_to_num(rows(i)), group, n_feeders, (d, 24))
    covered = group_sum(lambda i: np.isfinite(rows(i)) * typical[i, None, None], group, n_feeders, (d, 24))
    return metered, covered


def _hourly_blocks(feeder_kw_hourly, metered, covered, total, loss_rate, k):
    """Grow-light evidence in each feeder's hourly excess (module doc, step 5). `metered`, `covered` [f, d, 24] from
    hourly_member_sums, `total` [f] the members' typical kWh/day, `loss_rate` [f, d] the modelled loss per kWh of
    feeder energy."""
    feeder_h = np.asarray(feeder_kw_hourly, dtype=np.float64)
    f, d, _ = feeder_h.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(total[:, None, None] > 0, covered / total[:, None, None], 1.0)
        members = np.where(coverage >= MIN_COVERAGE, metered / coverage, np.nan)
    excess = feeder_h - members - feeder_h * loss_rate[:, :, None]
    before = np.arange(d)[None, :] < np.where(k >= 0, k, 0)[:, None]
    profile = row_median(np.where(before[:, :, None], excess, np.nan).transpose(0, 2, 1))
    return detect_photoperiod(excess - np.nan_to_num(profile)[:, None, :], 1.0)
