"""Where the Parquet fast path's worker processes come from: a fork server that has loaded, once, what they need.

Workers are forked from a fork server (a clean process, not the scan's, where DuckDB and Arrow threads live) that
has imported the reader and the per-meter stage, loaded numba's compiler target and run both on a few made-up meters
(engine.warm) once for all of them: spawned workers would each pay about 0.8 s of CPU for those after the job has
arrived. This module imports nothing heavy, so the command line starts the fork server before its own imports
(forks_workers) and it loads while the scan's modules are imported and the register is ingested. Where there is no
fork server, workers are spawned and each imports and loads for itself.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
from typing import Sequence

PRELOAD = ["wattwatch.engine.warm"]
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
KEEP_BELOW = 1 << 30  # bytes: allocations below this come from the heap, and freed heap stays with the process


def pool_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context the scan's worker pools come from."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server now, without waiting for it to load (with one core there are no worker processes)."""
    if len(os.sched_getaffinity(0)) > 1 and pool_context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


def forks_workers(argv: Sequence[str]) -> bool:
    """Whether a command line (sys.argv) is a scan of Parquet readings on this machine: `scan` with
    --readings-parquet and not --engine spark. The command line starts the fork server for it before its own
    imports (wattwatch.cli), about 0.25 s earlier than the scan could, so that the server is loaded by the time
    the workers are needed."""
    args = list(argv[1:])
    if args[:1] != ["scan"]:
        return False
    options = {arg.split("=", 1)[0]: arg.split("=", 1)[1] for arg in args if arg.startswith("--") and "=" in arg}
    options.update({arg: value for arg, value in zip(args, args[1:]) if arg.startswith("--")})
    return "--readings-parquet" in options and options.get("--engine", "duckdb") != "spark"


def keep_freed_memory() -> bool:
    """Make glibc's malloc keep the memory a chunk frees for the next chunk (True where it could).

    By default an allocation above malloc's mmap threshold (which grows with freed allocations, but never past 32
    MB: a chunk's readings, hourly profiles and the detectors' [meters, days, 24] temporaries lie above it) is a
    fresh mapping, unmapped when freed, so the next chunk faults each of its pages in again, zeroed: about 0.07 ms
    of CPU per meter-year. A worker runs chunks of the same size one after the other, so its peak memory is about
    the same either way; only its pages are reused instead of returned."""
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols: libc's on Linux
        return bool(libc.mallopt(M_MMAP_THRESHOLD, KEEP_BELOW) and libc.mallopt(M_TRIM_THRESHOLD, KEEP_BELOW))
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): malloc stays as it is
        return False
