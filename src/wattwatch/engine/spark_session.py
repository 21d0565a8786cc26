"""The Spark session the Spark engine runs in: the one spark-submit made, or a small local one.

Under spark-submit (a cluster, or `--master local[*]` by hand) the session's master, memory and cores come from
spark-submit and are left alone. Otherwise — the CLI on one machine and the tests — a local session is started with
LOCAL_CONF: two worker threads, no web UI, bound to the loopback interface so nothing is reached on the network,
bounded driver memory, UTC session time zone and quiet logs. The session is started once per process and reused.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

LOCAL_MASTER = "local[2]"
LOG_CONFIG = Path(__file__).with_name("spark_log4j2.properties")

# Settings of the local session, with why; every key is a Spark configuration key.
LOCAL_CONF: dict[str, str] = {
    "spark.app.name": "wattwatch",
    "spark.ui.enabled": "false",  # no web server
    "spark.ui.showConsoleProgress": "false",  # the CLI draws its own progress bar
    "spark.driver.host": "127.0.0.1",  # loopback only: no network needed or used
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "2g",  # the JVM heap; the kernels' arrays live in the Python workers
    "spark.sql.shuffle.partitions": "4",  # a few partitions suit 2 cores; a cluster sets its own
    "spark.sql.session.timeZone": "UTC",  # instants stay instants; local time is the kernels' job
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
}


def java_available() -> bool:
    """Spark needs a Java runtime (17 or newer): on PATH or under JAVA_HOME."""
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and (Path(home) / "bin" / "java").exists())


def under_spark_submit() -> bool:
    """spark-submit starts the Python driver with a gateway to its JVM already running."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session():
    """The process's Spark session: spark-submit's when launched by it, else a local one (see LOCAL_CONF)."""
    from pyspark.sql import SparkSession  # pyspark starts slowly: imported only when Spark is used

    if under_spark_submit():
        return SparkSession.builder.getOrCreate()
    if not java_available():
        raise RuntimeError("the Spark engine needs Java 17 or newer: install it or set JAVA_HOME")
    # Python workers must run the interpreter that has wattwatch installed, not whatever `python3` is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(LOCAL_MASTER)
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
