"""Key groups and one-premises posteriors against slow, obviously correct reference twins."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from wattwatch.linkage.normalise import city_key
from wattwatch.linkage.premises_link import _MAX_WEIGHT, _own_links
from wattwatch.linkage.records import RECORD_SCHEMA, _record, _table
from wattwatch.linkage.straw import key_groups


def _profiles(rows: list[tuple[str | None, str | None, str | None, str | None]]) -> pa.Table:
    """rows of (name, address, phone, store city) as a profiles table with a buyer column (each its own)."""
    table = _table([_record(n, a, ph, None, city_key(city), None, None) for n, a, ph, city in rows])
    assert table.schema == RECORD_SCHEMA
    return table.append_column("buyer", pa.array(np.arange(len(rows), dtype=np.int64)))


def _reference_groups(table: pa.Table) -> np.ndarray:
    """Breadth-first search over every pair that shares a phone, or a place in the same area."""
    phone, place, area = (table[c].to_pylist() for c in ("phone", "place", "area"))
    n = len(phone)

    def share(i: int, j: int) -> bool:
        return (phone[i] is not None and phone[i] == phone[j]) or (
            place[i] is not None and place[i] == place[j] and area[i] == area[j])

    group = [-1] * n
    for start in range(n):
        if group[start] >= 0:
            continue
        group[start], todo = start, [start]
        while todo:
            i = todo.pop()
            for j in range(n):
                if group[j] < 0 and share(i, j):
                    group[j] = start
                    todo.append(j)
    return np.array(group)


NAMES = ("Arben Hoxha", "A. Hoxha", "Drita Çela", "Ilir Kola", None, "HOXHA ARBEN")
ADDRESSES = ("Rruga e Dibrës, Nr. 4", "Rr. e Dibres 4, Tirana", "Rruga Fan Noli, Nr. 9", None, "Rruga Fan Noli 9, Fier")
PHONES = ("069 111 2222", "+355 69 111 2222", "068 333 4444", None, "067 555 6666", "12")
AREAS = ("Tiranë", "Fier", None)


@pytest.mark.parametrize("seed", range(25))
def test_key_groups_match_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    rows = [(NAMES[rng.integers(len(NAMES))], ADDRESSES[rng.integers(len(ADDRESSES))],
             PHONES[rng.integers(len(PHONES))], AREAS[rng.integers(len(AREAS))]) for _ in range(n)]
    table = _profiles(rows)
    assert np.array_equal(key_groups(table).group, _reference_groups(table))


def test_chains_join_and_different_names_make_a_straw_group():
    table = _profiles([
        ("Arben Hoxha", "Rruga e Dibrës, Nr. 4, Tiranë", "069 111 2222", "Tiranë"),
        ("Drita Çela", None, "+355 69 111 2222", "Tiranë"),  # the grower's phone
        ("Ilir Kola", "Rr. e Dibres 4", None, "Tiranë"),  # the grower's address
        ("Ilir Kola", None, None, "Tiranë"),  # shares nothing
    ])
    g = key_groups(table)
    assert g.group.tolist() == [0, 0, 0, 3]
    assert g.straw.tolist() == [0, 0, 0, -1]
    assert g.key_type.tolist() == ["phone+address"] * 3 + [""]
    assert g.size.tolist() == [3, 3, 3, 1]


@pytest.mark.parametrize("names", [
    ("Arben Hoxha", "A. Hoxha"),  # an initial
    ("Arben Hoxha", "HOXHA ARBEN"),  # order and case
    ("Elektro Agro Sula", "Elektro Agr oSula"),  # a slipped space
    ("Blerina Çela", "Bleriina Cela"),  # a typo
    ("Arben Hoxha", None),  # a blank name is nobody new
])
def test_spellings_of_one_person_are_not_a_straw_group(names):
    table = _profiles([(n, None, "069 111 2222", "Tiranë") for n in names])
    g = key_groups(table)
    assert g.group.tolist() == [0, 0]
    assert g.straw.tolist() == [-1, -1] and g.key_type.tolist() == ["", ""]


def test_same_address_in_another_city_is_another_place():
    table = _profiles([("Arben Hoxha", "Rruga Fan Noli, Nr. 9, Tiranë", None, None),
                       ("Drita Çela", "Rruga Fan Noli, Nr. 9, Fier", None, None)])
    assert key_groups(table).group.tolist() == [0, 1]


def _reference_own_links(profile, premises, weight):
    best: dict[int, tuple[int, float]] = {}
    for p in set(profile):
        rows = [i for i in range(len(profile)) if profile[i] == p]
        odds = [2.0 ** min(weight[i], _MAX_WEIGHT) for i in rows]
        post = [o / (1 + sum(odds)) for o in odds]
        k = int(np.argmax(post))
        best[p] = (premises[rows[k]], post[k])
    return best


@pytest.mark.parametrize("seed", range(20))
def test_one_premises_posterior_matches_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    profile = rng.integers(0, 8, n)
    premises = rng.permutation(1000)[:n]  # distinct candidates: no ties in the arg-max
    weight = rng.normal(0, 20, n)
    weight[rng.random(n) < 0.1] = 200.0  # beyond the cap
    flip = rng.random(n) < 0.5  # Splink may put either input on the left
    pred = pa.table({
        "source_dataset_l": np.where(flip, "premises", "sales"),
        "source_dataset_r": np.where(flip, "sales", "premises"),
        "unique_id_l": np.where(flip, premises, profile), "unique_id_r": np.where(flip, profile, premises),
        "match_weight": weight})
    got = _own_links(duckdb.connect(), pred)
    ref = _reference_own_links(profile.tolist(), premises.tolist(), weight.tolist())
    assert sorted(got["profile"].to_pylist()) == sorted(ref)
    for p, r, prob in zip(got["profile"].to_pylist(), got["premises"].to_pylist(), got["p"].to_pylist()):
        assert r == ref[p][0]
        assert prob == pytest.approx(ref[p][1], rel=1e-9)
        assert 0 < prob <= 1
