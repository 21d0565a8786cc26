"""Names, Albanian addresses and phones reduced to keys: spelling variants meet, different things stay apart."""

from __future__ import annotations

import pytest

from wattwatch.linkage.normalise import address_key, city_key, fold, name_key, phone_e164


@pytest.mark.parametrize("text, expected", [
    ("Ëngjëllushe Çela", "engjellushe cela"),
    ("  HOXHA,  Arben ", "hoxha arben"),
    ("Gëzim-Pëllumbi", "gezim pellumbi"),
    ("", ""),
    (None, ""),
])
def test_fold(text, expected):
    assert fold(text) == expected


SAME_NAME = [
    ("Arben Hoxha", "HOXHA ARBEN"),  # order and case
    ("Xhevdet Çela", "Xevdet Cela"),  # Xh typed as X, ç without its cedilla
    ("Çlirim Xhafa", "Chlirim Xafa"),  # ç typed as ch
    ("Gëzim Kaçi", "gezim kaci"),
    ("Shoqëria Sula shpk", "SULA SHPK"),  # legal form and filler words
]


@pytest.mark.parametrize("a, b", SAME_NAME)
def test_name_variants_share_a_key(a, b):
    assert name_key(a).full == name_key(b).full


@pytest.mark.parametrize("a, b", [
    ("Shala Ilir", "Sala Ilir"),  # sh and s are different letters in names
    ("Gjoka Ilir", "Goka Ilir"),
    ("Arben Hoxha", "Ardit Hoxha"),
])
def test_different_names_keep_different_keys(a, b):
    assert name_key(a).full != name_key(b).full


def test_initials_are_comparable_with_full_names():
    full, short = name_key("Arben Hoxha"), name_key("A. Hoxha")
    assert short.has_initial and not full.has_initial
    assert short.initials == full.initials == "ah"
    assert set(short.long) <= set(full.long)
    assert short.full in full.variants  # the blocking key that brings the two together


def test_initial_variants_never_reduce_to_initials_only():
    assert name_key("A. Hoxha").variants == ("a hoxa",)
    assert all(any(len(w) > 1 for w in v.split()) for v in name_key("Arben Ilir Hoxha").variants)


def test_blank_name_has_empty_key():
    k = name_key("  ")
    assert (k.full, k.tokens, k.variants, k.initials, k.prefix) == ("", (), (), "", "")


@pytest.mark.parametrize("written, canonical", [
    ("Tiranë", "tirane"), ("Tirana", "tirane"), ("TIRANE", "tirane"), ("Tirane", "tirane"),
    ("Durrës", "durres"), ("Durresi", "durres"), ("Durazzo", "durres"),
    ("Shkodër", "shkoder"), ("Shkodra", "shkoder"), ("SHKODER", "shkoder"),
    ("Vlorë", "vlore"), ("Vlora", "vlore"),
    ("Korçë", "korce"), ("Korca", "korce"), ("KORÇË", "korce"),
    ("Elbasani", "elbasan"), ("Fieri", "fier"), ("Berati", "berat"), ("Lushnja", "lushnje"), ("Kavaja", "kavaje"),
    ("Pukë", "puke"),  # unknown places keep their folded form
    ("", None), (None, None),
])
def test_city_spellings(written, canonical):
    assert city_key(written) == canonical


@pytest.mark.parametrize("address, street, number, unit, city", [
    ("Rruga e Durrësit, Nr. 12", "durresit", "12", None, None),
    ("Rr. e Durresit, No. 12, Tirana", "durresit", "12", None, "tirane"),
    ("rr.e Durrësit nr 12", "durresit", "12", None, None),
    ("RRUGA E DURRESIT 12, TIRANE", "durresit", "12", None, "tirane"),
    ("Rruga e Durrësit, Numri 12, Tiranë", "durresit", "12", None, "tirane"),
    ("Rruga 4 Shkurti, Nr. 101, Berati", "4 shkurti", "101", None, "berat"),  # a number in the street name
    ("Rruga 4 Shkurti 101", "4 shkurti", "101", None, None),
    ("Rruga Dëshmorët e Kombit, Nr. 70", "deshmoret e kombit", "70", None, None),  # inner article kept
    ("Rr. Sami Frashëri, Pallati 5, Shk. 2, Ap. 10, Tiranë", "sami frasheri", None, "a10 p5 s2", "tirane"),
    ("Rruga Ismail Qemali 12a Durrës", "ismail qemali", "12a", None, "durres"),
    ("Rruga e Elbasanit, Nr. 3", "elbasanit", "3", None, None),  # a street named after a city is not a city
    ("", None, None, None, None),
    (None, None, None, None, None),
])
def test_address_parts(address, street, number, unit, city):
    k = address_key(address)
    assert (k.street, k.number, k.unit, k.city) == (street, number, unit, city)


def test_address_variants_share_a_place_key():
    forms = ["Rruga Margarita Tutulani, Nr. 150", "Rr. Margarita Tutulani, No. 150, Durrës",
             "rr.Margarita Tutulani nr 150", "RRUGA MARGARITA TUTULANI 150, DURRES"]
    assert {address_key(f).place for f in forms} == {"margarita tutulani|150"}


def test_flats_in_one_building_differ_by_unit():
    a = address_key("Rr. Sami Frashëri, Nr. 4, Ap. 10")
    b = address_key("Rr. Sami Frashëri, Nr. 4, Ap. 11")
    assert a.place == b.place and a.unit != b.unit


@pytest.mark.parametrize("written", [
    "069 123 4567", "+355 69 123 4567", "00355691234567", "0691234567", "069-123-4567", "(69) 123 4567",
    "+355-69-123-4567", "00355 69 1234567", "+355691234567",
])
def test_phone_forms_meet_in_e164(written):
    assert phone_e164(written) == "+355691234567"


@pytest.mark.parametrize("written, expected", [
    ("+39 347 123 4567", "+393471234567"),  # a foreign number keeps its own country code
    ("04 222 3333", "+35542223333"),  # Tirana landline
    ("12", None), ("abc", None), ("", None), ("   ", None), (None, None),
])
def test_phone_other_and_bad_forms(written, expected):
    assert phone_e164(written) == expected
