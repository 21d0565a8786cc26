"""Loading numba's compiler target in a process: once, early, and without numba's BLAS probe importing scipy.linalg.

The first call of any compiled function in a process loads numba's CPU target (about 0.4 s of CPU), even when the
function's machine code comes from the cache; the scan does it where it costs the least wall time (engine.workers,
engine.parquet). About two thirds of it is one probe: loading the target imports numba.np.arraymath, which asks
whether BLAS is there by importing scipy.linalg.cython_blas, and so scipy.linalg with everything that it imports.
numba reads the probe's answer in one place only, np.correlate and np.convolve (a BLAS dot product, or numba's own
loop without it), which no compiled function of wattwatch calls (tests/test_compiler.py checks the sources). So the
target is loaded while that one module is marked absent (None in sys.modules: Python's own way to make an import
fail), and the mark is taken away right after: linear algebra compiled later in the process (np.dot, np.linalg)
imports scipy for itself when it is typed, as it always does.
"""

from __future__ import annotations

import sys

from numba import njit

BLAS_PROBE = "scipy.linalg.cython_blas"  # the module numba.np.arraymath imports to probe for BLAS
TARGET_MODULE = "numba.np.arraymath"  # imported when the target loads: once it is there, the probe has run


@njit(cache=True)
def _smallest() -> bool:
    """The smallest compiled function: calling it loads the target."""
    return True


def load_compiler() -> bool:
    """Load numba's compiler target in this process (a no-op once loaded), skipping the BLAS probe's imports."""
    skip_probe = BLAS_PROBE not in sys.modules and TARGET_MODULE not in sys.modules
    if skip_probe:
        sys.modules[BLAS_PROBE] = None
    try:
        return _smallest()
    finally:
        if skip_probe and sys.modules.get(BLAS_PROBE, False) is None:
            del sys.modules[BLAS_PROBE]
