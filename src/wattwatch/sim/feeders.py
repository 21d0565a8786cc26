"""Feeder (transformer) meters: 30-80 neighbouring premises each; they measure what really flowed, stolen or not."""

from __future__ import annotations

import numpy as np

from .registry import Registry


def assign_feeders(rng: np.random.Generator, reg: Registry) -> np.ndarray:
    """Feeder id per meter: premises of a city swept by bearing from the centre, cut into runs of 30-80."""
    primary = np.flatnonzero(reg.primary)
    feeder_of_premise: dict[str, str] = {}
    n_feeders = 0
    for city in np.unique(reg.city[primary]):
        rows = primary[reg.city[primary] == city]
        lat, lon = reg.latitude[rows], reg.longitude[rows]
        bearing = np.arctan2(lat - lat.mean(), lon - lon.mean())
        ring = np.hypot(lat - lat.mean(), lon - lon.mean()) > np.median(np.hypot(lat - lat.mean(), lon - lon.mean()))
        order = rows[np.lexsort((bearing, ring))]
        i = 0
        while i < len(order):
            size = int(rng.integers(30, 81))
            if len(order) - (i + size) < 15:  # no tiny leftover feeder
                size = len(order) - i
            n_feeders += 1
            for r in order[i:i + size]:
                feeder_of_premise[reg.premise_id[r]] = f"FD{n_feeders:04d}"
            i += size
    return np.array([feeder_of_premise[p] for p in reg.premise_id], dtype=object)


def feeder_energy(rng: np.random.Generator, onehot: np.ndarray, true_hourly_kwh: np.ndarray) -> np.ndarray:
    """(feeders, hours) kWh: true consumption plus technical losses (2-6 %, growing with load) and meter noise.

    Losses and noise are kept positive so a feeder never reads below the premises it supplies."""
    energy = onehot @ true_hourly_kwh
    rate = rng.uniform(0.02, 0.06, len(energy))[:, None]
    relative = energy / np.maximum(energy.mean(axis=1, keepdims=True), 1e-9)
    losses = energy * rate * (0.6 + 0.4 * relative)  # resistive losses grow with the square of the current
    noise = np.abs(rng.normal(0, 0.002, energy.shape)) * energy
    return energy + losses + noise
