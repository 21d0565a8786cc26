"""Fusion against a per-meter reference written straight from the module's rules, plus the rules' intent."""

import math

import numpy as np
import pytest

from wattwatch.core import fusion as F
from wattwatch.core.fusion import fuse
from wattwatch.core.photoperiod import SEASONAL_KEEP


def random_inputs(rng, m=40, d=120):
    """Per-meter summaries as the detectors give them; d is the length of the day axis they index."""
    first_block = np.where(rng.random(m) < 0.5, rng.integers(0, d, m), -1)
    change = np.where(rng.random(m) < 0.6, rng.integers(0, d, m), -1)
    nan_some = lambda x: np.where(rng.random(m) < 0.1, np.nan, x)  # noqa: E731
    return dict(
        category=rng.integers(-1, 6, m),
        is_billing=rng.random(m) < 0.2,
        new_block=rng.random(m) < 0.5,
        lighting_score=nan_some(rng.random(m) * (rng.random(m) < 0.5)),
        block_season=np.where(rng.random(m) < 0.2, rng.random(m), 0.0),
        first_block_day=first_block,
        lamp_kw=rng.gamma(2.0, 2.0, m),
        coincides_with_block=rng.random(m) < 0.1,
        increase_score=nan_some(rng.random(m) * 100 * (rng.random(m) < 0.5)),
        increase_change_day=change,
        # the added day's edge where a change was measured; values on both sides of the ramp and inside it
        rise_edge=np.where(change >= 0, nan_some(rng.random(m) * 0.5), np.nan),
        peer_score=nan_some(rng.random(m) * (rng.random(m) < 0.5)),
        purchase_score=rng.random(m) * (rng.random(m) < 0.3),
        purchase_timed=rng.random(m) < 0.15,
        lookalikes=np.where(rng.random((m, 5)) < 0.2, rng.random((m, 5)), 0.0),
        growth=np.where(rng.random(m) < 0.2, rng.random(m), 0.0),
        seasonal_return=nan_some(np.where(rng.random(m) < 0.2, rng.random(m), 0.0)),
        greenhouse=rng.random(m) * (rng.random(m) < 0.2),
        drop_score=nan_some(rng.random(m) * (rng.random(m) < 0.3)),
        drop_shape_similarity=nan_some(rng.random(m)),
        flat_score=rng.random(m) * (rng.random(m) < 0.3),
        drop_unexplained=rng.random(m),
        drop_absence=np.where(rng.random(m) < 0.3, rng.random(m), 0.0),
        drop_seasonal=np.where(rng.random(m) < 0.3, rng.random(m), nan_some(np.zeros(m))),
        drop_season_share=nan_some(np.where(rng.random(m) < 0.3, rng.random(m) * (rng.random(m) < 0.8), 1.0)),
        night_drop_score=nan_some(rng.random(m) * (rng.random(m) < 0.3)),
        night_seasonal=np.where(rng.random(m) < 0.3, rng.random(m), nan_some(np.zeros(m))),
        night_absence=np.where(rng.random(m) < 0.3, rng.random(m), nan_some(np.zeros(m))),
        drop_change_day=np.where(rng.random(m) < 0.8, rng.integers(0, max(d, 1), m), -1),
        night_change_day=np.where(rng.random(m) < 0.8, rng.integers(0, max(d, 1), m), -1),
        night_lost_kw=nan_some(rng.gamma(1.0, 1.0, m)),
        switched_drop_score=nan_some(rng.random(m) * (rng.random(m) < 0.3)),
        switched_factor=np.where(rng.random(m) < 0.5, rng.random(m), 0.0),
        switched_unexplained=rng.random(m),
        switched_seasonal=np.where(rng.random(m) < 0.3, rng.random(m), nan_some(np.zeros(m))),
        switched_lost_kw=nan_some(rng.gamma(1.0, 1.0, m)),
        lost_kw=rng.gamma(1.0, 1.0, m),
        feeder_score=rng.random(m) * (rng.random(m) < 0.2),
        feeder_explained_kwh_day=rng.gamma(1.0, 10.0, m),
    )


