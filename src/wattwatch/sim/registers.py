"""Cumulative register reads for a few meters: the counter as the meter shows it, with one roll-over of a
5-digit register and one meter replacement (the new meter starts near zero)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

ROLLOVER_KWH = 100_000.0


def register_reads(rng: np.random.Generator, meter_ids: list[str], utc_s: np.ndarray, kwh: np.ndarray,
                   tz: str) -> tuple[pa.Table, dict[str, str]]:
    """kwh: (meters, T) interval energy on the grid utc_s; reads are taken at every interval start and at the end.

    Returns the table and what happened to each meter (for the truth notes)."""
    step = int(utc_s[1] - utc_s[0])
    times = np.append(utc_s, utc_s[-1] + step)
    ids, ts, values, notes = [], [], [], {}
    for i, meter in enumerate(meter_ids):  # a handful of meters
        counter = np.concatenate([[0.0], np.cumsum(kwh[i])])
        if i == 0:  # starts just below the roll-over so that it wraps mid-period
            start = ROLLOVER_KWH - counter[len(counter) // 2] + rng.uniform(0, 50)
            value = (start + counter) % ROLLOVER_KWH
            notes[meter] = "register roll-over at 100000 kWh"
        else:
            value = rng.uniform(2_000, 60_000) + counter
            if i == 1:
                at = int(rng.integers(len(counter) // 4, 3 * len(counter) // 4))
                value[at:] = counter[at:] - counter[at] + rng.uniform(0, 5)
                notes[meter] = f"meter replaced at read {at}"
            else:
                notes[meter] = "register reads"
        ids += [meter] * len(times)
        ts.append(times)
        values.append(np.round(value, 2))
    table = pa.table({
        "meter_id": pa.array(ids, pa.string()),
        "timestamp": pa.array(np.concatenate(ts) * 1_000_000, pa.timestamp("us", tz=tz)),
        "register_kwh": np.concatenate(values),
    })
    return table, notes
