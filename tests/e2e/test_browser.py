"""The dashboard in real headless Chromium: login, the lead list, the lead page, triage and four-eyes dismissal.

Each step saves a screenshot (see conftest.shots); the page's console must stay free of errors (a CSP violation or
a missing asset would show there).
"""

from __future__ import annotations

import re

import pytest

from browser_fixtures import browser, live, shots  # noqa: F401 (fixtures)
from web_helpers import GROW, PASSWORD, SHOP, THEFT, city_template  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def new_page(browser, live, errors: list[str]):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(15_000)
    return page


def log_in(page, live, username: str, then: str = "/leads") -> None:
    page.goto(live.url + then)
    assert "/login" in page.url  # every page starts at the login
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def test_login_list_and_lead_page(browser, live, shots):
    errors: list[str] = []
    page = new_page(browser, live, errors)
    page.goto(live.url + "/leads")
    page.screenshot(path=shots / "01-login.png")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("form.login button[type=submit]")
    assert "wrong user name or password" in page.inner_text("#error")
    assert errors == ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]
    errors.clear()
    log_in(page, live, "ana")
    rows = page.locator("table.leads tbody tr")
    assert rows.count() == 17 and GROW in rows.first.inner_text()
    page.select_option("select[name=city]", "Durrës")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"city=Durr"))
    assert page.locator("table.leads tbody tr").count() == 1
    page.screenshot(path=shots / "02-lead-list.png", full_page=True)
    page.click(f"text={GROW}")
    page.wait_for_url(re.compile(f"/leads/{GROW}$"))
    for chart in ("#daily-chart svg", "#heatmap svg", "#purchases-chart svg", "#feeder-chart svg"):
        assert page.locator(chart).is_visible()
    assert page.locator("#daily-chart").inner_text().count("change") == 1
    page.screenshot(path=shots / "03-lead-page.png", full_page=True)
    page.fill("form.personal input[name=purpose]", "planning the inspection of case 7")
    page.click("form.personal button[type=submit]")
    assert "Dritan Kola" in page.inner_text("#buyers")
    page.screenshot(path=shots / "04-personal-data.png", full_page=True)
    page.goto(live.url + "/map?city=Tiranë")
    assert page.locator("svg.map circle.lead").count() == 15  # 14 households and the theft
    page.screenshot(path=shots / "05-map.png", full_page=True)
    assert errors == []


def test_triage_and_four_eyes_dismissal(browser, live, shots):
    errors: list[str] = []
    sup1 = new_page(browser, live, errors)
    log_in(sup1, live, "sup1", f"/leads/{SHOP}")
    sup1.fill("#assign-form input[name=officer]", "ana")
    sup1.click("#assign-form button")
    sup1.wait_for_url(re.compile(f"/leads/{SHOP}$"))
    assert sup1.inner_text("#assignee") == "ana" and sup1.inner_text("#status") == "assigned"

    ana = new_page(browser, live, errors)
    log_in(ana, live, "ana", f"/leads/{SHOP}")
    ana.select_option("#outcome-form select[name=outcome]", "legitimate")
    ana.fill("#outcome-form textarea[name=notes]", "bakery ovens, licence seen")
    ana.click("#outcome-form button")
    ana.wait_for_url(re.compile(f"/leads/{SHOP}$"))
    assert ana.inner_text("#status") == "inspected" and ana.inner_text("#outcome") == "legitimate"
    ana.screenshot(path=shots / "06-outcome.png", full_page=True)

    sup1.goto(live.url + f"/leads/{THEFT}")
    sup1.fill("#dismiss-form textarea[name=reason]", "meter replaced in March")
    sup1.click("#dismiss-form button")
    sup1.wait_for_url(re.compile(f"/leads/{THEFT}$"))
    assert sup1.inner_text("#status") == "dismissal_requested"
    sup1.click("#confirm-form button")  # the requester may not confirm
    assert "four-eyes" in sup1.inner_text("#error")
    sup1.screenshot(path=shots / "07-four-eyes-refused.png", full_page=True)

    sup2 = new_page(browser, live, errors)
    log_in(sup2, live, "sup2", f"/leads/{THEFT}")
    sup2.click("#confirm-form button")
    sup2.wait_for_url(re.compile(f"/leads/{THEFT}$"))
    assert sup2.inner_text("#status") == "dismissed"
    assert "dismissal_confirmed" in sup2.inner_text("table.history")
    sup2.screenshot(path=shots / "08-dismissed.png", full_page=True)

    aud = new_page(browser, live, errors)
    log_in(aud, live, "aud", "/audit")
    assert "Intact" in aud.inner_text("#chain-status")
    aud.screenshot(path=shots / "09-audit.png", full_page=True)
    # The refused confirmation is a 403 page: the browser logs its status, nothing else may appear.
    assert [e for e in errors if "403" not in e] == []
