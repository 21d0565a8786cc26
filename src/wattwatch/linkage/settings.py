"""Linkage settings, declared once as data; they round-trip to JSON like `wattwatch.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from wattwatch.settings import JsonSettings, setting


@dataclass(frozen=True)
class LinkageSettings(JsonSettings):
    seed: int = setting(20250101, "Seed of Splink's random sampling: the same data and seed give the same links.")
    splink_threads: int = setting(
        1, "DuckDB threads for Splink. DuckDB's seeded sampling repeats exactly only on one thread; more threads "
           "are faster on big data but may change the trained model slightly from run to run.")
    u_max_pairs: float = setting(
        2e6, "Record pairs sampled at random to estimate how often non-matching records agree (Splink u values).")
    m_floor: float = setting(
        0.01, "Smallest m probability of any comparison level: how often a true match may disagree on a field.")
    buyer_threshold: float = setting(
        0.9, "Sale lines whose buyers match with at least this probability are one buyer (cluster).")
    min_link_probability: float = setting(
        0.8, "A sale is linked to its best premises only when the link is at least this probable.")
    straw_discount: float = setting(
        0.95, "A sale linked only through its straw-buyer group gets the group's link probability times this: a "
              "shared phone or address is strong, not certain, evidence of the same household.")
    store_near_km: float = setting(3.0, "A store this close (km) to the premises is the 'bought nearby' level.")
    store_far_km: float = setting(15.0, "A store this close (km) is the 'same town' level; farther is 'elsewhere'.")
    phone_region: str = setting("AL", "Region assumed for phone numbers written without a country code.")
