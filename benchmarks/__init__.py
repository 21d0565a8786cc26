"""Detection-quality benchmark of the whole wattwatch pipeline (run benchmarks/quality.py)."""
