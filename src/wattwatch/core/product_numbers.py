"""Numbers on a receipt line, read from its canonical terms: lamp watts per unit, pack size, duct diameter and the
watts a known model draws."""

from __future__ import annotations

import math
import re

from wattwatch.core.product_terms import GAVITA_LED_WATTS, MODEL_WATTS

_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:[.,][0-9]{3})+")
_MODEL_PREFIXES = frozenset({"ts", "tsw", "tsl", "sf", "sp"})
# a number before one of these is a measure, not a pack size
_MEASURES = frozenset({"w", "kw", "mm", "cm", "m", "inch", '"', "v", "l", "ml", "kg", "g", "a", "ah", "lm", "k", "h",
                       "hz", "lt", "litra", "liter", "metra", "meter", "x"})
_PACK_WORDS = frozenset({"set", "pcs"})
_PACK_LINKS = frozenset({"with", "of", "nga", "prej", "x", "-", "/", ":", "per", "po"})
_EQUIVALENT_MARKS = frozenset({"equivalent", "=", "~"})
_MAX_LAMP_WATTS = 20_000.0
_MAX_PACK = 1000
_BARE_WATTS = (150.0, 2000.0)
_DUCT_MM = (50.0, 400.0)
_INCH_MM = 25.4


def is_number(term: str) -> bool:
    return _NUMBER.fullmatch(term) is not None


def number(term: str, thousands: bool = False) -> float:
    """A receipt number: "0.6" -> 0.6, "1,5" -> 1.5; with thousands, "1.000" -> 1000 (a thousands separator)."""
    if thousands and _THOUSANDS.fullmatch(term):
        return float(re.sub(r"[.,]", "", term))
    head, _, tail = term.replace(",", ".").partition(".")
    return float(f"{head}.{tail.replace('.', '')}" if tail else head)


def _unit_after(terms: list[str], i: int) -> tuple[str | None, int]:
    """The unit term following the number at i (a hyphen may sit between: "600-watt"), and its index."""
    j = i + 1
    if j < len(terms) and terms[j] == "-":
        j += 1
    return (terms[j], j) if j < len(terms) else (None, j)


def lamp_watts(terms: list[str]) -> float:
    """Watts per unit written in the text (W or kW), NaN if none. "Equivalent" figures ("9W = 60W", "ekuivalent
    100W") and bracketed ones next to a plain figure are not the draw; a figure marked real/actual wins; otherwise
    the largest ("Ballast 400W-600W" drives up to 600 W)."""
    plain: list[float] = []
    bracketed: list[float] = []
    depth = 0
    for i, term in enumerate(terms):
        if term in ("(", "["):
            depth += 1
        elif term in (")", "]") and depth:
            depth -= 1
        unit, _ = _unit_after(terms, i)
        if unit not in ("w", "kw") or not is_number(term):
            continue
        value = number(term, thousands=unit == "w") * (1000.0 if unit == "kw" else 1.0)
        before = terms[max(0, i - 3):i]
        if not 0.0 < value <= _MAX_LAMP_WATTS or _EQUIVALENT_MARKS.intersection(before):
            continue
        if "actual" in before:
            return value
        (bracketed if depth else plain).append(value)
    found = plain or bracketed
    return max(found) if found else math.nan


def has_bare_wattage(terms: list[str]) -> bool:
    """A lamp-sized number with no unit, as in "Natriumi 600": no measure after it and no size around it."""
    for i, term in enumerate(terms):
        if not is_number(term) or not _BARE_WATTS[0] <= number(term) <= _BARE_WATTS[1]:
            continue
        after = terms[i + 1] if i + 1 < len(terms) else ""
        if after not in _MEASURES and not (i and terms[i - 1] == "x") and after not in _PACK_WORDS:
            return True
    return False


def pack_size(terms: list[str]) -> int:
    """Units in one sold item: "2x600W", "set 4", "set me 4", "2 copë", "6-pack", "x2", "2x Lumatek"; 1 if none."""
    n = len(terms)
    for i in range(n - 2):  # N x W watt
        if is_number(terms[i]) and terms[i + 1] == "x" and is_number(terms[i + 2]) \
                and _unit_after(terms, i + 2)[0] in ("w", "kw"):
            return _pack(terms[i])
    for i, term in enumerate(terms):
        if not is_number(term):
            continue
        prev = terms[i - 1] if i else ""
        prev2 = terms[i - 2] if i > 1 else ""
        after = terms[i + 1] if i + 1 < n else ""
        after2 = terms[i + 2] if i + 2 < n else ""
        named_before = prev in _PACK_WORDS or (prev in _PACK_LINKS and prev2 in _PACK_WORDS)
        if named_before and (after not in _MEASURES or after == "x"):
            return _pack(term)
        if after in _PACK_WORDS or (after == "-" and after2 in _PACK_WORDS):
            return _pack(term)
        if prev == "x" and not is_number(prev2) and prev2 not in _PACK_WORDS and after not in _MEASURES \
                and not is_number(after):
            return _pack(term)
        if after == "x" and after2 and after2.isalpha() and not is_number(prev) and prev not in _PACK_LINKS:
            return _pack(term)
    return 1


def _pack(term: str) -> int:
    value = number(term)
    return int(value) if value.is_integer() and 1 <= value <= _MAX_PACK else 1


def duct_mm(terms: list[str]) -> float:
    """The largest duct diameter in mm written in the text ("150mm", "6 inch", '6"'), NaN if none."""
    found = []
    for i, term in enumerate(terms):
        unit, _ = _unit_after(terms, i)
        if is_number(term) and unit in ("mm", "inch", '"'):
            mm = number(term) * (1.0 if unit == "mm" else _INCH_MM)
            if _DUCT_MM[0] <= mm <= _DUCT_MM[1]:
                found.append(mm)
    return max(found) if found else math.nan


def model_watts(terms: list[str]) -> float:
    """Watts a known fixture draws when its name gives none: "Mars Hydro TS1000" draws 150 W, "Spider Farmer SF-2000"
    200 W, "Gavita Pro 1000e" 1000 W; NaN if no known model is named."""
    for i, term in enumerate(terms):
        if term in MODEL_WATTS:
            return MODEL_WATTS[term]
        if term in _MODEL_PREFIXES:
            rest = [t for t in terms[i + 1:i + 3] if t != "-"][:1]
            if rest and term + rest[0] in MODEL_WATTS:
                return MODEL_WATTS[term + rest[0]]
        if term == "gavita":
            for follow in terms[i + 1:i + 3]:
                if re.fullmatch(r"[0-9]{3,4}", follow):
                    return GAVITA_LED_WATTS.get(int(follow), float(follow)) if "led" in terms \
                        else float(follow)
    return math.nan
