"""Read a CSV or Parquet file into an Arrow table of the contract's columns plus `_line`, or fail fast.

CSV values are read as strings (typing happens in DuckDB, where failures become reason codes); Parquet keeps its
types. Column names are matched trimmed and case-insensitively; extra columns are ignored; absent optional
columns come back as all-null strings.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wattwatch.errors import InputError
from wattwatch.ingest.csvscan import encoding_error, scan_csv
from wattwatch.schema import Table

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = (",", ";", "\t")
LINE = "_line"


@dataclass(frozen=True)
class Source:
    table: pa.Table  # _line + every column of the contract table (optional ones may be all null)
    ragged: list[tuple[int, str]]  # (line, text) of CSV rows with the wrong number of fields
    delimiter: str  # joins a row's values back into text for the quarantine


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    with open(path, "rb") as fh:
        if fh.read(4) == b"PAR1":
            return "parquet"
    raise InputError(path, f"unsupported file type '{suffix or '(none)'}'", expected="a .csv or .parquet file")


def _normalise(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower()


def column_names(path: Path, encoding: str) -> list[str]:
    """The file's column names, trimmed and lower-case, without reading its rows."""
    if file_format(path) == "csv":
        try:
            codecs.lookup(encoding)
        except LookupError:
            return []
        return [_normalise(n) for n in _header(path, encoding)[0]] if path.stat().st_size else []
    try:
        return [_normalise(n) for n in pq.read_schema(path).names]
    except (pa.ArrowException, OSError):
        return []


def _column_map(path: Path, names: list[str], spec: Table) -> dict[str, int]:
    """Contract column -> index in the file; raises naming the closest match for a missing required column."""
    normalised = [_normalise(n) for n in names]
    index: dict[str, int] = {}
    for i, n in enumerate(normalised):
        index.setdefault(n, i)
    missing = [c for c in spec.required if c not in index]
    if missing:
        close = difflib.get_close_matches(missing[0], normalised, n=1, cutoff=0.5)
        hint = f" (did you mean '{names[normalised.index(close[0])].strip()}'?)" if close else ""
        raise InputError(
            path,
            f"missing required column '{missing[0]}'{hint}; the header has: {', '.join(n.strip() for n in names)}",
            line=1,
            column=missing[0],
            expected=f"{spec.name} columns {', '.join(spec.required)}"
            + (f" (optional: {', '.join(spec.optional)})" if spec.optional else ""),
        )
    return {c.name: index[c.name] for c in spec.columns if c.name in index}


def _header(path: Path, encoding: str) -> tuple[list[str], str]:
    with open(path, "rb") as fh:
        first = fh.readline()
    try:
        text = first.decode(encoding).lstrip("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as err:
        raise encoding_error(path, encoding, 1, err) from None
    if not text.strip():
        raise InputError(path, "the file is empty or its first line is blank", line=1, expected="a header row")
    delimiter = max(DELIMITERS, key=text.count)
    return next(csv.reader(io.StringIO(text), delimiter=delimiter)), delimiter


def _with_all_columns(path: Path, table: pa.Table, lines: np.ndarray, spec: Table) -> pa.Table:
    arrays = {LINE: pa.array(lines, type=pa.int64())}
    for c in spec.columns:
        arrays[c.name] = table.column(c.name) if c.name in table.column_names else pa.nulls(len(lines), pa.string())
    return pa.table(arrays)


def read_csv(path: Path, spec: Table, encoding: str) -> Source:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(path, f"unknown encoding '{encoding}'", expected="e.g. utf-8, cp1252, latin-1") from None
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty", line=1, expected="a header row")
    scan = scan_csv(path, codec)
    names, delimiter = _header(path, codec)
    columns = _column_map(path, names, spec)
    generated = [f"f{i}" for i in range(len(names))]
    ragged_numbers: list[tuple[int | None, str]] = []

    def on_ragged(row: pacsv.InvalidRow) -> str:
        ragged_numbers.append((row.number, row.text))
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        ragged_numbers.clear()
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=generated,
                skip_rows=1,
                use_threads=use_threads,
                encoding="utf8" if codec in ("utf-8", "utf-8-sig") else codec,
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_ragged),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in columns.values()},
                include_columns=[f"f{i}" for i in columns.values()],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        raw = read(use_threads=True)
        if ragged_numbers:  # record numbers are only reported by the single-threaded reader
            raw = read(use_threads=False)
    except pa.ArrowInvalid as err:
        raise InputError(path, f"cannot be read as CSV: {err}", expected="delimited text with a header row") from None
    raw = raw.rename_columns([next(c for c, i in columns.items() if f"f{i}" == n) for n in raw.column_names])

    # pyarrow numbers non-blank records from 1 (the header); map them to physical lines when the counts agree
    numbers = np.array([n or 0 for n, _ in ragged_numbers], dtype=np.int64)
    valid = np.setdiff1d(np.arange(2, raw.num_rows + numbers.size + 2, dtype=np.int64), numbers, assume_unique=True)
    record_lines = scan.record_lines
    if record_lines.size == raw.num_rows + numbers.size + 1:
        lines, ragged_lines = record_lines[valid - 1], record_lines[numbers - 1]
    else:  # quoting pyarrow read differently from the byte scan: fall back to record numbers
        lines, ragged_lines = valid, numbers
    ragged = [(int(line), text) for line, (_, text) in zip(ragged_lines, ragged_numbers)]
    return Source(_with_all_columns(path, raw, lines, spec), ragged, delimiter)


def read_parquet(path: Path, spec: Table) -> Source:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError(path, f"cannot be read as Parquet: {err}", expected="a Parquet file") from None
    columns = _column_map(path, table.column_names, spec)
    picked = pa.table({c: table.column(i) for c, i in columns.items()})
    lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return Source(_with_all_columns(path, picked, lines, spec), [], ",")


def read_source(path: Path, spec: Table, encoding: str) -> Source:
    if file_format(path) == "csv":
        return read_csv(path, spec, encoding)
    return read_parquet(path, spec)
