"""What a lamp-shop receipt line sold: grow equipment (HPS, metal halide and LED grow lamps, ballasts, reflectors,
carbon filters, inline fans, tents, hydroponics) or ordinary, aquarium and seedling lighting, from free text in
Albanian or English, with or without diacritics, any case, within reason of typos; and the lamp watts and pack size
the text gives.

How it decides, in order (the first rule that holds): aquarium or terrarium goods are hobby; a small light for herbs
or seedlings is a seedling light; a named accessory (ballast, reflector, filter, fan, tent, hydroponics, timer...)
is that accessory, the one named first when several are, unless a lamp is sold with it as a kit; a named lamp type
(sodium/HPS, metal halide, LED grow) is that lamp; a grow-lamp brand or model; ordinary electrical goods and
lighting; anything else is "other". `matched` names the term that decided, for the analyst's explanation.

Distinct strings are few next to sale lines (a shop prints the same names again and again): classify the distinct
ones (`classify_products`, cached) or a whole column (`classify_column`) and gather by index.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from wattwatch.core.product_numbers import duct_mm, has_bare_wattage, lamp_watts, model_watts, pack_size
from wattwatch.core.product_terms import (ACCESSORY_BRANDS, BALLAST_GROW_MIN_WATTS, CONCEPTS, GROW_DUCT_MIN_MM,
                                          HID_GROW_MIN_WATTS, LAMP_BRANDS, LED_GROW_MIN_WATTS, SEEDLING_MAX_WATTS)
from wattwatch.core.product_text import canonical_terms

KINDS = ("hps_lamp", "metal_halide_lamp", "led_grow_light", "ballast", "reflector", "carbon_filter", "inline_fan",
         "timer", "grow_tent", "hydroponics", "grow_misc", "ordinary_lighting", "aquarium_light", "seedling_light",
         "other")
GROW_LAMP_KINDS = ("hps_lamp", "metal_halide_lamp", "led_grow_light")
# kinds whose watts are lamp watts (a ballast's are those of the lamp it drives); others get NaN
LIGHTING_KINDS = frozenset({*GROW_LAMP_KINDS, "ballast", "ordinary_lighting", "aquarium_light", "seedling_light"})
# the usual grow lamp when a receipt gives no watts: a 600 W HPS/MH bulb, a mid-size LED panel
DEFAULT_LAMP_WATTS: Mapping[str, float] = {"hps_lamp": 600.0, "metal_halide_lamp": 600.0, "led_grow_light": 300.0}

_CONCEPTS = {name: tuple((label, re.compile(p)) for label, p in rules) for name, rules in CONCEPTS.items()}
_CACHE_SIZE = 1 << 16


@dataclass(frozen=True)
class ProductClass:
    kind: str  # one of KINDS
    grow_specific: bool  # equipment whose main use is indoor growing
    watts: float  # lighting watts per unit from the text (NaN if none / not lighting)
    units_per_item: int  # pack multiplier from the text (1 if none)
    matched: str  # the term that decided, for the explanation ("HPS", "sodium", "grow light"...); "" if none


@dataclass(frozen=True)
class Found:
    """Which concepts a line names: label and position of the first match of each, for the rules to read."""
    text: str
    where: dict[str, tuple[str, int]]

    def __getitem__(self, concept: str) -> str:
        return self.where[concept][0] if concept in self.where else ""

    def at(self, concept: str) -> int:
        return self.where[concept][1] if concept in self.where else len(self.text)


def find_concepts(text: str) -> Found:
    where: dict[str, tuple[str, int]] = {}
    for name, rules in _CONCEPTS.items():
        for label, pattern in rules:
            m = pattern.search(text)
            if m:
                where[name] = (label, m.start())
                break
    return Found(text, where)


def _brand(terms: list[str], brands: Mapping[str, tuple[str, ...]]) -> tuple[str, str] | None:
    named = set(terms)
    for kind, names in brands.items():
        for name in names:
            if name in named:
                return kind, name
    return None


def _lamp(f: Found, terms: list[str], watts: float) -> tuple[str, str] | None:
    """The lamp type a line names, with the deciding term."""
    lamp_sign = bool(f["lighting"] or f["growctx"]) or not math.isnan(watts) or has_bare_wattage(terms)
    hps = f["hps"] or (f["sodium"] if lamp_sign else "") or (f["highpressure"] if f["lighting"] else "")
    mh = f["mh"] if f["mh"] != "MH" or lamp_sign else ""
    if f["led"] and (hps or mh or f["growctx"] or f["growlight"]):  # LEDs named against HPS are LEDs
        return "led_grow_light", f["growlight"] or f"LED {f['growctx'] or 'grow'}"
    if hps:
        return "hps_lamp", hps
    if mh:
        return "metal_halide_lamp", mh
    if f["growlight"]:
        return "led_grow_light", f["growlight"]
    brand = _brand(terms, LAMP_BRANDS)
    if f["fluorescent_tube"] and (f["growctx"] or brand):
        return "seedling_light", f"{brand[1] if brand else 'grow'} fluorescent tube"
    if f["growctx"] and f["lighting"]:
        return "led_grow_light", "grow light"
    if brand:
        return ("led_grow_light" if f["led"] else brand[0]), brand[1]
    if not math.isnan(model_watts(terms)):
        return "led_grow_light", "LED grow model"
    if f["hid_socket"] and not f["not_hid"] and watts >= HID_GROW_MIN_WATTS:
        return "hps_lamp", f["hid_socket"]
    return None


def _lamp_class(kind: str, label: str, f: Found, watts: float) -> tuple[str, bool, str]:
    """Size and setting: sodium or halide floodlights and street lamps, 50-150 W sodium/halide bulbs and small LED
    "grow" lights are not grow lighting."""
    if kind in ("hps_lamp", "metal_halide_lamp") and f["outdoor_lamp"]:
        return "ordinary_lighting", False, f"{f['outdoor_lamp']} ({label})"
    if kind == "led_grow_light" and (watts < LED_GROW_MIN_WATTS or (f["small"] and math.isnan(watts))):
        return "seedling_light", False, f"small {label}"
    if kind in ("hps_lamp", "metal_halide_lamp") and watts < HID_GROW_MIN_WATTS:
        return kind, False, label
    if kind == "ballast" and watts < BALLAST_GROW_MIN_WATTS:
        return kind, False, label
    return kind, kind != "seedling_light", label


def _accessories(f: Found, terms: list[str], watts: float) -> list[tuple[int, tuple[str, bool, str]]]:
    """Every accessory the line names, each with where it is named and its class."""
    out = []
    if f["ballast"]:
        fluorescent = bool(f["fluorescent_tube"])
        out.append((f.at("ballast"), ("ordinary_lighting", False, "fluorescent ballast") if fluorescent
                    else ("ballast", not watts < BALLAST_GROW_MIN_WATTS, f["ballast"])))
    plain_reflector = f["reflector"] == "reflector"  # "reflektor" alone is also Albanian for a floodlight
    if f["reflector"] and not (plain_reflector and f["led"] and f["growctx"]):  # an LED grow floodlight is a lamp
        flood = plain_reflector and (f["outdoor_lamp"] or not f["hid_context"] and f["flood_context"])
        out.append((f.at("reflector"), ("ordinary_lighting", False, "LED floodlight") if flood
                    else ("reflector", True, f["reflector"])))
    if f["carbon_filter"]:
        out.append((f.at("carbon_filter"), ("other", False, f["not_grow_filter"]) if f["not_grow_filter"]
                    else ("carbon_filter", True, f["carbon_filter"])))
    fan_brand = _brand(terms, {"inline_fan": ACCESSORY_BRANDS["inline_fan"]})
    if f["fan"] or fan_brand:
        duct = duct_mm(terms)
        if f["household_fan"]:
            fan = ("other", False, f["household_fan"])
        elif f["inline"]:
            fan = ("inline_fan", True, f["inline"])
        elif f["growctx"]:
            fan = ("inline_fan", True, f"{f['growctx']} fan")
        elif fan_brand:
            fan = ("inline_fan", True, fan_brand[1])
        elif duct >= GROW_DUCT_MIN_MM:
            fan = ("inline_fan", True, f"fan, {duct:.0f} mm duct")
        else:
            fan = ("other", False, "fan")
        out.append((min(f.at("fan"), f.at("inline")), fan))
    tent_brand = _brand(terms, {"grow_tent": ACCESSORY_BRANDS["grow_tent"]})
    if f["tent"] and (f["camping"] or not (f["grow_tent_sign"] or tent_brand)):
        out.append((f.at("tent"), ("other", False, f["camping"] or "tent, curtain or awning")))
    elif f["tent"]:
        out.append((f.at("tent"), ("grow_tent", True, "grow tent")))
    if f["lamp_holder"]:
        out.append((f.at("lamp_holder"), ("other", False, f["lamp_holder"])))
    garden = f["garden"] if not f["grow_misc"] else ""  # "vazo pëlhure" is a fabric pot, not a garden pot
    if f["hydro"] or garden:
        at = min(f.at("hydro"), f.at("garden"))
        if f["not_grow_misc"]:
            out.append((at, ("other", False, f["not_grow_misc"])))
        elif f["hydro"]:
            out.append((at, ("hydroponics", True, f["hydro"])))
        else:  # garden fertiliser, soil and pots: households buy them for balconies
            out.append((at, ("hydroponics" if garden == "fertiliser" else "grow_misc", False, garden)))
    if f["timer"]:  # households buy timers: weak evidence
        out.append((f.at("timer"), ("timer", False, f["timer"])))
    if f["grow_misc"] and not f["not_grow_misc"]:
        out.append((f.at("grow_misc"), ("grow_misc", True, f["grow_misc"])))
    brand = _brand(terms, ACCESSORY_BRANDS)
    if not out and brand:
        out.append((len(f.text), (brand[0], True, brand[1])))
    return out


def _decide(f: Found, terms: list[str], watts: float) -> tuple[str, bool, str]:
    lamp = _lamp(f, terms, watts)
    lit = lamp or f["lighting"]
    if f["aquarium"]:
        return ("aquarium_light" if lit else "other"), False, f["aquarium"]
    if (f["seedling"] or f["herb"]) and lit and not watts >= SEEDLING_MAX_WATTS:
        return "seedling_light", False, f["seedling"] or f["herb"]
    accessories = _accessories(f, terms, watts)
    if accessories and not (lamp and f["kit"]):
        return min(accessories, key=lambda a: a[0])[1]
    if lamp:
        return _lamp_class(*lamp, f, watts)
    if f["seedling"]:  # propagators and heat mats without a light
        return "grow_misc", False, f["seedling"]
    if f["electrical"]:
        return "other", False, f["electrical"]
    if f["lighting"]:
        return "ordinary_lighting", False, f["lighting"]
    return "other", False, ""


def _classify(text: str) -> ProductClass:
    terms = canonical_terms(text)
    watts = lamp_watts(terms)
    if math.isnan(watts):
        watts = model_watts(terms)
    kind, grow, matched = _decide(find_concepts(" ".join(terms)), terms, watts)
    return ProductClass(kind, grow, watts if kind in LIGHTING_KINDS else math.nan, pack_size(terms), matched)


@lru_cache(maxsize=_CACHE_SIZE)
def _classify_cached(text: str) -> ProductClass:
    return _classify(text)


def classify_product(text: str | None) -> ProductClass:
    """One receipt product name; a blank or missing name is "other"."""
    return _classify_cached(text if isinstance(text, str) else "")


def classify_products(texts: Sequence[str | None]) -> list[ProductClass]:
    """Many product names (pass the distinct ones: results are cached by string)."""
    return [classify_product(t) for t in texts]


@dataclass(frozen=True)
class ProductColumns:
    """classify_product over a column, as arrays aligned with it."""
    kind: np.ndarray  # str
    grow_specific: np.ndarray  # bool
    watts: np.ndarray  # float, NaN where none
    units_per_item: np.ndarray  # int64
    matched: np.ndarray  # str


def classify_column(products: Sequence[str | None] | np.ndarray) -> ProductColumns:
    """A whole sales.product column: each distinct string is classified once, then gathered by index."""
    codes: dict[str, int] = {}
    index = np.fromiter((codes.setdefault("" if p is None else str(p), len(codes)) for p in products), np.int64)
    classes = classify_products(list(codes))
    return ProductColumns(
        kind=np.array([c.kind for c in classes], dtype=object)[index].astype(str),
        grow_specific=np.array([c.grow_specific for c in classes], dtype=bool)[index],
        watts=np.array([c.watts for c in classes], dtype=np.float64)[index],
        units_per_item=np.array([c.units_per_item for c in classes], dtype=np.int64)[index],
        matched=np.array([c.matched for c in classes], dtype=object)[index].astype(str),
    )


def grow_kw(kind: np.ndarray, grow_specific: np.ndarray, watts: np.ndarray, quantity: np.ndarray,
            units_per_item: np.ndarray, default_watts: Mapping[str, float] = DEFAULT_LAMP_WATTS) -> np.ndarray:
    """Grow-lamp kW each sale line adds: lamps x units x watts for grow-specific lamps, 0 for anything else (a
    ballast or reflector drives a lamp bought on its own line). Pass the shop's `watts` column where it has one and
    the text's watts elsewhere; lamps with neither get `default_watts` of their kind."""
    kind = np.asarray(kind).astype(str)
    watts = np.asarray(watts, dtype=np.float64)
    filled = watts.copy()
    for lamp_kind, default in default_watts.items():
        filled = np.where((kind == lamp_kind) & np.isnan(watts), default, filled)
    is_lamp = np.isin(kind, GROW_LAMP_KINDS) & np.asarray(grow_specific, dtype=bool)
    count = np.asarray(quantity, dtype=np.float64) * np.asarray(units_per_item, dtype=np.float64)
    return np.where(is_lamp, np.nan_to_num(filled) * count / 1000.0, 0.0)
