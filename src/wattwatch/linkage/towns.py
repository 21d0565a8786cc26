"""The town of an address a clerk wrote without one, read from the buyer's other receipts.

"Rruga e Durrësit, Nr. 20" exists in several towns; a register holds one of them. A buyer who once wrote
"Rruga e Durrësit, Nr. 20, Vlorë" and gave the same phone on another receipt without the town lives in Vlorë, not at
the register's Rruga e Durrësit 20 in Tiranë. Within a group of receipts tied by a shared phone or by the same
street, number and stated town, an address without a town takes the town the group's other receipts state for the
same street and number, when they state exactly one. Addresses without a town do not tie receipts here: the
store's town they would be keyed by is a guess, and one guess can chain a shop to a registered home that happens to
share its street and number in another town.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wattwatch.linkage.straw import KEY_COLUMNS, key_groups


def fill_towns(place: list[str | None], city: list[str | None], group: np.ndarray) -> list[str | None]:
    """Per profile: its own town, else the one town its key group states for the same place, else None."""
    stated: dict[tuple[int, str], set[str]] = {}
    for p, c, g in zip(place, city, group):
        if p is not None and c is not None:
            stated.setdefault((int(g), p), set()).add(c)
    out = []
    for p, c, g in zip(place, city, group):
        towns = stated.get((int(g), p), set()) if p is not None and c is None else set()
        out.append(c if c is not None or len(towns) != 1 else next(iter(towns)))
    return out


def towns_agree(own: list[str | None], other: list[str | None]) -> np.ndarray:
    """Per pair: the towns do not contradict each other (either may be unknown)."""
    return np.array([a is None or b is None or a == b for a, b in zip(own, other)], dtype=bool)


def with_group_towns(profiles: pa.Table) -> pa.Table:
    """Profiles (records.RECORD_SCHEMA) whose address lacks a town take the one their group states (fill_towns);
    `area`, the town or else the store's, follows."""
    unstated = pc.is_null(profiles["city"])
    keyed = profiles.select(list(KEY_COLUMNS))
    keyed = keyed.set_column(keyed.schema.get_field_index("place"), "place",
                             pc.if_else(unstated, pa.scalar(None, pa.string()), profiles["place"]))
    keyed = keyed.set_column(keyed.schema.get_field_index("area"), "area", profiles["city"])
    city = fill_towns(profiles["place"].to_pylist(), profiles["city"].to_pylist(), key_groups(keyed).group)
    area = [c or a for c, a in zip(city, profiles["area"].to_pylist())]
    out = profiles.set_column(profiles.schema.get_field_index("city"), "city", pa.array(city, pa.string()))
    return out.set_column(out.schema.get_field_index("area"), "area", pa.array(area, pa.string()))
