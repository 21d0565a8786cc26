"""The `wattwatch` command line: ingest, scan, demo.

The CLI only parses options, shows progress and prints summaries; the work is done by wattwatch.ingest,
wattwatch.scan and wattwatch.sim, which the tests and benchmarks call directly.
"""

from __future__ import annotations

import atexit
import gc
import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Optional

from wattwatch.engine.workers import forks_workers, start_fork_server

if forks_workers(sys.argv):  # now, before the imports below: the workers' fork server loads while they run
    start_fork_server()

import typer
from rich.console import Console
from rich.table import Table

from wattwatch import __version__
from wattwatch.errors import InputError
from wattwatch.realdata import find_real_data
from wattwatch.settings import SETTINGS_FIELDS, Settings
from wattwatch.trust import cli as trust_cli

console = Console(stderr=True)
out = Console()

app = typer.Typer(
    name="wattwatch",
    help=(
        "Find indoor grows and power theft in meter data and lamp sales, as a ranked and explained list of leads.\n\n"
        "Quick start:  wattwatch demo                 (generate a demo city, scan it, write a report)\n\n"
        "Your data:    wattwatch scan --premises premises.csv --readings readings.parquet --out results/\n\n"
        "File formats are described in docs/data-formats.md; `wattwatch settings` lists every setting with its help."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)

app.add_typer(trust_cli.users_app, name="users")
app.add_typer(trust_cli.audit_app, name="audit")
app.add_typer(trust_cli.leads_app, name="leads")
app.add_typer(trust_cli.outcomes_app, name="outcomes")
app.add_typer(trust_cli.escalate_app, name="escalate")

# Load order matters: readings are checked against the premises register, sales against the stores.
LOAD_ORDER = ("premises", "stores", "readings", "register_reads", "feeders", "sales")


class EngineName(str, Enum):
    """Where `scan` reads the readings (wattwatch.engine)."""

    duckdb = "duckdb"
    spark = "spark"


DbOption = typer.Option(None, "--db", help="DuckDB database file to load into and scan from.")
TimezoneOption = typer.Option(
    None, "--timezone", help="IANA zone for files whose timestamps carry no UTC offset, e.g. Europe/Tirane."
)
EncodingOption = typer.Option("utf-8", "--encoding", help="Text encoding of CSV files, e.g. utf-8, cp1252, latin-1.")
SettingsOption = typer.Option(None, "--settings", exists=True, dir_okay=False, help="JSON file of settings (see `wattwatch settings`).")
SetOption = typer.Option(None, "--set", help="Override one setting: --set name=value (repeatable).")


def _version(value: bool) -> None:
    if value:
        out.print(f"wattwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """wattwatch."""


def load_settings(path: Optional[Path], overrides: Optional[list[str]]) -> Settings:
    """Settings from defaults, then a JSON file, then --set overrides (each checked against the declared fields)."""
    data = json.loads(Settings.load(path).to_json()) if path else json.loads(Settings().to_json())
    for item in overrides or []:
        name, sep, value = item.partition("=")
        if not sep or name not in SETTINGS_FIELDS:
            raise typer.BadParameter(f"--set {item!r}: expected name=value with name one of {', '.join(SETTINGS_FIELDS)}")
        default = getattr(Settings(), name)
        try:
            data[name] = type(default)(value)
        except ValueError:
            raise typer.BadParameter(f"--set {item!r}: {name} must be a {type(default).__name__}") from None
    return Settings.from_json(json.dumps(data))


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )


def ingest_files(con, files: dict[str, list[Path]], settings: Settings, timezone: Optional[str], encoding: str):
    """Load files in dependency order with a progress bar each; print one summary table; return the summaries."""
    from wattwatch.ingest import ingest_file

    summaries = []
    with _progress() as progress:
        for kind in LOAD_ORDER:
            for path in files.get(kind, []):
                task = progress.add_task(f"ingest {kind} {path.name}", total=None)

                def report(done: int, total: int, task=task) -> None:
                    progress.update(task, completed=done, total=total)

                summaries.append(
                    ingest_file(con, kind, path, settings=settings, timezone=timezone, encoding=encoding, progress=report)
                )
                progress.remove_task(task)
    print_summaries(summaries)
    return summaries


def print_summaries(summaries) -> None:
    table = Table(title="Ingest summary: rows read = accepted + rejected")
    for col in ("file", "kind", "read", "accepted", "rejected", "rejected by reason"):
        table.add_column(col, justify="right" if col in ("read", "accepted", "rejected") else "left")
    for s in summaries:
        reasons = "\n".join(f"{k} {v:,}" for k, v in sorted(s.by_reason.items(), key=lambda kv: -kv[1]))
        if s.already_loaded:
            reasons = "already loaded: nothing changed"
        table.add_row(Path(s.file).name, s.kind, f"{s.rows_read:,}", f"{s.rows_accepted:,}", f"{s.rows_rejected:,}", reasons)
    console.print(table)


def _files(**kinds: Optional[list[Path]]) -> dict[str, list[Path]]:
    return {kind: list(paths) for kind, paths in kinds.items() if paths}


def _fail(error: Exception) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(code=2)


@app.command()
def ingest(
    premises: Optional[Path] = typer.Option(None, "--premises", exists=True, dir_okay=False, help="Premises register (CSV or Parquet)."),
    readings: Optional[list[Path]] = typer.Option(None, "--readings", exists=True, dir_okay=False, help="Interval or billing readings, or cumulative register reads (repeatable)."),
    stores: Optional[Path] = typer.Option(None, "--stores", exists=True, dir_okay=False, help="Stores whose sales are given."),
    sales: Optional[list[Path]] = typer.Option(None, "--sales", exists=True, dir_okay=False, help="Lamp-shop sales records (repeatable)."),
    feeders: Optional[list[Path]] = typer.Option(None, "--feeders", exists=True, dir_okay=False, help="Feeder / transformer meter readings (repeatable)."),
    db: Optional[Path] = DbOption,
    timezone: Optional[str] = TimezoneOption,
    encoding: str = EncodingOption,
    settings_file: Optional[Path] = SettingsOption,
    set_: Optional[list[str]] = SetOption,
) -> None:
    """Validate files and load them into the database; every rejected row is kept in its quarantine table.

    Loading the same file again changes nothing. A file that cannot be read at all (wrong columns, wrong encoding,
    naive timestamps without --timezone) is refused with the file, line and column named, and nothing is written.

    Example:  wattwatch ingest --premises premises.csv --readings jan.csv --readings feb.csv --db city.duckdb
    """
    from wattwatch.store import DEFAULT_DB, connect

    settings = load_settings(settings_file, set_)
    files = _files(premises=[premises] if premises else None, readings=readings, stores=[stores] if stores else None,
                   sales=sales, feeders=feeders)
    if not files:
        raise typer.BadParameter("give at least one file, e.g. --premises premises.csv")
    con = connect(db or DEFAULT_DB)
    try:
        ingest_files(con, files, settings, timezone, encoding)
    except InputError as error:
        _fail(error)
    finally:
        con.close()


@app.command()
def scan(
    out_dir: Path = typer.Option(..., "--out", file_okay=False, help="Folder for leads.csv, report.html and settings.json."),
    premises: Optional[Path] = typer.Option(None, "--premises", exists=True, dir_okay=False, help="Premises register (CSV or Parquet)."),
    readings: Optional[list[Path]] = typer.Option(None, "--readings", exists=True, dir_okay=False, help="Readings files (repeatable)."),
    sales: Optional[list[Path]] = typer.Option(None, "--sales", exists=True, dir_okay=False, help="Lamp-shop sales records."),
    stores: Optional[Path] = typer.Option(None, "--stores", exists=True, dir_okay=False, help="Stores whose sales are given."),
    feeders: Optional[list[Path]] = typer.Option(None, "--feeders", exists=True, dir_okay=False, help="Feeder meter readings."),
    readings_parquet: Optional[list[Path]] = typer.Option(None, "--readings-parquet", exists=True, dir_okay=False, help="Fast path for big data: interval readings in Parquet (meter_id, ts, kwh[, zero_as_missing]) sorted by meter_id, scanned in chunks of meters without an ingest; rejected rows go to OUT/rejected_readings/ (see docs/scale.md). Repeatable."),
    engine: EngineName = typer.Option(EngineName.duckdb, "--engine", help="Where the readings are scanned: duckdb (this machine) or spark (PySpark: local mode, or the cluster when run under spark-submit; needs --readings-parquet or --spark-readings; see docs/spark.md). Both give identical leads."),
    spark_readings: Optional[list[str]] = typer.Option(None, "--spark-readings", help="With --engine spark: interval readings as for --readings-parquet, given as files, folders or URLs Spark reads (hdfs://, s3a://), in any order. Repeatable."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database to load into and scan (default: OUT/wattwatch.duckdb)."),
    timezone: Optional[str] = TimezoneOption,
    encoding: str = EncodingOption,
    settings_file: Optional[Path] = SettingsOption,
    set_: Optional[list[str]] = SetOption,
) -> None:
    """One shot: ingest the given files, scan every meter, and write ranked leads and an offline HTML report.

    With no files, scans what the database already holds.

    Example:  wattwatch scan --premises premises.csv --readings readings.parquet --out results/
    """
    settings = load_settings(settings_file, set_)
    files = _files(premises=[premises] if premises else None, readings=readings, stores=[stores] if stores else None,
                   sales=sales, feeders=feeders)
    if engine is EngineName.spark and not (spark_readings or readings_parquet):
        raise typer.BadParameter("spark scans Parquet: give --readings-parquet or --spark-readings", param_hint="--engine")
    if spark_readings and engine is not EngineName.spark:
        raise typer.BadParameter("only read with --engine spark", param_hint="--spark-readings")
    run_pipeline(files, out_dir, db or out_dir / "wattwatch.duckdb", settings, timezone, encoding, readings_parquet,
                 spark_readings=(spark_readings or [str(p) for p in readings_parquet or []])
                 if engine is EngineName.spark else None)


def run_pipeline(files, out_dir: Path, db: Path, settings: Settings, timezone, encoding, readings_parquet=None,
                 spark_readings=None) -> None:
    # The process ends with this command, and its exit would garbage-collect every object numba made (about 0.3 s)
    # only to free memory that exiting frees anyway: frozen, they are skipped (still freed by reference count).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    if readings_parquet and not spark_readings:  # (a no-op when the command line has started it already)
        start_fork_server()  # the workers' fork server loads while the scan's modules load and the register is ingested
    from rich.progress import TextColumn

    from wattwatch.engine.duckdb import DuckDBEngine
    from wattwatch.engine.parquet import ParquetEngine
    from wattwatch.scan import run_scan
    from wattwatch.store import connect

    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(db)
    try:
        started = time.perf_counter()
        if files:
            ingest_files(con, files, settings, timezone, encoding)
        ingested = time.perf_counter()
        if spark_readings:
            from wattwatch.engine.spark import SparkEngine  # starts a JVM: only when asked for

            engine = SparkEngine(con, settings, spark_readings, out_dir / "rejected_readings")
        elif readings_parquet:
            engine = ParquetEngine(con, settings, readings_parquet, out_dir / "rejected_readings")
        else:
            engine = DuckDBEngine(con, settings)
        n_meters = len(engine.meter_table().meter_ids)
        with _progress() as progress:
            progress.columns = (*progress.columns, TextColumn("{task.fields[rate]}"))
            steps = progress.add_task("scan", total=None, rate="")
            meters = progress.add_task("meters", total=n_meters, rate="")

            def meters_done(n: int) -> None:
                progress.advance(meters, n)
                task = progress.tasks[meters]
                progress.update(meters, rate=f"{task.completed / max(task.elapsed or 0.0, 1e-9):,.0f} meters/s")

            result = run_scan(con, settings, out_dir, progress=lambda d, t: progress.update(steps, completed=d, total=t),
                              engine=engine, meter_progress=meters_done)
        scanned = time.perf_counter()
    except InputError as error:
        _fail(error)
    finally:
        con.close()
    if readings_parquet or spark_readings:
        stats = engine.stats
        reasons = ", ".join(f"{n:,} {reason}" for reason, n in sorted(stats.rejected.items())) or "none"
        console.print(f"readings: {stats.rows_in:,} rows in = {stats.accepted:,} accepted + "
                      f"{sum(stats.rejected.values()):,} rejected ({reasons})")
    console.print(
        f"ingest {ingested - started:.1f} s, scan {scanned - ingested:.1f} s; "
        f"{result.n_meters:,} meters, {result.n_leads:,} leads"
    )
    out.print(f"leads:  {result.leads_csv}")
    if result.links_csv is not None:
        out.print(f"links:  {result.links_csv}")
    out.print(f"report: {result.report_html}")


@app.command()
def demo(
    out_dir: Path = typer.Option(Path("demo-out"), "--out", file_okay=False, help="Folder for the generated data and the results."),
    n_premises: int = typer.Option(2000, "--premises", min=50, help="Number of premises in the demo city."),
    days: int = typer.Option(400, "--days", min=60, help="Days of readings."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed gives the same city."),
    real_data: Optional[Path] = typer.Option(
        None, "--real-data", file_okay=False,
        help="Folder of real meter data to use as backgrounds (default: ../shared/data/real when present).",
    ),
) -> None:
    """Generate a demo city with planted grows, thefts and look-alikes, scan it, and write the report.

    The city's ground truth is written beside the data (truth.csv) so that the leads can be checked.
    """
    from wattwatch.sim import CityConfig

    real = real_data if real_data is not None else find_real_data()
    config = CityConfig(seed=seed, n_premises=n_premises, days=days, real_data=real)
    paths = generate_demo_city(config, out_dir / "data")
    files = {kind: [path] for kind, path in paths.items() if kind in LOAD_ORDER}  # truth files are not inputs
    db = out_dir / "wattwatch.duckdb"
    db.unlink(missing_ok=True)  # the demo always starts from a fresh database
    run_pipeline(files, out_dir, db, Settings(timezone=config.timezone), None, "utf-8")


def generate_demo_city(config, data_dir: Path) -> dict[str, Path]:
    """Generate and write the city; the in-memory city is dropped on return so the scan has the memory."""
    from wattwatch.sim import generate_city, write_city

    started = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task("generate demo city", total=None)
        city = generate_city(config, progress=lambda d, t: progress.update(task, completed=d, total=t))
    paths = write_city(city, data_dir)
    console.print(
        f"demo city: {config.n_premises:,} premises, {config.days} days, {city.readings.num_rows:,} readings "
        f"({'real backgrounds from ' + str(config.real_data) if config.real_data else 'simulated backgrounds'}) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return paths


@app.command("settings")
def show_settings(
    settings_file: Optional[Path] = SettingsOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON only (a file to edit and pass to --settings)."),
) -> None:
    """List every setting with its value and what it does."""
    settings = load_settings(settings_file, None)
    if as_json:
        out.print_json(settings.to_json())
        return
    table = Table(title="Settings (change with --settings FILE or --set name=value)")
    table.add_column("name")
    table.add_column("value", justify="right")
    table.add_column("what it does")
    for name, field in SETTINGS_FIELDS.items():
        table.add_row(name, str(getattr(settings, name)), field.metadata["help"])
    out.print(table)


@app.command()
def rejects(
    db: Optional[Path] = DbOption,
    limit: int = typer.Option(20, "--limit", help="How many rejected rows to show per reason."),
) -> None:
    """Show the quarantine: rejected rows by file and reason, with their line numbers and raw text."""
    from wattwatch.store import DEFAULT_DB, connect

    con = connect(db or DEFAULT_DB, read_only=True)
    try:
        rows = con.execute(
            """
            SELECT file, reason, line, detail, raw FROM (
              SELECT *, row_number() OVER (PARTITION BY file, reason ORDER BY line) AS n FROM quarantine
            ) WHERE n <= ? ORDER BY file, reason, line
            """,
            [limit],
        ).fetchall()
    finally:
        con.close()
    table = Table(title=f"Quarantined rows (first {limit} per file and reason)")
    for col in ("file", "reason", "line", "detail", "raw"):
        table.add_column(col)
    for file, reason, line, detail, raw in rows:
        table.add_row(Path(file).name, reason, str(line), detail or "", raw or "")
    out.print(table)


@app.command()
def serve(
    scan_dir: Path = typer.Option(..., "--scan-dir", exists=True, file_okay=False,
                                  help="Folder a scan wrote (leads.csv, links.csv, settings.json, wattwatch.duckdb)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Workspace database: accounts, triage, audit log "
                                      "(default: the scan's wattwatch.duckdb)."),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on; keep the loopback default unless a TLS proxy fronts it."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the analysts' dashboard: lead list, map, lead pages, triage and audit (see docs/dashboard.md).

    Imports the scan's leads.csv into the workspace (a no-op when already imported). Create accounts first with
    `wattwatch users add`.

    Example:  wattwatch serve --scan-dir demo-out
    """
    import uvicorn

    from wattwatch.web import create_app, open_state

    console.print("opening the workspace (after new readings, the first start orders them by meter: ~30 s per 25 M)")
    try:
        state = open_state(db or scan_dir / "wattwatch.duckdb", scan_dir)
    except InputError as error:
        _fail(error)
    out.print(f"dashboard: http://{host}:{port}/  (Ctrl-C stops it)")
    try:
        uvicorn.run(create_app(state), host=host, port=port, log_level="warning")
    finally:
        state.close()
