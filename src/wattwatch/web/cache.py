"""A small read cache for the lead list, the map and the facets, emptied on every change the server makes.

While `wattwatch serve` runs it is the only process that can write the database (DuckDB allows one writing process
per file), so the leads change only through this server: a triage action or an escalation run clears the cache.
A result computed while a clear happened is not stored, so a reader never gets a list older than the last change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 512


class ReadCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._max = max_entries

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[return-value]
            generation = self._generation
        value = compute()  # outside the lock: other readers are not held up
        with self._lock:
            if generation == self._generation:
                self._entries[key] = value
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1
