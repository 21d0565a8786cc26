"""Shared fixtures: a fresh database, a file writer, and a small premises register."""

from __future__ import annotations

from pathlib import Path

import pytest

from wattwatch.ingest import ingest_file
from wattwatch.store import connect

PREMISES_HEADER = "premise_id,meter_id,category,address,city,latitude,longitude"
METERS = ("M1", "M2", "M3")


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "test.duckdb")
    yield c
    c.close()


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes) -> path of a file in the test's temporary folder."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


@pytest.fixture
def registered(con, write):
    """A database whose premises register holds meters M1, M2, M3."""
    rows = [f"P{i},{m},residential,Rr. Dibres {i},Tirane,41.33,19.82" for i, m in enumerate(METERS)]
    ingest_file(con, "premises", write("premises.csv", "\n".join([PREMISES_HEADER, *rows]) + "\n"))
    return con


def table_fingerprint(con) -> dict[str, object]:
    """Row count and an order-independent content hash per table: equal fingerprints = unchanged database."""
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    return {
        n: con.execute(f'SELECT count(*), coalesce(sum(hash(t)), 0) FROM "{n}" t').fetchone() for n in sorted(names)
    }
