"""Run a per-meter detector on groups of meter rows and put the results back in meter order.

Detectors take dense arrays of one shape (e.g. one resolution's slots per day), so the scan calls them per group and
per chunk of rows (bounded memory), then reassembles one result whose row i is meter i. Meters in no group get the
detector's own answer for an all-missing input, so "no data" means the same thing everywhere.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

import numpy as np


def rows_of(ids, known_ids) -> np.ndarray:
    """Row of each id in `known_ids`, or -1 where it is absent."""
    known = np.asarray(known_ids, dtype=str)
    ids = np.asarray(ids, dtype=str)
    if len(known) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    order = np.argsort(known)
    at = order[np.minimum(np.searchsorted(known, ids, sorter=order), len(known) - 1)]
    return np.where(known[at] == ids, at, -1)


def concat_results(parts: list[Any]) -> Any:
    """Concatenate dataclass results (arrays, nested dataclasses) along their first axis."""
    first = parts[0]
    if dataclasses.is_dataclass(first):
        return type(first)(**{
            f.name: concat_results([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(first)
        })
    return np.concatenate([np.asarray(p) for p in parts], axis=0)


def take_rows(result: Any, order: np.ndarray) -> Any:
    """Rows `order` of every array in a (nested) dataclass result."""
    if dataclasses.is_dataclass(result):
        return type(result)(**{f.name: take_rows(getattr(result, f.name), order) for f in dataclasses.fields(result)})
    return np.asarray(result)[order]


def chunks(rows: np.ndarray, size: int) -> Iterable[np.ndarray]:
    for start in range(0, rows.size, max(size, 1)):
        yield rows[start:start + size]


def run_by_rows(
    n_rows: int,
    groups: list[tuple[np.ndarray, Callable[[np.ndarray], Any]]],
    missing: Callable[[int], Any],
) -> Any:
    """One result in row order: `groups` = (rows, run) pairs, run(rows) -> result for those rows in that order;
    `missing(k)` -> the result for k rows without data, used for every row no group covers."""
    covered = np.zeros(n_rows, dtype=bool)
    parts, order = [], []
    for rows, run in groups:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size:
            parts.append(run(rows))
            order.append(rows)
            covered[rows] = True
    rest = np.flatnonzero(~covered)
    parts.append(missing(rest.size))
    order.append(rest)
    position = np.empty(n_rows, dtype=np.int64)
    position[np.concatenate(order)] = np.arange(n_rows)
    return take_rows(concat_results(parts), position)
