"""The Starlette app: routes (each page with its `.json` twin), static files, and security headers on every answer."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wattwatch.web import pages_audit, pages_leads, pages_login, pages_triage
from wattwatch.web.render import JSON_SUFFIX
from wattwatch.web.state import WebState

# Everything is served from this origin; no inline script or style; no framing; forms post only here.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
ESCALATE_EVERY_S = 900  # how often the server escalates leads nobody touched for TrustSettings.escalation_days
NO_STORE = "no-store"  # pages and JSON hold leads and personal data: no browser or proxy cache


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS (and no-store outside /static) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if not static:
                    headers.append((b"cache-control", NO_STORE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def twin(path: str, endpoint, methods: tuple[str, ...] = ("GET",)) -> list[Route]:
    """The page's route and its JSON twin (path + .json), the twin first so it wins over a path parameter."""
    return [Route(path + JSON_SUFFIX, endpoint, methods=list(methods)), Route(path, endpoint, methods=list(methods))]


async def escalate_periodically(state: WebState) -> None:
    """Escalate stale leads now and every ESCALATE_EVERY_S while serving (the server holds the database)."""
    while True:
        try:
            if await run_in_threadpool(state.ws.escalate_stale):
                state.cache.clear()
        except Exception:  # a failed run is logged and retried next time; serving goes on
            logging.getLogger(__name__).exception("escalation run failed")
        await asyncio.sleep(ESCALATE_EVERY_S)


async def home(request: Request) -> Response:
    return RedirectResponse("/leads", status_code=303)


def create_app(state: WebState) -> Starlette:
    lead = "/leads/{premise_id}"
    routes = [
        Route("/", home),
        *twin("/login", pages_login.login_form),
        *twin("/login", pages_login.login, ("POST",)),
        *twin("/logout", pages_login.logout, ("POST",)),
        *twin("/leads", pages_leads.lead_list),
        *twin("/map", pages_leads.lead_map),
        *twin("/audit", pages_audit.audit_page),
        Route("/export/outcomes.csv", pages_audit.export_outcomes),
        *twin(lead + "/personal", pages_leads.personal_view, ("POST",)),
        *twin(lead + "/assign", pages_triage.assign, ("POST",)),
        *twin(lead + "/outcome", pages_triage.record_outcome, ("POST",)),
        *twin(lead + "/dismissal/request", pages_triage.request_dismissal, ("POST",)),
        *twin(lead + "/dismissal/confirm", pages_triage.confirm_dismissal, ("POST",)),
        *twin(lead + "/dismissal/reject", pages_triage.reject_dismissal, ("POST",)),
        *twin(lead, pages_leads.lead_page),
        Mount("/static", StaticFiles(packages=[("wattwatch.web", "static")]), name="static"),
    ]
    @asynccontextmanager
    async def lifespan(app: Starlette):
        task = asyncio.create_task(escalate_periodically(state))
        yield
        task.cancel()

    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.web = state
    return app
