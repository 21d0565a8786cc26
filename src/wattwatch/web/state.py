"""What the web app serves from: the workspace (accounts, leads, triage, audit) and the scan it shows.

The scan folder is what `wattwatch scan` wrote: leads.csv (imported into the workspace on start), links.csv when
sales were given, settings.json (time zone, coverage) and usually the store wattwatch.duckdb.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from wattwatch.errors import InputError
from wattwatch.settings import Settings
from wattwatch.trust import Workspace
from wattwatch.web.cache import ReadCache
from wattwatch.web.lead_data import StoreReader

STORE_FILE = "wattwatch.duckdb"
LEADS_FILE = "leads.csv"
LINKS_FILE = "links.csv"
SETTINGS_FILE = "settings.json"


@dataclass
class WebState:
    ws: Workspace
    reader: StoreReader
    links: dict[str, dict[str, float]]  # premise_id -> {sale_id: link probability}
    feeder_points: dict[str, list[tuple[float, float]]]  # feeder_id -> its premises' (lat, lon), for map outlines
    cache: ReadCache = field(default_factory=ReadCache)  # lists, map and facets; cleared on every change

    def close(self) -> None:
        self.reader.close()
        self.ws.close()


def read_links(path: Path) -> dict[str, dict[str, float]]:
    """links.csv grouped by premises; an absent file (no sales in the scan) gives no links."""
    links: dict[str, dict[str, float]] = {}
    if not path.exists():
        return links
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            links.setdefault(row["premise_id"], {})[row["sale_id"]] = float(row["probability"])
    return links


def open_state(db: Path, scan_dir: Path, store: Path | None = None, import_leads: bool = True) -> WebState:
    """Open the workspace `db`, import the scan's leads (a no-op when already imported) and index its links."""
    scan_dir = Path(scan_dir)
    leads_csv = scan_dir / LEADS_FILE
    if import_leads and not leads_csv.exists():
        raise InputError(leads_csv, "not found: give --scan-dir the folder `wattwatch scan --out` wrote")
    settings_json = scan_dir / SETTINGS_FILE
    settings = Settings.load(settings_json) if settings_json.exists() else Settings()
    ws = Workspace.open(db)
    try:
        if import_leads:
            ws.import_leads(leads_csv)
        reader = StoreReader(store or scan_dir / STORE_FILE, settings)
    except BaseException:
        ws.close()
        raise
    return WebState(ws, reader, read_links(scan_dir / LINKS_FILE), reader.feeder_points())
