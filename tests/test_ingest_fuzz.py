"""Property-based fuzzing: random CSV text and Parquet tables either fail with a clear InputError naming the file,
or load with rows_read = accepted + rejected and the target table growing by exactly `accepted`."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wattwatch.errors import InputError
from wattwatch.ingest import ingest_file
from wattwatch.schema import PREMISES, READINGS
from wattwatch.store import connect

TARGET = {"readings": "readings", "premises": "premises"}

junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
timestamp = st.builds(
    lambda d, h, m, off: f"2024-03-{d:02d}T{h:02d}:{m:02d}:00{off}",
    st.integers(25, 31), st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 7]),
    st.sampled_from(["+01:00", "+02:00", "Z", "", " "]),
)
number = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-5, 10**7).map(str),
                   st.sampled_from(["", "nan", "1,5", "-0", "1e400"]))
meter = st.sampled_from(["M1", "M2", "M3", "M9", "", " M1 "])
category = st.sampled_from(["residential", "Commercial ", "other", "castle", ""])
CELLS = {"meter_id": meter, "timestamp": timestamp, "kwh": number, "category": category,
         "latitude": number, "longitude": number}


def fresh_db():
    con = connect(":memory:")
    con.execute("INSERT INTO premises (premise_id, meter_id, category, load_id) VALUES "
                "('P1','M1','residential',0), ('P2','M2','other',0), ('P3','M3','public',0)")
    return con


def check(con, kind: str, path: Path, **kw) -> None:
    table = TARGET[kind]
    before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    try:
        s = ingest_file(con, kind, path, **kw)
    except InputError as err:
        assert str(err).strip() and str(path) in str(err)
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before
        return
    assert s.rows_read == s.rows_accepted + s.rows_rejected
    assert sum(s.by_reason.values()) == s.rows_rejected
    grown = 0 if s.already_loaded else s.rows_accepted
    assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before + grown
    assert con.execute("SELECT count(*) FROM quarantine WHERE load_id = ?", [s.load_id]).fetchone()[0] \
        == s.rows_rejected


@st.composite
def csv_files(draw, spec):
    names = [c.name for c in spec.columns if c.required]
    header = draw(st.permutations(names))
    if draw(st.booleans()):
        header = header[:-1] if draw(st.booleans()) else [*header, "extra"]
    if draw(st.booleans()):
        header = [h.upper() if draw(st.booleans()) else h for h in header]
    sep = draw(st.sampled_from([",", ";"]))
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        cells = [draw(CELLS.get(h.lower(), junk)) for h in header]
        if draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))] + draw(st.lists(junk, max_size=2))
        rows.append(sep.join(c.replace(sep, " ").replace("\n", " ").replace('"', "") for c in cells))
    text = "\n".join([sep.join(header), *rows]) + draw(st.sampled_from(["\n", "", "\n\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    return data, draw(st.sampled_from(["utf-8", encoding]))


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(kind=st.sampled_from(["readings", "premises"]), data=st.data(), tz=st.sampled_from([None, "Europe/Tirane"]))
def test_random_csv(tmp_path_factory, kind, data, tz):
    spec = READINGS if kind == "readings" else PREMISES
    raw, encoding = data.draw(csv_files(spec))
    path = tmp_path_factory.mktemp("fuzz") / "random.csv"
    path.write_bytes(raw)
    con = fresh_db()
    check(con, kind, path, encoding=encoding, timezone=tz)
    check(con, kind, path, encoding=encoding, timezone=tz)  # a second load of the same file is a no-op


def column(name: str, n: int):
    kinds = {
        "str": st.lists(st.one_of(st.none(), CELLS.get(name, junk)), min_size=n, max_size=n).map(pa.array),
        "float": st.lists(st.one_of(st.none(), st.floats()), min_size=n, max_size=n).map(
            lambda v: pa.array(v, pa.float64())),
        "int": st.lists(st.integers(-(2**40), 2**40), min_size=n, max_size=n).map(lambda v: pa.array(v, pa.int64())),
        "ts": st.lists(st.integers(1_700_000_000, 1_720_000_000).map(lambda s: s - s % 900), min_size=n,
                       max_size=n).map(lambda v: pa.array([x * 10**6 for x in v], pa.timestamp("us", tz="UTC"))),
        "naive": st.lists(st.integers(1_700_000_000, 1_720_000_000), min_size=n, max_size=n).map(
            lambda v: pa.array([x * 10**6 for x in v], pa.timestamp("us"))),
        "bool": st.lists(st.booleans(), min_size=n, max_size=n).map(pa.array),
    }
    return st.sampled_from(sorted(kinds)).flatmap(lambda k: kinds[k])


@FUZZ
@given(kind=st.sampled_from(["readings", "premises"]), data=st.data(), n=st.integers(0, 30))
def test_random_parquet(tmp_path_factory, kind, data, n):
    spec = READINGS if kind == "readings" else PREMISES
    names = [c.name for c in spec.columns if c.required]
    names = data.draw(st.lists(st.sampled_from([*names, "junk"]), unique=True, min_size=len(names) - 1,
                               max_size=len(names) + 1))
    table = pa.table({name: data.draw(column(name, n)) for name in names})
    path = tmp_path_factory.mktemp("fuzz") / "random.parquet"
    pq.write_table(table, path)
    check(fresh_db(), kind, path, timezone=data.draw(st.sampled_from([None, "Europe/Tirane"])))


def test_nan_in_parquet_is_non_finite(tmp_path):
    table = pa.table({"meter_id": ["M1"] * 3, "timestamp": pa.array([0, 900, 1800], pa.int64()).cast(pa.int64()),
                      "kwh": [1.0, math.nan, 2.0]})
    table = table.set_column(1, "timestamp", pa.array([t * 10**6 + 1_704_067_200 * 10**6 for t in (0, 900, 1800)],
                                                      pa.timestamp("us", tz="UTC")))
    pq.write_table(table, tmp_path / "n.parquet")
    s = ingest_file(fresh_db(), "readings", tmp_path / "n.parquet")
    assert s.by_reason == {"non_finite": 1}
