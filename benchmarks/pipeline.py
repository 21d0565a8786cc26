"""Running the real wattwatch pipeline on a dataset: files -> ingest_file into a fresh DuckDB -> run_scan ->
leads.csv, read back as one score per premises (NaN = not in leads.csv); links.csv too when sales are given."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np

from wattwatch.cli import LOAD_ORDER
from wattwatch.ingest import ingest_file
from wattwatch.scan import run_scan
from wattwatch.settings import Settings
from wattwatch.store import connect


class LeadScores(NamedTuple):
    """Per premises, from leads.csv: each question's own column and the lead list's one score."""

    grow: np.ndarray
    theft: np.ndarray
    one_list: np.ndarray


@dataclass
class PipelineRun:
    con: duckdb.DuckDBPyConnection  # the ingested store, kept open for the baselines
    leads: dict[str, dict[str, str]]  # premise_id -> its leads.csv row
    seconds: float
    scan_dir: Path  # leads.csv, and links.csv with linkage_model.json when sales were given
    links_csv: Path | None

    def scores(self, premise_ids: np.ndarray, column: str = "score") -> np.ndarray:
        """leads.csv's `column` per premises: score (the one lead list), grow_score or theft_score (one question)."""
        return np.array([float(self.leads[p][column]) if p in self.leads else np.nan for p in premise_ids])

    def lead_scores(self, premise_ids: np.ndarray) -> LeadScores:
        """Each question ranked by its own column, as a team working that question sorts the list, and the one list."""
        return LeadScores(self.scores(premise_ids, "grow_score"), self.scores(premise_ids, "theft_score"),
                          self.scores(premise_ids))


def run_pipeline(files: dict[str, list[Path]], workdir: Path, timezone: str) -> PipelineRun:
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "wattwatch.duckdb"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    con = connect(db)
    settings = Settings(timezone=timezone)
    for kind in LOAD_ORDER:
        for path in files.get(kind, []):
            ingest_file(con, kind, path, settings=settings)
    scan_dir = workdir / "scan"
    result = run_scan(con, settings, scan_dir)
    with open(result.leads_csv, newline="", encoding="utf-8") as f:
        leads = {row["premise_id"]: row for row in csv.DictReader(f)}
    return PipelineRun(con, leads, time.perf_counter() - started, scan_dir, result.links_csv)
