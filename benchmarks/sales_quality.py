"""Sales in the quality benchmark: the grow question with and without sales (the fusion uplift), sale -> premises
linkage against truth, straw buyers, and where wattwatch loses. Called by benchmarks.quality for every dataset that
has sales; the rules are in benchmarks.sales_eval.

"With sales" is the main run (every file); "without sales" runs the pipeline again on the same files less sales and
stores. Straw groups come from calling link_sales on the main run's store with the models the scan saved
(load_models), which repeats the scan's linkage; any line where that repeat differs from links.csv is counted.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.datasets import Dataset
from benchmarks.evaluate import Question, metrics
from benchmarks.pipeline import LeadScores, PipelineRun, run_pipeline
from benchmarks.sales_eval import (BULK_ROLES, GROW_ROLES, SaleTruth, bulk_buyers, buying_grows, link_quality,
                                   linked_premises, load_sale_truth, read_links, shared_fields, with_sales_columns)
from wattwatch.linkage import LinkResult, link_sales, load_models
from wattwatch.metrics import ranking

SALES_KINDS = ("sales", "stores")
RUNS = ("with sales", "without sales")
GROW_COLUMNS = ("grow AP", "grow P@k", "bulk@k", "buying-grow AP", "hidden found@K", "theft AP", "bulk@k theft")
LINK_COLUMNS = ("lines", "with home", "with contact", "with key", "links", "precision", "recall (all)",
                "recall (contact)", "recall (key)", "grow precision", "grow recall (all)", "grow recall (contact)",
                "grow recall (key)", "straw lines", "straw linked", "straw grouped", "floor met")
COUNT_COLUMNS = ("lines", "with home", "with contact", "with key", "links", "straw lines", "bulk@k", "bulk@k theft")


@dataclass
class SalesResult:
    key: str
    grow: dict[str, dict[str, float]] = field(default_factory=dict)  # run -> column -> value
    links: dict[str, float] = field(default_factory=dict)
    counts: dict[str, float] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def without_sales(files: dict[str, list[Path]]) -> dict[str, list[Path]]:
    return {k: v for k, v in files.items() if k not in SALES_KINDS}


def repeat_linkage(run: PipelineRun, t: SaleTruth) -> tuple[LinkResult, np.ndarray, int]:
    """(link_sales with the scan's saved models, straw-grouped per truth line, lines whose link differs from
    links.csv)."""
    settings, trained = load_models(run.scan_dir)
    result = link_sales(run.con, settings, trained)
    ids = result.sale_id.to_pylist()
    grouped = dict(zip(ids, result.straw_group >= 0))
    again = dict(zip(ids, result.premise_id.to_pylist()))
    written = read_links(run.links_csv)
    differ = sum(again.get(s) != written.get(s) for s in t.sale_id)
    return result, np.array([grouped.get(s, False) for s in t.sale_id], dtype=bool), differ


def evaluate_sales(ds: Dataset, run: PipelineRun, grow_q: Question, theft_q: Question, workdir: Path,
                   limit: int) -> SalesResult:
    res = SalesResult(ds.key)
    t = load_sale_truth(ds.sales_truth, ds.files["sales"][0], ds.files["premises"][0])
    linked = linked_premises(t, read_links(run.links_csv))
    result, grouped, differ = repeat_linkage(run, t)
    res.links = link_quality(t, linked, grouped)
    res.counts["link_sales repeat differs from links.csv"] = float(differ)
    bare = run_pipeline(without_sales(ds.files), workdir / f"{ds.key}-nosales", ds.timezone)
    res.seconds["wattwatch without sales"] = bare.seconds
    scores = {}
    for name, r in zip(RUNS, (run, bare)):
        scores[name] = lead = r.lead_scores(ds.truth.premise_id)
        g, th = metrics(grow_q, lead.grow, ds.truth.lookalike), metrics(theft_q, lead.theft, ds.truth.lookalike)
        res.grow[name] = {"grow AP": g["AP"], "grow P@k": g["P@k"], "theft AP": th["AP"],
                          **with_sales_columns(grow_q, theft_q, ds.truth, t, lead)}
    bare.con.close()
    res.counts.update({"hidden grows": res.grow[RUNS[0]].pop("hidden grows"),
                       "grows (k)": float(grow_q.positive.sum())})
    res.grow[RUNS[1]].pop("hidden grows")
    if limit:
        res.details = describe_sales(ds, run, t, linked, result, grow_q, theft_q, scores[RUNS[0]], limit)
    return res


def _rows(path: Path, key: str) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def _register(row: dict[str, str] | None) -> str:
    if row is None:
        return "-"
    return " | ".join(row.get(c) or "." for c in ("account_holder", "address", "city", "phone")) + \
        f" ({row.get('category')})"


def _receipt(row: dict[str, str]) -> str:
    return " | ".join(row.get(c) or "." for c in ("buyer_name", "buyer_address", "buyer_phone")) + \
        f" @{row['store_id']}: {row['quantity']} x {row['product']}"


def describe_sales(ds: Dataset, run: PipelineRun, t: SaleTruth, linked: np.ndarray, result: LinkResult,
                   grow_q: Question, theft_q: Question, scores: LeadScores, limit: int) -> list[str]:
    """Wrong links, missed grow links, bulk buyers high in the grow ranking and hidden grows left low."""
    sales = _rows(ds.files["sales"][0], "sale_id")
    register = _rows(ds.files["premises"][0], "premise_id")
    p_of = dict(zip(result.sale_id.to_pylist(), result.probability))
    via = dict(zip(result.sale_id.to_pylist(), result.via_group))
    has = np.array([p is not None for p in linked])
    wrong = np.flatnonzero(has & (linked != t.premise_id))
    grow = np.isin(t.role, GROW_ROLES)
    home = np.array([p is not None for p in t.premise_id])
    missed = np.flatnonzero(grow & home & t.contact & (linked != t.premise_id))
    out = [f"  wrong links by role: {dict(Counter(t.role[wrong]))}; outside the register: "
           f"{int(sum(t.premise_id[i] is None for i in wrong))}; what the receipt shares with the wrongly linked "
           f"register row: {dict(Counter(shared_fields(sales[t.sale_id[i]], register.get(linked[i])) for i in wrong))}",
           f"  grow lines with a phone or address not linked to their premises: {len(missed)} "
           f"(unlinked {int((~has[missed]).sum())}, to another premises {int(has[missed].sum())}); what they share "
           f"with their true register row: "
           f"{dict(Counter(t.shares[missed]))}"]
    for title, rows in (("wrong links (receipt -> linked register / true register)", wrong),
                        ("grow lines missed (receipt -> true register)", missed)):
        if len(rows):
            out.append(f"  {title}:")
        for i in rows[:limit]:
            s = t.sale_id[i]
            link = f"{linked[i]} p={p_of.get(s, 0):.2f}{' via group' if via.get(s) else ''}" if has[i] else "unlinked"
            out.append(f"    {s} {t.role[i]}: {_receipt(sales[s])} -> {link}: {_register(register.get(linked[i]))} "
                       f"/ true {t.premise_id[i] or 'none'}: {_register(register.get(t.premise_id[i]))}")
    bulk = bulk_buyers(ds.truth, t)
    roles: dict[str, set[str]] = {}
    for p, r in zip(t.premise_id, t.role):
        if p is not None and r in BULK_ROLES:
            roles.setdefault(p, set()).add(r)
    for q, question_scores in ((grow_q, scores.grow), (theft_q, scores.theft)):
        idx = np.flatnonzero(q.included)
        order = idx[ranking(q.positive[idx], question_scores[idx])]
        k = int(q.positive.sum())
        high = [(r + 1, i) for r, i in enumerate(order[:max(k, limit)]) if bulk[i]]
        out.append(f"  greenhouses/shops/electricians ranked within max(k={k}, {limit}) of the {q.name} question: "
                   f"{len(high)}")
        for rank, i in high[:limit]:
            pid = str(ds.truth.premise_id[i])
            out.append(f"    #{rank} {pid} {ds.truth.label[i]} {sorted(roles.get(pid, {'greenhouse'}))} -> "
                       f"{_lead(run, pid)}")
    buying = buying_grows(ds.truth, t)
    bidx = np.flatnonzero(buying.included)
    border = bidx[ranking(buying.positive[bidx], scores.one_list[bidx])]  # the one lead list, as hidden found@K
    kb = int(buying.positive.sum())
    lines_of = Counter(p for p in linked if p is not None)
    low = [(r + 1, i) for r, i in enumerate(border) if r >= kb and buying.positive[i] and not ds.truth.grow_visible[i]]
    out.append(f"  hidden grows (meter shows no grow, lamps bought) ranked below K={kb}: {len(low)}")
    for rank, i in low[:limit]:
        pid = str(ds.truth.premise_id[i])
        out.append(f"    #{rank} {pid} lines linked {lines_of.get(pid, 0)}, true "
                   f"{int(sum((t.premise_id == pid) & grow))} [{str(ds.truth.notes[i])[:90]}] -> {_lead(run, pid)}")
    return out


def _lead(run: PipelineRun, pid: str) -> str:
    lead = run.leads.get(pid)
    return f'score {lead["score"]}: {lead["explanation"][:160]}' if lead else "not in leads.csv"


def _fmt(v: float, column: str) -> str:
    if v is None or not np.isfinite(v):
        return "-"
    return f"{v:.0f}" if column in COUNT_COLUMNS else ("yes" if v else "no") if column == "floor met" else f"{v:.2f}"


def print_sales_tables(results: list[SalesResult], console) -> None:
    from rich.table import Table

    grow = Table(title="Sales fusion: wattwatch with and without sales (bulk@k: greenhouses, shops and electricians "
                       "in the top k of the grow / theft question; floor 0)")
    grow.add_column("dataset / run")
    for c in GROW_COLUMNS:
        grow.add_column(c, justify="right")
    for r in results:
        for run in RUNS:
            grow.add_row(f"{r.key}: {run}", *[_fmt(r.grow[run][c], c) for c in GROW_COLUMNS])
        grow.add_row(f"{r.key}: uplift", *[_fmt(r.grow[RUNS[0]][c] - r.grow[RUNS[1]][c], c)
                                           if c not in COUNT_COLUMNS else "" for c in GROW_COLUMNS], style="bold")
    console.print(grow)
    links = Table(title="Sale -> premises linkage against truth (floor: precision >= 0.95 at recall (contact) >= 0.85)")
    links.add_column("dataset")
    for c in LINK_COLUMNS:
        links.add_column(c, justify="right")
    for r in results:
        links.add_row(r.key, *[_fmt(r.links[c], c) for c in LINK_COLUMNS])
    console.print(links)
    console.print("recall (all): over sale lines whose buyer acts for a registered premises; recall (contact): those "
                  "that carry a phone or an address; recall (key): those whose own phone or address is visibly the "
                  "true premises' in the register (sales_eval.shared_fields); grow: grower and straw-buyer lines; "
                  "straw linked: straw-buyer "
                  "lines linked to the grower's premises; straw grouped: placed in a straw group by link_sales. "
                  "buying-grow AP: visible grows + grows with lamp-shop lines vs the grow question's negatives; hidden "
                  "found@K: share of those the meter cannot show within the top K of the one lead list (score).",
                  highlight=False)
    for r in results:
        extra = ", ".join(f"{k} {v:.0f}" for k, v in r.counts.items())
        timing = ", ".join(f"{k} {v:.0f} s" for k, v in r.seconds.items())
        console.print(f"({r.key}) sales: {extra}; {timing}", highlight=False)
    for r in results:
        if r.details:
            console.print(f"\n({r.key}) where wattwatch loses on sales:", highlight=False)
            for line in r.details:
                console.print(line, highlight=False, markup=False, soft_wrap=True)
