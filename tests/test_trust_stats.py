"""Dismissal rates by officer and district against their peers, compared with a naive computation."""

from __future__ import annotations

import random

import numpy as np
import pytest
from helpers_trust import PASSWORD, team, trust_template  # noqa: F401 (fixtures)

from wattwatch.trust import OUTCOMES, TrustSettings
from wattwatch.trust.dismissal_stats import robust_z

OFFICERS = ("ana", "andi", "sara", "o1", "o2", "o3")


def naive_rates(decisions: list[tuple[str, str, str]], settings: TrustSettings) -> dict[str, dict]:
    """decisions: (group, how the lead closed) -> per group n, counts, rate, peer median, robust z, by loops."""
    groups: dict[str, list[str]] = {}
    for group, closed_as in decisions:
        groups.setdefault(group, []).append(closed_as)
    rate = {g: sum(c in ("dismissed", "legitimate") for c in cs) / len(cs) for g, cs in groups.items()}
    out = {}
    for g, closed in groups.items():
        peers = np.array([rate[p] for p in groups if p != g and len(groups[p]) >= settings.min_decisions])
        z = None
        if len(peers) >= 2:
            med = float(np.median(peers))
            dev = np.abs(peers - med)
            scale = 1.4826 * np.median(dev) if np.median(dev) > 0 else 1.2533 * dev.mean()
            z = None if scale == 0 else (rate[g] - med) / scale
        out[g] = {"n": len(closed), "dismissed": closed.count("dismissed"), "legitimate": closed.count("legitimate"),
                  "rate": rate[g], "peer_median": float(np.median(peers)) if len(peers) else None, "robust_z": z,
                  "flagged": z is not None and len(closed) >= settings.min_decisions and z >= settings.outlier_z}
    return out


@pytest.fixture
def decided(team):
    """Random decisions on every lead; officer o3 clears nearly everything. Returns the team and the decisions."""
    for name in OFFICERS[3:]:
        team.ws.create_user(name, "analyst", PASSWORD)
    rng = random.Random(4)
    by_officer, by_district = [], []
    for row in team.rows:
        p, officer = row["premise_id"], rng.choice(OFFICERS)
        clear_bias = 0.9 if officer == "o3" else 0.25
        kind = rng.random()
        if kind < 0.1:
            continue  # untouched
        if kind < 0.2:
            team.ws.request_dismissal(p, "looks vacant", team.ws.user(officer))
            team.ws.reject_dismissal(p, team.sami)  # rejected: still open, not a decision
            continue
        if rng.random() < clear_bias:
            if rng.random() < 0.5:
                team.ws.request_dismissal(p, "nothing there", team.ws.user(officer))
                team.ws.confirm_dismissal(p, team.sami if officer != "sami" else team.sara)
                closed_as = "dismissed"
            else:
                team.ws.record_outcome(p, "legitimate", "heat pump", team.ws.user(officer))
                closed_as = "legitimate"
        else:
            closed_as = rng.choice([o for o in OUTCOMES if o != "legitimate"])
            team.ws.record_outcome(p, closed_as, "", team.ws.user(officer))
        by_officer.append((officer, closed_as))
        by_district.append((row["city"], closed_as))
    return team, {"officer": by_officer, "district": by_district}


@pytest.mark.parametrize("by", ["officer", "district"])
def test_rates_match_a_naive_computation(decided, by):
    team, decisions = decided
    expected = naive_rates(decisions[by], team.ws.settings)
    got = {r["group"]: r for r in team.ws.dismissal_rates(by, viewer=team.aud)}
    assert sorted(got) == sorted(expected)
    for group, row in got.items():
        want = expected[group]
        for key in ("n", "dismissed", "legitimate", "flagged"):
            assert row[key] == want[key], (group, key)
        for key in ("rate", "peer_median", "robust_z"):
            assert row[key] == pytest.approx(want[key]) if want[key] is not None else row[key] is None, (group, key)


def test_the_officer_who_clears_everything_is_flagged(decided):
    team, _ = decided
    flagged = [r["group"] for r in team.ws.dismissal_rates("officer", viewer=team.aud) if r["flagged"]]
    assert flagged == ["o3"]


def test_bad_grouping_is_refused(team):
    with pytest.raises(ValueError, match="officer"):
        team.ws.dismissal_rates("closed_by; DROP TABLE leads", viewer=team.aud)


@pytest.mark.parametrize("rate, peers, expected", [
    (0.5, [], None), (0.5, [0.2], None),  # too few peers
    (0.9, [0.2, 0.2, 0.2], None),  # no spread at all: no scale to measure by
    (0.9, [0.2, 0.2, 0.2, 0.6], (0.9 - 0.2) / (1.2533 * 0.1)),  # MAD 0: mean absolute deviation instead
    (0.5, [0.1, 0.2, 0.3], (0.5 - 0.2) / (1.4826 * 0.1)),
    (0.2, [0.1, 0.2, 0.3], 0.0),
])
def test_robust_z_on_edge_cases(rate, peers, expected):
    z = robust_z(rate, peers)
    assert z is None if expected is None else z == pytest.approx(expected)
