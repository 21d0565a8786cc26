"""What the scan's fork server loads, once, before it forks the worker processes (engine.parquet._pool_context).

Importing this module imports the Parquet reader (Arrow, numba, the reader's compiled kernels), loads numba's
compiler target by calling the smallest compiled function, and makes Arrow's first array() call (which imports
pandas, Arrow's pandas shim: the reader's first rejected row would), so every worker forked afterwards starts with
all three instead of paying about 0.9 s of CPU each for them.
"""

import numpy as np
import pyarrow as pa

from wattwatch.engine.parquet import load_compiler

load_compiler()
pa.array(np.zeros(0, dtype=np.int64))
