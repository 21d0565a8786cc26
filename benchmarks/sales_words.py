"""Words for dataset (b)'s planted sales, and how clerks and registers write them: the benchmark's own lists,
independent of wattwatch.sim, so a linker or product reader tuned to the simulator meets unfamiliar spellings.

- People: Albanian first names and surnames drawn with Zipf-like weights (common names repeat, as in a real
  register: two unrelated "Arben Hoxha" are normal); a father's name initial some clerks add ("Arben Sh. Hoxha").
- Places: Albanian streets (Rruga / Rr. / Bulevardi / Blv., the genitive article "e" kept or dropped), house numbers
  written "Nr. 12", "Nr.12", "No. 12" or bare, flats "Ap. 5" / "Apt. 5", city names in their indefinite, definite,
  capitalised or plain forms (Tiranë / Tirana / TIRANE / Tiranes).
- Phones: Albanian mobiles (067/068/069) written 069 234 5678, 0692345678, +355 69 234 5678, 00355692345678, ...
- Products: receipt strings in Albanian and English, grow lamps with their watts in the text (or not), grow kit,
  ordinary lighting and electrical goods, aquarium, herb and seedling lights.
"""

from __future__ import annotations

import numpy as np

MALE = ("Arben", "Altin", "Ardit", "Arjan", "Artan", "Astrit", "Bashkim", "Bekim", "Besnik", "Blerim", "Dashamir",
        "Dritan", "Edmond", "Elton", "Endrit", "Erion", "Ermal", "Fatmir", "Flamur", "Gazmend", "Genc", "Gëzim",
        "Ilir", "Isuf", "Klodian", "Kujtim", "Lulzim", "Mërgim", "Nikollë", "Përparim", "Qemal", "Rexhep", "Sokol",
        "Shpëtim", "Tomor", "Valbon", "Xhevdet", "Ylli", "Zef", "Agron")
FEMALE = ("Anila", "Arjola", "Besiana", "Blerina", "Brunilda", "Dorina", "Drita", "Elona", "Entela", "Erjona",
          "Fatjona", "Gentiana", "Hëna", "Ilda", "Jonida", "Klodiana", "Lindita", "Manjola", "Mirela", "Nertila",
          "Rezarta", "Shqipe", "Teuta", "Vjollca", "Xhensila", "Zamira", "Çiljeta", "Afërdita")
SURNAMES = ("Hoxha", "Shehu", "Dervishi", "Gjoka", "Leka", "Marku", "Prifti", "Çela", "Kola", "Xhafa", "Brahimi",
            "Bushati", "Cani", "Dedja", "Duka", "Gjini", "Hasani", "Kaçi", "Kryeziu", "Laçi", "Lika", "Mema",
            "Muça", "Nushi", "Pasha", "Qorri", "Rama", "Sula", "Tafa", "Toska", "Veliu", "Xhaferri", "Zeneli",
            "Bajraktari", "Gega", "Koçi", "Mëhilli", "Pëllumbi", "Sokoli", "Bregu", "Dibra", "Hyka", "Kadiu",
            "Lleshi", "Malaj", "Ndreu", "Rrapi", "Shkurti", "Tanushi", "Vrioni", "Zaçe", "Beqiri", "Ymeri")
FIRM_WORDS = ("Elektro", "Drita", "Ndriçimi", "Fotoni", "Voltazh", "Teknika", "Shkëndija", "Elektrik", "Yllka",
              "Market", "Agro", "Blerimi", "Fidani")
