"""Dashboard security: login on every page and twin, roles, CSRF on every POST, filters that refuse injections,
cookie flags and security headers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from wattwatch.web import create_app, open_state
from wattwatch.web.filters import FILTERS

from web_helpers import GROW, PASSWORD, copy_city, login
from web_helpers import city_template, client, state  # noqa: F401 (fixtures)

GET_PAGES = ["/leads", "/map", f"/leads/{GROW}", "/audit"]
POSTS = [
    (f"/leads/{GROW}/assign", {"officer": "ana"}),
    (f"/leads/{GROW}/outcome", {"outcome": "theft", "notes": "seen"}),
    (f"/leads/{GROW}/dismissal/request", {"reason": "empty building"}),
    (f"/leads/{GROW}/dismissal/confirm", {}),
    (f"/leads/{GROW}/dismissal/reject", {}),
    (f"/leads/{GROW}/personal", {"purpose": "inspection planning"}),
    ("/logout", {}),
]
INJECTIONS = [
    "' OR '1'='1",
    "x'; DROP TABLE leads; --",
    "Tiranë' UNION SELECT password_hash FROM users --",
    "<script>alert(1)</script>",
    "%' OR 1=1 --",
    "\x00",
    "a" * 5000,
]


@pytest.fixture(scope="module")
def reader(city_template, tmp_path_factory):
    """One analyst's client for the tests that only read (the filter attacks): no copy per test."""
    folder = copy_city(city_template, tmp_path_factory.mktemp("shared") / "scan")
    s = open_state(folder / "wattwatch.duckdb", folder)
    with TestClient(create_app(s)) as c:
        login(c, "ana")
        yield c, s
    s.close()


@pytest.mark.parametrize("path", GET_PAGES + ["/export/outcomes.csv"])
def test_no_page_without_login_redirects_to_the_login(client, path):
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    assert GROW not in answer.text


@pytest.mark.parametrize("path", GET_PAGES)
def test_no_json_without_login(client, path):
    for url in (path + ".json", path + "?format=json"):
        answer = client.get(url)
        assert answer.status_code == 401 and answer.json()["error"] == "log in first"


@pytest.mark.parametrize("path, form", POSTS)
def test_no_post_without_login(client, state, path, form):
    assert client.post(path, data=form).status_code == 401
    assert state.ws.lead(GROW)["status"] == "new"


def test_an_ended_or_forged_session_is_refused(client):
    login(client, "ana")
    assert client.get("/leads.json").status_code == 200
    client.cookies.clear()
    client.cookies.set("ww_session", "forged-token")
    assert client.get("/leads.json").status_code == 401


def test_logout_ends_the_session(client):
    csrf = login(client, "ana")
    token = client.cookies["ww_session"]
    assert client.post("/logout.json", data={"csrf_token": csrf}).status_code == 200
    client.cookies.clear()
    client.cookies.set("ww_session", token)  # replaying the old cookie does not help
    assert client.get("/leads.json").status_code == 401


@pytest.mark.parametrize("path, form", POSTS)
def test_every_post_needs_the_sessions_csrf_token(client, state, path, form):
    csrf = login(client, "sup1")
    assert client.post(path, data=form).status_code == 403
    assert client.post(path, data={**form, "csrf_token": "wrong"}).status_code == 403
    altered = csrf[:-1] + ("1" if csrf[-1] == "0" else "0")  # one character off
    assert client.post(path, data=form, headers={"X-CSRF-Token": altered}).status_code == 403
    other = TestClient(create_app(state))
    assert client.post(path, data={**form, "csrf_token": login(other, "sup2")}).status_code == 403
    assert state.ws.lead(GROW)["status"] == "new" and client.get("/leads.json").status_code == 200


