"""The lead page's content: the lead, its meter's charts with the change point, purchases, feeder balance, evidence.

`lead_view` returns (data, charts): `data` is the JSON twin (numbers, dates, texts), `charts` the inline SVGs the
HTML page adds. The change point is recomputed on the meter's daily series by the scan's own detectors (a theft
lead gets the drop detector's fall, on its night hours when the night's fall is the lead's first theft signal, on
its low envelope when a switched bypass is (core.switching); any other lead the increase detector's rise), so page
and scan agree.
"""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
from markupsafe import Markup

from wattwatch.core.drop import sustained_drop
from wattwatch.core.increase import strange_increase
from wattwatch.core.night_band import night_band_kwh
from wattwatch.core.switching import switched_fall
from wattwatch.report.svg import daily_chart, heatmap
from wattwatch.scan.findings import THEFT_SIGNALS
from wattwatch.web.charts import balance_chart, purchases_chart
from wattwatch.web.lead_data import MeterSeries
from wattwatch.web.state import WebState

LOOKALIKE_OPENERS = ("Could also be:", "Considered and ruled out:")
INLINE_STYLE = ' style="image-rendering:pixelated"'  # report.svg's heatmap attribute
SENTENCE_END = re.compile(r"(?<=[.)])\s+(?=[A-Z])")


def signals_of(lead: dict) -> list[str]:
    raw = lead.get("signals") or ""
    return [s for s in raw.split(";") if s] if isinstance(raw, str) else list(raw)


def split_explanation(text: str) -> tuple[list[str], list[str]]:
    """(evidence sentences, look-alike sentences) of a leads.csv explanation."""
    sentences = [s.strip() for s in SENTENCE_END.split(text or "") if s.strip()]
    lookalikes = [s for s in sentences if s.startswith(LOOKALIKE_OPENERS)]
    return [s for s in sentences if s not in lookalikes], lookalikes


def change_point(series: MeterSeries, signals: list[str], min_history_days: int) -> dict | None:
    """The change day and the levels either side, from the detector that fits the lead's signals."""
    x = series.daily_kwh[None, :]
    theft = [s for s in signals if s in THEFT_SIGNALS]
    kw = None if series.hourly_kw is None else series.hourly_kw[None]
    if theft and theft[0] == "night_drop" and kw is not None:
        found = sustained_drop(night_band_kwh(kw, daily_kwh=x), min_history_days=min_history_days)
        day = int(found.change_day[0])  # the chart shows whole days: the night's levels are not drawn on it
        return None if day < 0 else {"kind": "night-time fall", "day_index": day,
                                     "date": series.first_day + timedelta(days=day),
                                     "night_kw_before": float(found.level_before[0]) / 24,
                                     "night_kw_after": float(found.level_after[0]) / 24}
    if theft and theft[0] == "switched_drop":
        switched = switched_fall(x, min_history_days=min_history_days)  # the scan's peer levels only weigh it
        day = int(switched.fall.change_day[0])
        return None if day < 0 else {"kind": "switched fall", "day_index": day,
                                     "date": series.first_day + timedelta(days=day),
                                     "low_spells": int(switched.low_spells[0]),
                                     "lost_kw": float(switched.lost_kw[0])}
    if theft:
        found = sustained_drop(x, kw_hourly=kw, min_history_days=min_history_days)
        kind = "fall"
    else:
        found = strange_increase(x, min_history_days=min_history_days)
        kind = "rise"
    day = int(found.change_day[0])
    if day < 0:
        return None
    return {
        "kind": kind,
        "day_index": day,
        "date": series.first_day + timedelta(days=day),
        "level_before_kwh_day": float(found.level_before[0]),
        "level_after_kwh_day": float(found.level_after[0]),
    }


def _meter_part(state: WebState, lead: dict, signals: list[str], charts: dict) -> tuple[dict | None, dict | None]:
    series = state.reader.meter_series(lead["meter_id"])
    if series is None:
        return None, None
    change = change_point(series, signals, state.reader.settings.min_history_days)
    c = change or {}
    charts["daily"] = Markup(daily_chart(
        series.daily_kwh, series.first_day, c.get("day_index"), c.get("level_before_kwh_day", np.nan),
        c.get("level_after_kwh_day", np.nan), title=f"Daily kWh of meter {series.meter_id}",
    ))  # report.svg escapes every text it embeds
    if series.hourly_kw is not None:
        svg = heatmap(series.hourly_kw, series.first_day, title=f"kW by day and hour, meter {series.meter_id}")
        # The CSP allows no inline style; app.css gives the heatmap image the same pixelated rendering.
        charts["heatmap"] = Markup(svg.replace(INLINE_STYLE, ""))
    meter = {
        "meter_id": series.meter_id,
        "monthly_reads": series.is_billing,
        "first_day": series.first_day,
        "daily_kwh": np.round(series.daily_kwh, 3),
        "hourly_kw": None if series.hourly_kw is None else np.round(series.hourly_kw, 3),
    }
    return meter, change


def _purchases(state: WebState, premise_id: str, change: dict | None, charts: dict) -> list[dict]:
    sales = state.reader.sales(state.links.get(premise_id, {}))
    if sales:
        first = state.reader.first_day
        days = [(s.day - first).days for s in sales]
        labels = [f"{s.day}: {s.quantity} x {s.product}" for s in sales]
        charts["purchases"] = Markup(purchases_chart(
            days, labels, state.reader.n_days, first, change["day_index"] if change else None,
            title=f"Purchases linked to premises {premise_id}",
        ))
    return [
        {"sale_id": s.sale_id, "date": s.day, "store_id": s.store_id, "product": s.product, "quantity": s.quantity,
         "watts": s.watts, "payment": s.payment, "link_probability": round(s.probability, 3)}
        for s in sales
    ]


def _feeder(state: WebState, premise_id: str, charts: dict) -> dict | None:
    feeder_id = state.reader.premises_feeder(premise_id)
    balance = state.reader.feeder_balance(feeder_id) if feeder_id else None
    if balance is None:
        return None
    charts["feeder"] = Markup(balance_chart(
        balance.delivered_kwh, balance.metered_kwh, balance.first_day,
        title=f"Energy balance of feeder {feeder_id} ({balance.n_members} meters)",
    ))
    return {
        "feeder_id": feeder_id,
        "n_meters": balance.n_members,
        "first_day": balance.first_day,
        "delivered_kwh": np.round(balance.delivered_kwh, 1),
        "metered_kwh": np.round(balance.metered_kwh, 1),
    }


def lead_view(state: WebState, lead: dict, history: list) -> tuple[dict, dict]:
    """(JSON-ready data, inline SVG charts) of one lead's page."""
    charts: dict = {}
    signals = signals_of(lead)
    evidence, lookalikes = split_explanation(lead.get("explanation", ""))
    meter, change = _meter_part(state, lead, signals, charts)
    data = {
        "lead": lead,
        "signals": signals,
        "evidence": evidence,
        "lookalikes_considered": lookalikes,
        "change_point": change,
        "meter": meter,
        "purchases": _purchases(state, lead["premise_id"], change, charts),
        "feeder_balance": _feeder(state, lead["premise_id"], charts),
        "history": history,
    }
    return data, charts
