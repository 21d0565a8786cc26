"""Names, Albanian addresses and phone numbers reduced to comparable keys.

Shop clerks and the utility's register write the same person and place in many ways: with or without diacritics,
in capitals, "Rr." for "Rruga", "Nr."/"No." or nothing before the house number, the city in its definite form
(Tirana for Tiranë) or not at all, phones with or without the +355 prefix. These pure functions fold such spelling
variants onto one key and keep every difference that can tell two people or places apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Spelling variants that really occur when Albanian is typed without its letters or by foreigners: "xh" typed as
# "x" (Xhafa/Xafa) and "ç" typed as "ch" (Çela/Chela; "ç" itself already folds to "c"). Digraphs such as "sh", "gj",
# "zh", "th", "dh", "ll", "rr" are distinct letters in names (Shala vs Sala) and are left alone.
_DIGRAPH_FOLDS = (("xh", "x"), ("ch", "c"))

# Words that name a legal form or are filler, not the person or firm: "Shoqëria Sula shpk" is the firm "sula".
_NAME_FILLER = frozenset({"shpk", "sha", "shoqeria", "firma", "ndermarrja", "z", "znj", "zj", "dr"})


def fold(text: str | None) -> str:
    """Casefolded, diacritics stripped (ë -> e, ç -> c), punctuation as single spaces; '' for None."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", plain).strip()


def _fold_digraphs(token: str) -> str:
    for variant, folded in _DIGRAPH_FOLDS:
        token = token.replace(variant, folded)
    return token


@dataclass(frozen=True)
class NameKey:
    """A personal or firm name as comparable parts; all empty when the name is blank."""

    tokens: tuple[str, ...]  # folded words, sorted, initials included ("a", "hoxha")
    full: str  # the sorted words joined: word order does not matter ("Hoxha Arben" == "Arben Hoxha")
    long: tuple[str, ...]  # sorted words of two or more letters
    initials: str  # first letters of every word, sorted: "A. Hoxha" and "Arben Hoxha" both give "ah"
    has_initial: bool  # some word was written as an initial only
    variants: tuple[str, ...]  # `full` and its forms with one word cut to its initial: blocking keys for "A. Hoxha"
    prefix: str  # first three letters of each long word, sorted: a blocking key that survives most typos


def name_key(name: str | None) -> NameKey:
    words = [_fold_digraphs(w) for w in fold(name).split() if w not in _NAME_FILLER]
    tokens = tuple(sorted(words))
    # cutting a word must leave another full word, or "a h" would block every A. H. together
    cut = [" ".join(sorted(w[0] if j == i else w for j, w in enumerate(tokens)))
           for i in range(len(tokens)) if sum(len(w) > 1 for j, w in enumerate(tokens) if j != i)]
    full = " ".join(tokens)
    return NameKey(
        tokens=tokens,
        full=full,
        long=tuple(w for w in tokens if len(w) > 1),
        initials="".join(sorted(w[0] for w in tokens)),
        has_initial=any(len(w) == 1 for w in tokens),
        variants=tuple(dict.fromkeys([full, *cut])) if full else (),
        prefix=" ".join(sorted(w[:3] for w in tokens if len(w) > 1)),
    )


# Canonical city -> the other ways it is written, folded. Albanian place names have an indefinite form (Tiranë,
# Durrës, Elbasan) and a definite one (Tirana, Durrësi, Elbasani); foreigners use Italian names (Durazzo, Scutari).
CITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "tirane": ("tirana", "tiranes"),
    "durres": ("durresi", "durazzo"),
    "vlore": ("vlora", "valona", "vlone", "vlona"),
    "elbasan": ("elbasani",),
    "shkoder": ("shkodra", "scutari", "shkodre"),
    "fier": ("fieri",),
    "korce": ("korca", "korcha", "corizza"),
    "berat": ("berati",),
    "lushnje": ("lushnja",),
    "kavaje": ("kavaja",),
    "sarande": ("saranda",),
    "gjirokaster": ("gjirokastra", "argirocastro"),
    "pogradec": ("pogradeci",),
    "kukes": ("kukesi",),
    "lezhe": ("lezha", "alessio"),
    "kruje": ("kruja",),
    "lac": ("laci",),
    "kamez": ("kamza",),
    "vore": ("vora",),
    "patos": ("patosi",),
    "peshkopi": ("peshkopia",),
    "permet": ("permeti",),
    "tepelene": ("tepelena",),
    "gramsh": ("gramshi",),
    "librazhd": ("librazhdi",),
    "delvine": ("delvina",),
    "tropoje": ("tropoja",),
    "mat": ("mati",),
    "burrel": ("burreli",),
    "rreshen": ("rresheni",),
    "divjake": ("divjaka",),
    "cerrik": ("cerriku",),
    "polican": ("policani",),
    "kucove": ("kucova",),
    "ballsh": ("ballshi",),
    "memaliaj": ("memaliaji",),
    "himare": ("himara",),
    "konispol": ("konispoli",),
    "bulqize": ("bulqiza",),
    "shijak": ("shijaku",),
    "rrogozhine": ("rrogozhina",),
}
_CITY_OF: dict[str, str] = {v: c for c, vs in CITY_SPELLINGS.items() for v in (c, *vs)}


