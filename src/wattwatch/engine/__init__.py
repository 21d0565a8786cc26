"""Engines turn the store into dense per-meter arrays for the pure kernels in wattwatch.core.

`matrices` declares what every engine returns; `duckdb` computes it inside the embedded database. A Spark engine
(later) returns the same dataclasses, so the scan pipeline does not care which one ran.
"""

from wattwatch.engine.matrices import DailyMatrix, ProfileMatrix, PremisesIndex

__all__ = ["DailyMatrix", "ProfileMatrix", "PremisesIndex"]
