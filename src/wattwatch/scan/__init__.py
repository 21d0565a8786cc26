"""The scan: from the store to ranked, explained leads and an offline report.

run_scan and ScanResult are loaded on first use: the scan's worker processes import only the per-meter stage
(scan.meter_stage), not the pipeline with its linkage and report modules.
"""

__all__ = ["ScanResult", "run_scan"]


def __getattr__(name: str):
    if name in __all__:
        from wattwatch.scan import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