def city_key(city: str | None) -> str | None:
    """The canonical folded city for any of its spellings; unknown places keep their folded form; None if blank."""
    folded = fold(city)
    if not folded:
        return None
    return _CITY_OF.get(folded, folded)


# Address words that mark a part rather than name the street, folded. "Rruga" (street), "Bulevardi", "Sheshi" and
# "Lagjja" are street types; the genitive article "e"/"i" ("Rruga e Durrësit") is often dropped by clerks.
_STREET_TYPES = frozenset({"rruga", "rr", "rrg", "bulevardi", "blvd", "bul", "sheshi", "lagjja", "lagja", "lgj"})
_ARTICLES = frozenset({"e", "i", "te", "se"})
_NUMBER_MARKS = frozenset({"nr", "no", "numri", "n"})
# unit part -> its one-letter tag in the unit key ("Pallati 5, Shk. 2, Ap. 10" -> "p5 s2 a10")
_UNIT_MARKS = {"pallati": "p", "pall": "p", "pal": "p", "godina": "p", "shkalla": "s", "shk": "s",
               "apartamenti": "a", "ap": "a", "apt": "a", "kati": "k", "kat": "k"}
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?$")


@dataclass(frozen=True)
class AddressKey:
    """A street address as comparable parts; fields are None when the address does not give them."""

    street: str | None  # street name words without street type and articles: "durresit", "4 shkurti"
    number: str | None  # house number: "12", "12a"
    unit: str | None  # building / entrance / apartment / floor: "p5 s2 a10"
    city: str | None  # canonical city when the address names one

    @property
    def place(self) -> str | None:
        """Street and house number (or building when a block of flats has no number): the blocking key."""
        where = self.number or self.unit
        return f"{self.street}|{where}" if self.street and where else None


def _split_city(parts: list[str]) -> tuple[list[str], str | None]:
    """The city is written last, as its own comma part or as the last word after the house number."""
    if len(parts) > 1 and parts[-1] in _CITY_OF:
        return parts[:-1], _CITY_OF[parts[-1]]
    words = parts[-1].split()
    if len(words) > 2 and words[-1] in _CITY_OF and _HOUSE_NUMBER.match(words[-2]):
        return parts[:-1] + [" ".join(words[:-1])], _CITY_OF[words[-1]]
    return parts, None


def address_key(address: str | None) -> AddressKey:
    parts = [fold(p) for p in (address or "").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return AddressKey(None, None, None, None)
    parts, city = _split_city(parts)
    street: list[str] = []
    units: list[str] = []
    number: str | None = None
    words = " ".join(parts).split()
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in _UNIT_MARKS and nxt.isalnum() and any(ch.isdigit() for ch in nxt):
            units.append(_UNIT_MARKS[w] + nxt)
            i += 2
            continue
        if w in _NUMBER_MARKS and _HOUSE_NUMBER.match(nxt):
            number = nxt
            i += 2
            continue
        if w not in _STREET_TYPES and not (w in _ARTICLES and not street):
            street.append(w)
        i += 1
    if number is None and len(street) > 1 and _HOUSE_NUMBER.match(street[-1]):
        number = street.pop()  # "Rruga e Durrësit 12": the number written without "Nr."
    return AddressKey(" ".join(street) or None, number, " ".join(sorted(units)) or None, city)


def phone_e164(phone: str | None, region: str = "AL") -> str | None:
    """E.164 form ('+355691234567') of a phone written any usual way; None when blank or not a possible number."""
    if not phone or not phone.strip():
        return None
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
