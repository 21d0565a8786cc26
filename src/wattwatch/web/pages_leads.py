"""The analysts' pages: the lead list, the map, a lead's page, and its personal data behind a stated purpose."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wattwatch.trust import OUTCOMES, LeadQuery
from wattwatch.trust.triage import WORKERS
from wattwatch.trust.lead_query import MAX_PER_PAGE as WORKSPACE_MAX_PER_PAGE
from wattwatch.trust.lead_query import SORTS
from wattwatch.web import basemap
from wattwatch.web.auth import guarded
from wattwatch.web.filters import BadFilter, ListParams, list_params
from wattwatch.web.lead_view import lead_view
from wattwatch.web.personal import PURPOSE_MAX, PURPOSE_MIN, personal_data
from wattwatch.web.render import error, respond
from wattwatch.web.state import WebState

MAP_LEADS = WORKSPACE_MAX_PER_PAGE  # the map shows the best-ranked leads matching the filters, at most this many


def _state(request: Request) -> WebState:
    return request.app.state.web


def _query(params: ListParams) -> LeadQuery:
    return LeadQuery(**params.filters, escalated=params.escalated, sort=params.sort, descending=params.descending,
                     page=params.page, per_page=params.per_page)


def _link(params: ListParams, page: int) -> str:
    args = {**params.filters, "escalated": int(bool(params.escalated)), "sort": params.sort,
            "descending": int(params.descending), "page": page, "per_page": params.per_page}
    return "?" + urlencode(args)


def facets(state: WebState) -> dict[str, list[str]]:
    return state.cache.get(("facets",), state.ws.facets)


def officers(state: WebState) -> list[str]:
    """Who a lead can be assigned to: the accounts that work leads (the assign form's suggestions)."""
    return [u.username for u in state.ws.users() if u.role in WORKERS]


def _read_params(request: Request, state: WebState) -> tuple[ListParams, dict]:
    known = facets(state)
    return list_params(request.query_params, known, tuple(SORTS), "rank"), known


def _leads(state: WebState, query: LeadQuery):
    return state.cache.get(("list", query), lambda: state.ws.list_leads(query))


@guarded()
async def lead_list(request: Request) -> Response:
    state = _state(request)

    def build():
        params, known = _read_params(request, state)
        return params, known, _leads(state, _query(params))

    try:
        params, known, found = await run_in_threadpool(build)
    except BadFilter as problem:
        return error(request, 400, str(problem))
    data = {
        "filters": params.filters, "escalated": params.escalated, "sort": params.sort, "descending": params.descending,
        "page": found.page, "per_page": found.per_page, "total": found.total, "pages": found.pages,
        "items": found.items, "facets": known, "sorts": tuple(SORTS),
    }
    html = {
        "previous": _link(params, found.page - 1) if found.page > 1 else None,
        "next": _link(params, found.page + 1) if found.page < found.pages else None,
    }
    return respond(request, "leads.html", data, html=html)


@guarded()
async def lead_map(request: Request) -> Response:
    state = _state(request)

    def build():
        params, known = _read_params(request, state)
        key = ("map", tuple(sorted(params.filters.items())), params.escalated)
        return state.cache.get(key, lambda: _map(state, params, known))

    try:
        data, svg = await run_in_threadpool(build)
    except BadFilter as problem:
        return error(request, 400, str(problem))
    return respond(request, "map.html", data, html={"svg": svg})


def _map(state: WebState, params: ListParams, known: dict) -> tuple[dict, str]:
    """The map's data and SVG for these filters."""
    found = state.ws.list_leads(LeadQuery(**params.filters, escalated=params.escalated, per_page=MAP_LEADS))
    points = []
    for item in found.items:
        placed = basemap.place(item["premise_id"], item.get("city") or "", item.get("latitude"), item.get("longitude"))
        if placed:
            points.append(basemap.Point(item["premise_id"], item["rank"], item["status"], *placed))
    city = params.filters.get("city")
    view = basemap.view_for(points if city else [], city)
    svg = basemap.render_svg(view, points, state.feeder_points, zoomed=bool(city))
    data = {
        "filters": params.filters, "total": found.total, "shown": len(points), "bounds": view.as_dict(),
        "points": points, "facets": known,
        "note": "Outlines are approximate and hand-drawn; leads without register coordinates sit near their "
                "city's centre (approximate: true).",
    }
    return data, svg


@guarded()
async def lead_page(request: Request) -> Response:
    state = _state(request)
    premise_id = request.path_params["premise_id"]

    def build():
        lead = state.ws.lead(premise_id)
        if lead is None:
            return None
        data, charts = lead_view(state, lead, state.ws.history(premise_id))
        return data, charts, state.cache.get(("officers",), lambda: officers(state))

    built = await run_in_threadpool(build)
    if built is None:
        return error(request, 404, f"no lead for premises {premise_id[:60]!r}")
    data, charts, assignable = built
    html = {"charts": charts, "outcomes": OUTCOMES, "purpose_min": PURPOSE_MIN, "purpose_max": PURPOSE_MAX,
            "officers": assignable}
    return respond(request, "lead.html", data, html=html)


@guarded()
async def personal_view(request: Request) -> Response:
    """POST with a purpose: the purpose is logged first, then the premises' and linked buyers' personal fields."""
    state = _state(request)
    premise_id = request.path_params["premise_id"]
    form = await request.form()
    purpose = str(form.get("purpose", "")).strip()
    if not PURPOSE_MIN <= len(purpose) <= PURPOSE_MAX:
        return error(request, 400, f"state the purpose of this view in {PURPOSE_MIN} to {PURPOSE_MAX} characters")
    lead = await run_in_threadpool(state.ws.lead, premise_id)
    if lead is None:
        return error(request, 404, f"no lead for premises {premise_id[:60]!r}")
    session = request.scope["ww_session"]
    data = await run_in_threadpool(personal_data, state, session.user, premise_id, purpose)
    return respond(request, "personal.html", data)
