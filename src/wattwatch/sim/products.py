"""What lighting and hydroponics shops sell, as it is written on receipts (Albanian/English, with or without
diacritics), and what each item means for a grow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .variants import plain


@dataclass(frozen=True)
class Product:
    kind: str  # hps | mh | led_grow | ballast | reflector | filter | fan | timer | tent | ordinary | hobby
    names: tuple[str, ...]  # receipt texts; "{w}" is the lamp wattage
    watts: tuple[int, ...] = ()  # wattages the product comes in (lamps only)


GROW = {
    "hps": Product("hps", ("Llambë natriumi {w}W", "HPS {w}W Philips GreenPower", "Sodium lamp HPS {w}W",
                           "Llamba HPS {w}w", "Llambë sodium {w} W", "Osram Plantastar {w}W", "SON-T {w}W",
                           "Llambe natriumi me presion te larte {w}W"), (400, 600, 1000)),
    "mh": Product("mh", ("Metal halide {w}W", "Llambë metal halide {w}W", "MH {w}W rritje"), (400, 600)),
    "led_grow": Product("led_grow", ("LED grow panel {w}W full spectrum", "Panel LED rritje {w}W",
                                     "LED grow bar {w}W", "Quantum board {w}W", "Llambë LED për bimë {w}W",
                                     "LED full spektër {w}W", "Samsung LM301 grow light {w}W"),
                        (240, 320, 480, 600, 720)),
    "ballast": Product("ballast", ("Ballast elektronik {w}W", "Balast elektronik {w}w", "Electronic ballast {w}W "
                                   "dimmable", "Ballast magnetik {w}W"), (400, 600, 1000)),
    "reflector": Product("reflector", ("Reflektor alumini", "Reflector hood", "Reflektor Cool Tube 150mm",
                                       "Reflektor parabolik")),
    "filter": Product("filter", ("Filtër karboni 150mm", "Filter karboni 125mm", "Carbon filter 200mm",
                                 "Filtër qymyri 150mm")),
    "fan": Product("fan", ("Ventilator inline 200mm", "Ventilator kanali 150mm", "Inline fan 125mm",
                           "Aspirator inline 250mm")),
    "timer": Product("timer", ("Timer mekanik", "Timer dixhital", "Digital timer", "Kohëmatës mekanik")),
    "tent": Product("tent", ("Tendë rritje 120x120", "Grow tent 100x100x200", "Pompë uji hidroponike",
                             "Substrat kokosi 50L", "Pleh NPK 1L")),
}
ORDINARY = Product("ordinary", (
    "Llambë LED E27 9W", "Llambe LED E14 5W", "Llambë LED 12W dritë e ngrohtë", "Neon LED T8 18W",
    "Projektor LED 50W", "Llambë kursyese 20W", "Plafonierë LED 24W", "Shirit LED 5m", "LED panel 60x60 40W",
    "Llambë halogjene 50W", "Prizë me timer", "Kabëll 3x2.5mm 10m", "Çelës drite", "Llambadar kuzhine",
    "LED bulb E27 11W", "Spot LED GU10 6W", "Ndriçues rrugor LED 100W"))
HOBBY = Product("hobby", ("Aquarium LED 30cm", "Seedling T5 24W", "Llambë LED për akuarium 10W",
                          "Ventilator banjo 100mm", "Mini LED grow 45W për erëza", "Timer prize"))


def receipt_text(rng: np.random.Generator, product: Product, watts: int | None = None) -> str:
    text = product.names[int(rng.integers(len(product.names)))]
    if "{w}" in text:
        text = text.format(w=watts)
    if rng.random() < 0.4:
        text = plain(text)
    if rng.random() < 0.1:
        text = text.upper()
    return text
