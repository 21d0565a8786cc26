"""What the scan's fork server loads, once, before it forks the worker processes (engine.parquet._pool_context).

Importing this module imports the Parquet reader (Arrow, numba, the reader's compiled kernels) and loads numba's
compiler target by calling the smallest compiled function, so every worker forked afterwards starts with both
instead of paying about 0.7 s of CPU each for them. (The reader builds its few Arrow arrays from NumPy buffers, not
with pa.array, whose first call would import pandas: 0.14 s more here.)
"""

from wattwatch.engine.parquet import load_compiler

load_compiler()
