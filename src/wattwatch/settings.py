"""Settings, declared once as data with help text; they round-trip to JSON.

The CLI builds its options from `SETTINGS_FIELDS`, the report prints the settings it ran with, and a scan can be
repeated exactly from the `settings.json` it writes beside its leads.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


def setting(default: Any, help: str) -> Any:
    """A settings field: its default and the help text the CLI, the report and the docs show."""
    return field(default=default, metadata={"help": help})


class JsonSettings:
    """JSON round trip for a frozen settings dataclass; unknown keys are refused with the known ones listed."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str):
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**data)

    @classmethod
    def load(cls, path: Path):
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Settings(JsonSettings):
    timezone: str = setting(
        "Europe/Tirane",
        "IANA time zone of the premises: local days, time of day and DST follow it.",
    )
    max_kw: float = setting(
        10_000.0,
        "Readings implying an average power above this many kW are rejected as absurd.",
    )
    zero_run_hours: float = setting(
        3.0,
        "A run of exact zeros at least this long, on a meter that is otherwise almost never zero, is treated as "
        "missing data (kept, flagged, and ignored by level detectors).",
    )
    zero_run_max_share: float = setting(
        0.02,
        "A meter counts as 'almost never zero' when at most this share of its other readings are exactly zero.",
    )
    min_coverage: float = setting(
        0.8,
        "A day counts as observed when at least this share of its intervals has readings.",
    )
    min_history_days: int = setting(
        42,
        "Days of observed history a meter needs before its level can be judged against its own past.",
    )
    report_top: int = setting(
        30,
        "How many top leads get a detailed page section with charts in the report.",
    )


SETTINGS_FIELDS = {f.name: f for f in fields(Settings)}
