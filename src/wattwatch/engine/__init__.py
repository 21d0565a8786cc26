"""Engines turn the store into dense per-meter arrays for the pure kernels in wattwatch.core.

`matrices` declares what every engine returns; `duckdb` computes it inside the embedded database, `parquet` from
Parquet readings in worker processes, `spark` on PySpark, so the scan pipeline does not care which one ran. (This
package imports none of them: the command line imports `workers` before anything heavy, see engine.workers.)
"""
