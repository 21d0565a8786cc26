"""Typing the raw columns in DuckDB: one parsed relation per file, the fail-fast check on a sample, and the
first reason codes (missing values, unparseable timestamps and numbers, non-finite numbers).

All values are parsed with TRY_CAST so a bad value becomes a reason code on its row rather than an exception. The
parsed relation is layered (text, then parse, then instant/local) so each value is parsed exactly once.
Column names in it: `<c>__t` trimmed text (NULL when empty) for every column; `<c>` DOUBLE for numbers;
`<c>__inst` (TIMESTAMPTZ) and `<c>__local` (naive TIMESTAMP) for timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from wattwatch.errors import InputError
from wattwatch.ingest import reasons as R
from wattwatch.schema import Column, Table

SAMPLE_ROWS = 1000
MAX_BAD_SHARE = 0.5
FIRST_YEAR, LAST_YEAR = 1970, 2099
FIRST_US, LAST_US = 0, 4_102_444_800_000_000 - 1  # 1970-01-01 to the end of 2099, UTC


@dataclass(frozen=True)
class Rule:
    reason: str
    when: str  # SQL condition on the parsed row
    detail: str  # SQL expression for the quarantine detail


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_number(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def parsed_relation(spec: Table, schema: pa.Schema, source: str) -> str:
    """SQL subquery typing every contract column of `source` (which has `_line` and the raw columns)."""
    texts, raws, parsed, final = [], [], [], []
    for c in spec.columns:
        arrow_type = schema.field(c.name).type
        texts.append(f"NULLIF(trim(TRY_CAST({q(c.name)} AS VARCHAR)), '') AS {q(c.name + '__t')}")
        t = q(c.name + "__t")
        if c.type in ("float", "int"):
            if _is_number(arrow_type):
                raws.append(f"{q(c.name)} AS {q(c.name + '__raw')}")
                parsed.append(f"CAST({q(c.name + '__raw')} AS DOUBLE) AS {q(c.name)}")
            else:
                parsed.append(f"TRY_CAST({t} AS DOUBLE) AS {q(c.name)}")
        elif c.type == "timestamp":
            inst, local = q(c.name + "__inst"), q(c.name + "__local")
            if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
                raws.append(f"{q(c.name)} AS {q(c.name + '__raw')}")
                raw = q(c.name + "__raw")
                aware = pa.types.is_timestamp(arrow_type) and arrow_type.tz
                parsed.append(f"{raw if aware else 'NULL::TIMESTAMPTZ'} AS {inst}")
                parsed.append(f"{'NULL::TIMESTAMP' if aware else f'CAST({raw} AS TIMESTAMP)'} AS {local}")
            else:
                # parsed once as TIMESTAMPTZ (the session zone is UTC, so a naive text keeps its wall clock); it is
                # an instant when its time part carries Z or a numeric offset
                p, off = q(c.name + "__p"), q(c.name + "__off")
                parsed.append(f"TRY_CAST({t} AS TIMESTAMPTZ) AS {p}")
                parsed.append(f"(suffix(upper({t}), 'Z') OR contains(substr({t}, 11), '+') "
                              f"OR contains(substr({t}, 11), '-')) AS {off}")
                final.append(f"CASE WHEN {off} THEN {p} END AS {inst}")
                final.append(f"CASE WHEN NOT {off} THEN CAST({p} AS TIMESTAMP) END AS {local}")
    level1 = f"SELECT _line, {', '.join(texts + raws)} FROM {source}"
    level2 = f"SELECT *{''.join(', ' + p for p in parsed)} FROM ({level1})"
    return f"(SELECT *{''.join(', ' + f for f in final)} FROM ({level2}))"


def _bad_sql(col: Column, timezone: str | None) -> str | None:
    """Condition: the value is present but cannot be parsed as the column's type."""
    t = q(col.name + "__t")
    if col.type in ("float", "int"):
        return f"{t} IS NOT NULL AND {q(col.name)} IS NULL"
    if col.type == "timestamp":
        inst, local = q(col.name + "__inst"), q(col.name + "__local")
        usable = f"({inst} IS NOT NULL OR {local} IS NOT NULL)" if timezone else f"{inst} IS NOT NULL"
        return f"{t} IS NOT NULL AND NOT {usable}"
    return None


