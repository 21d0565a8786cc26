"""Lead-page charts the scan's report does not draw: a feeder's energy balance and a purchases timeline.

Built from report.svg's axis helpers so the charts share the report's look; every text is escaped there.
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

import numpy as np

from wattwatch.report.svg import BOTTOM, LEFT, RIGHT, TOP, _line, _svg, _text, month_ticks, nice_max

AXIS = 'stroke="#999" stroke-width="1"'


def _path(values: np.ndarray, x, y) -> str:
    """An SVG path through the finite values, lifted over the unobserved days."""
    parts, pen_down = [], False
    for i, v in enumerate(values):
        if math.isfinite(v):
            parts.append(f"{'L' if pen_down else 'M'}{x(i):.1f} {y(v):.1f}")
        pen_down = math.isfinite(v)
    return " ".join(parts)


def _frame(n_days: int, first_day: date, top: float, width: int, height: int, unit: str):
    """Axes, value labels and month ticks; returns (body, x, y)."""
    pw, ph = width - LEFT - RIGHT, height - TOP - BOTTOM
    x = lambda i: LEFT + pw * (i / max(n_days - 1, 1))  # noqa: E731
    y = lambda v: TOP + ph * (1 - v / top)  # noqa: E731
    body = [_line(LEFT, TOP + ph, LEFT + pw, TOP + ph, AXIS), _line(LEFT, TOP, LEFT, TOP + ph, AXIS)]
    for v in (0.0, top / 2, top):
        body.append(_text(LEFT - 6, y(v) + 4, f"{v:g}", "end"))
    body.append(_text(14, TOP + ph / 2, unit, "middle", f'transform="rotate(-90 14 {TOP + ph / 2:.1f})"'))
    for i, label in month_ticks(first_day, n_days, max_ticks=10):
        body.append(_line(x(i), TOP + ph, x(i), TOP + ph + 4, AXIS))
        body.append(_text(x(i), height - 8, label))
    return body, x, y


def balance_chart(delivered: np.ndarray, metered: np.ndarray, first_day: date, *, title: str,
                  width: int = 760, height: int = 220) -> str:
    """Energy into the feeder and the sum its premises metered, per day; the gap between them is unmetered."""
    finite = np.concatenate([delivered[np.isfinite(delivered)], metered[np.isfinite(metered)]])
    top = nice_max(float(finite.max()) if finite.size else 0.0)
    body, x, y = _frame(len(delivered), first_day, top, width, height, "kWh/day")
    body.append(f'<path d="{_path(delivered, x, y)}" fill="none" stroke="#d7301f" stroke-width="1.2"/>')
    body.append(f'<path d="{_path(metered, x, y)}" fill="none" stroke="#3b528b" stroke-width="1.2"/>')
    body.append(_text(width - RIGHT - 4, TOP + 10, "into the feeder", "end", 'fill="#d7301f"'))
    body.append(_text(width - RIGHT - 4, TOP + 24, "metered at its premises", "end", 'fill="#3b528b"'))
    return _svg(width, height, title, body)


def purchases_chart(days: list[int], labels: list[str], n_days: int, first_day: date, change_day: int | None, *,
                    title: str, width: int = 760, height: int = 70) -> str:
    """One tick per purchase on the daily chart's time axis, the change day marked, each tick titled."""
    pw = width - LEFT - RIGHT
    x = lambda i: LEFT + pw * (i / max(n_days - 1, 1))  # noqa: E731
    mid = TOP + 14
    body = [_line(LEFT, mid, LEFT + pw, mid, AXIS)]
    for i, label in month_ticks(first_day, n_days, max_ticks=10):
        body.append(_text(x(i), height - 8, label))
    if change_day is not None:
        body.append(_line(x(change_day), TOP, x(change_day), mid + 14, 'stroke="#d7301f" stroke-width="1.5"'))
    for day, label in zip(days, labels):
        if 0 <= day < n_days:
            body.append(
                f'<circle cx="{x(day):.1f}" cy="{mid}" r="5" fill="#5ec962" stroke="#333">'
                f"<title>{escape(label)}</title></circle>"
            )
    return _svg(width, height, title, body)

