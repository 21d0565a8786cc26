"""Real backgrounds: when the shared real data is present, part of the premises run on real series."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from wattwatch.sim import CityConfig, generate_city
from wattwatch.realdata import find_real_data
from wattwatch.sim.real import load_library

REAL = find_real_data()
pytestmark = [pytest.mark.real, pytest.mark.skipif(REAL is None, reason="no real data (../shared/data/real)")]


@pytest.fixture(scope="module")
def library():
    return load_library(REAL, np.random.default_rng(0), max_buildings=6)


def test_library_has_clean_series_from_each_source(library):
    assert {s.source for s in library} == {"sgsc", "cambridge", "vdi"}
    for s in library:
        assert np.isfinite(s.values).all() and (s.values >= 0).all() and s.values.mean() > 0
        assert s.values.shape[1] * s.step_min == 24 * 60


def test_city_uses_real_backgrounds_and_stays_deterministic():
    config = CityConfig(seed=2, n_premises=150, days=40, real_data=REAL, real_share=0.7, mess_rate=0.0)
    a, b = generate_city(config), generate_city(config)
    assert a.readings.equals(b.readings)
    notes = a.truth["notes"].to_pylist()
    used = {n.split("background=")[1].split(":")[0].split(";")[0] for n in notes}
    assert {"sgsc", "cambridge", "vdi", "synthetic"} <= used
    assert pc.min(a.readings["kwh"]).as_py() >= 0
    synthetic = generate_city(CityConfig(seed=2, n_premises=150, days=40, mess_rate=0.0))
    assert not synthetic.readings.equals(a.readings)
