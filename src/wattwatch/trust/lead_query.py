"""The lead list: filters, sort and paging for the dashboard, built only from bound parameters and a whitelist."""

from __future__ import annotations

from dataclasses import dataclass

from wattwatch.trust.db import Database, iso, rows_as_dicts

# Sort keys the caller may name, and the only SQL they can become.
SORTS = {"rank": "rank", "score": "score", "city": "city", "status": "status", "updated": "updated_at"}
MAX_PER_PAGE = 500

LEAD_COLUMNS = ("premise_id", "meter_id", "rank", "score", "signals", "explanation", "city", "district", "category",
                "feeder_id", "latitude", "longitude", "scan_id", "status", "assignee", "outcome", "closed_by",
                "created_at", "updated_at", "escalated_at")
_SELECT = f"SELECT {', '.join(LEAD_COLUMNS)} FROM leads"
TEXT_FILTERS = ("city", "category", "signal", "status", "assignee")


@dataclass(frozen=True)
class LeadQuery:
    city: str | None = None
    category: str | None = None
    signal: str | None = None  # leads whose signals include this one
    status: str | None = None
    assignee: str | None = None
    escalated: bool | None = None  # True: only escalated leads; False: only the others
    sort: str = "rank"  # one of SORTS
    descending: bool = False
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        for name in TEXT_FILTERS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"filter {name} must be text, not {type(value).__name__}")
        if self.escalated is not None and not isinstance(self.escalated, bool):
            raise ValueError(f"filter escalated must be true or false, not {self.escalated!r}")
        if self.sort not in SORTS:
            raise ValueError(f"sort {self.sort!r}: must be one of {', '.join(SORTS)}")
        if type(self.page) is not int or self.page < 1:
            raise ValueError(f"page {self.page!r}: must be a whole number >= 1")
        if type(self.per_page) is not int or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page {self.per_page!r}: must be between 1 and {MAX_PER_PAGE}")


@dataclass(frozen=True)
class LeadPage:
    items: list[dict]  # JSON-ready: signals as a list, times as ISO 8601 strings in UTC
    total: int  # leads matching the filters, over all pages
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _where(q: LeadQuery) -> tuple[str, list]:
    clauses, params = [], []
    for column in ("city", "category", "status", "assignee"):
        value = getattr(q, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if q.signal is not None:
        clauses.append("list_contains(string_split(signals, ';'), ?)")
        params.append(q.signal)
    if q.escalated is not None:
        clauses.append("escalated_at IS NOT NULL" if q.escalated else "escalated_at IS NULL")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def lead_dict(row: dict) -> dict:
    item = dict(row)
    item["signals"] = [s for s in row["signals"].split(";") if s]
    item["escalated"] = row["escalated_at"] is not None
    for key in ("created_at", "updated_at", "escalated_at"):
        item[key] = iso(row[key])
    return item


def list_leads(db: Database, q: LeadQuery) -> LeadPage:
    where, params = _where(q)
    order = f"{SORTS[q.sort]} {'DESC' if q.descending else 'ASC'} NULLS LAST, premise_id"
    with db.read() as cur:
        total = cur.execute(f"SELECT count(*) FROM leads{where}", params).fetchone()[0]
        cur.execute(f"{_SELECT}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, q.per_page, (q.page - 1) * q.per_page])
        items = [lead_dict(r) for r in rows_as_dicts(cur)]
    return LeadPage(items, total, q.page, q.per_page)


def get_lead(db: Database, premise_id: str) -> dict | None:
    with db.read() as cur:
        cur.execute(f"{_SELECT} WHERE premise_id = ?", [premise_id])
        rows = rows_as_dicts(cur)
    return lead_dict(rows[0]) if rows else None


def facets(db: Database, statuses: tuple[str, ...]) -> dict[str, list[str]]:
    """The values each filter can take, for the dashboard's drop-downs."""
    def distinct(sql: str) -> list[str]:
        return [r[0] for r in cur.execute(sql).fetchall()]

    with db.read() as cur:
        return {
            "cities": distinct("SELECT DISTINCT city FROM leads WHERE city IS NOT NULL ORDER BY 1"),
            "districts": distinct("SELECT DISTINCT district FROM leads WHERE district IS NOT NULL ORDER BY 1"),
            "categories": distinct("SELECT DISTINCT category FROM leads WHERE category IS NOT NULL ORDER BY 1"),
            "signals": distinct("SELECT DISTINCT s FROM (SELECT unnest(string_split(signals, ';')) AS s FROM leads) "
                                "WHERE s <> '' ORDER BY 1"),
            "statuses": list(statuses),
            "assignees": distinct("SELECT DISTINCT assignee FROM leads WHERE assignee IS NOT NULL ORDER BY 1"),
        }
