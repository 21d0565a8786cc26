"""Peer outlier: a premises' recent consumption level and load shape against peers of the same kind, size and city.

Method, vectorised over meters (groups are labelled with np.unique and their medians taken by a compiled counting
sort and selection, never a Python loop per meter):

1. Level. The median daily kWh over the last `window` days (at least `min_days` observed) is divided by the
   premises' size: per m2 of floor area when known, else per contracted kW, else raw kWh/day. The three bases are
   never mixed in one group (kWh/m2 and kWh/kW are different units). Its log is the level value.
2. Peer group, the first of these with at least `min_group` meters that have a level (MIN_GROUP says why 12):
       level 0: category + basis + size band + city      (size band: one per factor SIZE_BAND_FACTOR of size)
       level 1: category + basis + size band             (nationally)
       level 2: category + basis                         (category only)
   A meter with no such group gets group_level -1, NaN statistics and score 0.
3. level_z = (value - group median) / max(1.4826 * MAD, MIN_LOG_SPREAD) on the log scale; level_ratio =
   exp(value - group median) = own / peer median; peer_level_kwh_day = the typical peer's kWh/day at this meter's
   size (group median in raw kWh/day, times the size).
4. Shape, from the hourly profile over the same window (NaN for billing meters): night share (00-06), load factor
   (mean / max of the average day), flatness (1 / (1 + CV) of the average day), weekend/weekday ratio (log of mean
   kWh on Saturday+Sunday over Monday-Friday; needs first_weekday) and plateau share (mean share of a day's hours
   within PLATEAU_FRAC of that day's maximum). Each is a robust z against the same peer group (meters with the
   feature); shape_z is the largest |z| and shape_feature names the feature (index into SHAPE_FEATURES).
5. score = level_ev * (1 - SHAPE_WEIGHT * (1 - shape_ev)), in [0, 1]:
       level_ev = 1 - exp(-max(level_z, 0) / LEVEL_Z_SCALE)   only use ABOVE peers counts (theft has its own detector)
       shape_ev = 1 - exp(-shape_z / SHAPE_Z_SCALE)            0 without hourly data
   so an unusual shape raises a high level to full weight but never scores on its own.
6. The typical peer's day (peer_day_kw, for the look-alikes: core.lookalike_profiles.peer_excess): the group's
   median hour-by-hour shape (each member's average day over its mean hour) scaled to peer_level_kwh_day.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.medians import group_medians

MAD_TO_SIGMA = 1.4826
# At least 12 meters with a level: with fewer, the median and MAD of a group shift by a large share of their value
# when one member changes, and a lone big consumer would set its own yardstick.
MIN_GROUP = 12
# Eight weeks: recent enough to show a grow running for two months, long enough to hold whole weeks (same weekday mix
# for every meter) and to make the median robust to a holiday or a fortnight away.
WINDOW_DAYS = 56
MIN_DAYS = 14  # a level needs at least two weeks of observed days in the window
SIZE_BAND_FACTOR = 2.0  # one band per doubling of floor area or contracted kW: a kiosk is no peer of a supermarket
MIN_LEVEL_KWH = 0.24  # 0.01 kW: floor before taking logs, so vacant premises (0 kWh) have a finite level
# Peer spreads on the log scale are at least 0.15 (about +-15 %): a group of near-identical profiles (estimated reads)
# must not make a 20 % difference look like many sigmas.
MIN_LOG_SPREAD = 0.15
SHAPE_FEATURES = ("night_share", "load_factor", "flatness", "weekend_ratio", "plateau_share")
# Minimum peer spread per feature (same order): shares are noisy to about 0.02-0.03 from week to week.
MIN_FEATURE_SPREAD = np.array([0.02, 0.03, 0.03, 0.05, 0.03])
NIGHT_HOURS = slice(0, 6)
PLATEAU_FRAC = 0.8  # an hour within 80 % of the day's maximum is "at the plateau"
MIN_DAY_HOURS = 20  # a day's hourly features need 20 valid hours (a DST day keeps 23)
LEVEL_Z_SCALE = 3.0  # level_ev 0.63 at 3 robust sigmas above the peers
SHAPE_Z_SCALE = 4.0  # shape features are noisier than the level: 0.63 at 4 sigmas
SHAPE_WEIGHT = 0.3  # a normal shape keeps 70 % of the level evidence


@dataclass(frozen=True)
class PeerResult:
    """Per meter (arrays of length m); NaN / -1 where the meter has no level or no peer group."""

    score: np.ndarray  # float64 in [0, 1]
    level_kwh_day: np.ndarray  # own median daily kWh over the window
    level_ratio: np.ndarray  # own size-normalised level / peer median
    level_z: np.ndarray  # robust z on the log scale
    shape_z: np.ndarray  # largest |robust z| over the shape features; NaN without hourly data
    shape_feature: np.ndarray  # int64 index into SHAPE_FEATURES of that feature, -1 if none
    feature_values: np.ndarray  # float64 [m, len(SHAPE_FEATURES)]
    feature_z: np.ndarray  # float64 [m, len(SHAPE_FEATURES)]
    peer_size: np.ndarray  # int64 meters with a level in the peer group (incl. this one), 0 if none
    peer_level_kwh_day: np.ndarray  # typical peer's kWh/day at this meter's size
    group_level: np.ndarray  # int64: 0 city, 1 national, 2 category only, -1 none
    basis: np.ndarray  # int64: 0 per m2, 1 per contracted kW, 2 raw
    day_kw: np.ndarray  # float64 [m, 24] own average local day over the window, kW (NaN rows without hourly data)
    peer_day_kw: np.ndarray  # float64 [m, 24] the typical peer's day at this meter's level of peer_level_kwh_day


def peer_outlier(
    kwh_daily: np.ndarray,
    kw_hourly: np.ndarray,
    category: np.ndarray,
    city: np.ndarray,
    floor_area_m2: np.ndarray,
    contracted_kw: np.ndarray,
    *,
    first_weekday: int | None = None,
    window: int = WINDOW_DAYS,
    min_days: int = MIN_DAYS,
    min_group: int = MIN_GROUP,
) -> PeerResult:
    """Peer evidence per meter, see the module doc. `kw_hourly` is [m, d, 24] (all NaN for billing meters);
    without `first_weekday` the weekend/weekday feature is NaN (not used)."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    hourly = np.asarray(kw_hourly, dtype=np.float64)
    if x.ndim != 2 or hourly.shape != (*x.shape, 24):
        raise ValueError(f"kwh_daily must be [m, d] and kw_hourly [m, d, 24], got {x.shape} and {hourly.shape}")
    features, day = window_shape_features(x, hourly, first_weekday, window)
    return peer_scores(x, features, category, city, floor_area_m2, contracted_kw, day_kw=day, window=window,
                       min_days=min_days, min_group=min_group)