def naive_fuse(x, i):
    """One meter, the rules as the module doc states them."""
    z = lambda v: 0.0 if math.isnan(v) else float(v)  # noqa: E731
    clip = lambda v: min(max(z(v), 0.0), 1.0)  # noqa: E731
    first = int(x["first_block_day"][i])
    new_block = first >= 0 and bool(x["new_block"][i])
    home = x["category"][i] == F.RESIDENTIAL
    growth = clip(x["growth"][i])
    lighting = z(x["lighting_score"][i]) * (1.0 if new_block else (F.OLD_BLOCK_WEIGHT_HOME if home else F.OLD_BLOCK_WEIGHT_BUSINESS))
    lighting *= 1.0 - growth
    change = int(x["increase_change_day"][i])
    lit = first >= 0 and z(x["lighting_score"][i]) >= F.COHERENT_MIN_LIGHTING
    timed = bool(x["purchase_timed"][i])
    coherent = (lit and change >= 0 and abs(change - first) <= F.COHERENT_DAYS) or timed
    lookalike = max(z(v) for v in x["lookalikes"][i])
    # a rise that began with the lamps: only a grown business's hours or last year's season explain it
    explained = max(growth, clip(x["seasonal_return"][i])) if coherent else lookalike
    # ... and the block that began the rise keeps what the rise's season leaves it, beyond its own season's share
    own = clip(x["block_season"][i])
    season = max(own, clip(x["seasonal_return"][i])) if coherent else own
    lighting *= (1 - (1 - SEASONAL_KEEP) * season) / (1 - (1 - SEASONAL_KEEP) * own)
    # lamps switch: a rise whose added day has no hour-to-hour step is no lamps' rise, nor is a block that began it
    edge = x["rise_edge"][i]
    switching = 1.0 if math.isnan(edge) else clip((edge - F.SWITCH_EDGE_LOW) / (F.SWITCH_EDGE_HIGH - F.SWITCH_EDGE_LOW))
    if coherent:
        lighting *= switching
    increase = z(x["increase_score"][i]) / 100.0 * (1.0 - explained) * switching
    peers = z(x["peer_score"][i]) * (1.0 - explained)
    if not (x["is_billing"][i] or coherent):  # coherent includes kit bought just before the rise
        light = z(x["lighting_score"][i])
        span = F.CLEAR_BLOCK_LIGHTING - F.COHERENT_MIN_LIGHTING
        clarity = min(max((light - F.COHERENT_MIN_LIGHTING) / span, 0.0), 1.0) if first >= 0 else 0.0
        increase *= F.NO_BLOCK_KEEP + (1 - F.NO_BLOCK_KEEP) * clarity
        peers *= F.NO_BLOCK_KEEP + (1 - F.NO_BLOCK_KEEP) * clarity
    w_peers = F.W_PEERS_BILLING if x["is_billing"][i] else F.W_PEERS
    grow = 1 - (1 - F.W_LIGHTING * clip(lighting)) * (1 - F.W_INCREASE * clip(increase)) * (1 - w_peers * clip(peers))
    purchases = clip(x["purchase_score"][i]) * (F.GREENHOUSE_KEEP if x["category"][i] == F.AGRICULTURAL else 1.0)
    meter_signs = lit or increase >= F.MIN_CORROBORATION or z(x["drop_score"][i]) >= F.MIN_CORROBORATION
    if not (meter_signs or timed):
        purchases *= F.PURCHASE_ALONE_KEEP
    grow = 1 - (1 - grow) * (1 - F.W_PURCHASE * purchases)
    grow *= 1 - (1 - F.GREENHOUSE_KEEP) * z(x["greenhouse"][i])
    flat = z(x["flat_score"][i])
    shape = x["drop_shape_similarity"][i]
    if math.isnan(shape):
        shape_weight = 1.0
    else:
        ramp = min(max((shape - F.SHAPE_LOW) / (F.SHAPE_HIGH - F.SHAPE_LOW), 0.0), 1.0)
        shape_weight = F.SHAPE_FLOOR + (1 - F.SHAPE_FLOOR) * ramp
    seasons = x["drop_unexplained"][i] * (1 - clip(x["drop_seasonal"][i]))
    # the drop score holds its own year's season; the population's seasons measure the same: the smaller share left
    own = 1.0 if math.isnan(x["drop_season_share"][i]) else clip(x["drop_season_share"][i])
    unseasoned = clip(x["drop_score"][i]) / own if own > 0 else 0.0
    drop = min(unseasoned, 1.0) ** F.DROP_POWER * min(own, 1 - clip(x["drop_seasonal"][i])) * shape_weight
    drop *= x["drop_unexplained"][i] * (1 - (1 - F.ABSENCE_KEEP) * clip(x["drop_absence"][i]))
    night = (F.NIGHT_DROP_WEIGHT * clip(x["night_drop_score"][i])) ** F.DROP_POWER * seasons  # no shape rule
    night *= 1 - clip(x["night_seasonal"][i])
    # the nights' own absence, or the day's when both falls are one
    same_fall = abs(int(x["drop_change_day"][i]) - int(x["night_change_day"][i])) <= F.SAME_FALL_DAYS
    away = max(clip(x["night_absence"][i]), clip(x["drop_absence"][i]) if same_fall else 0.0)
    night *= 1 - (1 - F.ABSENCE_KEEP) * away
    # a switched bypass: its own category and seasons, no absence or shape rule
    switched = clip(x["switched_drop_score"][i]) ** F.DROP_POWER * clip(x["switched_factor"][i])
    switched *= x["switched_unexplained"][i] * (1 - clip(x["switched_seasonal"][i]))
    fall = max(drop, night, switched)
    theft = 1 - (1 - F.W_DROP * fall) * (1 - F.W_FLAT * clip(flat)) * (1 - F.W_FEEDER * clip(x["feeder_score"][i]))
    if x["is_billing"][i]:
        theft *= F.BILLING_THEFT_KEEP
    scale = (F.BILLING_WEIGHT if x["is_billing"][i] else 1.0) * 100
    score = max(grow, theft) * scale
    return score, grow, theft, new_block, coherent, grow * scale, theft * scale


