"""Plain-language reasons, with numbers, for one meter's strange-increase measures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

SEASONAL_SHARE = 0.5  # under this share of the rise new against last year, the rise reads as seasonal


@dataclass(frozen=True)
class IncreaseEvidence:
    """One meter's detector measures, as plain Python values (see wattwatch.core.increase.IncreaseResult)."""

    change_day: date | None
    level_before: float
    level_after: float
    added_kw: float
    ratio: float
    persistence: float
    n_days_after: int
    yoy_ratio: float
    yoy_added_kw: float
    season_share: float
    is_billing: bool


def evidence_lines(e: IncreaseEvidence) -> list[str]:
    """The evidence list of a lead, one finding per line, strongest first."""
    if e.change_day is None:
        return ["No lasting rise against the meter's own history."]
    lines = [
        f"Daily use rose from {e.level_before:.1f} to {e.level_after:.1f} kWh/day ({e.ratio:.1f}x) "
        f"from {e.change_day.isoformat()}.",
        f"Added power {e.added_kw:+.2f} kW around the clock.",
        f"Above halfway between the two levels on {e.persistence:.0%} of the {e.n_days_after} observed days since.",
    ]
    if math.isnan(e.yoy_ratio):
        lines.append("Less than a year of history before the rise: a seasonal cause is not ruled out.")
    elif e.season_share < SEASONAL_SHARE:
        lines.append(
            f"The same weeks last year were about as high ({e.yoy_ratio:.1f}x now vs then): likely seasonal."
        )
    else:
        lines.append(f"{e.yoy_ratio:.1f}x the same weeks last year ({e.yoy_added_kw:+.2f} kW): not a seasonal repeat.")
    if e.is_billing:
        lines.append("Monthly reads: weaker evidence (levels only, no time-of-day pattern).")
    return lines


def explanation(e: IncreaseEvidence) -> str:
    """One sentence-like line for leads.csv, e.g. 'Daily use rose from 11.8 to 39.5 kWh/day (+1.15 kW ...) ...'."""
    if e.change_day is None:
        return "No lasting rise against the meter's own history."
    parts = [
        f"Daily use rose from {e.level_before:.1f} to {e.level_after:.1f} kWh/day "
        f"({e.added_kw:+.2f} kW around the clock) from {e.change_day.isoformat()}",
        f"above halfway to the new level on {e.persistence:.0%} of {e.n_days_after} days since",
    ]
    if math.isnan(e.yoy_ratio):
        parts.append("no year-ago data")
    elif e.season_share < SEASONAL_SHARE:
        parts.append(f"likely seasonal: {e.yoy_ratio:.1f}x the same weeks last year")
    else:
        parts.append(f"{e.yoy_ratio:.1f}x the same weeks last year")
    if e.is_billing:
        parts.append("monthly reads: weaker evidence")
    return "; ".join(parts) + "."
