"""Key groups and straw-buyer groups: sale profiles tied together by a shared phone or address.

A grower who sends friends to buy lamps gives the shop their own phone or delivery address. Profiles that share
an E.164 phone, or a street + house number in the same area, form a key group (connected components, so a phone
shared with one friend and an address shared with another make one group). A key group is a straw-buyer group
when it holds clearly different names: its spellings of names, joined when they resemble each other (typos, the
same letters with a space slipped or words swapped, the same name written with an initial), fall into two or more
persons. Splink's buyer clusters are not used for this: a phone shared by two names is strong enough evidence to
merge them into one buying entity, which is exactly what a straw purchase is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from wattwatch.linkage.models import SIMILAR_WORDS, initial_aware_sql

_SIMILAR_NAMES = SIMILAR_WORDS  # whole names this alike are spelling variants, not another person
# the profile columns key_groups reads
KEY_COLUMNS = ("unique_id", "name_full", "name_long", "name_initials", "name_has_initial", "phone", "place", "area")


@dataclass(frozen=True)
class KeyGroups:
    """Per sale profile (row of the profiles table)."""

    group: np.ndarray  # key group: the smallest profile id it holds; a profile sharing nothing is its own group
    straw: np.ndarray  # straw-buyer group id (= key group) when the group holds clearly different names, else -1
    key_type: np.ndarray  # straw groups: "phone", "address" or "phone+address"; "" otherwise
    size: np.ndarray  # straw groups: number of different persons (names); 1 otherwise


def _components(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root stays the smallest id of its component
    return np.array([find(i) for i in range(n)], dtype=np.int64)


def key_groups(profiles: pa.Table) -> KeyGroups:
    """`profiles`: unique_id (0..n-1), name_full, name_long, name_initials, name_has_initial,
    phone, place, area."""
    con = duckdb.connect()
    con.register("profiles", profiles)
    # each profile joined to the first profile holding the same key: linear in the number of profiles
    edges = con.execute("""
        WITH keys AS (
            SELECT unique_id, 'phone' AS kind, phone AS k FROM profiles WHERE phone IS NOT NULL
            UNION ALL
            SELECT unique_id, 'address', place || '|' || coalesce(area, '') FROM profiles WHERE place IS NOT NULL)
        SELECT min(unique_id) OVER (PARTITION BY kind, k) AS first, unique_id, kind FROM keys
        QUALIFY first <> unique_id""").fetchall()
    n = profiles.num_rows
    group = _components(n, [(a, b) for a, b, _ in edges])
    kinds: dict[int, set[str]] = {}
    for a, _, kind in edges:
        kinds.setdefault(int(group[a]), set()).add(kind)
    con.register("groups", pa.table({"unique_id": np.arange(n), "grp": group}))
    con.execute("""
        CREATE TEMP TABLE names AS
        SELECT DISTINCT g.grp, p.name_full, p.name_long, p.name_initials, p.name_has_initial,
               -- the same letters in another order: words swapped, or a space slipped ("Agr oSula")
               array_to_string(list_sort(string_split(replace(p.name_full, ' ', ''), '')), '') AS letters
        FROM profiles p JOIN groups g USING (unique_id)
        WHERE p.name_full IS NOT NULL AND g.grp IN (SELECT grp FROM groups GROUP BY grp HAVING count(*) > 1)""")
    names = con.execute("SELECT grp, name_full FROM names ORDER BY grp, name_full").fetchall()
    alike = con.execute(f"""
        SELECT a.name_full, b.name_full, a.grp FROM names a JOIN names b ON a.grp = b.grp AND a.name_full < b.name_full
        WHERE jaro_winkler_similarity(a.name_full, b.name_full) >= {_SIMILAR_NAMES} OR a.letters = b.letters
           OR {initial_aware_sql("a.{}", "b.{}")}""").fetchall()
    con.close()
    # persons = spellings joined by resemblance; a group with two or more persons is a straw-buyer group
    index = {(g, name): i for i, (g, name) in enumerate(names)}
    person = _components(len(names), [(index[(g, a)], index[(g, b)]) for a, b, g in alike])
    persons_of = np.ones(n, dtype=np.int64)  # indexed by group root
    for grp, count in Counter(g for g, _ in {(g, int(root)) for (g, _), root in zip(names, person)}).items():
        persons_of[grp] = count
    kind_of = np.full(n, "", dtype=object)
    for grp, kind in kinds.items():
        kind_of[grp] = "+".join(sorted(kind, reverse=True))  # "phone", "address" or "phone+address"
    is_straw = persons_of[group] > 1
    return KeyGroups(group, np.where(is_straw, group, -1), np.where(is_straw, kind_of[group], ""),
                     np.where(is_straw, persons_of[group], 1))
