"""The offline map: leads over approximate outlines of Albania, its main cities and the feeders, as one SVG.

Nothing comes from the network: the country and city outlines are a small hand-drawn GeoJSON shipped with the
package (static/albania.geojson, labelled approximate), feeder outlines are the convex hulls of their premises'
register coordinates. A lead whose premises has no coordinates is placed near its city's centre with a small
deterministic jitter and flagged as approximately placed.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib.resources import files
from urllib.parse import quote

WIDTH = 720  # SVG width in px; the height follows the view's aspect
PAD = 0.04  # degrees of margin around a zoomed view
JITTER_DEG = 0.01  # about 1 km: spreads leads placed at a city centre
KM_PER_DEG_LAT = 111.0


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Basemap:
    country_name: str
    country: tuple[tuple[float, float], ...]  # (lon, lat) ring
    cities: tuple[City, ...]


@dataclass(frozen=True)
class Point:
    premise_id: str
    rank: int
    status: str
    lat: float
    lon: float
    approximate: bool  # placed at the city centre (no coordinates in the register)


@lru_cache(maxsize=1)
def basemap() -> Basemap:
    data = json.loads(files("wattwatch.web").joinpath("static/albania.geojson").read_text(encoding="utf-8"))
    country, cities = None, []
    for feature in data["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        if props["kind"] == "country":
            country = (props["name"], tuple((lon, lat) for lon, lat in geometry["coordinates"][0]))
        else:
            lon, lat = geometry["coordinates"]
            cities.append(City(props["name"], lat, lon, float(props["radius_km"])))
    return Basemap(country[0], country[1], tuple(cities))


def city_centre(name: str) -> City | None:
    folded = name.casefold()
    return next((c for c in basemap().cities if c.name.casefold() == folded), None)


def place(premise_id: str, city: str, lat: float | None, lon: float | None) -> tuple[float, float, bool] | None:
    """(lat, lon, approximate) of a lead: the register's coordinates, else its city's centre with a stable jitter."""
    if lat is not None and lon is not None:
        return lat, lon, False
    centre = city_centre(city or "")
    if centre is None:
        return None
    h = zlib.crc32(premise_id.encode("utf-8"))
    angle, radius = (h % 3600) / 3600 * 2 * math.pi, ((h >> 12) % 1000) / 1000 * JITTER_DEG
    return centre.lat + radius * math.sin(angle), centre.lon + radius * math.cos(angle), True


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Counter-clockwise hull of (x, y) points (Andrew's monotone chain); fewer than 3 distinct points -> as given."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


@dataclass(frozen=True)
class View:
    """A lon/lat box and its projection to SVG pixels (equirectangular, x scaled by cos(latitude))."""

    west: float
    south: float
    east: float
    north: float

    @property
    def scale(self) -> float:
        return WIDTH / ((self.east - self.west) * self.aspect)

    @property
    def aspect(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> int:
        return max(1, round((self.north - self.south) * self.scale))

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.west) * self.aspect * self.scale, (self.north - lat) * self.scale

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def as_dict(self) -> dict[str, float]:
        return {"west": self.west, "south": self.south, "east": self.east, "north": self.north}


def view_for(points: list[Point], city: str | None) -> View:
    """The whole country, or the box around one city's outline and its leads."""
    ring = basemap().country
    if city and (centre := city_centre(city)):
        dlat = centre.radius_km / KM_PER_DEG_LAT
        dlon = dlat / math.cos(math.radians(centre.lat))
        lats = [centre.lat - dlat, centre.lat + dlat] + [p.lat for p in points]
        lons = [centre.lon - dlon, centre.lon + dlon] + [p.lon for p in points]
        return View(min(lons) - PAD, min(lats) - PAD, max(lons) + PAD, max(lats) + PAD)
    lons, lats = [lon for lon, _ in ring], [lat for _, lat in ring]
    return View(min(lons) - 0.05, min(lats) - 0.05, max(lons) + 0.05, max(lats) + 0.05)


def render_svg(view: View, points: list[Point], feeders: dict[str, list[tuple[float, float]]], zoomed: bool) -> str:
    """The map: country, city outlines with names, feeder hulls (zoomed views only), one linked dot per lead."""
    bm = basemap()
    body = []
    ring = " ".join("{:.1f},{:.1f}".format(*view.xy(lat, lon)) for lon, lat in bm.country)
    body.append(f'<polygon class="country" points="{ring}"><title>{escape(bm.country_name)}</title></polygon>')
    if zoomed:
        for feeder_id, members in sorted(feeders.items()):
            inside = [(lat, lon) for lat, lon in members if view.contains(lat, lon)]
            hull = convex_hull([view.xy(lat, lon) for lat, lon in inside])
            if len(hull) >= 3:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in hull)
                label = escape(f"feeder {feeder_id}")
                body.append(f'<polygon class="feeder" points="{pts}"><title>{label}</title></polygon>')
    for c in bm.cities:
        if not view.contains(c.lat, c.lon):
            continue
        x, y = view.xy(c.lat, c.lon)
        r = c.radius_km / KM_PER_DEG_LAT * view.scale
        body.append(f'<circle class="city" cx="{x:.1f}" cy="{y:.1f}" r="{max(r, 3):.1f}"/>')
        body.append(f'<text class="city-name" x="{x + max(r, 3) + 3:.1f}" y="{y + 4:.1f}">{escape(c.name)}</text>')
    for p in sorted(points, key=lambda p: -p.rank):  # best-ranked drawn last, on top
        x, y = view.xy(p.lat, p.lon)
        label = f"#{p.rank} {p.premise_id} ({p.status})" + (" - placed at city centre" if p.approximate else "")
        body.append(
            f'<a href="/leads/{escape(quote(p.premise_id, safe=""))}"><circle class="lead status-{escape(p.status)}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(label)}</title></circle></a>'
        )
    return (
        f'<svg class="map" width="{WIDTH}" height="{view.height}" viewBox="0 0 {WIDTH} {view.height}" role="img">'
        f"<title>Leads on an approximate offline map</title>{''.join(body)}</svg>"
    )
