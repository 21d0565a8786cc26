"""Every dashboard page and its JSON twin, in process (Starlette's TestClient) on a small scanned city."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date, timedelta

import httpx2
import pytest

from web_helpers import BUYER_NAME, FEEDER, GROW, HOLDER_NAME, SHOP, START, THEFT, copy_city, login
from web_helpers import city_template, client, state  # noqa: F401 (fixtures)


@pytest.fixture
def analyst(client):
    login(client, "ana")
    return client


def test_lead_list_and_its_twin_show_the_same_leads_in_rank_order(analyst):
    data = analyst.get("/leads.json").json()
    assert data["total"] == 17 and [i["rank"] for i in data["items"]] == sorted(i["rank"] for i in data["items"])
    assert [i["premise_id"] for i in data["items"][:3]] == [GROW, THEFT, SHOP]
    page = analyst.get("/leads")
    assert page.status_code == 200
    for item in data["items"]:
        assert f'href="/leads/{item["premise_id"]}"' in page.text
    assert analyst.get("/leads?format=json").json() == data


@pytest.mark.parametrize(
    "query, expected",
    [
        ("city=Durrës", {GROW}),
        ("category=commercial", {SHOP}),
        ("signal=feeder_loss", {THEFT}),
        ("signal=strange_increase", {GROW, SHOP}),
        ("status=new&city=Shkodër", {SHOP}),
    ],
)
def test_each_filter_selects_exactly_the_matching_leads(analyst, query, expected):
    data = analyst.get(f"/leads.json?{query}").json()
    assert {i["premise_id"] for i in data["items"]} == expected and data["total"] == len(expected)


def test_sorting_and_paging_walk_every_lead_once(analyst):
    seen = []
    for page in range(1, 5):
        data = analyst.get(f"/leads.json?sort=score&descending=1&per_page=5&page={page}").json()
        assert data["pages"] == 4
        seen += data["items"]
    assert len(seen) == 17 and len({i["premise_id"] for i in seen}) == 17
    scores = [i["score"] for i in seen]
    assert scores == sorted(scores, reverse=True)
    html = analyst.get("/leads?per_page=5&page=2").text
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_lead_page_twin_has_the_series_change_point_purchases_and_feeder(analyst, state):
    data = analyst.get(f"/leads/{GROW}.json").json()
    assert data["lead"]["premise_id"] == GROW and "grow_lights" in data["signals"]
    assert len(data["meter"]["daily_kwh"]) == state.reader.n_days and len(data["meter"]["hourly_kw"][0]) == 24
    change = date.fromisoformat(data["change_point"]["date"])
    assert abs((change - (START.date() + timedelta(days=150))).days) <= 2  # planted on day 150
    assert data["change_point"]["kind"] == "rise"
    assert [p["sale_id"] for p in data["purchases"]] == ["SL1", "SL2"]
    assert data["purchases"][0]["link_probability"] == 0.97
    assert data["feeder_balance"]["feeder_id"] == FEEDER
    assert BUYER_NAME not in str(data) and HOLDER_NAME not in str(data)  # personal data only behind a purpose
    assert [e["action"] for e in data["history"]] == ["lead_created"]


def test_lead_page_draws_the_charts_and_lists_the_evidence(analyst):
    html = analyst.get(f"/leads/{GROW}").text
    for chart in ('id="daily-chart"', 'id="heatmap"', 'id="purchases-chart"', 'id="feeder-chart"'):
        assert chart in html
    assert "Lamp-like block" in html and "Llambë HPS 600W" in html
    assert 'style="' not in html  # no inline style: the CSP would block it


def test_a_theft_lead_marks_the_fall_and_a_monthly_lead_its_rise_and_lookalikes(analyst):
    theft = analyst.get(f"/leads/{THEFT}.json").json()
    assert theft["change_point"]["kind"] == "fall"
    assert abs(theft["change_point"]["day_index"] - 160) <= 2
    shop = analyst.get(f"/leads/{SHOP}.json").json()
    assert shop["meter"]["monthly_reads"] and shop["meter"]["hourly_kw"] is None
    assert shop["lookalikes_considered"][0].startswith("Considered and ruled out:")
    assert not any(s.startswith("Considered") for s in shop["evidence"])
    assert 'id="heatmap"' not in analyst.get(f"/leads/{SHOP}").text  # no time of day in monthly reads


def test_unknown_lead_is_404_on_page_and_twin(analyst):
    assert analyst.get("/leads/NOPE").status_code == 404
    assert analyst.get("/leads/NOPE.json").json() == {"error": "no lead for premises 'NOPE'", "status": 404}


def test_map_places_every_lead_with_coordinates_and_zooms_to_a_city(analyst):
    data = analyst.get("/map.json").json()
    assert data["total"] == data["shown"] == 17
    grow = next(p for p in data["points"] if p["premise_id"] == GROW)
    assert (round(grow["lat"], 3), round(grow["lon"], 3), grow["approximate"]) == (41.334, 19.814, False)
    zoomed = analyst.get("/map.json?city=Tiranë").json()
    assert {p["premise_id"] for p in zoomed["points"]} == {p["premise_id"] for p in data["points"]} - {GROW, SHOP}
    b = zoomed["bounds"]
    assert all(b["south"] <= p["lat"] <= b["north"] and b["west"] <= p["lon"] <= b["east"] for p in zoomed["points"])
    html = analyst.get("/map?city=Tiranë").text
    assert html.count('class="lead status-new"') == len(zoomed["points"]) and 'class="feeder"' in html
    assert "approximate" in html


def test_root_redirects_to_the_lead_list(analyst):
    answer = analyst.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/leads"


def test_static_assets_are_served_locally(client):
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/albania.geojson").json()["type"] == "FeatureCollection"


def test_serve_command_listens_on_loopback_and_refuses_a_folder_without_leads(city_template, tmp_path):
    folder = copy_city(city_template, tmp_path / "served")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "wattwatch", "serve", "--scan-dir", str(folder), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer, deadline = None, time.monotonic() + 180  # a loaded machine starts Python slowly
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/leads.json", timeout=5)
            except httpx2.TransportError:
                time.sleep(0.3)
        assert answer is not None, server.stdout.read() if server.poll() is not None else "no answer in 180 s"
        assert answer.status_code == 401  # up, and closed without a login
        assert answer.headers["x-frame-options"] == "DENY"
    finally:
        server.terminate()
        server.wait(timeout=30)
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = subprocess.run(command[:-2] + ["--scan-dir", str(empty)], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "leads.csv" in refused.stderr and "not found" in refused.stderr


def test_a_lead_whose_meter_has_no_readings_still_has_its_page(analyst, state, tmp_path):
    extra = tmp_path / "later_scan.csv"
    extra.write_text("rank,premise_id,meter_id,score,signals,explanation,city\n"
                     "1,P-GHOST,M-GHOST,50,peer_outlier,Uses 3x its peers.,Tiranë\n", encoding="utf-8")
    state.ws.import_leads(extra)
    state.cache.clear()  # an import outside the server's own actions (here: the test's) clears by hand
    data = analyst.get("/leads/P-GHOST.json").json()
    assert data["meter"] is None and data["change_point"] is None and data["evidence"] == ["Uses 3x its peers."]
    assert "No readings for meter M-GHOST" in analyst.get("/leads/P-GHOST").text
    assert analyst.get("/leads.json?city=Tiranë").json()["total"] == 16