@pytest.mark.parametrize("seed", range(8))
def test_fuse_matches_the_per_meter_reference(seed):
    x = random_inputs(np.random.default_rng(seed))
    got = fuse(**x)
    for i in range(len(x["category"])):
        score, grow, theft, new_block, coherent, grow_score, theft_score = naive_fuse(x, i)
        assert got.score[i] == pytest.approx(score, abs=1e-9)
        assert got.grow_score[i] == pytest.approx(grow_score, abs=1e-9)
        assert got.theft_score[i] == pytest.approx(theft_score, abs=1e-9)
        assert got.grow[i] == pytest.approx(grow, abs=1e-12)
        assert got.theft[i] == pytest.approx(theft, abs=1e-12)
        assert (got.new_block[i], got.coherent[i]) == (new_block, coherent)
    assert np.all((got.score >= 0) & (got.score <= 100))


def test_no_meters_and_no_days():
    x = random_inputs(np.random.default_rng(0), m=0, d=0)
    assert fuse(**x).score.shape == (0,)


def one(**overrides):
    x = random_inputs(np.random.default_rng(1), m=1, d=100)
    quiet = dict(
        category=np.array([0]), is_billing=np.array([False]), new_block=np.array([False]),
        lighting_score=np.array([0.0]), block_season=np.array([0.0]), first_block_day=np.array([-1]),
        coincides_with_block=np.array([False]),
        increase_score=np.array([0.0]), increase_change_day=np.array([-1]), rise_edge=np.array([np.nan]),
        peer_score=np.array([0.0]),
        purchase_score=np.array([0.0]), purchase_timed=np.array([False]),
        lookalikes=np.zeros((1, 5)), growth=np.array([0.0]), seasonal_return=np.array([0.0]),
        greenhouse=np.array([0.0]), drop_score=np.array([0.0]),
        drop_shape_similarity=np.array([np.nan]), drop_unexplained=np.array([1.0]),
        drop_absence=np.array([0.0]), drop_seasonal=np.array([0.0]), drop_season_share=np.array([1.0]),
        flat_score=np.array([0.0]),
        feeder_score=np.array([0.0]), night_drop_score=np.array([0.0]), night_lost_kw=np.array([np.nan]),
        night_seasonal=np.array([0.0]), night_absence=np.array([0.0]), drop_change_day=np.array([-1]),
        night_change_day=np.array([-1]), switched_drop_score=np.array([0.0]), switched_factor=np.array([0.0]),
        switched_unexplained=np.array([1.0]), switched_seasonal=np.array([0.0]), switched_lost_kw=np.array([np.nan]),
    )
    x.update(quiet)
    x.update({k: np.asarray(v) for k, v in overrides.items()})
    return fuse(**x)


