"""Validated ingestion of meter readings, register reads, premises, sales, stores and feeders into DuckDB."""

from wattwatch.ingest.loader import KINDS, ingest_file
from wattwatch.ingest.summary import LoadSummary

__all__ = ["KINDS", "LoadSummary", "ingest_file"]
