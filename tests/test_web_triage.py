"""Triage through the dashboard: assign, outcomes, four-eyes dismissal, purpose-logged personal data, the auditor's
page and the outcomes export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from wattwatch.web import create_app

from web_helpers import BUYER_NAME, GROW, HOLDER_NAME, SHOP, THEFT, csrf_from_page, login
from web_helpers import city_template, client, state  # noqa: F401 (fixtures)


def as_user(state, username: str) -> tuple[TestClient, str]:
    c = TestClient(create_app(state))
    return c, login(c, username)


def post(c: TestClient, csrf: str, path: str, **form):
    return c.post(path + ".json", data={**form, "csrf_token": csrf})


def test_supervisor_assigns_and_the_analyst_records_the_outcome(state):
    sup, sup_csrf = as_user(state, "sup1")
    assert post(sup, sup_csrf, f"/leads/{GROW}/assign", officer="ana").json()["lead"]["assignee"] == "ana"
    assert post(sup, sup_csrf, f"/leads/{GROW}/assign", officer="nobody").status_code == 409
    ana, ana_csrf = as_user(state, "ana")
    assert ana.get("/leads.json?assignee=ana").json()["total"] == 1
    done = post(ana, ana_csrf, f"/leads/{GROW}/outcome", outcome="confirmed_grow", notes="lamps in the basement")
    assert done.status_code == 200 and done.json()["lead"]["status"] == "inspected"
    history = ana.get(f"/leads/{GROW}.json").json()["history"]
    assert [e["action"] for e in history] == ["lead_created", "assigned", "outcome_recorded"]
    corrected = post(ana, ana_csrf, f"/leads/{GROW}/outcome", outcome="theft", notes="lamps were a bypass")
    assert corrected.json()["lead"]["outcome"] == "theft"  # a correction, kept in the history
    assert [e["action"] for e in ana.get(f"/leads/{GROW}.json").json()["history"]][-2:] == ["outcome_recorded"] * 2


def test_a_legitimate_outcome_needs_its_reason_and_outcomes_must_be_known(state):
    ana, csrf = as_user(state, "ana")
    assert post(ana, csrf, f"/leads/{SHOP}/outcome", outcome="legitimate", notes="").status_code == 409
    assert post(ana, csrf, f"/leads/{SHOP}/outcome", outcome="'; DROP TABLE leads; --", notes="x").status_code == 409
    assert post(ana, csrf, f"/leads/{SHOP}/outcome", outcome="legitimate", notes="bakery ovens").status_code == 200
    assert post(ana, csrf, f"/leads/{SHOP}/outcome", outcome="theft", notes="x" * 2001).status_code == 400


def test_four_eyes_dismissal_needs_a_second_supervisor(state):
    sup1, csrf1 = as_user(state, "sup1")
    assert post(sup1, csrf1, f"/leads/{THEFT}/dismissal/request", reason="").status_code == 409  # needs a reason
    assert post(sup1, csrf1, f"/leads/{THEFT}/dismissal/request", reason="meter replaced").status_code == 200
    refused = post(sup1, csrf1, f"/leads/{THEFT}/dismissal/confirm")
    assert refused.status_code == 403 and "four-eyes" in refused.json()["error"]
    assert state.ws.lead(THEFT)["status"] == "dismissal_requested"
    sup2, csrf2 = as_user(state, "sup2")
    assert post(sup2, csrf2, f"/leads/{THEFT}/dismissal/confirm").json()["lead"]["status"] == "dismissed"
    assert post(sup2, csrf2, f"/leads/{THEFT}/dismissal/confirm").status_code == 409  # nothing pending any more


def test_a_rejected_dismissal_restores_the_lead(state):
    ana, csrf = as_user(state, "ana")
    assert post(ana, csrf, f"/leads/{GROW}/dismissal/request", reason="looks like a bakery").status_code == 200
    sup, sup_csrf = as_user(state, "sup1")
    assert post(sup, sup_csrf, f"/leads/{GROW}/dismissal/reject").json()["lead"]["status"] == "new"


def test_html_forms_post_and_redirect_back_to_the_lead(client, state):
    login(client, "sup1")
    page = client.get(f"/leads/{GROW}").text
    assert 'id="assign-form"' in page and 'id="confirm-form"' not in page
    suggested = page.split('<datalist id="officers">')[1].split("</datalist>")[0]
    assert '"ana"' in suggested and '"sup2"' in suggested and '"aud"' not in suggested  # auditors work no leads
    answer = client.post(f"/leads/{GROW}/assign", data={"officer": "ben", "csrf_token": csrf_from_page(page)},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/leads/{GROW}"
    assert 'id="assignee">ben<' in client.get(f"/leads/{GROW}").text


def test_auditor_sees_no_triage_forms(state):
    aud, _ = as_user(state, "aud")
    page = aud.get(f"/leads/{GROW}").text
    assert "assign-form" not in page and "outcome-form" not in page and "Auditors look" in page


def test_personal_data_needs_a_purpose_and_every_view_is_logged(state):
    ana, csrf = as_user(state, "ana")
    assert post(ana, csrf, f"/leads/{GROW}/personal", purpose="").status_code == 400
    assert post(ana, csrf, f"/leads/{GROW}/personal", purpose="short").status_code == 400
    assert state.ws.personal_views(viewer=aud_user(state)) == []
    shown = post(ana, csrf, f"/leads/{GROW}/personal", purpose="planning the inspection, case 2026/7").json()
    assert shown["premises"][0]["account_holder"] == HOLDER_NAME
    assert [b["buyer_name"] for b in shown["buyers"]] == [BUYER_NAME, BUYER_NAME]
    page = ana.post(f"/leads/{GROW}/personal", data={"purpose": "second look for the case file", "csrf_token": csrf})
    assert BUYER_NAME in page.text and "this view is logged" in page.text
    views = state.ws.personal_views(viewer=aud_user(state))
    assert [(v["username"], v["premise_id"], v["purpose"]) for v in views] == [
        ("ana", GROW, "second look for the case file"), ("ana", GROW, "planning the inspection, case 2026/7")]
    assert post(ana, csrf, "/leads/NOPE/personal", purpose="looking for something").status_code == 404
    aud, _ = as_user(state, "aud")
    listed = aud.get("/audit.json").json()["personal_data_views"]
    assert [(v["username"], v["purpose"]) for v in listed] == [(v["username"], v["purpose"]) for v in views]
    assert "planning the inspection, case 2026/7" in aud.get("/audit").text


def aud_user(state):
    return state.ws.user("aud")


def test_auditor_page_shows_rates_and_a_tampered_chain(state):
    sup, csrf = as_user(state, "sup1")
    for premise, outcome in ((GROW, "confirmed_grow"), (SHOP, "theft")):
        post(sup, csrf, f"/leads/{premise}/outcome", outcome=outcome, notes="seen on site")
    aud, _ = as_user(state, "aud")
    data = aud.get("/audit.json").json()
    assert data["audit_chain"]["ok"] and data["audit_chain"]["n_entries"] > 0
    officer = {r["group"]: r for r in data["dismissal_rates_by_officer"]}
    assert officer["sup1"]["n"] == 2 and officer["sup1"]["rate"] == 0
    assert "Intact" in aud.get("/audit").text
    with state.ws.db.write() as cur:  # someone edits the log behind the application's back
        cur.execute("UPDATE audit_log SET actor = 'nobody' WHERE action = 'outcome_recorded'")
    broken = aud.get("/audit.json").json()["audit_chain"]
    assert not broken["ok"] and broken["first_bad_seq"] is not None
    assert "BROKEN" in aud.get("/audit").text


def test_outcomes_export_lists_every_decision(state):
    sup1, csrf1 = as_user(state, "sup1")
    post(sup1, csrf1, f"/leads/{GROW}/outcome", outcome="confirmed_grow", notes="lamps")
    post(sup1, csrf1, f"/leads/{THEFT}/dismissal/request", reason="meter replaced")
    sup2, csrf2 = as_user(state, "sup2")
    post(sup2, csrf2, f"/leads/{THEFT}/dismissal/confirm")
    answer = sup2.get("/export/outcomes.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["premise_id"], r["outcome"], r["confirmed_by"]) for r in rows] == [
        (GROW, "confirmed_grow", ""), (THEFT, "dismissed", "sup2")]


@pytest.mark.parametrize("action", ["assign", "outcome", "dismissal/request", "dismissal/confirm"])
def test_actions_on_an_unknown_lead_are_404(state, action):
    sup, csrf = as_user(state, "sup1")
    assert post(sup, csrf, f"/leads/NOPE/{action}", officer="ana", outcome="theft", reason="x").status_code == 404


def test_lists_map_and_filters_show_a_change_at_once(state):
    sup, csrf = as_user(state, "sup1")
    before = sup.get("/leads.json?status=new").json()["total"]
    assert sup.get("/leads.json?assignee=ben").status_code == 400  # nobody is assigned yet: not a known value
    assert {p["status"] for p in sup.get("/map.json").json()["points"]} == {"new"}
    post(sup, csrf, f"/leads/{GROW}/assign", officer="ben")
    assert sup.get("/leads.json?status=new").json()["total"] == before - 1
    assert [i["premise_id"] for i in sup.get("/leads.json?assignee=ben").json()["items"]] == [GROW]
    assert {p["premise_id"] for p in sup.get("/map.json").json()["points"] if p["status"] == "assigned"} == {GROW}


def test_the_server_escalates_untouched_leads_when_it_starts(state):
    later = state.ws.clock() + timedelta(days=state.ws.settings.escalation_days + 1)
    state.ws.clock = lambda: later
    with TestClient(create_app(state)) as c:  # the app's startup runs the escalation
        login(c, "ana")
        items = c.get("/leads.json?per_page=200").json()["items"]
        assert items and all(i["escalated"] for i in items)
        assert "escalated" in c.get("/leads").text
        assert c.get("/leads.json?escalated=1").json()["total"] == len(items)


def test_escalated_filter_shows_only_escalated_leads(client):
    login(client, "ana")
    assert client.get("/leads.json?escalated=1").json()["total"] == 0
    assert client.get("/leads.json?escalated=0").json()["total"] == 17  # 0: no filter