def test_a_new_lamp_block_outweighs_one_that_was_always_there():
    new = one(lighting_score=[0.6], first_block_day=[60], new_block=[True])
    old_home = one(lighting_score=[0.6], first_block_day=[0])
    old_shop = one(lighting_score=[0.6], first_block_day=[0], category=[1])
    assert new.score[0] > old_home.score[0] > old_shop.score[0] > 0


def test_look_alikes_discount_a_rise_unless_it_began_with_the_lamps():
    rise = dict(increase_score=[80.0], increase_change_day=[50], lookalikes=[[0.9, 0, 0, 0, 0]], peer_score=[0.5])
    explained = one(**rise)
    with_lamps = one(**rise, lighting_score=[0.3], first_block_day=[55])
    faint_lamps = one(**rise, lighting_score=[0.05], first_block_day=[55])
    assert explained.increase[0] == pytest.approx(0.08 * F.NO_BLOCK_KEEP)
    assert explained.peers[0] == pytest.approx(0.05 * F.NO_BLOCK_KEEP)
    assert with_lamps.increase[0] == pytest.approx(0.8) and with_lamps.coherent[0]
    assert not faint_lamps.coherent[0]


def test_business_growth_discounts_even_a_rise_that_began_with_a_block():
    rise = dict(increase_score=[80.0], increase_change_day=[50], lighting_score=[0.3], first_block_day=[55],
                new_block=[True])
    lamps = one(**rise, lookalikes=[[0.9, 0, 0, 0, 0]])  # crypto-like measures do not discount the lamps' rise
    grown = one(**rise, lookalikes=[[0, 0, 0, 0, 0.9]], growth=[0.9])  # the old week scaled up: opening hours grown
    assert lamps.coherent[0] and grown.coherent[0]
    assert lamps.increase[0] == pytest.approx(0.8) and lamps.lighting[0] == pytest.approx(0.3)
    assert grown.increase[0] == pytest.approx(0.08) and grown.lighting[0] == pytest.approx(0.03)
    assert grown.score[0] < 0.5 * lamps.score[0]


def test_a_season_come_back_discounts_a_rise_that_began_with_a_block_and_the_block_once():
    """A pool pump each summer: its rise began with its block, yet the same weeks a year earlier had both. The
    look-alike discounts the rise and the use above peers, and the block as a season's (once: where the photoperiod
    already took it for one, the block keeps what the photoperiod left it)."""
    rise = dict(increase_score=[80.0], increase_change_day=[50], lighting_score=[0.3], first_block_day=[55],
                new_block=[True], peer_score=[0.5])
    lamps = one(**rise)
    pump = one(**rise, lookalikes=[[0, 0, 0, 0, 0.9]], seasonal_return=[0.9])
    assert lamps.coherent[0] and pump.coherent[0]
    assert pump.increase[0] == pytest.approx(0.1 * lamps.increase[0])
    assert pump.peers[0] == pytest.approx(0.1 * lamps.peers[0])
    kept = 1 - (1 - SEASONAL_KEEP) * 0.9
    assert pump.lighting[0] == pytest.approx(kept * lamps.lighting[0]) and pump.season_kept[0] == pytest.approx(kept)
    assert pump.grow[0] < lamps.grow[0]
    seen = one(**rise, lookalikes=[[0, 0, 0, 0, 0.9]], seasonal_return=[0.9], block_season=[0.9])
    assert seen.lighting[0] == pytest.approx(lamps.lighting[0]) and seen.season_kept[0] == 1.0
    later = one(**{**rise, "increase_change_day": [150]}, lookalikes=[[0, 0, 0, 0, 0.9]], seasonal_return=[0.9])
    assert not later.coherent[0] and later.lighting[0] == pytest.approx(lamps.lighting[0])  # another rise's season
    no_block = one(increase_score=[80.0], increase_change_day=[50], lookalikes=[[0, 0, 0, 0, 0.9]],
                   seasonal_return=[0.9])  # not coherent: the look-alikes' largest explains it, as for any other
    assert no_block.increase[0] == pytest.approx(0.08 * F.NO_BLOCK_KEEP)



