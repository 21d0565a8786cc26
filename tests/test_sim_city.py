"""The demo city as a whole: determinism, the data contract, and ground truth that the readings bear out."""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from wattwatch import schema
from wattwatch.sim import CityConfig, generate_city, write_city
from wattwatch.sim.cases import LABELS

TRUTH_COLUMNS = ["premise_id", "meter_id", "label", "start_date", "end_date", "lamp_kw", "metered_fraction",
                 "visible", "notes"]
CONFIG = CityConfig(seed=11, n_premises=240, days=250, start="2025-03-01", grow_rate=0.15, theft_rate=0.04,
                    mess_rate=0.0)


@pytest.fixture(scope="module")
def city():
    return generate_city(CONFIG)


@pytest.fixture(scope="module")
def con(city):
    c = duckdb.connect()
    c.execute("SET TimeZone = 'Europe/Tirane'")
    for name in ("premises", "readings", "feeders", "truth", "register_reads"):
        c.register(name, getattr(city, name))
    c.execute("""CREATE TABLE daily AS SELECT meter_id, CAST(timestamp AS DATE) AS d, sum(kwh) AS kwh, count(*) AS n
                 FROM readings GROUP BY ALL""")
    return c


def _notes(row: dict) -> dict[str, str]:
    return dict(part.split("=", 1) for part in row["notes"].split("; ") if "=" in part)


def _rows(city, label: str) -> list[dict]:
    return city.truth.filter(pc.equal(city.truth["label"], label)).to_pylist()


