"""Look-alike evidence: naive twins of the measures on nasty inputs, then separation on a synthetic population.

The synthetic population is hourly, 420 local days from 2023-06-01 (a Thursday) so a winter sits in the middle:
households and businesses with weekly and seasonal cycles, day-to-day and hour-to-hour noise and appliance spikes,
plus planted crypto, EV, night shifts, heating, business growth, greenhouses, pool pumps (both summers) and grow
lights (18/6 then 12/12 at a fixed clock time, harvest gaps, minutes of jitter). Block edges fall inside hours, as a
real meter sees them.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from wattwatch.core.lookalike_events import EV_MAX_HOURS, EV_MIN_KW, ev_sessions, night_shift
from wattwatch.core.lookalike_profiles import added_load, energy_window_hours, peer_excess, periods
from wattwatch.core.lookalike_season import population_curve, season_measures
from wattwatch.core.lookalikes import MARKED_MIN_SCORE, NAMES, lamp_days, lookalike_evidence
from wattwatch.core.peers import peer_outlier
from wattwatch.core.photoperiod import detect_photoperiod, season_of

N_DAYS = 420
FIRST_WEEKDAY = 3
HOURS = np.arange(24) + 0.5


# ---------------------------------------------------------------- synthetic population
def temperature(rng: np.random.Generator) -> np.ndarray:
    """Daily mean temperature [d]: warm start (June), cold middle, AR(1) weather anomalies."""
    day = np.arange(N_DAYS)
    anomaly = np.zeros(N_DAYS)
    for i in range(1, N_DAYS):
        anomaly[i] = 0.8 * anomaly[i - 1] + rng.normal(0, 1.5)
    return 15.5 - 9.5 * np.cos(2 * np.pi * (day + 150 - 15) / 365.0) + anomaly


def _bump(centre, width):
    dist = (HOURS - centre + 12.0) % 24.0 - 12.0
    return np.exp(-0.5 * (dist / width) ** 2)


def coverage(start_h: np.ndarray, dur_h: np.ndarray) -> np.ndarray:
    """[d, 24] share of each local hour covered by a block starting at start_h (hours, per day) lasting dur_h;
    a block that passes midnight continues into the next day."""
    edges = np.arange(25.0)
    out = np.zeros((len(start_h), 24))
    prev_start = np.r_[np.nan, start_h[:-1]] - 24.0
    prev_dur = np.r_[0.0, dur_h[:-1]]
    for a, du in ((start_h, dur_h), (prev_start, prev_dur)):
        lo, hi = a[:, None], (a + du)[:, None]
        out += np.nan_to_num(np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0, 1))
    return np.minimum(out, 1.0)


def weekday_of(day):
    return (FIRST_WEEKDAY + day) % 7


def household(rng, temp):
    level = rng.uniform(0.25, 1.2)
    wd = 0.3 + 0.7 * _bump(rng.uniform(6.5, 8), 0.9) + 1.3 * _bump(rng.uniform(18.5, 21), rng.uniform(1.4, 2.4))
    we = 0.35 + 0.6 * _bump(rng.uniform(9, 10.5), 1.4) + 0.4 * _bump(14, 3) + 1.2 * _bump(20, 2)
    day = np.arange(N_DAYS)
    shape = np.where((weekday_of(day) >= 5)[:, None], we, wd) / wd.mean()
    season = 1 + rng.uniform(0.1, 0.3) * np.clip((14 - temp) / 10, -0.5, 1.5)
    x = level * shape * season[:, None] * rng.lognormal(0, 0.15, N_DAYS)[:, None] * rng.gamma(6, 1 / 6, shape.shape)
    return x + (rng.random(x.shape) < 0.03) * rng.uniform(0.8, 2.2, x.shape)


def business(rng, temp, open_h=None, close_h=None):
    kw = rng.uniform(3, 25)
    o = rng.uniform(7, 9) if open_h is None else open_h
    c = rng.uniform(17, 20) if close_h is None else close_h
    day = np.arange(N_DAYS)
    wd = weekday_of(day)
    hours_open = np.where(wd < 5, c - o, np.where(wd == 5, (c - o) / 2, 0.0))
    on = coverage(np.full(N_DAYS, o) + rng.normal(0, 0.1, N_DAYS), hours_open)
    base = rng.uniform(0.15, 0.35)
    season = 1 + 0.1 * np.clip((14 - temp) / 10, -0.5, 1.5)
    x = kw * (base + (1 - base) * on) * season[:, None] * rng.lognormal(0, 0.08, N_DAYS)[:, None]
    return x * rng.gamma(12, 1 / 12, x.shape)


def plant_grow(rng, x):
    lamp = rng.uniform(2.0, 8.0)
    on = rng.uniform(0, 24)
    start = int(rng.integers(int(0.45 * N_DAYS), int(0.8 * N_DAYS)))
    dur = np.zeros(N_DAYS)
    level = np.zeros(N_DAYS)
    day = start
    veg_level = rng.uniform(0.5, 1.0)
    while day < N_DAYS:
        for n, hours, lvl in ((int(rng.integers(14, 42)), 18, veg_level), (int(rng.integers(56, 70)), 12, 1.0)):
            dur[day : day + n], level[day : day + n] = hours, lvl
            day += n
        day += int(rng.integers(3, 14))
    dur[rng.choice(np.flatnonzero(dur > 0), 2, replace=False)] = 0
    block = coverage(on + rng.normal(0, 0.05, N_DAYS), dur) * level[:, None]
    fans = rng.uniform(0.05, 0.2) * lamp * (dur > 0)[:, None]
    return x + lamp * block + fans


def plant(rng, label, temp):
    """(hourly kW [d, 24], category) of one premises."""
    day = np.arange(N_DAYS)
    k = int(rng.integers(int(0.45 * N_DAYS), int(0.75 * N_DAYS)))
    if label == "household":
        return household(rng, temp), 0
    if label == "business":
        return business(rng, temp), 1
    if label == "crypto":
        x = household(rng, temp) if rng.random() < 0.6 else business(rng, temp)
        x[k:] += rng.uniform(1.5, 5.0) * rng.normal(1, 0.015, x[k:].shape)
        return x, 0
    if label == "ev":
        x = household(rng, temp)
        charging = (rng.random(N_DAYS) < rng.uniform(0.3, 0.75)) & (day >= k)
        scheduled = rng.random() < 0.4
        start = rng.uniform(22.5, 23.5, N_DAYS) if scheduled else rng.uniform(17.5, 25.5, N_DAYS)
        return x + rng.uniform(3.7, 11) * coverage(start, rng.uniform(1, 5, N_DAYS) * charging), 0
    if label == "night_shift":
        x = business(rng, temp)
        working = (weekday_of(day) < 5) & (day >= k)
        kw = x.mean() * rng.uniform(0.6, 2.0)
        shift = coverage(np.full(N_DAYS, rng.uniform(20.5, 23)) + rng.normal(0, 0.1, N_DAYS),
                         rng.uniform(7, 9) * working)
        return x + kw * shift * rng.uniform(0.85, 1.1, N_DAYS)[:, None], int(rng.choice([1, 2]))
    if label == "heating":
        x = household(rng, temp)
        hourly_t = temp[:, None] - 3.0 * np.cos(2 * np.pi * (HOURS - 4) / 24)[None, :]
        from_day = 0 if rng.random() < 0.5 else int(rng.integers(110, 150))  # from the start, or switched on in autumn
        heat = np.maximum(0, rng.uniform(15, 18) - hourly_t) * rng.uniform(0.15, 0.4) * (day >= from_day)[:, None]
        cycling = np.clip(1 + rng.normal(0, 0.25, x.shape), 0, None)
        return x + heat * cycling, 0
    if label == "growth":
        x = business(rng, temp)
        ramp_days = 0 if rng.random() < 0.5 else int(rng.integers(30, 90))
        progress = np.clip((day - k + 1) / max(ramp_days, 1), 0, 1)
        return x * (1 + (rng.uniform(1.4, 2.5) - 1) * progress)[:, None], 1
    if label == "greenhouse":
        x = 0.3 * business(rng, temp)
        lit = (temp < rng.uniform(11, 14)) & (rng.random(N_DAYS) < 0.96)
        start = np.full(N_DAYS, rng.uniform(0, 6) if rng.random() < 0.7 else rng.uniform(15, 19))
        return x + rng.uniform(10, 50) * coverage(start + rng.normal(0, 0.05, N_DAYS), rng.uniform(12, 16) * lit), 3
    if label == "timed_load":  # storage heaters charging on the cheap night tariff, every night from the change
        x = household(rng, temp)
        hours = rng.uniform(6, 8) * (day >= k)
        return x + rng.uniform(1.5, 4) * coverage(np.full(N_DAYS, rng.uniform(22.5, 24.5)), hours), 0
    if label == "night_timer":  # an EV on a night-tariff timer every night since before the data: no rise to measure
        x = household(rng, temp)
        x *= rng.uniform(0.6, 0.9) / x.mean()  # a household of its peers' size: the EV is what is above them
        hours = rng.uniform(3, 7, N_DAYS)
        # 7.4 kW: the charger's load is most of the use above peers (a 3.7 kW one on a home whose own shape differs
        # from its peers' by a fifth of that use leaves too much outside its hours: core.lookalike_profiles)
        return x + 7.4 * coverage(np.full(N_DAYS, rng.uniform(0, 2)), hours), 0
    if label == "seasonal_return":  # a pool pump on a daytime timer, June to September, both summers of the series
        x = household(rng, temp)
        summer = (day < 122) | (day >= 366)
        on = np.full(N_DAYS, rng.uniform(8, 10)) + rng.normal(0, 0.05, N_DAYS)
        return x + rng.uniform(1.0, 2.5) * coverage(on, rng.uniform(8, 12) * summer), 0
    if label == "grow":
        x = plant_grow(rng, household(rng, temp) if rng.random() < 0.7 else business(rng, temp))
        return x, int(rng.choice([0, 1]))
    raise ValueError(label)


LABELS = ("crypto", "ev", "night_shift", "heating", "growth", "greenhouse", "grow", "timed_load", "seasonal_return",
          "night_timer")


def population(seed: int = 7, per_label: int = 12, normal: int = 60):
    rng = np.random.default_rng(seed)
    temp = temperature(rng)
    labels = ["household"] * normal + ["business"] * (normal // 3) + [lab for lab in LABELS for _ in range(per_label)]
    rows = [plant(rng, lab, temp) for lab in labels]
    hourly = np.stack([r[0] for r in rows])
    category = np.array([r[1] for r in rows])
    return hourly, hourly.sum(axis=2), category, np.array(labels)


# ---------------------------------------------------------------- naive twins: one meter at a time, plain Python
def _nanmean(vals):
    vals = [v for v in vals if math.isfinite(v)]
    return sum(vals) / len(vals) if vals else math.nan


def _median(vals):
    vals = [v for v in vals if math.isfinite(v)]
    return statistics.median(vals) if vals else math.nan


def _corr(a, b, min_points=24):
    pairs = [(u, v) for u, v in zip(a, b) if math.isfinite(u) and math.isfinite(v)]
    if len(pairs) < min_points:
        return math.nan
    ma = sum(u for u, _ in pairs) / len(pairs)
    mb = sum(v for _, v in pairs) / len(pairs)
    sab = sum((u - ma) * (v - mb) for u, v in pairs)
    saa = sum((u - ma) ** 2 for u, _ in pairs)
    sbb = sum((v - mb) ** 2 for _, v in pairs)
    return sab / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else math.nan


def naive_periods(k, d):
    has = 0 < k < d
    start = k if has else max(d - 56, 0)
    after = [j >= start for j in range(d)]
    before = [has and start - 56 <= j < start for j in range(d)]
    return has, before, after


def naive_profile(h, days, min_days=14):
    full = [j for j in days if sum(math.isfinite(v) for v in h[j]) >= 20]
    if len(full) < min_days:
        return [math.nan] * 24
    return [_nanmean([h[j][t] for j in full]) for t in range(24)]


def naive_added(h, k, weekday0):
    d = len(h)
    has, before, after = naive_periods(k, d)
    pa = naive_profile(h, [j for j in range(d) if after[j]])
    pb = naive_profile(h, [j for j in range(d) if before[j]]) if has else [0.0] * 24
    a = [u - v for u, v in zip(pa, pb)]
    bins = [sum(a[3 * i : 3 * i + 3]) / 3 for i in range(8)]
    top, bottom = max(bins, default=math.nan), min(bins)
    rng_a = max(a) - min(a)
    edge = max(abs(a[(t + 1) % 24] - a[t]) for t in range(24)) / rng_a if top > bottom else math.nan

    def week(days):
        out = []
        for wd in range(7):
            out += naive_profile(h, [j for j in days if (weekday0 + j) % 7 == wd], 2)
        return out

    out = {"added_kw": sum(a) / 24, "added_night_kw": sum(a[:6]) / 6, "added_day_kw": sum(a[12:18]) / 6,
           "added_flatness": naive_flatness(a), "added_edge": edge, "added_window_h": naive_window(a, 0.9)}
    if has:
        wa, wb = week([j for j in range(d) if after[j]]), week([j for j in range(d) if before[j]])
        mean_b = sum(pb) / 24
        ratios = [u / v for u, v in zip(pa, pb) if v >= 0.2 * mean_b]
        mid = _median(ratios)
        out["shape_corr"] = _corr(wb, wa)
        out["added_shape_corr"] = _corr(wb, [u - v for u, v in zip(wa, wb)])
        out["ratio_spread"] = 1.4826 * _median([abs(r - mid) for r in ratios]) / mid
    else:
        out.update(shape_corr=math.nan, added_shape_corr=math.nan, ratio_spread=math.nan)
    return out


def naive_flatness(a):
    """min/max of the 3 h bins' means, in [0, 1]; NaN unless some bin is above 0."""
    bins = [sum(a[3 * i : 3 * i + 3]) / 3 for i in range(8)]
    top, bottom = max(bins), min(bins)
    return min(max(bottom / top, 0.0), 1.0) if top > 0 else math.nan