def test_a_rise_whose_added_day_never_steps_is_no_lamps_rise():
    """Heating that follows the weather adds a smooth day; lamps leave their edge in it. A smooth rise loses its
    weight, and so does a block that began with it (the thermostat's); a block older than the rise keeps all of its,
    and a rise with no change measured (NaN edge) is not judged."""
    rise = dict(increase_score=[80.0], increase_change_day=[50], peer_score=[0.5])
    block = dict(lighting_score=[0.3], first_block_day=[55], new_block=[True])
    lamps = one(**rise, **block, rise_edge=[0.6])
    thermostat = one(**rise, **block, rise_edge=[0.15])
    half = one(**rise, **block, rise_edge=[0.25])
    assert lamps.coherent[0] and thermostat.coherent[0]
    assert lamps.increase[0] == pytest.approx(0.8) and lamps.lighting[0] == pytest.approx(0.3)
    assert thermostat.increase[0] == 0.0 and thermostat.lighting[0] == 0.0 and thermostat.switching[0] == 0.0
    assert half.increase[0] == pytest.approx(0.4) and half.lighting[0] == pytest.approx(0.15)
    assert thermostat.peers[0] == lamps.peers[0]  # the use above peers is the level's, not the rise's shape
    older_block = one(**rise, lighting_score=[0.3], first_block_day=[0], new_block=[False], rise_edge=[0.15])
    assert not older_block.coherent[0] and older_block.lighting[0] == pytest.approx(0.3 * F.OLD_BLOCK_WEIGHT_HOME)
    assert older_block.increase[0] == 0.0
    unjudged = one(**rise, rise_edge=[np.nan])
    assert unjudged.switching[0] == 1.0 and unjudged.increase[0] == pytest.approx(0.8 * F.NO_BLOCK_KEEP)

def test_a_drop_that_kept_its_shape_weighs_more_than_one_that_lost_it():
    scaled = one(drop_score=[0.4], drop_shape_similarity=[0.97])
    emptied = one(drop_score=[0.4], drop_shape_similarity=[0.6])
    assert scaled.theft[0] == pytest.approx(F.W_DROP * 0.4 ** F.DROP_POWER)
    assert emptied.theft[0] == pytest.approx(F.SHAPE_FLOOR * scaled.theft[0])


def test_a_night_only_fall_counts_without_the_shape_rule_and_at_its_weight():
    night = one(night_drop_score=[0.4], drop_score=[0.1], drop_shape_similarity=[0.6], night_lost_kw=[0.5],
                lost_kw=[0.05], feeder_explained_kwh_day=[0.0])
    assert night.night_drop[0] == pytest.approx((F.NIGHT_DROP_WEIGHT * 0.4) ** F.DROP_POWER)
    assert night.drop[0] == pytest.approx(F.SHAPE_FLOOR * 0.1 ** F.DROP_POWER)
    assert night.theft[0] == pytest.approx(F.W_DROP * night.night_drop[0])  # the stronger fall, not both
    assert night.unmetered_kwh_day[0] == pytest.approx(0.5 * 8)  # 0.5 kW through the 8 night hours
    both = one(night_drop_score=[0.4], drop_score=[0.4])
    assert both.theft[0] == pytest.approx(F.W_DROP * 0.4 ** F.DROP_POWER)
    away = one(night_drop_score=[0.4], drop_absence=[1.0])
    assert away.night_drop[0] == pytest.approx(F.ABSENCE_KEEP * night.night_drop[0])
    nights_away = one(night_drop_score=[0.4], night_absence=[1.0], drop_change_day=[40], night_change_day=[200])
    assert nights_away.night_drop[0] == pytest.approx(F.ABSENCE_KEEP * night.night_drop[0])
    winter_nights = one(night_drop_score=[0.4], night_seasonal=[0.75])  # a heater that ran through winter nights
    assert winter_nights.night_drop[0] == pytest.approx(0.25 * one(night_drop_score=[0.4]).night_drop[0])
    assert one(drop_score=[0.5], night_seasonal=[1.0]).drop[0] == pytest.approx(0.5 ** F.DROP_POWER)