STREETS = ("Rruga e Durrësit", "Rruga Myslym Shyri", "Rruga Sami Frashëri", "Bulevardi Zogu I", "Rruga e Kavajës",
           "Rruga Abdi Toptani", "Rruga Fortuzi", "Rruga Him Kolli", "Rruga Muhamet Gjollesha", "Rruga Qemal Stafa",
           "Rruga Ismail Qemali", "Rruga 4 Dëshmorët", "Rruga e Dibrës", "Rruga e Elbasanit", "Rruga Hoxha Tahsim",
           "Rruga Pjetër Bogdani", "Rruga Jordan Misja", "Rruga Kongresi i Lushnjës", "Rruga Skënderbeu",
           "Rruga Naim Frashëri", "Rruga Gjergj Fishta", "Rruga Asim Vokshi", "Rruga Bajram Curri",
           "Rruga Ali Demi", "Rruga Xhorxh W. Bush", "Rruga Mine Peza", "Rruga Shyqyri Berxolli",
           "Rruga Kristo Luarasi", "Rruga e Kosovarëve", "Rruga Vaso Pasha", "Rruga Çameria",
           "Rruga Dëshmorët e Kombit",
           "Bulevardi Bajram Curri", "Rruga Petro Nini Luarasi", "Rruga Hasan Prishtina", "Rruga Ymer Kurti",
           "Rruga Mihal Grameno", "Rruga Lek Dukagjini", "Rruga Nikolla Tupe", "Rruga Sulejman Delvina")
# canonical city -> how people write it (first = canonical)
CITY_SPELLINGS = {
    "Tiranë": ("Tiranë", "Tirana", "TIRANE", "Tirane", "Tiranes", "TIRANA"),
    "Durrës": ("Durrës", "Durrësi", "Durres", "DURRES", "Durresi"),
    "Vlorë": ("Vlorë", "Vlora", "VLORE", "Vlore"),
    "Shkodër": ("Shkodër", "Shkodra", "Shkoder", "SHKODER"),
    "Elbasan": ("Elbasan", "Elbasani", "ELBASAN"),
    "Korçë": ("Korçë", "Korça", "Korce", "KORCE", "Korca"),
    "Fier": ("Fier", "Fieri", "FIER"),
    "Lushnjë": ("Lushnjë", "Lushnja", "Lushnje"),
    "Kamëz": ("Kamëz", "Kamza", "Kamez"),
}
_PLAIN = str.maketrans("ëËçÇ", "eEcC")


def plain(text: str) -> str:
    return text.translate(_PLAIN)


def zipf_choice(rng: np.random.Generator, words: tuple[str, ...], power: float = 0.9) -> str:
    w = 1.0 / np.arange(1, len(words) + 1) ** power
    return words[int(rng.choice(len(words), p=w / w.sum()))]


def person(rng: np.random.Generator) -> tuple[str, str, str]:
    """(first name, surname, father's first name)."""
    first = zipf_choice(rng, MALE if rng.random() < 0.6 else FEMALE)
    return first, zipf_choice(rng, SURNAMES), zipf_choice(rng, MALE)


def mobile(rng: np.random.Generator) -> str:
    """National significant number of an Albanian mobile, 9 digits: 69 234 5678."""
    return f"{rng.choice(['67', '68', '69'])}{int(rng.integers(1_000_000, 10_000_000))}"


def landline(rng: np.random.Generator) -> str:
    return f"4{int(rng.integers(2_000_000, 3_000_000))}"  # Tirana fixed line, 8 digits after the 0


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 5:
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = int(rng.integers(4))
    if kind == 0:  # two letters swapped
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # a letter dropped
        return word[:i] + word[i + 1:]
    if kind == 2:  # a letter doubled
        return word[:i] + word[i] + word[i:]
    return word[:i] + str(rng.choice(list("aeiourtn"))) + word[i + 1:]  # a letter replaced


def _case(rng: np.random.Generator, text: str, upper: float, lower: float) -> str:
    u = rng.random()
    return text.upper() if u < upper else (text.lower() if u < upper + lower else text)


def write_name(rng: np.random.Generator, first: str, last: str, father: str) -> str:
    """A person's name as a clerk writes it."""
    if rng.random() < 0.05:
        last = _typo(rng, last)
    elif rng.random() < 0.05:
        first = _typo(rng, first)
    u = rng.random()
    if u < 0.62:
        text = f"{first} {last}"
    elif u < 0.80:
        text = f"{last.upper()} {first}" if rng.random() < 0.5 else f"{last} {first}"
    elif u < 0.90:
        text = f"{first[0]}. {last}" if rng.random() < 0.7 else f"{last} {first[0]}."
    else:  # the father's name as an initial between, an Albanian register habit
        initial = father[:2] if father[:2] in ("Sh", "Xh", "Gj", "Dh", "Th", "Zh", "Ll", "Rr") else father[0]
        text = f"{first} {initial}. {last}"
    if rng.random() < 0.03:
        text = text.replace("Xh", "X").replace("xh", "x").replace("Ç", "Ch").replace("ç", "ch")
    if rng.random() < 0.45:
        text = plain(text)
    return _case(rng, text, 0.12, 0.04)


