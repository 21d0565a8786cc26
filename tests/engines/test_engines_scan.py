"""The whole scan on Spark gives the DuckDB fast path's leads, to the bit: same premises in the same order, same
scores, signals, explanations and report marks; and both engines report the same report profiles."""

from __future__ import annotations

import dataclasses

import pytest

from wattwatch.scan import run_scan

from engines.engine_data import make_engine


def scan(name: str, request, city, city_con, settings, out_dir):
    engine = make_engine(name, request, city_con, settings, city)
    result = run_scan(city_con, settings, out_dir, engine=engine)
    return result, engine


@pytest.mark.slow
def test_spark_scan_gives_the_duckdb_leads(request, city, city_con, city_settings, tmp_path):
    duck, duck_engine = scan("duckdb", request, city, city_con, city_settings, tmp_path / "duckdb")
    spark, spark_engine = scan("spark", request, city, city_con, city_settings, tmp_path / "spark")
    assert duck.n_leads > 0 and (duck.n_meters, duck.n_days, duck.first_day) == (
        spark.n_meters, spark.n_days, spark.first_day)
    assert [lead.premise_id for lead in spark.leads] == [lead.premise_id for lead in duck.leads]
    for ours, theirs in zip(spark.leads, duck.leads):  # repr: every float to the bit, and NaN equals NaN
        assert repr(dataclasses.asdict(ours)) == repr(dataclasses.asdict(theirs))
    assert spark.leads_csv.read_bytes() == duck.leads_csv.read_bytes()
    assert spark.report_html.read_bytes() == duck.report_html.read_bytes()  # the top leads' profiles too
    assert spark_engine.stats == duck_engine.stats
