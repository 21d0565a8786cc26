"""Whole-file problems fail fast with file/line/column/expected; CSV dialects, encodings and Parquet are read."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import table_fingerprint
from wattwatch.errors import InputError
from wattwatch.ingest import ingest_file

GOOD = ["M1,2024-01-10T00:00:00+01:00,1", "M1,2024-01-10T00:15:00+01:00,2", "M2,2024-01-10T00:00:00+01:00,1",
        "M2,2024-01-10T01:00:00+01:00,1"]


def readings_text(header="meter_id,timestamp,kwh", rows=GOOD, sep=",", nl="\n") -> str:
    return nl.join([header.replace(",", sep), *(r.replace(",", sep) for r in rows)]) + nl


WRONG_FILES = [
    # (name, content, message fragment, line, column)
    ("a.csv", readings_text(header="meter_id,timestamp,kwh_value"), "did you mean 'kwh_value'", 1, "kwh"),
    ("b.csv", readings_text(header="meter,timestamp,kwh"), "missing required column 'meter_id'", 1, "meter_id"),
    ("c.csv", readings_text(rows=["M1,2024-01-10T00:00:00+01:00,1", "M1,2024-01-10T00:15:00+01:00,1"] +
                            [f"M1,2024-01-10T00:{i:02d}:00+01:00,1,5" for i in range(10)]), None, None, None),
    ("d.csv", readings_text(rows=[f"M1,2024-01-10T00:{i:02d}:00+01:00,1{chr(44 + 2)}5kWh" for i in range(10)]),
     "not a float", 2, "kwh"),
    ("e.csv", readings_text(rows=[f"M1,10.01.2024 00:{i:02d},1" for i in range(10)]), "not a timestamp", 2,
     "timestamp"),
    ("f.csv", readings_text(rows=[f"M1,2024-01-10 00:{i:02d}:00,1" for i in range(10)]), "--timezone", 2,
     "timestamp"),
    ("g.xlsx", "whatever", "unsupported file type", None, None),
    ("h.csv", "", "empty", 1, None),
    ("i.csv", "\n\nmeter_id,timestamp,kwh\n", "blank", 1, None),
    ("j.parquet", "this is not parquet", "Parquet", None, None),
]


@pytest.mark.parametrize("name,content,fragment,line,column", WRONG_FILES)
def test_wrong_file_fails_fast_and_writes_nothing(registered, write, name, content, fragment, line, column):
    before = table_fingerprint(registered)
    path = write(name, content)
    if fragment is None:  # every row ragged: not a wrong file, every row quarantined
        s = ingest_file(registered, "readings", path)
        assert s.rows_accepted == 2 and s.by_reason == {"wrong_field_count": 10}
        return
    with pytest.raises(InputError) as err:
        ingest_file(registered, "readings", path)
    e = err.value
    assert fragment in str(e) and e.file == str(path) and name in str(e)
    assert e.line == line and e.column == column
    assert table_fingerprint(registered) == before


def test_bad_encoding_names_the_line_and_suggests_cp1252(registered, write):
    text = readings_text().encode() + "M1,2024-01-10T00:30:00+01:00,1 # Tiranë\n".encode("cp1252")
    path = write("enc.csv", text)
    with pytest.raises(InputError) as err:
        ingest_file(registered, "readings", path)
    assert err.value.line == 6 and "cp1252" in str(err.value)
    s = ingest_file(registered, "readings", path, encoding="cp1252")
    assert s.by_reason == {"bad_number": 1}


@pytest.mark.parametrize("sep,nl,bom", [(",", "\n", ""), (";", "\r\n", "\ufeff"), ("\t", "\n", "\ufeff")])
def test_dialects(registered, write, sep, nl, bom):
    s = ingest_file(registered, "readings", write("x.csv", bom + readings_text(sep=sep, nl=nl)))
    assert (s.rows_read, s.rows_accepted) == (4, 4)


def test_extra_columns_and_case_are_ignored(registered, write):
    rows = [r + ",note" for r in GOOD]
    s = ingest_file(registered, "readings", write("x.csv", readings_text(header=" Meter_ID ,TIMESTAMP,kWh,comment",
                                                                      rows=rows)))
    assert s.rows_accepted == 4


def test_physical_line_numbers_with_blank_lines_and_quoted_newlines(registered, write):
    text = ('meter_id,timestamp,kwh,note\n'
            'M1,2024-01-10T00:00:00+01:00,1,"two\nlines"\n'
            '\n'
            'M1,2024-01-10T00:15:00+01:00,2,x\n'
            'M1,2024-01-10T00:30:00+01:00,-1,x\n'
            'M1,short\n'
            'M1,2024-01-10T00:45:00+01:00,2,x\n')
    ingest_file(registered, "readings", write("x.csv", text))
    got = registered.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
    assert got == [(6, "negative_kwh"), (7, "wrong_field_count")]


def test_parquet_typed_and_string_columns(registered, write, tmp_path):
    ts = pa.array([1704841200_000000, 1704842100_000000, 1704843000_000000], pa.timestamp("us", tz="UTC"))
    table = pa.table({"meter_id": ["M1", "M1", "M1"], "timestamp": ts, "kwh": [1.0, -2.0, 3.0], "x": [1, 2, 3]})
    pq.write_table(table, tmp_path / "r.parquet")
    s = ingest_file(registered, "readings", tmp_path / "r.parquet")
    assert (s.rows_accepted, s.by_reason) == (2, {"negative_kwh": 1})
    assert registered.execute("SELECT line FROM quarantine").fetchall() == [(2,)]
    naive = pa.table({"meter_id": ["M2"] * 2, "timestamp": ["2024-01-10 00:00", "2024-01-10 00:15"], "kwh": ["1", "2"]})
    pq.write_table(naive, tmp_path / "n.parquet")
    with pytest.raises(InputError, match="--timezone"):
        ingest_file(registered, "readings", tmp_path / "n.parquet")
    assert ingest_file(registered, "readings", tmp_path / "n.parquet", timezone="Europe/Tirane").rows_accepted == 2


def test_unknown_kind_timezone_and_missing_file(registered, write):
    path = write("x.csv", readings_text())
    for kwargs in ({"kind": "weather"}, {"kind": "readings", "timezone": "Mars/Olympus"}):
        with pytest.raises(InputError):
            ingest_file(registered, path=path, **kwargs)
    with pytest.raises(InputError, match="no such file"):
        ingest_file(registered, "readings", path.with_name("nope.csv"))
