"""engine.compiler: numba's target loads without its BLAS probe importing scipy.linalg, and nothing depends on it."""

import ast
import subprocess
import sys
from pathlib import Path

import wattwatch

LOAD_THEN_DOT = """
import sys
import numpy as np
from numba import njit
from wattwatch.engine.compiler import BLAS_PROBE, load_compiler
load_compiler()
print("scipy.linalg" in sys.modules, BLAS_PROBE in sys.modules)
dot = njit(lambda a, b: np.dot(a, b))  # linear algebra compiled afterwards imports scipy for itself
print(dot(np.arange(3.0), np.arange(3.0)), "scipy.linalg" in sys.modules)
"""

BLAS_DEPENDENT = {"correlate", "convolve"}  # the only numba implementations that read the BLAS probe's answer


def test_the_target_loads_without_scipy_linalg_and_linear_algebra_still_compiles():
    done = subprocess.run([sys.executable, "-c", LOAD_THEN_DOT], capture_output=True, text=True, check=True)
    after_load, after_dot = done.stdout.splitlines()
    assert after_load == "False False"  # nothing imported, and the absent-mark taken away again
    assert after_dot == "5.0 True"


def test_no_source_of_wattwatch_calls_what_the_blas_probe_changes():
    """np.correlate and np.convolve are the only compiled functions whose result depends on the skipped probe (a BLAS
    dot product or numba's own loop): none may be called anywhere in wattwatch."""
    root = Path(wattwatch.__file__).parent
    calls = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in BLAS_DEPENDENT:
                calls.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert calls == []
