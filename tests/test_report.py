"""The offline report: self-contained, well-formed, escaped, one chart set per top lead."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import numpy as np
import pytest

from wattwatch.report.png import encode_png
from wattwatch.report.svg import colours, daily_chart, heatmap, month_ticks, nice_max
from wattwatch.scan import run_scan
from wattwatch.settings import Settings
from wattwatch.store import connect

from helpers_store import insert_meters, insert_premises, insert_readings

UTC = timezone.utc
EVIL = '<script>alert("x")</script>&"'
VOID = {"meta", "br", "img", "hr", "input", "link", "source", "wbr", "col", "area", "base", "embed", "param", "track"}
SVG_LEAVES = {"line", "path", "rect", "image", "stop", "circle", "polyline"}


class TagBalance(HTMLParser):
    """Checks that every opened element is closed in order (void and self-closed SVG elements aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags, self.scripts = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def grow_store(n_grows: int, premise_of_grow=lambda i: f"G{i}"):
    rng = np.random.default_rng(3)
    con = connect(":memory:")
    start, days = datetime(2025, 1, 1, tzinfo=UTC), 150
    hours = np.arange(days * 24)
    readings, meters, premises = [], [], []
    for i in range(n_grows + 3):
        kw = 0.4 * rng.gamma(6, 1 / 6, hours.size)
        if i < n_grows:  # from day 90 (April: UTC+2 in Tirana), a lamp block of 4 + i kW from 00:00 to 12:00 local
            kw += (4 + i) * ((hours // 24 >= 90) & ((hours + 2) % 24 < 12))
        meter = f"M{i}"
        readings += [(meter, start + timedelta(hours=int(h)), float(v), False) for h, v in zip(hours, kw)]
        meters.append((meter, "60min", 60, start, start))
        premises.append((premise_of_grow(i) if i < n_grows else f"F{i}", meter, "residential", "Vlore"))
    insert_readings(con, readings)
    insert_meters(con, meters)
    insert_premises(con, premises)
    return con


def render(tmp_path, n_grows=4, report_top=3, **store_kw):
    result = run_scan(grow_store(n_grows, **store_kw), Settings(min_history_days=42, report_top=report_top), tmp_path)
    return result, result.report_html.read_text(encoding="utf-8")


def test_report_is_self_contained_and_well_formed(tmp_path):
    result, text = render(tmp_path)
    assert not re.search(r"https?://", text), "no external references: the report must open offline"
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", text), "only inline data and in-page links"
    parser = TagBalance()
    parser.feed(text)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert parser.scripts == 0
    assert text.lstrip().startswith("<!DOCTYPE html>")


def test_each_top_lead_has_its_charts_and_evidence(tmp_path):
    result, text = render(tmp_path, n_grows=4, report_top=3)
    assert result.n_leads >= 4
    sections = re.findall(r'<section class="lead" id="lead-(\d+)">(.*?)</section>', text, flags=re.S)
    assert [int(rank) for rank, _ in sections] == [1, 2, 3]
    for _, body in sections:
        assert body.count("<svg") == 2  # daily kWh and heatmap
        assert "change 2025-0" in body and "<li>Daily use rose" in body
    table_rows = re.findall(r"<tr>\s*<td class=\"num\">", text)
    assert len(table_rows) == result.n_leads
    top = result.leads[0]  # each question's score beside the lead's: these grows carry grow evidence, no theft
    cells = re.search(rf'id="lead-1">.*?</tr>|<a href="#lead-1">1</a>.*?</tr>', text, flags=re.S).group(0)
    numbers = re.findall(r'<td class="num">([\d.]+)</td>', cells)
    assert numbers == [f"{top.score:.1f}", f"{top.grow_score:.1f}", f"{top.theft_score:.1f}"]
    assert top.grow_score > top.theft_score


def test_heatmap_shows_the_lamp_block_at_its_clock_hours(tmp_path):
    result, text = render(tmp_path, n_grows=1, report_top=1)
    png = base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text).group(1))
    width, height, pixels = decode_png(png)
    assert (width, height) == (24, result.n_days)
    brightness = pixels.astype(float).sum(axis=2)
    lamp_hours = [hour < 12 for hour in range(24)]
    after = brightness[100:]
    lit, dark = after[:, lamp_hours].mean(), after[:, [not x for x in lamp_hours]].mean()
    assert lit > dark + 150
    assert abs(brightness[:80, lamp_hours].mean() - brightness[:80, [not x for x in lamp_hours]].mean()) < 60


def test_malicious_premise_id_is_escaped(tmp_path):
    _, text = render(tmp_path, n_grows=2, premise_of_grow=lambda i: EVIL + str(i))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#34;0" in text


def test_html_size_stays_small_for_thirty_detailed_leads(tmp_path):
    result, text = render(tmp_path, n_grows=30, report_top=30)
    assert text.count("<svg") == 60
    assert len(text.encode()) < 3_000_000


# ---------------------------------------------------------------- chart building blocks
def decode_png(data: bytes):
    """A reference decoder for the encoder's own subset (8-bit RGB, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF
        chunks[tag] = chunks.get(tag, b"") + body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour_type) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[r * (1 + 3 * width) : (r + 1) * (1 + 3 * width)] for r in range(height)]
    assert all(row[0] == 0 for row in rows)
    pixels = np.array([[list(row[1 + 3 * c : 4 + 3 * c]) for c in range(width)] for row in rows], dtype=np.uint8)
    return width, height, pixels


@pytest.mark.parametrize("shape", [(1, 1), (7, 24), (365, 24)])
def test_png_round_trips(shape):
    rgb = np.random.default_rng(0).integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    width, height, pixels = decode_png(encode_png(rgb))
    assert (height, width) == shape
    np.testing.assert_array_equal(pixels, rgb)


def test_colours_ramp_from_dark_to_bright_and_grey_for_missing():
    rgb = colours(np.array([0.0, 5.0, 10.0, 50.0, np.nan]), 10.0).astype(int)
    brightness = rgb.sum(axis=1)
    assert brightness[0] < brightness[1] < brightness[2] == brightness[3]
    assert tuple(rgb[4]) == (215, 215, 215)


@pytest.mark.parametrize("value, expected", [(0.0, 1.0), (float("nan"), 1.0), (0.7, 1.0), (3.2, 5.0), (41.0, 50.0)])
def test_nice_max_rounds_up(value, expected):
    assert nice_max(value) == expected


def test_month_ticks_fall_on_the_first_of_each_month():
    ticks = month_ticks(date(2025, 1, 15), 60)
    assert ticks == [(17, "Feb 2025"), (45, "Mar 2025")]


@pytest.mark.parametrize("kwh", [np.full(10, np.nan), np.array([3.0]), np.array([]), np.array([1.0, np.nan, 2.0])])
def test_charts_survive_empty_and_missing_series(kwh):
    line = daily_chart(kwh, date(2025, 1, 1), None, float("nan"), float("nan"), title="t <&>")
    heat = heatmap(np.full((len(kwh), 24), np.nan), date(2025, 1, 1), title="t <&>")
    for svg in (line, heat):
        assert svg.startswith("<svg") and svg.endswith("</svg>") and "t &lt;&amp;&gt;" in svg
