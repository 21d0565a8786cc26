"""Inline SVG charts for the report: daily kWh with the change point, and a day x hour heatmap.

Every text that enters the SVG is escaped; the heatmap's cells are one embedded PNG (data: URI, no network).
The SVGs are meant to sit inline in HTML5, which needs no xmlns attribute.
"""

from __future__ import annotations

import base64
import math
import zlib
from datetime import date, timedelta
from html import escape

import numpy as np

from wattwatch.report.png import encode_png

# Perceptually even dark-to-bright ramp (viridis anchors): a lamp block reads as a bright band.
RAMP = np.array([(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)], dtype=np.float64)
MISSING_RGB = (215, 215, 215)
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 26  # LEFT fits "Sep 2025" and "1000"
FONT = 'font-family="system-ui,sans-serif" font-size="11" fill="#333"'


def colours(values: np.ndarray, vmax: float) -> np.ndarray:
    """uint8 RGB for values scaled 0..vmax onto RAMP; NaN -> light grey."""
    t = np.clip(np.nan_to_num(values / vmax if vmax > 0 else values * 0, nan=0.0), 0, 1) * (len(RAMP) - 1)
    stops = np.arange(len(RAMP))
    rgb = np.stack([np.interp(t, stops, RAMP[:, c]) for c in range(3)], axis=-1)
    rgb[~np.isfinite(values)] = MISSING_RGB
    return np.round(rgb).astype(np.uint8)


def nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 x 10^n)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    base = 10 ** math.floor(math.log10(value))
    return next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= value)


def month_ticks(first_day: date, n_days: int, max_ticks: int = 12) -> list[tuple[int, str]]:
    """(day index, label) at the first of each month (every few months when the span is long)."""
    firsts = [i for i in range(n_days) if (first_day + timedelta(days=i)).day == 1]
    every = max(1, math.ceil(len(firsts) / max_ticks))
    return [(i, (first_day + timedelta(days=i)).strftime("%b %Y")) for i in firsts[::every]]


def _text(x: float, y: float, label: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{escape(label)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, style: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def daily_chart(
    kwh: np.ndarray,
    first_day: date,
    change_day: int | None,
    level_before: float,
    level_after: float,
    *,
    title: str,
    width: int = 760,
    height: int = 220,
) -> str:
    """Daily kWh as a line (broken at unobserved days), the change day marked, the before/after levels drawn."""
    n = max(len(kwh), 1)
    pw, ph = width - LEFT - RIGHT, height - TOP - BOTTOM
    finite = kwh[np.isfinite(kwh)]
    top = nice_max(max([float(finite.max()) if finite.size else 0.0] + [v for v in (level_after,) if math.isfinite(v)]))
    x = lambda i: LEFT + pw * (i / max(n - 1, 1))  # noqa: E731
    y = lambda v: TOP + ph * (1 - v / top)  # noqa: E731

    path, pen_down = [], False
    for i, v in enumerate(kwh):
        if math.isfinite(v):
            path.append(f"{'L' if pen_down else 'M'}{x(i):.1f} {y(v):.1f}")
        pen_down = math.isfinite(v)
    axis = 'stroke="#999" stroke-width="1"'
    body = [_line(LEFT, TOP + ph, LEFT + pw, TOP + ph, axis), _line(LEFT, TOP, LEFT, TOP + ph, axis)]
    for v in (0.0, top / 2, top):
        body.append(_text(LEFT - 6, y(v) + 4, f"{v:g}", "end"))
    body.append(_text(14, TOP + ph / 2, "kWh/day", "middle", f'transform="rotate(-90 14 {TOP + ph / 2:.1f})"'))
    for i, label in month_ticks(first_day, n, max_ticks=10):
        body.append(_line(x(i), TOP + ph, x(i), TOP + ph + 4, axis))
        body.append(_text(x(i), height - 8, label))
    body.append(f'<path d="{" ".join(path)}" fill="none" stroke="#3b528b" stroke-width="1.2"/>')
    if change_day is not None and change_day >= 0:
        level = 'stroke-width="2" stroke-dasharray="6 3"'
        if math.isfinite(level_before):
            body.append(_line(x(0), y(level_before), x(change_day), y(level_before), f'stroke="#21918c" {level}'))
        if math.isfinite(level_after):
            body.append(_line(x(change_day), y(level_after), x(n - 1), y(level_after), f'stroke="#d7301f" {level}'))
        body.append(_line(x(change_day), TOP, x(change_day), TOP + ph, 'stroke="#d7301f" stroke-width="1.5"'))
        label = "change " + (first_day + timedelta(days=change_day)).isoformat()
        anchor = "end" if change_day > n * 0.75 else "start"
        body.append(_text(x(change_day) + (-4 if anchor == "end" else 4), TOP + 10, label, anchor))
    return _svg(width, height, title, body)


def heatmap(kw: np.ndarray, first_day: date, *, title: str, cell_width: int = 16, max_height: int = 540) -> str:
    """Day x hour-of-day heatmap of kW (rows = days top to bottom, columns = local hours), with a colour legend."""
    n_days = kw.shape[0]
    finite = kw[np.isfinite(kw)]
    vmax = nice_max(float(np.percentile(finite, 99)) if finite.size else 0.0)
    png = base64.b64encode(encode_png(colours(kw, vmax))).decode("ascii")
    pw = 24 * cell_width
    ph = min(max(n_days, 120), max_height)
    legend_x = LEFT + pw + 24
    width, height = legend_x + 70, TOP + ph + BOTTOM
    y = lambda i: TOP + ph * (i / max(n_days, 1))  # noqa: E731
    body = [
        f'<image x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" preserveAspectRatio="none" '
        f'style="image-rendering:pixelated" href="data:image/png;base64,{png}"/>'
    ]
    for h in range(0, 25, 6):
        body.append(_text(LEFT + h * cell_width, TOP + ph + 16, f"{h:02d}:00"))
    for i, label in month_ticks(first_day, n_days, max_ticks=14):
        body.append(_text(LEFT - 4, y(i) + 4, label, "end", 'font-size="10"'))
    stops = "".join(
        f'<stop offset="{k / (len(RAMP) - 1):.2f}" stop-color="rgb({int(r)},{int(g)},{int(b)})"/>'
        for k, (r, g, b) in enumerate(RAMP[::-1])
    )
    grad_id = f"ramp{zlib.crc32(title.encode())}"  # unique per chart within the page, stable across runs
    body.append(f'<defs><linearGradient id="{grad_id}" x1="0" y1="0" x2="0" y2="1">{stops}</linearGradient></defs>')
    body.append(f'<rect x="{legend_x}" y="{TOP}" width="12" height="{ph / 2:.0f}" fill="url(#{grad_id})"/>')
    body.append(_text(legend_x + 16, TOP + 10, f"{vmax:g} kW", "start"))
    body.append(_text(legend_x + 16, TOP + ph / 2, "0 kW", "start"))
    return _svg(width, height, title, body)
