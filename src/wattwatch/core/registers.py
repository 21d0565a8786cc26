"""Turn cumulative register reads into interval energy, vectorised over all meters at once.

Input is one flat array of reads sorted by (meter code, time). Read i of a meter closes the interval that started
at read i-1: its energy is the register difference, attributed to the start time t[i-1]. The first read of each
meter only sets the baseline. A drop in the register is a roll-over when the previous value was within 10% of the
next power of ten (e.g. 99 987.2 on a five-digit counter) and the new value is below 10% of it; the modulus is added.
Any other drop of more than REPLACEMENT_MIN_DROP_KWH is a meter replacement: the energy across it is unknown.
Smaller drops are returned as negative energy (reading noise) for the caller to reject.
"""

from __future__ import annotations

import numpy as np

OK = 0
BASELINE = 1  # first read of a meter: no earlier read, so it closes no interval
REPLACEMENT = 2  # interval across a meter replacement: energy unknown (NaN)
REPLACEMENT_MIN_DROP_KWH = 1.0
ROLLOVER_NEAR = 0.9  # previous value at least this share of the modulus
ROLLOVER_SMALL = 0.1  # new value below this share of the modulus


def register_intervals(
    codes: np.ndarray, t: np.ndarray, register: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per read: (energy kWh of the interval it closes, that interval's start time, status).

    Energy is NaN and start is -1 for BASELINE and REPLACEMENT reads.
    """
    codes = np.asarray(codes)
    t = np.asarray(t, dtype=np.int64)
    v = np.asarray(register, dtype=np.float64)
    n = v.size
    energy = np.full(n, np.nan)
    start = np.full(n, -1, dtype=np.int64)
    status = np.full(n, BASELINE, dtype=np.int8)
    if n < 2:
        return energy, start, status
    cont = np.r_[False, codes[1:] == codes[:-1]]
    prev = np.r_[np.nan, v[:-1]]
    diff = v - prev
    with np.errstate(divide="ignore", invalid="ignore"):
        modulus = 10.0 ** (np.floor(np.log10(np.where(prev > 0, prev, 1.0))) + 1)
    rollover = cont & (diff < 0) & (prev >= ROLLOVER_NEAR * modulus) & (v < ROLLOVER_SMALL * modulus)
    replacement = cont & (diff < -REPLACEMENT_MIN_DROP_KWH) & ~rollover
    ok = cont & ~replacement
    energy[ok] = np.where(rollover, diff + modulus, diff)[ok]
    start[ok] = np.r_[-1, t[:-1]][ok]
    status[ok] = OK
    status[replacement] = REPLACEMENT
    return energy, start, status
