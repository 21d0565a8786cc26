"""A small scanned city for the dashboard tests: a store, a real scan's leads.csv, links.csv, accounts, a client.

The city: 14 households on one feeder or none, a grow (lamps 18 h a day from day 150), a theft (the meter falls
to a third from day 160 while the feeder keeps delivering), a monthly-read shop with a rise, and two lamp sales
linked to the grow. The scan runs before the sales are added, so no linkage model is trained (the links are
written by hand, as the scan would write them).
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from starlette.testclient import TestClient

from wattwatch.scan import run_scan
from wattwatch.settings import Settings
from wattwatch.store import connect
from wattwatch.trust import Workspace
from wattwatch.web import create_app, open_state

from helpers_store import insert_meters, insert_readings

UTC = timezone.utc
START = datetime(2024, 9, 1, tzinfo=UTC)
DAYS = 240
GROW, THEFT, SHOP = "P-GROW", "P-THEFT", "P-SHOP"
FEEDER = "FD1"
PASSWORD = "correct horse battery staple"
USERS = {"ana": "analyst", "ben": "analyst", "sup1": "supervisor", "sup2": "supervisor", "aud": "auditor"}
BUYER_NAME, HOLDER_NAME = "Dritan Kola", "Arben Hoxha"
SETTINGS = Settings(min_history_days=60, report_top=3)


def _hourly(meter: str, rng, level_kw: float = 0.5, extra_kw: float = 0.0, from_day: int = DAYS,
            factor_after: float = 1.0) -> tuple[list, np.ndarray]:
    hours = np.arange(DAYS * 24)
    kw = level_kw * rng.gamma(6, 1 / 6, size=hours.size) * (1 + 0.5 * ((hours % 24) >= 17))
    kw = kw * np.where(hours // 24 >= from_day, factor_after, 1.0)
    kw = kw + extra_kw * ((hours // 24 >= from_day) & (hours % 24 < 18))
    return [(meter, START + timedelta(hours=int(h)), float(v), False) for h, v in zip(hours, kw)], kw


def build_city(folder: Path) -> Path:
    """Write folder/wattwatch.duckdb, leads.csv, settings.json, links.csv; return folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    con = connect(folder / "wattwatch.duckdb")
    readings, meters, premises, feeder_kw = [], [], [], np.zeros(DAYS * 24)
    plan = [(f"P{i:03d}", f"M{i:03d}", {}) for i in range(14)]
    plan += [(GROW, "M-GROW", {"extra_kw": 3.0, "from_day": 150}), (THEFT, "M-THEFT", {"level_kw": 1.5,
             "from_day": 160, "factor_after": 0.3})]
    for i, (premise, meter, shape) in enumerate(plan):
        rows, kw = _hourly(meter, rng, **shape)
        readings += rows
        meters.append((meter, "60min", 60, START, START + timedelta(days=DAYS)))
        on_feeder = i % 2 == 0 or premise in (GROW, THEFT)
        if on_feeder:
            feeder_kw += kw
        if premise == THEFT:  # what the bypass hides: the meter shows 30 % of the use after day 160
            stolen = np.where(np.arange(DAYS * 24) // 24 >= 160, kw * (1 / 0.3 - 1), 0.0)
        city = "Durrës" if premise == GROW else "Tiranë"
        premises.append((premise, meter, "residential", city, 41.32 + i * 0.001, 19.80 + i * 0.001,
                         FEEDER if on_feeder else None))
    month_starts = [datetime(2024, 9 + m, 1, tzinfo=UTC) if m < 4 else datetime(2025, m - 3, 1, tzinfo=UTC)
                    for m in range(8)]
    readings += [("M-SHOP", t, 300.0 * rng.uniform(0.95, 1.05) + (900.0 if m >= 5 else 0.0), False)
                 for m, t in enumerate(month_starts)]
    meters.append(("M-SHOP", "billing", None, START, START))
    premises.append((SHOP, "M-SHOP", "commercial", "Shkodër", 42.07, 19.51, None))
    insert_readings(con, readings)
    insert_meters(con, meters)
    con.executemany(
        "INSERT INTO premises VALUES (?, ?, ?, 'Rruga e Kavajes 1', ?, ?, ?, ?, '+355 69 000 0000', ?, 90, 10, 1)",
        [(p, m, cat, city, lat, lon, HOLDER_NAME, feeder) for p, m, cat, city, lat, lon, feeder in premises],
    )
    # The feeder delivers what its meters metered, plus 5 % losses, plus what the thief no longer meters.
    delivered = feeder_kw * 1.05 + stolen
    hours = pa.array([START + timedelta(hours=int(h)) for h in range(delivered.size)], pa.timestamp("us", tz="UTC"))
    con.register("new_feeders", pa.table({"ts": hours, "kwh": pa.array(delivered)}))
    con.execute(f"INSERT INTO feeders SELECT '{FEEDER}', ts, kwh, 1 FROM new_feeders")
    con.unregister("new_feeders")
    run_scan(con, SETTINGS, folder)
    con.executemany(
        "INSERT INTO sales VALUES (?, ?, 'S1', ?, ?, 'cash', ?, 'Rruga e Durresit 5', '+355 68 111 2222', 600, 1)",
        [("SL1", START + timedelta(days=140), "Llambë HPS 600W", 6, BUYER_NAME),
         ("SL2", START + timedelta(days=143), "Balast 600W", 6, BUYER_NAME)],
    )
    con.close()
    (folder / "links.csv").write_text("sale_id,premise_id,probability\nSL1,P-GROW,0.97\nSL2,P-GROW,0.91\n")
    return folder


def copy_city(template: Path, folder: Path) -> Path:
    shutil.copytree(template, folder)
    return folder


def add_users(db: Path) -> None:
    ws = Workspace.open(db)
    try:
        for name, role in USERS.items():
            ws.create_user(name, role, PASSWORD)
    finally:
        ws.close()


def login(client, username: str) -> str:
    """Log `client` in as `username`; returns the session's CSRF token (from the JSON login)."""
    token = client.get("/login.json").json()["login_token"]
    answer = client.post("/login.json", data={"username": username, "password": PASSWORD, "login_token": token})
    assert answer.status_code == 200, answer.text
    return answer.json()["csrf_token"]


def csrf_from_page(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# Fixtures for the test_web_* modules (imported there by name): one city and its accounts per test session, a fresh
# copy per test, so tests that triage never see each other's changes.


@pytest.fixture(scope="session")
def city_template(tmp_path_factory):
    folder = build_city(tmp_path_factory.mktemp("city"))
    add_users(folder / "wattwatch.duckdb")
    return folder


@pytest.fixture
def state(city_template, tmp_path):
    folder = copy_city(city_template, tmp_path / "scan")
    s = open_state(folder / "wattwatch.duckdb", folder)
    yield s
    s.close()


@pytest.fixture
def client(state):
    with TestClient(create_app(state)) as c:
        yield c
