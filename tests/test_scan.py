"""The scan pipeline on small hand-built stores: files, columns, ranking, one lead per premises."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from wattwatch.core.photoperiod import SEASONAL_KEEP
from wattwatch.schema import LEADS
from wattwatch.scan import run_scan
from wattwatch.scan.leads import premises_max
from wattwatch.settings import Settings
from wattwatch.store import connect

from helpers_store import insert_meters, insert_premises, insert_readings

UTC = timezone.utc
START = datetime(2024, 9, 1, tzinfo=UTC)
DAYS = 240
STEP_DAY = 150


def hourly_rows(meter, rng, extra_kw=0.0, from_day=DAYS, level_kw=0.5, days=DAYS):
    """A household at hourly resolution; `extra_kw` added for 18 h a day (a lamp block) from `from_day`."""
    hours = np.arange(days * 24)
    kw = level_kw * rng.gamma(6, 1 / 6, size=hours.size) * (1 + 0.5 * ((hours % 24) >= 17))
    kw = kw + extra_kw * ((hours // 24 >= from_day) & (hours % 24 < 18))
    return [(meter, START + timedelta(hours=int(h)), float(v), False) for h, v in zip(hours, kw)]


def billing_rows(meter, rng, monthly_kwh, step_kwh=0.0):
    rows = []
    for month in range(8):
        t = datetime(2024, 9 + month, 1, tzinfo=UTC) if month < 4 else datetime(2025, month - 3, 1, tzinfo=UTC)
        rows.append((meter, t, float(monthly_kwh * rng.uniform(0.95, 1.05) + (step_kwh if month >= 5 else 0)), False))
    return rows


@pytest.fixture
def city(tmp_path):
    rng = np.random.default_rng(11)
    con = connect(tmp_path / "store.duckdb")
    readings, meters, premises = [], [], []
    for i in range(12):
        meter = f"M{i:03d}"
        readings += hourly_rows(meter, rng)
        meters.append((meter, "60min", 60, START, START + timedelta(days=DAYS)))
        premises.append((f"P{i:03d}", meter, "residential", "Tirana"))
    # The grow: premises P100 has two meters, the second one steps up by 2 kW for 18 h a day.
    readings += hourly_rows("G1", rng) + hourly_rows("G2", rng, extra_kw=2.0, from_day=STEP_DAY)
    meters += [("G1", "60min", 60, START, START), ("G2", "60min", 60, START, START)]
    premises += [("P100", "G1", "residential", "Durres"), ("P100", "G2", "residential", "Durres")]
    # A monthly-read premises with a rise.
    readings += billing_rows("B1", rng, 300, step_kwh=900)
    meters.append(("B1", "billing", None, START, START))
    premises.append(("P200", "B1", "commercial", "Shkoder"))
    insert_readings(con, readings)
    insert_meters(con, meters)
    insert_premises(con, premises, holder="Arben Hoxha")
    yield con
    con.close()


def read_leads(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_scan_writes_leads_settings_and_report(city, tmp_path):
    settings = Settings(min_history_days=60, report_top=5)
    calls = []
    result = run_scan(city, settings, tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    assert result.leads_csv.exists() and result.report_html.exists()
    assert Settings.load(result.settings_json) == settings
    with open(result.leads_csv, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [c.name for c in LEADS.columns]
    assert calls[-1][0] == calls[-1][1]  # progress reaches its total
    assert result.n_meters == 15 and result.n_premises == 14 and result.n_days >= DAYS


def test_planted_step_ranks_first_with_its_date_and_power(city, tmp_path):
    result = run_scan(city, Settings(min_history_days=60), tmp_path / "out")
    leads = read_leads(result.leads_csv)
    top = leads[0]
    assert (top["rank"], top["premise_id"], top["meter_id"]) == ("1", "P100", "G2")
    assert "strange_increase" in top["signals"].split(";")
    change = result.leads[0].marks.change_day
    assert abs(change - ((START + timedelta(days=STEP_DAY)).date() - result.first_day).days) <= 7
    added_kw = float(re.search(r"\(([+-]\d+\.\d+) kW around the clock\)", top["explanation"]).group(1))
    assert added_kw == pytest.approx(2.0 * 18 / 24, abs=0.15)
    # the grow question's own score carries the lead; the theft question has next to nothing here
    assert float(top["grow_score"]) > 10 * float(top["theft_score"])
    assert float(top["score"]) >= max(float(top["grow_score"]), float(top["theft_score"]))
    assert float(top["lamp_kw"]) == pytest.approx(2.0, abs=0.3) and top["unmetered_kwh_day"] == ""
    flat = [float(row["score"]) for row in leads if row["premise_id"].startswith("P0")]
    assert float(top["score"]) > 10 * max(flat, default=0.0)
    assert [int(row["rank"]) for row in leads] == list(range(1, len(leads) + 1))
    scores = [float(row["score"]) for row in leads]
    assert scores == sorted(scores, reverse=True) and min(scores) > 0


def test_a_premises_with_two_meters_gets_one_lead(city, tmp_path):
    leads = read_leads(run_scan(city, Settings(min_history_days=60), tmp_path / "out").leads_csv)
    premises = [row["premise_id"] for row in leads]
    assert len(premises) == len(set(premises))
    assert premises.count("P100") == 1


def test_monthly_reads_are_labelled_as_weaker_evidence(city, tmp_path):
    leads = read_leads(run_scan(city, Settings(min_history_days=60), tmp_path / "out").leads_csv)
    billing = [row for row in leads if row["premise_id"] == "P200"]
    assert billing, "the monthly-read premises with a tripled bill should be a lead"
    signals = billing[0]["signals"].split(";")
    assert signals[0] == "strange_increase" and signals[-1] == "monthly_reads"
    assert "Monthly reads: weaker evidence" in billing[0]["explanation"]


def test_leads_carry_no_personal_fields(city, tmp_path):
    result = run_scan(city, Settings(min_history_days=60), tmp_path / "out")
    for path in (result.leads_csv, result.report_html):
        text = path.read_text(encoding="utf-8")
        assert "Arben Hoxha" not in text and "Rruga e Kavajes" not in text and "+355" not in text


def test_empty_store_scans_to_an_empty_lead_list(tmp_path):
    result = run_scan(connect(":memory:"), Settings(), tmp_path / "out")
    assert read_leads(result.leads_csv) == [] and result.n_leads == 0
    assert "<html" in result.report_html.read_text(encoding="utf-8")


def shop_rows(meter, rng, lamp_kw=0.0, from_day=DAYS):
    """A shop open 09-20 except Sundays (about 13 kW over 2 kW standby); `lamp_kw` for 18 h from 01:00 from
    `from_day` (a grow beside the shop's own hours)."""
    hours = np.arange(DAYS * 24)
    day, hour = hours // 24, hours % 24
    open_now = (hour >= 9) & (hour < 20) & ((START.weekday() + day) % 7 != 6)
    kw = (2.0 + 13.0 * open_now * rng.uniform(0.85, 1.15, DAYS)[day]) * rng.gamma(30, 1 / 30, hours.size)
    kw = kw + lamp_kw * ((day >= from_day) & (hour >= 1) & (hour < 19))
    return [(meter, START + timedelta(hours=int(h)), float(v), False) for h, v in zip(hours, kw)]


def test_a_grow_beside_a_shops_hours_is_found_in_the_load_it_added(tmp_path):
    rng = np.random.default_rng(8)
    con = connect(tmp_path / "store.duckdb")
    shops = [f"S{i:02d}" for i in range(10)]
    readings = [row for meter in shops for row in shop_rows(meter, rng)]
    readings += shop_rows("GROW", rng, lamp_kw=10.0, from_day=STEP_DAY)
    insert_readings(con, readings)
    insert_meters(con, [(m, "60min", 60, START, START + timedelta(days=DAYS)) for m in shops + ["GROW"]])
    insert_premises(con, [(f"P{m}", m, "commercial", "Tirana") for m in shops + ["GROW"]])
    try:
        leads = read_leads(run_scan(con, Settings(min_history_days=60), tmp_path / "out").leads_csv)
    finally:
        con.close()
    assert leads[0]["meter_id"] == "GROW"
    assert "grow_lights" in leads[0]["signals"].split(";")
    assert "in the load added since" in leads[0]["explanation"]
    assert re.search(r"about 1[78] h on from 0[12]:", leads[0]["explanation"])


def scaled_rows(meter, rng, factor_from: int, factor_to: int, factor: float):
    """A household whose use is multiplied by `factor` on days [factor_from, factor_to)."""
    rows = hourly_rows(meter, rng)
    return [(m, t, v * (factor if factor_from <= (t - START).days < factor_to else 1.0), z) for m, t, v, z in rows]


def scan_households(tmp_path, rng, cases: dict[str, list], days: int = DAYS) -> dict[str, dict]:
    """Twelve ordinary households and the `cases` (meter -> its readings), all homes in one city, scanned: the leads
    by meter."""
    con = connect(tmp_path / "store.duckdb")
    ordinary = [f"M{i:03d}" for i in range(12)]
    readings = [row for meter in ordinary for row in hourly_rows(meter, rng, days=days)]
    readings += [row for rows in cases.values() for row in rows]
    insert_readings(con, readings)
    insert_meters(con, [(m, "60min", 60, START, START + timedelta(days=days)) for m in ordinary + list(cases)])
    insert_premises(con, [(f"P{m}", m, "residential", "Tirana") for m in ordinary + list(cases)], holder="Arben Hoxha")
    try:
        return {row["meter_id"]: row for row in read_leads(run_scan(con, Settings(min_history_days=60),
                                                                     tmp_path / "out").leads_csv)}
    finally:
        con.close()


def test_a_vacation_is_explained_as_one_and_ranks_below_a_bypass(tmp_path):
    rng = np.random.default_rng(5)
    leads = scan_households(tmp_path, rng, {
        "V1": scaled_rows("V1", rng, 185, 232, 0.12),  # away for weeks, back for the last days of the data
        "T1": scaled_rows("T1", rng, 150, DAYS, 0.45),  # bypassed for good
    })
    theft = leads["T1"]
    assert "sustained_drop" in theft["signals"].split(";") and "vacation" not in theft["explanation"]
    vacation = leads["V1"]
    assert float(vacation["score"]) < float(theft["score"])
    assert "sustained_drop" in vacation["signals"].split(";")
    assert "more like a vacation, a change of occupant" in vacation["explanation"]


def test_a_fall_back_to_an_earlier_level_is_explained_as_seasonal_and_ranks_below_a_bypass(tmp_path):
    rng = np.random.default_rng(8)
    leads = scan_households(tmp_path, rng, {
        "S1": scaled_rows("S1", rng, 60, 150, 2.5),  # a busy season (heating, a lodger), then its old level again
        "T1": scaled_rows("T1", rng, 150, DAYS, 0.45),  # bypassed for good
    })
    theft, season = leads["T1"], leads["S1"]
    assert "sustained_drop" in theft["signals"].split(";") and "counts for less" not in theft["explanation"]
    assert "of its lowest earlier level" in season["explanation"]
    assert "so the fall counts for less" in season["explanation"]
    assert float(season["theft_score"]) < float(theft["theft_score"])


def test_a_schools_holiday_is_explained_by_the_schools_like_it_and_ranks_below_a_bypassed_office(tmp_path):
    """Public premises: five schools whose terms and holidays move together, twenty offices. The schools' long
    holiday from day 150 to the end of the data is a lasting fall their category (mostly offices) hardly makes; the
    schools most like each one made it too. One school's holiday goes deeper than the others' (a part of its fall is
    its own); an office bypassed the same day fell alone."""
    rng = np.random.default_rng(21)
    holidays = ((60, 74), (110, 124), (150, DAYS))

    def school(meter, summer):
        rows = hourly_rows(meter, rng, level_kw=20.0)
        level = [(a, b, summer if b == DAYS else 0.3) for a, b in holidays]
        return [(m, t, v * next((f for a, b, f in level if a <= (t - START).days < b), 1.0), z) for m, t, v, z in rows]

    schools = {f"SCH{i}": school(f"SCH{i}", 0.15 if i == 0 else 0.3) for i in range(5)}
    offices = {f"OFF{i}": hourly_rows(f"OFF{i}", rng, level_kw=20.0) for i in range(19)}
    offices["BYP"] = [(m, t, 40 * v, z) for m, t, v, z in scaled_rows("BYP", rng, STEP_DAY, DAYS, 0.3)]
    cases = {**schools, **offices}
    con = connect(tmp_path / "store.duckdb")
    insert_readings(con, [row for rows in cases.values() for row in rows])
    insert_meters(con, [(m, "60min", 60, START, START + timedelta(days=DAYS)) for m in cases])
    insert_premises(con, [(f"P{m}", m, "public", "Tirana") for m in cases])
    try:
        leads = {row["meter_id"]: row for row in read_leads(run_scan(con, Settings(min_history_days=60),
                                                                     tmp_path / "out").leads_csv)}
    finally:
        con.close()
    bypass, deeper = leads["BYP"], leads["SCH0"]
    assert "sustained_drop" in bypass["signals"].split(";") and "premises of its category" not in bypass["explanation"]
    assert re.search(r"The 4 premises of its category whose weeks moved most like its own before fell to 3\d%",
                     deeper["explanation"])
    assert float(deeper["theft_score"]) < 0.8 * float(bypass["theft_score"])
    for meter in list(schools)[1:]:  # their holiday is all their co-movers': no theft evidence left
        assert meter not in leads or float(leads[meter]["theft_score"]) == 0.0


def test_a_store_of_monthly_reads_only_is_scanned(tmp_path):
    """No interval meter at all: the per-meter stage has no chunk, the daily rows all come from the reads."""
    rng = np.random.default_rng(5)
    con = connect(tmp_path / "store.duckdb")
    readings = billing_rows("B1", rng, 300, step_kwh=900)
    meters, premises = [("B1", "billing", None, START, START)], [("P200", "B1", "commercial", "Shkoder")]
    for i in range(6):
        readings += billing_rows(f"B{i + 2}", rng, 300)
        meters.append((f"B{i + 2}", "billing", None, START, START))
        premises.append((f"P{i + 201}", f"B{i + 2}", "commercial", "Shkoder"))
    insert_readings(con, readings)
    insert_meters(con, meters)
    insert_premises(con, premises, holder="Arben Hoxha")
    result = run_scan(con, Settings(min_history_days=60), tmp_path / "out")
    con.close()
    leads = read_leads(result.leads_csv)
    assert result.n_meters == 7 and leads[0]["premise_id"] == "P200"
    assert leads[0]["signals"].split(";")[-1] == "monthly_reads"


def test_each_question_takes_the_premises_best_meter():
    premise = np.array(["A", "B", "A", None, "B"], dtype=object)
    got = premises_max(premise, np.array([1.0, 5.0, 3.0, 7.0, 0.0]))
    np.testing.assert_array_equal(got, [3.0, 5.0, 3.0, 7.0, 5.0])
    assert premises_max(np.array([None], dtype=object), np.array([2.0]))[0] == 2.0


def test_every_lead_says_why_even_the_weak_ones(city, tmp_path):
    leads = read_leads(run_scan(city, Settings(min_history_days=60), tmp_path / "out").leads_csv)
    assert all(row["explanation"] for row in leads)
    weak = [row for row in leads if not row["signals"]]
    assert weak, "the plain households score a little: weak leads"
    for row in weak:
        assert row["explanation"].startswith("Weak evidence only")
        if float(row["score"]) >= 1.0:  # some part is at least 1 %: named, with its share
            assert re.search(r"weight\): [a-z -]+ \d+%", row["explanation"]), row["explanation"]
    assert not any(row["explanation"].startswith("Weak evidence") for row in leads if row["signals"] and
                   row["signals"] != "monthly_reads")


def test_a_bypass_connected_only_at_night_is_found_on_the_night_hours(tmp_path):
    rng = np.random.default_rng(11)
    rows = hourly_rows("N1", rng)
    night_utc = lambda t: t.hour >= 19 or t.hour < 7  # noqa: E731  local 22:00-06:00 in summer and winter time
    bypassed = [(m, t, v * (0.2 if (t - START).days >= 150 and night_utc(t) else 1.0), z) for m, t, v, z in rows]
    leads = scan_households(tmp_path, rng, {"N1": bypassed})
    night = leads["N1"]
    assert night["signals"].split(";")[0] == "night_drop"
    assert re.search(r"Use in the night hours \(22:00-06:00\) fell from 0\.\d\d to 0\.\d\d kW", night["explanation"])
    ordinary = [lead for meter, lead in leads.items() if meter != "N1"]
    assert all(float(lead["theft_score"]) < float(night["theft_score"]) for lead in ordinary)
    assert not any("night_drop" in lead["signals"].split(";") for lead in ordinary)


def test_a_bypass_switched_in_and_out_weekly_is_found_and_a_vacation_is_not(tmp_path):
    rng = np.random.default_rng(14)
    week_on = lambda t: (t - START).days >= 150 and ((t - START).days - 150) // 7 % 2 == 0  # noqa: E731
    switched = [(m, t, v * (0.3 if week_on(t) else 1.0), z) for m, t, v, z in hourly_rows("S1", rng)]
    away = [(m, t, v * (0.1 if 150 <= (t - START).days < 171 else 1.0), z) for m, t, v, z in hourly_rows("V1", rng)]
    leads = scan_households(tmp_path, rng, {"S1": switched, "V1": away})
    bypass = leads["S1"]
    assert bypass["signals"].split(";")[0] == "switched_drop"
    assert re.search(r"From 2025-0[12]-\d\d daily use switches between a high and a far lower level: [3-9] spells of "
                     r"3 days or more under 50% of the high days' level", bypass["explanation"])
    assert "V1" not in leads or "switched_drop" not in leads["V1"]["signals"].split(";")  # weeks away: one spell
    others = [lead for meter, lead in leads.items() if meter != "S1"]
    assert all(float(lead["theft_score"]) < 0.5 * float(bypass["theft_score"]) for lead in others)


def test_a_heater_that_ran_on_winter_nights_is_explained_by_its_seasons_and_ranks_below_a_night_bypass(tmp_path):
    rng = np.random.default_rng(12)
    night_utc = lambda t: t.hour >= 19 or t.hour < 7  # noqa: E731  local 22:00-06:00 in summer and winter time
    heated = [(m, t, v + (1.5 if 60 <= (t - START).days < 180 and night_utc(t) else 0.0), z)
              for m, t, v, z in hourly_rows("H1", rng)]
    bypassed = [(m, t, v * (0.2 if (t - START).days >= 150 and night_utc(t) else 1.0), z)
                for m, t, v, z in hourly_rows("N1", rng)]
    leads = scan_households(tmp_path, rng, {"H1": heated, "N1": bypassed})
    heater, bypass = leads["H1"], leads["N1"]
    assert float(heater["theft_score"]) < 0.5 * float(bypass["theft_score"])
    assert "night-time seasons" in heater["explanation"] and "night-time seasons" not in bypass["explanation"]


def test_a_storage_heater_on_the_night_tariff_is_named_as_a_timer_and_ranks_below_a_grow(tmp_path):
    rng = np.random.default_rng(13)
    charging_utc = lambda t: t.hour >= 22 or t.hour < 5  # noqa: E731  seven night hours, every night
    lamps_utc = lambda t: 6 <= t.hour < 18  # noqa: E731  twelve hours, every day
    heated = [(m, t, v + (2.5 if (t - START).days >= 150 and charging_utc(t) else 0.0), z)
              for m, t, v, z in hourly_rows("H1", rng)]
    grown = [(m, t, v + (1.5 if (t - START).days >= 150 and lamps_utc(t) else 0.0), z)
             for m, t, v, z in hourly_rows("G1", rng)]
    leads = scan_households(tmp_path, rng, {"H1": heated, "G1": grown})
    heater, grow = leads["H1"], leads["G1"]
    # the heater's rise is the timer's: neither it nor the use above peers is grow evidence, and its lead says so
    assert float(heater["grow_score"]) < 0.2 * float(grow["grow_score"])
    assert not {"strange_increase", "peer_outlier"} & set(heater["signals"].split(";"))
    assert re.search(r"Daily use rose from \d+\.\d to \d+\.\d kWh/day from 2025-\d\d-\d\d, explained as an appliance "
                     r"on a timer \(storage or water heater, a pump, an EV\) \(the added load fits in [5-8]\.\d h of the "
                     r"day", heater["explanation"]), heater["explanation"]
    assert "explained as" not in grow["explanation"]
    ruled_out = grow["explanation"].split("Considered and ruled out:")[1]
    window = re.search(r"an appliance on a timer \(storage or water heater, a pump, an EV\) \(the added load fits "
                       r"in (\d+\.\d) h of the day; lamps burn 12 h or more\)", ruled_out)
    assert window and float(window.group(1)) >= 10.0, grow["explanation"]


def test_a_season_seen_once_names_its_pause():
    """The photoperiod's reason for a run seen once (core.photoperiod one_season): its length, a pause if it held one,
    and the dark days since."""
    from types import SimpleNamespace

    from wattwatch.scan.findings import _block_season_reason

    run = dict(one_season=[True], year_repeat=[0.0], back_after_dark=[False], first_block_day=[20],
               last_block_day=[159], dark_since=[80])
    paused = SimpleNamespace(**{k: np.array(v) for k, v in run.items()}, n_gap_days=np.array([4]))
    steady = SimpleNamespace(**{k: np.array(v) for k, v in run.items()}, n_gap_days=np.array([0]))
    assert _block_season_reason(paused, 0) == ("after 140 days with a pause of 4 days and no switch it has been dark "
                                               "the last 80 days")
    assert _block_season_reason(steady, 0) == ("after 140 days with no switch or harvest gap it has been dark the "
                                               "last 80 days")


KEPT = f"{SEASONAL_KEEP:.0%}"  # what a season's appliance's block keeps (core.photoperiod)
SEASON_RETURN_REASON = (r"an appliance back with its season \(a pool or irrigation pump, air conditioning\) \(the same "
                        r"weeks a year before had \d+% of the rise; \d+% of the \d+ weeks before it at the old level")


@pytest.mark.parametrize(("last_on", "why"), [
    # the same timer: the block came back after a dark season (core.photoperiod), the photoperiod discounts it
    (9, r"the block is new \(weeks without it before\), but the same block ran 2\d days before and was dark for "
        r"2\d\d days until it came back, as a pool or irrigation pump's season does: counted at " + KEPT),
    # set five hours later this year: not the same block, but the same level (fusion discounts it)
    (4, r"the rise that began with it is " + SEASON_RETURN_REASON + r"\): the block counted at a further " + KEPT),
])
def test_a_block_back_with_its_season_counts_as_the_seasons_appliance(tmp_path, last_on, why):
    """400 days from September: a 6 kW pump on a 12 h timer at the end of last summer and through this one, against
    the same block with no pump last summer. The pump's block keeps what its season leaves it, and its lead says
    why: the same block came back after months dark, or (its timer set later this year) the level came back."""
    rng = np.random.default_rng(16)
    days = 400
    summer = lambda t: (6, 15) <= (t.month, t.day) <= (9, 25)  # noqa: E731  103 days: short enough to cycle
    last_year = lambda t: (t - START).days < 200 and last_on <= t.hour < last_on + 12  # noqa: E731
    this_year = lambda t: (t - START).days >= 200 and 9 <= t.hour < 21  # noqa: E731
    pump = [(m, t, v + (6.0 if summer(t) and (last_year(t) or this_year(t)) else 0.0), z)
            for m, t, v, z in hourly_rows("P1", rng, days=days)]
    lamps = [(m, t, v + (6.0 if summer(t) and this_year(t) else 0.0), z)
             for m, t, v, z in hourly_rows("G1", rng, days=days)]
    leads = scan_households(tmp_path, rng, {"P1": pump, "G1": lamps}, days=days)
    pumped, lit = leads["P1"], leads["G1"]
    assert float(pumped["grow_score"]) < 0.6 * float(lit["grow_score"])
    assert re.search(why, pumped["explanation"]), pumped["explanation"]
    assert "came back" not in lit["explanation"] and "the rise that began with it" not in lit["explanation"]


def test_a_pool_pump_back_with_its_summer_is_named_and_ranks_below_a_grow(tmp_path):
    """400 days from September: a pump on a daytime timer through both summers (its first weeks and the last five
    months) against a grow whose 12 h block began in the spring. The pump's rise and its use above peers are its
    season's; the grow outranks it and its lead names the appliance as ruled out."""
    rng = np.random.default_rng(15)
    days = 400
    summer = lambda t: t.month in (5, 6, 7, 8, 9)  # noqa: E731
    pumping_utc = lambda t: 7 <= t.hour < 17  # noqa: E731  ten daytime hours
    lamps_utc = lambda t: t.hour >= 18 or t.hour < 6  # noqa: E731  twelve night hours
    pump = [(m, t, v + (2.0 if summer(t) and pumping_utc(t) else 0.0), z)
            for m, t, v, z in hourly_rows("P1", rng, days=days)]
    grow = [(m, t, v + (1.5 if (t - START).days >= 250 and lamps_utc(t) else 0.0), z)
            for m, t, v, z in hourly_rows("G1", rng, days=days)]
    leads = scan_households(tmp_path, rng, {"P1": pump, "G1": grow}, days=days)
    pumped, grown = leads["P1"], leads["G1"]
    # its use far above its peers all summer would give it half the grow's score (0.14 against 0.29) were the season
    # not named: the same weeks last year had it, the winter and spring between did not
    assert float(pumped["grow_score"]) < 0.3 * float(grown["grow_score"])
    assert not {"strange_increase", "peer_outlier"} & set(pumped["signals"].split(";"))
    ruled_out = grown["explanation"].split("Considered and ruled out:")[1]
    assert re.search(SEASON_RETURN_REASON + r"\)", ruled_out), grown["explanation"]
    # heating was judged on both of its measures: the season's correlation and last year's same weeks
    assert re.search(r"electric heating/cooling \(correlation with the season -?\d\.\d\d; the same weeks a year before "
                     r"had \d+% of the rise; \d+% of the \d+ weeks before it at the old level\)", ruled_out), ruled_out


def test_on_bills_under_a_year_a_pump_back_with_its_summer_is_no_lead(tmp_path):
    """Twelve monthly reads from September: a household billed three times its usual for last September and October
    and again from June (a pool pump each summer) against one whose bills tripled in June only (a grow). No month has
    its month a year before; the data's first weeks stand in for last summer, so the pump's rise and its use above
    its peers are its season's, while the grow leads and names the season as ruled out."""
    rng = np.random.default_rng(7)
    con = connect(tmp_path / "store.duckdb")

    def bills(meter, extra_months):
        reads = [datetime(2024 + (8 + i) // 12, (8 + i) % 12 + 1, 1, tzinfo=UTC) for i in range(12)]
        return [(meter, t, float(300 * rng.uniform(0.95, 1.05) + (900 if t.month in extra_months else 0)), False)
                for t in reads]

    readings = bills("B1", (6, 7, 8, 9, 10)) + bills("B2", (6, 7, 8))
    ids = ["B1", "B2"] + [f"C{i}" for i in range(14)]
    for meter in ids[2:]:
        readings += bills(meter, ())
    insert_readings(con, readings)
    insert_meters(con, [(meter, "billing", None, START, START) for meter in ids])
    insert_premises(con, [(f"P{meter}", meter, "residential", "Shkoder") for meter in ids], holder="Arben Hoxha")
    leads = {row["premise_id"]: row for row in read_leads(run_scan(con, Settings(min_history_days=60),
                                                                   tmp_path / "out").leads_csv)}
    con.close()
    assert "PB1" not in leads and leads["PB2"]["signals"].split(";")[0] == "strange_increase"
    ruled_out = leads["PB2"]["explanation"].split("Considered and ruled out:")[1]
    assert re.search(r"an appliance back with its season \(a pool or irrigation pump, air conditioning\) \(the data's "
                     r"first 4 weeks had \d+% of the rise; \d+% of the 16 weeks before it at the old level\)",
                     ruled_out), ruled_out


def test_heating_that_follows_the_weather_is_no_lamps_rise(tmp_path):
    """200 days from September: electric heating switched on in November follows the cold (colder nights, cold
    spells) and adds a day that never steps; lamps switched on in January add an 18 h block with sharp edges. The heated
    home's rise is not counted as grow evidence, and its lead says why; the lamps keep theirs."""
    rng = np.random.default_rng(21)
    days = 200
    hours = np.arange(days * 24)
    day, hour = hours // 24, hours % 24
    winter = 12.0 - 10.0 * np.sin(np.pi * np.clip((day - 40) / 200, 0, 1))  # 12 C in October, 2 C by mid-February
    spells = np.repeat(np.cumsum(rng.normal(0, 1.0, days)) * 0.5, 24)  # days of weather drift around the season
    outdoor = winter[day] + spells + 4.0 * np.sin(2 * np.pi * (hour - 9) / 24)  # warmest mid-afternoon
    heating = 0.3 * np.maximum(15.0 - outdoor, 0.0) * (day >= 70) * rng.normal(1, 0.1, hours.size).clip(0)
    heated = [(m, t, v + float(heating[k]), z) for k, (m, t, v, z) in enumerate(hourly_rows("H1", rng, days=days))]
    lamps = hourly_rows("G1", rng, days=days, extra_kw=1.5, from_day=120)
    leads = scan_households(tmp_path, rng, {"H1": heated, "G1": lamps}, days=days)
    warm, lit = leads["H1"], leads["G1"]
    assert "never steps" in warm["explanation"] and "never steps" not in lit["explanation"], warm["explanation"]
    assert "strange_increase" not in warm["signals"].split(";")
    assert "strange_increase" in lit["signals"].split(";") and float(warm["grow_score"]) < float(lit["grow_score"])
