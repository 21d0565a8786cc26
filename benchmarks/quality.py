"""Detection quality of the whole wattwatch pipeline against three baselines, on three datasets, in one table.

Run:  .venv/bin/python benchmarks/quality.py            (full run, ~6 min on 2 cores with today's detectors)
      .venv/bin/python benchmarks/quality.py --quick    (small smoke run, ~25 s)
      options: --seed N, --only a|b|c, --days N, --json PATH, --details N (misranked premises shown per question),
      --workdir DIR

Methods. wattwatch = the real pipeline: the dataset's files are written, loaded with ingest_file into a fresh DuckDB,
scanned with run_scan, and leads.csv read back; a premises missing from leads.csv ranks last. Its one score ranks
both grows and thefts. Baselines (benchmarks.baselines) read the same ingested store: a high-use ratio rule (last
90 days vs the category median), a monthly step rule (last full month vs the median of the three before) and an
IsolationForest on generic per-meter features. For thefts the two rules are reversed (a drop is suspicious);
IsolationForest has no direction.

Datasets. (a) the demo simulator, generate_city with its own seed (not the demo's 7), simulated backgrounds, with
its lamp-shop sales. (b) real backgrounds from ../shared/data/real (SGSC households, Cambridge buildings, VDI 4657
profiles) with grows, thefts and look-alikes planted by this benchmark's own code (benchmarks.plant, not
wattwatch.sim), and register fields and lamp-shop sales planted independently too (benchmarks.plant_sales); skipped
with a line when the folder is absent. (c) the same real backgrounds with cases drawn by a second planter
(benchmarks.plant_variants) from distributions the detectors were never tuned on: grows running since before the
data, autoflowers on 20/4, 24/0 vegetative, perpetual two-room grows, LED ramps, air-conditioning cycling; small,
gradual, night-only and alternate-week thefts; EVs on a tariff timer, storage heaters, growing mining rigs and pool
pumps. It stands in for a held-out evaluation, and has no sales. Each has a monthly twin (interval readings summed into irregular ~monthly
reads; all of (a)'s premises, a seeded half of (b)'s) for the billing metric.

Evaluation (benchmarks.evaluate). Grow AP and P@k: positives = grows visible on the meter (metered lamp power at
least 0.4 kW, and in (b) at least 10 % of the premises' own mean load), negatives = normal premises and look-alikes;
thefts and invisible grows are left out. Theft AP and P@k: positives = thefts and grows that bypass the whole
premises (the meter shows a drop), same negatives, grows left out. k = number of positives. LA@k = look-alikes among
the top k for grows. Ties and unscored premises rank pessimistically. Interval metrics use premises with interval
meters; "monthly grow AP" uses the monthly twin. The main table's wattwatch row is the run on every file, sales
included; the monthly twin has no sales.

Sales (benchmarks.sales_quality, rules in benchmarks.sales_eval), for each dataset with sales: a second table of the
grow question with and without sales (the pipeline run again without the sales and stores files), with greenhouses,
shops and electricians in the top k and grows the meter cannot show but whose lamps were bought; a third of
sale -> premises linkage (links.csv) against the sales truth, with straw-buyer recall.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.baselines import BASELINES, by_premises, daily_view  # noqa: E402
from benchmarks.datasets import Dataset, billing_twin, simulator_dataset  # noqa: E402
from benchmarks.evaluate import Question, metrics, misranked, questions  # noqa: E402
from benchmarks.pipeline import PipelineRun, run_pipeline  # noqa: E402
from benchmarks.sales_quality import SalesResult, evaluate_sales, print_sales_tables  # noqa: E402

WATTWATCH = "wattwatch"
ONE_LIST = "wattwatch, one list"  # both questions ranked by the lead list's one score
METHODS = (WATTWATCH, ONE_LIST, *BASELINES)
COLUMNS = ("grow AP", "grow P@k", "LA@k", "theft AP", "theft P@k", "monthly grow AP")
AP_COLUMNS = ("grow AP", "theft AP", "monthly grow AP")
SIZES = {"full": {"a": (1500, 400), "b": (400, 400), "c": (400, 400)},
         "quick": {"a": (200, 200), "b": (60, 200), "c": (60, 200)}}
DEFAULT_SEED = 2025
DATASETS = ("a", "b", "c")


@dataclass
class DatasetResult:
    key: str
    title: str
    cells: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> column -> value
    counts: dict[str, float] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    sales: SalesResult | None = None  # when the dataset has sales


def method_scores(run: PipelineRun, premise_ids: np.ndarray, tz: str, seed: int
                  ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """method -> (grow score, theft score) per premises."""
    lead = run.lead_scores(premise_ids)
    out = {WATTWATCH: (lead.grow, lead.theft), ONE_LIST: (lead.one_list, lead.one_list)}
    view = daily_view(run.con, tz)
    for name, baseline in BASELINES.items():
        grow, theft = baseline(view, seed)
        out[name] = (by_premises(view, grow, premise_ids), by_premises(view, theft, premise_ids))
    return out


def describe(q: Question, ds: Dataset, scores: np.ndarray, run: PipelineRun, limit: int, name: str) -> list[str]:
    intruders, missed = misranked(q, ds.truth, scores, limit)
    lines = [f"  {name}: negatives inside the top k={int(q.positive.sum())}:" if intruders else
             f"  {name}: no negative inside the top k={int(q.positive.sum())}"]
    for group, title in ((intruders, None), (missed, f"  {name}: positives below rank k:")):
        if title and group:
            lines.append(title)
        for m in group:
            lead = run.leads.get(m.premise_id)
            said = (f'{q.name} score {lead[q.name + "_score"]} (score {lead["score"]}): {lead["explanation"][:150]}'
                    if lead else "not in leads.csv")
            kind = "grow, whole-premises bypass" if m.positive and q.name == "theft" and m.label == "grow" else m.label
            lines.append(f"    #{m.rank} {m.premise_id} {kind} [{m.notes[:110]}] -> {said}")
    return lines


def evaluate_dataset(ds: Dataset, workdir: Path, seed: int, limit: int) -> DatasetResult:
    res = DatasetResult(ds.key, ds.title)
    clock = time.perf_counter()
    run = run_pipeline(ds.files, workdir / ds.key, ds.timezone)
    res.seconds["wattwatch ingest+scan"] = run.seconds
    scores = method_scores(run, ds.truth.premise_id, ds.timezone, seed)
    grow_q, theft_q = questions(ds.truth, ~ds.truth.billing)
    for method, (grow, theft) in scores.items():
        g, t = metrics(grow_q, grow, ds.truth.lookalike), metrics(theft_q, theft, ds.truth.lookalike)
        res.cells[method] = {"grow AP": g["AP"], "grow P@k": g["P@k"], "LA@k": g["LA@k"],
                             "theft AP": t["AP"], "theft P@k": t["P@k"]}
        res.counts.update({"grows (k)": g["k"], "thefts (k)": t["k"], "negatives": g["negatives"]})
    if limit:
        res.details += describe(grow_q, ds, scores[WATTWATCH][0], run, limit, "grow")
        res.details += describe(theft_q, ds, scores[WATTWATCH][1], run, limit, "theft")
    res.seconds["baselines+evaluation"] = time.perf_counter() - clock - run.seconds
    if ds.sales_truth is not None:
        clock = time.perf_counter()
        res.sales = evaluate_sales(ds, run, grow_q, theft_q, workdir, limit)
        res.seconds["sales: linkage check + run without sales"] = time.perf_counter() - clock

    clock = time.perf_counter()
    twin = billing_twin(run.con, ds.monthly_meters, ds.timezone, np.random.default_rng(seed),
                        workdir / f"{ds.key}_monthly.parquet")
    run.con.close()
    monthly = run_pipeline({"premises": ds.files["premises"], "readings": [twin]}, workdir / f"{ds.key}-monthly",
                           ds.timezone)
    in_twin = np.isin(ds.truth.meter_id,
                      monthly.con.execute("SELECT meter_id FROM meters").fetchnumpy()["meter_id"].astype(object))
    grow_m, _ = questions(ds.truth, in_twin)
    for method, (grow, _) in method_scores(monthly, ds.truth.premise_id, ds.timezone, seed).items():
        res.cells[method]["monthly grow AP"] = metrics(grow_m, grow, ds.truth.lookalike)["AP"]
    res.counts["monthly grows"] = float(grow_m.positive.sum())
    if limit:
        res.details += describe(grow_m, ds, monthly.lead_scores(ds.truth.premise_id).grow, monthly, limit,
                                "monthly grow")
    monthly.con.close()
    res.seconds["monthly twin, all methods"] = time.perf_counter() - clock
    return res


def ratio_to_best_baseline(res: DatasetResult, column: str) -> float:
    best = max((res.cells[m][column] for m in BASELINES if np.isfinite(res.cells[m][column])), default=np.nan)
    return res.cells[WATTWATCH][column] / best if best and np.isfinite(best) else np.nan


def _fmt(v: float, column: str) -> str:
    if v is None or not np.isfinite(v):
        return "-"
    return f"{v:.0f}" if column == "LA@k" else f"{v:.2f}"


def print_table(results: list[DatasetResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wattwatch detection quality vs baselines (higher is better; LA@k: lower is better)")
    table.add_column("method")
    for r in results:
        for c in COLUMNS:
            table.add_column(f"{r.key}: {c}", justify="right")
    for method in METHODS:
        table.add_row(method, *[_fmt(r.cells[method].get(c, np.nan), c) for r in results for c in COLUMNS])
    table.add_row("wattwatch / best baseline AP",
                  *[f"{ratio_to_best_baseline(r, c):.2f}x" if c in AP_COLUMNS else "" for r in results
                    for c in COLUMNS], style="bold")
    console = Console(width=220)
    console.print(table)
    sales = [r.sales for r in results if r.sales is not None]
    for r in results:
        counts = ", ".join(f"{k} {v:.0f}" for k, v in r.counts.items())
        timing = ", ".join(f"{k} {v:.0f} s" for k, v in r.seconds.items())
        console.print(f"({r.key}) {r.title}: {counts}; {timing}", highlight=False)
    console.print("Theft direction: the high-use and monthly-step rules score a DROP for thefts (inverse ratio); "
                  "IsolationForest uses one anomaly score for both; wattwatch ranks each question by its own column of "
                  "leads.csv (grow_score, theft_score); 'wattwatch, one list' ranks both by the lead list's score.",
                  highlight=False)
    console.print("Grow AP: visible grows vs normal + look-alikes; theft AP: thefts + whole-premises-bypass grows vs "
                  "the same negatives; k = positives; ties and premises absent from leads.csv rank last.",
                  highlight=False)
    for r in results:
        if r.details:
            console.print(f"\n({r.key}) where wattwatch loses (rank within the question; truth notes -> lead):",
                          highlight=False)
            for line in r.details:
                console.print(line, highlight=False, markup=False, soft_wrap=True)
    if sales:
        console.print()
        print_sales_tables(sales, console)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small datasets for a smoke run")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed for datasets and baselines")
    p.add_argument("--only", choices=DATASETS, help="run one dataset only")
    p.add_argument("--days", type=int, help="days of readings in every dataset (default 400, quick 200); 365 is a "
                                            "year, whose last two weeks alone are compared with the year before")
    p.add_argument("--start", help="first day of every dataset, YYYY-MM-DD (default: (a) 2025-01-01, (b) and (c) "
                                   "2024-09-02); the backgrounds' seasons follow the calendar")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this path")
    p.add_argument("--details", type=int, default=6, help="misranked premises listed per question (0: none)")
    p.add_argument("--workdir", type=Path, help="keep the generated files and databases here (default: temp dir)")
    return p.parse_args(argv)


def build(key: str, workdir: Path, seed: int, sizes: dict[str, tuple[int, int]], start: str | None = None
          ) -> Dataset | None:
    n, days = sizes[key]
    data = workdir / f"{key}-data"
    data.mkdir(parents=True, exist_ok=True)
    if key == "a":
        return simulator_dataset(data, seed, n, days, start)
    from benchmarks.plant_variants import PLANTERS_C
    from benchmarks.realcity import real_dataset
    from wattwatch.realdata import find_real_data

    root = find_real_data()
    if root is None:
        print(f"({key}) skipped: no real data folder (../shared/data/real or $WATTWATCH_REAL_DATA)")
        return None
    if key == "c":
        return real_dataset(data, root, seed, n, days, planters=PLANTERS_C, key="c", start=start)
    return real_dataset(data, root, seed, n, days, with_sales=True, start=start)


def main(argv: list[str] | None = None) -> list[DatasetResult]:
    args = parse(argv)
    warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices in the baselines are expected and handled
    sizes = {key: (n, args.days or days) for key, (n, days) in SIZES["quick" if args.quick else "full"].items()}
    results = []
    with tempfile.TemporaryDirectory(prefix="wattwatch-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        for key in DATASETS:
            if args.only and key != args.only:
                continue
            started = time.perf_counter()
            ds = build(key, workdir, args.seed, sizes, args.start)
            if ds is None:
                continue
            built = time.perf_counter() - started
            res = evaluate_dataset(ds, workdir, args.seed, args.details)
            res.seconds = {"build": built, **res.seconds}
            results.append(res)
    if results:
        print_table(results)
    if args.json:
        args.json.write_text(json.dumps([{"dataset": r.key, "title": r.title, "cells": r.cells, "counts": r.counts,
                                          "seconds": r.seconds,
                                          "sales": r.sales and {"grow": r.sales.grow, "links": r.sales.links,
                                                                "counts": r.sales.counts}}
                                         for r in results], indent=2, default=float))
    return results


if __name__ == "__main__":
    main()
