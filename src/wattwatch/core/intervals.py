"""Each meter's reading interval from its own timestamps, for readings that arrive without a meter register entry
(Parquet given straight to the scan): the most common step between consecutive readings among the usual metering
intervals, else the meter's median step. The scan infers it in a compiled pass (core.kernels.cells.interval_minutes);
its vectorised NumPy twin is tests/numpy_intervals.py."""

USUAL_MINUTES = (60, 30, 15, 10, 5)  # tried in this order, so a tie goes to the coarser interval
