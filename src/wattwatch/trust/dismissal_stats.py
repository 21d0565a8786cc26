"""Dismissal rates by officer or by district against their peers, for the auditor.

A lead is *cleared* when it closed saying there is nothing there: a confirmed dismissal or a 'legitimate'
inspection outcome. An officer's rate is the share of the leads they closed that they cleared (a dismissal counts
for the officer who requested it). Each group is compared with its peers (every other group with enough closed
leads) by a robust z: (rate - peer median) / (1.4826 x peer MAD), or / (1.2533 x peer mean absolute deviation)
when the MAD is 0, so that one outlier cannot hide itself by inflating the spread.
"""

from __future__ import annotations

import statistics

from wattwatch.trust.db import Database
from wattwatch.trust.settings import TrustSettings
from wattwatch.trust.users import User, require_role

GROUPINGS = {"officer": "closed_by", "district": "district"}
CLEARED = ("dismissed", "legitimate")


def robust_z(rate: float, peer_rates: list[float]) -> float | None:
    """How unusual a rate is among its peers; None with fewer than two peers or no spread among them."""
    if len(peer_rates) < 2:
        return None
    centre = statistics.median(peer_rates)
    deviations = [abs(r - centre) for r in peer_rates]
    mad = statistics.median(deviations)
    scale = 1.4826 * mad if mad > 0 else 1.2533 * statistics.fmean(deviations)
    return None if scale == 0 else (rate - centre) / scale


def dismissal_rates(db: Database, settings: TrustSettings, by: str, viewer: User) -> list[dict]:
    require_role(viewer, "auditor", action="see dismissal rates")
    if by not in GROUPINGS:
        raise ValueError(f"by {by!r}: must be one of {', '.join(GROUPINGS)}")
    column = GROUPINGS[by]
    with db.read() as cur:
        rows = cur.execute(
            f"SELECT {column}, count(*), count(*) FILTER (outcome = 'dismissed'), "
            "count(*) FILTER (outcome = 'legitimate') FROM leads "
            f"WHERE status IN ('dismissed', 'inspected') AND {column} IS NOT NULL GROUP BY {column} ORDER BY 1"
        ).fetchall()
    rates = {group: (dismissed + legitimate) / n for group, n, dismissed, legitimate in rows}
    eligible = {group for group, n, _, _ in rows if n >= settings.min_decisions}
    result = []
    for group, n, dismissed, legitimate in rows:
        peers = [rates[g] for g in sorted(eligible) if g != group]
        z = robust_z(rates[group], peers)
        result.append({
            "group": group, "n": n, "dismissed": dismissed, "legitimate": legitimate, "rate": rates[group],
            "peer_median": statistics.median(peers) if peers else None, "robust_z": z,
            "flagged": z is not None and n >= settings.min_decisions and z >= settings.outlier_z,
        })
    return result
