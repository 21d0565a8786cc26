"""Readings: every row rule, duplicates, DST, resolution per meter, zero runs, register reads, idempotency."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import table_fingerprint
from wattwatch.ingest import ingest_file
from wattwatch.settings import Settings

HEADER = "meter_id,timestamp,kwh"
T0 = datetime(2024, 1, 10, tzinfo=timezone(timedelta(hours=1)))


def series(meter: str, n: int, step_min: int = 15, kwh: float = 0.4, start: datetime = T0) -> list[str]:
    return [f"{meter},{(start + timedelta(minutes=step_min * i)).isoformat()},{kwh}" for i in range(n)]


def load(con, write, rows: list[str], name="r.csv", **kw):
    return ingest_file(con, "readings", write(name, "\n".join([HEADER, *rows]) + "\n"), **kw)


def quarantined(con) -> list[tuple[int, str]]:
    return con.execute("SELECT line, reason FROM quarantine WHERE file LIKE '%r.csv' ORDER BY line").fetchall()


BAD_ROWS = [
    ("M1,2024-01-10T10:00:00+01:00", "wrong_field_count"),
    ("M1,2024-01-10T10:00:00+01:00,1,2", "wrong_field_count"),
    (",2024-01-10T10:00:00+01:00,1", "missing_value"),
    ("M1,,1", "missing_value"),
    ("M1,2024-01-10T10:00:00+01:00,", "missing_value"),
    ("M1,yesterday,1", "bad_timestamp"),
    ("M1,1850-01-10T10:00:00+01:00,1", "bad_timestamp"),
    ("M1,2024-01-10 10:00:00,1", "bad_timestamp"),  # no offset and no timezone
    ("M1,2024-01-10T10:00:00+01:00,1;5", "bad_number"),
    ("M1,2024-01-10T10:00:00+01:00,nan", "non_finite"),
    ("M1,2024-01-10T10:00:00+01:00,inf", "non_finite"),
    ("M1,2024-01-10T10:00:00+01:00,-0.5", "negative_kwh"),
    ("M1,2024-01-10T10:00:00+01:00,5000", "absurd_kwh"),  # 5000 kWh in 15 min = 20 MW
    ("M9,2024-01-10T10:00:00+01:00,1", "unknown_meter"),
    ("M1,2024-01-10T10:07:00+01:00,1", "off_grid"),
    ("M1,2024-01-10T01:00:00+01:00,0.4", "duplicate"),  # same as an earlier row of the background series
    ("M1,2024-01-10T01:15:00+01:00,0.9", "conflicting_duplicate"),
]


@pytest.mark.parametrize("row,reason", BAD_ROWS)
def test_each_bad_row_is_quarantined_with_its_reason(registered, write, row, reason):
    background = series("M1", 40)
    s = load(registered, write, [*background, row])
    n_bad = 2 if reason == "conflicting_duplicate" else 1  # both copies of a conflicting pair are rejected
    assert s.rows_read == len(background) + 1 == s.rows_accepted + s.rows_rejected
    assert s.by_reason == {reason: n_bad}
    lines = quarantined(registered)
    assert lines[-1] == (len(background) + 2, reason)
    assert registered.execute("SELECT count(*) FROM readings").fetchone()[0] == s.rows_accepted
    raw = registered.execute("SELECT raw, file, detail FROM quarantine ORDER BY line DESC LIMIT 1").fetchone()
    assert raw[0] and raw[1].endswith("r.csv") and raw[2]


def test_premises_must_be_loaded_first(con, write):
    from wattwatch.errors import InputError

    with pytest.raises(InputError, match="premises"):
        load(con, write, series("M1", 4))


def test_reingest_is_a_no_op(registered, write):
    first = load(registered, write, series("M1", 20))
    before = table_fingerprint(registered)
    again = load(registered, write, series("M1", 20), name="copy.csv")
    assert again.already_loaded and again.load_id == first.load_id and again.rows_accepted == first.rows_accepted
    assert table_fingerprint(registered) == before


def test_stored_duplicates_and_conflicts(registered, write):
    load(registered, write, series("M1", 8), name="a.csv")
    s = load(registered, write, series("M1", 4) + series("M1", 4, kwh=9.0, start=T0 + timedelta(hours=1))[:1]
             + series("M1", 3, start=T0 + timedelta(hours=2)), name="b.csv")
    assert s.by_reason == {"duplicate": 4, "conflicts_with_stored": 1}
    assert s.rows_accepted == 3
    stored = registered.execute("SELECT kwh FROM readings WHERE epoch(ts) = ?",
                                [(T0 + timedelta(hours=1)).timestamp()]).fetchone()
    assert stored == (0.4,)


def test_mixed_resolutions_and_unknown_meter_resolution(registered, write):
    rows = series("M1", 30, 15) + series("M2", 30, 60) + series("M3", 30, 7)
    s = load(registered, write, rows)
    assert s.by_reason == {"unknown_resolution": 30}
    meters = dict(registered.execute("SELECT meter_id, resolution FROM meters").fetchall())
    assert meters == {"M1": "15min", "M2": "60min"}


def test_billing_reads_and_gap_count(registered, write):
    billing = [f"M1,2024-{m:02d}-01T00:00:00+01:00,{300 + m}" for m in range(1, 13)]
    gappy = series("M2", 10, 30) + series("M2", 10, 30, start=T0 + timedelta(hours=10))
    s = load(registered, write, billing + gappy)
    assert s.rows_rejected == 0
    rows = dict(registered.execute("SELECT meter_id, (resolution, n_missing) FROM meters").fetchall())
    assert rows["M1"][0] == "billing" and rows["M1"][1] == 0
    assert rows["M2"][0] == "30min" and rows["M2"][1] == 10  # 10 half-hours missing between the blocks


def test_infinite_naive_times_are_bad_timestamps_not_a_crash(registered, write):
    """'inf' parses as an infinite timestamp; with --timezone it must be rejected, not handed to the zone lookup."""
    rows = ["M1,2024-01-10 10:00:00,1", "M1,inf,1", "M1,-infinity,1", "M1,2024-01-10 10:15:00,1"]
    s = load(registered, write, rows, timezone="Europe/Tirane")
    assert (s.rows_accepted, s.by_reason) == (2, {"bad_timestamp": 2})
    assert [line for line, _ in quarantined(registered)] == [3, 4]


@pytest.mark.parametrize("step", [15, 30, 60])
@pytest.mark.parametrize("day,hours", [("2024-03-31", 23), ("2024-10-27", 25)])
def test_naive_local_times_on_dst_days(registered, write, step, day, hours):
    """A naive local day with every wall-clock slot written once (the repeated hour twice) gives 23 or 25 hours."""
    d0 = datetime.fromisoformat(day)
    slots = [d0 + timedelta(minutes=step * i) for i in range(24 * 60 // step)]
    if hours == 25:  # the repeated hour 02:00-02:59 appears again after 02:59
        repeat = [s for s in slots if s.hour == 2]
        slots = [s for s in slots if s.hour <= 2] + repeat + [s for s in slots if s.hour > 2]
    rows = [f"M1,{s.isoformat(sep=' ')},1" for s in slots]
    s = load(registered, write, rows, timezone="Europe/Tirane")
    skipped = 60 // step if hours == 23 else 0
    assert s.by_reason == ({"nonexistent_local_time": skipped} if skipped else {})
    n, first, last = registered.execute("SELECT count(*), epoch(min(ts)), epoch(max(ts)) FROM readings").fetchone()
    assert n == hours * 60 // step
    assert last - first == (hours * 60 - step) * 60
    assert first == d0.replace(tzinfo=ZoneInfo("Europe/Tirane")).timestamp()
    assert registered.execute("SELECT resolution FROM meters").fetchone()[0] == f"{step}min"


def test_zero_run_flagged_only_on_mostly_nonzero_meter(registered, write):
    # M1: 4 h of zeros in 4 days of otherwise positive data -> missing data; M2: zeros everywhere -> real zeros
    rows = series("M1", 384)
    rows[100:116] = [r.rsplit(",", 1)[0] + ",0" for r in rows[100:116]]
    rows += [r.rsplit(",", 1)[0] + ",0" for r in series("M2", 384)]
    load(registered, write, rows, settings=Settings(zero_run_hours=3.0))
    flagged = dict(registered.execute(
        "SELECT meter_id, count(*) FILTER (WHERE zero_as_missing) FROM readings GROUP BY 1").fetchall())
    assert flagged == {"M1": 16, "M2": 0}


def test_register_reads_become_intervals(registered, write):
    text = "\n".join(["meter_id,timestamp,register_kwh"] + [
        f"M1,{(T0 + timedelta(minutes=15 * i)).isoformat()},{v}"
        for i, v in enumerate([99_998.0, 99_999.0, 1.0, 2.5, 0.2, 1.0, 2.0])
    ]) + "\n"
    s = ingest_file(registered, "readings", write("reg.csv", text))
    assert s.kind == "register_reads"
    assert s.by_reason == {"register_baseline": 1, "meter_replacement": 1}
    kwh = [r[0] for r in registered.execute("SELECT kwh FROM readings ORDER BY ts").fetchall()]
    assert kwh == pytest.approx([1.0, 2.0, 1.5, 0.8, 1.0])
    first = registered.execute("SELECT epoch(min(ts)) FROM readings").fetchone()[0]
    assert first == T0.timestamp()  # energy is attributed to the start of its interval


def test_malformed_file_leaves_database_unchanged(registered, write):
    load(registered, write, series("M1", 10), name="ok.csv")
    before = table_fingerprint(registered)
    from wattwatch.errors import InputError

    with pytest.raises(InputError):
        ingest_file(registered, "readings", write("bad.csv", "meter_id,time,kwh\nM1,x,1\n"))
    with pytest.raises(InputError):
        load(registered, write, [f"M1,garbage{i},1" for i in range(10)], name="bad2.csv")
    assert table_fingerprint(registered) == before


def test_progress_is_reported(registered, write):
    calls = []
    load(registered, write, series("M1", 10), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_register_gap_is_rejected(registered, write):
    minutes = [0, 15, 30, 45, 60, 120, 135]  # the reads at 60 and 120 are an hour apart on a 15-min meter
    text = "\n".join(["meter_id,timestamp,register_kwh"] + [
        f"M1,{(T0 + timedelta(minutes=m)).isoformat()},{10 + i}" for i, m in enumerate(minutes)
    ]) + "\n"
    s = ingest_file(registered, "readings", write("reg.csv", text))
    assert s.by_reason == {"register_baseline": 1, "register_gap": 1}
    assert s.rows_accepted == 5
