"""scan.warm_up: the made-up meters that the fork server runs through the reader and the per-meter stage take its
main paths (so their code is loaded before the workers fork), and write nothing."""

import tempfile
from pathlib import Path

import numpy as np

from wattwatch.ingest import reasons
from wattwatch.scan.warm_up import METER_IDS, N_DAYS, made_up_readings, read_made_up, warm_up
from wattwatch.settings import Settings


def test_the_reader_rejects_the_bad_and_the_repeated_reading_and_keeps_the_rest():
    chunk, stats = read_made_up(Settings())
    assert stats.rejected == {reasons.NEGATIVE_KWH: 1, reasons.CONFLICTING_DUPLICATE: 1}
    assert stats.rows_in == made_up_readings().num_rows == stats.accepted + 2
    assert chunk.rows.tolist() == [0, 1, 2]
    assert np.all(np.diff(chunk.utc_seconds[chunk.meter_row == 0]) > 0)


def test_the_stage_sees_a_switching_grow_a_household_with_gaps_and_a_fed_theft():
    out = warm_up()
    grow, household, theft = (METER_IDS.index(name) for name in ("grow", "household", "theft"))
    assert out["kwh"].shape == (3, N_DAYS)
    assert out["lighting.first_block_day"][grow] == 60 and out["lighting.switch_day"][grow] == 200
    assert out["lighting.score"][grow] > 0 and out["lighting.n_block_days"][household] == 0
    assert out["zero_days"][household].sum() == 3 and np.isnan(out["kwh"][household]).sum() == 4
    assert out["sum:feeder_metered"].shape == (1, N_DAYS, 24)
    metered = out["sum:feeder_metered"][0]
    assert np.nanmean(metered[:150]) > 2 * np.nanmean(metered[250:])  # the theft's drop, seen on its feeder


def test_warming_up_leaves_no_file_behind():
    before = set(Path(tempfile.gettempdir()).glob("wattwatch-warm-*"))
    warm_up()
    assert set(Path(tempfile.gettempdir()).glob("wattwatch-warm-*")) == before
