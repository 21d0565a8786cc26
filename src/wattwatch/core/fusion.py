"""Fusion: one suspicion score per meter from every detector's evidence, with the parts kept for the explanation.

Two questions are scored separately, each in [0, 1], then combined:
- grow: is there an indoor grow? Lamp blocks (the most specific sign), a strange increase that the look-alikes do
  not explain, and use far above peers. Evidence is combined as independent signs ("noisy OR":
  1 - prod(1 - w_i * e_i)), so two moderate signs outweigh one, and no single weak sign reaches the top.
- theft: is energy being taken past the meter? A sustained drop or a stuck/flat meter, and a feeder whose
  unmetered energy rose when this meter fell.
A meter whose level fell while lamp blocks appear (whole-premises bypass feeding a grow) is both.

Why these rules, not a trained model: there are no labelled outcomes yet (learning from inspections comes later), and
every weight here is a statement an analyst can read and challenge. Weights and gates are module constants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wattwatch.schema import CATEGORIES

RESIDENTIAL = CATEGORIES.index("residential")
AGRICULTURAL = CATEGORIES.index("agricultural")

# A lamp block that appears after weeks without one is a grow's signature; a block present from the first day may
# be a building's schedule (shops, offices, public buildings) or a grow older than the data. Homes rarely run a
# strict 12/18 h block of several kW every day, so an old block in a home keeps more weight than in a business.
NEW_BLOCK_MIN_DAYS = 28  # observed days before the block's first day that make it "new"
OLD_BLOCK_WEIGHT_HOME = 0.6
OLD_BLOCK_WEIGHT_BUSINESS = 0.25
# When the increase's change day falls within this many days of the first lamp day, the rise is the lamps' rise:
# look-alikes do not discount it.
COHERENT_DAYS = 28
W_LIGHTING = 1.0
W_INCREASE = 0.75  # a strange increase alone (after look-alikes) is a good but unspecific sign
W_PEERS = 0.35  # far above peers is weak alone: big families, home businesses
W_DROP = 0.9
# A flat or zero run after normal use is a stuck or bypassed meter, or an empty home: strong only when it lasts to
# the end of the data; one the old level came back from is more likely a vacancy.
W_FLAT = 0.8
FLAT_RETURNED_KEEP = 0.4
W_FEEDER = 0.6
GREENHOUSE_KEEP = 0.1  # a licensed-greenhouse look-alike keeps a tenth of its grow evidence
BILLING_WEIGHT = 0.6  # monthly reads: levels only, no time of day
INCREASE_SCALE = 100.0  # strange_increase scores are 0..100


@dataclass(frozen=True)
class FusedScores:
    """Per meter. `score` (0..100) ranks leads; the rest explain it."""

    score: np.ndarray
    grow: np.ndarray  # [0, 1]
    theft: np.ndarray  # [0, 1]
    lighting: np.ndarray  # lamp-block evidence after the onset weight
    increase: np.ndarray  # strange-increase evidence after look-alikes
    peers: np.ndarray
    drop: np.ndarray
    flat: np.ndarray
    feeder: np.ndarray
    new_block: np.ndarray  # bool: the lamp block began after NEW_BLOCK_MIN_DAYS observed days without it
    coherent: np.ndarray  # bool: the increase began when the lamp block did
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
    observed: np.ndarray,
    lighting_score: np.ndarray,
    first_block_day: np.ndarray,
    lamp_kw: np.ndarray,
    coincides_with_block: np.ndarray,
    increase_score: np.ndarray,
    increase_change_day: np.ndarray,
    peer_score: np.ndarray,
    lookalikes: np.ndarray,
    greenhouse: np.ndarray,
    drop_score: np.ndarray,
    flat_score: np.ndarray,
    flat_returned: np.ndarray,
    lost_kw: np.ndarray,
    feeder_score: np.ndarray,
    feeder_explained_kwh_day: np.ndarray,
) -> FusedScores:
    """All inputs per meter (length m) except `observed` bool[m, d] (days with data) and `lookalikes` [m, k]
    (likelihoods of the non-greenhouse look-alikes)."""
    m = len(category)
    observed = np.asarray(observed, dtype=bool)
    first = np.asarray(first_block_day, dtype=np.int64)
    observed_before = np.cumsum(observed, axis=1)
    seen_before = np.where(first > 0, observed_before[np.arange(m), np.clip(first - 1, 0, None)], 0) if m else first
    has_block = first >= 0
    new_block = has_block & (seen_before >= NEW_BLOCK_MIN_DAYS)
    old_weight = np.where(category == RESIDENTIAL, OLD_BLOCK_WEIGHT_HOME, OLD_BLOCK_WEIGHT_BUSINESS)
    lighting = np.nan_to_num(lighting_score) * np.where(new_block, 1.0, old_weight)

    change = np.asarray(increase_change_day, dtype=np.int64)
    coherent = has_block & (change >= 0) & (np.abs(change - first) <= COHERENT_DAYS)
    lookalike = np.max(np.nan_to_num(lookalikes), axis=1) if np.size(lookalikes) else np.zeros(m)
    increase = np.nan_to_num(increase_score) / INCREASE_SCALE
    increase = np.where(coherent, increase, increase * (1.0 - lookalike))

    grow = noisy_or((W_LIGHTING, lighting), (W_INCREASE, increase), (W_PEERS, peer_score))
    greenhouse = np.nan_to_num(greenhouse)
    grow = grow * (1.0 - (1.0 - GREENHOUSE_KEEP) * greenhouse)
    flat = np.nan_to_num(flat_score) * np.where(flat_returned, FLAT_RETURNED_KEEP, 1.0)
    theft = noisy_or((W_DROP, drop_score), (W_FLAT, flat), (W_FEEDER, feeder_score))
    bypass_with_lights = np.asarray(coincides_with_block, dtype=bool) & (theft > 0)
    score = noisy_or((1.0, grow), (1.0, theft)) * np.where(is_billing, BILLING_WEIGHT, 1.0) * 100.0
    unmetered = np.where(
        theft > 0, np.fmax(np.nan_to_num(lost_kw) * 24.0, np.nan_to_num(feeder_explained_kwh_day)), 0.0
    )
    return FusedScores(
        score=score, grow=grow, theft=theft, lighting=lighting, increase=increase,
        peers=np.nan_to_num(peer_score), drop=np.nan_to_num(drop_score), flat=flat, feeder=np.nan_to_num(feeder_score),
        new_block=new_block, coherent=coherent, lookalike=lookalike, greenhouse=greenhouse,
        bypass_with_lights=bypass_with_lights, lamp_kw=np.where(has_block, lamp_kw, np.nan),
        unmetered_kwh_day=unmetered,
    )
