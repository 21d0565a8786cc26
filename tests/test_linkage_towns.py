"""Towns read from a buyer's other receipts, and the training guards on unseen comparison levels."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from wattwatch.linkage.normalise import city_key
from wattwatch.linkage.records import _record, _table
from wattwatch.linkage.splink_run import decontaminate_u, neutral_unseen
from wattwatch.linkage.towns import fill_towns, towns_agree, with_group_towns


def _reference_fill(place, city, group):
    """Every other profile of the same group and place, looked at one by one."""
    out = []
    for i in range(len(place)):
        if city[i] is not None or place[i] is None:
            out.append(city[i])
            continue
        towns = {city[j] for j in range(len(place))
                 if group[j] == group[i] and place[j] == place[i] and city[j] is not None}
        out.append(towns.pop() if len(towns) == 1 else None)
    return out


PLACES = ("durresit|20", "kavajes|5", None)
TOWNS = ("vlore", "tirane", None)


@pytest.mark.parametrize("seed", range(30))
def test_fill_towns_matches_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 25))
    place = [PLACES[rng.integers(len(PLACES))] for _ in range(n)]
    city = [TOWNS[rng.integers(len(TOWNS))] for _ in range(n)]
    group = rng.integers(0, 4, n)
    assert fill_towns(place, city, group) == _reference_fill(place, city, group)


def test_a_stated_town_is_never_overwritten_and_conflicts_leave_it_unknown():
    place = ["durresit|20", "durresit|20", "durresit|20", "durresit|20"]
    assert fill_towns(place, ["vlore", "tirane", None, None], np.array([0, 0, 0, 1])) == \
        ["vlore", "tirane", None, None]


def test_towns_agree_when_either_is_unknown():
    assert towns_agree(["vlore", None, "vlore", None], ["vlore", "tirane", "tirane", None]).tolist() == \
        [True, True, False, True]


def _profiles(rows):
    """rows of (name, address, phone, store city)."""
    return _table([_record(n, a, ph, None, city_key(c), None, None) for n, a, ph, c in rows])


def test_receipts_without_a_town_take_the_shops_town_not_the_register_homes():
    """A shop in Korçë at "Rruga Kosovarëve 121", some receipts without the town, one of them at a Lushnjë store;
    a registered home at Rruga Kosovarëve 121 in Lushnjë bought there too. The town-less receipt must not chain the
    shop to the home: it takes the shop's town."""
    shop_phone = "069 480 1556"
    table = _profiles([
        ("Elektro Adriatik Qorri", "Rruga Kosovarëve, Nr. 121, Korçë", shop_phone, "Korçë"),
        ("Elektro Adriatik Qorri", "Rr. Kosovareve 121", shop_phone, "Lushnjë"),  # town unstated, Lushnjë store
        ("Elektro Adriatik Qorri", None, shop_phone, "Tiranë"),
        (None, "Rruga Kosovarëve, Nr. 121, Lushnjë", "068 599 4144", "Lushnjë"),  # the registered home
    ])
    filled = with_group_towns(table)
    assert filled["city"].to_pylist() == ["korce", "korce", None, "lushnje"]
    assert filled["area"].to_pylist() == ["korce", "korce", "tirane", "lushnje"]
    assert filled.drop(["city", "area"]).equals(table.drop(["city", "area"]))


def test_a_straw_buyer_giving_the_growers_address_without_the_town_keeps_no_town():
    table = _profiles([("Arben Hoxha", "Rruga e Dibrës, Nr. 4, Tiranë", "069 111 2222", "Tiranë"),
                       ("Ilir Kola", "Rr. e Dibres 4", None, "Tiranë")])
    assert with_group_towns(table)["city"].to_pylist() == ["tirane", None]


def _model(levels):
    return {"comparisons": [{"output_column_name": "address", "comparison_levels": [
        {"is_null_level": True, "sql_condition": "x IS NULL"}, *levels]}]}


def test_a_level_seen_by_neither_sampling_nor_em_carries_no_evidence():
    model = _model([{"m_probability": 0.9, "u_probability": 0.001},
                    {"m_probability": 0.01},  # never seen among random pairs, m floored
                    {"m_probability": 0.09, "u_probability": 0.999}])
    out = neutral_unseen(model)
    levels = out["comparisons"][0]["comparison_levels"]
    assert levels[2]["u_probability"] == levels[2]["m_probability"]
    assert levels[1]["u_probability"] == 0.001 and "u_probability" not in model["comparisons"][0][
        "comparison_levels"][2]  # the input is left alone


def test_an_unsampled_level_that_em_saw_gets_the_floor():
    model = _model([{"m_probability": 0.6, "u_probability": 0.002},
                    {"m_probability": 0.3, "u_probability": "level not observed in training dataset"},
                    {"m_probability": None},  # seen by nobody: left for neutral_unseen
                    {"m_probability": 0.1, "u_probability": 0.998}])
    out = decontaminate_u(model, {"address": 0.0}, floor=1e-6)
    u = [lv.get("u_probability") for lv in out["comparisons"][0]["comparison_levels"][1:]]
    assert u[1] == pytest.approx(1e-6, rel=1e-3) and u[2] is None
    assert sum(x for x in u if x is not None) == pytest.approx(1.0)
    assert u[0] == pytest.approx(0.002, rel=1e-3)