def check_sample(con: duckdb.DuckDBPyConnection, path: str, spec: Table, schema: pa.Schema, timezone: str | None):
    """Fail fast on a wrong file: a typed column unparseable, or naive times without a zone, on most first rows."""
    sample = parsed_relation(spec, schema, f"(SELECT * FROM src ORDER BY _line LIMIT {SAMPLE_ROWS})")
    n = con.execute(f"SELECT count(*) FROM {sample}").fetchone()[0]
    for col in spec.columns:
        t = q(col.name + "__t")
        if col.type == "timestamp" and timezone is None:
            count, line, value = con.execute(
                f"SELECT count(*), min(_line), arg_min({t}, _line) FROM {sample} "
                f"WHERE {q(col.name + '__local')} IS NOT NULL"
            ).fetchone()
            if count > MAX_BAD_SHARE * n:  # a stray naive row is only rejected; a naive file needs the zone
                raise InputError(
                    path,
                    f"timestamp {value!r} has no UTC offset; pass --timezone (e.g. --timezone Europe/Tirane) "
                    "to say which local time it is",
                    line=line,
                    column=col.name,
                    expected="ISO-8601 with offset such as 2024-03-31T02:00:00+01:00, or --timezone",
                )
        bad = _bad_sql(col, timezone)
        if bad is None or n == 0:
            continue
        count, first_line, first_value = con.execute(
            f"SELECT count(*), min(_line), arg_min({t}, _line) FROM {sample} WHERE {bad}"
        ).fetchone()
        if count > MAX_BAD_SHARE * n:
            raise InputError(
                path,
                f"{count} of the first {n} rows have a value that is not a {col.type}, first {first_value!r}",
                line=first_line,
                column=col.name,
                expected=_expected(col),
            )


def _expected(col: Column) -> str:
    if col.type == "timestamp":
        return "an ISO-8601 timestamp such as 2024-03-31T02:00:00+01:00"
    if col.type == "int":
        return "a whole number"
    return "a number with '.' as decimal separator"


def basic_rules(spec: Table, timezone: str | None, required_values: tuple[str, ...]) -> list[Rule]:
    """Missing values, unparseable and non-finite values, in the order they are checked."""
    rules = [Rule(R.MISSING_VALUE, f"{q(c + '__t')} IS NULL", f"'{c} is empty'") for c in required_values]
    for col in spec.columns:
        bad = _bad_sql(col, timezone)
        if bad is None:
            continue
        value = f"'{col.name}=' || {q(col.name + '__t')}"
        if col.type == "timestamp":
            inst, local = q(col.name + "__inst"), q(col.name + "__local")
            rules.append(Rule(R.BAD_TIMESTAMP, bad, f"{value} || ' is not a timestamp' || CASE WHEN {local} IS "
                              "NOT NULL THEN ' with a UTC offset (pass --timezone)' ELSE '' END"))
            # epoch bounds, not year(): calendar fields of a TIMESTAMPTZ go through ICU and are slow
            # 'inf' parses as an infinite timestamp, whose epoch is no number: it is outside the range too
            rules.append(Rule(R.BAD_TIMESTAMP, f"NOT isfinite(coalesce({inst}, {local})) OR coalesce(epoch_us({inst}), "
                              f"epoch_us({local})) NOT BETWEEN {FIRST_US} AND {LAST_US}",
                              f"{value} || ' is outside {FIRST_YEAR}-{LAST_YEAR}'"))
        else:
            rules.append(Rule(R.BAD_NUMBER, bad, f"{value} || ' is not a number'"))
            rules.append(Rule(R.NON_FINITE, f"NOT isfinite({q(col.name)})", f"{value} || ' is not finite'"))
    return rules


def case_sql(rules: list[Rule]) -> tuple[str, str]:
    """(reason, detail) SQL: the first rule that fires on a row wins."""
    if not rules:
        return "NULL::VARCHAR", "NULL::VARCHAR"
    reason = "CASE " + " ".join(f"WHEN {r.when} THEN '{r.reason}'" for r in rules) + " END"
    detail = "CASE " + " ".join(f"WHEN {r.when} THEN {r.detail}" for r in rules) + " END"
    return reason, detail
