"""Receipt product names: a table of realistic shop strings (Albanian and English, typos, brands, packs), properties
that must hold for any text, and slow reference twins of the fast parts."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wattwatch.core.product_numbers import lamp_watts, pack_size
from wattwatch.core.product_terms import CANONICAL, COMPOUNDS, CONCEPTS, NOT_TERMS, PHRASES
from wattwatch.core.product_text import SPELLINGS, canonical_terms, fold, nearest_spelling, osa_distance
from wattwatch.core.products import (GROW_LAMP_KINDS, KINDS, ProductClass, _classify, classify_column,
                                     classify_product, classify_products, grow_kw)

NAN = math.nan

# text, kind, grow_specific, watts (NaN: none), units per item
TABLE: list[tuple[str, str, bool, float, int]] = [
    # high-pressure sodium
    ("Llambë natriumi 600W", "hps_lamp", True, 600, 1),
    ("LLAMBE NATRIUMI 400W E40", "hps_lamp", True, 400, 1),
    ("llambe natriumi 1000 w", "hps_lamp", True, 1000, 1),
    ("Llambë natrjumi 600W", "hps_lamp", True, 600, 1),
    ("Llambe natrimu 600W", "hps_lamp", True, 600, 1),
    ("Llamba natriumit 250W", "hps_lamp", True, 250, 1),
    ("Llambë me avuj natriumi 400 W", "hps_lamp", True, 400, 1),
    ("Llambë natriumi me presion të lartë 600W", "hps_lamp", True, 600, 1),
    ("Llambë sodiumi 600 w", "hps_lamp", True, 600, 1),
    ("Lampe natrium 400Watt", "hps_lamp", True, 400, 1),
    ("HPS 600W", "hps_lamp", True, 600, 1),
    ("hps 600w e40", "hps_lamp", True, 600, 1),
    ("High pressure sodium lamp 1000W", "hps_lamp", True, 1000, 1),
    ("Sodium lamp 600 Watt", "hps_lamp", True, 600, 1),
    ("SODIUM 600W HPS GROW LAMP", "hps_lamp", True, 600, 1),
    ("SON-T 400W", "hps_lamp", True, 400, 1),
    ("Philips Master SON-T PIA Plus 400W", "hps_lamp", True, 400, 1),
    ("Philips GreenPower 600W 400V EL", "hps_lamp", True, 600, 1),
    ("Philips Master GreenPower CG T 1000W", "hps_lamp", True, 1000, 1),
    ("Osram Plantastar 600W", "hps_lamp", True, 600, 1),
    ("Osram NAV-T Super 4Y 400W", "hps_lamp", True, 400, 1),
    ("Sylvania Grolux 600W", "hps_lamp", True, 600, 1),
    ("Sylvania SHP-TS Grolux 400W", "hps_lamp", True, 400, 1),
    ("Gavita Pro 1000e", "hps_lamp", True, 1000, 1),
    ("Gavita Pro 1000e DE 400V", "hps_lamp", True, 1000, 1),
    ("Hortilux Super HPS 1000W", "hps_lamp", True, 1000, 1),
    ("Dual spectrum HPS 600W", "hps_lamp", True, 600, 1),
    ("Llambë HPS 0.6kW", "hps_lamp", True, 600, 1),
    ("Llambe sodium 1.000W", "hps_lamp", True, 1000, 1),
    ("Llambë natriumi", "hps_lamp", True, NAN, 1),
    ("NATRIUMI 600", "hps_lamp", True, NAN, 1),
    ("2x Llambë HPS 600W", "hps_lamp", True, 600, 2),
    ("Llambë HPS 600W x2", "hps_lamp", True, 600, 2),
    ("Set 4 x 600W HPS", "hps_lamp", True, 600, 4),
    ("hps 600 w 2 copë", "hps_lamp", True, 600, 2),
    ("Llambë natriumi 600W (set me 6)", "hps_lamp", True, 600, 6),
    ("Kit HPS 600W (ballast + reflektor + llambë)", "hps_lamp", True, 600, 1),
    ("Llambë HPS 600W me ballast dhe reflektor", "hps_lamp", True, 600, 1),
    ("Poç natriumi 250W", "hps_lamp", True, 250, 1),
    ("natruim 600W", "hps_lamp", True, 600, 1),
    ("Sodjum 600W", "hps_lamp", True, 600, 1),
    ("SON T 600W", "hps_lamp", True, 600, 1),
    ("Llambe 600 W E40", "hps_lamp", True, 600, 1),
    ("Llambë 600W natrium + ballast", "hps_lamp", True, 600, 1),
    ("Sunmaster Dual Spectrum 600W", "hps_lamp", True, 600, 1),
    ("Llambë natriumi 70W E27", "hps_lamp", False, 70, 1),
    ("Llambë E40 150W", "ordinary_lighting", False, 150, 1),
    ("Llambë natriumi rrugor 100W", "ordinary_lighting", False, 100, 1),
    ("Llambë natriumi 150W për ndriçim rrugor", "ordinary_lighting", False, 150, 1),
    # metal halide
    ("Metal halide 400W", "metal_halide_lamp", True, 400, 1),
    ("Llambë metal halide 600W", "metal_halide_lamp", True, 600, 1),
    ("Llambë halogjenure metalike 400W", "metal_halide_lamp", True, 400, 1),
    ("Llambe halogjenur metalik 1000W", "metal_halide_lamp", True, 1000, 1),
    ("Metal halogen 600W", "metal_halide_lamp", True, 600, 1),
    ("MH 400W rritje", "metal_halide_lamp", True, 400, 1),
    ("CMH 315W", "metal_halide_lamp", True, 315, 1),
    ("LEC 315W 3100K", "metal_halide_lamp", True, 315, 1),
    ("Ceramic metal halide 630W", "metal_halide_lamp", True, 630, 1),
    ("Philips CDM-T Elite Agro 315W", "metal_halide_lamp", True, 315, 1),
    ("Metal halide 70W G12", "metal_halide_lamp", False, 70, 1),
    ("Projektor metal halide 400W", "ordinary_lighting", False, 400, 1),
    # LED grow
    ("LED grow panel 600W full spectrum", "led_grow_light", True, 600, 1),
    ("Panel LED rritje 480W", "led_grow_light", True, 480, 1),
    ("LED grow bar 120W", "led_grow_light", True, 120, 1),
    ("Quantum board 240W", "led_grow_light", True, 240, 1),
    ("Quantum board LM301B 320W", "led_grow_light", True, 320, 1),
    ("Quantom bord 240W", "led_grow_light", True, 240, 1),
    ("Llambë LED për bimë 600W", "led_grow_light", True, 600, 1),
    ("Llambe led per bime 300w", "led_grow_light", True, 300, 1),
    ("Dritë rritjeje LED 400W", "led_grow_light", True, 400, 1),
    ("Llambë rritjeje bimësh 200W", "led_grow_light", True, 200, 1),
    ("Bar LED për bimë 4x120W", "led_grow_light", True, 120, 4),
    ("Grow light 1000W", "led_grow_light", True, 1000, 1),
    ("Full spectrum LED 600W", "led_grow_light", True, 600, 1),
    ("LED full spektër 720W", "led_grow_light", True, 720, 1),
    ("LED spektër i plotë 300W", "led_grow_light", True, 300, 1),
    ("Mars Hydro TS1000", "led_grow_light", True, 150, 1),
    ("Mars Hydro TS 3000 450W", "led_grow_light", True, 450, 1),
    ("Spider Farmer SF-2000", "led_grow_light", True, 200, 1),
    ("Spider Farmer SF4000 450W", "led_grow_light", True, 450, 1),
    ("Sanlight EVO 4-120", "led_grow_light", True, NAN, 1),
    ("SANLIGHT Q6W", "led_grow_light", True, NAN, 1),
    ("Viparspectra P1500 150W", "led_grow_light", True, 150, 1),
    ("Gavita Pro 1700e LED", "led_grow_light", True, 645, 1),
    ("Philips GreenPower LED toplighting", "led_grow_light", True, NAN, 1),
    ("Lumatek Zeus 600W Pro LED", "led_grow_light", True, 600, 1),
    ("Samsung LM301H grow light 600W", "led_grow_light", True, 600, 1),
    ("LED grow 1000W (real 200W)", "led_grow_light", True, 200, 1),
    ("LED grow light 150W ekuivalent HPS 400W", "led_grow_light", True, 150, 1),
    ("LED zëvendësim HPS 600W", "led_grow_light", True, NAN, 1),
    ("Fitolampë LED 400W", "led_grow_light", True, 400, 1),
    ("Llambë LED për serra 600W", "led_grow_light", True, 600, 1),
    ("led grow 240 w", "led_grow_light", True, 240, 1),
    ("LED GROW PANEL 2X300W", "led_grow_light", True, 300, 2),
    ("Growlight LED 200 W", "led_grow_light", True, 200, 1),
    ("LED për kultivim 300W", "led_grow_light", True, 300, 1),
    ("Panel LED 600W për rritjen e bimëve", "led_grow_light", True, 600, 1),
    ("Grow LED 2000W Full Spectrum (konsum real 200W)", "led_grow_light", True, 200, 1),
    ("Mars-Hydro FC-E 6500", "led_grow_light", True, NAN, 1),
    ("Kit grow LED 600W + tendë 120x120", "led_grow_light", True, 600, 1),
    ("Panel LED rritje 480W me ventilator", "led_grow_light", True, 480, 1),
    # seedling and herb lights
    ("Mini LED grow 45W për erëza", "seedling_light", False, 45, 1),
    ("Seedling T5 24W", "seedling_light", False, 24, 1),
    ("Llambë LED për fidane 20W", "seedling_light", False, 20, 1),
    ("Dritë LED për erëza USB", "seedling_light", False, NAN, 1),
    ("T5 grow 2x24W", "seedling_light", False, 24, 2),
    ("Sylvania Grolux T8 36W", "seedling_light", False, 36, 1),
    ("Osram Fluora T8 36W", "seedling_light", False, 36, 1),
    ("Llambë UV për bimë 9W", "seedling_light", False, 9, 1),
    ("Full spectrum E27 30W", "seedling_light", False, 30, 1),
    ("Fitollambë 15W E27", "seedling_light", False, 15, 1),
    ("Mini grow light", "seedling_light", False, NAN, 1),
    ("LED grow light 45W", "seedling_light", False, 45, 1),
    ("Sistem hidroponik me LED për erëza", "seedling_light", False, NAN, 1),
    # ballasts
    ("Ballast elektronik 600W", "ballast", True, 600, 1),
    ("Balast elektronik 600w", "ballast", True, 600, 1),
    ("Electronic ballast 600W dimmable", "ballast", True, 600, 1),
    ("Ballast magnetik 400W", "ballast", True, 400, 1),
    ("ballst elektronik 600W", "ballast", True, 600, 1),
    ("Lumatek 600W", "ballast", True, 600, 1),
    ("Lumatek ballast 1000W 400V", "ballast", True, 1000, 1),
    ("Ballast digjital 250/400/600/660W", "ballast", True, 660, 1),
    ("Ballast 400W-600W", "ballast", True, 600, 1),
    ("Drossel 400W për natrium", "ballast", True, 400, 1),
    ("Ballast elektronik 600W HPS/MH me dimmer", "ballast", True, 600, 1),
    ("Nanolux DGT 600W", "ballast", True, 600, 1),
    ("Ballast", "ballast", True, NAN, 1),
    ("Ballast elektronik 70W", "ballast", False, 70, 1),
    ("Ballast për neon 2x36W", "ordinary_lighting", False, 36, 2),
    # reflectors
    ("Reflektor alumini", "reflector", True, NAN, 1),
    ("Reflector hood", "reflector", True, NAN, 1),
    ("Reflektor Cool Tube 150mm", "reflector", True, NAN, 1),
    ("Cooltube 125mm", "reflector", True, NAN, 1),
    ("Reflektor parabolik", "reflector", True, NAN, 1),
    ("Adjust-A-Wings Medium", "reflector", True, NAN, 1),
    ("Reflektor për HPS 600W", "reflector", True, NAN, 1),
    ("Reflekor alumini", "reflector", True, NAN, 1),
    ("Reflektor LED 50W IP65", "ordinary_lighting", False, 50, 1),
    ("Reflektor LED për bimë 200W", "led_grow_light", True, 200, 1),
    ("Reflektor LED 100W me sensor", "ordinary_lighting", False, 100, 1),
    # carbon filters
    ("Filtër karboni 150mm", "carbon_filter", True, NAN, 1),
    ("Filter karboni 125mm", "carbon_filter", True, NAN, 1),
    ("Carbon filter 200mm", "carbon_filter", True, NAN, 1),
    ("Filtër qymyri 150mm", "carbon_filter", True, NAN, 1),
    ("Filtër me karbon aktiv 250mm", "carbon_filter", True, NAN, 1),
    ("Can-Filter 38", "carbon_filter", True, NAN, 1),
    ("Prima Klima filtër karboni 160mm", "carbon_filter", True, NAN, 1),
    ("Filtr karboni 150", "carbon_filter", True, NAN, 1),
    ("Filtër karboni + ventilator inline 150mm", "carbon_filter", True, NAN, 1),
    ("Filtër karboni për aspirator kuzhine", "other", False, NAN, 1),
    ("Filtër uji me karbon", "other", False, NAN, 1),
    # fans
    ("Ventilator inline 200mm", "inline_fan", True, NAN, 1),
    ("Ventilator kanali 150mm", "inline_fan", True, NAN, 1),
    ("Inline fan 125mm", "inline_fan", True, NAN, 1),
    ("Aspirator inline 250mm", "inline_fan", True, NAN, 1),
    ("Ventilator centrifugal 315mm", "inline_fan", True, NAN, 1),
    ("Extractor fan 150mm", "inline_fan", True, NAN, 1),
    ("Ventilator 160 mm", "inline_fan", True, NAN, 1),
    ("Ventilator RVK 125A1", "inline_fan", True, NAN, 1),
    ("Ventilator 6 inch", "inline_fan", True, NAN, 1),
    ("Ventilatr inline 150mm", "inline_fan", True, NAN, 1),
    ("AC Infinity Cloudline T6", "inline_fan", True, NAN, 1),
    ("Ventilator inline 150mm 35W", "inline_fan", True, NAN, 1),
    ("Ventilator për kanal 150 mm", "inline_fan", True, NAN, 1),
    ("Ventilator + filtër karboni set 125mm", "inline_fan", True, NAN, 1),
    ("Ventilator banjo 100mm", "other", False, NAN, 1),
    ("Ventilator axial 100mm", "other", False, NAN, 1),
    ("Ventilator tavani me dritë LED", "other", False, NAN, 1),
    ("Aspirator kuzhine 60cm", "other", False, NAN, 1),
    ("Ventilator tavani me 3 fletë", "other", False, NAN, 1),
    ("Ventilator me këmbë 40cm", "other", False, NAN, 1),
    ("Extractor fan 100mm bathroom", "other", False, NAN, 1),
    ("Ventilator", "other", False, NAN, 1),
    # timers: households buy them too
    ("Timer mekanik", "timer", False, NAN, 1),
    ("Timer dixhital", "timer", False, NAN, 1),
    ("Prizë me timer", "timer", False, NAN, 1),
    ("Kohëmatës mekanik", "timer", False, NAN, 1),
    ("Digital timer 16A x2", "timer", False, NAN, 2),
    ("Tajmer ditor", "timer", False, NAN, 1),
    ("Timmer dixhital", "timer", False, NAN, 1),
    # tents
    ("Tendë rritje 120x120", "grow_tent", True, NAN, 1),
    ("Grow tent 100x100x200", "grow_tent", True, NAN, 1),
    ("Tendë rritjeje 80x80x160", "grow_tent", True, NAN, 1),
    ("Growbox 60x60x140", "grow_tent", True, NAN, 1),
    ("Homebox Ambient Q120", "grow_tent", True, NAN, 1),
    ("Secret Jardin DR120", "grow_tent", True, NAN, 1),
    ("Çadër rritje 80x80", "grow_tent", True, NAN, 1),
    ("Tendë 120x120x200", "grow_tent", True, NAN, 1),
    ("Tendë kampingu 4 vetë", "other", False, NAN, 1),
    ("Tendë dielli për ballkon", "other", False, NAN, 1),
    # hydroponics and growing media
    ("Pompë uji hidroponike", "hydroponics", True, NAN, 1),
    ("Sistem hidroponik DWC 4 vazo", "hydroponics", True, NAN, 1),
    ("Hidroponk sistem NFT", "hydroponics", True, NAN, 1),
    ("Substrat kokosi 50L", "hydroponics", True, NAN, 1),
    ("pH metër dixhital", "hydroponics", True, NAN, 1),
    ("EC metër", "hydroponics", True, NAN, 1),
    ("pH Down 1L", "hydroponics", True, NAN, 1),
    ("Tretësirë pH 7.0 kalibrimi", "hydroponics", True, NAN, 1),
    ("Canna Terra Vega 1L", "hydroponics", True, NAN, 1),
    ("BioBizz Bio-Bloom 1L", "hydroponics", True, NAN, 1),
    ("Advanced Nutrients pH Perfect Grow 1L", "hydroponics", True, NAN, 1),
    ("Lesh guri (rockwool) 10 kubikë", "hydroponics", True, NAN, 1),
    ("Argjilë e zgjeruar 10L", "hydroponics", True, NAN, 1),
    ("Pleh NPK 1L", "hydroponics", False, NAN, 1),
    ("Plehra për lule 1kg", "hydroponics", False, NAN, 1),
    ("pH metër për pishinë", "other", False, NAN, 1),
    # other grow kit
    ("Gjenerator CO2", "grow_misc", True, NAN, 1),
    ("Rrjetë SCROG 120x120", "grow_misc", True, NAN, 1),
    ("Rrjetë tharjeje 6 kate", "grow_misc", True, NAN, 1),
    ("Mylar reflektues 10m", "grow_misc", True, NAN, 1),
    ("Yo-Yo varëse bimësh", "grow_misc", True, NAN, 1),
    ("Vazo pëlhure 25L", "grow_misc", True, NAN, 1),
    ("Torfë 50L", "grow_misc", False, NAN, 1),
    ("Propagator me ngrohje", "grow_misc", False, NAN, 1),
    ("Fikëse zjarri CO2 5kg", "other", False, NAN, 1),
    # aquarium and terrarium
    ("Aquarium LED 30cm", "aquarium_light", False, NAN, 1),
    ("Llambë LED për akuarium 10W", "aquarium_light", False, 10, 1),
    ("Ndriçim akuariumi 60cm 14W", "aquarium_light", False, 14, 1),
    ("HQI aquarium 150W", "aquarium_light", False, 150, 1),
    ("Llambë UVB për terrarium 26W", "aquarium_light", False, 26, 1),
    ("Filtër akuariumi", "other", False, NAN, 1),
    ("Pompë ajri akuariumi", "other", False, NAN, 1),
    # ordinary lighting
    ("Llambë LED E27 9W", "ordinary_lighting", False, 9, 1),
    ("Llambe LED E14 5W", "ordinary_lighting", False, 5, 1),
    ("LED bulb E27 11W", "ordinary_lighting", False, 11, 1),
    ("Spot LED GU10 6W", "ordinary_lighting", False, 6, 1),
    ("Neon LED T8 18W", "ordinary_lighting", False, 18, 1),
    ("Tub LED T8 120cm 18W", "ordinary_lighting", False, 18, 1),
    ("LED panel 60x60 40W", "ordinary_lighting", False, 40, 1),
    ("Panel LED 600x600 48W 4000K", "ordinary_lighting", False, 48, 1),
    ("Projektor LED 50W", "ordinary_lighting", False, 50, 1),
    ("Projektor halogjen 500W R7s", "ordinary_lighting", False, 500, 1),
    ("Llambë halogjene 50W", "ordinary_lighting", False, 50, 1),
    ("Halogen G9 40W", "ordinary_lighting", False, 40, 1),
    ("Llambë kursyese 20W", "ordinary_lighting", False, 20, 1),
    ("Llambë kursyese E27 23W (ekuivalent 100W)", "ordinary_lighting", False, 23, 1),
    ("LED 9W = 60W", "ordinary_lighting", False, 9, 1),
    ("Plafonierë LED 24W", "ordinary_lighting", False, 24, 1),
    ("Shirit LED 5m", "ordinary_lighting", False, NAN, 1),
    ("Shirit LED RGB 5m 12V 24W", "ordinary_lighting", False, 24, 1),
    ("Ndriçues rrugor LED 100W", "ordinary_lighting", False, 100, 1),
    ("Llambadar kuzhine", "ordinary_lighting", False, NAN, 1),
    ("Llambë LED E40 100W", "ordinary_lighting", False, 100, 1),
    ("Neon 2x36W", "ordinary_lighting", False, 36, 2),
    ("Llambë LED A60 E27 9W 806lm 2 copë", "ordinary_lighting", False, 9, 2),
    ("LED 10W", "ordinary_lighting", False, 10, 1),
    ("Dritë emergjence LED", "ordinary_lighting", False, NAN, 1),
    ("Philips LED 13W E27", "ordinary_lighting", False, 13, 1),
    ("Osram Parathom 8W GU10", "ordinary_lighting", False, 8, 1),
    ("Llamba led 1,5kW stadium", "ordinary_lighting", False, 1500, 1),
    ("Set 10 llamba LED E27", "ordinary_lighting", False, NAN, 10),
    ("Tub fluoreshent 58W", "ordinary_lighting", False, 58, 1),
    ("Llambë inkandeshente 100W", "ordinary_lighting", False, 100, 1),
    # look like grow kit, are not
    ("Tendë për dritare", "other", False, NAN, 1),
    ("Tendë 80x80", "other", False, NAN, 1),
    ("Tharëse flokësh 2000W", "other", False, NAN, 1),
    ("Reflektor për magazinë 400W metal halide", "ordinary_lighting", False, 400, 1),
    ("Ndriçues industrial 400W HPS", "ordinary_lighting", False, 400, 1),
    ("Llambë natriumi 400W për fushë sportive", "ordinary_lighting", False, 400, 1),
    ("Natrium klorur 1kg", "other", False, NAN, 1),
    ("Bikarbonat natriumi", "other", False, NAN, 1),
    ("Pompë me presion të lartë 2000W", "other", False, NAN, 1),
    ("Metal halide lamp holder E40", "other", False, NAN, 1),
    ("Aspirator dritare 150mm", "other", False, NAN, 1),
    ("Ventilator 12V 120mm kompjuteri", "other", False, NAN, 1),
    ("LED strip grow 5m", "seedling_light", False, NAN, 1),
    ("Llambë tavoline me USB", "ordinary_lighting", False, NAN, 1),
    ("Pompë akuariumi 3W", "other", False, NAN, 1),
    ("Llambë IR 250W E27 për pula", "ordinary_lighting", False, 250, 1),
    ("Llambë kampingu LED", "ordinary_lighting", False, NAN, 1),
    ("Serë plastike ballkoni", "other", False, NAN, 1),
    ("Tharëse bimësh", "grow_misc", True, NAN, 1),
    ("Homebox 80x80", "grow_tent", True, NAN, 1),
    # other goods
    ("Kabëll 3x2.5mm 10m", "other", False, NAN, 1),
    ("Çelës drite", "other", False, NAN, 1),
    ("Prizë", "other", False, NAN, 1),
    ("Zgjatues 5 priza", "other", False, NAN, 1),
    ("Bateri AA 4 copë", "other", False, NAN, 4),
    ("Shirit izolues", "other", False, NAN, 1),
    ("Siguresë automatike 16A", "other", False, NAN, 1),
    ("Kuti kartoni", "other", False, NAN, 1),
    ("", "other", False, NAN, 1),
]


def _same(a: ProductClass, b: ProductClass) -> bool:
    return (a.kind, a.grow_specific, a.units_per_item, a.matched) == (b.kind, b.grow_specific, b.units_per_item,
                                                                      b.matched) \
        and (a.watts == b.watts or (math.isnan(a.watts) and math.isnan(b.watts)))


def _plain(text: str) -> str:
    return text.translate(str.maketrans("ëËçÇ", "eEcC"))


@pytest.mark.parametrize("text, kind, grow, watts, units", TABLE, ids=[row[0] or "<blank>" for row in TABLE])
def test_table(text, kind, grow, watts, units):
    got = classify_product(text)
    assert (got.kind, got.grow_specific, got.units_per_item) == (kind, grow, units), got
    assert got.watts == pytest.approx(watts, nan_ok=True), got
    assert got.kind in KINDS


def test_table_is_large_and_covers_every_kind():
    assert len(TABLE) >= 150
    assert {row[1] for row in TABLE} == set(KINDS)


@pytest.mark.parametrize("text", [row[0] for row in TABLE if row[0]])
def test_case_and_diacritics_do_not_matter(text):
    base = classify_product(text)
    for variant in (text.upper(), text.lower(), _plain(text), _plain(text).upper(), f"  {text}  "):
        assert _same(classify_product(variant), base), variant


def test_a_deciding_term_is_named_for_every_grow_item():
    for text, *_ in TABLE:
        got = classify_product(text)
        assert got.matched or got.kind == "other", text


@pytest.mark.parametrize("written", ["600W", "600 W", "600w", "0.6kW", "0,6 kW", "600 Watt", "600 watts", "600-watt",
                                     "600 vat", "0.6 kilowatt"])
def test_units_glued_or_spaced_give_the_same_watts(written):
    assert classify_product(f"Llambë HPS {written}").watts == 600


@pytest.mark.parametrize("text", ["LED panel 60x60 40W 230V", "LED panel 40W 600mm", "LED panel 40 W 60 cm 5m 12V"])
def test_lengths_and_volts_are_not_watts(text):
    assert classify_product(text).watts == 40


def test_model_codes_are_not_watts_and_non_lighting_has_none():
    assert math.isnan(classify_product("Sanlight Q4W").watts)
    assert math.isnan(classify_product("Ventilator inline 150mm 35W").watts)
    assert math.isnan(classify_product("Reflektor për HPS 600W").watts)


@given(st.integers(1, 3000), st.sampled_from(["HPS", "Llambë natriumi", "LED grow panel", "Ballast elektronik"]))
@settings(max_examples=150, deadline=None)
def test_any_written_wattage_is_read_back(w, name):
    assert classify_product(f"{name} {w}W").watts == w
    assert classify_product(f"{name} {w / 1000:g} kW").watts == pytest.approx(w)


@given(st.integers(1, 50), st.integers(100, 1200))
@settings(max_examples=100, deadline=None)
def test_pack_forms_agree(n, w):
    for text in (f"{n}x{w}W HPS", f"HPS {w}W x{n}", f"HPS {w}W {n} copë", f"Set {n} x {w}W HPS", f"HPS {w}W set {n}"):
        got = classify_product(text)
        assert (got.units_per_item, got.watts) == (n, w), text


# --- properties over any text -----------------------------------------------------------------------------------------

_WORDS = sorted({w for row in TABLE for w in row[0].split()})


@st.composite
def receipt_like(draw):
    """Words of real receipts mixed with arbitrary text and numbers."""
    parts = draw(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6),
                                    st.integers(0, 10**7).map(str), st.sampled_from(["x", "W", "kW", "-", "(", ")"])),
                          max_size=8))
    return " ".join(parts)


@given(st.one_of(st.text(), receipt_like()))
@settings(max_examples=600, deadline=None)
def test_any_text_gives_a_valid_class_and_folding_changes_nothing(text):
    got = classify_product(text)
    assert got.kind in KINDS
    assert math.isnan(got.watts) or got.watts > 0
    assert got.units_per_item >= 1
    assert fold(fold(text)) == fold(text)
    assert _same(classify_product(fold(text)), got)


# --- reference twins --------------------------------------------------------------------------------------------------

def _osa_reference(a: str, b: str) -> int:
    @lru_cache(maxsize=None)
    def d(i: int, j: int) -> int:
        if not i or not j:
            return i + j
        best = min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            best = min(best, d(i - 2, j - 2) + 1)
        return best
    return d(len(a), len(b))


@given(st.text("abcn", max_size=8), st.text("abcn", max_size=8), st.integers(0, 3))
@settings(max_examples=400, deadline=None)
def test_osa_distance_matches_the_recursive_definition(a, b, limit):
    ref = _osa_reference(a, b)
    got = osa_distance(a, b, limit)
    assert got == ref if ref <= limit else got > limit


def _nearest_reference(word: str) -> str | None:
    if len(word) < 4 or word in NOT_TERMS:
        return None
    limit = 1 if len(word) <= 8 else 2
    scored = []
    for s in SPELLINGS:
        if len(s) < 4 or not s.isalpha() or s[0] != word[0]:
            continue
        d = _osa_reference(word, s)
        if len(word) == 4 and not (len(s) == 4 and sorted(s) == sorted(word)):
            continue
        if d <= limit:
            scored.append((d, abs(len(s) - len(word)), s))
    if not scored:
        return None
    best = min(scored)[:2]
    tied = sorted(s for d, dl, s in scored if (d, dl) == best)
    return tied[0] if len({SPELLINGS[s] for s in tied}) == 1 else None


_TYPO_WORDS = ["natrjumi", "ballst", "reflekor", "ventilatr", "hidroponk", "filtr", "quantom", "spektrun", "timmer",
               "natrimu", "karbn", "aspiratro", "grwo", "lmap", "halogjne", "tendee", "fidanne", "akuarim", "zzzzz",
               "sodiun", "panell", "ballastt", "kartoni", "metall", "plante", "kanali"]


@pytest.mark.parametrize("word", _TYPO_WORDS)
def test_nearest_spelling_matches_brute_force(word):
    assert nearest_spelling(word) == _nearest_reference(word)


@given(st.sampled_from(sorted(s for s in SPELLINGS if len(s) >= 5 and s.isalpha())), st.integers(0, 50),
       st.sampled_from("abcdeijklmnoprstuvz"))
@settings(max_examples=200, deadline=None)
def test_nearest_spelling_matches_brute_force_on_random_typos(spelling, pos, letter):
    i = 1 + pos % (len(spelling) - 1)  # keep the first letter, as the search does
    for word in (spelling[:i] + letter + spelling[i + 1:], spelling[:i] + spelling[i + 1:],
                 spelling[:i] + letter + spelling[i:]):
        assert nearest_spelling(word) == _nearest_reference(word)


def test_column_gathering_matches_row_by_row():
    rng = np.random.default_rng(3)
    pool = [row[0] for row in TABLE] + [None, "Ballast elektronik 600W", "HPS 600W"]
    column = [pool[i] for i in rng.integers(len(pool), size=700)]
    cols = classify_column(column)
    for i, text in enumerate(column):
        one = classify_product(text)
        assert (cols.kind[i], bool(cols.grow_specific[i]), int(cols.units_per_item[i]), cols.matched[i]) == \
            (one.kind, one.grow_specific, one.units_per_item, one.matched)
        assert cols.watts[i] == pytest.approx(one.watts, nan_ok=True)
    assert len(classify_column([]).kind) == 0


def test_cached_batch_matches_uncached():
    texts = [row[0] for row in TABLE]
    for text, got in zip(texts, classify_products(texts)):
        assert _same(got, _classify(text))


def _grow_kw_reference(kind, grow, watts, qty, units, default):
    out = []
    for k, g, w, q, u in zip(kind, grow, watts, qty, units):
        if k in GROW_LAMP_KINDS and g:
            w = default[k] if math.isnan(w) else w
            out.append(w * q * u / 1000.0)
        else:
            out.append(0.0)
    return np.array(out)


def test_grow_kw_matches_a_loop():
    rng = np.random.default_rng(5)
    n = 500
    kind = rng.choice(list(KINDS), n)
    grow = rng.random(n) < 0.7
    watts = np.where(rng.random(n) < 0.3, np.nan, rng.choice([45.0, 150.0, 400.0, 600.0, 1000.0], n))
    qty = rng.integers(1, 30, n)
    units = rng.integers(1, 5, n)
    default = {"hps_lamp": 600.0, "metal_halide_lamp": 400.0, "led_grow_light": 250.0}
    got = grow_kw(kind, grow, watts, qty, units, default)
    np.testing.assert_allclose(got, _grow_kw_reference(kind, grow, watts, qty, units, default))


def test_grow_kw_of_a_real_purchase():
    cols = classify_column(["Llambë natriumi 600W", "Ballast elektronik 600W", "Llambë LED E27 9W",
                            "2x Llambë HPS 600W", "Mini LED grow 45W për erëza"])
    kw = grow_kw(cols.kind, cols.grow_specific, cols.watts, np.array([8, 8, 20, 3, 1]), cols.units_per_item)
    np.testing.assert_allclose(kw, [4.8, 0.0, 0.0, 3.6, 0.0])


# --- the term tables themselves ---------------------------------------------------------------------------------------

def test_every_spelling_is_one_folded_word_of_one_term():
    seen: dict[str, str] = {}
    for canon, spellings in CANONICAL.items():
        for s in (canon, *spellings):
            assert s == fold(s) and s.isalpha() and s.isascii(), s
            assert seen.setdefault(s, canon) == canon, f"{s} spells both {seen[s]} and {canon}"
    for word, terms in COMPOUNDS.items():
        assert word not in seen and all(t in CANONICAL for t in terms.split()), word


def test_patterns_use_folded_text_only():
    def literal(pattern: str) -> str:  # "\S", "\b": regex escapes, not text
        return re.sub(r"\\.", "", pattern)

    patterns = [p for p, _ in PHRASES] + [r for _, r in PHRASES] + [p for rules in CONCEPTS.values() for _, p in rules]
    for pattern in patterns:
        assert literal(pattern) == fold(literal(pattern)) and pattern.isascii(), pattern


def test_canonical_terms_split_units_and_keep_codes():
    assert canonical_terms("Llambë natriumi 2x600W") == ["lamp", "sodium", "2", "x", "600", "w"]
    assert canonical_terms("LED E27 LM301B SF-2000 IP65 Q4W") == ["led", "e27", "lm301b", "sf2000", "ip65", "q4w"]
    assert lamp_watts(canonical_terms("SON-T600W")) == 600
    assert pack_size(canonical_terms("Tendë 120x120x200")) == 1


def test_simulator_catalogue_reads_as_its_kind():
    from wattwatch.sim.products import GROW, HOBBY, ORDINARY

    lamp_kind = {"hps": "hps_lamp", "mh": "metal_halide_lamp", "led_grow": "led_grow_light"}
    for key, kind in lamp_kind.items():
        for name in GROW[key].names:
            for w in GROW[key].watts:
                got = classify_product(name.format(w=w))
                assert (got.kind, got.grow_specific, got.watts) == (kind, True, w), name
    for name in ORDINARY.names + HOBBY.names:
        assert not classify_product(name).grow_specific, name
