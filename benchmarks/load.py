"""Load benchmark of the dashboard: 100 k leads, 20 concurrent users, p50/p95/p99 per page type (target p95 < 300 ms).

Run:  .venv/bin/python benchmarks/load.py                      (a small generated city, 100 k synthetic leads)
      .venv/bin/python benchmarks/load.py --scan-dir demo-out  (the demo's store: realistic lead pages)
      options: --leads N, --users N, --think S, --requests N (total, bound), --seconds S (time bound),
               --workdir DIR, --json PATH

Setup (not timed): a scan folder is prepared in the work folder — the store (copied from --scan-dir, or a small city
generated, ingested and scanned here), and a synthetic leads.csv of N leads whose meters, cities and coordinates
cycle through the store's real meters, so every lead page draws real charts. One analyst account is created, the
server (`wattwatch serve`, a separate process) is started on 127.0.0.1 only, and every virtual user logs in.

Load (timed): each user, like a person at a desk, waits a think time between requests (uniform 0.5-1.5 x --think
seconds; --think 0 sends back to back, which measures the server saturated rather than 20 people working) and loops
over a fixed mix — the lead list at a random page, the list filtered by a random
city / category / signal / status, a random lead's page, the map, and the JSON twins of each — until the total
request count or the time bound is reached, then everything stops. Each request is timed from send to the last
byte; the table shows the latency percentiles per page type and the requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import numpy as np

from wattwatch.schema import LEADS
from wattwatch.store import connect
from wattwatch.trust import Workspace

HOST = "127.0.0.1"  # loopback only: the benchmark never listens on a reachable address
USER, PASSWORD = "bench", "load benchmark password"
TARGET_P95_MS = 300.0
SIGNALS = ("grow_lights", "strange_increase", "peer_outlier", "lamp_purchases", "sustained_drop", "flat_meter",
           "feeder_loss", "bypass_with_lights")
PAGE_TYPES = ("list", "list.json", "filtered", "filtered.json", "lead", "lead.json", "map", "map.json")


def small_city(folder: Path) -> None:
    """Generate, ingest and scan a small city into folder (when no --scan-dir is given)."""
    from wattwatch.ingest import ingest_file
    from wattwatch.scan import run_scan
    from wattwatch.settings import Settings
    from wattwatch.sim import CityConfig, generate_city, write_city

    config = CityConfig(seed=3, n_premises=300, days=240)
    paths = write_city(generate_city(config), folder / "data")
    settings = Settings(timezone=config.timezone)
    con = connect(folder / "wattwatch.duckdb")
    try:
        for kind in ("premises", "readings", "register_reads", "feeders"):  # no sales: no linkage model to train
            ingest_file(con, kind, paths[kind], settings=settings)
        run_scan(con, settings, folder)
    finally:
        con.close()


def prepare_scan(work: Path, scan_dir: Path | None) -> Path:
    folder = work / "scan"
    folder.mkdir(parents=True)
    if scan_dir is None:
        small_city(folder)
        return folder
    for name in ("wattwatch.duckdb", "leads.csv", "links.csv", "settings.json"):
        if (scan_dir / name).exists():
            shutil.copy2(scan_dir / name, folder / name)
    return folder


def write_synthetic_leads(folder: Path, n: int, seed: int = 1) -> None:
    """Replace folder/leads.csv with n leads over the store's real meters (the scan's explanations reused)."""
    con = connect(folder / "wattwatch.duckdb")
    try:
        meters = con.execute(
            "SELECT p.meter_id, any_value(city), any_value(category), any_value(feeder_id), any_value(latitude), "
            "any_value(longitude) FROM premises p JOIN meters USING (meter_id) GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    with open(folder / "leads.csv", newline="", encoding="utf-8") as f:
        explanations = [row["explanation"] for row in csv.DictReader(f) if row["explanation"]] or ["Synthetic lead."]
    rng = random.Random(seed)
    columns = [c.name for c in LEADS.columns] + ["city", "category", "feeder_id", "latitude", "longitude"]
    with open(folder / "leads.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for i in range(n):
            meter, city, category, feeder, lat, lon = meters[i % len(meters)]
            signals = ";".join(rng.sample(SIGNALS, rng.randint(1, 3)))
            writer.writerow([i + 1, f"L{i + 1:06d}", meter, f"{100 * (1 - i / n):.4g}", signals,
                             explanations[i % len(explanations)], city, category, feeder or "", lat, lon])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(folder: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "wattwatch", "serve", "--scan-dir", str(folder), "--host", HOST,
               "--port", str(port)]
    server = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 300  # the first start imports the leads
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: see {log}")
        try:
            if httpx2.get(url + "/login", timeout=2).status_code == 200:
                return server, url
        except httpx2.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not answer within 300 s")


async def log_in(client: httpx2.AsyncClient) -> None:
    token = (await client.get("/login.json")).json()["login_token"]
    answer = await client.post("/login.json", data={"username": USER, "password": PASSWORD, "login_token": token})
    answer.raise_for_status()


def pick_request(rng: random.Random, kind: str, n_leads: int, facets: dict) -> str:
    twin = ".json" if kind.endswith(".json") else ""
    base = kind.removesuffix(".json")
    if base == "list":
        return f"/leads{twin}?page={rng.randint(1, 200)}"
    if base == "filtered":
        name, facet = rng.choice([("city", "cities"), ("category", "categories"), ("signal", "signals"),
                                  ("status", "statuses")])
        return f"/leads{twin}?{name}={rng.choice(facets[facet])}&page={rng.randint(1, 5)}&sort=score&descending=1"
    if base == "lead":
        return f"/leads/L{rng.randint(1, n_leads):06d}{twin}"
    return f"/map{twin}?city={rng.choice(facets['cities'])}" if rng.random() < 0.5 else f"/map{twin}"


async def run_load(url: str, n_users: int, n_requests: int, seconds: float, think: float, n_leads: int,
                   facets: dict, seed: int) -> tuple[dict[str, list[float]], int, float]:
    timings: dict[str, list[float]] = {kind: [] for kind in PAGE_TYPES}
    failures = 0
    sent = 0
    limits = httpx2.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx2.AsyncClient(base_url=url, timeout=60, limits=limits) for _ in range(n_users)]
    try:
        await asyncio.gather(*(log_in(c) for c in clients))
        started = time.perf_counter()
        deadline = started + seconds

        async def user(i: int, client: httpx2.AsyncClient) -> None:
            nonlocal failures, sent
            rng = random.Random(seed * 1000 + i)
            await asyncio.sleep(rng.uniform(0, think))  # users do not all start in the same instant
            while sent < n_requests and time.perf_counter() < deadline:
                sent += 1
                kind = PAGE_TYPES[sent % len(PAGE_TYPES)]
                path = pick_request(rng, kind, n_leads, facets)
                t0 = time.perf_counter()
                answer = await client.get(path)
                _ = answer.content
                timings[kind].append((time.perf_counter() - t0) * 1000)
                failures += answer.status_code != 200
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

        await asyncio.gather(*(user(i, c) for i, c in enumerate(clients)))
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return timings, failures, elapsed


def summary(timings: dict[str, list[float]]) -> list[dict]:
    rows = []
    every = [t for ts in timings.values() for t in ts]
    for kind, ts in [*timings.items(), ("all", every)]:
        if ts:
            p50, p95, p99 = np.percentile(ts, [50, 95, 99])
            rows.append({"page": kind, "n": len(ts), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
                         "p99_ms": round(float(p99), 1), "max_ms": round(max(ts), 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scan-dir", type=Path, help="a scan folder whose store to use (e.g. demo-out)")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user waits between requests")
    parser.add_argument("--requests", type=int, default=4000, help="total requests (bound)")
    parser.add_argument("--seconds", type=float, default=240.0, help="time bound of the timed phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the work folder here (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the table as JSON here")
    args = parser.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="wattwatch-load-"))
    server = None
    try:
        t0 = time.perf_counter()
        folder = prepare_scan(work, args.scan_dir)
        write_synthetic_leads(folder, args.leads, args.seed)
        ws = Workspace.open(folder / "wattwatch.duckdb")
        try:
            ws.create_user(USER, "analyst", PASSWORD)
        finally:
            ws.close()  # the server process must be the only writer of the file
        server, url = start_server(folder, work / "server.log")
        with httpx2.Client(base_url=url, timeout=60) as c:
            token = c.get("/login.json").json()["login_token"]
            c.post("/login.json", data={"username": USER, "password": PASSWORD, "login_token": token})
            facets = c.get("/leads.json?per_page=1").json()["facets"]  # the filter values to draw from
        print(f"setup {time.perf_counter() - t0:.0f} s: {args.leads:,} leads, server at {url} (pid {server.pid})",
              file=sys.stderr)
        timings, failures, elapsed = asyncio.run(
            run_load(url, args.users, args.requests, args.seconds, args.think, args.leads, facets, args.seed))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    rows = summary(timings)
    total = sum(r["n"] for r in rows if r["page"] != "all")
    print(f"{args.users} users (think {args.think} s), {total:,} requests in {elapsed:.1f} s "
          f"({total / elapsed:.0f}/s), "
          f"{failures} not 200; {os.cpu_count()} CPUs")
    print(f"{'page':<15}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for r in rows:
        print(f"{r['page']:<15}{r['n']:>7}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}")
    worst = max(r["p95_ms"] for r in rows if r["page"] != "all")
    print(f"worst p95 {worst} ms: {'within' if worst < TARGET_P95_MS else 'ABOVE'} the {TARGET_P95_MS:.0f} ms target")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "failures": failures, "seconds": elapsed}, indent=1) + "\n")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
