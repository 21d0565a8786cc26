"""What kind of city to simulate. Rates are expected shares of premises; actual counts are drawn around them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CityConfig:
    seed: int = 7
    n_premises: int = 2000
    days: int = 400
    start: str = "2025-01-01"  # first local day
    timezone: str = "Europe/Tirane"
    real_data: Path | None = None  # folder of real series (../shared/data/real); used when given and present
    real_share: float = 0.35  # share of premises whose base load is a real series (when real_data is used)
    category_shares: tuple[tuple[str, float], ...] = (
        ("residential", 0.75), ("commercial", 0.12), ("industrial", 0.05), ("agricultural", 0.03),
        ("public", 0.03), ("other", 0.02))
    resolution_shares: tuple[tuple[str, float], ...] = (
        ("60min", 0.68), ("30min", 0.11), ("15min", 0.11), ("billing", 0.10))
    grow_rate: float = 0.018
    theft_rate: float = 0.01
    lookalike_rate: float = 0.007  # for each of crypto, ev, night_shift, heating, growth, greenhouse
    vacation_rate: float = 0.05
    new_tenant_rate: float = 0.02
    extra_meter_share: float = 0.04  # non-residential premises with a second meter
    register_meters: int = 4  # meters delivered as cumulative register reads instead of interval readings
    n_stores: int = 15
    household_sales_per_premises: float = 1.2
    mess_rate: float = 0.01  # share of meters hit by each kind of messy row; 0 disables
    zero_run_hours: float = 3.0  # zero runs injected as missing data last longer than this (Settings.zero_run_hours)
