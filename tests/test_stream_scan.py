"""The streaming scan on a small simulated city: chunking changes nothing, the per-meter stage plus the driver
give what the detectors give on whole matrices, and the Parquet fast path gives the store scan's leads while
accounting for every input row."""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wattwatch.cli import LOAD_ORDER
from wattwatch.core.added_blocks import with_added_blocks
from wattwatch.core.drop import sustained_drop
from wattwatch.core.feeder import feeder_balance
from wattwatch.core.increase import strange_increase
from wattwatch.core.lookalikes import lamp_days, lookalike_evidence
from wattwatch.core.peers import peer_outlier
from wattwatch.core.photoperiod import detect_photoperiod, season_of
from wattwatch.engine.duckdb import DuckDBEngine, daily_matrix, interval_readings, meter_table, profile_matrix
from wattwatch.engine.parquet import ParquetEngine
from wattwatch.ingest import ingest_file
from wattwatch.scan import evidence as evidence_module
from wattwatch.scan import run_scan
from wattwatch.scan.evidence import gather_evidence
from wattwatch.settings import Settings
from wattwatch.sim import CityConfig, generate_city, write_city
from wattwatch.store import connect

TZ = "Europe/Tirane"
# Interval meters only (the Parquet path carries no billing reads), grows and thefts enough to rank, no messy rows
# (ingest and the fast path reject the same kinds, but the store would also keep its quarantine apart).
CONFIG = CityConfig(seed=13, n_premises=90, days=130, start="2025-02-20", grow_rate=0.1, theft_rate=0.06,
                    resolution_shares=(("60min", 0.6), ("30min", 0.2), ("15min", 0.2)), register_meters=1,
                    mess_rate=0.0)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream_city")
    files = write_city(generate_city(CONFIG), folder / "files")
    settings = Settings(timezone=TZ)
    store = connect(folder / "store.duckdb")
    for kind in LOAD_ORDER:
        if kind in files and kind != "register_reads":
            ingest_file(store, kind, files[kind], settings=settings)
    yield folder, files, store, settings
    store.close()


def evidence(store, settings, engine=None):
    return gather_evidence(engine or DuckDBEngine(store, settings), store, settings, lambda name: None)


def assert_same(a, b, path="evidence"):
    """Every array in two (nested) results equal, NaN matching NaN."""
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=path)


def test_chunk_size_does_not_change_any_result(city, monkeypatch):
    _, _, store, settings = city
    whole = evidence(store, settings)
    monkeypatch.setattr(evidence_module, "CHUNK_CELLS", 1)  # one meter per chunk
    one_by_one = evidence(store, settings)
    for name in ("daily", "increase", "lighting", "peers", "lookalikes", "drop"):
        assert_same(getattr(whole, name), getattr(one_by_one, name), name)
    for f in dataclasses.fields(whole.feeder):  # per-feeder hourly sums are added in another order
        np.testing.assert_allclose(getattr(whole.feeder, f.name), getattr(one_by_one.feeder, f.name), rtol=1e-9,
                                   atol=1e-9, err_msg=f.name)


def test_streaming_stage_matches_the_detectors_on_whole_matrices(city):
    _, _, store, settings = city
    ev = evidence(store, settings)
    meters = meter_table(store)
    flat = interval_readings(store, settings)
    daily = daily_matrix(store, settings, meters, flat)
    hourly = profile_matrix(meters, flat, np.arange(len(meters.meter_ids)), daily.first_day, daily.n_days).kw
    assert_same(ev.daily, daily, "daily")
    info, weekday = ev.info, daily.first_day.weekday()
    increase = strange_increase(daily.kwh, min_history_days=settings.min_history_days)
    assert_same(ev.increase, increase, "increase")
    hourly_meters = np.flatnonzero(meters.interval_minutes == 60)
    direct = detect_photoperiod(hourly[hourly_meters], 1.0)
    lamps = with_added_blocks(direct, hourly[hourly_meters], weekday, increase.change_day[hourly_meters],
                              increase.score[hourly_meters])
    np.testing.assert_array_equal(ev.lighting.score[hourly_meters], lamps.score)
    np.testing.assert_array_equal(ev.lighting.is_block[hourly_meters], lamps.is_block)
    peers = peer_outlier(daily.kwh, hourly, info.category, info.city, info.floor_area_m2, info.contracted_kw,
                         first_weekday=weekday)
    assert_same(ev.peers, peers, "peers")
    lookalikes = lookalike_evidence(daily.kwh, hourly, info.category, weekday, change_day=increase.change_day,
                                    is_block=lamp_days(ev.lighting.is_block, ev.lighting.score),
                                    block_season=season_of(ev.lighting),
                                    peers=peers)
    assert_same(ev.lookalikes, lookalikes, "lookalikes")
    drop = sustained_drop(daily.kwh, peer_level=peers.peer_level_kwh_day, is_block=ev.lighting.is_block,
                          zero_days=daily.zero_days, kw_hourly=hourly, min_history_days=settings.min_history_days)
    assert_same(ev.drop, drop, "drop")
    feeders = ev.feeders
    assert len(feeders.feeder_ids)
    feeder = feeder_balance(feeders.kwh, daily.kwh, info.feeder, feeder_kw_hourly=feeders.kw,
                            member_kw_hourly=hourly, min_history_days=settings.min_history_days)
    for f in dataclasses.fields(feeder):
        np.testing.assert_allclose(getattr(ev.feeder, f.name), getattr(feeder, f.name), rtol=1e-9, atol=1e-9,
                                   err_msg=f.name)