def window_shape_features(
    kwh_daily: np.ndarray, kw_hourly: np.ndarray, first_weekday: int | None, window: int = WINDOW_DAYS
) -> tuple[np.ndarray, np.ndarray]:
    """Step 4's per-meter part over the last `window` days of the full day axis: the shape features [m, 5] and the
    average local day [m, 24] (kW) they are taken from.

    Depends on each meter's own rows only, so a streaming scan computes it chunk by chunk from the hourly profile."""
    d = np.shape(kwh_daily)[1]
    w = max(min(window, d), 0)
    weekday = None if first_weekday is None else (first_weekday + d - w)
    return shape_features(np.asarray(kwh_daily)[:, d - w :], np.asarray(kw_hourly)[:, d - w :], weekday)


def peer_scores(
    kwh_daily: np.ndarray,
    features: np.ndarray,
    category: np.ndarray,
    city: np.ndarray,
    floor_area_m2: np.ndarray,
    contracted_kw: np.ndarray,
    *,
    day_kw: np.ndarray | None = None,
    window: int = WINDOW_DAYS,
    min_days: int = MIN_DAYS,
    min_group: int = MIN_GROUP,
) -> PeerResult:
    """The population part: levels from `kwh_daily` [m, d], groups, robust z of levels and of `features` [m, 5],
    and the typical peer's day from `day_kw` [m, 24] (both from window_shape_features, NaN rows for billing meters;
    no `day_kw`: every day NaN), score."""
    x = np.asarray(kwh_daily, dtype=np.float64)
    features = np.asarray(features, dtype=np.float64)
    m, d = x.shape
    if features.shape != (m, len(SHAPE_FEATURES)):
        raise ValueError(f"features must be [{m}, {len(SHAPE_FEATURES)}], got {features.shape}")
    w = max(min(window, d), 0)
    recent = x[:, d - w :]
    level = row_median(recent)
    has_level = np.isfinite(level) & (np.sum(np.isfinite(recent), axis=1) >= min_days)
    level = np.where(has_level, level, np.nan)

    basis, size, band = size_basis(floor_area_m2, contracted_kw)
    value = np.log(np.maximum(level, MIN_LEVEL_KWH) / size)
    ids, group_level, peer_size = choose_groups(np.asarray(category), basis, band, np.asarray(city), has_level,
                                                min_group)
    med, spread = chosen_centre(ids, group_level, np.where(has_level, value, np.nan), MIN_LOG_SPREAD)
    level_z = (value - med) / spread
    fmed, fspread = chosen_centre(ids, group_level, features, MIN_FEATURE_SPREAD, min_count=min_group)
    feature_z = (features - fmed) / fspread
    day = np.full((m, 24), np.nan) if day_kw is None else np.asarray(day_kw, dtype=np.float64)
    peer_level = np.exp(med) * size
    abs_z = np.where(np.isfinite(feature_z), np.abs(feature_z), -1.0)
    shape_feature = np.where(abs_z.max(axis=1, initial=-1.0) >= 0, np.argmax(abs_z, axis=1), -1)
    shape_z = np.where(shape_feature >= 0, abs_z.max(axis=1, initial=-1.0), np.nan)

    level_ev = np.nan_to_num(1 - np.exp(-np.maximum(level_z, 0) / LEVEL_Z_SCALE))
    shape_ev = np.nan_to_num(1 - np.exp(-shape_z / SHAPE_Z_SCALE))
    score = level_ev * (1 - SHAPE_WEIGHT * (1 - shape_ev))
    return PeerResult(
        score=score,
        level_kwh_day=level,
        level_ratio=np.exp(value - med),
        level_z=level_z,
        shape_z=shape_z,
        shape_feature=shape_feature.astype(np.int64),
        feature_values=features,
        feature_z=feature_z,
        peer_size=peer_size,
        peer_level_kwh_day=peer_level,
        group_level=group_level,
        basis=basis,
        day_kw=day,
        peer_day_kw=typical_day(ids, group_level, day, peer_level, min_group),
    )


