"""The scan: from the store to ranked, explained leads and an offline report."""

from wattwatch.scan.pipeline import ScanResult, run_scan

__all__ = ["ScanResult", "run_scan"]