def naive_peer_excess(day, peer_day):
    """The use above the typical peer's day scaled to the lowest hourly ratio, measured as an added load is."""
    ratios = [u / v for u, v in zip(day, peer_day) if v > 0]
    scale = min(ratios) if ratios else math.nan
    a = [u - scale * v for u, v in zip(day, peer_day)]
    return {"peer_excess_kw": sum(a) / 24, "peer_excess_window_h": naive_window(a, 0.9),
            "peer_excess_flatness": naive_flatness(a)}


def naive_window(a, share):
    """Shortest wrapping window holding `share` of the energy above every hour's rise, interpolated."""
    finite = [v for v in a if math.isfinite(v)]
    if not finite:
        return math.nan
    every_hour = max(min(finite), 0.0)
    e = [max(v - every_hour, 0.0) if math.isfinite(v) else 0.0 for v in a]
    need = share * sum(e)
    if sum(e) <= 0:
        return math.nan
    held = [0.0] + [max(sum(e[(s + j) % 24] for j in range(n)) for s in range(24)) for n in range(1, 25)]
    n = next(n for n in range(25) if held[n] >= need * (1 - 1e-12))
    shorter = held[max(n - 1, 0)]
    return n - 1 + ((need - shorter) / (held[n] - shorter) if held[n] > shorter else 1.0)


