"""The Spark session: spark-submit's when launched by it, else a small local one that reaches no network."""

from __future__ import annotations

import pytest

from wattwatch.engine import spark_session as session_module
from wattwatch.engine.spark_session import LOCAL_CONF, java_available, spark_session, under_spark_submit


def test_without_java_the_local_session_is_refused_with_the_reason(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert not java_available()
    with pytest.raises(RuntimeError, match="needs Java 17"):
        spark_session()


def test_spark_submit_is_recognised_by_its_gateway(monkeypatch):
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert not under_spark_submit()
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40123")
    assert under_spark_submit()


def test_log_settings_ship_with_the_package():
    assert session_module.LOG_CONFIG.is_file()


@pytest.mark.slow
def test_the_local_session_runs_with_the_local_settings(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.master") == session_module.LOCAL_MASTER
    for key in ("spark.ui.enabled", "spark.driver.host", "spark.driver.bindAddress", "spark.sql.shuffle.partitions"):
        assert conf.get(key) == LOCAL_CONF[key], key
    assert spark.range(5).count() == 5
