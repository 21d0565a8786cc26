"""Triage: role checks, outcomes, four-eyes dismissal, escalation, history, export and personal-data views."""

from __future__ import annotations

import csv
import threading
from datetime import timedelta

import pytest
from helpers_trust import team, trust_template  # noqa: F401 (fixtures)

from wattwatch.trust import OUTCOMES, LeadQuery, PermissionDenied, TriageError


def lead_id(team, i: int = 0) -> str:
    return team.rows[i]["premise_id"]


def n_events(team) -> int:
    with team.ws.db.read() as cur:
        return cur.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize("who, action", [
    ("ana", lambda ws, p, u: ws.assign(p, "andi", u)),
    ("aud", lambda ws, p, u: ws.assign(p, "andi", u)),
    ("aud", lambda ws, p, u: ws.record_outcome(p, "theft", "meter bypassed", u)),
    ("aud", lambda ws, p, u: ws.request_dismissal(p, "vacant", u)),
    ("ana", lambda ws, p, u: ws.dismissal_rates("officer", viewer=u)),
    ("sara", lambda ws, p, u: ws.dismissal_rates("district", viewer=u)),
    ("sara", lambda ws, p, u: ws.personal_views(viewer=u)),
])
def test_roles_are_checked_and_a_refusal_changes_nothing(team, who, action):
    before = (n_events(team), team.ws.lead(lead_id(team)))
    with pytest.raises(PermissionDenied, match=who):
        action(team.ws, lead_id(team), getattr(team, who))
    assert (n_events(team), team.ws.lead(lead_id(team))) == before


def test_a_supervisor_assigns_to_an_officer_with_an_account(team):
    p = lead_id(team)
    team.clock.advance(hours=1)
    team.ws.assign(p, "andi", team.sara)
    lead = team.ws.lead(p)
    assert (lead["status"], lead["assignee"]) == ("assigned", "andi")
    assert lead["updated_at"] == team.clock.now.isoformat()
    for officer in ("nobody", "aud"):  # unknown, and auditors do not inspect
        with pytest.raises(TriageError, match=officer):
            team.ws.assign(p, officer, team.sara)
    with pytest.raises(TriageError, match="no lead"):
        team.ws.assign("no such premises", "andi", team.sara)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_outcomes_close_the_lead_and_are_kept(team, outcome):
    p = lead_id(team)
    team.ws.record_outcome(p, outcome, "  seen on site  ", team.ana)
    lead = team.ws.lead(p)
    assert (lead["status"], lead["outcome"], lead["closed_by"]) == ("inspected", outcome, "ana")
    assert team.ws.history(p)[-1]["payload"]["notes"] == "seen on site"


def test_legitimate_needs_a_reason_and_unknown_outcomes_are_refused(team):
    p = lead_id(team)
    for notes in ("", "   ", None):
        with pytest.raises(TriageError, match="reason"):
            team.ws.record_outcome(p, "legitimate", notes, team.ana)
    with pytest.raises(TriageError, match="must be one of"):
        team.ws.record_outcome(p, "bribed", "", team.ana)
    assert team.ws.lead(p)["status"] == "new"
    team.ws.record_outcome(p, "legitimate", "licensed bakery ovens", team.ana)
    team.ws.record_outcome(p, "confirmed_grow", "second visit: 40 lamps", team.andi)  # a correction is kept too
    assert [e["payload"]["outcome"] for e in team.ws.history(p) if e["action"] == "outcome_recorded"] == [
        "legitimate", "confirmed_grow"]


def test_dismissal_needs_a_reason_and_a_second_supervisor(team):
    p = lead_id(team)
    for reason in ("", "  "):
        with pytest.raises(TriageError, match="reason"):
            team.ws.request_dismissal(p, reason, team.sara)
    team.ws.request_dismissal(p, "premises demolished", team.sara)
    assert team.ws.lead(p)["status"] == "dismissal_requested"
    with pytest.raises(PermissionDenied, match="four-eyes"):
        team.ws.confirm_dismissal(p, team.sara)  # the requester cannot confirm
    with pytest.raises(PermissionDenied):
        team.ws.confirm_dismissal(p, team.ana)  # analysts cannot confirm
    assert team.ws.lead(p)["status"] == "dismissal_requested"
    team.ws.confirm_dismissal(p, team.sami)
    lead = team.ws.lead(p)
    assert (lead["status"], lead["outcome"], lead["closed_by"]) == ("dismissed", "dismissed", "sara")
    assert [(e["actor"], e["action"]) for e in team.ws.history(p)] == [
        ("system", "lead_created"), ("sara", "dismissal_requested"), ("sami", "dismissal_confirmed")]
    for act in (lambda: team.ws.assign(p, "ana", team.sara),
                lambda: team.ws.record_outcome(p, "theft", "", team.ana),
                lambda: team.ws.request_dismissal(p, "again", team.ana),
                lambda: team.ws.confirm_dismissal(p, team.sami)):
        with pytest.raises(TriageError):
            act()


