"""Shared by the trust tests: a clock to move by hand, leads files, and a workspace with one user per role."""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wattwatch.schema import LEADS
from wattwatch.trust import Workspace

PASSWORD = "correct horse battery staple"
CITIES = ("Tirane", "Durres", "Shkoder", "Vlore", "Korçë")
CATEGORIES = ("residential", "commercial", "agricultural")
SIGNALS = ("lamp_block_18h", "lamp_block_12h", "increase", "drop", "feeder_gap", "o'brien;--")


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, start: datetime = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def lead_rows(n: int, seed: int = 0) -> list[dict]:
    """n leads with repeated cities, categories and signal sets (some with quotes and semicolon-dash text)."""
    rng = random.Random(seed)
    rows = []
    for rank in range(1, n + 1):
        k = rng.randint(1, 3)
        signals = rng.sample(SIGNALS[:5], k) if rng.random() > 0.1 else []
        rows.append({"rank": rank, "premise_id": f"P{rng.randint(0, 10**6):07d}-{rank}", "meter_id": f"M{rank}",
                     "score": round(100.0 / rank + rng.random(), 4), "signals": ";".join(signals),
                     "explanation": f"Lead {rank}: \"quoted\", comma, and ünïcode.",
                     "city": rng.choice(CITIES), "category": rng.choice(CATEGORIES)})
    rows[3]["city"] = "Tirane' OR '1'='1"  # a real value that looks like an injection must match exactly
    return rows


def write_leads(path: Path, rows: list[dict], extra: tuple[str, ...] = ("city", "category")) -> Path:
    columns = [c.name for c in LEADS.columns] + list(extra)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


TEAM = (("ana", "analyst"), ("andi", "analyst"), ("sara", "supervisor"), ("sami", "supervisor"), ("aud", "auditor"))


@dataclass
class Team:
    ws: Workspace
    clock: FakeClock
    rows: list[dict]  # the imported leads, as written to leads.csv
    leads_csv: Path

    def __getattr__(self, username: str):
        """team.ana, team.sara, ...: the User of that name."""
        user = self.ws.user(username)
        if user is None:
            raise AttributeError(username)
        return user


@pytest.fixture(scope="session")
def trust_template(tmp_path_factory) -> tuple[Path, list[dict], Path]:
    """Built once (argon2 is slow on purpose): a database with one user per role and 60 imported leads."""
    folder = tmp_path_factory.mktemp("trust-template")
    rows = lead_rows(60)
    leads_csv = write_leads(folder / "leads.csv", rows)
    with Workspace.open(folder / "template.duckdb", clock=FakeClock()) as ws:
        for name, role in TEAM:
            ws.create_user(name, role, PASSWORD)
        ws.import_leads(leads_csv)
    return folder / "template.duckdb", rows, leads_csv


@pytest.fixture
def team(trust_template, tmp_path):
    """A fresh copy of the template database, opened with a clock the test moves."""
    template, rows, leads_csv = trust_template
    shutil.copyfile(template, tmp_path / "team.duckdb")
    clock = FakeClock()
    ws = Workspace.open(tmp_path / "team.duckdb", clock=clock)
    yield Team(ws, clock, rows, leads_csv)
    ws.close()