def test_a_fall_both_season_measures_half_explain_is_not_discounted_twice():
    own_year = one(drop_score=[0.2], drop_season_share=[0.5])  # last year had half the fall: 0.4 before that
    assert own_year.drop[0] == pytest.approx(0.4 ** F.DROP_POWER * 0.5)
    population = one(drop_score=[0.4], drop_seasonal=[0.5])  # the population's seasons explain half of it
    assert population.drop[0] == pytest.approx(own_year.drop[0])
    both = one(drop_score=[0.2], drop_season_share=[0.5], drop_seasonal=[0.5])
    assert both.drop[0] == pytest.approx(own_year.drop[0])  # one explanation measured twice
    assert one(drop_score=[0.2], drop_season_share=[0.5], drop_seasonal=[0.8]).drop[0] == pytest.approx(
        0.4 ** F.DROP_POWER * 0.2)  # the stronger explanation counts
    assert one(drop_score=[0.0], drop_season_share=[0.0]).drop[0] == 0.0  # last year had all of it


def test_the_days_absence_explains_the_nights_fall_only_when_both_falls_are_one():
    night_theft = one(night_drop_score=[0.4]).night_drop[0]
    for day, nights, explained in ((100, 100, True), (100, 100 + F.SAME_FALL_DAYS, True), (100, 50, True),
                                   (100, 101 + F.SAME_FALL_DAYS, False), (238, 139, False), (40, 200, False)):
        got = one(night_drop_score=[0.4], drop_absence=[1.0], drop_change_day=[day], night_change_day=[nights])
        assert got.night_drop[0] == pytest.approx((F.ABSENCE_KEEP if explained else 1.0) * night_theft)


def test_a_switched_bypass_counts_as_much_as_the_meter_switches_and_ignores_the_absence_rule():
    switched = one(switched_drop_score=[0.36], switched_factor=[0.5], drop_score=[0.04], switched_lost_kw=[0.2],
                   lost_kw=[0.01], feeder_explained_kwh_day=[0.0], drop_absence=[1.0])
    assert switched.switched_drop[0] == pytest.approx(0.6 * 0.5)
    assert switched.theft[0] == pytest.approx(F.W_DROP * 0.3)  # the stronger fall; the absence touches the day's
    assert switched.unmetered_kwh_day[0] == pytest.approx(0.2 * 24)
    assert one(switched_drop_score=[0.36], switched_factor=[0.0]).theft[0] == 0.0  # a fall that does not switch
    by_category = one(switched_drop_score=[0.36], switched_factor=[1.0], switched_unexplained=[0.25])
    by_season = one(switched_drop_score=[0.36], switched_factor=[1.0], switched_seasonal=[0.75])
    assert by_category.switched_drop[0] == pytest.approx(0.15) and by_season.switched_drop[0] == pytest.approx(0.15)
    # the day's own discounts are not the switched fall's: it is judged at its own change day
    assert one(switched_drop_score=[0.36], switched_factor=[1.0], drop_unexplained=[0.0]).switched_drop[0] == 0.6


def test_a_fall_an_absence_explains_keeps_a_share_of_its_drop_but_all_of_a_stuck_meter():
    bypass = one(drop_score=[0.5])
    away = one(drop_score=[0.5], drop_absence=[1.0])
    assert away.drop[0] == pytest.approx(F.ABSENCE_KEEP * bypass.drop[0])
    assert one(drop_score=[0.5], drop_absence=[0.5]).theft[0] < bypass.theft[0]
    assert one(flat_score=[0.6], drop_absence=[1.0]).theft[0] == pytest.approx(F.W_FLAT * 0.6)


def test_a_fall_its_seasons_explain_keeps_the_unexplained_share_but_all_of_a_stuck_meter():
    bypass = one(drop_score=[0.5])
    spring = one(drop_score=[0.5], drop_seasonal=[0.75])
    assert spring.drop[0] == pytest.approx(0.25 * bypass.drop[0])
    assert one(drop_score=[0.5], drop_seasonal=[1.0]).theft[0] == 0.0
    assert one(flat_score=[0.6], drop_seasonal=[1.0]).theft[0] == pytest.approx(F.W_FLAT * 0.6)


def test_a_greenhouse_keeps_only_a_tenth_of_its_grow_evidence():
    grow = one(lighting_score=[0.8], first_block_day=[60], new_block=[True])
    greenhouse = one(lighting_score=[0.8], first_block_day=[60], new_block=[True], category=[3], greenhouse=[1.0])
    assert greenhouse.grow[0] == pytest.approx(F.GREENHOUSE_KEEP * grow.grow[0])


