"""Every page has a JSON twin: the same URL with `.json` (or `?format=json`) returns the data the page shows.

Handlers build one plain dict; `respond` renders it with the page's template or returns it as JSON.
"""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from wattwatch import __version__

JSON_SUFFIX = ".json"

templates = Environment(loader=PackageLoader("wattwatch.web", "templates"), autoescape=select_autoescape(default=True))


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(JSON_SUFFIX) or request.query_params.get("format") == "json"


def plain(value: Any) -> Any:
    """JSON-ready: dataclasses to dicts, arrays to lists, NaN to null, dates to ISO text."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":  # one pass for big series: NaN -> None without visiting every number here
            out = value.astype(object)
            out[~np.isfinite(value)] = None
            return out.tolist()
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def as_json(data: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(plain(data), status_code=status)


def respond(request: Request, template: str, data: dict, *, html: dict | None = None, status: int = 200) -> Response:
    """The page, or its JSON twin. `html` holds what only the page needs (rendered charts, form choices)."""
    if wants_json(request):
        return as_json(data, status)
    session = request.scope.get("ww_session")
    page = templates.get_template(template).render(
        data=data, html=html or {}, session=session, request=request, version=__version__
    )
    return HTMLResponse(page, status_code=status)


def error(request: Request, status: int, message: str) -> Response:
    """An error as the caller asked for it: {"error": ...} for JSON, a short page otherwise."""
    return respond(request, "error.html", {"error": message, "status": status}, status=status)
