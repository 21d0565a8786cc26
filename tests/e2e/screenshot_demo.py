"""The README's screenshot: the demo's best grow lead in headless Chromium, saved as docs/img/lead-page.png.

Run after `make demo`:  .venv/bin/python tests/e2e/screenshot_demo.py --scan-dir demo-out
The scan folder is copied to a temporary one first, so the demo's database is left as it was.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from wattwatch.trust import LeadQuery, Workspace
from wattwatch.web import create_app, open_state

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_server import LiveServer  # noqa: E402

USER, PASSWORD = "screenshot", "screenshot of the demo lead page"
FILES = ("wattwatch.duckdb", "leads.csv", "links.csv", "settings.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scan-dir", type=Path, default=Path("demo-out"))
    parser.add_argument("--out", type=Path, default=Path("docs/img/lead-page.png"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wattwatch-shot-") as tmp:
        folder = Path(tmp)
        for name in FILES:
            if (args.scan_dir / name).exists():
                shutil.copy2(args.scan_dir / name, folder / name)
        state = open_state(folder / "wattwatch.duckdb", folder)
        try:
            state.ws.create_user(USER, "analyst", PASSWORD)
            premise = best_grow_lead(state.ws)
            with LiveServer(create_app(state)) as live, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 1700})
                page.goto(f"{live.url}/leads/{premise}")
                page.fill("input[name=username]", USER)
                page.fill("input[name=password]", PASSWORD)
                page.click("form.login button[type=submit]")
                page.wait_for_selector("#heatmap svg")
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out)
                browser.close()
        finally:
            state.close()
    print(f"lead {premise}: {args.out}")
    return 0


def best_grow_lead(ws: Workspace) -> str:
    """The best-ranked lead with a lamp block, bought lamps when one has them (the page then shows everything)."""
    for signal in ("lamp_purchases", "grow_lights"):
        items = ws.list_leads(LeadQuery(signal=signal, per_page=20)).items
        with_lamps = [i for i in items if "grow_lights" in i["signals"]]
        if with_lamps:
            return with_lamps[0]["premise_id"]
    return ws.list_leads(LeadQuery(per_page=1)).items[0]["premise_id"]


if __name__ == "__main__":
    sys.exit(main())