BAD_ROWS = [  # (meter_id, ts offset from the first reading in hours or None, kwh, reason)
    ("NOT-A-METER", 1, 0.5, "unknown_meter"),
    (None, 2, 0.5, "missing_value"),
    ("FIRST", None, 0.5, "missing_value"),
    ("FIRST", 3, None, "missing_value"),
    ("FIRST", 4, float("nan"), "non_finite"),
    ("FIRST", 5, -0.3, "negative_kwh"),
    ("FIRST", 6, 1e7, "absurd_kwh"),
    ("FIRST", 0, "same", "duplicate"),
    ("FIRST", 0, 123.0, "conflicting_duplicate"),
]


def readings_parquet(store, path: Path) -> tuple[int, dict[str, int]]:
    """The store's readings as a Parquet file sorted by meter, plus BAD_ROWS; returns (rows, bad rows by reason)."""
    schema = pa.schema([("meter_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("kwh", pa.float64())])
    good = pa.Table.from_pylist(
        [dict(zip(("meter_id", "ts", "kwh"), row))
         for row in store.execute("SELECT meter_id, ts, kwh FROM readings ORDER BY meter_id, ts").fetchall()],
        schema=schema,
    )
    first = good.slice(0, 1).to_pylist()[0]
    bad = [{"meter_id": first["meter_id"] if meter == "FIRST" else meter,
            "ts": None if hours is None else first["ts"] + timedelta(hours=hours),
            "kwh": first["kwh"] if kwh == "same" else kwh}
           for meter, hours, kwh, _ in BAD_ROWS]
    table = pa.concat_tables([good, pa.Table.from_pylist(bad, schema=schema)])
    pq.write_table(table.sort_by([("meter_id", "ascending"), ("ts", "ascending")]), path, row_group_size=20_000)
    return table.num_rows, dict(Counter(reason for *_, reason in BAD_ROWS))


def leads_of(path: Path) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [(row["premise_id"], row["score"]) for row in csv.DictReader(f)]


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])  # 2: worker processes
def test_parquet_fast_path_gives_the_store_scans_leads_and_accounts_for_every_row(city, tmp_path, workers):
    folder, files, store, settings = city
    n_rows, reasons = readings_parquet(store, tmp_path / "readings.parquet")
    registers = connect(tmp_path / "registers.duckdb")
    for kind in LOAD_ORDER:
        if kind in files and kind not in ("readings", "register_reads"):
            ingest_file(registers, kind, files[kind], settings=settings)
    engine = ParquetEngine(registers, settings, [tmp_path / "readings.parquet"], tmp_path / "rejected", workers)
    fast = run_scan(registers, settings, tmp_path / "fast", engine=engine)
    slow = run_scan(store, settings, tmp_path / "slow")
    assert leads_of(fast.leads_csv) == leads_of(slow.leads_csv)
    stats = engine.stats
    assert stats.rows_in == n_rows == stats.accepted + sum(stats.rejected.values())
    assert dict(stats.rejected) == reasons
    rejected = pa.concat_tables([pq.read_table(p) for p in sorted((tmp_path / "rejected").glob("*.parquet"))])
    assert sorted(rejected["reason"].to_pylist()) == sorted(r for *_, r in BAD_ROWS)
    assert "NOT-A-METER" in rejected["meter_id"].to_pylist()
    registers.close()


def test_monthly_reads_given_to_the_kernel_get_no_lamp_block_and_do_not_break_the_chunk():
    """A meter read monthly (a step over a day) sits in the same chunk as an hourly meter: the hourly meter's
    evidence is what it is alone, the monthly one has no time-of-day slots and so no lamp block."""
    from datetime import date

    from wattwatch.engine.base import ReadingsChunk
    from wattwatch.engine.matrices import MeterTable
    from wattwatch.scan.meter_stage import StageContext, meter_series, meter_stage

    n_days = 90
    start = 1_735_689_600  # 2025-01-01 00:00 UTC
    hours = start + 3600 * np.arange(24 * n_days)
    lamp = 5.0 * ((hours // 3600) % 24 < 18)  # an 18 h block every day, in UTC hours
    months = start + 86_400 * np.arange(0, n_days, 30)
    meters = MeterTable(np.array(["H", "M"], dtype=object), np.zeros(2, dtype=np.int64), np.zeros(2, dtype=bool))
    ctx = StageContext(meters, "UTC", date(2025, 1, 1), n_days, 0.8, 28, np.full(2, -1), 0)

    def chunk(rows, parts):
        meter_row = np.concatenate([np.full(t.size, r) for r, (t, _) in zip(rows, parts)]).astype(np.int64)
        t = np.concatenate([p[0] for p in parts]).astype(np.int64)
        kwh = np.concatenate([p[1] for p in parts]).astype(np.float64)
        return ReadingsChunk(np.asarray(rows, dtype=np.int64), meter_row, t, kwh, np.zeros(t.size, dtype=bool))

    readings = chunk([0, 1], [(hours, 0.3 + lamp), (months, np.full(months.size, 900.0))])
    both = meter_stage(ctx, readings)
    alone = meter_stage(ctx, chunk([0], [(hours, 0.3 + lamp)]))
    assert alone["lighting.is_block"][0].any() and alone["lighting.lamp_kw"][0] > 4.0
    for name, value in alone.items():
        if not name.startswith("sum:"):
            np.testing.assert_array_equal(both[name][:1], value, err_msg=name)
    assert meter_series(ctx, readings).interval_minutes[1] > 24 * 60
    assert not both["lighting.is_block"][1].any() and both["lighting.score"][1] == 0
