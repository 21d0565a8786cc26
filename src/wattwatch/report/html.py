"""Render the scan's single-file offline report (jinja2, autoescaped; charts from report.svg)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from wattwatch import __version__
from wattwatch.engine.matrices import DailyMatrix, ProfileMatrix
from wattwatch.report.svg import daily_chart, heatmap
from wattwatch.settings import SETTINGS_FIELDS, Settings

if TYPE_CHECKING:
    from wattwatch.scan.leads import Lead

TABLE_ROWS = 100  # the ranked table shows this many leads; leads.csv has them all


@dataclass(frozen=True)
class RunSummary:
    n_meters: int
    n_billing: int
    n_premises: int
    first_day: date
    n_days: int
    n_leads: int
    settings: Settings

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=max(self.n_days - 1, 0))


def _section(lead: "Lead", daily: DailyMatrix, hourly: ProfileMatrix) -> dict:
    marks = lead.marks
    line = daily_chart(
        daily.kwh[lead.row], daily.first_day, marks.change_day if marks.change_day >= 0 else None,
        marks.level_before, marks.level_after, title=f"Daily kWh of meter {lead.meter_id}",
    )
    heat = None
    if not lead.is_billing:
        heat = heatmap(hourly.kw[lead.row], hourly.first_day, title=f"kW by day and hour, meter {lead.meter_id}")
    return {
        "lead": lead,
        "evidence": lead.evidence_lines,
        "daily_svg": Markup(line),  # built by report.svg, which escapes every text it embeds
        "heatmap_svg": Markup(heat) if heat else None,
    }


def render_report(
    summary: RunSummary, leads: Sequence["Lead"], daily: DailyMatrix, hourly: ProfileMatrix, n_detailed: int
) -> str:
    """The report as one HTML string. `daily` and `hourly` rows are meter rows (Lead.row)."""
    env = Environment(loader=PackageLoader("wattwatch.report", "templates"), autoescape=True)
    settings = [
        (name, getattr(summary.settings, name), f.metadata.get("help", "")) for name, f in SETTINGS_FIELDS.items()
    ]
    return env.get_template("report.html").render(
        summary=summary,
        version=__version__,
        settings=settings,
        table=leads[:TABLE_ROWS],
        sections=[_section(lead, daily, hourly) for lead in leads[:n_detailed]],
    )


def write_report(
    path: Path, summary: RunSummary, leads: Sequence["Lead"], daily: DailyMatrix, hourly: ProfileMatrix, n_detailed: int
) -> Path:
    Path(path).write_text(render_report(summary, leads, daily, hourly, n_detailed), encoding="utf-8")
    return Path(path)
