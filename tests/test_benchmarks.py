"""The benchmark's own parts on tiny data: planting kernels vs naive twins, placement, billing twin, baselines,
evaluation rules, and a tiny end-to-end run of benchmarks/quality.py."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `benchmarks` lives at the repository root

from benchmarks.backgrounds import DAY_S, Axis, Background, make_grid, place, source_days  # noqa: E402
from benchmarks.baselines import DailyView, by_premises, high_use, monthly_step  # noqa: E402
from benchmarks.datasets import Truth, billing_twin, periods_by_day  # noqa: E402
from benchmarks.evaluate import metrics, questions  # noqa: E402
from benchmarks.plant import block_share, plant_grow, plant_theft  # noqa: E402
from wattwatch.ingest import ingest_file  # noqa: E402
from wattwatch.realdata import find_real_data  # noqa: E402

AXIS = Axis(date(2025, 3, 24), 14, "Europe/Tirane")  # spans the spring DST change (30 March)


def naive_block_share(clock, step, on, length):
    """Per interval, per second-resolution blocks: today's and yesterday's block, by plain arithmetic per slot."""
    out = []
    for c in clock:
        k = c // DAY_S
        covered = 0
        for day in (k, k - 1):
            d = day + 1  # arrays start at day -1
            if 0 <= d < len(on):
                start, end = day * DAY_S + on[d], day * DAY_S + on[d] + length[d]
                covered += max(0, min(c + step, end) - max(c, start))
        out.append(min(covered / step, 1.0))
    return np.array(out)


@pytest.mark.parametrize("seed", range(12))
def test_block_share_matches_naive_twin(seed):
    rng = np.random.default_rng(seed)
    step = int(rng.choice([900, 1800, 3600]))
    clock = np.arange(-3600, 5 * DAY_S, step) + int(rng.integers(0, step))
    on = rng.uniform(0, DAY_S, 7).round()
    length = rng.choice([0, 6, 12, 18], 7) * 3600.0
    got = block_share(clock, step, np.array(-1), on, length)
    np.testing.assert_allclose(got, naive_block_share(clock, step, on, length), atol=1e-12)


def test_grid_has_23_hour_dst_day_and_placement_keeps_weekdays():
    grid = make_grid(AXIS, 60)
    per_day = np.bincount(grid.day, minlength=AXIS.days)
    assert per_day[6] == 23 and (np.delete(per_day, 6) == 24).all()  # 2025-03-30 is day 6
    rng = np.random.default_rng(0)
    first = date(2023, 1, 2)
    kw = np.repeat((np.arange(400) % 7 + 1.0)[:, None], 24, axis=1)  # value = weekday + 1 of the source day
    bg = Background("test", "t", 60, kw, first, ("residential",))
    src = source_days(bg, Axis(date(2024, 9, 2), 420, "Europe/Tirane"), rng)
    assert (src < 400).all() and ((first.weekday() + src) % 7 == np.arange(420) % 7).all()
    values = place(bg, AXIS, grid, rng)
    assert np.array_equal(values, (AXIS.start.weekday() + grid.day) % 7 + 1.0)


def test_grow_adds_a_lamp_block_at_its_clock_time_and_theft_drops():
    rng = np.random.default_rng(3)
    axis = Axis(date(2025, 1, 6), 200, "Europe/Tirane")
    grid = make_grid(axis, 15)
    bg = np.full(len(grid.utc_s), 0.3)
    metered, case = plant_grow(rng, axis, grid, bg, "residential")
    added = metered - bg
    assert case.label == "grow" and added[grid.day < case.start_day].max() == 0
    if not case.whole_bypass:
        lit = added[grid.day >= case.start_day]
        assert lit.max() >= 0.9 * case.lamp_kw * case.metered_fraction * 0.4  # vegetative level is >= 0.4
    stolen, theft = plant_theft(rng, axis, grid, bg, "residential")
    assert (stolen[grid.day < theft.start_day] == 0.3).all() and stolen[grid.day == theft.start_day].max() < 0.3


def test_periods_cover_whole_days_in_28_to_33_day_blocks():
    period = periods_by_day(np.random.default_rng(1), 5, 200)
    for row in period:
        lengths = np.bincount(row[row >= 0])
        assert ((lengths >= 28) & (lengths <= 33)).all() and (np.diff(row[row >= 0]) >= 0).all()


def test_billing_twin_sums_and_scales_gaps(con, write):
    ingest_file(con, "premises", write("p.csv", "premise_id,meter_id,category,address,city,latitude,longitude\n"
                                                "P1,M1,residential,a,Tirane,41.3,19.8\n"))
    hours = np.arange(0, 120 * 24)
    keep = (hours < 40 * 24) | (hours >= 45 * 24)  # a 5-day gap
    rows = [f"M1,{np.datetime64('2025-01-01T00:00:00') + np.timedelta64(int(h), 'h')}+01:00,0.5" for h in hours[keep]]
    ingest_file(con, "readings", write("r.csv", "meter_id,timestamp,kwh\n" + "\n".join(rows) + "\n"))
    out = billing_twin(con, np.array(["M1"], dtype=object), "Europe/Tirane", np.random.default_rng(2),
                       write("twin.parquet", b"").parent / "twin.parquet")
    twin = pq.read_table(out)
    start_day = np.array(twin["timestamp"].cast(pa.timestamp("us")).cast(pa.date32()).to_pylist(),
                         dtype="datetime64[D]")
    kwh = np.array(twin["kwh"].to_pylist())
    assert len(kwh) >= 3 and (np.diff(start_day).astype(int) >= 28).all()
    # every full period holds 12 kWh a day, the one with the 5-day gap too (scaled up by its coverage)
    np.testing.assert_allclose(kwh[:-1] / np.diff(start_day).astype(int), 12.0, rtol=1e-3)


def view(kwh, category=("residential",) * 3):
    n = len(kwh)
    return DailyView(np.array([f"M{i}" for i in range(n)], dtype=object),
                     np.array([f"P{i}" for i in range(n)], dtype=object), np.array(category, dtype=object),
                     np.zeros(n, bool), date(2025, 1, 1), np.asarray(kwh, float), np.zeros_like(kwh))


def test_rule_baselines_score_rises_and_drops():
    days = 240  # 2025-01-01 .. 2025-08-28: last full month July, before it April-June
    flat = np.full(days, 10.0)
    rise, drop = flat.copy(), flat.copy()
    rise[181:] = 30.0  # from July
    drop[181:] = 2.0
    v = view(np.stack([flat, rise, drop]))
    step_up, step_down = monthly_step(v)
    np.testing.assert_allclose(step_up, [1.0, 3.0, 0.2])
    np.testing.assert_allclose(step_down, [1.0, 1 / 3, 5.0])
    ratio, inverse = high_use(v)
    assert ratio[1] > ratio[0] > ratio[2] and inverse[2] > inverse[0] > inverse[1]
    assert np.array_equal(by_premises(v, np.array([1.0, np.nan, 2.0]), np.array(["P1", "P2", "P9"], dtype=object)),
                          np.array([np.nan, 2.0, np.nan]), equal_nan=True)


def test_evaluation_rules():
    label = np.array(["grow", "grow", "grow", "theft", "normal", "ev", "normal"], dtype=object)
    visible = np.array([True, False, False, False, False, False, False])
    whole = np.array([False, False, True, False, False, False, False])
    truth = Truth(label.astype(str).astype(object), label, label, visible, (label == "theft") | whole,
                  np.zeros(7, bool), label)
    grow, theft = questions(truth, np.ones(7, bool))
    assert grow.included.tolist() == [True, False, False, False, True, True, True]
    assert theft.positive.tolist() == [False, False, True, True, False, False, False]
    assert theft.included.tolist() == [False, False, True, True, True, True, True]
    scores = np.array([1.0, 9, 9, 0.5, 2, 3, np.nan])
    m = metrics(grow, scores, truth.lookalike)
    assert m["AP"] == pytest.approx(1 / 3) and m["LA@k"] == 1 and m["k"] == 1


def test_quality_smoke_on_a_tiny_simulated_city(tmp_path):
    from benchmarks.datasets import simulator_dataset
    from benchmarks.quality import METHODS, evaluate_dataset

    ds = simulator_dataset(tmp_path / "data", seed=5, n_premises=80, days=150)
    res = evaluate_dataset(ds, tmp_path, seed=5, limit=2)
    assert set(res.cells) == set(METHODS)
    for cells in res.cells.values():
        assert all(np.isnan(v) or 0 <= v for v in cells.values())
        assert np.isnan(cells["grow AP"]) or cells["grow AP"] <= 1


@pytest.mark.real
def test_real_backgrounds_dataset_is_seeded_and_labelled(tmp_path):
    root = find_real_data()
    if root is None:
        pytest.skip("no real data folder")
    from benchmarks.realcity import real_dataset

    a = real_dataset(tmp_path / "a", root, seed=4, n_premises=40, days=120)
    b = real_dataset(tmp_path / "b", root, seed=4, n_premises=40, days=120)
    assert np.array_equal(a.truth.label, b.truth.label) and np.array_equal(a.truth.notes, b.truth.notes)
    assert (a.truth.label == "grow").sum() == 4 and (a.truth.label == "theft").sum() == 3
    assert not (a.truth.grow_visible & a.truth.theft).any()
