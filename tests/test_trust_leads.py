"""Leads in the dashboard: import (idempotent, enriched, validated) and the list's filters, sort and paging."""

from __future__ import annotations

import itertools

import pytest
from helpers_trust import CATEGORIES, CITIES, FakeClock, team, trust_template, write_leads  # noqa: F401

from wattwatch.errors import InputError
from wattwatch.ingest import ingest_file
from wattwatch.store import connect
from wattwatch.trust import STATUSES, LeadQuery, Workspace


def fingerprint(ws) -> dict:
    with ws.db.read() as cur:
        return {t: cur.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} x").fetchone()
                for t in ("leads", "audit_log", "lead_imports")}


def test_import_creates_every_lead_as_new_with_an_audit_event(team):
    page = team.ws.list_leads(LeadQuery(per_page=500))
    assert page.total == len(team.rows)
    assert {i["premise_id"] for i in page.items} == {r["premise_id"] for r in team.rows}
    assert {i["status"] for i in page.items} == {"new"}
    created = [e for r in team.rows for e in team.ws.history(r["premise_id"]) if e["action"] == "lead_created"]
    assert len(created) == len(team.rows)


def test_importing_the_same_scan_again_changes_nothing(team):
    before = fingerprint(team.ws)
    assert team.ws.import_leads(team.leads_csv) == 0
    assert fingerprint(team.ws) == before


def test_a_new_scan_rescores_known_leads_keeps_their_triage_and_drops_none(team, tmp_path):
    kept, rescored, *rest = team.rows
    team.ws.assign(rescored["premise_id"], "ana", team.sara)
    new_rows = [dict(rescored, rank=1, score=999.0), dict(rest[0], rank=2), dict(rest[0], premise_id="PNEW", rank=3)]
    assert team.ws.import_leads(write_leads(tmp_path / "next.csv", new_rows), scan_id="scan-2") == 1
    lead = team.ws.lead(rescored["premise_id"])
    assert (lead["score"], lead["rank"], lead["status"], lead["assignee"]) == (999.0, 1, "assigned", "ana")
    assert lead["scan_id"] == "scan-2"
    assert team.ws.lead("PNEW")["status"] == "new"
    assert team.ws.lead(kept["premise_id"])["scan_id"] != "scan-2"  # not listed again, still there
    assert team.ws.list_leads().total == len(team.rows) + 1
    actions = [e["action"] for e in team.ws.history(rescored["premise_id"])]
    assert actions == ["lead_created", "assigned", "lead_rescored"]
    unchanged = [e["action"] for e in team.ws.history(rest[0]["premise_id"])]
    assert unchanged == ["lead_created", "lead_rescored"]  # rank moved


