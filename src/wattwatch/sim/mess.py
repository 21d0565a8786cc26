"""Messy rows, as real exports have them, injected into the long readings arrays; each kind is counted.

Kinds: exact and conflicting duplicates, negative values, absurd spikes, timestamps off the meter's grid, rows
for meters not in the register, runs of zeros that stand for missing data, and gaps (rows removed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ABSURD_KWH = 250_000.0  # far above any contracted capacity x interval


@dataclass
class Readings:
    """Long readings: one entry per row."""

    meter: np.ndarray  # int32 index into meter_ids
    utc_s: np.ndarray  # int64 interval start
    kwh: np.ndarray  # float64
    meter_ids: np.ndarray  # object: id of each meter index

    def take(self, rows: np.ndarray) -> "Readings":
        return Readings(self.meter[rows], self.utc_s[rows], self.kwh[rows], self.meter_ids)

    def append(self, meter: np.ndarray, utc_s: np.ndarray, kwh: np.ndarray) -> "Readings":
        return Readings(np.concatenate([self.meter, meter]).astype(np.int32), np.concatenate([self.utc_s, utc_s]),
                        np.concatenate([self.kwh, kwh]), self.meter_ids)


def inject_mess(rng: np.random.Generator, r: Readings, step_s: np.ndarray, eligible: np.ndarray, rate: float,
                zero_run_hours: float) -> tuple[Readings, dict[str, int]]:
    """Returns messy readings and counts per kind.

    step_s: interval length per meter index (0 for billing meters); eligible: meter indices that may be touched
    (interval meters with plain, never-zero data). rate: share of eligible meters hit by each kind.
    """
    counts = {k: 0 for k in ("exact_duplicates", "conflicting_duplicates", "negative", "spikes", "off_grid",
                             "unknown_meter_rows", "zero_runs", "zero_run_rows", "gaps", "gap_rows")}
    if rate <= 0 or len(eligible) < 10:
        return r, counts
    k = max(1, int(rng.binomial(len(eligible), rate)))
    meters = rng.permutation(eligible)
    zero_meters, gap_meters, row_meters = meters[:k], meters[k:2 * k], meters[2 * k:]
    order = np.argsort(r.meter, kind="stable")
    first = np.searchsorted(r.meter[order], np.arange(len(r.meter_ids)))
    last = np.searchsorted(r.meter[order], np.arange(len(r.meter_ids)), side="right")

    def run_rows(m: int, hours: float) -> np.ndarray:
        n = int(np.ceil(hours * 3600 / step_s[m]))
        lo, hi = first[m], last[m]
        s = int(rng.integers(lo, max(lo + 1, hi - n)))
        return order[s:min(s + n, hi)]

    zero_rows = [run_rows(m, rng.uniform(zero_run_hours + 1, 30)) for m in zero_meters]
    gap_rows = [run_rows(m, rng.uniform(1, 72)) for m in gap_meters]
    kwh = r.kwh.copy()
    for rows in zero_rows:
        kwh[rows] = 0.0
    counts["zero_runs"], counts["zero_run_rows"] = len(zero_rows), int(sum(len(x) for x in zero_rows))

    # single rows for the other kinds: distinct rows of distinct meters, none touched twice
    picks = [order[int(rng.integers(first[m], last[m]))] for m in row_meters[:5 * k] if last[m] > first[m]]
    picks = np.array(picks[: 5 * k], dtype=np.int64)
    dup, conf, neg, spike, off = np.array_split(picks, 5)
    kwh[neg] = -np.abs(kwh[neg]) - 0.01
    kwh[spike] = ABSURD_KWH * rng.uniform(1, 4, len(spike))
    utc = r.utc_s.copy()
    utc[off] += rng.integers(1, 14, len(off)) * 60  # a meter clock minutes out, never a whole step
    counts.update(exact_duplicates=len(dup), conflicting_duplicates=len(conf), negative=len(neg),
                  spikes=len(spike), off_grid=len(off))

    unknown = np.array([f"XX{int(v)}" for v in rng.integers(100_000, 999_999, 2)], dtype=object)
    ids = np.concatenate([r.meter_ids, unknown])
    n_unknown = int(rng.integers(24, 24 * 7))
    start = int(r.utc_s.min()) + 3600 * int(rng.integers(0, 24 * 30))
    u_meter = np.repeat(np.arange(len(r.meter_ids), len(ids)), n_unknown).astype(np.int32)
    u_utc = np.tile(start + 3600 * np.arange(n_unknown, dtype=np.int64), 2)
    counts["unknown_meter_rows"] = len(u_meter)

    keep = np.ones(len(r.meter), bool)
    for rows in gap_rows:
        keep[rows] = False
    counts["gaps"], counts["gap_rows"] = len(gap_rows), int((~keep).sum())
    out = Readings(r.meter[keep], utc[keep], kwh[keep], ids)
    return out.append(np.concatenate([r.meter[dup], r.meter[conf], u_meter]),
                      np.concatenate([utc[dup], utc[conf], u_utc]),
                      np.concatenate([kwh[dup], kwh[conf] * rng.uniform(1.2, 2.0, len(conf)) + 0.01,
                                      rng.gamma(2, 0.3, len(u_meter))])), counts