def naive_evening(h):
    d = len(h)
    return [list(h[j][12:]) + (list(h[j + 1][:12]) if j + 1 < d else [math.nan] * 12) for j in range(d)]


def naive_ev(h, k):
    d = len(h)
    _, _, after = naive_periods(k, d)
    ev = naive_evening(h)
    valid = [j for j in range(d) if after[j] and sum(math.isfinite(v) for v in ev[j]) >= 20]
    quiet = []
    for t in range(24):
        vals = sorted(ev[j][t] for j in valid if math.isfinite(ev[j][t]))
        quiet.append(vals[int(math.floor(0.2 * (len(vals) - 1)))] if vals else math.nan)
    sessions = []
    for j in valid:
        excess = [ev[j][t] - quiet[t] for t in range(24)]
        hot = [math.isfinite(e) and e >= EV_MIN_KW for e in excess]
        runs = sum(hot[t] and (t == 0 or not hot[t - 1]) for t in range(24))
        energy = sum(e for e, is_hot in zip(excess, hot) if is_hot)
        if runs == 1 and sum(hot) <= EV_MAX_HOURS and energy >= 5.0:
            start = hot.index(True)
            sessions.append((start, sum(hot), max(e for e, is_hot in zip(excess, hot) if is_hot)))

    def spread(vals):
        mid = _median(vals)
        return 1.4826 * _median([abs(v - mid) for v in vals])

    n = len(sessions)
    return {
        "ev_days": n,
        "ev_day_share": n / len(valid) if valid else math.nan,
        "ev_block_hours": _median([s[1] for s in sessions]),
        "ev_hours_spread_h": spread([s[1] for s in sessions]),
        "ev_start_spread_h": spread([s[0] for s in sessions]),
        "ev_evening_share": sum(5 <= s[0] < 17 for s in sessions) / n if n else math.nan,
        "ev_kw": _median([s[2] for s in sessions]),
    }


