"""Premises, stores, sales and feeders: value rules, duplicate keys, reference checks."""

from __future__ import annotations

import pytest

from conftest import PREMISES_HEADER
from wattwatch.ingest import ingest_file

PREMISE = "P1,M1,residential,Rr. Kavajes 5,Tirane,41.3,19.8"

PREMISES_CASES = [
    ("P1,M1, Residential ,Rr. Kavajes 5,Tirane,41.3,19.8", None),
    ("P1,M1,castle,Rr. Kavajes 5,Tirane,41.3,19.8", "bad_category"),
    ("P1,M1,residential,Rr. Kavajes 5,Tirane,91,19.8", "out_of_range"),
    ("P1,M1,residential,Rr. Kavajes 5,Tirane,41.3,-181", "out_of_range"),
    ("P1,M1,residential,Rr. Kavajes 5,Tirane,north,19.8", "bad_number"),
    ("P1,,residential,Rr. Kavajes 5,Tirane,41.3,19.8", "missing_value"),
    ("P1,M1,,Rr. Kavajes 5,Tirane,41.3,19.8", "missing_value"),
]


@pytest.mark.parametrize("row,reason", PREMISES_CASES)
def test_premises_rules(con, write, row, reason):
    good = "P0,M0,other,Rr. Elbasanit 1,Tirane,41.3,19.8"  # keeps a bad value from being most of the file
    s = ingest_file(con, "premises", write("p.csv", f"{PREMISES_HEADER}\n{good}\n{row}\n"))
    assert s.by_reason == ({reason: 1} if reason else {})
    if reason is None:
        assert con.execute("SELECT category FROM premises WHERE meter_id = 'M1'").fetchone() == ("residential",)


def test_premises_duplicates_in_file_and_against_stored(con, write):
    text = f"{PREMISES_HEADER}\n{PREMISE}\n{PREMISE}\n{PREMISE.replace('P1', 'P9')}\n"
    s = ingest_file(con, "premises", write("p.csv", text))
    assert s.by_reason == {"duplicate": 1, "duplicate_key": 1} and s.rows_accepted == 1
    s2 = ingest_file(con, "premises", write("p2.csv", f"{PREMISES_HEADER}\n{PREMISE}\nP2,M2,other,a,b,1,1\n"))
    assert s2.by_reason == {"duplicate": 1} and s2.rows_accepted == 1


def test_premises_optional_columns(con, write):
    header = PREMISES_HEADER + ",account_holder,phone,feeder_id,floor_area_m2,contracted_kw"
    rows = [PREMISE + ",Arben Hoxha,+355691234567,F1,85,6", PREMISE.replace("M1", "M2") + ",,,,,-3"]
    s = ingest_file(con, "premises", write("p.csv", "\n".join([header, *rows]) + "\n"))
    assert s.by_reason == {"out_of_range": 1}
    assert con.execute("SELECT feeder_id, floor_area_m2 FROM premises").fetchall() == [("F1", 85.0)]


STORES = "store_id,city,latitude,longitude\nS1,Tirane,41.3,19.8\nS2,Durres,41.3,19.4\nS2,Durres,41.3,19.4\n"
SALES_HEADER = "sale_id,timestamp,store_id,product,quantity,payment,buyer_name,buyer_address,buyer_phone"


def test_stores_and_sales(con, write):
    assert ingest_file(con, "stores", write("s.csv", STORES)).by_reason == {"duplicate": 1}
    rows = [
        "1,2024-02-01T10:00:00+01:00,S1,Llambë natriumi 600W,8,CASH,,,",
        "2,2024-02-01T10:05:00+01:00,S9,LED panel,1,card,Ana,,",
        "3,2024-02-01T10:06:00+01:00,S1,LED panel,0,card,,,",
        "4,2024-02-01T10:07:00+01:00,S1,LED panel,1.5,card,,,",
        "5,2024-02-01T10:08:00+01:00,S1,,1,card,,,",
        "1,2024-02-01T10:00:00+01:00,S1,Ballast,1,cash,,,",
    ]
    s = ingest_file(con, "sales", write("sales.csv", "\n".join([SALES_HEADER, *rows]) + "\n"))
    assert s.by_reason == {"unknown_store": 1, "out_of_range": 1, "bad_number": 1, "missing_value": 1,
                           "duplicate_key": 1}
    assert con.execute("SELECT quantity, payment, buyer_name FROM sales").fetchall() == [(8, "cash", None)]


def test_sales_without_stores_loaded_accept_any_store(con, write):
    s = ingest_file(con, "sales", write("sales.csv", f"{SALES_HEADER},watts\n1,2024-02-01 10:00,S7,HPS,2,cash,,,,600\n"),
                    timezone="Europe/Tirane")
    assert s.rows_accepted == 1


def test_feeders_need_no_register(con, write):
    rows = [f"F1,2024-01-10T{h:02d}:00:00+01:00,{100 + h}" for h in range(6)] + ["F1,2024-01-10T06:00:00+01:00,-5"]
    s = ingest_file(con, "feeders", write("f.csv", "\n".join(["feeder_id,timestamp,kwh", *rows]) + "\n"))
    assert (s.rows_accepted, s.by_reason) == (6, {"negative_kwh": 1})
    assert con.execute("SELECT count(*) FROM feeders").fetchone() == (6,)
