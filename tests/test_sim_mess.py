"""Messy rows: what the simulator says it injected is exactly what is in the readings."""

from __future__ import annotations

import duckdb
import pytest

from wattwatch.sim import CityConfig, generate_city

CONFIG = CityConfig(seed=21, n_premises=300, days=45, mess_rate=0.03, grow_rate=0.0, theft_rate=0.0)


@pytest.fixture(scope="module")
def con():
    city = generate_city(CONFIG)
    c = duckdb.connect()
    c.register("readings", city.readings)
    c.register("premises", city.premises)
    c.register("truth", city.truth)
    c.execute("""CREATE TABLE r AS
        SELECT meter_id, epoch(timestamp)::BIGINT AS t, kwh,
               CASE WHEN t.notes LIKE '%resolution=15min%' THEN 900 WHEN t.notes LIKE '%resolution=30min%' THEN 1800
                    WHEN t.notes LIKE '%resolution=60min%' THEN 3600 END AS step
        FROM readings LEFT JOIN premises p USING (meter_id)
        LEFT JOIN truth t ON t.premise_id = p.premise_id""")
    return c, city.mess_counts


def one(c, sql):
    return c.execute(sql).fetchone()[0]


def test_every_kind_was_injected(con):
    _, counts = con
    assert all(v > 0 for v in counts.values()), counts


def test_duplicates(con):
    c, counts = con
    assert one(c, "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM r)) FROM r") == \
        counts["exact_duplicates"]
    assert one(c, """SELECT count(*) FROM (SELECT meter_id, t FROM r GROUP BY ALL
                     HAVING count(DISTINCT kwh) > 1)""") == counts["conflicting_duplicates"]


def test_bad_values(con):
    c, counts = con
    assert one(c, "SELECT count(*) FROM r WHERE kwh < 0") == counts["negative"]
    assert one(c, "SELECT count(*) FROM r WHERE kwh > 10000 AND step IS NOT NULL") == counts["spikes"]
    assert one(c, "SELECT count(*) FROM r WHERE kwh = 0") == counts["zero_run_rows"]
    runs = one(c, """SELECT count(*) FROM (SELECT meter_id FROM r WHERE kwh = 0 GROUP BY meter_id
                     HAVING (max(t) - min(t)) / any_value(step) + 1 = count(*)
                        AND count(*) * any_value(step) > 3 * 3600)""")
    assert runs == counts["zero_runs"]  # one contiguous run per meter, longer than the missing-data rule


def test_unknown_meters_off_grid_and_gaps(con):
    c, counts = con
    assert one(c, "SELECT count(*) FROM r WHERE meter_id NOT IN (SELECT meter_id FROM premises)") == \
        counts["unknown_meter_rows"]
    assert one(c, "SELECT count(*) FROM r WHERE step IS NOT NULL AND t % step <> 0") == counts["off_grid"]
    expected = one(c, f"""SELECT sum({CONFIG.days} * 86400 // step) FROM (SELECT DISTINCT meter_id, step FROM r
                          WHERE step IS NOT NULL)""")
    on_grid = one(c, """SELECT count(*) FROM (SELECT DISTINCT meter_id, t FROM r
                         WHERE step IS NOT NULL AND t % step = 0)""")
    assert expected - on_grid == counts["gap_rows"] + counts["off_grid"]


def test_zero_rate_means_clean():
    city = generate_city(CityConfig(seed=3, n_premises=80, days=20, mess_rate=0.0))
    assert set(city.mess_counts.values()) == {0}
