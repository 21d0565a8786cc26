"""End-to-end fixtures (imported by name in the test modules; no conftest.py, whose module name other test folders
share): the dashboard served by uvicorn on a loopback port, and Debian's headless Chromium.

The browser is the system's (/usr/bin/chromium, installed by `make venv`); Playwright never downloads one here.
Without it the e2e tests skip, saying why. Screenshots go to $WATTWATCH_E2E_OUT, else a temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from wattwatch.web import create_app, open_state

from live_server import LiveServer
from web_helpers import city_template, copy_city  # noqa: F401 (fixture)

CHROMIUM = os.environ.get("WATTWATCH_CHROMIUM", "/usr/bin/chromium")


def chromium_or_skip() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make does it when it builds .venv)")
    return CHROMIUM


@pytest.fixture
def live(city_template, tmp_path):
    folder = copy_city(city_template, tmp_path / "scan")
    state = open_state(folder / "wattwatch.duckdb", folder)
    try:
        with LiveServer(create_app(state)) as server:
            yield server
    finally:
        state.close()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])  # CI runs as root
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("WATTWATCH_E2E_OUT") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
