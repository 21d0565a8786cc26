"""Peer outlier: the grouped vector kernel against a per-meter twin, then behaviour on synthetic premises."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from wattwatch.core.peers import SHAPE_FEATURES, peer_outlier

FIELDS = ("level_kwh_day", "level_ratio", "level_z", "shape_z", "peer_level_kwh_day", "score")


# ---------------------------------------------------------------- the naive twin
def _median(vals):
    vals = [v for v in vals if math.isfinite(v)]
    return statistics.median(vals) if vals else math.nan


def naive_features(daily, hourly, weekday0):
    """Shape features of one meter's window (lists) and its average day, or NaNs."""
    w = len(daily)
    full = [j for j in range(w) if sum(math.isfinite(v) for v in hourly[j]) >= 20]
    if len(full) < 14:
        return [math.nan] * 5, [math.nan] * 24
    prof = []
    for t in range(24):
        vals = [hourly[j][t] for j in full if math.isfinite(hourly[j][t])]
        prof.append(sum(vals) / len(vals) if vals else math.nan)
    if any(math.isnan(p) for p in prof) or sum(prof) <= 0:
        return [math.nan] * 5, [math.nan] * 24
    mean = sum(prof) / 24
    sd = math.sqrt(sum((p - mean) ** 2 for p in prof) / 24)
    plateau = []
    for j in full:
        vals = [v for v in hourly[j] if math.isfinite(v)]
        top = max(vals)
        if top > 0:
            plateau.append(sum(v >= 0.8 * top for v in vals) / len(vals))
    weekend = math.nan
    if weekday0 is not None:
        we = [daily[j] for j in full if math.isfinite(daily[j]) and (weekday0 + j) % 7 >= 5]
        wd = [daily[j] for j in full if math.isfinite(daily[j]) and (weekday0 + j) % 7 < 5]
        if we and wd:
            weekend = math.log(max(sum(we) / len(we), 0.24) / max(sum(wd) / len(wd), 0.24))
    return [sum(prof[:6]) / sum(prof), mean / max(prof), 1 / (1 + sd / mean), weekend,
            sum(plateau) / len(plateau) if plateau else math.nan], prof


def naive_peers(x, h, cat, city, area, kw, weekday0, window=56, min_days=14, min_group=12):
    m, d = x.shape
    w = min(window, d)
    out = []
    info = []
    for i in range(m):
        recent = [v for v in x[i, d - w :] if math.isfinite(v)]
        level = statistics.median(recent) if len(recent) >= min_days else math.nan
        if area[i] > 0:
            basis, size = 0, area[i]
        elif kw[i] > 0:
            basis, size = 1, kw[i]
        else:
            basis, size = 2, 1.0
        band = math.floor(math.log(size) / math.log(2.0)) if basis < 2 else 0
        value = math.log(max(level, 0.24) / size) if math.isfinite(level) else math.nan
        feats, day = naive_features(list(x[i, d - w :]), h[i, d - w :].tolist(),
                                    None if weekday0 is None else weekday0 + d - w)
        info.append((cat[i], basis, band, city[i], value, feats, level, size, day))
    for i in range(m):
        c, b, band, ci, value, feats, level, size, _ = info[i]
        keys = [lambda o: o[:4] == (c, b, band, ci), lambda o: o[:3] == (c, b, band), lambda o: o[:2] == (c, b)]
        chosen, members = -1, []
        for lvl, same in enumerate(keys):
            members = [o for o in info if same(o) and math.isfinite(o[4])]
            if len(members) >= min_group:
                chosen = lvl
                break
        row = {"group_level": chosen, "level_kwh_day": level}
        if chosen < 0:
            row.update(level_ratio=math.nan, level_z=math.nan, shape_z=math.nan, peer_level_kwh_day=math.nan,
                       score=0.0, peer_size=0, peer_day=[math.nan] * 24)
            out.append(row)
            continue
        vals = [o[4] for o in members]
        med = statistics.median(vals)
        spread = max(1.4826 * statistics.median([abs(v - med) for v in vals]), 0.15)
        zs = []
        all_members = [o for o in info if keys[chosen](o)]
        for f, floor in enumerate((0.02, 0.03, 0.03, 0.05, 0.03)):
            fv = [o[5][f] for o in all_members if math.isfinite(o[5][f])]
            if len(fv) < min_group or not math.isfinite(feats[f]):
                continue
            fm = statistics.median(fv)
            fs = max(1.4826 * statistics.median([abs(v - fm) for v in fv]), floor)
            zs.append(abs((feats[f] - fm) / fs))
        level_z = (value - med) / spread
        shape_z = max(zs) if zs else math.nan
        level_ev = 1 - math.exp(-max(level_z, 0) / 3) if math.isfinite(level_z) else 0.0
        shape_ev = 1 - math.exp(-shape_z / 4) if zs else 0.0
        row.update(level_ratio=math.exp(value - med) if math.isfinite(value) else math.nan, level_z=level_z,
                   shape_z=shape_z, peer_level_kwh_day=math.exp(med) * size,
                   score=level_ev * (1 - 0.3 * (1 - shape_ev)), peer_size=len(members),
                   peer_day=naive_peer_day([o[8] for o in all_members], math.exp(med) * size, min_group))
        out.append(row)
    return out


