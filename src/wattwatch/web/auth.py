"""Who may see and do what: login sessions in an HttpOnly SameSite=Strict cookie, roles, and CSRF on every POST.

A handler is wrapped by `guarded(roles)`: without a live session a page redirects to the login and JSON gets 401;
a role outside `roles` gets 403; a POST without the session's CSRF token (form field `csrf_token` or header
`X-CSRF-Token`) gets 403 before the handler runs. The login form itself is protected by a double-submit token:
a random cookie that the form must echo.
"""

from __future__ import annotations

import secrets
from functools import wraps
from hmac import compare_digest
from typing import Awaitable, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wattwatch.web.render import error, wants_json

SESSION_COOKIE = "ww_session"
LOGIN_COOKIE = "ww_login"  # double-submit token of the login form
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

Handler = Callable[[Request], Awaitable[Response]]


def set_cookie(response: Response, name: str, value: str) -> None:
    # Secure is left off on purpose: the dashboard serves plain HTTP on loopback only (see docs/dashboard.md).
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/")


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and compare_digest(str(given).encode(), str(expected).encode())


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login (no open redirect to another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/leads"


async def submitted_token(request: Request) -> str | None:
    if CSRF_HEADER in request.headers:
        return request.headers[CSRF_HEADER]
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def guarded(*roles: str) -> Callable[[Handler], Handler]:
    """Require a session (and one of `roles`, when given); check the CSRF token on POST."""

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            ws = request.app.state.web.ws
            token = request.cookies.get(SESSION_COOKIE)
            session = await run_in_threadpool(ws.session, token) if token else None
            if session is None:
                if wants_json(request) or request.method != "GET":
                    return error(request, 401, "log in first")
                return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
            request.scope["ww_session"] = session
            if roles and session.user.role not in roles:
                return error(request, 403, f"a {session.user.role} may not open this; it needs: {', '.join(roles)}")
            if request.method == "POST" and not session.csrf_ok(await submitted_token(request)):
                return error(request, 403, "missing or wrong CSRF token: reload the page and try again")
            return await handler(request)

        return endpoint

    return wrap
