"""The night hours' daily series against a per-meter-day loop, on nasty inputs."""

import math

import numpy as np
import pytest

from wattwatch.core.drop import sustained_drop
from wattwatch.core.night_band import MAX_MISSING_SHARE, NIGHT_HOURS, night_band_kwh, night_hour_mask


def naive_night_band(hourly, hours=NIGHT_HOURS, daily=None):
    start, end = hours
    band = [h for h in range(24) if (start <= h < end if start < end else h >= start or h < end)]
    m, d, _ = hourly.shape
    out = np.full((m, d), np.nan)
    for i in range(m):
        for j in range(d):
            values = [hourly[i, j, h] for h in band if not math.isnan(hourly[i, j, h])]
            no_day = daily is not None and math.isnan(daily[i, j])
            if values and len(values) >= len(band) * (1 - MAX_MISSING_SHARE) and not no_day:
                out[i, j] = sum(values) / len(values) * 24
    return out


def nasty(rng, m=7, d=30):
    x = rng.gamma(2.0, 0.3, (m, d, 24))
    x[0] = np.nan  # a meter with no readings
    x[1, :, :] = 0.7  # a constant meter
    x[2, 3:9] = np.nan  # a gap of days
    x[3, :, 2] = np.nan  # the 23-hour DST day's skipped hour, every day
    x[4, rng.random((d, 24)) < 0.4] = np.nan  # scattered missing hours: some nights just over half missing
    x[5, :, [22, 23, 0, 1]] = np.nan  # exactly half the band missing: still a level
    x[6, :, [22, 23, 0, 1, 2]] = np.nan  # more than half missing: none
    return x


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("hours", [NIGHT_HOURS, (1, 5), (0, 24)])
def test_night_band_matches_the_per_day_loop(seed, hours):
    x = nasty(np.random.default_rng(seed))
    np.testing.assert_allclose(night_band_kwh(x, hours), naive_night_band(x, hours), rtol=1e-12, equal_nan=True)
    daily = np.where(np.random.default_rng(seed + 100).random(x.shape[:2]) < 0.2, np.nan, 1.0)  # days under coverage
    np.testing.assert_allclose(night_band_kwh(x, hours, daily), naive_night_band(x, hours, daily), rtol=1e-12,
                               equal_nan=True)


def test_edge_meters_and_days():
    x = nasty(np.random.default_rng(0))
    got = night_band_kwh(x)
    assert np.isnan(got[0]).all() and np.isnan(got[6]).all() and np.isfinite(got[5]).all()
    assert got[1] == pytest.approx(0.7 * 24)
    assert night_band_kwh(np.ones((1, 1, 24))).shape == (1, 1)  # a single day
    assert night_band_kwh(np.ones((0, 5, 24))).shape == (0, 5)
    assert night_hour_mask().sum() == 8 and night_hour_mask((1, 5)).sum() == 4
    with pytest.raises(ValueError):
        night_band_kwh(np.ones((2, 3, 23)))


def test_a_night_only_bypass_is_a_full_fall_on_the_night_series_and_a_small_one_on_the_day():
    rng = np.random.default_rng(3)
    days = 200
    evening = 1 + 2.0 * ((np.arange(24) >= 17) & (np.arange(24) < 22))  # a household's evening peak, before 22:00
    x = 0.3 * rng.gamma(8, 1 / 8, (1, days, 24)) * evening
    x[0, 120:][:, night_hour_mask()] *= 0.2
    night, day = sustained_drop(night_band_kwh(x)), sustained_drop(x.sum(axis=2))
    assert night.change_day[0] == pytest.approx(120, abs=2)
    assert night.ratio[0] == pytest.approx(0.2, abs=0.05)
    assert night.drop_score[0] > 2 * day.drop_score[0]