def write_firm(rng: np.random.Generator, firm: str) -> str:
    u = rng.random()
    text = firm if u < 0.5 else (firm.replace(" shpk", "") if u < 0.75 else firm.replace(" shpk", " SHPK"))
    if rng.random() < 0.45:
        text = plain(text)
    return _case(rng, text, 0.2, 0.05)


def register_address(street: str, number: int, flat: int | None) -> str:
    """The utility register's own tidy form, city in its own column."""
    return f"{street}, Nr. {number}" + (f", Ap. {flat}" if flat else "")


def write_address(rng: np.random.Generator, street: str, number: int, flat: int | None, city: str) -> str:
    """A buyer's address as a clerk writes it."""
    words = street.split()
    kind, rest = words[0], words[1:]
    if rest and rest[0] == "e" and rng.random() < 0.4:
        rest = rest[1:]  # "Rruga e Durrësit" -> "Rr. Durrësit"
    if rng.random() < 0.04:
        rest[-1] = _typo(rng, rest[-1])
    short = {"Rruga": ("Rruga", "Rr.", "Rr", "rruga", "RR."), "Bulevardi": ("Bulevardi", "Blv.", "Bul.", "Bulevardi")}
    head = str(rng.choice(short[kind])) if rng.random() < 0.93 else ""
    if not head and rest and rest[0] == "e":  # "Kavajës, Nr. 12", never "e Kavajës"
        rest = rest[1:]
    name = " ".join(([head] if head else []) + rest)
    nr = str(rng.choice([f"Nr. {number}", f"Nr.{number}", f"No. {number}", f"nr {number}", f"{number}"],
                        p=[0.4, 0.2, 0.15, 0.1, 0.15]))
    parts = [name + (", " if rng.random() < 0.6 else " ") + nr]
    if flat and rng.random() < 0.7:
        parts.append(str(rng.choice([f"Ap. {flat}", f"Apt. {flat}", f"ap.{flat}", f"Apartamenti {flat}"])))
    if rng.random() < 0.7:
        parts.append(str(rng.choice(CITY_SPELLINGS[city])))
    text = ", ".join(parts)
    if rng.random() < 0.4:
        text = plain(text)
    return _case(rng, text, 0.1, 0.03)


def write_phone(rng: np.random.Generator, national: str) -> str:
    """A 9-digit national number (mobile) or 8-digit fixed line as written on a receipt."""
    if rng.random() < 0.02:  # one digit mistyped: the number no longer matches
        i = int(rng.integers(2, len(national)))
        national = national[:i] + str((int(national[i]) + 1) % 10) + national[i + 1:]
    a, b, c = national[:2], national[2:5], national[5:]
    forms = [f"0{a} {b} {c}", f"0{national}", f"+355 {a} {b} {c}", f"+355{national}", f"00355{national}",
             f"0{a}-{b}-{c}", f"(+355) {a}{b}{c}", f"{a} {b} {c}"]
    return str(rng.choice(forms, p=[0.3, 0.25, 0.15, 0.1, 0.07, 0.06, 0.04, 0.03]))


def register_phone(national: str) -> str:
    return f"+355 {national[:2]} {national[2:5]} {national[5:]}" if len(national) == 9 else f"0{national}"


