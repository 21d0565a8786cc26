"""Baselines computed from the same ingested store as the pipeline, taking the readings at face value (a zero is a
zero, gaps are gaps): what a careful analyst could do with a spreadsheet and a stock anomaly detector.

- high-use ratio: mean daily kWh over the last 90 days / the median of that over meters of the same category.
  Grows: the ratio (higher = more suspicious); thefts: its inverse (lower use = more suspicious).
- monthly step: last full calendar month's kWh/day / the median of the three months before it.
  Grows: the ratio; thefts: its inverse (a drop).
- IsolationForest (scikit-learn) on generic per-meter features: log mean, log std and log 99th percentile of daily
  kWh, base-load share (5th percentile / mean), night share (22-06 h), weekend / weekday ratio, last 90 days /
  first 90 days; billing meters get the level features only and a forest of their own. No direction: the same
  anomaly score for grows and thefts.
A premises takes the highest score of its meters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

WINDOW_DAYS = 90
MIN_COVERAGE = 0.8  # the share of a day's intervals a baseline needs to count the day
MIN_MONTH_DAYS = 0.5  # share of a month's days observed for its mean to count
NIGHT_HOURS = (22, 6)


@dataclass(frozen=True)
class DailyView:
    meter_ids: np.ndarray  # str[m]
    premise_ids: np.ndarray  # str[m]
    category: np.ndarray  # str[m]
    is_billing: np.ndarray  # bool[m]
    first_day: date
    kwh: np.ndarray  # float[m, d], NaN = not observed
    night_kwh: np.ndarray  # float[m, d], NaN for billing meters


_INTERVAL = f"""
SELECT r.meter_id, datediff('day', $first::DATE, CAST(timezone($tz, r.ts) AS DATE)) AS di, sum(r.kwh) AS kwh,
       coalesce(sum(r.kwh) FILTER (WHERE hour(timezone($tz, r.ts)) >= {NIGHT_HOURS[0]}
                                      OR hour(timezone($tz, r.ts)) < {NIGHT_HOURS[1]}), 0) AS night,
       count(*) / any_value(24.0 * 60 / m.interval_minutes) AS coverage