def size_basis(floor_area_m2, contracted_kw) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(basis 0 m2 / 1 kW / 2 raw, size in that unit (1 for raw), size band) per meter."""
    area = np.asarray(floor_area_m2, dtype=np.float64)
    kw = np.asarray(contracted_kw, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        has_area, has_kw = area > 0, kw > 0  # NaN compares False
    basis = np.where(has_area, 0, np.where(has_kw, 1, 2)).astype(np.int64)
    size = np.where(has_area, area, np.where(has_kw, kw, 1.0))
    band = np.floor(np.log(size) / np.log(SIZE_BAND_FACTOR)).astype(np.int64)
    return basis, size, np.where(basis == 2, 0, band)


def choose_groups(category, basis, band, city, has_level, min_group):
    """Group ids of every fallback level [3, m] (each meter's group at that level), the level each meter uses
    (-1 if none) and that group's size (meters with a level). Statistics of a fallback group take ALL its members,
    not only those that fell back to it."""
    m = len(basis)
    keys = (
        np.stack([category, basis, band, city], axis=1),
        np.stack([category, basis, band], axis=1),
        np.stack([category, basis], axis=1),
    )
    ids = np.zeros((len(keys), m), dtype=np.int64)
    chosen = np.full(m, -1, dtype=np.int64)
    size = np.zeros(m, dtype=np.int64)
    for lvl, key in enumerate(keys):  # three fallback levels, each a grouped vector op
        if m == 0:
            break
        _, inverse = np.unique(key.astype(np.int64), axis=0, return_inverse=True)
        ids[lvl] = inverse.reshape(-1)
        counts = np.bincount(ids[lvl][has_level], minlength=ids[lvl].max() + 1)[ids[lvl]]
        take = (chosen < 0) & (counts >= min_group)
        chosen[take], size[take] = lvl, counts[take]
    return ids, chosen, size


def typical_day(ids, chosen, day_kw, peer_level_kwh_day, min_group) -> np.ndarray:
    """The typical peer's day [m, 24] kW: the group's median shape (each member's average day over its own mean
    hour, hour by hour) scaled to the typical peer's kWh/day at this meter's size. NaN where the group has fewer than
    `min_group` days or the meter no level."""
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = day_kw / np.mean(day_kw, axis=1, keepdims=True)
    shape = np.where(np.isfinite(shape).all(axis=1, keepdims=True), shape, np.nan)
    centre = np.full(shape.shape, np.nan)
    hours = np.arange(shape.shape[1])
    for lvl in range(len(ids)):  # one grouped median per level over every (group, hour) pair
        here = chosen == lvl
        if here.any():
            med, count = grouped_median((ids[lvl][:, None] * len(hours) + hours).ravel(), shape.ravel())
            centre[here] = np.where(count >= min_group, med, np.nan).reshape(shape.shape)[here]
    with np.errstate(invalid="ignore", divide="ignore"):
        return centre / np.mean(centre, axis=1, keepdims=True) * (peer_level_kwh_day / 24)[:, None]


def chosen_centre(ids, chosen, values, min_spread, min_count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """robust_centre at each meter's chosen fallback level (NaN where none)."""
    med = np.full(values.shape, np.nan)
    spread = np.full(values.shape, np.nan)
    for lvl in range(len(ids)):
        lvl_med, lvl_spread = robust_centre(ids[lvl], values, min_spread, min_count)
        here = chosen == lvl
        med[here], spread[here] = lvl_med[here], lvl_spread[here]
    return med, spread


def grouped_median(group: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of the finite `values` of each element's group and the count behind it (NaN, 0 where none).

    `group` is int[n] of group labels 0, 1, ... (choose_groups' dense ids; -1 = no group), `values` float[n]; one
    counting sort by group and a selection per group (core.kernels.medians)."""
    group = np.asarray(group, dtype=np.int64)
    n_groups = max(int(group.max()) + 1 if len(group) else 0, 0)
    med, counts = group_medians(group, np.asarray(values, dtype=np.float64), n_groups)
    # label -1 reads the entry appended after the last group: no median, no count
    return np.append(med, np.nan)[group], np.append(counts, 0)[group]


def robust_centre(group, values, min_spread, min_count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Group median and spread max(1.4826 * MAD, min_spread) per element; values may be [n] or [n, k] (per column).
    NaN where the group has fewer than `min_count` finite values."""
    cols = values if values.ndim == 2 else values[:, None]
    floor = np.broadcast_to(np.asarray(min_spread, dtype=np.float64), (cols.shape[1],))
    meds, spreads = [], []
    for j in range(cols.shape[1]):  # a handful of features
        med, count = grouped_median(group, cols[:, j])
        mad, _ = grouped_median(group, np.abs(cols[:, j] - med))
        keep = count >= min_count
        meds.append(np.where(keep, med, np.nan))
        spreads.append(np.where(keep, np.maximum(MAD_TO_SIGMA * mad, floor[j]), np.nan))
    med, spread = np.stack(meds, axis=1), np.stack(spreads, axis=1)
    return (med, spread) if values.ndim == 2 else (med[:, 0], spread[:, 0])


def shape_features(daily: np.ndarray, hourly: np.ndarray, first_weekday: int | None) -> tuple[np.ndarray, np.ndarray]:
    """[m, 5] shape features (SHAPE_FEATURES order) of the window and its average day [m, 24]; NaN where the hourly
    data do not allow them."""
    m, w = daily.shape
    day_ok = np.sum(np.isfinite(hourly), axis=2) >= MIN_DAY_HOURS
    h = np.where(day_ok[:, :, None], hourly, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN hours -> NaN, as wanted
        profile = np.nanmean(h, axis=1)  # the average local day [m, 24]
        day_max = np.nanmax(h, axis=2)
    enough = (day_ok.sum(axis=1) >= MIN_DAYS) & np.all(np.isfinite(profile), axis=1)
    total = profile.sum(axis=1)
    mean = profile.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = enough & (total > 0)
        night = profile[:, NIGHT_HOURS].sum(axis=1) / total
        load_factor = mean / profile.max(axis=1)
        flatness = 1.0 / (1.0 + profile.std(axis=1) / mean)
        at_plateau = (h >= PLATEAU_FRAC * day_max[:, :, None]) & (day_max[:, :, None] > 0)
        plateau_day = at_plateau.sum(axis=2) / np.maximum(np.isfinite(h).sum(axis=2), 1)
        plateau_ok = day_ok & (day_max > 0)
        plateau = np.sum(np.where(plateau_ok, plateau_day, 0.0), axis=1) / plateau_ok.sum(axis=1)
    weekend = np.full(m, np.nan)
    if first_weekday is not None and w:
        is_weekend = ((first_weekday + np.arange(w)) % 7) >= 5
        valid = np.isfinite(daily) & day_ok
        with np.errstate(invalid="ignore", divide="ignore"):
            we = np.sum(np.where(valid & is_weekend, daily, 0.0), axis=1) / np.sum(valid & is_weekend, axis=1)
            wd = np.sum(np.where(valid & ~is_weekend, daily, 0.0), axis=1) / np.sum(valid & ~is_weekend, axis=1)
            weekend = np.log(np.maximum(we, MIN_LEVEL_KWH) / np.maximum(wd, MIN_LEVEL_KWH))
    out = np.stack([night, load_factor, flatness, weekend, plateau], axis=1)
    return np.where(usable[:, None], out, np.nan), np.where(usable[:, None], profile, np.nan)
