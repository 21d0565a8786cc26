"""Triage forms on a lead's page: assign, record an outcome, request / confirm / reject a dismissal.

Who may do what is the workspace's rule (it raises PermissionDenied -> 403, TriageError -> 409); this layer checks
the CSRF token (auth.guarded), reads the form, and answers with the lead page (HTML) or the updated lead (JSON).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wattwatch.trust import PermissionDenied, TriageError
from wattwatch.web.auth import guarded
from wattwatch.web.render import as_json, error, wants_json

TEXT_MAX = 2000  # notes and reasons: a paragraph, not a file


def _field(form, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _action(method: str, fields: tuple[str, ...]):
    """A POST handler that calls `ws.<method>(premise_id, *form fields, acting user)`."""

    @guarded()
    async def handler(request: Request) -> Response:
        ws = request.app.state.web.ws
        premise_id = request.path_params["premise_id"]
        form = await request.form()
        values = [_field(form, name) for name in fields]
        if any(len(v) > TEXT_MAX for v in values):
            return error(request, 400, f"text fields hold at most {TEXT_MAX} characters")
        user = request.scope["ww_session"].user

        def run():
            if ws.lead(premise_id) is None:
                return None
            getattr(ws, method)(premise_id, *values, user)
            return ws.lead(premise_id)

        try:
            lead = await run_in_threadpool(run)
            request.app.state.web.cache.clear()  # lists, map and facets may have changed
        except PermissionDenied as problem:
            return error(request, 403, str(problem))
        except TriageError as problem:
            return error(request, 409, str(problem))
        if lead is None:
            return error(request, 404, f"no lead for premises {premise_id[:60]!r}")
        if wants_json(request):
            return as_json({"ok": True, "lead": lead})
        return RedirectResponse(f"/leads/{quote(premise_id, safe='')}", status_code=303)

    return handler


assign = _action("assign", ("officer",))
record_outcome = _action("record_outcome", ("outcome", "notes"))
request_dismissal = _action("request_dismissal", ("reason",))
confirm_dismissal = _action("confirm_dismissal", ())
reject_dismissal = _action("reject_dismissal", ())