def naive_peer_day(days, peer_level, min_group):
    """The group's median hour-by-hour shape (each member's day over its mean hour), mean 1, times peer_level / 24."""
    shapes = [[v / (sum(day) / 24) for v in day] for day in days if all(math.isfinite(v) for v in day)]
    shapes = [s for s in shapes if all(math.isfinite(v) for v in s)]
    if len(shapes) < min_group:
        return [math.nan] * 24
    centre = [statistics.median(s[t] for s in shapes) for t in range(24)]
    return [v / (sum(centre) / 24) * peer_level / 24 for v in centre]


def nasty_case(rng):
    m = int(rng.integers(1, 60))
    d = int(rng.choice([1, 10, 30, 70, 120]))
    base = rng.uniform(0.0, 40, (m, 1)) * rng.choice([1, 1, 1, 0], (m, 1))
    h = base[:, :, None] / 24 * rng.gamma(5, 0.2, (m, d, 24))
    h[rng.random(m) < 0.2] = np.nan  # billing meters: no hourly data
    h[:, rng.random(d) < 0.05, 2] = np.nan  # DST-like missing hour
    x = np.where(np.all(np.isnan(h), axis=2), base * rng.gamma(5, 0.2, (m, d)), np.nansum(h, axis=2))
    x[rng.random((m, d)) < 0.1] = np.nan
    x[rng.random(m) < 0.05] = np.nan
    h[:, :5] = np.where(rng.random((m, 1, 1)) < 0.2, 1.0, h[:, :5])  # constant runs
    area = np.where(rng.random(m) < 0.5, rng.uniform(20, 400, m), np.nan)
    kw = np.where(rng.random(m) < 0.5, rng.uniform(3, 60, m), np.nan)
    cat, city = rng.integers(0, 3, m), rng.integers(0, 3, m)
    return x, h, cat, city, area, kw


@pytest.mark.parametrize("seed", range(12))
def test_matches_naive_twin(seed):
    rng = np.random.default_rng(seed)
    x, h, cat, city, area, kw = nasty_case(rng)
    weekday0 = None if seed % 3 == 0 else int(rng.integers(0, 7))
    min_group = int(rng.choice([2, 5, 12]))
    res = peer_outlier(x, h, cat, city, area, kw, first_weekday=weekday0, min_group=min_group)
    slow = naive_peers(x, h, cat, city, area, kw, weekday0, min_group=min_group)
    for i, row in enumerate(slow):
        assert res.group_level[i] == row["group_level"], i
        assert res.peer_size[i] == row["peer_size"], i
        for name in FIELDS:
            fast, want = float(getattr(res, name)[i]), row[name]
            if math.isnan(want):
                assert math.isnan(fast), (name, i)
            else:
                assert fast == pytest.approx(want, rel=1e-9, abs=1e-12), (name, i)
        np.testing.assert_allclose(res.peer_day_kw[i], row["peer_day"], rtol=1e-9, atol=1e-12, err_msg=str(i))
    assert np.all((res.score >= 0) & (res.score <= 1))


