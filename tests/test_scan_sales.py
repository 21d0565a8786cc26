"""Sale lines -> purchase evidence per meter: product reading, the shop's watts first, links expanded to meters."""

from datetime import date, datetime, timezone
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pytest

from wattwatch.scan.sales import purchases_by_meter, sale_lines
from wattwatch.store import connect

TZ = "Europe/Tirane"


@pytest.fixture
def store():
    con = connect(":memory:")
    rows = [
        ("S1", datetime(2025, 3, 1, 10, tzinfo=timezone.utc), "ST1", "Llambë natriumi 600W", 4, "cash", None),
        ("S2", datetime(2025, 3, 3, 10, tzinfo=timezone.utc), "ST2", "HPS lamp", 2, "card", 1000.0),
        ("S3", datetime(2025, 3, 5, 10, tzinfo=timezone.utc), "ST1", "Filtër karboni 150mm", 1, "cash", None),
        ("S4", datetime(2025, 3, 5, 10, tzinfo=timezone.utc), "ST1", "Llambë LED E27 9W", 10, "cash", None),
        ("S5", datetime(2025, 3, 6, 10, tzinfo=timezone.utc), "ST1", "HPS 600W", 3, "cash", None),
    ]
    con.executemany(
        "INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, 1)", rows
    )
    return con


def links(ids, premises, probability):
    return SimpleNamespace(
        sale_id=pa.array(ids), premise_id=pa.array(premises, pa.string()), probability=np.asarray(probability)
    )


def test_sale_lines_read_products_and_prefer_the_shops_watts(store):
    lines = sale_lines(store, TZ, date(2025, 2, 1))
    assert lines.sale_id.tolist() == ["S1", "S2", "S3", "S4", "S5"]
    assert lines.day.tolist() == [28, 30, 32, 32, 33]
    np.testing.assert_allclose(lines.lamp_kw, [2.4, 2.0, 0.0, 0.0, 1.8])  # S2: the shop's 1000 W, not a default
    np.testing.assert_allclose(lines.n_lamps, [4, 2, 0, 0, 3])
    np.testing.assert_allclose(lines.kit_items, [0, 0, 1, 0, 0])
    np.testing.assert_allclose(lines.ordinary_items, [0, 0, 0, 10, 0])
    assert lines.is_cash.tolist() == [True, False, True, True, True]


def test_links_count_for_every_meter_of_the_premises_and_unlinked_lines_for_none(store):
    lines = sale_lines(store, TZ, date(2025, 2, 1))
    premise_of_meter = np.array(["P1", None, "P1", "P2"], dtype=object)  # P1 has two meters
    found = purchases_by_meter(
        lines, links(["S5", "S4", "S3", "S2", "S1"], ["P2", None, "P1", "P1", "P1"], [0.9, 0.0, 1.0, 0.5, 1.0]),
        premise_of_meter, onset_day=np.array([40, -1, 40, -1]),
    )
    np.testing.assert_allclose(found.lamp_kw, [2.4 + 0.5 * 2.0, 0.0, 2.4 + 0.5 * 2.0, 0.9 * 1.8])
    assert found.n_sales.tolist() == [3, 0, 3, 1]
    assert found.n_stores.tolist() == [2, 0, 2, 1]
    assert found.timed.tolist() == [True, False, True, False]
    assert found.lead_days[0] == 8  # the last grow purchase (day 32) before the onset (day 40)
    assert found.score[1] == 0 and found.score[0] > found.score[3] > 0