def test_city_category_and_position_come_from_the_premises_register(tmp_path):
    premises = tmp_path / "premises.csv"
    premises.write_text("premise_id,meter_id,category,address,city,latitude,longitude,feeder_id\n"
                        "P1,M1,commercial,Rr. Kavajes 1,Durres,41.3,19.4,F7\n"
                        "P2,M2,residential,Rr. Dibres 2,Tirane,41.33,19.82,F8\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    ingest_file(con, "premises", premises)
    con.close()
    rows = [{"rank": 1, "premise_id": "P1", "meter_id": "M1", "score": 5, "signals": "drop", "explanation": "x"},
            {"rank": 2, "premise_id": "P2", "meter_id": "M2", "score": 4, "signals": "drop", "explanation": "y",
             "district": "Tirane-3"}]
    with Workspace.open(tmp_path / "w.duckdb", clock=FakeClock()) as ws:
        ws.import_leads(write_leads(tmp_path / "leads.csv", rows, extra=("district",)))
        p1, p2 = ws.lead("P1"), ws.lead("P2")
    assert (p1["city"], p1["district"], p1["category"], p1["feeder_id"], p1["latitude"]) == (
        "Durres", "Durres", "commercial", "F7", 41.3)
    assert (p2["city"], p2["district"]) == ("Tirane", "Tirane-3")
    assert "Rr." not in str(p1) + str(p2)  # addresses are personal: never copied into leads


@pytest.mark.parametrize("edit, message, line", [
    (lambda text: text.replace("score,", "points,", 1), "missing columns score", None),
    (lambda text: text.replace("\n", "\nX,,M9,1,,e\n", 1), "empty premise_id", 2),
    (lambda text: text.replace("\n", "\n1,PDUP,M9,1,,e\n1,PDUP,M9,1,,e\n", 1), "listed twice", 3),
    (lambda text: text.replace("\n", "\n1,PBAD,M9,high,,e\n", 1), "not a number", 2),
    (lambda text: text.replace("\n", "\n1,PBAD,M9,nan,,e\n", 1), "not finite", 2),
])
def test_a_bad_leads_file_is_refused_whole_naming_the_line(team, tmp_path, edit, message, line):
    text = team.leads_csv.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(edit(text), encoding="utf-8")
    before = fingerprint(team.ws)
    with pytest.raises(InputError, match=message) as error:
        team.ws.import_leads(bad, scan_id="bad")
    assert error.value.line == line


def test_a_file_that_is_not_utf8_text_is_refused(team, tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(team.leads_csv.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    before = fingerprint(team.ws)
    with pytest.raises(InputError, match="not UTF-8"):
        team.ws.import_leads(bad, scan_id="latin1")
    assert fingerprint(team.ws) == before
    assert fingerprint(team.ws) == before


# --- the list against a naive filter over the same rows -------------------------------------------------------------


def naive_page(rows: list[dict], q: LeadQuery) -> tuple[list[str], int]:
    """Obviously correct: filter in Python, sort with nulls last and premise_id as tie-break, slice the page."""
    keep = [r for r in rows
            if (q.city is None or r["city"] == q.city) and (q.category is None or r["category"] == q.category)
            and (q.status is None or r["status"] == q.status) and (q.assignee is None or r["assignee"] == q.assignee)
            and (q.signal is None or q.signal in r["signals"].split(";"))]
    key = {"rank": "rank", "score": "score", "city": "city", "status": "status", "updated": "updated"}[q.sort]
    keep.sort(key=lambda r: r["premise_id"])
    present = sorted((r for r in keep if r[key] is not None), key=lambda r: r[key], reverse=q.descending)
    ordered = present + [r for r in keep if r[key] is None]
    start = (q.page - 1) * q.per_page
    return [r["premise_id"] for r in ordered[start:start + q.per_page]], len(keep)


@pytest.fixture
def worked(team):
    """The team's leads after some triage at different times, and the naive model of them."""
    model = [dict(r, rank=int(r["rank"]), score=float(r["score"]), status="new", assignee=None, updated=0)
             for r in team.rows]
    for step, row in enumerate(model[::3]):
        team.clock.advance(minutes=5)
        officer = ("ana", "andi", "sami")[step % 3]
        team.ws.assign(row["premise_id"], officer, team.sara)
        row.update(status="assigned", assignee=officer, updated=step + 1)
    for step, row in enumerate(model[1::5]):
        team.clock.advance(minutes=5)
        team.ws.request_dismissal(row["premise_id"], "vacant house", team.ana)
        row.update(status="dismissal_requested", updated=100 + step)
    return team, model


QUERIES = [LeadQuery(**kw) for kw in [
    {}, {"city": "Durres"}, {"category": "commercial"}, {"signal": "drop"}, {"status": "assigned"},
    {"assignee": "andi"}, {"city": "Tirane", "signal": "increase", "category": "residential"},
    {"city": "Tirane' OR '1'='1"}, {"status": "dismissal_requested", "sort": "score", "descending": True},
    {"signal": "lamp_block_12h", "sort": "city", "per_page": 7, "page": 2},
]] + [LeadQuery(sort=s, descending=d, page=p, per_page=n)
      for s, d, (p, n) in itertools.product(("rank", "score", "city", "status", "updated"), (False, True),
                                             ((1, 50), (2, 9), (7, 9), (99, 10)))]


def test_filters_sort_and_paging_match_a_naive_filter(worked):
    team, model = worked
    for q in QUERIES:
        page = team.ws.list_leads(q)
        ids, total = naive_page(model, q)
        assert [i["premise_id"] for i in page.items] == ids, q
        assert (page.total, page.page, page.per_page) == (total, q.page, q.per_page), q


def test_facets_list_the_values_present(worked):
    team, model = worked
    facets = team.ws.facets()
    assert facets["cities"] == sorted({r["city"] for r in model})
    assert facets["categories"] == sorted({r["category"] for r in model})
    assert facets["signals"] == sorted({s for r in model for s in r["signals"].split(";") if s})
    assert facets["statuses"] == list(STATUSES)
    assert facets["assignees"] == ["ana", "andi", "sami"]


def test_a_lead_is_found_by_id_and_json_ready(team):
    row = team.rows[0]
    lead = team.ws.lead(row["premise_id"])
    assert lead["signals"] == [s for s in row["signals"].split(";") if s]
    assert lead["created_at"].endswith("+00:00") and lead["escalated"] is False
    assert team.ws.lead("no such premises") is None


# --- injection ------------------------------------------------------------------------------------------------------

ATTACKS = ["' OR '1'='1", "Durres' --", "x'; DROP TABLE leads; --", "%", "_", "*", "Durres\x00", "\\' OR 1=1 #",
           "drop;increase", "1) OR (1=1"]


@pytest.mark.parametrize("field", ["city", "category", "signal", "status", "assignee"])
def test_injection_in_every_filter_matches_nothing(worked, field):
    team, model = worked
    before = fingerprint(team.ws)
    for attack in ATTACKS:
        page = team.ws.list_leads(LeadQuery(**{field: attack}))
        assert (page.total, page.items) == (0, []), (field, attack)
    assert fingerprint(team.ws) == before
    assert team.ws.lead("' OR '1'='1") is None


@pytest.mark.parametrize("bad", [
    {"sort": "rank; DROP TABLE leads"}, {"sort": "premise_id"}, {"sort": "1"}, {"sort": "rank DESC, (SELECT 1)"},
    {"page": 0}, {"page": "1 OR 1=1"}, {"page": True}, {"page": 1.5},
    {"per_page": 0}, {"per_page": 10**6}, {"per_page": "5; --"},
    {"city": 1}, {"signal": ["drop"]}, {"escalated": "yes"},
])
def test_bad_sort_and_paging_values_are_refused(bad):
    with pytest.raises(ValueError):
        LeadQuery(**bad)


def test_filter_values_are_used_exactly(team):
    assert team.ws.list_leads(LeadQuery(city="Tirane' OR '1'='1")).total == 1
    assert sum(team.ws.list_leads(LeadQuery(city=c)).total for c in CITIES) == len(team.rows) - 1
    assert sum(team.ws.list_leads(LeadQuery(category=c)).total for c in CATEGORIES) == len(team.rows)
    assert team.ws.list_leads(LeadQuery(city="tirane")).total == 0  # case matters: values come from facets
