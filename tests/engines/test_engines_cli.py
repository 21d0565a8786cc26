"""`scan --engine`: Spark scans Parquet readings and writes the DuckDB fast path's leads; its own readings option
needs Spark."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from wattwatch.cli import app


def said(result) -> str:
    """The command's output as one line of words (rich draws errors in a wrapped box)."""
    return " ".join(result.output.replace("│", " ").split())


def test_spark_engine_without_parquet_readings_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["scan", "--out", str(tmp_path / "out"), "--engine", "spark"])
    assert result.exit_code == 2 and "--readings-parquet or --spark-readings" in said(result)


def test_spark_readings_without_the_spark_engine_are_refused(tmp_path):
    result = CliRunner().invoke(app, ["scan", "--out", str(tmp_path / "out"), "--spark-readings", "x/"])
    assert result.exit_code == 2 and "only read with --engine spark" in said(result)


@pytest.mark.slow
def test_scan_on_spark_writes_the_fast_paths_leads(spark, city, tmp_path):
    readings = {
        "duckdb": ["--readings-parquet", str(city.sorted_readings)],
        "spark": ["--engine", "spark", "--spark-readings", str(city.readings_parts)],
    }
    for name, args in readings.items():
        db = shutil.copy(city.store, tmp_path / f"{name}.duckdb")  # the register, ingested once
        result = CliRunner().invoke(app, ["scan", "--out", str(tmp_path / name), "--db", str(db), *args])
        assert result.exit_code == 0, said(result)
        assert "rows in =" in said(result)
    assert (tmp_path / "spark" / "leads.csv").read_bytes() == (tmp_path / "duckdb" / "leads.csv").read_bytes()
