"""Readings are classified in buckets of meters to bound memory: the result must not depend on the bucket size."""

import pytest

from conftest import table_fingerprint
from wattwatch.ingest import ingest_file
from wattwatch.ingest import series
from wattwatch.sim import CityConfig, generate_city, write_city
from wattwatch.store import connect


@pytest.fixture(scope="module")
def messy_city(tmp_path_factory):
    config = CityConfig(seed=11, n_premises=60, days=40, mess_rate=0.2)
    return write_city(generate_city(config), tmp_path_factory.mktemp("city"))


def load(path, paths, monkeypatch, rows_per_bucket):
    monkeypatch.setattr(series, "ROWS_PER_BUCKET", rows_per_bucket)
    con = connect(path)
    ingest_file(con, "premises", paths["premises"])
    summary = ingest_file(con, "readings", paths["readings"])
    fingerprint = {k: v for k, v in table_fingerprint(con).items() if k != "loads"}  # loads holds a timestamp
    con.close()
    return summary, fingerprint


def test_bucket_size_does_not_change_the_result(messy_city, tmp_path, monkeypatch):
    one, one_fp = load(tmp_path / "one.duckdb", messy_city, monkeypatch, 10**9)
    many, many_fp = load(tmp_path / "many.duckdb", messy_city, monkeypatch, 997)
    assert one.rows_rejected > 0  # the mess makes every rule fire somewhere
    assert (one.rows_read, one.rows_accepted, one.by_reason) == (many.rows_read, many.rows_accepted, many.by_reason)
    assert one_fp == many_fp
