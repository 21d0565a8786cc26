"""Receipt text to canonical terms: fold case and diacritics, split units off numbers, keep model codes whole, and
map each word (its spelling, an inflection of it, or a typo of it) to one canonical term of the term tables."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wattwatch.core.product_terms import CANONICAL, COMPOUNDS, NOT_TERMS, PHRASES, SUFFIXES

# letters NFKD leaves alone; "×" and "*" mean "times" in "2×600W" and "2*600W"
_FOLD_EXTRA = str.maketrans({"ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "×": "x"})
_FOLD_ROUNDS = 8

SPELLINGS: dict[str, str] = {s: canon for canon, spellings in CANONICAL.items() for s in (canon, *spellings)}
SPELLINGS.update(COMPOUNDS)

_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)
_TIMES = re.compile(r"(?<=[0-9])\s*\*\s*(?=[0-9])")
_PIECE = re.compile(r"[a-z]+|[0-9]+(?:[.,][0-9]+)*|\S")
# typo candidates, by first letter: receipt typos rarely hit the first letter, and that keeps the search small
_MIN_FUZZY_LEN = 4
_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _s in sorted(SPELLINGS):
    if len(_s) >= _MIN_FUZZY_LEN and _s.isalpha():
        _BY_INITIAL[_s[0]] = (*_BY_INITIAL.get(_s[0], ()), _s)


def fold(text: str) -> str:
    """Lower case without diacritics (Tiranë -> tirane, Çelës -> celes); idempotent: fold(fold(s)) == fold(s)."""
    out = text
    for _ in range(_FOLD_ROUNDS):
        step = unicodedata.normalize("NFKD", out)
        step = "".join(ch for ch in step if not unicodedata.combining(ch)).casefold().translate(_FOLD_EXTRA)
        if step == out:
            break
        out = step
    return out


def osa_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; any value > limit once it exceeds it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def nearest_spelling(word: str) -> str | None:
    """The known spelling one typo away (two for words of 9+ letters; a swap only for 4-letter words), or None when
    there is none or when spellings of different terms are equally near."""
    if len(word) < _MIN_FUZZY_LEN or word in NOT_TERMS:
        return None
    limit = 1 if len(word) <= 8 else 2
    best: list[tuple[int, int, str]] = []
    for spelling in _BY_INITIAL.get(word[0], ()):
        d = osa_distance(word, spelling, limit)
        is_swap = len(spelling) == len(word) and sorted(spelling) == sorted(word)
        swap_only = len(word) == _MIN_FUZZY_LEN and not is_swap
        if d <= limit and not swap_only:
            best.append((d, abs(len(spelling) - len(word)), spelling))
    if not best:
        return None
    best.sort()
    top = [s for d, dl, s in best if (d, dl) == best[0][:2]]
    return top[0] if len({SPELLINGS[s] for s in top}) == 1 else None


@lru_cache(maxsize=1 << 17)
def canonical_word(word: str) -> str:
    """The canonical term(s) a folded word stands for, space separated; the word itself when it is none."""
    if word in NOT_TERMS:
        return word
    if word in SPELLINGS:
        return SPELLINGS[word]
    for suffix in SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= _MIN_FUZZY_LEN and stem in SPELLINGS:
            return SPELLINGS[stem]
    near = nearest_spelling(word)
    return SPELLINGS[near] if near else word


def _is_code_prefix(word: str) -> bool:
    """Up to three letters that are no term ("e", "gu", "lm", "ts", "sf", "ip", "co"): glued to digits they make a
    model or socket code (E27, LM301B, TS1000, SF-2000, IP65, CO2), never a number with a unit."""
    return word.isalpha() and len(word) <= 3 and word != "x" and word not in SPELLINGS and canonical_word(word) == word


def _pieces(text: str) -> list[str]:
    found = [(m.group(), m.start(), m.end()) for m in _PIECE.finditer(text)]
    out: list[str] = []
    i = 0
    while i < len(found):
        word, _, end = found[i]
        j = i + 1
        if _is_code_prefix(word) and j < len(found):
            if found[j][0] == "-" and found[j][1] == end and j + 1 < len(found) and found[j + 1][1] == end + 1:
                j += 1
            if found[j][1] == found[j - 1][2] and found[j][0][0].isdigit():
                code, end, j = word + found[j][0], found[j][2], j + 1
                if j < len(found) and found[j][1] == end and len(found[j][0]) == 1 and found[j][0].isalpha():
                    code, j = code + found[j][0], j + 1
                out.append(code)
                i = j
                continue
        out.append(word)
        i += 1
    return out


def canonical_terms(text: str) -> list[str]:
    """Receipt text as canonical terms, numbers and codes: "Llambë natriumi 2x600W" -> lamp sodium 2 x 600 w."""
    folded = fold(text)
    for pattern, replacement in _PHRASES:
        folded = pattern.sub(replacement, folded)
    folded = _TIMES.sub(" x ", folded)
    out: list[str] = []
    for piece in _pieces(folded):
        out.extend(canonical_word(piece).split() if piece.isalpha() else (piece,))
    return out
