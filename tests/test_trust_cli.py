"""`wattwatch users | audit | leads | outcomes | escalate` as a user runs them."""

from __future__ import annotations

import csv

import pytest
from helpers_trust import PASSWORD, lead_rows, write_leads
from typer.testing import CliRunner

from wattwatch.cli import app
from wattwatch.trust import Workspace

runner = CliRunner()


def invoke(*args, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.mark.parametrize("group", [["users", "add"], ["users", "list"], ["audit", "verify"], ["audit", "anchor"],
                                   ["leads", "import"], ["outcomes", "export"], ["escalate"]])
def test_every_command_teaches_with_help(group):
    result = invoke(*group, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_users_add_reads_the_password_without_echoing_it(tmp_path):
    db = tmp_path / "w.duckdb"
    added = invoke("users", "add", "sara", "--role", "supervisor", "--password-stdin", "--db", db,
                   input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    prompted = invoke("users", "add", "aud", "--role", "auditor", "--db", db, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert PASSWORD not in added.output + prompted.output
    listed = invoke("users", "list", "--db", db)
    assert "sara" in listed.output and "supervisor" in listed.output and "auditor" in listed.output
    with Workspace.open(db) as ws:
        assert ws.authenticate("sara", PASSWORD).role == "supervisor"
        assert ws.authenticate("aud", PASSWORD).role == "auditor"


def test_users_add_refuses_a_bad_role_with_the_reason(tmp_path):
    result = invoke("users", "add", "sara", "--role", "admin", "--password-stdin", "--db", tmp_path / "w.duckdb",
                    input=PASSWORD + "\n")
    assert result.exit_code == 2 and "analyst, supervisor, auditor" in result.output


def test_import_escalate_export_and_verify(tmp_path):
    db, rows = tmp_path / "w.duckdb", lead_rows(12)
    leads_csv = write_leads(tmp_path / "leads.csv", rows)
    first = invoke("leads", "import", leads_csv, "--db", db)
    assert first.exit_code == 0 and "12 new leads" in first.output
    again = invoke("leads", "import", leads_csv, "--db", db)
    assert again.exit_code == 0 and "0 new leads; 12 leads" in again.output
    assert "0 leads escalated" in invoke("escalate", "--days", 1, "--db", db).output  # imported just now
    assert invoke("outcomes", "export", tmp_path / "out.csv", "--db", db).exit_code == 0
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == []
    verified = invoke("audit", "verify", "--db", db)
    assert verified.exit_code == 0 and "intact: 12 entries" in verified.output


def test_a_bad_leads_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "leads.csv"
    bad.write_text("rank,premise_id,meter_id,score,signals,explanation\n1,P1,M1,high,,x\n", encoding="utf-8")
    result = invoke("leads", "import", bad, "--db", tmp_path / "w.duckdb")
    assert result.exit_code == 2 and "line 2" in result.output


def test_audit_verify_exits_1_at_the_first_bad_entry_and_the_anchor_catches_a_cut_tail(tmp_path):
    db = tmp_path / "w.duckdb"
    invoke("leads", "import", write_leads(tmp_path / "leads.csv", lead_rows(10)), "--db", db)
    anchored = invoke("audit", "anchor", tmp_path / "anchor.json", "--db", db)
    assert anchored.exit_code == 0 and "seq 10" in anchored.output
    with Workspace.open(db) as ws, ws.db.write() as cur:
        cur.execute("DELETE FROM audit_log WHERE seq > 8")
    assert invoke("audit", "verify", "--db", db).exit_code == 0
    cut = invoke("audit", "verify", "--db", db, "--anchor", tmp_path / "anchor.json")
    assert cut.exit_code == 1 and "seq 9" in cut.output
    with Workspace.open(db) as ws, ws.db.write() as cur:
        cur.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 4")
    edited = invoke("audit", "verify", "--db", db)
    assert edited.exit_code == 1 and "BROKEN at seq 4" in edited.output
