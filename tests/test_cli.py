"""The command line as a user runs it: demo, scan on files, ingest errors, settings overrides."""

import csv

import pytest
from typer.testing import CliRunner

from wattwatch import __version__
from wattwatch.cli import app
from wattwatch.schema import LEADS, LINKS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", ["ingest", "scan", "demo", "settings", "rejects"])
def test_every_command_teaches_with_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = invoke("demo", "--out", out, "--premises", 120, "--days", 150, "--seed", 3, "--real-data", out / "none")
    assert result.exit_code == 0, result.output
    return out, result


def test_demo_writes_leads_and_report(demo_run):
    out, result = demo_run
    assert str(out / "report.html") in result.output
    with open(out / "leads.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows, "the demo city has planted cases, so there must be leads"
    assert list(rows[0].keys()) == [c.name for c in LEADS.columns]
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert (out / "report.html").read_text(encoding="utf-8").count("<svg") >= 1
    theft_first = [r for r in rows if r["signals"].split(";")[0] in ("sustained_drop", "flat_meter", "feeder_loss")]
    assert theft_first, "the demo city has planted thefts"
    for r in rows:  # each question's own score, and the estimates an analyst sorts by
        assert float(r["score"]) >= max(float(r["grow_score"]), float(r["theft_score"])) - 0.01
    for r in theft_first:  # a lead's signals begin with the question that ranked it
        assert float(r["theft_score"]) > float(r["grow_score"])
        assert r["unmetered_kwh_day"] == "" or float(r["unmetered_kwh_day"]) > 0  # as the explanation states it
    grow_first = [r for r in rows if r["signals"].split(";")[0] in ("grow_lights", "strange_increase", "peer_outlier")]
    assert grow_first, "the demo city has planted grows"
    for r in grow_first:
        assert float(r["grow_score"]) >= float(r["theft_score"])
    assert any(r["unmetered_kwh_day"] for r in theft_first)


def test_scan_on_files_then_rescan_is_stable(demo_run, tmp_path):
    data = demo_run[0] / "data"
    args = ("scan", "--premises", data / "premises.csv", "--readings", data / "readings.parquet", "--out", tmp_path)
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    leads_first = (tmp_path / "leads.csv").read_text(encoding="utf-8")
    again = invoke(*args)  # same files again: ingest is a no-op, the leads are identical
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    assert (tmp_path / "leads.csv").read_text(encoding="utf-8") == leads_first


def test_wrong_file_fails_with_file_line_and_column(tmp_path):
    premises = tmp_path / "premises.csv"
    premises.write_text("premise_id,meter_ID,categry\nP1,M1,residential\n", encoding="utf-8")
    result = invoke("ingest", "--premises", premises, "--db", tmp_path / "x.duckdb")
    assert result.exit_code == 2
    assert "premises.csv" in result.output
    assert "meter_id" in result.output


def test_set_overrides_a_setting_and_rejects_unknown(tmp_path):
    bad = invoke("settings", "--json", "--settings", tmp_path / "missing.json")
    assert bad.exit_code != 0
    path = tmp_path / "s.json"
    path.write_text('{"report_top": 3}', encoding="utf-8")
    good = invoke("settings", "--json", "--settings", path)
    assert good.exit_code == 0 and '"report_top": 3' in good.output
    result = runner.invoke(app, ["scan", "--out", str(tmp_path), "--set", "nonsense=1"])
    assert result.exit_code != 0
    assert "nonsense" in result.output


def test_demo_links_sales_and_writes_no_personal_data(demo_run):
    out, result = demo_run
    assert str(out / "links.csv") in result.output
    with open(out / "links.csv", newline="", encoding="utf-8") as f:
        links = list(csv.DictReader(f))
    assert links and list(links[0].keys()) == [c.name for c in LINKS.columns]
    assert all(0.0 <= float(row["probability"]) <= 1.0 for row in links)
    with open(out / "data" / "premises.csv", newline="", encoding="utf-8") as f:
        register = list(csv.DictReader(f))
    personal = {row[c] for row in register for c in ("account_holder", "phone", "address") if row[c]}
    for name in ("leads.csv", "links.csv", "report.html", "linkage_model.json"):
        text = (out / name).read_text(encoding="utf-8")
        leaked = [value for value in personal if value in text]
        assert not leaked, f"{name} contains personal data: {leaked[:3]}"