def naive_night(h, k, weekday0):
    d = len(h)
    _, _, after = naive_periods(k, d)
    ev = naive_evening(h)
    on, off = [], []
    for j in range(d):
        night = ev[j][10:18]
        if not after[j] or sum(math.isfinite(v) for v in night) < 7:
            continue
        level = _nanmean(night)
        wd = (weekday0 + j) % 7
        (on if wd <= 3 else off if wd == 5 else []).append(level)
    return {"weekday_night_kw": _median(on), "weekend_night_kw": _median(off), "weekend_nights": len(off)}


def _smooth_one(row):
    d = len(row)
    out = []
    for j in range(d):
        vals = [row[i] for i in range(max(j - 3, 0), min(j + 4, d)) if math.isfinite(row[i])]
        out.append(sum(vals) / len(vals) if len(vals) >= 4 else math.nan)
    return out


def naive_population(x):
    m, d = len(x), len(x[0])
    own = [_median(r) for r in x]
    norm = [[v / own[i] if own[i] > 0 else math.nan for v in x[i]] for i in range(m)]
    return _smooth_one([_median([norm[i][j] for i in range(m)]) for j in range(d)])


def naive_season(row, pop, k):
    d = len(row)
    has = 0 < k < d
    mine = _smooth_one(row)
    ok = [j for j in range(d) if math.isfinite(mine[j]) and math.isfinite(pop[j])]
    segs = {"before": [j for j in ok if has and j < k], "after": [j for j in ok if not has or j >= k]}
    sm = {s: sum(mine[j] for j in v) / len(v) if v else math.nan for s, v in segs.items()}
    sp = {s: sum(pop[j] for j in v) / len(v) if v else math.nan for s, v in segs.items()}
    sxy = sum((mine[j] - sm[s]) * (pop[j] - sp[s]) for s, v in segs.items() for j in v)
    sxx = sum((pop[j] - sp[s]) ** 2 for s, v in segs.items() for j in v)
    syy = sum((mine[j] - sm[s]) ** 2 for s, v in segs.items() for j in v)
    judged = len(segs["after"]) >= 28 and (len(segs["before"]) >= 28 or not has) and sxx > 0
    corr = (sxy / math.sqrt(sxx * syy) if syy > 0 else 0.0) if judged else math.nan
    slope = sxy / sxx if judged else math.nan
    explained = slope * (sp["after"] - sp["before"]) / (sm["after"] - sm["before"]) if has and judged else math.nan
    finite_pop = [p for p in pop if math.isfinite(p)]
    p10, p90 = (np.percentile(finite_pop, [10, 90]) if finite_pop else (math.nan, math.nan))
    amplitude = abs(slope) * (p90 - p10) / sm["after"] if judged and not has else math.nan
    pairs = [j for j in range(d) if has and j >= k and j >= 364 and j - 364 < k
             and math.isfinite(row[j]) and math.isfinite(row[j - 364])]
    repeat, paired, off_share, off_weeks = math.nan, math.nan, math.nan, 0
    if has and len(pairs) >= 14:
        now, then = _median([row[j] for j in pairs]), _median([row[j - 364] for j in pairs])
        base = _median([row[j] for j in range(max(k - 56, 0), k)])
        if math.isfinite(base) and now - base > 0:
            repeat = min(max((then - base) / (now - base), 0.0), 1.0)
            after = _median([row[j] for j in range(k, d)])
            paired = (now - base) / (after - base) if after > base else math.nan
            # up to 20 whole weeks back from the change, after last year's paired days
            mid, first = (base + now) / 2, max(min(k + 364, d) - 364, 0)
            weeks = []
            for w in range(20):
                end = k - 7 * w
                if end - 7 < first:
                    break
                seen = [row[j] for j in range(end - 7, end) if math.isfinite(row[j])]
                if len(seen) >= 4:
                    weeks.append(_median(seen))
            off_weeks = len(weeks)
            off_share = sum(w < mid for w in weeks) / off_weeks if weeks else math.nan
    return {"season_corr": corr, "season_explained": explained, "season_amplitude": amplitude,
            "year_repeat": repeat, "paired_rise_share": paired, "off_season_share": off_share,
            "off_season_weeks": off_weeks, **naive_early(row, k, has and len(pairs) < 14)}