def test_same_seed_gives_identical_city_and_another_seed_does_not():
    small = CityConfig(seed=5, n_premises=120, days=60, mess_rate=0.02)
    a, b = generate_city(small), generate_city(small)
    for name in ("premises", "readings", "register_reads", "sales", "stores", "feeders", "truth", "sales_truth"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.mess_counts == b.mess_counts
    c = generate_city(CityConfig(seed=6, n_premises=120, days=60, mess_rate=0.02))
    assert not a.readings.equals(c.readings)


@pytest.mark.parametrize("table", ["premises", "readings", "register_reads", "sales", "stores", "feeders"])
def test_tables_have_exactly_the_contract_columns(city, table):
    spec = schema.INPUT_TABLES[table]
    got = getattr(city, table)
    assert got.column_names == [c.name for c in spec.columns]
    for col in spec.columns:
        t = got.schema.field(col.name).type
        if pa.types.is_dictionary(t):
            t = t.value_type
        expected = {"string": pa.types.is_string, "category": pa.types.is_string, "float": pa.types.is_floating,
                    "int": pa.types.is_integer, "timestamp": lambda x: pa.types.is_timestamp(x) and x.tz}
        assert expected[col.type](t), (table, col.name, t)


def test_register_and_readings_agree(city):
    p = city.premises
    assert set(pc.unique(p["category"]).to_pylist()) <= set(schema.CATEGORIES)
    assert len(pc.unique(p["meter_id"])) == p.num_rows
    assert set(pc.unique(city.readings["meter_id"].combine_chunks().dictionary_decode()).to_pylist()) <= set(
        p["meter_id"].to_pylist())
    assert pc.min(city.readings["kwh"]).as_py() >= 0
    assert set(city.sales["store_id"].to_pylist()) <= set(city.stores["store_id"].to_pylist())
    assert set(city.feeders["feeder_id"].to_pylist()) == set(p["feeder_id"].to_pylist())
    feeders = duckdb.sql("""SELECT feeder_id, any_value(city) AS city, count(DISTINCT premise_id) AS n
                            FROM p GROUP BY feeder_id""").fetchall()
    per_city = {}
    for _, c, n in feeders:
        per_city.setdefault(c, []).append(n)
    for sizes in per_city.values():  # 30-80 premises per feeder, except a small town's single feeder
        assert len(sizes) == 1 or (min(sizes) >= 30 and max(sizes) <= 80 + 15)
    assert all(re.fullmatch(r"\+355 6[789] \d{3} \d{4}", x) for x in p["phone"].drop_null()
                                  .to_pylist())


def test_truth_has_one_row_per_premises_and_known_labels(city):
    t = city.truth
    assert t.column_names == TRUTH_COLUMNS
    assert t.num_rows == len(pc.unique(city.premises["premise_id"]))
    assert set(t["label"].to_pylist()) <= set(LABELS)
    assert {"grow", "theft"} <= set(t["label"].to_pylist())


@pytest.mark.parametrize("resolution, per_hour", [("60min", 1), ("30min", 2), ("15min", 4)])
def test_dst_days_have_23_and_25_hours_of_intervals(con, resolution, per_hour):
    counts = dict(con.execute("""
        SELECT d, min(n) FROM daily JOIN truth USING (meter_id)
        WHERE notes LIKE ? AND d IN ('2025-03-29', '2025-03-30', '2025-10-26') GROUP BY d""",
                              [f"%resolution={resolution}%"]).fetchall())
    assert counts == {date(2025, 3, 29): 24 * per_hour, date(2025, 3, 30): 23 * per_hour,
                      date(2025, 10, 26): 25 * per_hour}


def test_feeders_carry_at_least_what_their_interval_meters_record(con):
    worst = con.execute("""
        WITH m AS (SELECT p.feeder_id, epoch(r.timestamp) // 3600 AS h, sum(r.kwh) AS kwh
                   FROM readings r JOIN premises p USING (meter_id)
                   WHERE meter_id IN (SELECT meter_id FROM daily GROUP BY ALL HAVING sum(n) > 1000) GROUP BY ALL)
        SELECT min(f.kwh - m.kwh), count(*) FROM m JOIN feeders f
             ON f.feeder_id = m.feeder_id AND epoch(f.timestamp) // 3600 = m.h
    """).fetchone()
    assert worst[1] > 0 and worst[0] >= 0


def test_grows_add_lamp_energy_to_the_meter_after_they_start(con, city):
    grows = [g for g in _rows(city, "grow") if g["metered_fraction"] > 0 and "billing" not in g["notes"]]
    assert len(grows) >= 5
    for g in grows:
        before, after = con.execute("""
            SELECT avg(kwh) FILTER (WHERE d < CAST(? AS DATE)), avg(kwh) FILTER (WHERE d >= CAST(? AS DATE))
            FROM daily WHERE meter_id = ?""", [g["start_date"], g["start_date"], g["meter_id"]]).fetchone()
        added = g["lamp_kw"] * g["metered_fraction"] * 12
        assert after - before > 0.25 * added, g


def test_flowering_shows_12_hour_blocks_in_local_time(con, city):
    checked = 0
    for g in _rows(city, "grow"):
        kw = g["lamp_kw"] * g["metered_fraction"]
        if kw < 4 or "billing" in g["notes"]:
            continue
        veg, flower, _ = (int(x) for x in _notes(g)["cycles(veg/flower/gap d)"].split()[0].split("/"))
        first = date.fromisoformat(g["start_date"]) + timedelta(days=veg + 3)
        last = min(first + timedelta(days=flower - 6), date.fromisoformat(g["end_date"]))
        if (last - first).days < 7:
            continue
        hours = con.execute("""
            WITH r AS (SELECT CAST(timestamp AS DATE) AS d, date_trunc('hour', timestamp) AS h, sum(kwh) AS kwh
                       FROM readings WHERE meter_id = ? GROUP BY ALL),
                 q AS (SELECT d, h, kwh - min(kwh) OVER (PARTITION BY d) AS above FROM r)
            SELECT d, sum(CASE WHEN above > ? THEN 1 ELSE 0 END) FROM q WHERE d BETWEEN ? AND ? GROUP BY d
        """, [g["meter_id"], 0.6 * kw, first, last]).fetchall()
        lit = np.array([n for _, n in hours])
        lit = lit[lit > 0]  # missed days: lamps off
        assert 11 <= np.median(lit) <= 13, (g["premise_id"], lit)
        checked += 1
    assert checked >= 2


def test_whole_premises_bypass_hides_the_grow_and_drops_the_household(con, city):
    hidden = [g for g in _rows(city, "grow") if g["metered_fraction"] == 0]
    assert hidden, "the fixture should plant at least one whole-premises bypass"
    for g in hidden:
        assert not g["visible"]
        before, after = con.execute("""
            SELECT avg(kwh) FILTER (WHERE d < CAST(? AS DATE) - 25), avg(kwh) FILTER (WHERE d >= CAST(? AS DATE))
            FROM daily WHERE meter_id = ?""", [g["start_date"], g["start_date"], g["meter_id"]]).fetchone()
        assert after < 0.5 * before


def test_billing_meters_have_irregular_monthly_periods(con):
    gaps = np.array([r[0] for r in con.execute("""
        WITH b AS (SELECT r.meter_id, CAST(r.timestamp AS DATE) AS d FROM readings r JOIN truth t USING (meter_id)
                   WHERE t.notes LIKE '%resolution=billing%')
        SELECT d - lag(d) OVER (PARTITION BY meter_id ORDER BY d) FROM b QUALIFY d - lag(d) OVER (
            PARTITION BY meter_id ORDER BY d) IS NOT NULL""").fetchall()])
    assert len(gaps) > 10 and gaps.min() >= 28 and gaps.max() <= 33 and len(set(gaps)) > 2


def test_register_reads_include_a_rollover_and_a_replacement(city):
    r = city.register_reads
    events = {"rollover": 0, "replacement": 0}
    for meter in pc.unique(r["meter_id"]).to_pylist():
        sel = r.filter(pc.equal(r["meter_id"], meter))
        t = sel["timestamp"].cast(pa.int64()).to_numpy()
        v = sel["register_kwh"].to_numpy()
        assert (np.diff(t) > 0).all()
        for i in np.flatnonzero(np.diff(v) < -0.011):
            events["rollover" if v[i] > 99_000 and v[i + 1] < 1_000 else "replacement"] += 1
    assert events == {"rollover": 1, "replacement": 1}
    assert not set(r["meter_id"].to_pylist()) & set(
        city.readings["meter_id"].combine_chunks().dictionary_decode().to_pylist())


def test_write_city_writes_readable_files(city, tmp_path):
    paths = write_city(city, tmp_path)
    assert {p.name for p in paths.values()} == {
        "premises.csv", "readings.parquet", "register_reads.csv", "sales.csv", "stores.csv", "feeders.parquet",
        "truth.csv", "sales_truth.csv"}
    readings = pq.read_table(paths["readings"])
    assert readings.schema.field("timestamp").type.tz == "Europe/Tirane"
    assert readings.num_rows == city.readings.num_rows
    reads = pacsv.read_csv(paths["register_reads"], convert_options=pacsv.ConvertOptions(
        column_types={"timestamp": pa.string()}))
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", s) for s in reads["timestamp"].to_pylist())
    assert {"+01:00", "+02:00"} == {s[-6:] for s in reads["timestamp"].to_pylist()}
    sales = pacsv.read_csv(paths["sales"])
    assert sales.column_names == [c.name for c in schema.SALES.columns]
    assert pacsv.read_csv(paths["truth"]).column_names == TRUTH_COLUMNS
