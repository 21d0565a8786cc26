"""The two Splink models, as settings data: buyer deduplication and buyer-to-premises linking.

Both compare the same normalised fields (`records.RECORD_SCHEMA`). Names get an order-free exact level with term
frequencies (a common name is weak evidence), a typo level, an initial-aware level ("A. Hoxha" vs "Arben Hoxha")
and a looser typo level; addresses compare street and house number, in the same town or with the town unstated
(a different flat in the same building is its own level); phones compare in E.164; the store's distance from the
premises is a weak extra for links only.
Blank fields fall into Splink's null level, which carries no evidence either way.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from wattwatch.linkage.settings import LinkageSettings

SIMILAR_WORDS = 0.88  # Jaro-Winkler at or above this: the same word with a typo


def _words_resemble(sub: str, sup: str) -> str:
    """SQL: every word of list `sub` resembles some word of list `sup`."""
    return (f"list_bool_and(list_transform({sub}, x -> list_bool_or(list_transform({sup}, "
            f"y -> jaro_winkler_similarity(x, y) >= {SIMILAR_WORDS}))))")


def initial_aware_sql(left: str, right: str) -> str:
    """SQL: the same name with a word cut to its initial ("A. Hxoha" vs "Arben Hoxha"), typos allowed in the
    full words. `left`/`right` place a column name: "{}_l" / "{}_r" in Splink, "a.{}" / "b.{}" in a self-join."""
    lf, rt = left.format, right.format
    return (f"{lf('name_initials')} = {rt('name_initials')} AND ("
            f"({lf('name_has_initial')} AND {_words_resemble(lf('name_long'), rt('name_long'))}) OR "
            f"({rt('name_has_initial')} AND {_words_resemble(rt('name_long'), lf('name_long'))}))")


def _name() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="name", comparison_levels=[
        cll.NullLevel("name_full"),
        cll.ExactMatchLevel("name_full", term_frequency_adjustments=True),
        cll.JaroWinklerLevel("name_full", 0.95),
        cll.CustomLevel(initial_aware_sql("{}_l", "{}_r"), label_for_charts="same name, one written with an initial"),
        cll.JaroWinklerLevel("name_full", 0.88),
        cll.ElseLevel(),
    ])


# Street names repeat from town to town ("Rruga e Durrësit, Nr. 12" exists in several): the same street and number
# is strong evidence when both sides name the same town, weaker when one side does not say (the register's premises
# at that street and number in other towns are candidates too), and no evidence when the towns differ. A unit
# (building, entrance, flat) given on both sides must agree, or it is another flat in the same building.
_TOWNS_STATED_SAME = "city_l = city_r"
_TOWNS_AGREE = "(city_l IS NULL OR city_r IS NULL OR city_l = city_r)"
_UNITS_AGREE = "(unit_l IS NULL OR unit_r IS NULL OR unit_l = unit_r)"


def _address() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="address", comparison_levels=[
        cll.NullLevel("street"),
        cll.CustomLevel(f"place_l = place_r AND {_UNITS_AGREE} AND {_TOWNS_STATED_SAME}",
                        label_for_charts="same street and number, same town"),
        cll.CustomLevel(f"place_l = place_r AND {_UNITS_AGREE} AND {_TOWNS_AGREE}",
                        label_for_charts="same street and number, town unstated"),
        cll.CustomLevel(f"place_l = place_r AND {_TOWNS_AGREE}", label_for_charts="same building, another flat"),
        cll.CustomLevel(f"jaro_winkler_similarity(street_l, street_r) >= 0.9 AND house_nr_l = house_nr_r "
                        f"AND {_UNITS_AGREE} AND {_TOWNS_AGREE}", label_for_charts="street with a typo, same number"),
        cll.ExactMatchLevel("street"),
        cll.ElseLevel(),
    ])


def _exact(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name=column, comparison_levels=[
        cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()])


# Cheap at a million lines: each rule is an equi-join on a selective key. The exploded name variants block
# "A. Hoxha" with "Arben Hoxha"; the name prefix key catches most typos in names, the house number with the
# street's first letters most typos in streets ("Forrtuzi" / "Fortuzi").
_PREDICTION_BLOCKS = (
    block_on("phone"),
    block_on("place"),
    block_on("name_variants", arrays_to_explode=["name_variants"]),
    block_on("name_prefix", "area"),
    block_on("house_nr", "substr(street, 1, 3)"),
)
# EM learns m values on pairs that share one strong key, for every comparison except that key's own; the two
# keys cover each other. (Blocking EM on names as well drives unobserved address levels to underflow.)
EM_BLOCKS: tuple[tuple[str, ...], ...] = (("phone",), ("place",))
# Pairs that are almost surely the same buyer: their count, over the recall assumed for them, gives the prior.
DETERMINISTIC_RULES = ("l.phone = r.phone", "l.place = r.place AND l.city = r.city")
DETERMINISTIC_RECALL = 0.5
# comparison -> the column whose blank puts a pair in that comparison's null level
NULL_COLUMNS = {"name": "name_full", "address": "street", "phone": "phone", "city": "city",
                "latitude_longitude": "latitude"}


def buyer_model(settings: LinkageSettings) -> dict[str, Any]:
    """Deduplication of sale profiles into buyers."""
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_name(), _address(), _exact("phone"), _exact("city")],
        blocking_rules_to_generate_predictions=list(_PREDICTION_BLOCKS),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return creator.create_settings_dict("duckdb")


def premises_model(settings: LinkageSettings) -> dict[str, Any]:
    """Link-only between sale profiles (left) and premises records (right)."""
    creator = SettingsCreator(
        link_type="link_only",
        comparisons=[_name(), _address(), _exact("phone"), _exact("city"),
                     cl.DistanceInKMAtThresholds("latitude", "longitude",
                                                 [settings.store_near_km, settings.store_far_km])],
        blocking_rules_to_generate_predictions=list(_PREDICTION_BLOCKS),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return creator.create_settings_dict("duckdb")
