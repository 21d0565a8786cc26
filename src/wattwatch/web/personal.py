"""The one place the dashboard reads personal data: after the user states a purpose, which is logged first.

The workspace logs who, when, which premises and why, then returns the account holder's fields; only after that
are the linked buyers' names, addresses and phones read from the sales table. If the log cannot be written, nothing
is read. They are returned for one page and never logged or cached.
"""

from __future__ import annotations

from wattwatch.web.state import WebState

PURPOSE_MIN, PURPOSE_MAX = 10, 500  # a purpose is a sentence ("inspection planning, case 2026/114"), not a tick


def personal_data(state: WebState, user, premise_id: str, purpose: str) -> dict:
    holders = state.ws.personal_data(user, premise_id, purpose)  # logs the view (or refuses) before reading
    links = state.links.get(premise_id, {})
    buyers = state.reader.rows(
        "SELECT sale_id, buyer_name, buyer_address, buyer_phone FROM sales WHERE sale_id IN (SELECT unnest(?)) "
        "ORDER BY ts, sale_id",
        [sorted(links)],
    ) if links else []
    return {
        "premise_id": premise_id,
        "purpose": purpose,
        "viewed_by": user.username,
        "premises": holders,
        "buyers": [
            {"sale_id": s, "buyer_name": n, "buyer_address": a, "buyer_phone": p, "link_probability": links[s]}
            for s, n, a, p in buyers
        ],
    }
