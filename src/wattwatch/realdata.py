"""Where the real, public meter data lives: `../shared/data/real` beside the checkout, or $WATTWATCH_REAL_DATA.

A user's fresh clone has no shared/ folder; everything that uses real data must work (or skip) without it.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "WATTWATCH_REAL_DATA"


def find_real_data() -> Path | None:
    """The real-data folder, or None when there is none."""
    if os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR])
        return path if path.is_dir() else None
    repo_root = Path(__file__).resolve().parents[2]
    for base in (repo_root, Path.cwd().resolve()):
        candidate = base.parent / "shared" / "data" / "real"
        if candidate.is_dir():
            return candidate
    return None
