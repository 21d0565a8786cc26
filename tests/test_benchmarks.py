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


def _lit_hours(added: np.ndarray, grid, day: int, above: float) -> float:
    return float((added[grid.day == day] > above).sum() * grid.step_s / 3600)


def test_variant_grows_keep_their_style():
    from benchmarks import plant_variants as pv

    axis = Axis(date(2024, 9, 2), 240, "Europe/Tirane")
    grid = make_grid(axis, 60)
    bg = np.full(len(grid.utc_s), 0.3)
    seen = set()
    for seed in range(40):
        metered, case = pv.plant_grow(np.random.default_rng(seed), axis, grid, bg, "residential")
        added = metered - bg
        style = case.params["style"]
        seen.add((style, case.params["since_before_data"]))
        assert case.label == "grow" and (added >= 0).all() and added[grid.day < case.start_day].max(initial=0) == 0
        assert case.params["since_before_data"] == (case.start_day == 0)
        first = case.start_day + 2
        if style == "auto20" and not case.params["ac_cycling"] and first < axis.days:
            assert abs(_lit_hours(added, grid, first, 0.5 * case.lamp_kw) - 20) <= 1
        if style == "perpetual" and first < axis.days:  # one room or the other is always lit
            assert _lit_hours(added, grid, first, 0.3 * case.lamp_kw) == 24
    assert {s for s, _ in seen} == set(pv.GROW_STYLES) and {b for _, b in seen} == {True, False}


