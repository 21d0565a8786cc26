"""The Spark stage's progress bar while the job runs, not only when its results come back.

Spark hands results to the driver only when they are collected, so a bar fed by the collected chunks would sit still
for the whole computation and jump to the end. Each chunk task adds its meters to a Spark accumulator instead
(engine.spark_chunks.chunk_task), whose driver-side value grows as tasks finish; a daemon thread polls it, and a
high-water mark turns it, and then the chunks collected, into the meters-done increments the scan's bar takes
(engine.base.Progress): never backwards (a recomputed task adds its meters again), never past the number of meters.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from wattwatch.engine.base import Progress

POLL_S = 0.5


class HighWater:
    """Meters done as a running total: to(n) reports only what n adds to the most reported so far."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.reported = progress, int(total), 0
        self._lock = threading.Lock()  # the polling thread and the collecting thread both report

    def to(self, n: int) -> None:
        with self._lock:
            n = min(max(int(n), 0), self.total)
            if n > self.reported:
                if self.progress is not None:
                    self.progress(n - self.reported)
                self.reported = n


@contextmanager
def polled(read: Callable[[], int], meters: HighWater, every_s: float = POLL_S) -> Iterator[None]:
    """While the body runs, report meters.to(read()) every every_s seconds, and once more at the end."""
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(every_s):
            meters.to(read())

    thread = threading.Thread(target=poll, name="wattwatch-spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    meters.to(read())
