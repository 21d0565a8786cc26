"""Local wall-clock time <-> UTC instants in an IANA time zone, vectorised with numpy.

Around a DST change a local time has two instants (the repeated hour on the fall-back day) or none (the skipped
hour on the spring-forward day). For every local time L (as epoch seconds of the same wall clock in UTC) the
candidates are L minus the zone's offset one day before and one day after; a candidate is valid when the zone's
offset at it equals the offset used. Zone transitions come from zoneinfo, found by probing daily and bisecting to
the second, so only the years the data spans are probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from wattwatch.core.kernels.cells import to_local

DAY = 86400


@dataclass(frozen=True)
class LocalToUtc:
    earlier: np.ndarray  # epoch seconds of the earlier valid instant (undefined where n_valid == 0)
    later: np.ndarray  # epoch seconds of the later valid instant (== earlier unless ambiguous)
    n_valid: np.ndarray  # 0: does not exist (spring-forward gap), 1: unique, 2: ambiguous (fall-back repeat)


def _offset(zone: ZoneInfo, t: int) -> int:
    return int(datetime.fromtimestamp(t, zone).utcoffset().total_seconds())


def zone_offsets(zone_name: str, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """(segment starts, offsets): the zone's UTC offset is offsets[i] from starts[i] until starts[i + 1]."""
    zone = ZoneInfo(zone_name)
    days = np.arange(start - 2 * DAY, stop + 2 * DAY, DAY, dtype=np.int64)
    offsets = np.array([_offset(zone, int(d)) for d in days], dtype=np.int64)
    starts, values = [int(days[0])], [int(offsets[0])]
    for i in np.flatnonzero(offsets[1:] != offsets[:-1]):
        lo, hi = int(days[i]), int(days[i + 1])  # offset changes somewhere in (lo, hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if _offset(zone, mid) == values[-1] else (lo, mid)
        starts.append(hi)
        values.append(int(offsets[i + 1]))
    return np.array(starts, dtype=np.int64), np.array(values, dtype=np.int64)


def local_to_utc(local: np.ndarray, zone_name: str) -> LocalToUtc:
    """Local wall-clock epoch seconds -> the valid UTC instants (see LocalToUtc)."""
    local = np.asarray(local, dtype=np.int64)
    if local.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return LocalToUtc(empty, empty, empty)
    starts, offsets = zone_offsets(zone_name, int(local.min()), int(local.max()))

    def offset_at(t: np.ndarray) -> np.ndarray:
        return offsets[np.clip(np.searchsorted(starts, t, side="right") - 1, 0, offsets.size - 1)]

    off_a, off_b = offset_at(local - DAY), offset_at(local + DAY)
    cand_a, cand_b = local - off_a, local - off_b
    ok_a = offset_at(cand_a) == off_a
    ok_b = (offset_at(cand_b) == off_b) & (off_b != off_a)
    earlier = np.where(ok_a & ok_b, np.minimum(cand_a, cand_b), np.where(ok_a, cand_a, cand_b))
    later = np.where(ok_a & ok_b, np.maximum(cand_a, cand_b), earlier)
    return LocalToUtc(earlier, later, ok_a.astype(np.int64) + ok_b)


def utc_to_local(utc: np.ndarray, zone_name: str) -> np.ndarray:
    """UTC epoch seconds -> local wall-clock epoch seconds (the wall clock read as if it were UTC)."""
    utc = np.asarray(utc, dtype=np.int64)
    if utc.size == 0:
        return utc.copy()
    return to_local(utc, *zone_segments(utc, zone_name))  # one compiled pass: utc + the offset of its segment


def zone_segments(utc: np.ndarray, zone_name: str) -> tuple[np.ndarray, np.ndarray]:
    """zone_offsets over the span of these UTC seconds (one segment of offset 0 when there are none)."""
    if len(utc) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    return zone_offsets(zone_name, int(np.min(utc)), int(np.max(utc)))
