"""What the scan's fork server loads, once, before it forks the worker processes (engine.workers).

Importing this module imports the Parquet reader and the per-meter stage (Arrow, numba, their compiled kernels),
loads numba's compiler target (engine.compiler) and runs the reader and the stage on a few made-up meters
(scan.warm_up), which loads the kernels' machine code from numba's cache. Every worker forked afterwards starts with
all of it instead of paying about 0.8 s of CPU for it, a third of it in its first chunk. (The reader builds its few
Arrow arrays from NumPy buffers, not with pa.array, whose first call would import pandas: 0.14 s more here.)
"""

from wattwatch.engine.compiler import load_compiler
from wattwatch.scan.warm_up import warm_up

load_compiler()
try:
    warm_up()
except OSError:  # no temporary file to read the made-up meters from: the workers load the code as they go
    pass
