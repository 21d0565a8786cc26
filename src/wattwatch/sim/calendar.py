"""The simulator's time axis: local days of the premises' time zone and interval grids of UTC instants.

Meters tick in UTC, so a grid is evenly spaced in UTC instants; a local day therefore holds 23 or 25 hours of
intervals around DST changes. Everything that people do (opening hours, timers, holidays) is keyed to local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

DAY_S = 86_400
HOUR_S = 3_600


@dataclass(frozen=True)
class Grid:
    """Interval start instants at one step, with their local-time coordinates."""

    step_s: int
    utc_s: np.ndarray  # int64 seconds since the epoch (UTC), interval starts
    offset_s: np.ndarray  # int64 local UTC offset at each instant
    day: np.ndarray  # int64 local day index from the axis start
    hour: np.ndarray  # float32 local hour of the interval's midpoint, 0..24

    @property
    def local_s(self) -> np.ndarray:
        """Local wall-clock seconds (as if local time were UTC): blocks of daily routine are laid on this clock."""
        return self.utc_s + self.offset_s

    @property
    def steps_per_hour(self) -> int:
        return HOUR_S // self.step_s

    def __len__(self) -> int:
        return len(self.utc_s)


@dataclass(frozen=True)
class TimeAxis:
    start: date
    days: int
    tz: ZoneInfo
    start_utc_s: int
    end_utc_s: int
    hour_offsets: np.ndarray  # local UTC offset (s) of every UTC hour from start to end
    std_offset_s: int  # the zone's standard-time offset: timers that ignore DST stay on it
    local_origin_s: int  # local wall-clock seconds of the first local midnight
    dates: np.ndarray  # datetime64[D] of each local day
    weekday: np.ndarray  # 0 = Monday
    doy: np.ndarray  # day of year, 1..366
    holiday: np.ndarray  # bool, public holiday
    school_break: np.ndarray  # bool, schools closed (holidays, summer, winter and spring breaks)

    def grid(self, step_minutes: int) -> Grid:
        step = step_minutes * 60
        utc = np.arange(self.start_utc_s, self.end_utc_s, step, dtype=np.int64)
        off = self.hour_offsets[(utc - self.start_utc_s) // HOUR_S]
        local = utc + off
        day = (local - self.local_origin_s) // DAY_S
        hour = (((local % DAY_S) + step / 2) / HOUR_S).astype(np.float32)
        return Grid(step, utc, off, day, hour)

    def day_start_utc(self, day: np.ndarray | int) -> np.ndarray:
        """UTC instant of local midnight starting each given day index."""
        local = self.local_origin_s + np.asarray(day, dtype=np.int64) * DAY_S
        guess = local - self.std_offset_s
        idx = np.clip((guess - self.start_utc_s) // HOUR_S, 0, len(self.hour_offsets) - 1)
        return local - self.hour_offsets[idx]

    def local_offset_at(self, utc_s: np.ndarray) -> np.ndarray:
        idx = np.clip((np.asarray(utc_s) - self.start_utc_s) // HOUR_S, 0, len(self.hour_offsets) - 1)
        return self.hour_offsets[idx]


def make_axis(start: str | date, days: int, tz_name: str) -> TimeAxis:
    tz = ZoneInfo(tz_name)
    d0 = date.fromisoformat(start) if isinstance(start, str) else start
    first = datetime(d0.year, d0.month, d0.day, tzinfo=tz)
    last_day = d0 + timedelta(days=days)
    last = datetime(last_day.year, last_day.month, last_day.day, tzinfo=tz)
    start_utc, end_utc = int(first.timestamp()), int(last.timestamp())
    hours = range(start_utc, end_utc + HOUR_S, HOUR_S)
    offsets = np.array(
        [datetime.fromtimestamp(t, tz).utcoffset() // timedelta(seconds=1) for t in hours], dtype=np.int64
    )
    std = int((first.utcoffset() - first.dst()) // timedelta(seconds=1))
    dates = np.arange(np.datetime64(d0), np.datetime64(last_day), dtype="datetime64[D]")
    weekday = ((dates.astype(np.int64) + 3) % 7).astype(np.int8)  # 1970-01-01 was a Thursday
    years = dates.astype("datetime64[Y]")
    doy = (dates - years.astype("datetime64[D]")).astype(np.int64) + 1
    holiday = np.isin(dates, _albanian_holidays(range(d0.year - 1, last_day.year + 2)))
    school = _school_break(dates, doy, holiday)
    return TimeAxis(d0, days, tz, start_utc, end_utc, offsets, std, start_utc + int(offsets[0]), dates,
                    weekday, doy, holiday, school)


def _easter(year: int, julian: bool) -> date:
    """Catholic (Gregorian) or Orthodox (Julian computus, shown in Gregorian dates) Easter Sunday."""
    if julian:
        a, b, c = year % 4, year % 7, year % 19
        d = (19 * c + 15) % 30
        e = (2 * a + 4 * b - d + 34) % 7
        month, day = divmod(d + e + 114, 31)
        return date(year, month, day + 1) + timedelta(days=13)
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


# Eid al-Fitr and Eid al-Adha follow the lunar calendar; the observed Albanian dates for the years a demo may cover.
_EIDS = {
    2023: ("04-21", "06-28"), 2024: ("04-10", "06-16"), 2025: ("03-30", "06-06"), 2026: ("03-20", "05-27"),
    2027: ("03-09", "05-16"), 2028: ("02-26", "05-05"), 2029: ("02-14", "04-24"), 2030: ("02-04", "04-13"),
}


def _albanian_holidays(years: range) -> np.ndarray:
    out: list[date] = []
    for y in years:
        for md in ("01-01", "01-02", "03-14", "03-22", "05-01", "10-19", "11-28", "11-29", "12-08", "12-25"):
            out.append(date.fromisoformat(f"{y}-{md}"))
        out += [_easter(y, False), _easter(y, False) + timedelta(days=1), _easter(y, True),
                _easter(y, True) + timedelta(days=1)]
        out += [date.fromisoformat(f"{y}-{md}") for md in _EIDS.get(y, ())]
    return np.array(sorted(out), dtype="datetime64[D]")


def _school_break(dates: np.ndarray, doy: np.ndarray, holiday: np.ndarray) -> np.ndarray:
    summer = (doy >= 172) & (doy < 258)  # ~21 June .. mid September
    winter = (doy >= 355) | (doy <= 6)
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month.astype("datetime64[D]")).astype(np.int64) + 1
    spring = ((month.astype(np.int64) % 12) == 3) & (day_of_month <= 7)  # first week of April
    return summer | winter | spring | holiday


def daylength_hours(doy: np.ndarray) -> np.ndarray:
    """Hours of daylight at Albania's latitude (~41 N) on each day of the year."""
    return 12.0 + 3.05 * np.sin(2 * np.pi * (np.asarray(doy) - 80) / 365.25)
