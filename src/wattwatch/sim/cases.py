"""A planted case: what was done to which meter from when to when, and the ground-truth row it becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

LABELS = ("grow", "theft", "crypto", "ev", "night_shift", "heating", "growth", "greenhouse", "normal")


@dataclass
class Case:
    label: str
    row: int  # meter row in the registry
    start_day: int  # first affected local day (axis index)
    end_day: int  # last affected local day, inclusive
    lamp_kw: float = 0.0
    metered_fraction: float = 1.0
    visible: bool = True
    params: dict[str, Any] = field(default_factory=dict)  # keys starting with "_" stay out of the truth notes

    def notes(self) -> str:
        shown = {k: v for k, v in self.params.items() if not k.startswith("_") and not isinstance(v, np.ndarray)}
        return "; ".join(f"{k}={_fmt(v)}" for k, v in shown.items())


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.3g}"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    return str(v)


def pick_rows(rng: np.random.Generator, eligible: np.ndarray, taken: np.ndarray, rate: float,
              n_premises: int) -> np.ndarray:
    """Rows for a case kind: about rate x premises of them (at least one when rate > 0), among eligible free rows;
    marks them taken."""
    free = np.flatnonzero(eligible & ~taken)
    if rate <= 0 or len(free) == 0:
        return free[:0]
    k = min(len(free), max(1, int(rng.binomial(n_premises, rate))))
    rows = np.sort(rng.choice(free, k, replace=False))
    taken[rows] = True
    return rows
