"""Ingest kernels against slow references: local time -> UTC, zero-run rule, CSV record line scan."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wattwatch.ingest.csvscan import scan_csv
from wattwatch.core.localtime import local_to_utc
from wattwatch.ingest.zeroruns import zero_as_missing

ZONES = ["Europe/Tirane", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


def reference_instants(local: int, zone: ZoneInfo) -> list[int]:
    """All instants whose wall clock in the zone is `local`, via zoneinfo's fold."""
    wall = datetime(1970, 1, 1) + timedelta(seconds=local)
    out = set()
    for fold in (0, 1):
        aware = wall.replace(tzinfo=zone, fold=fold)
        back = aware.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
        if back == wall:
            out.add(int(aware.timestamp()))
    return sorted(out)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), st.lists(st.integers(0, 4 * 366 * 96), min_size=1, max_size=40), st.booleans())
def test_local_to_utc_matches_zoneinfo(zone_name, quarters, near_dst):
    base = int(datetime(2022, 3, 1).timestamp()) if not near_dst else int(datetime(2023, 10, 28).timestamp())
    local = np.array([base + 900 * (q % (96 * 3) if near_dst else q) for q in quarters], dtype=np.int64)
    conv = local_to_utc(local, zone_name)
    for i, value in enumerate(local):
        expected = reference_instants(int(value), ZoneInfo(zone_name))
        assert conv.n_valid[i] == len(expected)
        if expected:
            assert (conv.earlier[i], conv.later[i]) == (expected[0], expected[-1])


def reference_zero_flags(codes, t, kwh, interval, min_hours, max_share):
    flags = [False] * len(codes)
    for meter in set(codes):
        rows = [i for i in range(len(codes)) if codes[i] == meter]
        runs, current = [], []
        for i in rows:
            z = kwh[i] == 0 and interval[i] > 0
            if z and current and t[i] - t[current[-1]] == interval[i]:
                current.append(i)
            else:
                if current:
                    runs.append(current)
                current = [i] if z else []
        if current:
            runs.append(current)
        long_rows = {i for r in runs if len(r) * interval[r[0]] / 3600 >= min_hours for i in r}
        others = [i for i in rows if i not in long_rows]
        zeros = sum(1 for i in others if kwh[i] == 0 and interval[i] > 0)
        if others and zeros <= max_share * len(others):
            for i in long_rows:
                flags[i] = True
    return flags


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([900, 3600, -1]),
                          st.lists(st.tuples(st.sampled_from([0.0, 0.0, 0.0, 1.2]), st.sampled_from([1, 1, 1, 2])),
                                   min_size=1, max_size=40)), min_size=1, max_size=4),
       st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from([0.0, 0.1, 0.5]))
def test_zero_runs_match_reference(meters, min_hours, max_share):
    codes, t, kwh, interval = [], [], [], []
    for code, (step, rows) in enumerate(meters):
        now = 0
        for value, gap in rows:
            now += abs(step) * gap
            codes.append(code), t.append(now), kwh.append(value), interval.append(step)
    got = zero_as_missing(np.array(codes), np.array(t), np.array(kwh), np.array(interval), min_hours, max_share)
    assert list(got) == reference_zero_flags(codes, t, kwh, interval, min_hours, max_share)


cell = st.text(alphabet='ab,"\n ;', max_size=6)  # a lone CR is a line break to Python's csv, not to us


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=1, max_size=3), min_size=1, max_size=8),
       newline=st.sampled_from(["\n", "\r\n"]), chunk=st.integers(1, 64))
def test_record_lines_match_csv_module(tmp_path_factory, rows, newline, chunk):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    text = buf.getvalue()
    path = tmp_path_factory.mktemp("scan") / "x.csv"
    path.write_bytes(text.encode())
    import wattwatch.ingest.csvscan as cs

    old, cs.CHUNK_BYTES = cs.CHUNK_BYTES, chunk  # exercise records and quotes that span chunk boundaries
    try:
        got = list(scan_csv(path, "utf-8").record_lines)
    finally:
        cs.CHUNK_BYTES = old
    expected, line = [], 1
    reader = csv.reader(io.StringIO(text, newline=""))
    for record in reader:
        if record:
            expected.append(line)
        line = reader.line_num + 1
    assert got == expected