def test_a_rejected_dismissal_puts_the_lead_back_as_it_was(team):
    p = lead_id(team)
    team.ws.assign(p, "andi", team.sara)
    team.ws.request_dismissal(p, "looks like a bakery", team.andi)
    for act in (lambda: team.ws.assign(p, "ana", team.sara),
                lambda: team.ws.record_outcome(p, "theft", "", team.andi),
                lambda: team.ws.request_dismissal(p, "again", team.ana)):
        with pytest.raises(TriageError, match="pending"):
            act()
    team.ws.reject_dismissal(p, team.sami, note="inspect first")
    lead = team.ws.lead(p)
    assert (lead["status"], lead["assignee"], lead["outcome"]) == ("assigned", "andi", None)
    with pytest.raises(TriageError, match="no dismissal pending"):
        team.ws.reject_dismissal(p, team.sami)


def test_stale_open_leads_escalate_once_and_a_touch_clears_it(team):
    ids = [r["premise_id"] for r in team.rows]
    team.clock.advance(days=10)
    team.ws.assign(ids[0], "ana", team.sara)  # touched on day 10
    team.ws.record_outcome(ids[1], "theft", "bypass found", team.ana)  # closed: never stale
    team.ws.request_dismissal(ids[2], "vacant", team.ana)  # pending since day 10
    now = team.clock.now + timedelta(days=5)
    escalated = team.ws.escalate_stale(now, days=14)
    assert escalated == ids[3:]  # untouched since day 0, best rank first
    assert team.ws.escalate_stale(now, days=14) == []  # once
    assert team.ws.list_leads(LeadQuery(escalated=True, per_page=500)).total == len(ids) - 3
    assert team.ws.history(ids[3])[-1]["action"] == "escalated"
    assert team.ws.escalate_stale(now + timedelta(days=10), days=14) == [ids[0], ids[2]]
    team.ws.assign(ids[3], "andi", team.sara)
    assert team.ws.lead(ids[3])["escalated"] is False
    with pytest.raises(ValueError):
        team.ws.escalate_stale(now, days=0)


def test_export_holds_every_outcome_and_confirmed_dismissal(team, tmp_path):
    a, b, c = (lead_id(team, i) for i in range(3))
    team.ws.record_outcome(a, "confirmed_grow", "tent, 12 lamps", team.ana)
    team.ws.request_dismissal(b, "meter replaced", team.andi)
    team.ws.confirm_dismissal(b, team.sara)
    team.ws.request_dismissal(c, "pending one", team.andi)  # not a decision yet
    assert team.ws.export_outcomes_csv(tmp_path / "out.csv") == 2
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["premise_id"], r["outcome"], r["notes"], r["recorded_by"], r["confirmed_by"]) for r in rows] == [
        (a, "confirmed_grow", "tent, 12 lamps", "ana", ""), (b, "dismissed", "meter replaced", "andi", "sara")]


def test_personal_data_views_need_a_purpose_and_are_logged_for_the_auditor(team):
    p = lead_id(team)
    for purpose in ("", "   ", None):
        with pytest.raises(TriageError, match="purpose"):
            team.ws.log_personal_view(team.ana, p, purpose)
    assert team.ws.personal_views(viewer=team.aud) == []
    team.ws.log_personal_view(team.ana, p, "plan inspection visit")
    team.clock.advance(minutes=3)
    assert team.ws.personal_data(team.sara, p, "call the account holder") == []  # no register in this database
    views = team.ws.personal_views(viewer=team.aud)
    assert [(v["username"], v["purpose"], v["ts"]) for v in views] == [
        ("sara", "call the account holder", team.clock.now.isoformat()),
        ("ana", "plan inspection visit", (team.clock.now - timedelta(minutes=3)).isoformat())]
    assert len(team.ws.personal_views(viewer=team.aud, username="ana")) == 1
    assert team.ws.personal_views(viewer=team.aud, premise_id=lead_id(team, 1)) == []
    assert [e["action"] for e in team.ws.history(p)][-2:] == ["personal_data_viewed"] * 2
    with pytest.raises(TriageError, match="no lead"):
        team.ws.log_personal_view(team.ana, "no such premises", "curious")


def test_twenty_concurrent_users_keep_the_chain_whole(team):
    """Readers and writers in threads, as the web server runs them: every write lands, the chain verifies."""
    ids = [r["premise_id"] for r in team.rows]
    before = n_events(team)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(3):
                p = ids[(i * 3 + j) % len(ids)]
                team.ws.list_leads(LeadQuery(city=team.rows[j]["city"], sort="score"))
                if i % 2:
                    team.ws.log_personal_view(team.ana, p, f"worker {i}")
                else:
                    team.ws.assign(p, "andi", team.sara)
                team.ws.lead(p)
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert n_events(team) == before + 60
    report = team.ws.audit_verify()
    assert report.ok and report.n_entries == before + 60
