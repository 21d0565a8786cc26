"""Fusion: one suspicion score per meter from every detector's evidence, with the parts kept for the explanation.

Two questions are scored separately, each in [0, 1]; the lead's score is the stronger of the two:
- grow: is there an indoor grow? Lamp blocks (the most specific sign), a strange increase that the look-alikes do
  not explain, and use far above peers. A rise that began with a lamp block is the lamps' rise, so the look-alikes
  do not discount it, except business growth: when the added load is the old week scaled up, a "new" block is the
  business's own opening hours grown past the detector's gates, and growth discounts the block and the rise alike;
  and a seasonal return: when the rise was already there the same weeks a year before, with the months between back
  at the old level (a pool pump each summer), the block that began with it is that appliance's, and the look-alike
  discounts the rise and the use against peers; the block itself, which the photoperiod already discounts for
  coming back with its own season (core.photoperiod.block_season), then keeps what that season would leave it
  (seasons_kept of the seasonal return, where that exceeds the block's own season).
  Evidence is combined as independent signs ("noisy OR": 1 - prod(1 - w_i * e_i)), so two moderate signs outweigh
  one, and no single weak sign reaches the top. Lamps switch: a rise whose added day never steps from one hour to the
  next (heating or cooling that follows the weather) is no lamps' rise, nor is a block that began with it.
- theft: is energy being taken past the meter? A sustained drop (of the whole day, of the night hours alone: a
  bypass connected at night, or of the low days of a bypass switched in and out: core.switching) or a stuck/flat
  meter, and a feeder whose unmetered energy rose when this meter fell.
  A drop that a household away or a change of occupant explains better (the level came back up to several times
  its low spell's: core.absence) keeps only ABSENCE_KEEP of its weight; a drop the premises' own seasons explain
  (core.seasonal_fall: heating off in spring, a school's summer) keeps the share they leave unexplained, or the
  share core.drop's own year-ago season leaves where that is smaller (two measures of one explanation).
A meter whose level fell while lamp blocks appear (whole-premises bypass feeding a grow) is both.
Why the stronger question, not a noisy OR of the two: each question is already a noisy OR of its own signs, while a
premises with faint signs of both (a rise the look-alikes half explain, a small fall) is no likelier to hide either;
the OR lifted such premises above clear leads of one question (on the quality benchmark's simulator, seed 7, a
household heating with a faint block and a small fall ranked above half the thefts).

Why these rules, not a trained model: there are no labelled outcomes yet (learning from inspections comes later), and
every weight here is a statement an analyst can read and challenge. Weights and gates are module constants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.core.absence import WINDOW_DAYS as ABSENCE_WINDOW_DAYS
from wattwatch.core.night_band import NIGHT_HOURS_PER_DAY
from wattwatch.core.photoperiod import seasons_kept_beyond
from wattwatch.schema import CATEGORIES

RESIDENTIAL = CATEGORIES.index("residential")
AGRICULTURAL = CATEGORIES.index("agricultural")

# A lamp block that appears after weeks without one (photoperiod's `new_block`) is a grow's signature; a block present
# from the first day may be a building's schedule (shops, offices, public buildings) or a grow older than the data.
# Homes rarely run a strict 12/18 h block of several kW every day, so an old block in a home keeps more weight.
OLD_BLOCK_WEIGHT_HOME = 0.6
OLD_BLOCK_WEIGHT_BUSINESS = 0.25
# When the increase's change day falls within this many days of the first lamp day, the rise is the lamps' rise:
# look-alikes do not discount it.
COHERENT_DAYS = 28
COHERENT_MIN_LIGHTING = 0.1  # ... and when there is a lamp block worth the name
# On an interval meter a grow's lamps show as a daily block (on the meter, or in the load a rise added:
# core.added_blocks); a rise or a high use with no block at all is more often something else (electric heating
# installed this winter, a new appliance, a big household), so the increase and the peer evidence keep this share of
# their weight. The share rises with the block's clarity, to all of it at CLEAR_BLOCK_LIGHTING: a faint block
# (COHERENT_MIN_LIGHTING) is what a thermostat's or a shop's own schedule can look like, and lending it the whole rise
# let heating look-alikes into the top of the list. Monthly reads cannot show blocks and keep their full weight; so
# do a rise that began with the lamps and grow kit bought just before the rise.
NO_BLOCK_KEEP = 0.35
CLEAR_BLOCK_LIGHTING = 0.5
# Lamps switch. The load a rise added (the average day after the change less the one before, core.lookalike_profiles)
# steps from one hour to the next where lamps go on and off; electric heating or cooling that follows the weather, a
# heat pump, a thermostat's cycling add a smooth day. A rise whose added day's largest hour-to-hour step is under
# SWITCH_EDGE_LOW of its range keeps none of its weight, all of it from SWITCH_EDGE_HIGH; so does a lamp block that
# began with that rise (the block is then the thermostat's: lamps would have left their edge in the added day). Over
# the quality datasets (365-730 days, and 200), 98 % of planted grows' added days step by 0.38 or more, none under
# 0.25, while a third of the temperature-driven heating's step by under 0.3; at 200 days (September to March: the
# population's season too short to tell heating by) such homes were the look-alikes in (b)'s top k (seeds 11, 7).
SWITCH_EDGE_LOW, SWITCH_EDGE_HIGH = 0.2, 0.3
W_LIGHTING = 1.0
W_INCREASE = 0.75  # a strange increase alone (after look-alikes) is a good but unspecific sign
W_PEERS = 0.35  # far above peers is weak alone: big families, home businesses
# ... but on monthly reads it weighs as much as a rise: with no time of day, no look-alike can be told from a rise
# there (a mining rig's rise is a grow's), while a grow running since before the data shows only as its level. Over
# the quality runs' monthly twins (seeds 2025 / 11 / 7, 365 and 400 days, 730 on one seed) monthly grow AP rose on
# average on each dataset: (a) 0.637 -> 0.643, (b) 0.701 -> 0.711, (c) 0.475 -> 0.496.
W_PEERS_BILLING = W_INCREASE
# Grow kit bought by a buyer linked to the premises: strong, and a lead even when the meter shows nothing (bypass)
W_PURCHASE = 0.8
# Purchases that nothing on the meter corroborates (no lamp block, rise or fall, not timed before one) keep this share:
# still a lead (a grow can bypass the meter from day one), but below what the meter confirms; shops and electricians
# who also sell on grow gear fall here
PURCHASE_ALONE_KEEP = 0.6
ONSET_MIN_INCREASE = 10.0  # a rise scoring at least this (of 100) can be the onset purchases are timed against
MIN_CORROBORATION = 0.1  # a rise (after look-alikes) or fall scoring this much counts as the meter agreeing
W_DROP = 0.9
# drop scores are products of many [0, 1] factors (size, noise, persistence, season, peers): the square root puts a
# clear 50 % fall that lasts on the scale of the other evidence
DROP_POWER = 0.5
# A bypass takes energy from the supply, so the metered day keeps its shape, scaled down; a building that emptied
# (closure, refurbishment) keeps only its standby load and loses its shape. Shape similarity (0..1) under
# SHAPE_LOW keeps SHAPE_FLOOR of the drop evidence, rising to all of it at SHAPE_HIGH; unknown shape is no penalty.
SHAPE_LOW, SHAPE_HIGH, SHAPE_FLOOR = 0.75, 0.95, 0.5
# A fall the meter came back up from, to several times its low spell's level (a household back from weeks away, a new
# tenant after an empty spell: core.absence), is ordinary life more often than theft; a bypass stays low. A fall an
# absence fully explains keeps this share of its drop evidence (the flat part is kept: a stuck meter is no absence).
ABSENCE_KEEP = 0.25
# A flat or zero run after normal use is a stuck or bypassed meter (core.drop already weighs a run the old level came
# back from, as a vacancy might, at RETURN_WEIGHT)
W_FLAT = 0.8
# A fall of the night hours alone (core.night_band) is weighed like a whole-day fall at this share of its drop score,
# with no shape rule (a night-only bypass changes the day's shape by definition), the discounts of the day's fall
# (its absence only when it is the same fall: SAME_FALL_DAYS) and those of the nights' own seasons and absence; the
# stronger of the two falls counts.
# Less than the whole day's, since households' nights also change with habits (a storage heater, a night worker).
# Over the nine quality datasets at 400 days, 0.5 raised theft AP on the real backgrounds with held-out-style cases
# by 0.00-0.04 and left the others within 0.002; at 1.0 more buildings' and simulated households' night changes
# reached the top (docs/detectors.md).
NIGHT_DROP_WEIGHT = 0.5
# The day's absence (a household away, a new tenant) explains the night's fall when the two falls are one: change days
# at most the absence's window apart. A night-only bypass fitted months after a vacation is not explained by it (two
# night thefts on (c) seed 11 kept a quarter of their evidence for a holiday 100-170 days from their night's fall); the
# nights' own absence is measured on the night series either way.
SAME_FALL_DAYS = ABSENCE_WINDOW_DAYS
W_FEEDER = 0.6
GREENHOUSE_KEEP = 0.1  # a licensed-greenhouse look-alike keeps a tenth of its grow evidence
BILLING_WEIGHT = 0.6  # monthly reads: levels only, no time of day
# ... and a fall in monthly bills is weaker still: estimated reads followed by catch-up corrections, empty months and
# smooth spread-out months (which make any step look clean) all produce falls that are not theft
BILLING_THEFT_KEEP = 0.5
INCREASE_SCALE = 100.0  # strange_increase scores are 0..100


@dataclass(frozen=True)
class FusedScores:
    """Per meter. `score` (0..100) ranks leads; grow_score and theft_score rank them for one question each (the
    police's, the revenue-protection team's); the rest explain them."""

    score: np.ndarray
    grow_score: np.ndarray  # 0..100: grow evidence alone, on the scale of `score` (monthly reads weighted alike)
    theft_score: np.ndarray  # 0..100: theft evidence alone, likewise
    grow: np.ndarray  # [0, 1]
    theft: np.ndarray  # [0, 1]
    lighting: np.ndarray  # lamp-block evidence after the onset weight
    increase: np.ndarray  # strange-increase evidence after look-alikes
    peers: np.ndarray
    purchases: np.ndarray
    drop: np.ndarray
    night_drop: np.ndarray  # the night hours' fall (weighted); the theft question takes the stronger of it and `drop`
    switched_drop: np.ndarray  # the fall of a bypass switched in and out (weighted); likewise
    flat: np.ndarray
    feeder: np.ndarray
    new_block: np.ndarray  # bool: the lamp block appeared after weeks without it
    season_kept: np.ndarray  # share of the lamp evidence kept because the rise that began with the block is a
    # season's return beyond what the block's own season says (1: not so)
    coherent: np.ndarray  # bool: the increase began when the lamp block did, or just after grow kit was bought
    switching: np.ndarray  # [0, 1] share of the rise's weight kept for the switching edge of the load it added
    lookalike: np.ndarray  # [0, 1] the strongest non-greenhouse look-alike likelihood
    greenhouse: np.ndarray  # [0, 1]
    bypass_with_lights: np.ndarray  # bool: the metered level fell while lamp blocks appeared
    lamp_kw: np.ndarray  # estimated metered lamp power, kW (NaN without a block)
    unmetered_kwh_day: np.ndarray  # estimated energy not reaching the meter, kWh/day (0 without theft evidence)


def noisy_or(*weighted: tuple[float, np.ndarray]) -> np.ndarray:
    miss = 1.0
    for weight, evidence in weighted:
        miss = miss * (1.0 - weight * np.clip(np.nan_to_num(evidence), 0.0, 1.0))
    return 1.0 - miss


def fuse(
    *,
    category: np.ndarray,
    is_billing: np.ndarray,
    lighting_score: np.ndarray,
    block_season: np.ndarray,
    new_block: np.ndarray,
    first_block_day: np.ndarray,
    lamp_kw: np.ndarray,
    coincides_with_block: np.ndarray,
    increase_score: np.ndarray,
    increase_change_day: np.ndarray,
    rise_edge: np.ndarray,
    peer_score: np.ndarray,
    purchase_score: np.ndarray,
    purchase_timed: np.ndarray,
    lookalikes: np.ndarray,
    growth: np.ndarray,
    seasonal_return: np.ndarray,
    greenhouse: np.ndarray,
    drop_score: np.ndarray,
    drop_shape_similarity: np.ndarray,
    drop_unexplained: np.ndarray,
    drop_absence: np.ndarray,
    drop_seasonal: np.ndarray,
    drop_season_share: np.ndarray,
    night_drop_score: np.ndarray,
    night_seasonal: np.ndarray,
    night_absence: np.ndarray,
    drop_change_day: np.ndarray,
    night_change_day: np.ndarray,
    night_lost_kw: np.ndarray,
    switched_drop_score: np.ndarray,
    switched_factor: np.ndarray,
    switched_unexplained: np.ndarray,
    switched_seasonal: np.ndarray,
    switched_lost_kw: np.ndarray,
    flat_score: np.ndarray,
    lost_kw: np.ndarray,
    feeder_score: np.ndarray,
    feeder_explained_kwh_day: np.ndarray,
) -> FusedScores:
    """All inputs per meter (length m) except `lookalikes` [m, k] (likelihoods of the non-greenhouse look-alikes,
    `growth` and `seasonal_return` among them, which also come alone). `rise_edge` is the look-alikes' added_edge
    where they measured a change (NaN otherwise: no added day to judge)."""
    m = len(category)
    first = np.asarray(first_block_day, dtype=np.int64)
    has_block = first >= 0
    new_block = has_block & np.asarray(new_block, dtype=bool)
    old_weight = np.where(category == RESIDENTIAL, OLD_BLOCK_WEIGHT_HOME, OLD_BLOCK_WEIGHT_BUSINESS)
    growth = np.clip(np.nan_to_num(growth), 0.0, 1.0)
    lighting = np.nan_to_num(lighting_score) * np.where(new_block, 1.0, old_weight) * (1.0 - growth)

    change = np.asarray(increase_change_day, dtype=np.int64)
    lit = has_block & (np.nan_to_num(lighting_score) >= COHERENT_MIN_LIGHTING)
    # grow kit bought just before the rise also says the rise is the lamps' (core.purchases `timed`)
    coherent = (lit & (change >= 0) & (np.abs(change - first) <= COHERENT_DAYS)) | np.asarray(purchase_timed, bool)
    lookalike = np.max(np.nan_to_num(lookalikes), axis=1) if np.size(lookalikes) else np.zeros(m)
    # A legitimate cause explains both the rise and the high use against peers, unless the rise began with the lamps
    # (and the lamps are not a grown business's own hours, nor an appliance back with last year's season: module doc).
    seasonal_return = np.clip(np.nan_to_num(seasonal_return), 0.0, 1.0)
    explained = np.where(coherent, np.maximum(growth, seasonal_return), lookalike)
    own_season = np.clip(np.nan_to_num(block_season), 0.0, 1.0)
    season_kept = seasons_kept_beyond(np.where(coherent, seasonal_return, 0.0), own_season)
    lighting = lighting * season_kept
    edge = np.asarray(rise_edge, dtype=np.float64)
    switching = np.where(np.isnan(edge), 1.0,
                         np.clip((edge - SWITCH_EDGE_LOW) / (SWITCH_EDGE_HIGH - SWITCH_EDGE_LOW), 0.0, 1.0))
    lighting = lighting * np.where(coherent, switching, 1.0)
    increase = np.nan_to_num(increase_score) / INCREASE_SCALE * (1.0 - explained) * switching
    clarity = has_block * np.clip((np.nan_to_num(lighting_score) - COHERENT_MIN_LIGHTING)
                                  / (CLEAR_BLOCK_LIGHTING - COHERENT_MIN_LIGHTING), 0.0, 1.0)
    kept = np.where(is_billing | coherent, 1.0, NO_BLOCK_KEEP + (1.0 - NO_BLOCK_KEEP) * clarity)
    increase = increase * kept
    peers = np.nan_to_num(peer_score) * (1.0 - explained) * kept

    # lamps bought for an agricultural premises are what a licensed greenhouse buys
    purchases = np.nan_to_num(purchase_score) * np.where(category == AGRICULTURAL, GREENHOUSE_KEEP, 1.0)
    meter_signs = lit | (increase >= MIN_CORROBORATION) | (np.nan_to_num(drop_score) >= MIN_CORROBORATION)
    purchases = purchases * np.where(meter_signs | np.asarray(purchase_timed, bool), 1.0, PURCHASE_ALONE_KEEP)
    w_peers = np.where(is_billing, W_PEERS_BILLING, W_PEERS)
    grow = noisy_or((W_LIGHTING, lighting), (W_INCREASE, increase), (w_peers, peers), (W_PURCHASE, purchases))
    greenhouse = np.nan_to_num(greenhouse)
    grow = grow * (1.0 - (1.0 - GREENHOUSE_KEEP) * greenhouse)
    flat = np.nan_to_num(flat_score)
    shape = np.clip((np.asarray(drop_shape_similarity, dtype=np.float64) - SHAPE_LOW) / (SHAPE_HIGH - SHAPE_LOW), 0, 1)
    shape_weight = np.where(np.isnan(shape), 1.0, SHAPE_FLOOR + (1.0 - SHAPE_FLOOR) * shape)
    # a fall its whole category made at the same time (season, holidays), or the premises most like it
    # (core.comovers; drop_unexplained is the share both leave), is not one premises' theft; what explains the
    # meter's fall (its kind's, its own seasons) explains its night's fall too
    absence = np.clip(np.nan_to_num(drop_absence), 0.0, 1.0)
    seasonal = np.clip(np.nan_to_num(drop_seasonal), 0.0, 1.0)
    seasons = np.asarray(drop_unexplained) * (1.0 - seasonal)
    # the drop score already holds its own year's season (core.drop's season_share, the share of the fall last year
    # did not have); the premises' seasons on the population's curves (core.seasonal_fall) are a second measure of
    # the same explanation: the fall keeps the smaller share either leaves, not their product
    own_share = np.clip(np.nan_to_num(np.asarray(drop_season_share, dtype=np.float64), nan=1.0), 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        unseasoned = np.where(own_share > 0, np.clip(np.nan_to_num(drop_score), 0.0, 1.0) / own_share, 0.0)
    drop = (np.clip(unseasoned, 0.0, 1.0) ** DROP_POWER * np.minimum(own_share, 1.0 - seasonal) * shape_weight
            * np.asarray(drop_unexplained) * (1.0 - (1.0 - ABSENCE_KEEP) * absence))
    night = NIGHT_DROP_WEIGHT * np.clip(np.nan_to_num(night_drop_score), 0.0, 1.0)
    # ... and the nights' own seasons explain theirs (core.seasonal_fall on the night series), as does an absence
    # the nights show (core.absence on the night series); the day's absence only when it is the same fall
    same_fall = np.abs(np.asarray(drop_change_day) - np.asarray(night_change_day)) <= SAME_FALL_DAYS
    night_absence = np.clip(np.nan_to_num(night_absence), 0.0, 1.0)
    night_absence = np.where(same_fall, np.maximum(night_absence, absence), night_absence)
    night_drop = (night ** DROP_POWER * seasons * (1.0 - (1.0 - ABSENCE_KEEP) * night_absence)
                  * (1.0 - np.clip(np.nan_to_num(night_seasonal), 0.0, 1.0)))
    # a bypass switched in and out (core.switching): the low envelope's fall, as much as the meter switches between
    # its old level and the low one, judged by its category and its own seasons at the envelope's change day, not
    # by the absence rule (coming back up is what it does; the switching asks for more than one spell away)
    switched_drop = (np.clip(np.nan_to_num(switched_drop_score), 0.0, 1.0) ** DROP_POWER
                     * np.clip(np.nan_to_num(switched_factor), 0.0, 1.0) * np.asarray(switched_unexplained)
                     * (1.0 - np.clip(np.nan_to_num(switched_seasonal), 0.0, 1.0)))
    strongest = np.maximum(np.maximum(drop, night_drop), switched_drop)
    theft = noisy_or((W_DROP, strongest), (W_FLAT, flat), (W_FEEDER, feeder_score))
    theft = theft * np.where(is_billing, BILLING_THEFT_KEEP, 1.0)
    bypass_with_lights = np.asarray(coincides_with_block, dtype=bool) & (theft > 0)
    scale = np.where(is_billing, BILLING_WEIGHT, 1.0) * 100.0
    score = np.maximum(grow, theft) * scale
    lost_kwh_day = np.fmax(np.nan_to_num(lost_kw) * 24.0, np.nan_to_num(night_lost_kw) * NIGHT_HOURS_PER_DAY)
    lost_kwh_day = np.fmax(lost_kwh_day, np.where(switched_drop > 0, np.nan_to_num(switched_lost_kw) * 24.0, 0.0))
    unmetered = np.where(theft > 0, np.fmax(lost_kwh_day, np.nan_to_num(feeder_explained_kwh_day)), 0.0)
    return FusedScores(
        score=score, grow_score=grow * scale, theft_score=theft * scale, grow=grow, theft=theft, lighting=lighting, increase=increase,
        peers=peers, purchases=purchases, drop=drop, night_drop=night_drop, switched_drop=switched_drop, flat=flat,
        feeder=np.nan_to_num(feeder_score),
        new_block=new_block, season_kept=season_kept, coherent=coherent, switching=switching, lookalike=lookalike,
        greenhouse=greenhouse,
        bypass_with_lights=bypass_with_lights, lamp_kw=np.where(has_block, lamp_kw, np.nan),
        unmetered_kwh_day=unmetered,
    )


def onset_days(
    lighting_score: np.ndarray, first_block_day: np.ndarray, increase_score: np.ndarray, increase_change_day: np.ndarray
) -> np.ndarray:
    """When a grow would have started, per meter: the lamp block's first day, else the day of a clear rise, else -1.
    Purchases are timed against it (core.purchases)."""
    lit = (np.asarray(first_block_day) >= 0) & (np.nan_to_num(lighting_score) >= COHERENT_MIN_LIGHTING)
    rose = np.nan_to_num(increase_score) >= ONSET_MIN_INCREASE
    return np.where(lit, first_block_day, np.where(rose, increase_change_day, -1)).astype(np.int64)