def test_degenerate_shapes():
    for m, d in ((0, 5), (1, 1), (3, 0)):
        res = peer_outlier(np.full((m, d), np.nan), np.full((m, d, 24), np.nan), np.zeros(m, int), np.zeros(m, int),
                           np.full(m, np.nan), np.full(m, np.nan))
        assert res.score.shape == (m,) and np.all(res.score == 0) and np.all(res.group_level == -1)


# ---------------------------------------------------------------- behaviour
def shops(rng, n, area, city, intensity=0.5):
    """Shops open 8-19 on weekdays, kWh/day = intensity kWh/m2 * area, with day and hour noise."""
    d = 84
    t = np.arange(24)
    shape = np.where((t >= 8) & (t < 19), 1.0, 0.25)
    weekday = (np.arange(d) % 7) < 5
    day = np.where(weekday, 1.0, 0.5)[None, :, None] * rng.lognormal(0, 0.1, (n, d, 1))
    kwh = intensity * area[:, None, None] * rng.lognormal(0, 0.15, (n, 1, 1))
    h = kwh / shape.sum() * shape[None, None, :] * day * rng.gamma(10, 0.1, (n, d, 24))
    return h, np.full(n, 1), np.full(n, city), area


def _stack(parts):
    return [np.concatenate(p) for p in zip(*parts)]


def test_three_times_peers_ranks_above_normal_and_sizes_normalise():
    rng = np.random.default_rng(3)
    parts = [shops(rng, 40, rng.uniform(65, 125, 40), city=c) for c in (0, 1)]  # one size band
    parts.append(shops(rng, 1, np.array([90.0]), city=0, intensity=1.5))  # uses 3x its peers
    parts.append(shops(rng, 1, np.array([3000.0]), city=0))  # a supermarket at the same kWh/m2
    h, cat, city, area = _stack(parts)
    x = h.sum(axis=2)
    res = peer_outlier(x, h, cat, city, area, np.full(len(x), np.nan), first_weekday=0)
    heavy, big = len(x) - 2, len(x) - 1
    assert res.level_ratio[heavy] == pytest.approx(3.0, rel=0.35)
    assert res.score[heavy] > np.max(np.delete(res.score, [heavy]))
    assert res.score[heavy] > 0.5
    # the supermarket has no peers of its size: it falls back to all shops, compared per m2
    assert res.group_level[big] == 2
    assert abs(res.level_z[big]) < 2.0 and res.score[big] < 0.3
    assert res.peer_level_kwh_day[big] == pytest.approx(x[big, -56:].mean(), rel=0.5)
    assert np.all(res.group_level[:80] == 0)  # 40 shops per city: city groups


def test_shape_outlier_names_its_feature_and_billing_meters_get_level_only():
    rng = np.random.default_rng(5)
    h, cat, city, area = shops(rng, 40, rng.uniform(60, 120, 40), city=0)
    h[0] = h[0].mean()  # same energy, flat around the clock
    x = h.sum(axis=2)
    h[1] = np.nan  # a billing meter among them
    res = peer_outlier(x, h, cat, city, area, np.full(40, np.nan), first_weekday=0)
    assert SHAPE_FEATURES[res.shape_feature[0]] in ("night_share", "load_factor", "flatness", "plateau_share")
    assert res.shape_z[0] > 5
    assert np.isnan(res.shape_z[1]) and res.shape_feature[1] == -1 and np.isfinite(res.level_z[1])
    assert res.score[0] < 0.3  # an unusual shape alone is not a peer outlier


def test_small_groups_fall_back():
    rng = np.random.default_rng(9)
    parts = [shops(rng, 5, rng.uniform(60, 120, 5), city=c) for c in range(4)]  # 5 per city: too few
    h, cat, city, area = _stack(parts)
    res = peer_outlier(h.sum(axis=2), h, cat, city, area, np.full(20, np.nan))
    assert np.all(res.group_level == 1) and np.all(res.peer_size == 20)
    res = peer_outlier(h.sum(axis=2), h, cat, city, np.full(20, np.nan), np.full(20, np.nan))
    assert np.all(res.basis == 2) and np.all(res.group_level == 1)
    res = peer_outlier(h.sum(axis=2)[:8], h[:8], cat[:8], city[:8], area[:8], np.full(8, np.nan))
    assert np.all(res.group_level == -1) and np.all(res.score == 0)