def test_the_csrf_header_is_accepted_like_the_form_field(client, state):
    csrf = login(client, "sup1")
    answer = client.post(f"/leads/{GROW}/assign.json", data={"officer": "ana"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and state.ws.lead(GROW)["assignee"] == "ana"


def test_login_form_needs_its_double_submit_token(client):
    answer = client.post("/login", data={"username": "ana", "password": PASSWORD, "login_token": "made-up"})
    assert answer.status_code == 403 and "ww_session" not in client.cookies


def test_wrong_password_and_unknown_user_are_refused_alike(client):
    token = client.get("/login.json").json()["login_token"]
    wrong = client.post("/login.json", data={"username": "ana", "password": "nope", "login_token": token})
    unknown = client.post("/login.json", data={"username": "zed", "password": "nope", "login_token": token})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()


@pytest.mark.parametrize("target, lands", [("/map", "/map"), ("https://evil.example/", "/leads"),
                                           ("//evil.example/x", "/leads"), ("/\\evil.example", "/leads")])
def test_login_follows_only_local_next_links(client, target, lands):
    token = client.get("/login.json").json()["login_token"]
    answer = client.post("/login", data={"username": "ana", "password": PASSWORD, "login_token": token,
                                         "next": target}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == lands


def test_session_cookie_is_httponly_and_samesite_strict(client):
    token = client.get("/login.json").json()["login_token"]
    answer = client.post("/login.json", data={"username": "ana", "password": PASSWORD, "login_token": token})
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("ww_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie


@pytest.mark.parametrize("path", ["/login", "/static/app.css"])
def test_security_headers_on_every_answer(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_pages_are_not_cached(client):
    login(client, "ana")
    assert client.get("/leads").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("role_user, path, allowed", [
    ("ana", "/audit", False), ("sup1", "/audit", False), ("aud", "/audit", True),
    ("ana", "/export/outcomes.csv", False), ("sup1", "/export/outcomes.csv", True),
    ("aud", "/export/outcomes.csv", True), ("aud", "/leads", True),
])
def test_pages_check_the_role(client, role_user, path, allowed):
    login(client, role_user)
    assert client.get(path).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("user, path, form", [
    ("ana", f"/leads/{GROW}/assign", {"officer": "ben"}),  # only supervisors assign
    ("aud", f"/leads/{GROW}/outcome", {"outcome": "theft", "notes": ""}),  # auditors only look
    ("aud", f"/leads/{GROW}/dismissal/request", {"reason": "x"}),
    ("ana", f"/leads/{GROW}/dismissal/confirm", {}),
])
def test_triage_actions_check_the_role(client, state, user, path, form):
    csrf = login(client, user)
    answer = client.post(path + ".json", data={**form, "csrf_token": csrf})
    assert answer.status_code == 403 and "may not" in answer.json()["error"]
    assert state.ws.lead(GROW)["status"] == "new"


@pytest.mark.parametrize("name", list(FILTERS) + ["escalated", "sort", "page", "per_page", "descending"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_in_every_filter_are_refused(reader, name, value):
    client, state = reader
    for path in ("/leads.json", "/map.json"):
        answer = client.get(path, params={name: value})
        assert answer.status_code == 400 and "error" in answer.json()
    assert client.get("/leads.json").json()["total"] == 17  # the table is intact
    assert state.ws.authenticate("ana", PASSWORD) is not None


def test_refused_filter_value_is_escaped_in_the_page(reader):
    client, _ = reader
    html = client.get("/leads", params={"city": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "1e3", "201", "９"])
def test_paging_numbers_out_of_range_are_refused(reader, value):
    client, _ = reader
    assert client.get("/leads.json", params={"per_page": value}).status_code == 400


def test_injection_in_the_lead_path_finds_nothing(reader):
    client, _ = reader
    for premise in ("P-GROW' OR '1'='1", "x%27%20OR%201=1", "../../etc/passwd"):
        assert client.get(f"/leads/{premise}.json").status_code in (404,)


def test_shop_text_cannot_inject_markup_into_the_lead_page(client, state):
    """Product names are free text typed at a till: they reach the purchases table and the chart's tooltips."""
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    state.reader.rows("INSERT INTO sales VALUES ('SL9', TIMESTAMPTZ '2025-01-10 10:00:00+00', 'S1', ?, 1, 'cash', "
                      "NULL, NULL, NULL, NULL, 1)", [attack])
    state.links[GROW]["SL9"] = 0.9
    login(client, "ana")
    html = client.get(f"/leads/{GROW}").text
    assert attack not in html and "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # the table and the chart's tooltip
