"""The scan: store -> daily matrix -> detector -> one ranked lead per premises -> leads.csv, settings.json, report.html."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import duckdb

from wattwatch.core.increase import strange_increase
from wattwatch.engine import duckdb as engine
from wattwatch.report.html import RunSummary, write_report
from wattwatch.scan.leads import Lead, build_leads, write_leads_csv
from wattwatch.settings import Settings

Progress = Callable[[int, int], None]  # (steps done, steps in all)
STEPS = ("daily matrix", "strange increase", "leads", "report")


@dataclass(frozen=True)
class ScanResult:
    leads_csv: Path
    report_html: Path
    settings_json: Path
    n_meters: int
    n_premises: int
    n_days: int
    first_day: date
    n_leads: int
    leads: list[Lead] = field(repr=False)
    seconds: dict[str, float] = field(default_factory=dict)


def run_scan(
    con: duckdb.DuckDBPyConnection, settings: Settings, out_dir: Path, progress: Progress | None = None
) -> ScanResult:
    """Scan every meter in the store and write out_dir/leads.csv, out_dir/settings.json and out_dir/report.html."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def step_done(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = now - clock
        clock = now
        if progress is not None:
            progress(STEPS.index(name) + 1, len(STEPS))

    meters = engine.meter_table(con)
    readings = engine.interval_readings(con, settings)
    daily = engine.daily_matrix(con, settings, meters, readings)
    step_done("daily matrix")
    result = strange_increase(daily.kwh, min_history_days=settings.min_history_days)
    step_done("strange increase")
    premises = engine.premises_index(con)
    leads = build_leads(daily, result, premises)
    leads_csv = write_leads_csv(out_dir / "leads.csv", leads)
    settings_json = out_dir / "settings.json"
    settings.save(settings_json)
    step_done("leads")

    top = leads[: settings.report_top]
    hourly = engine.profile_matrix(meters, readings, [lead.row for lead in top], daily.first_day, daily.n_days)
    summary = RunSummary(
        n_meters=len(daily.meter_ids),
        n_billing=int(daily.is_billing.sum()),
        n_premises=len(set(premises.premise_ids.tolist())),
        first_day=daily.first_day,
        n_days=daily.n_days,
        n_leads=len(leads),
        settings=settings,
    )
    report_html = write_report(out_dir / "report.html", summary, leads, daily, hourly, settings.report_top)
    step_done("report")
    return ScanResult(
        leads_csv=leads_csv,
        report_html=report_html,
        settings_json=settings_json,
        n_meters=summary.n_meters,
        n_premises=summary.n_premises,
        n_days=daily.n_days,
        first_day=daily.first_day,
        n_leads=len(leads),
        leads=leads,
        seconds=seconds,
    )