@pytest.mark.parametrize("kind", ["small", "gradual", "night", "alternate_weeks", "drop"])
def test_variant_thefts_take_what_they_say(kind):
    from benchmarks import plant_variants as pv

    axis = Axis(date(2024, 9, 2), 200, "Europe/Tirane")
    grid = make_grid(axis, 30)
    bg = np.full(len(grid.utc_s), 1.0)
    seed = next(s for s in range(200) if pv.plant_theft(np.random.default_rng(s), axis, grid, bg, "residential")[1]
                .params["kind"] == kind)
    recorded, case = pv.plant_theft(np.random.default_rng(seed), axis, grid, bg, "residential")
    before, after = grid.day < case.start_day, grid.day >= case.start_day + 63  # after any gradual ramp
    assert (recorded[before] == 1.0).all() and (recorded <= 1.0).all()
    low = recorded[after] < 1.0
    night = (grid.tod_s[after] >= 19 * 3600) | (grid.tod_s[after] < 7 * 3600)
    if kind == "night":
        assert np.array_equal(low, night)
    elif kind == "alternate_weeks":
        assert np.array_equal(low, (grid.day[after] - case.start_day) // 7 % 2 == 0) and 0 < low.mean() < 1
    else:
        assert low.all() and np.allclose(recorded[after], 1 - case.params["drop"], atol=0.006)
    if kind == "small":
        assert 0.2 <= case.params["drop"] <= 0.4


def test_variant_seasonal_lookalikes_run_in_their_season():
    from benchmarks import plant_variants as pv

    axis = Axis(date(2024, 9, 2), 365, "Europe/Tirane")
    grid = make_grid(axis, 60)
    bg = np.full(len(grid.utc_s), 0.5)
    month = axis.month()[grid.day]
    temperature = np.full(axis.days, 15.0)
    for label, season in (("heating", pv.COLD_MONTHS), ("pool_pump", pv.POOL_MONTHS)):
        metered, case = pv.plant_variant_lookalike(np.random.default_rng(1), label, axis, grid, bg, "residential",
                                                   temperature)
        on = metered - bg > 0
        assert on.any() and not on[~np.isin(month, season)].any(), label
        assert case.label == label


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
    # the simulator has sales: a run without them, linkage against truth, and the linkage repeated identically
    from benchmarks.sales_quality import GROW_COLUMNS, LINK_COLUMNS, RUNS

    assert res.sales is not None and set(res.sales.grow) == set(RUNS)
    assert all(set(GROW_COLUMNS) <= set(res.sales.grow[r]) for r in RUNS) and set(LINK_COLUMNS) <= set(res.sales.links)
    assert res.sales.counts["link_sales repeat differs from links.csv"] == 0
    links = res.sales.links
    assert links["links"] <= links["lines"] and links["with contact"] <= links["with home"] <= links["lines"]
    assert all(np.isnan(links[c]) or 0 <= links[c] <= 1 for c in LINK_COLUMNS if "recall" in c or "precision" in c)


@pytest.mark.real
def test_real_backgrounds_dataset_is_seeded_and_labelled(tmp_path):
    root = find_real_data()
    if root is None:
        pytest.skip("no real data folder")
    from benchmarks.realcity import real_dataset

    a = real_dataset(tmp_path / "a", root, seed=4, n_premises=40, days=120)
    b = real_dataset(tmp_path / "b", root, seed=4, n_premises=40, days=120, with_sales=True)
    # the same seed gives the same data, and planting sales changes nothing else
    assert np.array_equal(a.truth.label, b.truth.label) and np.array_equal(a.truth.notes, b.truth.notes)
    assert (tmp_path / "a" / "readings.parquet").read_bytes() == (tmp_path / "b" / "readings.parquet").read_bytes()
    assert np.array_equal(a.monthly_meters, b.monthly_meters)
    assert a.sales_truth is None and set(b.files) == {"premises", "readings", "sales", "stores"}
    before, after = read_csv(a.files["premises"][0]), read_csv(b.files["premises"][0])
    kept = ("premise_id", "meter_id", "category", "city", "latitude", "longitude", "floor_area_m2", "contracted_kw")
    assert [[r[c] for c in kept] for r in before] == [[r[c] for c in kept] for r in after]
    assert all(r["account_holder"] and r["address"] for r in after) and "account_holder" not in before[0]
    assert (a.truth.label == "grow").sum() == 4 and (a.truth.label == "theft").sum() == 3
    assert not (a.truth.grow_visible & a.truth.theft).any()


def test_variant_dataset_is_seeded_and_labelled(tmp_path):
    root = find_real_data()
    if root is None:
        pytest.skip("no real data folder")
    from benchmarks.plant_variants import PLANTERS_C
    from benchmarks.realcity import real_dataset

    one, two = (real_dataset(tmp_path / name, root, seed=4, n_premises=40, days=120, planters=PLANTERS_C, key="c")
                for name in ("one", "two"))
    assert np.array_equal(one.truth.label, two.truth.label) and np.array_equal(one.truth.notes, two.truth.notes)
    assert (tmp_path / "one" / "readings.parquet").read_bytes() == (tmp_path / "two" / "readings.parquet").read_bytes()
    assert one.key == "c" and one.sales_truth is None and one.title.startswith(PLANTERS_C.title)
    pumps = one.truth.label == "pool_pump"
    assert pumps.any() and one.truth.lookalike[pumps].all() and one.truth.negative[pumps].all()
    assert (one.truth.label == "grow").sum() == 4 and (one.truth.label == "theft").sum() == 3


# ---- lamp-shop sales: the independent planter (benchmarks.plant_sales) and the sales rules (benchmarks.sales_eval)

def tiny_sites(n_homes=36):
    from benchmarks.plant_sales import Sites
    from benchmarks.realcity import CITIES

    category = np.array(["residential"] * n_homes + ["commercial"] * 12 + ["agricultural"] * 8 + ["industrial"] * 4,
                        dtype=object)
    n = len(category)
    label = np.full(n, "normal", dtype=object)
    label[:6] = "grow"
    label[n_homes] = "grow"
    label[n_homes + 12:n_homes + 14] = "greenhouse"
    start = np.where(label == "grow", 90 + np.arange(n) % 50, np.where(label == "greenhouse", 120, -1))
    return Sites(np.array([f"T{i:03d}" for i in range(n)], dtype=object), category,
                 np.array([CITIES[i % len(CITIES)][0] for i in range(n)], dtype=object), label, start,
                 np.where(label == "grow", 1.0 + np.arange(n) % 5, 0.0))


def plant_tiny(tmp_path, seed, sites=None):
    from benchmarks.plant_sales import plant_sales
    from benchmarks.realcity import CITIES

    return plant_sales(np.random.default_rng(seed), sites or tiny_sites(), Axis(date(2024, 9, 2), 240, "Europe/Tirane"),
                       {c: (lat, lon) for c, lat, lon in CITIES}, tmp_path / f"sales-{seed}")


def read_csv(path):
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_planted_sales_are_seeded_and_consistent_with_their_truth(tmp_path):
    sites = tiny_sites()
    a, b, c = plant_tiny(tmp_path, 1, sites), plant_tiny(tmp_path / "b", 1, sites), plant_tiny(tmp_path, 2, sites)
    assert a.sales.read_bytes() == b.sales.read_bytes() and a.truth.read_bytes() == b.truth.read_bytes()
    assert a.sales.read_bytes() != c.sales.read_bytes()
    sales, truth = read_csv(a.sales), read_csv(a.truth)
    assert [r["sale_id"] for r in sales] == [r["sale_id"] for r in truth]
    assert len({r["sale_id"] for r in sales}) == len(sales)
    label = dict(zip(sites.premise_id, sites.label))
    category = dict(zip(sites.premise_id, sites.category))
    stores = {r["store_id"] for r in read_csv(a.stores)}
    assert 8 <= len(stores) <= 15 and {r["store_id"] for r in sales} <= stores
    for r in truth:
        p = r["premise_id"] or None
        assert r["role"] in ("grower", "straw_buyer", "greenhouse", "shop", "electrician", "household")
        if r["role"] in ("grower", "straw_buyer"):
            assert label[p] == "grow"
        if r["role"] == "greenhouse":
            assert category[p] == "agricultural"
        if r["role"] in ("household", "electrician") and p is not None:
            assert category[p] == "residential"
    assert all(int(r["quantity"]) >= 1 and r["payment"].lower() in ("cash", "card", "transfer", "other") for r in sales)
    # the register: every premises has a holder and an address, no two premises the same address in one city
    assert all(a.account_holder) and all(a.address)
    assert len(set(zip(a.address, sites.city))) == len(sites.premise_id)
    assert 0.5 < np.mean([p != "" for p in a.phone]) < 0.85


def test_grow_lamps_are_bought_before_the_grow_starts(tmp_path):
    sites = tiny_sites()
    planted = plant_tiny(tmp_path, 3, sites)
    start = dict(zip(sites.premise_id, sites.start_day))
    when = {r["sale_id"]: np.datetime64(r["timestamp"][:10]) for r in read_csv(planted.sales)}
    offsets = [int((when[r["sale_id"]] - np.datetime64("2024-09-02")).astype(int)) - start[r["premise_id"]]
               for r in read_csv(planted.truth) if r["role"] in ("grower", "straw_buyer") and r["item"] == "grow_lamp"]
    assert offsets and all(-61 <= d <= 1 or d >= 100 for d in offsets)  # before the start, or fresh bulbs later
    assert sum(d <= 1 for d in offsets) > sum(d >= 100 for d in offsets)


def test_straw_buyers_share_the_growers_phone_or_address():
    from benchmarks.plant_sales import Buyer, _straw_buyer

    grower = Buyer("grower:T1", "grower", "T1", "Tiranë", ("Arben", "Hoxha", "Sokol"), None, "Rruga e Kavajës", 12, 5,
                   "692345678", (0.1, 0.1, 0.1))
    from benchmarks.sales_words import STREETS

    registered = frozenset(("Tiranë", street, n) for street in STREETS[:-1] for n in range(1, 121))
    kinds = set()
    for seed in range(40):
        straw = _straw_buyer(np.random.default_rng(seed), grower, 0, registered)
        same_phone = straw.phone == grower.phone
        same_place = (straw.street, straw.number, straw.flat) == (grower.street, grower.number, grower.flat)
        assert same_phone != same_place and straw.person[:2] != grower.person[:2]
        assert straw.role == "straw_buyer" and straw.premise_id == "T1"
        assert same_place or (straw.street == STREETS[-1] and ("Tiranë", straw.street, straw.number) not in registered)
        kinds.add(same_phone)
    assert kinds == {True, False}


def _digits(phone):
    d = "".join(ch for ch in phone if ch.isdigit())
    for prefix in ("00355", "355", "0"):
        if d.startswith(prefix):
            return d[len(prefix):]
    return d


def test_clerk_variants_keep_what_identifies_the_buyer():
    from benchmarks.sales_words import CITY_SPELLINGS, plain, write_address, write_name, write_phone

    rng = np.random.default_rng(9)
    phones = [write_phone(rng, "692345678") for _ in range(400)]
    assert np.mean([_digits(p) == "692345678" for p in phones]) > 0.95 and len(set(phones)) > 5
    addresses = [plain(write_address(rng, "Rruga e Kavajës", 12, 5, "Korçë")).lower() for _ in range(400)]
    assert np.mean(["12" in a and "kavajes" in a for a in addresses]) > 0.9 and len(set(addresses)) > 50
    spellings = [plain(s).lower() for s in CITY_SPELLINGS["Korçë"]]
    assert 0.5 < np.mean([any(s in a for s in spellings) for a in addresses]) < 0.9  # the city is often left out
    names = [plain(write_name(rng, "Çiljeta", "Xhafa", "Shpëtim")).lower() for _ in range(400)]
    assert np.mean(["xhafa" in n or "xafa" in n for n in names]) > 0.85 and len(set(names)) > 10


def test_link_quality_against_a_hand_count():
    from benchmarks.sales_eval import SaleTruth, link_quality

    t = SaleTruth(np.array(["s1", "s2", "s3", "s4", "s5", "s6"], dtype=object),
                  np.array(["P1", "P1", "P2", None, "P3", "P3"], dtype=object),
                  np.array(["grower", "straw_buyer", "household", "shop", "grower", "household"], dtype=object),
                  np.array([True, True, False, True, True, False]),
                  np.array(["phone", "name", "nothing", "no premises", "address+name", "name"], dtype=object))
    linked = np.array(["P1", "P9", None, "P4", None, "P3"], dtype=object)
    q = link_quality(t, linked, np.array([False, True, False, False, False, False]))
    # links: s1 right, s2 wrong, s4 wrong (a shop lives at no premises), s6 right
    assert q["precision"] == pytest.approx(2 / 4)
    assert q["recall (all)"] == pytest.approx(2 / 5) and q["recall (contact)"] == pytest.approx(1 / 3)
    assert q["grow precision"] == pytest.approx(1 / 2) and q["grow recall (contact)"] == pytest.approx(1 / 3)
    assert q["with key"] == 2 and q["recall (key)"] == pytest.approx(1 / 2)
    assert q["grow recall (key)"] == q["recall (key)"]
    assert q["straw linked"] == 0 and q["straw grouped"] == 1 and q["floor met"] == 0


def test_bulk_buyers_and_hidden_grows_in_the_ranking():
    from benchmarks.evaluate import Question
    from benchmarks.sales_eval import SaleTruth, bulk_in_top_k, bulk_buyers, buying_grows, hidden_found

    label = np.array(["grow", "grow", "grow", "greenhouse", "normal", "normal"], dtype=object)
    truth = Truth(np.array([f"P{i}" for i in range(6)], dtype=object), label, label,
                  np.array([True, False, False, False, False, False]), np.zeros(6, bool), np.zeros(6, bool), label)
    t = SaleTruth(np.array(["a", "b", "c"], dtype=object), np.array(["P1", "P4", None], dtype=object),
                  np.array(["grower", "shop", "electrician"], dtype=object), np.ones(3, bool),
                  np.array(["phone", "phone", "no premises"], dtype=object))
    assert bulk_buyers(truth, t).tolist() == [False, False, False, True, True, False]
    q = Question("grow", truth.grow_visible, truth.grow_visible | truth.negative)
    scores = np.array([5.0, 9, 1, 7, 0, 2])
    assert bulk_in_top_k(q, scores, bulk_buyers(truth, t)) == 1  # k = 1: the greenhouse outranks the grow
    assert bulk_in_top_k(q, np.array([5.0, 9, 1, 3, 0, 2]), bulk_buyers(truth, t)) == 0
    buying = buying_grows(truth, t)
    assert buying.positive.tolist() == [True, True, False, False, False, False]
    found, n = hidden_found(buying, scores, truth.grow_visible)
    assert n == 1 and found == 1.0  # P1 (lamps bought, meter blind) ranks first of K = 2
    found, _ = hidden_found(buying, np.array([5.0, 0, 1, 7, 0, 2]), truth.grow_visible)
    assert found == 0.0



def test_shared_fields_reads_what_a_receipt_has_in_common_with_the_register():
    from benchmarks.sales_eval import shared_fields

    register = {"account_holder": "HOXHA ARBEN", "address": "Rruga e Kavajës, Nr. 12, Ap. 5",
                "phone": "+355 69 234 5678"}
    receipt = {"buyer_name": "arben hoxha", "buyer_address": "Rr. Kavajes 12, Tirana", "buyer_phone": "0692345678"}
    assert shared_fields(receipt, register) == "phone+address+name"
    assert shared_fields({**receipt, "buyer_phone": "0692345679", "buyer_name": ""}, register) == "address"
    assert shared_fields({**receipt, "buyer_address": "Rr. Kavajes 14"}, register) == "phone+name"
    assert shared_fields({"buyer_name": "Luan Gjoka", "buyer_address": "", "buyer_phone": ""}, register) == "nothing"
    assert shared_fields(receipt, None) == "no premises"


def test_a_real_backgrounds_dataset_begins_on_its_start_day(tmp_path):
    """--start moves the data's calendar (a held-out set need not begin in September): the readings begin on the day
    asked for, local time, and the truth keeps its labels."""
    root = find_real_data()
    if root is None:
        pytest.skip("no real data folder")
    import duckdb

    from benchmarks.realcity import real_dataset

    ds = real_dataset(tmp_path / "jan", root, seed=4, n_premises=40, days=60, start="2025-01-06")
    readings = ds.files["readings"][0]
    first = duckdb.sql(f"SELECT min(timezone('{ds.timezone}', timestamp))::DATE FROM '{readings}'").fetchone()
    assert str(first[0]) == "2025-01-06"
    assert (ds.truth.label == "grow").sum() > 0
