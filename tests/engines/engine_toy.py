"""A toy chunk kernel, its slow per-meter twin, and nasty readings to run them on.

The toy kernel is vectorised over a chunk like the real ones (bincount over positions) and looks at everything an
engine must get right: which meters a chunk holds (with or without readings), the reading order (first kWh, steps
all positive), which readings were let through, the zero_as_missing flag, local time across DST (readings per local
hour of day) and a sum over chunks. The twin walks one meter at a time over plain Python lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from wattwatch.core.localtime import utc_to_local
from wattwatch.engine.base import ReadingsChunk

TZ = "Europe/Tirane"
UTC = timezone.utc
OUTPUT_KEYS = ("n", "kwh_sum", "n_flagged", "first_kwh", "last_utc", "ordered", "per_local_hour")
HOURS_KEY = "sum:readings_per_local_hour"  # summed over chunks, not per meter


def toy_kernel(chunk: ReadingsChunk) -> dict[str, np.ndarray]:
    k = chunk.rows.size
    pos = chunk.position
    n = np.bincount(pos, minlength=k)
    has = n > 0
    starts = np.r_[0, np.cumsum(n)[:-1]]
    first = np.minimum(starts, max(chunk.kwh.size - 1, 0))
    last = np.maximum(starts + n - 1, 0)
    step_ok = np.r_[True, (chunk.utc_seconds[1:] > chunk.utc_seconds[:-1]) | (pos[1:] != pos[:-1])]
    local_hour = utc_to_local(chunk.utc_seconds, TZ) % 86400 // 3600
    per_local_hour = np.bincount(pos * 24 + local_hour, minlength=k * 24).reshape(k, 24)
    return {
        "n": n,
        "kwh_sum": np.bincount(pos, weights=chunk.kwh, minlength=k),
        "n_flagged": np.bincount(pos, weights=chunk.zero_as_missing, minlength=k).astype(np.int32),
        "first_kwh": np.where(has, chunk.kwh[first] if chunk.kwh.size else 0.0, np.nan),
        "last_utc": np.where(has, chunk.utc_seconds[last] if chunk.kwh.size else 0, -1),
        "ordered": np.bincount(pos, weights=~step_ok, minlength=k) == 0,
        "per_local_hour": per_local_hour,
        HOURS_KEY: per_local_hour.sum(axis=0),
    }


def toy_reference(readings: list[tuple[str, int, float, bool]], meter_ids: list[str]) -> dict[str, np.ndarray]:
    """The toy kernel's outputs, one meter at a time over (meter_id, UTC second, kWh, flag) readings, for every
    meter of the MeterTable (meter_ids, in order)."""
    by_meter: dict[str, list[tuple[int, float, bool]]] = {m: [] for m in meter_ids}
    for m, t, kwh, flag in readings:
        by_meter[m].append((t, kwh, flag))
    out: dict[str, list] = {key: [] for key in ("rows", *OUTPUT_KEYS)}
    zone = ZoneInfo(TZ)
    for row, meter in enumerate(meter_ids):
        series = sorted(by_meter[meter])
        hours = [0] * 24
        for t, _, _ in series:
            hours[datetime.fromtimestamp(t, zone).hour] += 1
        out["rows"].append(row)
        out["n"].append(len(series))
        out["kwh_sum"].append(sum(v for _, v, _ in series))
        out["n_flagged"].append(sum(f for _, _, f in series))
        out["first_kwh"].append(series[0][1] if series else math.nan)
        out["last_utc"].append(series[-1][0] if series else -1)
        out["ordered"].append(True)
        out["per_local_hour"].append(hours)
    want = {key: np.array(values) for key, values in out.items()}
    want[HOURS_KEY] = want["per_local_hour"].sum(axis=0)
    return want


def _series(meter: str, start: datetime, step_minutes: int, count: int, rng: np.random.Generator):
    ts = [start + timedelta(minutes=step_minutes * i) for i in range(count)]
    return [(meter, t, float(v), False) for t, v in zip(ts, rng.gamma(2.0, 0.3, size=count))]


@dataclass(frozen=True)
class Nasty:
    readings: pa.Table  # meter_id, ts, kwh, zero_as_missing: raw, in no particular order
    register: list[str]  # the meters of the premises register
    accepted: list[tuple[str, int, float, bool]]  # what the checks must let through, one entry per kept reading
    rejected: list[tuple[str | None, str]]  # (meter_id, reason) of every row the checks must reject


def nasty_readings(seed: int = 3) -> Nasty:
    """Raw readings: spring-forward and fall-back days, a zero run flagged missing, a meter with one reading, gaps,
    ids whose byte order is not their natural order, a register meter without readings; and rows the checks must
    reject: NaN, negative and absurd kWh, missing fields, an unknown meter, repeated and conflicting instants."""
    rng = np.random.default_rng(seed)
    spring, autumn = datetime(2025, 3, 29, tzinfo=UTC), datetime(2025, 10, 25, tzinfo=UTC)
    good = []
    good += _series("M1", spring, 60, 72, rng)
    good += _series("M2", autumn, 15, 300, rng)
    zero_run = _series("M10", autumn, 30, 120, rng)
    zero_run[40:52] = [(m, t, 0.0, True) for m, t, _, _ in zero_run[40:52]]
    good += zero_run
    good += _series("M3", spring + timedelta(hours=5), 60, 1, rng)  # a single reading
    gappy = _series("M4", spring, 60, 96, rng)
    good += gappy[:20] + gappy[50:]
    good += _series("a0", spring, 60, 48, rng)  # lower case sorts after upper case in byte order
    good += _series("Ä1", autumn, 60, 50, rng)
    t0 = datetime(2025, 3, 30, 12, tzinfo=UTC)
    bad = {
        "non_finite": [("M1", t0 + timedelta(days=9), float("nan"), False)],
        "negative_kwh": [("M2", t0 + timedelta(days=9), -0.5, False)],
        "absurd_kwh": [("M4", t0 + timedelta(days=9), 1e7, False)],
        "missing_value": [(None, t0, 1.0, False), ("M1", None, 1.0, False),
                          ("M1", t0 + timedelta(days=8), None, False)],
        "unknown_meter": [("X9", t0, 1.0, False), ("X9", t0 + timedelta(hours=1), 1.0, False)],
        "duplicate": [good[3]],  # M1's fourth reading again
        "conflicting_duplicate": [(good[80][0], good[80][1], good[80][2] + 1.0, False)],  # a larger kWh, M2
    }
    rows = good + [r for rs in bad.values() for r in rs]
    meter, ts, kwh, flag = zip(*rows)
    table = pa.table({
        "meter_id": pa.array(meter, pa.string()),
        "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "kwh": pa.array(kwh, pa.float64()),
        "zero_as_missing": pa.array(flag, pa.bool_()),
    })
    return Nasty(
        readings=table.take(rng.permutation(table.num_rows)),
        register=sorted({m for m, *_ in good} | {"M5"}),  # M5: in the register, never read
        accepted=[(m, int(t.timestamp()), v, f) for m, t, v, f in good],
        rejected=[(r[0], reason) for reason, rs in bad.items() for r in rs],
    )
