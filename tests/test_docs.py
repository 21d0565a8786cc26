"""The docs are tested against the code: every column, reason code and command they promise must exist."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wattwatch.cli import app
from wattwatch.schema import ALL_TABLES, CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
FORMATS = (ROOT / "docs" / "data-formats.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", sorted(ALL_TABLES))
def test_every_column_is_documented(table):
    for column in ALL_TABLES[table].columns:
        assert f"`{column.name}`" in FORMATS, f"{table}.{column.name} missing from docs/data-formats.md"


def test_every_category_is_documented():
    for category in CATEGORIES:
        assert category in FORMATS


def test_every_reason_code_is_documented():
    from wattwatch.ingest.reasons import REASONS

    for code in REASONS:
        assert f"`{code}`" in FORMATS, f"reason {code} missing from docs/data-formats.md"


def test_readme_quick_start_is_the_two_make_commands():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_commands_named_in_readme_exist():
    named = set(re.findall(r"`(ingest|scan|rejects|settings|demo|serve)`", README))
    runner = CliRunner()
    for command in named:
        assert runner.invoke(app, [command, "--help"]).exit_code == 0, command


def test_every_signal_is_documented_with_its_meaning():
    from wattwatch.scan.findings import SIGNALS

    detectors = (ROOT / "docs" / "detectors.md").read_text(encoding="utf-8")
    for signal, meaning in SIGNALS.items():
        assert f"| `{signal}` | {meaning} |" in detectors, f"signal {signal} missing or out of date in docs/detectors.md"
