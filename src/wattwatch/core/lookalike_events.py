"""Look-alike measures from night events: EV charging sessions and weekday-only night shifts.

Both look at "evening days" that run from noon to the next noon, so a session or a shift that crosses midnight
stays in one piece and belongs to the evening it started (a Friday-night shift is Friday's).

EV: each evening day's excess over the meter's quiet level at that hour (the QUIET_QUANTILE of the period's days,
which an EV charging on up to ~80 % of days does not reach) is "hot" where it is at least EV_MIN_KW. An EV day has
one contiguous hot run of at most EV_MAX_HOURS holding at least EV_MIN_KWH above the quiet level. A grow lamp block is hot for 12-18 h (or not hot at all, when it
is on every day and so part of the quiet level), and its veg-phase extra 6 h start and last the same every day.

Night shift: the median night (22:00-06:00) kW of Monday-Thursday evening days against Saturday evening days.
Friday and Sunday are left out: shifts differ on whether they run the night into Saturday or into Monday.
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.blocks import row_median
from wattwatch.core.kernels.lookalike_days import ev_day_stats, night_levels
from wattwatch.core.lookalike_profiles import MAD_TO_SIGMA, MIN_DAY_HOURS

QUIET_QUANTILE = 0.2
EV_MIN_KW = 2.5  # home chargers draw 3.7-11 kW; an hour half-covered by a 7 kW session still passes
# A charge worth plugging in for: 5 kWh is 1 h at 7.4 kW or 1.5 h at 3.7 kW. A household's kettle-and-oven hour on a
# busy evening reaches 2.5-3.5 kWh above its quiet level, so single noisy hours do not pass.
EV_MIN_KWH = 5.0
EV_MAX_HOURS = 6  # sessions last 1-5 h; one extra hour for sessions straddling two clock hours
EVENING_HOURS = slice(5, 17)  # evening-day hours 5..16 = 17:00..04:00, when people plug in at home
NIGHT_HOURS = slice(10, 18)  # evening-day hours 10..17 = 22:00..06:00
SHIFT_WEEKDAYS = (0, 1, 2, 3)  # Monday-Thursday evenings
OFF_WEEKDAY = 5  # Saturday evening


def ev_sessions(hourly: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """EV measures over the evening days of the after period (module doc), from the local days [m, d, 24]."""
    valid, n_hot, runs, energy, start, peak = ev_day_stats(hourly, after, MIN_DAY_HOURS, QUIET_QUANTILE, EV_MIN_KW)
    session = valid & (runs == 1) & (n_hot <= EV_MAX_HOURS) & (energy >= EV_MIN_KWH)
    n_days = session.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        evening_start = (start >= EVENING_HOURS.start) & (start < EVENING_HOURS.stop)
        hours = np.where(session, n_hot, np.nan).astype(np.float64)
        starts = np.where(session, start, np.nan)
        return {
            "ev_day_share": n_days / valid.sum(axis=1),
            "ev_days": n_days.astype(np.int64),
            "ev_block_hours": row_median(hours),
            "ev_hours_spread_h": _spread(hours),
            "ev_start_spread_h": _spread(starts),
            "ev_evening_share": np.sum(session & evening_start, axis=1) / n_days,
            "ev_kw": row_median(np.where(session, peak, np.nan)),
        }


def _spread(values: np.ndarray) -> np.ndarray:
    centre = row_median(values)
    return MAD_TO_SIGMA * row_median(np.abs(values - centre[:, None]))


def night_shift(hourly: np.ndarray, after: np.ndarray, first_weekday: int) -> dict[str, np.ndarray]:
    """Median night kW of Monday-Thursday vs Saturday evening days in the after period (module doc), from the local
    days [m, d, 24]."""
    n_hours = NIGHT_HOURS.stop - NIGHT_HOURS.start
    level = night_levels(hourly, NIGHT_HOURS.start, NIGHT_HOURS.stop, n_hours - 1)  # a DST night keeps 7 of 8 hours
    weekday = (first_weekday + np.arange(hourly.shape[1])) % 7
    on = after & np.isin(weekday, SHIFT_WEEKDAYS)[None, :]
    off = after & (weekday == OFF_WEEKDAY)[None, :]
    return {
        "weekday_night_kw": row_median(np.where(on, level, np.nan)),
        "weekend_night_kw": row_median(np.where(off, level, np.nan)),
        "weekend_nights": np.sum(off & np.isfinite(level), axis=1).astype(np.int64),
    }
