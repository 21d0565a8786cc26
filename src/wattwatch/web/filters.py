"""The lead list's filters from the query string, checked before anything reaches the workspace.

A filter value must be one the workspace lists (its facets), a sort one of the known columns, page numbers small
positive integers; anything else is refused with a 400 that names the allowed values. Values are only ever compared
with known values here and passed on as data, never pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

# filter name -> the workspace facet that lists its allowed values
FILTERS = {
    "city": "cities", "category": "categories", "signal": "signals", "status": "statuses", "assignee": "assignees",
}
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_PAGE = 1_000_000
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class BadFilter(ValueError):
    """A query-string value outside what the lead list accepts; the message names the allowed values."""


@dataclass(frozen=True)
class ListParams:
    filters: dict[str, str]  # the filters in use (name -> value)
    escalated: bool | None  # True: only escalated leads; None: any
    sort: str
    descending: bool
    page: int
    per_page: int


def _choice(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        shown = ", ".join(list(allowed)[:20]) + (" ..." if len(allowed) > 20 else "")
        raise BadFilter(f"{name}={value[:40]!r} is not one of: {shown or '(none yet)'}")
    return value


def _integer(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not low <= int(text) <= high:
        raise BadFilter(f"{name}={text[:40]!r}: give a whole number from {low} to {high}")
    return int(text)


def _flag(name: str, query: Mapping[str, str]) -> bool:
    text = query.get(name, "").lower()
    if text not in TRUE + FALSE:
        raise BadFilter(f"{name}={text[:40]!r}: give 1 or 0")
    return text in TRUE


def list_params(
    query: Mapping[str, str], facets: Mapping[str, Sequence[str]], sorts: Sequence[str], default_sort: str
) -> ListParams:
    """Check every list parameter against the workspace's facets and sort columns."""
    filters = {
        name: _choice(name, query[name], facets.get(facet, ()))
        for name, facet in FILTERS.items()
        if query.get(name)
    }
    return ListParams(
        filters=filters,
        escalated=True if _flag("escalated", query) else None,
        sort=_choice("sort", query.get("sort") or default_sort, sorts),
        descending=_flag("descending", query),
        page=_integer("page", query.get("page"), 1, 1, MAX_PAGE),
        per_page=_integer("per_page", query.get("per_page"), DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )
