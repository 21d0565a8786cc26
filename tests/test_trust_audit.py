"""The hash-chained audit log: intact logs verify; every kind of tampering is found at the right entry."""

from __future__ import annotations

import json

import pytest
from helpers_trust import team, trust_template  # noqa: F401 (fixtures)

from wattwatch.trust import Anchor, PermissionDenied, Workspace
from wattwatch.trust.audit import GENESIS, entry_hash


@pytest.fixture
def busy(team):
    """The team's log after some triage: lead events, users, escalations (the template already has 65 entries)."""
    ids = [r["premise_id"] for r in team.rows]
    team.ws.assign(ids[0], "ana", team.sara)
    team.ws.record_outcome(ids[0], "theft", "bypass cable", team.ana)
    team.ws.request_dismissal(ids[1], "vacant", team.andi)
    team.ws.confirm_dismissal(ids[1], team.sara)
    team.ws.log_personal_view(team.ana, ids[2], "call owner")
    team.clock.advance(days=30)
    team.ws.escalate_stale(days=14)
    return team


def sql(team, statement: str, params=()) -> None:
    """Tamper directly in the database, as someone with file access would (bypassing the workspace)."""
    with team.ws.db.write() as cur:
        cur.execute(statement, list(params))


def n_entries(team) -> int:
    with team.ws.db.read() as cur:
        return cur.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_an_intact_log_verifies(busy):
    report = busy.ws.audit_verify()
    assert report.ok and report.problem == "" and report.first_bad_seq is None
    assert report.n_entries == n_entries(busy) and report.head.seq == report.n_entries


def test_an_empty_log_verifies(tmp_path):
    with Workspace.open(tmp_path / "empty.duckdb") as ws:
        report = ws.audit_verify()
        assert (report.ok, report.n_entries, report.head) == (True, 0, None)
        assert ws.audit_anchor() is None


def test_the_hash_covers_every_field_and_the_previous_hash(busy):
    with busy.ws.db.read() as cur:
        row = cur.execute("SELECT seq, ts, actor, action, premise_id, payload, prev_hash, hash FROM audit_log "
                          "WHERE seq = 1").fetchone()
    assert row[6] == GENESIS and entry_hash(*row[:7]) == row[7]
    for i in range(7):
        changed = list(row[:7])
        changed[i] = changed[i] + 1 if isinstance(changed[i], int) else (
            changed[i].replace(microsecond=1) if i == 1 else (changed[i] or "") + "x")
        assert entry_hash(*changed) != row[7], i


@pytest.mark.parametrize("column, value", [
    ("payload", json.dumps({"outcome": "legitimate"})), ("actor", "sami"), ("action", "lead_created"),
    ("premise_id", "P-other"), ("ts", "2020-01-01 00:00:00"),
])
def test_an_edited_entry_is_found(busy, column, value):
    seq = n_entries(busy) - 3
    sql(busy, f"UPDATE audit_log SET {column} = ? WHERE seq = ?", [value, seq])
    report = busy.ws.audit_verify()
    assert (report.ok, report.first_bad_seq) == (False, seq)
    assert "changed" in report.problem


def test_a_deleted_entry_is_found(busy):
    sql(busy, "DELETE FROM audit_log WHERE seq = 20")
    report = busy.ws.audit_verify()
    assert (report.ok, report.first_bad_seq) == (False, 20) and "missing" in report.problem


def test_swapped_entries_are_found(busy):
    sql(busy, "UPDATE audit_log SET seq = CASE seq WHEN 30 THEN 31 ELSE 30 END WHERE seq IN (30, 31)")
    report = busy.ws.audit_verify()
    assert (report.ok, report.first_bad_seq) == (False, 30)


def test_a_copied_entry_is_found(busy):
    sql(busy, "INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 12")
    report = busy.ws.audit_verify()
    assert (report.ok, report.first_bad_seq) == (False, 12) and "again" in report.problem


