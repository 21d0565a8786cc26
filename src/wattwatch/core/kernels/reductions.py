"""Small compiled reductions with NumPy's exact semantics, shared by the kernels."""

from __future__ import annotations

import numpy as np
from numba import njit

# How every kernel is compiled: cached on disk, GIL released, and IEEE division (x / 0 is inf or NaN, as in
# NumPy) instead of Python's ZeroDivisionError checks, which cost a branch per division in the inner loops.
KERNEL = dict(cache=True, nogil=True, error_model="numpy")
PAIRWISE_BLOCK = 128  # NumPy's PW_BLOCKSIZE: below it, eight running sums; above it, halves


@njit(**KERNEL)
def pairwise_sum(a, lo, n):
    """a[lo:lo + n].sum() in the order NumPy adds a contiguous last-axis reduction (its pairwise summation), so a
    compiled kernel's sums agree with NumPy's bit for bit. NumPy recurses on halves (multiples of 8) down to
    blocks of at most PAIRWISE_BLOCK; the halves are walked here with an explicit stack (a cached numba function
    cannot call itself)."""
    if n <= PAIRWISE_BLOCK:
        return block_sum(a, lo, n)
    seg_lo = np.empty(128, dtype=np.int64)  # pending segments; n = -1 marks "add the top two sums"
    seg_n = np.empty(128, dtype=np.int64)
    sums = np.empty(128)
    seg_lo[0], seg_n[0] = lo, n
    top, n_sums = 1, 0
    while top:
        top -= 1
        start, size = seg_lo[top], seg_n[top]
        if size < 0:
            n_sums -= 1
            sums[n_sums - 1] += sums[n_sums]
        elif size <= PAIRWISE_BLOCK:
            sums[n_sums] = block_sum(a, start, size)
            n_sums += 1
        else:
            half = size // 2
            half -= half % 8
            seg_n[top] = -1
            seg_lo[top + 1], seg_n[top + 1] = start + half, size - half
            seg_lo[top + 2], seg_n[top + 2] = start, half
            top += 3
    return sums[0]


@njit(**KERNEL)
def block_sum(a, lo, n):
    """NumPy's pairwise sum of at most PAIRWISE_BLOCK values: in order below 8, else eight running sums."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res

