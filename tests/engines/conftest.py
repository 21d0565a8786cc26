"""Fixtures of the shared engine suite: one local Spark session for the whole run, data on disk, each engine."""

from __future__ import annotations

import pytest

from wattwatch.engine.spark_session import java_available
from wattwatch.settings import Settings
from wattwatch.store import connect

from engines import engine_toy
from engines.engine_data import CITY, ENGINES, build_city, make_engine

NO_JAVA = "the Spark engine needs Java 17+: no java on PATH and JAVA_HOME unset"


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (local[2], no UI, loopback only) shared by every test; stopped at the end."""
    if not java_available():
        pytest.skip(NO_JAVA)
    from pyspark import cloudpickle

    from wattwatch.engine.spark_session import spark_session

    # Spark's Python workers cannot import test modules: send the toy kernel's code along with it.
    cloudpickle.register_pickle_by_value(engine_toy)
    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    return build_city(tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="session")
def city_con(city):
    con = connect(city.store, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def city_settings():
    return Settings(timezone=CITY.timezone, min_history_days=42)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request, city, city_con, city_settings):
    """Each engine over the same city."""
    return make_engine(request.param, request, city_con, city_settings, city)
