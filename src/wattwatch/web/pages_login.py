"""Login and logout. The login form is guarded by a double-submit token; the session cookie is HttpOnly, Strict."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wattwatch.web.auth import (
    LOGIN_COOKIE, SESSION_COOKIE, guarded, new_login_token, safe_next, set_cookie, tokens_match,
)
from wattwatch.web.render import as_json, error, respond, wants_json

FIELD_MAX = 200  # longer user names or passwords are refused before any work


async def login_form(request: Request) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or new_login_token()
    data = {"login_token": token, "next": safe_next(request.query_params.get("next"))}
    response = respond(request, "login.html", data)
    set_cookie(response, LOGIN_COOKIE, token)
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not tokens_match(str(form.get("login_token", "")), request.cookies.get(LOGIN_COOKIE)):
        return error(request, 403, "the login form has expired: reload the page and try again")
    if not username or not password or len(username) > FIELD_MAX or len(password) > FIELD_MAX:
        return error(request, 400, "give a user name and a password")
    ws = request.app.state.web.ws
    user = await run_in_threadpool(ws.authenticate, username, password)
    if user is None:
        return error(request, 401, "wrong user name or password (or the account is locked for a while)")
    session = await run_in_threadpool(ws.new_session, user)
    if wants_json(request):
        data = {"username": user.username, "role": user.role, "csrf_token": session.csrf_token}
        response = as_json(data)
    else:
        response = RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)
    set_cookie(response, SESSION_COOKIE, session.token)  # a browser-session cookie; the server ends it at expires_at
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@guarded()
async def logout(request: Request) -> Response:
    await run_in_threadpool(request.app.state.web.ws.end_session, request.cookies[SESSION_COOKIE])
    if wants_json(request):
        response = as_json({"ok": True})
    else:
        response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
