"""The scan: store -> evidence from every detector -> fusion -> one ranked lead per premises -> files.

Writes leads.csv, settings.json and report.html, and links.csv with linkage_model.json when sales were given.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np

from wattwatch.core.fusion import FusedScores, fuse
from wattwatch.core.lookalikes import NAMES as LOOKALIKE_NAMES
from wattwatch.core.photoperiod import season_of
from wattwatch.core.population import category_curves, unexplained_fall
from wattwatch.engine.base import Engine
from wattwatch.engine.duckdb import DuckDBEngine
from wattwatch.engine.matrices import ProfileMatrix
from wattwatch.report.html import RunSummary, write_report
from wattwatch.scan.evidence import Evidence, MeterProgress, StageContext, gather_evidence
from wattwatch.scan.meter_stage import meter_series
from wattwatch.scan.leads import Lead, build_leads, write_leads_csv
from wattwatch.settings import Settings

Progress = Callable[[int, int], None]  # (steps done, steps in all)
STEPS = ("meters", "peers", "look-alikes", "theft", "feeders", "sales", "leads", "report")


@dataclass(frozen=True)
class ScanResult:
    leads_csv: Path
    links_csv: Path | None  # sale -> premises links, when sales were given
    report_html: Path
    settings_json: Path
    n_meters: int
    n_premises: int
    n_days: int
    first_day: date
    n_leads: int
    leads: list[Lead] = field(repr=False)
    seconds: dict[str, float] = field(default_factory=dict)


def fuse_evidence(ev: Evidence) -> FusedScores:
    la = ev.lookalikes
    feeder = ev.feeder
    zeros = np.zeros(len(ev.daily.meter_ids))
    curves = category_curves(ev.daily.kwh, ev.info.category, ev.population)
    return fuse(
        category=ev.info.category,
        is_billing=ev.daily.is_billing,
        lighting_score=ev.lighting.score,
        block_season=season_of(ev.lighting),
        new_block=ev.lighting.new_block,
        first_block_day=ev.lighting.first_block_day,
        lamp_kw=ev.lighting.lamp_kw,
        coincides_with_block=ev.drop.coincides_with_block,
        increase_score=ev.increase.score,
        increase_change_day=ev.increase.change_day,
        rise_edge=np.where(la.change_day >= 0, la.added_edge, np.nan),
        peer_score=ev.peers.score,
        purchase_score=zeros if ev.purchases is None else ev.purchases.score,
        purchase_timed=zeros.astype(bool) if ev.purchases is None else ev.purchases.timed,
        lookalikes=np.stack([getattr(la, name) for name in LOOKALIKE_NAMES if name != "greenhouse"], axis=1),
        growth=la.growth,
        seasonal_return=la.seasonal_return,
        greenhouse=la.greenhouse,
        drop_score=ev.drop.drop_score,
        drop_shape_similarity=ev.drop.shape_similarity,
        drop_unexplained=unexplained_fall(curves, ev.info.category, ev.drop.change_day, ev.drop.ratio)
        * ev.comover_fall.unexplained,
        drop_absence=ev.absence.explained,
        drop_seasonal=ev.seasonal_fall.explained,
        drop_season_share=ev.drop.season_share,
        night_drop_score=ev.night_drop.drop_score,
        night_seasonal=ev.night_seasonal_fall.explained,
        night_absence=ev.night_absence.explained,
        drop_change_day=ev.drop.change_day,
        night_change_day=ev.night_drop.change_day,
        night_lost_kw=ev.night_drop.lost_kw,
        switched_drop_score=ev.switched.fall.drop_score,
        switched_factor=ev.switched.factor,
        switched_unexplained=unexplained_fall(curves, ev.info.category, ev.switched.fall.change_day,
                                              ev.switched.fall.ratio) * ev.switched_comover_fall.unexplained,
        switched_seasonal=ev.switched_seasonal_fall.explained,
        switched_lost_kw=ev.switched.lost_kw,
        flat_score=ev.drop.flat_score,
        lost_kw=ev.drop.lost_kw,
        feeder_score=zeros if feeder is None else feeder.feeder_score,
        feeder_explained_kwh_day=zeros if feeder is None else feeder.explained_kwh_per_day,
    )


class RowProfiles(dict):
    """Hourly kW [days, 24] of a few meters by meter row: what the report indexes as ProfileMatrix.kw[row]."""


def top_profiles(engine: Engine, settings: Settings, ev: Evidence, rows: list[int]) -> ProfileMatrix:
    """The hourly profile of the report's meters only, read again from the engine (the scan keeps none)."""
    daily = ev.daily
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    rows = rows[~daily.is_billing[rows]]
    ctx = StageContext.build(engine.meter_table(), settings, daily.first_day, daily.n_days, ev.info.feeder, 0)
    series = meter_series(ctx, engine.readings(rows))
    kw = RowProfiles(zip(rows.tolist(), series.hourly))
    return ProfileMatrix(daily.meter_ids[rows], daily.first_day, kw, 60)


def run_scan(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    out_dir: Path,
    progress: Progress | None = None,
    engine: Engine | None = None,
    meter_progress: MeterProgress | None = None,
) -> ScanResult:
    """Scan every meter and write out_dir/leads.csv, out_dir/settings.json and out_dir/report.html.

    `con` is the store (registers, sales); readings come from `engine` (default: the store's readings table)."""
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

    engine = engine or DuckDBEngine(con, settings)
    ev = gather_evidence(engine, con, settings, step_done, meter_progress=meter_progress)
    fused = fuse_evidence(ev)
    leads = build_leads(ev, fused)
    leads_csv = write_leads_csv(out_dir / "leads.csv", leads)
    links_csv = None
    if ev.links is not None:
        from wattwatch.linkage import save_links  # splink: only when sales were linked

        links_csv = save_links(ev.links, out_dir)
    settings_json = out_dir / "settings.json"
    settings.save(settings_json)
    step_done("leads")

    daily = ev.daily
    summary = RunSummary(
        n_meters=len(daily.meter_ids),
        n_billing=int(daily.is_billing.sum()),
        n_premises=len(set(ev.premises.premise_ids.tolist())),
        first_day=daily.first_day,
        n_days=daily.n_days,
        n_leads=len(leads),
        settings=settings,
    )
    hourly = top_profiles(engine, settings, ev, [lead.row for lead in leads[: settings.report_top]])
    report_html = write_report(out_dir / "report.html", summary, leads, daily, hourly, settings.report_top)
    step_done("report")
    return ScanResult(
        leads_csv=leads_csv,
        links_csv=links_csv,
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
