"""The streaming scan's small kernels against slow, obviously-correct twins: reading intervals, reading checks,
cutting a sorted stream into chunks, combining chunk outputs."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from numpy_intervals import infer_interval_minutes
from wattwatch.core.intervals import USUAL_MINUTES
from wattwatch.core.reading_checks import (
    ABSURD,
    CONFLICT,
    MISSING,
    NEGATIVE,
    NOT_FINITE,
    OK,
    SAME_AGAIN,
    UNKNOWN,
    duplicate_faults,
    row_faults,
)
from wattwatch.engine.base import SUM_PREFIX, concat_outputs
from wattwatch.engine.chunking import ReadingsBatch, as_chunk, chunk_rows, cut_chunks
from wattwatch.errors import InputError


def naive_interval(times: list[int]) -> int:
    steps = [b - a for a, b in zip(times, times[1:])]
    counts = Counter(s for s in steps if s in {m * 60 for m in USUAL_MINUTES})
    if counts:
        best = max(counts.values())
        return next(m for m in USUAL_MINUTES if counts.get(m * 60) == best)  # ties: the coarser
    positive = [s for s in steps if s > 0]
    return max(int(round(float(np.median(positive)) / 60.0)), 1) if positive else 0


def nasty_streams(rng):
    """(position, utc seconds, n meters): regular meters at every usual interval, gaps, a repeated time, a lone
    reading, none at all, an odd logger, and a meter whose 15-min and 60-min steps tie."""
    meters = [
        np.arange(0, 3600 * 50, 3600),
        np.arange(0, 900 * 200, 900),
        np.delete(np.arange(0, 1800 * 90, 1800), [5, 6, 7, 40]),  # gaps
        np.array([0, 600, 600, 1200, 1800]),  # a repeated reading
        np.array([12345]),
        np.array([], dtype=np.int64),
        np.arange(0, 420 * 30, 420),  # 7-min logger: no usual step
        np.array([0, 900, 1800, 5400, 9000]),  # 15, 15, 60, 60: tie goes to 60
    ]
    rng.shuffle(meters)
    position = np.concatenate([np.full(len(t), i) for i, t in enumerate(meters)]).astype(np.int64)
    return position, np.concatenate(meters).astype(np.int64) + 1_700_000_000, len(meters), meters


def test_interval_inference_matches_the_naive_twin():
    rng = np.random.default_rng(3)
    for _ in range(5):
        position, t, n, meters = nasty_streams(rng)
        got = infer_interval_minutes(position, t, n)
        assert got.tolist() == [naive_interval((m + 1_700_000_000).tolist()) for m in meters]


def test_interval_inference_of_nothing():
    assert infer_interval_minutes(np.zeros(0, np.int64), np.zeros(0, np.int64), 3).tolist() == [0, 0, 0]


def naive_row_fault(row, has_time, kwh, has_kwh, max_kwh):
    if row == -2 or not has_time or not has_kwh:
        return MISSING
    if row == -1:
        return UNKNOWN
    if not np.isfinite(kwh):
        return NOT_FINITE
    if kwh < 0:
        return NEGATIVE
    if kwh > max_kwh:
        return ABSURD
    return OK


def test_row_faults_match_the_naive_rules_one_row_at_a_time():
    rng = np.random.default_rng(5)
    n = 4000
    row = rng.choice([-2, -1, 0, 3, 7], n)
    has_time = rng.random(n) > 0.05
    has_kwh = rng.random(n) > 0.05
    kwh = rng.choice([0.0, 0.4, -0.2, np.inf, -np.inf, np.nan, 5e4, 12.0], n)
    kwh = np.where(has_kwh, kwh, np.nan)  # a null kWh arrives as NaN
    got = row_faults(row, has_time, kwh, has_kwh, max_kwh=1e4)
    want = [naive_row_fault(*args, 1e4) for args in zip(row, has_time, kwh, has_kwh)]
    assert got.tolist() == want
    assert {MISSING, UNKNOWN, NOT_FINITE, NEGATIVE, ABSURD, OK} <= set(want)


def test_duplicate_faults_match_the_naive_twin():
    rng = np.random.default_rng(7)
    row = np.sort(rng.integers(0, 5, 300))
    t = np.zeros(300, dtype=np.int64)
    for r in np.unique(row):
        at = np.flatnonzero(row == r)
        t[at] = np.sort(rng.integers(0, 40, at.size)) * 3600  # many repeats
    kwh = rng.choice([1.0, 2.0], 300)
    got = duplicate_faults(row, t, kwh)
    want, first = [], {}
    for r, s, v in zip(row, t, kwh):
        key = (r, s)
        if key not in first:
            first[key] = v
            want.append(OK)
        else:
            want.append(SAME_AGAIN if v == first[key] else CONFLICT)
    assert got.tolist() == want
    assert duplicate_faults(np.zeros(0), np.zeros(0), np.zeros(0)).size == 0


def batches_of(rows, t, cuts):
    edges = [0, *cuts, rows.size]
    return [ReadingsBatch(rows[a:b], t[a:b], t[a:b].astype(float), np.zeros(b - a, bool))
            for a, b in zip(edges, edges[1:])]


@pytest.mark.parametrize("size", [1, 3, 50])
def test_cutting_a_stream_does_not_depend_on_where_batches_end(size):
    rng = np.random.default_rng(size)
    meter = np.sort(rng.choice(np.arange(0, 40, 2), 500))  # odd rows never read: meters without readings
    t = np.concatenate([np.arange((meter == m).sum()) for m in np.unique(meter)]).astype(np.int64)
    chunks = chunk_rows(np.arange(40), size)
    for cuts in ([], sorted(rng.choice(np.arange(1, 500), 30, replace=False).tolist()), list(range(1, 500))):
        got = list(cut_chunks(batches_of(meter, t, cuts), chunks))
        assert [c.rows.tolist() for c in got] == [c.tolist() for c in chunks]
        for chunk in got:
            mine = np.isin(meter, chunk.rows)
            assert chunk.meter_row.tolist() == meter[mine].tolist()
            assert chunk.utc_seconds.tolist() == t[mine].tolist()


def test_cutting_leaves_out_meters_in_no_chunk_and_sorts_time_within_a_meter():
    meter = np.array([0, 0, 1, 1, 2, 2])
    t = np.array([5, 1, 9, 3, 4, 2])
    got = list(cut_chunks(batches_of(meter, t, [3]), [np.array([0, 2])]))
    assert got[0].meter_row.tolist() == [0, 0, 2, 2]
    assert got[0].utc_seconds.tolist() == [1, 5, 2, 4]


def test_a_meter_seen_again_after_its_chunk_is_an_input_error():
    meter = np.array([0, 1, 2, 0])
    with pytest.raises(InputError, match="not sorted"):
        list(cut_chunks(batches_of(meter, np.arange(4), [3]), chunk_rows(np.arange(3), 1)))


def test_as_chunk_sorts_any_order_by_meter_then_time():
    part = ReadingsBatch(np.array([2, 0, 2, 0]), np.array([1, 9, 0, 3]), np.arange(4.0), np.zeros(4, bool))
    chunk = as_chunk([part], np.array([0, 2]))
    assert chunk.meter_row.tolist() == [0, 0, 2, 2] and chunk.utc_seconds.tolist() == [3, 9, 0, 1]
    assert chunk.kwh.tolist() == [3.0, 1.0, 2.0, 0.0]


def test_concat_outputs_orders_rows_and_adds_up_the_sums():
    a = (np.array([4, 5]), {"x": np.array([40.0, 50.0]), SUM_PREFIX + "f": np.ones((2, 3))})
    b = (np.array([0, 2]), {"x": np.array([0.0, 20.0]), SUM_PREFIX + "f": np.full((2, 3), 2.0)})
    got = concat_outputs([a, b])
    assert got["rows"].tolist() == [0, 2, 4, 5]
    assert got["x"].tolist() == [0.0, 20.0, 40.0, 50.0]
    np.testing.assert_array_equal(got[SUM_PREFIX + "f"], np.full((2, 3), 3.0))
    assert concat_outputs([])["rows"].size == 0


def test_concat_outputs_reorders_chunks_whose_rows_interleave():
    """Engines may cut chunks that are not runs of consecutive rows: the result is still in row order."""
    parts = [(np.array([1, 3]), {"x": np.array([[1.0], [3.0]])}), (np.array([0, 2]), {"x": np.array([[0.0], [2.0]])})]
    got = concat_outputs(parts)
    assert got["rows"].tolist() == [0, 1, 2, 3] and got["x"][:, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