# receipt templates: (language, text); "{w}" = watts per lamp; templates without "{w}" leave the watts to the column
GROW_LAMPS = {
    "hps": (("sq", "Llambë sodiumi {w}W E40"), ("sq", "Llambe Natriumi SHP {w}w"), ("en", "HPS lamp {w}W"),
            ("en", "Sylvania Grolux {w}W"), ("en", "Sodium HPS {w} Watt"),
            ("sq", "Llamba natrium presion i lartë {w}W"),
            ("en", "SON-T Plus {w}W"), ("sq", "Llambë HPS {w} vat"), ("en", "Dual spectrum HPS {w}W"),
            ("en", "Gavita HPS {w}W E40"), ("sq", "Llambë natriumi E40")),
    "mh": (("sq", "Llambë metal halid {w}W"), ("en", "MH lamp {w}W blue spectrum"), ("en", "Metal Halide E40 {w}W"),
           ("sq", "Llambe halogjenure metali {w}W"), ("en", "CMH {w}W ceramic"), ("en", "HQI {w}W")),
    "led": (("sq", "Panel LED për rritje bimësh {w}W"), ("en", "LED Grow Light {w}W Full Spectrum"),
            ("en", "Quantum board LM301H {w}W"), ("sq", "Bar LED rritjeje {w}W"), ("en", "Mars Hydro TS {w}W"),
            ("en", "Spider Farmer SF {w}W"), ("sq", "Fitollambë LED {w}W"),
            ("sq", "Panel LED kultivimi full spektër")),
}
LAMP_WATTS = {"hps": (250, 400, 600, 1000), "mh": (400, 600), "led": (200, 300, 480, 650)}
GROW_KIT = {
    "ballast": (("sq", "Ballast dixhital {w}W"), ("sq", "Balast elektronik i rregullueshëm {w}W"),
                ("en", "Digital ballast {w}W dimmable"), ("en", "Electronic ballast {w}W")),
    "reflector": (("en", "Adjust-a-wing reflector"), ("sq", "Reflektor parabolik alumini"), ("en", "Cooltube 150mm"),
                  ("sq", "Reflektor për llambë HPS")),
    "filter": (("sq", "Filtër karboni 150/500"), ("en", "Carbon filter 125mm"),
               ("sq", "Filtër me qymyr aktiv 200mm")),
    "fan": (("sq", "Ventilator kanali 150mm 420m3/h"), ("en", "Inline fan 125mm EC"),
            ("sq", "Aspirator centrifugal 200mm")),
    "timer": (("sq", "Timer dixhital 16A"), ("sq", "Kohëmatës mekanik 24h"), ("en", "Mechanical timer 24h")),
    "tent": (("sq", "Tendë kultivimi 120x120x200"), ("en", "Grow tent 80x80x160"), ("en", "Grow box 100x100x200")),
    "medium": (("sq", "Substrat kokosi 50L"), ("sq", "Pleh lulëzimi 1L"), ("en", "pH meter"),
               ("en", "Canna Terra Flores 1L")),
}
ORDINARY = (("sq", "Llambë LED E27 10W e ngrohtë"), ("en", "LED bulb 9W cool white"), ("sq", "Llambë kursyese 23W"),
            ("en", "Spot LED GU10 5W"), ("sq", "Projektor LED 100W IP65"), ("sq", "Tub neoni T8 120cm 18W"),
            ("sq", "Plafonierë LED 18W"), ("sq", "Shirit LED 5m 12V"), ("sq", "Kabëll NYM 3x1.5 100m"),
            ("sq", "Prizë dopjo"), ("sq", "Çelës ndriçimi"), ("sq", "Siguresë automatike 16A"),
            ("sq", "Llambë halogjene R7s 150W"), ("en", "LED high bay 150W"), ("en", "LED floodlight 200W"),
            ("sq", "Ndriçues rrugor LED 60W"), ("en", "Panel LED 60x60 40W"), ("sq", "Llambadar dhome 3 llamba"))
HOBBY = {
    "aquarium": (("sq", "Dritë LED akuariumi 60cm 14W"), ("en", "Aquarium light 90cm"),
                 ("sq", "Llambë T5 për akuarium 24W")),
    "herb": (("sq", "Llambë LED për erëza 20W"), ("en", "Mini grow light USB 10W"), ("en", "Herb garden LED 15W"),
             ("sq", "Dritë fidanesh T5 2x24W")),
}


def receipt(rng: np.random.Generator, templates: tuple[tuple[str, str], ...], english: float, watts: int | None,
            strips: bool, shouts: bool) -> str:
    """One receipt line from a store with its own habits: language share, diacritics lost, capitals."""
    lang = "en" if rng.random() < english else "sq"
    pool = [t for lg, t in templates if lg == lang] or [t for _, t in templates]
    text = pool[int(rng.integers(len(pool)))]
    if "{w}" in text:
        text = text.format(w=watts if watts is not None else "")
    if strips:
        text = plain(text)
    return text.upper() if shouts else text