def test_an_inserted_entry_with_a_valid_hash_is_found(busy):
    """The forger knows the algorithm: the entry itself is valid, but the next one no longer follows it."""
    with busy.ws.db.read() as cur:
        ts, prev = cur.execute("SELECT ts, hash FROM audit_log WHERE seq = 9").fetchone()
    payload = json.dumps({"outcome": "legitimate"})
    forged = entry_hash(10, ts, "sara", "outcome_recorded", "P1", payload, prev)
    sql(busy, "UPDATE audit_log SET seq = seq + 1 WHERE seq >= 10")
    sql(busy, "INSERT INTO audit_log VALUES (10, ?, 'sara', 'outcome_recorded', 'P1', ?, ?, ?)",
        [ts, payload, prev, forged])
    report = busy.ws.audit_verify()
    assert (report.ok, report.first_bad_seq) == (False, 11) and "does not follow" in report.problem


def test_a_cut_tail_is_found_only_with_the_anchor(busy, tmp_path):
    busy.ws.audit_anchor().save(tmp_path / "anchor.json")
    last = n_entries(busy)
    sql(busy, "DELETE FROM audit_log WHERE seq > ?", [last - 4])
    assert busy.ws.audit_verify().ok  # a shorter chain is still a chain: this is what the anchor is for
    report = busy.ws.audit_verify(tmp_path / "anchor.json")
    assert (report.ok, report.first_bad_seq) == (False, last - 3) and "cut off" in report.problem


def test_a_rewritten_chain_is_found_with_the_anchor(busy):
    """Edit an entry and recompute every hash after it: the chain is valid again, the anchor is not."""
    anchor = busy.ws.audit_anchor()
    with busy.ws.db.read() as cur:
        rows = cur.execute("SELECT seq, ts, actor, action, premise_id, payload FROM audit_log ORDER BY seq").fetchall()
    prev = GENESIS
    with busy.ws.db.write() as cur:
        cur.execute("DELETE FROM audit_log")
        for seq, ts, actor, action, premise_id, payload in rows:
            if action == "dismissal_confirmed":
                actor = "ghost"
            digest = entry_hash(seq, ts, actor, action, premise_id, payload, prev)
            cur.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [seq, ts, actor, action, premise_id, payload, prev, digest])
            prev = digest
    assert busy.ws.audit_verify().ok
    report = busy.ws.audit_verify(anchor)
    assert (report.ok, report.first_bad_seq) == (False, anchor.seq) and "rewritten" in report.problem


def test_an_old_anchor_still_verifies_a_log_that_grew(busy, tmp_path):
    busy.ws.audit_anchor().save(tmp_path / "anchor.json")
    busy.ws.assign(busy.rows[5]["premise_id"], "andi", busy.sara)
    assert Anchor.load(tmp_path / "anchor.json").seq == n_entries(busy) - 1
    assert busy.ws.audit_verify(tmp_path / "anchor.json").ok


def test_an_action_refused_half_way_leaves_no_entry_and_no_change(busy):
    p = busy.rows[9]["premise_id"]
    busy.ws.request_dismissal(p, "vacant", busy.sara)
    before = (n_entries(busy), busy.ws.lead(p))
    with pytest.raises(PermissionDenied):
        busy.ws.confirm_dismissal(p, busy.sara)  # refused inside the write transaction: rolled back
    assert (n_entries(busy), busy.ws.lead(p)) == before and busy.ws.audit_verify().ok


def test_the_auditor_browses_the_log_newest_first_with_exact_filters(busy):
    newest = busy.ws.audit_entries(viewer=busy.aud, limit=3)
    assert [e["seq"] for e in newest] == [n_entries(busy) - i for i in range(3)]
    by_sara = busy.ws.audit_entries(viewer=busy.aud, actor="sara", limit=1000)
    assert [e["action"] for e in by_sara] == ["dismissal_confirmed", "assigned"]
    p = busy.rows[0]["premise_id"]
    assert busy.ws.audit_entries(viewer=busy.aud, premise_id=p) == busy.ws.history(p)[::-1]
    assert len(busy.ws.audit_entries(viewer=busy.aud, action="user_created")) == 5
    for attack in ("' OR '1'='1", "sara' --", "%"):
        assert busy.ws.audit_entries(viewer=busy.aud, actor=attack) == []
    with pytest.raises(ValueError):
        busy.ws.audit_entries(viewer=busy.aud, limit="10; DROP TABLE audit_log")
    with pytest.raises(PermissionDenied):
        busy.ws.audit_entries(viewer=busy.sara)