def naive_early(row, k, short):
    """No year-ago days: the first 28 days as last year's season, 16 weeks or more before the change."""
    d = len(row)
    early, dark = math.nan, math.nan
    if short and k - 28 >= 112 and sum(math.isfinite(v) for v in row[:28]) >= 14:
        base = _median([row[j] for j in range(max(k - 56, 0), k)])
        after = _median([row[j] for j in range(k, d)])
        if after > base:
            early = min(max((_median(row[:28]) - base) / (after - base), 0.0), 1.0)
            weeks = []
            for w in range(16):  # sixteen whole weeks back from the change, none starting in the first 28 days
                end = k - 7 * w
                if end - 7 < 28:
                    break
                seen = [row[j] for j in range(end - 7, end) if math.isfinite(row[j])]
                if len(seen) >= 4:
                    weeks.append(_median(seen))
            if len(weeks) >= 8:
                dark = sum(w < (base + after) / 2 for w in weeks) / len(weeks)
    return {"early_repeat": early, "early_dark_share": dark}


def nasty_hourly(rng, m=None, d=None):
    m = int(rng.integers(1, 5)) if m is None else m
    d = int(rng.choice([1, 2, 20, 60, 130, 300, 380])) if d is None else d
    h = rng.gamma(4, 0.25, (m, d, 24)) * rng.uniform(0.2, 5, (m, 1, 1))
    for r in range(m):
        kind = rng.integers(0, 8)
        if kind == 0:
            h[r] = np.nan  # billing meter / all missing
        elif kind == 1:
            h[r, : d // 2] = 1.3  # constant run
        elif kind == 2:
            h[r, rng.random(d) < 0.3] = np.nan  # gaps
        elif kind == 3:  # EV-like sessions at varying times
            for j in np.flatnonzero(rng.random(d) < 0.5):
                a = int(rng.integers(0, 22))
                h[r, j, a : a + int(rng.integers(1, 4))] += 7.0
        elif kind == 4:  # a step up
            h[r, d // 2 :] += 3.0
        elif kind == 5:  # a winter rise every year
            h[r] += 2.0 * (np.cos(2 * np.pi * np.arange(d) / 364.0) > 0.3)[:, None]
        elif kind == 6:  # a night timer from half-way, across midnight
            h[r, d // 2 :, [23, 0, 1, 2, 3, 4]] += 2.5
        elif kind == 7:  # a summer load at the data's start, back from half-way
            h[r, : min(40, d)] += 2.0
            h[r, d // 2 :] += 2.0
    h[:, rng.random(d) < 0.05, 2] = np.nan  # DST-like missing hour
    return h


def _same(fast, slow, where):
    if math.isnan(slow):
        assert math.isnan(fast), where
    else:
        assert fast == pytest.approx(slow, rel=1e-9, abs=1e-9), where


@pytest.mark.parametrize("seed", range(18))
def test_measures_match_naive_twins(seed):
    rng = np.random.default_rng(seed)
    # over a year: the year-ago repeat is measured; under a year (but 20 weeks or more): the early repeat
    h = nasty_hourly(rng, d=420 if 10 <= seed < 14 else 300 if seed >= 14 else None)
    m, d, _ = h.shape
    x = np.nansum(h, axis=2)
    x[np.all(np.isnan(h), axis=2)] = np.nan
    weekday0 = int(rng.integers(0, 7))
    k = np.array([int(rng.choice([-1, 0, d // 2, max(d - 30, 1), d, int(rng.integers(0, max(d, 1))), d - 200]))
                  for _ in range(m)])
    has, before, after = periods(k, d)
    added = added_load(h, weekday0, has, before, after)
    ev = ev_sessions(h, after)
    nights = night_shift(h, after, weekday0)
    pop = population_curve(x)
    season = season_measures(x, pop, np.where((k > 0) & (k < d), k, -1))
    # the meter's average day against a typical peer's: own days, shuffled and scaled ones, constant and NaN rows
    day = np.nanmean(np.where(np.isfinite(h).any(axis=1, keepdims=True), h, 0.0), axis=1) if d else np.zeros((m, 24))
    peer_day = rng.permutation(day, axis=0) * rng.choice([0.0, 0.5, 1.0, 2.0], (m, 1))
    day[rng.random(m) < 0.15] = rng.uniform(0, 2)
    peer_day[rng.random(m) < 0.15] = np.nan
    excess = peer_excess(day, peer_day)
    slow_pop = naive_population(x.tolist())
    for j in range(d):
        _same(pop[j], slow_pop[j], f"population day {j}")
    for r in range(m):
        hl = h[r].tolist()
        slow = {**naive_added(hl, k[r], weekday0), **naive_ev(hl, k[r]), **naive_night(hl, k[r], weekday0),
                **naive_season(x[r].tolist(), slow_pop, k[r]), **naive_peer_excess(day[r], peer_day[r])}
        fast = {**added, **ev, **nights, **season, **excess}
        for name, value in slow.items():
            _same(float(fast[name][r]), float(value), f"{name} row {r} seed {seed}")


def test_energy_window_of_blocks():
    """A block's window is 90 % of its length wherever it sits, across midnight too; a flat day's is 90 % of the day;
    a day with no added energy has none."""
    profiles = np.zeros((5, 24))
    profiles[0, 6:18] = 2.0  # 12 h of lamps
    profiles[1, [22, 23, 0, 1, 2, 3, 4]] = 3.0  # a 7 h storage heater across midnight
    profiles[2] = 1.0
    profiles[3, 20:] = -1.0  # only a fall
    profiles[4, 6:24] = 1.5  # 18 h of lamps
    window = energy_window_hours(profiles, 0.9)
    np.testing.assert_allclose(window[[0, 1, 2, 4]], [10.8, 6.3, 21.6, 16.2])
    assert np.isnan(window[3])


def test_degenerate_inputs_give_zero_likelihoods():
    for m, d in ((1, 1), (3, 2), (2, 30), (0, 10)):
        h = np.full((m, d, 24), np.nan)
        res = lookalike_evidence(np.full((m, d), np.nan), h, np.zeros(m, int), 0)
        assert res.likelihoods().shape == (m, len(NAMES))
        assert np.all(res.likelihoods() == 0)
    flat = np.full((2, 120, 24), 1.0)
    res = lookalike_evidence(flat.sum(axis=2), flat, np.array([0, 3]), 0)
    assert np.all(np.isfinite(res.likelihoods())) and np.all(res.likelihoods() <= 1)


# ---------------------------------------------------------------- behaviour on the synthetic population
@pytest.fixture(scope="module")
def evidence():
    hourly, daily, category, labels = population()
    lamps = detect_photoperiod(hourly, 1.0)
    blocks = lamp_days(lamps.is_block, lamps.score)  # as the scan passes them
    peers = peer_outlier(daily, hourly, category, np.zeros(len(daily), int), np.full(len(daily), np.nan),
                         np.full(len(daily), np.nan), first_weekday=FIRST_WEEKDAY)
    season = season_of(lamps)
    return (lookalike_evidence(daily, hourly, category, FIRST_WEEKDAY, is_block=blocks, block_season=season,
                               peers=peers), category, labels)


@pytest.mark.parametrize("name", NAMES)
def test_each_lookalike_scores_its_own_cases_high(evidence, name):
    res, _, labels = evidence
    lik = res.likelihoods()
    j = NAMES.index(name)
    own = lik[labels == name]
    assert np.median(own[:, j]) >= 0.8
    assert np.mean(own[:, j] >= 0.5) >= 0.75
    # the other look-alikes do not claim these cases; a greenhouse's lit season, dark since, is also a season's block
    # (core.photoperiod one_season, a pause of a few days allowed): both names are true of it
    also_true = [NAMES.index("seasonal_return")] if name == "greenhouse" else []
    others = np.delete(own, [j, *also_true], axis=1)
    assert np.median(own[:, j]) - np.median(others.max(axis=1)) >= 0.6


@pytest.mark.parametrize("name", [n for n in NAMES if n != "greenhouse"])
def test_grows_are_not_explained_away(evidence, name):
    res, _, labels = evidence
    grows = getattr(res, name)[labels == "grow"]
    own = getattr(res, name)[labels == name]
    assert np.max(grows) <= 0.4
    assert np.mean(grows) <= 0.1
    assert np.median(own) - np.max(grows) >= 0.5


def test_grows_rule_outs_name_their_reasons(evidence):
    res, _, labels = evidence
    g = labels == "grow"
    assert np.median(res.added_flatness[g]) < 0.2  # dark hours: not flat 24/7
    assert np.median(res.weekday_night_ratio[g]) == pytest.approx(1.0, abs=0.25)  # weekends lit too
    assert np.median(np.abs(res.season_explained[g])) < 0.3  # a step, not the season
    assert np.median(res.ratio_spread[g]) > 0.3  # not the old shape scaled
    assert np.median(res.block_share[g]) > 0.5


def test_a_night_timer_since_before_the_data_explains_the_use_above_peers(evidence):
    """An EV charged every night on a timer from before the data has no rise to measure; the use above its peers is
    that load, in a few hours of the day. Ordinary homes and businesses above or below their peers are not timers."""
    res, _, labels = evidence
    timer = labels == "night_timer"
    explained = np.maximum(res.timed_load, res.ev)[timer]  # the EV look-alike names the charger where it can
    assert np.median(explained) >= 0.8 and np.mean(explained >= 0.5) >= 0.75
    assert np.mean(res.timed_load[timer] >= 0.5) >= 0.25
    assert np.all(res.timed_by_peers[timer & (res.timed_load >= 0.5)])
    assert np.all(res.peer_excess_window_h[timer] < np.median(res.peer_excess_window_h[labels == "grow"]))
    ordinary = (labels == "household") | (labels == "business")
    assert np.all(res.timed_load[ordinary] < 0.2)
    hourly, daily, category, _ = population()
    unmeasured = lookalike_evidence(daily[timer], hourly[timer], category[timer], FIRST_WEEKDAY)
    assert np.all(unmeasured.timed_load == 0) and np.all(np.isnan(unmeasured.peer_excess_window_h))


def test_greenhouse_needs_the_category():
    hourly, daily, category, labels = population(seed=11, per_label=6, normal=30)
    grow = labels == "grow"
    as_farm = np.where(grow, 3, category)
    res = lookalike_evidence(daily, hourly, as_farm, FIRST_WEEKDAY)
    base = lookalike_evidence(daily, hourly, category, FIRST_WEEKDAY)
    assert np.median(res.greenhouse[grow]) >= 0.8  # a lit agricultural premises may be licensed
    assert np.all(base.greenhouse[grow] == 0)


def test_weak_lamp_runs_do_not_veto_heating():
    """A thermostat's days can form a weak photoperiod run; marked days count against heating only when the lamp-block
    score is worth the name."""
    # ordinary premises must outnumber the look-alikes: the population's curve is the heating rule's thermometer
    hourly, daily, category, labels = population(seed=5, per_label=6, normal=30)
    heated = labels == "heating"
    everywhere = np.ones(daily.shape, bool)
    weak = lamp_days(everywhere, np.where(heated, MARKED_MIN_SCORE / 2, 1.0))
    strong = lamp_days(everywhere, np.ones(len(daily)))
    assert not weak[heated].any() and weak[~heated].all()
    with_weak = lookalike_evidence(daily, hourly, category, FIRST_WEEKDAY, is_block=weak)
    with_strong = lookalike_evidence(daily, hourly, category, FIRST_WEEKDAY, is_block=strong)
    unmarked = lookalike_evidence(daily, hourly, category, FIRST_WEEKDAY)
    assert np.median(unmarked.heating[heated]) > 0.3
    np.testing.assert_array_equal(with_weak.heating[heated], unmarked.heating[heated])
    assert np.all(with_strong.heating[heated] == 0)  # every day marked by a real lamp run: not heating
    assert np.all(with_weak.block_share[heated] < with_strong.block_share[heated])


def test_a_seasonal_return_needs_the_months_between_back_at_the_old_level():
    """A pool pump each summer was off all winter; the same load running through the winter too, with only a
    six-week break before the change (a grow older than the data between two harvests), repeats last year's weeks
    as well but is no season's appliance."""
    rng = np.random.default_rng(3)
    temp = temperature(rng)
    day = np.arange(N_DAYS)
    homes = np.stack([household(rng, temp) for _ in range(8)])
    load = np.stack([rng.uniform(1.0, 2.5) * coverage(np.full(N_DAYS, rng.uniform(8, 10)), np.full(N_DAYS, 10.0))
                     for _ in range(8)])
    seasonal = homes + load * ((day < 122) | (day >= 366))[None, :, None]
    running = homes + load * ((day < 322) | (day >= 366))[None, :, None]
    both = np.concatenate([seasonal, running])
    k = np.full(len(both), 366)
    res = lookalike_evidence(both.sum(axis=2), both, np.zeros(len(both), int), FIRST_WEEKDAY, change_day=k)
    pump, grow = slice(0, 8), slice(8, None)
    assert np.all(res.year_repeat[pump] > 0.8) and np.all(res.year_repeat[grow] > 0.8)  # both repeat last year
    assert np.all(res.off_season_share[pump] >= 0.8) and np.all(res.off_season_share[grow] <= 0.3)
    assert np.median(res.seasonal_return[pump]) >= 0.8 and np.all(res.seasonal_return[grow] == 0)
    # the photoperiod's own finding that a lamp-like block came back on last year's weeks counts on its own
    told = lookalike_evidence(both.sum(axis=2), both, np.zeros(len(both), int), FIRST_WEEKDAY, change_day=k,
                              block_season=np.full(len(both), 0.8))
    assert np.all(told.seasonal_return == 1.0)


def test_a_year_repeat_counts_as_heating_only_with_the_months_between_off():
    """Heating is seasonal; a load the same days had a year earlier is a season only when it was off in between. A
    flat load on last winter, off all summer and back (a heater) is heating; the same load on through the summer but
    for a six-week break before its rise (a grow older than the data, harvested) repeats last year as much, but no
    season explains it. Ordinary homes make up the population whose curve is the season's thermometer."""
    rng = np.random.default_rng(3)
    temp = temperature(rng)
    day = np.arange(N_DAYS)
    homes = np.stack([household(rng, temp) for _ in range(16)])
    load = rng.uniform(1.0, 2.5, 8)[:, None, None] * np.ones((8, N_DAYS, 24))
    seasonal = homes[:8] + load * ((day < 122) | (day >= 366))[None, :, None]
    running = homes[8:] + load * ((day < 322) | (day >= 366))[None, :, None]
    plain = np.stack([household(rng, temp) for _ in range(40)])
    every = np.concatenate([seasonal, running, plain])
    k = np.r_[np.full(16, 366), np.full(40, -1)]
    res = lookalike_evidence(every.sum(axis=2), every, np.zeros(len(every), int), FIRST_WEEKDAY, change_day=k)
    heater, grow = slice(0, 8), slice(8, 16)
    assert np.all(res.year_repeat[heater] > 0.8) and np.all(res.year_repeat[grow] > 0.8)  # both repeat last year
    assert np.all(res.off_season_share[grow] <= 0.3) and np.all(res.block_share[:16] == 0)
    assert np.median(res.heating[heater]) >= 0.8 and np.all(res.heating[grow] == 0)


def test_with_a_year_of_data_a_seasonal_return_is_judged_on_its_first_weeks():
    """Exactly a year of data (365 days, June to June) reaches back 52 weeks for one day only: the return is judged
    two weeks short of 52 (core.year_ago), the last 15 days against the first. A pump on through the first five weeks
    and back from day 300 is a season's appliance; the same load back after a six-week break only is not, and a load
    that was not there in the first weeks repeats nothing."""
    rng = np.random.default_rng(4)
    temp = temperature(rng)
    d = 365
    day = np.arange(d)
    homes = np.stack([household(rng, temp)[:d] for _ in range(8)])
    load = np.stack([rng.uniform(1.0, 2.5) * coverage(np.full(d, rng.uniform(8, 10)), np.full(d, 10.0))
                     for _ in range(8)])
    seasonal = homes + load * ((day < 35) | (day >= 300))[None, :, None]
    running = homes + load * ((day < 258) | (day >= 300))[None, :, None]
    new = homes + load * (day >= 300)[None, :, None]
    every = np.concatenate([seasonal, running, new])
    k = np.full(len(every), 300)
    res = lookalike_evidence(every.sum(axis=2), every, np.zeros(len(every), int), FIRST_WEEKDAY, change_day=k)
    pump, grow, started = slice(0, 8), slice(8, 16), slice(16, None)
    assert np.all(res.year_repeat[pump] > 0.8) and np.all(res.year_repeat[grow] > 0.8)
    assert np.all(res.year_repeat[started] < 0.2)
    assert np.median(res.seasonal_return[pump]) >= 0.8
    assert np.all(res.seasonal_return[grow] == 0) and np.all(res.seasonal_return[started] == 0)


def test_under_a_year_a_seasonal_return_is_judged_on_the_data_s_first_weeks():
    """Ten months of monthly-like daily kWh (no hourly profile) from September: no day has its day a year before, so
    the data's first four weeks stand in for last summer. A pool pump on in September, off from October and back from
    day 240 is a season's appliance; the same load with a six-week break only (a grow older than the data, between
    harvests: 6 of the 16 weeks before the change under the midpoint) and a load that was not there at the start are
    not. A pump whose block the hourly profile shows is left
    to the photoperiod detector (a winter's heater in the first weeks must not explain a grow's lamps away)."""
    rng = np.random.default_rng(8)
    temp = temperature(rng)
    d, k = 300, 240
    day = np.arange(d)
    homes = np.stack([household(rng, temp)[:d] for _ in range(24)])
    kw = rng.uniform(1.0, 2.5, (24, 1, 1))
    on = np.r_[[(day < 30) | (day >= k)] * 8, [(day < 198) | (day >= k)] * 8, [day >= k] * 8]
    every = homes + kw * on[:, :, None]
    plain = np.stack([household(rng, temp)[:d] for _ in range(40)])
    hourly = np.concatenate([every, plain])
    daily = hourly.sum(axis=2)
    change = np.r_[np.full(24, k), np.full(40, -1)]
    billed = lookalike_evidence(daily, np.full(hourly.shape, np.nan), np.zeros(len(daily), int), FIRST_WEEKDAY,
                                change_day=change)
    pump, grow, started = slice(0, 8), slice(8, 16), slice(16, 24)
    assert np.all(np.isnan(billed.year_repeat[:24]))  # too short for the year before
    assert np.all(billed.early_repeat[pump] > 0.7) and np.median(billed.early_repeat[grow]) > 0.7
    assert np.all(billed.early_repeat[started] < 0.2)
    assert np.all(billed.early_dark_share[pump] >= 0.9) and np.all(billed.early_dark_share[grow] <= 0.4)
    assert np.median(billed.seasonal_return[pump]) >= 0.8
    assert np.all(billed.seasonal_return[grow] == 0) and np.all(billed.seasonal_return[started] == 0)
    assert np.all(np.isnan(billed.early_repeat[24:]))  # no change day: nothing to judge
    # the same pump drawn as a 10 h block on the hourly profile: the lamp-like block is not the level's to explain
    block = coverage(np.full(d, 9.0), np.full(d, 10.0))[None] * kw[pump] * on[pump][:, :, None]
    lit = np.concatenate([homes[pump] + block, plain])
    lit_change = np.r_[np.full(8, k), np.full(40, -1)]
    res = lookalike_evidence(lit.sum(axis=2), lit, np.zeros(len(lit), int), FIRST_WEEKDAY, change_day=lit_change)
    lit_billed = lookalike_evidence(lit.sum(axis=2), np.full(lit.shape, np.nan), np.zeros(len(lit), int),
                                    FIRST_WEEKDAY, change_day=lit_change)
    assert np.mean(lit_billed.seasonal_return[:8] > 0.3) >= 0.5  # its bills alone show the season ...
    assert np.all(res.block_share[:8] >= 0.7) and np.all(res.seasonal_return[:8] == 0)  # ... its block is not ours
