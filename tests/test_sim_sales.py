"""Lamp sales: growers buy before their lamps come on, under varying spellings; legitimate bulk buyers exist."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from wattwatch.sim import CityConfig, generate_city

ROLES = {"grower", "straw_buyer", "greenhouse", "electrician", "shop", "household"}


@pytest.fixture(scope="module")
def con():
    city = generate_city(CityConfig(seed=4, n_premises=400, days=200, grow_rate=0.08, lookalike_rate=0.02,
                                    mess_rate=0.0))
    c = duckdb.connect()
    c.execute("SET TimeZone = 'Europe/Tirane'")
    for name in ("sales", "sales_truth", "truth", "premises", "stores"):
        c.register(name, getattr(city, name))
    c.execute("CREATE TABLE s AS SELECT * FROM sales JOIN sales_truth USING (sale_id)")
    return c


def test_ids_roles_and_stores(con):
    n, ids, roles = con.execute("SELECT count(*), count(DISTINCT sale_id), list(DISTINCT role) FROM s").fetchone()
    assert n == ids == con.execute("SELECT count(*) FROM sales").fetchone()[0]
    assert set(roles) == ROLES
    assert con.execute("SELECT count(*) FROM s WHERE store_id NOT IN (SELECT store_id FROM stores)").fetchone()[0] == 0
    assert con.execute("SELECT min(quantity) FROM s").fetchone()[0] >= 1


def test_grow_kit_is_bought_up_to_60_days_before_the_lamps_come_on(con):
    rows = con.execute("""
        SELECT t.premise_id, t.start_date, min(CAST(s.timestamp AS DATE)) FROM s JOIN truth t USING (premise_id)
        WHERE s.role IN ('grower', 'straw_buyer') AND t.label = 'grow' GROUP BY ALL""").fetchall()
    assert len(rows) >= 10
    for premise, start, first in rows:
        lead = (date.fromisoformat(start) - first).days
        assert -1 <= lead <= 62, premise  # a Sunday purchase moves to Monday


def test_growers_appear_under_several_spellings_and_straw_buyers_share_phone_or_address(con):
    spellings = con.execute("""SELECT max(n) FROM (SELECT buyer_entity, count(DISTINCT buyer_name) n FROM s
                               WHERE role = 'grower' GROUP BY ALL)""").fetchone()[0]
    assert spellings >= 2
    straw = con.execute("""
        SELECT s.buyer_phone, s.buyer_address, p.phone, p.address FROM s JOIN premises p USING (premise_id)
        WHERE s.role = 'straw_buyer' AND (s.buyer_phone IS NOT NULL OR s.buyer_address IS NOT NULL)""").fetchall()
    assert straw
    digits = lambda x: re.sub(r"\D", "", x or "")[-8:]  # noqa: E731
    number = lambda x: re.search(r"\d+", x or "")  # noqa: E731
    shared = sum(bool((sp and p and digits(sp) == digits(p)) or (sa and number(sa) and a and number(sa).group()
                                                                  == number(a).group())) for sp, sa, p, a in straw)
    assert shared >= len(straw) // 3


def test_growers_mostly_pay_cash_and_legit_bulk_buyers_are_who_they_say(con):
    cash = con.execute("SELECT avg(CASE WHEN payment = 'cash' THEN 1 ELSE 0 END) FROM s WHERE role = 'grower'")
    assert cash.fetchone()[0] > 0.6
    cats = con.execute("""SELECT DISTINCT p.category FROM s JOIN premises p USING (premise_id)
                          WHERE s.role = 'greenhouse'""").fetchall()
    assert cats == [("agricultural",)]
    assert con.execute("SELECT count(*) FROM s WHERE role IN ('electrician', 'shop') AND premise_id IS NOT NULL"
                       ).fetchone()[0] == 0
    assert con.execute("SELECT max(quantity) FROM s WHERE role = 'greenhouse'").fetchone()[0] >= 20


def test_watts_often_blank_and_products_in_both_languages(con):
    blank, total = con.execute("SELECT count(*) FILTER (WHERE watts IS NULL), count(*) FROM s").fetchone()
    assert blank > total / 2
    products = {r[0] for r in con.execute("SELECT DISTINCT product FROM s").fetchall()}
    assert any("natriumi" in p.lower() for p in products) and any("led grow" in p.lower() for p in products)
    assert any("ë" in p for p in products) and any(re.search(r"llambe\b", p.lower()) for p in products)
