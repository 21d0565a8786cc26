"""Compiled (numba) per-meter kernels for the streaming scan: one or two passes over a chunk's readings or a
meter-day's slots where NumPy needs many passes over big temporary arrays.

Each kernel computes exactly what its NumPy definition does, in the same floating-point order where that order is
observable (sums use NumPy's own pairwise order: `reductions.pairwise_sum`), so results agree bit for bit. The NumPy
definitions stay as the slow, obviously-correct twins the tests compare against. Kernels are compiled on first use
and cached on disk (`cache=True`); they release the GIL (`nogil=True`).
"""