FROM readings r JOIN meters m USING (meter_id) WHERE m.resolution <> 'billing' GROUP BY ALL
"""
_BILLING = """
WITH b AS (
    SELECT r.meter_id, datediff('day', $first::DATE, CAST(timezone($tz, r.ts) AS DATE)) AS di, r.kwh,
           datediff('day', $first::DATE, CAST(timezone($tz, lead(r.ts) OVER w) AS DATE)) AS next_di
    FROM readings r JOIN meters m USING (meter_id) WHERE m.resolution = 'billing'
    WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.ts)
), typical AS (SELECT *, median(next_di - di) OVER (PARTITION BY meter_id) AS days FROM b)
SELECT meter_id, di, kwh, coalesce(next_di, di + CAST(round(coalesce(days, 30)) AS INTEGER)) AS end_di FROM typical
"""


def daily_view(con: duckdb.DuckDBPyConnection, tz: str) -> DailyView:
    (first, last), = con.execute(
        "SELECT CAST(timezone($tz, min(ts)) AS DATE), CAST(timezone($tz, max(ts)) AS DATE) FROM readings",
        {"tz": tz}).fetchall()
    n_days = (last - first).days + 1
    reg = con.execute("""SELECT m.meter_id, p.premise_id, p.category, m.resolution = 'billing' AS billing
                         FROM meters m JOIN premises p USING (meter_id) ORDER BY 1""").fetchnumpy()
    ids = np.asarray(reg["meter_id"], dtype=object)
    row = {m: i for i, m in enumerate(ids)}
    kwh = np.full((len(ids), n_days), np.nan)
    night = np.full((len(ids), n_days), np.nan)
    cells = con.execute(_INTERVAL, {"tz": tz, "first": first}).fetchnumpy()
    r = np.array([row.get(m, -1) for m in cells["meter_id"]], dtype=np.int64)
    ok = (r >= 0) & (cells["coverage"] >= MIN_COVERAGE)
    scale = 1 / np.minimum(np.asarray(cells["coverage"], np.float64)[ok], 1.0)
    kwh[r[ok], cells["di"][ok].astype(np.int64)] = np.asarray(cells["kwh"], np.float64)[ok] * scale
    night[r[ok], cells["di"][ok].astype(np.int64)] = np.asarray(cells["night"], np.float64)[ok] * scale
    reads = con.execute(_BILLING, {"tz": tz, "first": first}).fetchnumpy()
    for m, start, end, e in zip(reads["meter_id"], reads["di"], reads["end_di"], reads["kwh"]):  # ~a dozen each
        if m in row and end > start:
            kwh[row[m], max(start, 0):min(end, n_days)] = e / (end - start)
    return DailyView(ids, np.asarray(reg["premise_id"], dtype=object), np.asarray(reg["category"], dtype=object),
                     np.asarray(reg["billing"], dtype=bool), first, kwh, night)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return a / b


def _nanmean(x: np.ndarray, axis: int = 1) -> np.ndarray:
    n = np.isfinite(x).sum(axis=axis)
    return np.where(n > 0, np.nansum(x, axis=axis) / np.maximum(n, 1), np.nan)


def high_use(view: DailyView) -> tuple[np.ndarray, np.ndarray]:
    recent = _nanmean(view.kwh[:, -WINDOW_DAYS:])
    median = np.full(len(recent), np.nan)
    for c in np.unique(view.category):  # six categories
        mask = view.category == c
        if np.isfinite(recent[mask]).any():
            median[mask] = np.nanmedian(recent[mask])
    ratio = _ratio(recent, median)
    return ratio, _ratio(1.0, ratio)


def monthly_step(view: DailyView) -> tuple[np.ndarray, np.ndarray]:
    n_days = view.kwh.shape[1]
    dates = np.datetime64(view.first_day) + np.arange(n_days)
    month = dates.astype("datetime64[M]")
    months, first_day_of, counts = np.unique(month, return_index=True, return_counts=True)
    full = np.flatnonzero((dates[first_day_of] == months.astype("datetime64[D]"))
                          & (counts == ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]"))
                             .astype(np.int64)))
    step = np.full(len(view.kwh), np.nan)
    if len(full) >= 4:
        means = []
        for k in full[-4:]:  # the last full month and the three before it
            block = view.kwh[:, first_day_of[k]:first_day_of[k] + counts[k]]
            seen = np.isfinite(block).mean(axis=1) >= MIN_MONTH_DAYS
            means.append(np.where(seen, _nanmean(block), np.nan))
        before = np.nanmedian(np.stack(means[:3], axis=1), axis=1)
        step = _ratio(means[3], before)
    return step, _ratio(1.0, step)


def _features(view: DailyView, rows: np.ndarray, with_shape: bool) -> np.ndarray:
    kwh = view.kwh[rows]
    mean = _nanmean(kwh)
    n = kwh.shape[1]
    half = min(WINDOW_DAYS, n // 2)
    level = [np.log1p(mean), np.log1p(np.nanstd(kwh, axis=1)), np.log1p(np.nanpercentile(kwh, 99, axis=1)),
             np.log(_ratio(_nanmean(kwh[:, -half:]) + 1e-3, _nanmean(kwh[:, :half]) + 1e-3))]
    if with_shape:
        weekday = (np.datetime64(view.first_day) + np.arange(n)).astype("datetime64[D]").astype(np.int64)
        weekend = (weekday + 3) % 7 >= 5  # 1970-01-01 was a Thursday
        level += [_ratio(np.nanpercentile(kwh, 5, axis=1), mean),
                  _ratio(np.nansum(view.night_kwh[rows], axis=1), np.nansum(kwh, axis=1)),
                  np.log(_ratio(_nanmean(kwh[:, weekend]) + 1e-3, _nanmean(kwh[:, ~weekend]) + 1e-3))]
    x = np.stack(level, axis=1)
    x[~np.isfinite(x)] = np.nan
    fill = np.nanmedian(x, axis=0) if np.isfinite(x).any() else np.zeros(x.shape[1])
    return np.where(np.isnan(x), np.nan_to_num(fill)[None, :], x)


def isolation_forest(view: DailyView, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.ensemble import IsolationForest

    score = np.full(len(view.meter_ids), np.nan)
    observed = np.isfinite(view.kwh).any(axis=1)
    for billing in (False, True):
        rows = np.flatnonzero((view.is_billing == billing) & observed)
        if len(rows) < 2:
            continue
        x = _features(view, rows, with_shape=not billing)
        forest = IsolationForest(n_estimators=300, random_state=seed).fit(x)
        score[rows] = -forest.score_samples(x)  # higher = more isolated
    return score, score


def by_premises(view: DailyView, meter_score: np.ndarray, premise_ids: np.ndarray) -> np.ndarray:
    """Each premises' highest meter score (NaN when none of its meters has one)."""
    best: dict[str, float] = {}
    for p, s in zip(view.premise_ids, meter_score):  # one pass over the meters
        if not np.isnan(s):
            best[p] = max(best.get(p, -np.inf), float(s))
    return np.array([best.get(p, np.nan) for p in premise_ids])


BASELINES = {
    "high-use ratio": lambda view, seed: high_use(view),
    "monthly step": lambda view, seed: monthly_step(view),
    "IsolationForest": isolation_forest,
}
