"""`wattwatch users | audit | leads | outcomes | escalate`: the trust layer from the command line.

Commands open the same database file as `scan` (default wattwatch.duckdb, or --db). DuckDB lets one process write a
file at a time, so run them while `wattwatch serve` is stopped, or against a copy for read-only checks.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)
out = Console()

CLI_ACTOR = "cli"  # the audit log's actor for what is done from the command line

users_app = typer.Typer(help="Accounts of analysts, supervisors and auditors.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the hash-chained audit log of every lead event.", no_args_is_help=True)
leads_app = typer.Typer(help="Bring a scan's leads into the dashboard.", no_args_is_help=True)
outcomes_app = typer.Typer(help="Inspection outcomes and dismissals.", no_args_is_help=True)
escalate_app = typer.Typer(help="Escalate leads nobody has touched for N days.", invoke_without_command=True)

DbOption = typer.Option(Path("wattwatch.duckdb"), "--db", help="DuckDB database file (the one `scan` wrote).")


def _workspace(db: Path):
    from wattwatch.trust import Workspace

    return Workspace.open(db)


def _fail(error: Exception) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(code=2)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name: lower-case letters, digits, '.', '_' or '-'."),
    role: str = typer.Option(..., "--role", help="analyst, supervisor or auditor."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of "
                                        "standard input instead of prompting (for scripts)."),
    db: Path = DbOption,
) -> None:
    """Create an account; the password is asked for (never given as an argument) and stored as an argon2id hash.

    Example:  wattwatch users add sara --role supervisor
    """
    from wattwatch.trust import TrustError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _workspace(db) as ws:
        try:
            user = ws.create_user(username, role, password, actor=CLI_ACTOR)
        except TrustError as error:
            _fail(error)
    out.print(f"created {user.username} ({user.role})")


@users_app.command("list")
def users_list(db: Path = DbOption) -> None:
    """List every account with its role."""
    with _workspace(db) as ws:
        accounts = ws.users()
    table = Table(title="Accounts")
    table.add_column("username")
    table.add_column("role")
    for user in accounts:
        table.add_row(user.username, user.role)
    out.print(table)


@audit_app.command("verify")
def audit_verify(
    db: Path = DbOption,
    anchor: Optional[Path] = typer.Option(None, "--anchor", exists=True, dir_okay=False,
                                          help="Anchor file from `audit anchor`: also detects a cut-off tail or a "
                                               "log rewritten from scratch."),
) -> None:
    """Recompute the hash chain; exit 0 when intact, 1 with the first bad entry's seq when not.

    Example:  wattwatch audit verify --db results/wattwatch.duckdb --anchor anchors/2026-03-01.json
    """
    with _workspace(db) as ws:
        report = ws.audit_verify(anchor)
    if report.ok:
        head = f"head seq {report.head.seq} hash {report.head.hash}" if report.head else "empty log"
        out.print(f"audit log intact: {report.n_entries:,} entries, {head}", soft_wrap=True)
        return
    out.print(f"audit log BROKEN at seq {report.first_bad_seq}: {report.problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@audit_app.command("anchor")
def audit_anchor(
    file: Path = typer.Argument(..., dir_okay=False, help="Where to write the anchor (JSON with seq and hash)."),
    db: Path = DbOption,
) -> None:
    """Write the chain's head (seq and hash) to FILE; keep it outside the database machine, e.g. each evening."""
    with _workspace(db) as ws:
        head = ws.audit_anchor()
    if head is None:
        _fail(ValueError("the audit log is empty: nothing to anchor yet"))
    head.save(file)
    out.print(f"anchor seq {head.seq} hash {head.hash} written to {file}", soft_wrap=True)


@leads_app.command("import")
def leads_import(
    leads_csv: Path = typer.Argument(..., exists=True, dir_okay=False, help="leads.csv written by `scan`."),
    scan_id: Optional[str] = typer.Option(None, "--scan-id", help="Name of the scan (default: the file's content "
                                          "hash); importing the same scan twice changes nothing."),
    db: Path = DbOption,
) -> None:
    """Import a scan's leads for triage: new premises start as 'new'; known ones keep their triage state.

    Example:  wattwatch leads import results/leads.csv --db results/wattwatch.duckdb
    """
    from wattwatch.errors import InputError

    with _workspace(db) as ws:
        try:
            created = ws.import_leads(leads_csv, scan_id, actor=CLI_ACTOR)
        except InputError as error:
            _fail(error)
        total = ws.list_leads().total
    out.print(f"{created:,} new leads; {total:,} leads in the dashboard")


@outcomes_app.command("export")
def outcomes_export(
    file: Path = typer.Argument(..., dir_okay=False, help="CSV file to write."),
    db: Path = DbOption,
) -> None:
    """Write every inspection outcome and confirmed dismissal to a CSV file."""
    with _workspace(db) as ws:
        n = ws.export_outcomes_csv(file)
    out.print(f"{n:,} decisions written to {file}")


@escalate_app.callback()
def escalate(
    days: Optional[int] = typer.Option(None, "--days", min=1, help="Untouched for this many days (default: the "
                                       "escalation_days setting, 14)."),
    db: Path = DbOption,
) -> None:
    """Escalate open leads that nobody has touched for N days; each gets an audit event. Run it daily."""
    with _workspace(db) as ws:
        escalated = ws.escalate_stale(days=days)
    out.print(f"{len(escalated):,} leads escalated")
    for premise_id in escalated:
        out.print(premise_id)
