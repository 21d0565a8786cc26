"""docs/trust.md is tested against the code: every role, status, outcome, setting and command it must explain."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wattwatch.cli import app
from wattwatch.trust import OUTCOMES, ROLES, STATUSES, TrustSettings

DOC = (Path(__file__).resolve().parents[1] / "docs" / "trust.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*ROLES, *STATUSES, *OUTCOMES])
def test_every_role_status_and_outcome_is_explained(name):
    assert f"`{name}`" in DOC


@pytest.mark.parametrize("field", fields(TrustSettings), ids=lambda f: f.name)
def test_every_setting_is_listed_with_its_default(field):
    default = field.default if not float(field.default).is_integer() else int(field.default)
    assert f"| `{field.name}` | {default} |" in DOC


def test_every_command_in_the_doc_exists():
    commands = set(re.findall(r"^wattwatch ((?:users add|users list|audit verify|audit anchor|leads import|"
                              r"outcomes export|escalate))", DOC, re.M))
    assert len(commands) >= 6
    for command in commands:
        assert CliRunner().invoke(app, [*command.split(), "--help"]).exit_code == 0, command
