"""The auditor's page (dismissal rates against peers, the audit chain's check) and the outcomes CSV export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wattwatch.web.auth import guarded
from wattwatch.web.render import respond

RECENT_VIEWS = 200  # personal-data views listed on the audit page, newest first (the twin lists the same)
OVERSIGHT = ("auditor", "supervisor")  # the roles that may export outcomes; the audit page is the auditor's


@guarded("auditor")
async def audit_page(request: Request) -> Response:
    ws = request.app.state.web.ws
    viewer = request.scope["ww_session"].user

    def build():
        report = ws.audit_verify()
        return {
            "audit_chain": {"ok": report.ok, "n_entries": report.n_entries, "first_bad_seq": report.first_bad_seq,
                            "problem": report.problem},
            "dismissal_rates_by_officer": ws.dismissal_rates(by="officer", viewer=viewer),
            "dismissal_rates_by_district": ws.dismissal_rates(by="district", viewer=viewer),
            "personal_data_views": ws.personal_views(viewer=viewer)[:RECENT_VIEWS],
        }

    return respond(request, "audit.html", await run_in_threadpool(build))


@guarded(*OVERSIGHT)
async def export_outcomes(request: Request) -> Response:
    ws = request.app.state.web.ws

    def build() -> bytes:
        with tempfile.TemporaryDirectory(prefix="wattwatch-export-") as folder:
            path = Path(folder) / "outcomes.csv"
            ws.export_outcomes_csv(path)
            return path.read_bytes()

    body = await run_in_threadpool(build)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="outcomes.csv"'})
