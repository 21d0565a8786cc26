"""How people and shop clerks write the same name, address and phone number differently."""

from __future__ import annotations

import re

import numpy as np

from .names import CITY_SPELLINGS

_PLAIN = str.maketrans("ëËçÇ", "eEcC")


def plain(text: str) -> str:
    """Albanian text typed without diacritics (ë -> e, ç -> c), the most common variant."""
    return text.translate(_PLAIN)


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def name_variant(rng: np.random.Generator, name: str) -> str:
    """One clerk's spelling of "First Last": diacritics, case, Xh/X, typos, initials, swapped order."""
    first, last = name.split(" ", 1)
    u = rng.random(8)
    if u[0] < 0.5:
        first, last = plain(first), plain(last)
    if u[1] < 0.15:
        first, last = first.replace("Xh", "X").replace("xh", "x"), last.replace("Xh", "X").replace("xh", "x")
    if u[2] < 0.12:
        first = _typo(rng, first)
    if u[3] < 0.12:
        last = _typo(rng, last)
    if u[4] < 0.12:
        first = first[0] + "."
    out = f"{last} {first}" if u[5] < 0.2 else f"{first} {last}"
    if u[6] < 0.15:
        out = out.upper()
    elif u[6] < 0.22:
        out = out.lower()
    return out


def address_variant(rng: np.random.Generator, address: str, city: str) -> str:
    """"Rruga e Durrësit, Nr. 12" + city as a clerk might write it: Rr./Rruga, Nr./No., city spellings."""
    u = rng.random(6)
    out = address
    if u[0] < 0.5:
        out = out.replace("Rruga ", "Rr. " if u[1] < 0.7 else "rr.")
    if u[2] < 0.3:
        out = out.replace("Nr. ", "No. " if u[1] < 0.5 else "nr ")
    elif u[2] < 0.45:
        out = out.replace(", Nr. ", " ")
    if u[3] < 0.5:
        out = plain(out)
    if u[4] < 0.75:
        out = f"{out}, {CITY_SPELLINGS[city][int(rng.integers(len(CITY_SPELLINGS[city])))]}"
    if u[5] < 0.1:
        out = out.upper()
    return out


def phone_variant(rng: np.random.Generator, phone: str) -> str:
    """'+355 69 123 4567' as '069 123 4567', '+355691234567', '069-123-4567', '00355 69 1234567', ..."""
    digits = re.sub(r"\D", "", phone)[3:]  # national significant number, e.g. 691234567
    a, b, c = digits[:2], digits[2:5], digits[5:]
    forms = (
        f"+355 {a} {b} {c}", f"0{a} {b} {c}", f"+355{digits}", f"0{digits}", f"0{a}-{b}-{c}",
        f"00355 {a} {b}{c}", f"({a}) {b} {c}", f"+355-{a}-{b}-{c}",
    )
    return forms[int(rng.integers(len(forms)))]