def test_monthly_reads_weigh_less_and_falls_the_population_made_too_weigh_less():
    monthly, interval = one(drop_score=[0.7], is_billing=[True]), one(drop_score=[0.7])
    assert monthly.score[0] == pytest.approx(F.BILLING_WEIGHT * F.BILLING_THEFT_KEEP * interval.score[0])
    rise = dict(increase_score=[70.0], increase_change_day=[40])
    assert one(**rise, is_billing=[True]).score[0] == pytest.approx(F.BILLING_WEIGHT * one(**rise, lighting_score=[0.0]).score[0] / F.NO_BLOCK_KEEP)
    assert one(drop_score=[0.5], drop_unexplained=[0.25]).theft[0] < one(drop_score=[0.5]).theft[0]


def test_on_monthly_reads_use_far_above_peers_weighs_as_much_as_a_rise():
    """No time of day: a rise cannot be checked against look-alikes' shapes, and a grow older than the data shows only
    as its level. On interval meters the level alone stays the weaker sign."""
    high, rise = dict(peer_score=[0.6]), dict(increase_score=[60.0], increase_change_day=[40])
    assert one(**high, is_billing=[True]).grow[0] == pytest.approx(one(**rise, is_billing=[True]).grow[0])
    assert one(**high).grow[0] < one(**rise).grow[0]


def test_unmetered_energy_estimate_only_with_theft_evidence():
    assert one(lost_kw=[2.0]).unmetered_kwh_day[0] == 0.0
    assert one(drop_score=[0.5], lost_kw=[2.0], feeder_explained_kwh_day=[10.0]).unmetered_kwh_day[0] == pytest.approx(48.0)


def test_grow_kit_bought_before_a_rise_explains_it_and_is_a_lead_alone():
    rise = dict(increase_score=[80.0], increase_change_day=[50], lookalikes=[[0.9, 0, 0, 0, 0]])
    assert one(**rise, purchase_timed=[True]).increase[0] == pytest.approx(0.8)
    bypassed = one(purchase_score=[0.7])  # the meter shows nothing at all: still a lead, below confirmed ones
    assert bypassed.score[0] == pytest.approx(100 * F.W_PURCHASE * 0.7 * F.PURCHASE_ALONE_KEEP)
    timed = one(purchase_score=[0.7], purchase_timed=[True])
    assert timed.grow[0] == pytest.approx(F.W_PURCHASE * 0.7)
    farm = one(purchase_score=[0.7], category=[F.AGRICULTURAL])  # a licensed greenhouse buys lamps
    assert farm.score[0] == pytest.approx(F.GREENHOUSE_KEEP * bypassed.score[0])


def test_onset_is_the_lamp_block_else_a_clear_rise():
    onset = F.onset_days(np.array([0.5, 0.0, 0.0, 0.5]), np.array([40, 40, -1, -1]),
                         np.array([0.0, 50.0, 5.0, 50.0]), np.array([-1, 30, 30, 20]))
    assert onset.tolist() == [40, 30, -1, 20]


def test_a_faint_block_lends_a_rise_part_of_its_weight_a_clear_one_all():
    rise = dict(increase_score=[60.0], increase_change_day=[10], peer_score=[0.4], first_block_day=[200])
    none, faint, half, clear = (one(**rise, lighting_score=[v]) for v in (0.0, 0.1, 0.3, 0.5))
    assert not any(r.coherent[0] for r in (none, faint, half, clear))  # the block began long after the rise
    assert none.increase[0] == pytest.approx(0.6 * F.NO_BLOCK_KEEP) == faint.increase[0]
    assert faint.increase[0] < half.increase[0] < clear.increase[0] == pytest.approx(0.6)
    assert half.peers[0] == pytest.approx(0.4 * (F.NO_BLOCK_KEEP + 1.0) / 2)


def test_the_lead_score_is_the_stronger_question():
    grow_only = one(lighting_score=[0.6], first_block_day=[60], new_block=[True])
    both = one(lighting_score=[0.6], first_block_day=[60], new_block=[True], drop_score=[0.04])
    assert 0 < both.theft[0] < both.grow[0]
    assert both.score[0] == pytest.approx(100 * both.grow[0]) == pytest.approx(grow_only.score[0])
