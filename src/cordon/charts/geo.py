"""District boundaries: read from GeoJSON, projected to the plane once, as SVG path data.

The projection is equirectangular: ``x = (lon - west) · cos(lat0)``, ``y = north - lat``
(degrees; north up), where ``west`` and ``north`` are edges of the boundaries' bounding box
and ``lat0`` its middle latitude. Across a city (Hanoi spans 0.8° of latitude) the
east–west scale is then within 0.3 % of the truth everywhere, far below what a choropleth
shows. The plane is scaled to fit ``width`` units
of a viewBox with a margin, and coordinates are rounded to a tenth of a unit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

HANOI_2020 = (
    Path(__file__).resolve().parents[1]
    / "geography"
    / "data"
    / "hanoi-2020"
    / "hanoi_districts_simplified.geojson"
)

HANOI_2020_ATTRIBUTION = (
    "District boundaries: © Government of Viet Nam / OCHA ROAP, via geoBoundaries "
    "(Runfola D. et al. 2020, PLoS ONE 15(4): e0231866, www.geoboundaries.org), "
    "CC BY 3.0 IGO (https://creativecommons.org/licenses/by/3.0/igo/). "
    "Modified: subset to Hanoi's 30 districts, coordinates rounded, attributes added, "
    "simplified. Population: General Statistics Office of Viet Nam, 2019 census."
)
"""What must be shown wherever the shipped Hanoi boundaries are drawn (the data's README)."""

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class DistrictShape:
    code: str
    name: str
    population: int | None
    d: str  # SVG path data in the map's viewBox


@dataclass(frozen=True)
class MapShapes:
    """The districts of one map, projected: draw them in a viewBox ``0 0 width height``."""

    width: float
    height: float
    districts: tuple[DistrictShape, ...]


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    kind = geometry["type"]
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry {kind!r}: Polygon or MultiPolygon")


def _bounds(rings: list[Ring]) -> tuple[float, float, float, float]:
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _path(rings: list[Ring], to_tenths: Callable[[float, float], tuple[int, int]]) -> str:
    """One ring after another: ``M`` to its first point, relative steps in between, ``z``.
    Points in tenths of a unit, so the steps add up exactly; repeated points are dropped."""
    parts: list[str] = []
    for ring in rings:
        points = [to_tenths(lon, lat) for lon, lat in ring]
        x0, y0 = points[0]
        steps: list[str] = []
        px, py = x0, y0
        for x, y in points[1:]:
            if (x, y) != (px, py):
                steps.append(f"{_tenths(x - px)},{_tenths(y - py)}")
                px, py = x, y
        if steps and (px, py) == (x0, y0):
            steps.pop()  # z closes the ring
        if len(steps) >= 2:
            parts.append(f"M{_tenths(x0)},{_tenths(y0)}l{' '.join(steps)}z")
    return "".join(parts)


def _tenths(n: int) -> str:
    sign = "-" if n < 0 else ""
    whole, tenth = divmod(abs(n), 10)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def project(features: list[dict[str, Any]], *, width: float = 600, margin: float = 4) -> MapShapes:
    """Project GeoJSON features (properties ``code``, ``name_vi``, ``population_2019``) to
    paths fitted to ``width`` units across; the height follows from the shape."""
    if not features:
        raise ValueError("no features to draw")
    geometries = [_polygons(f["geometry"]) for f in features]
    west, south, east, north = _bounds([r for g in geometries for poly in g for r in poly])
    k = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * k, north - south
    if span_x <= 0 or span_y <= 0:
        raise ValueError("the boundaries have no extent")
    scale = (width - 2 * margin) / span_x
    height = span_y * scale + 2 * margin

    def to_tenths(lon: float, lat: float) -> tuple[int, int]:
        x = margin + (lon - west) * k * scale
        y = margin + (north - lat) * scale
        return round(x * 10), round(y * 10)

    districts = []
    for feature, polygons in zip(features, geometries, strict=True):
        props = feature.get("properties") or {}
        rings = [ring for polygon in polygons for ring in polygon]
        population = props.get("population_2019")
        districts.append(
            DistrictShape(
                code=str(props["code"]),
                name=str(props.get("name_vi") or props["code"]),
                population=int(population) if population is not None else None,
                d=_path(rings, to_tenths),
            )
        )
    return MapShapes(width=width, height=round(height, 1), districts=tuple(districts))


@lru_cache(maxsize=8)
def load_shapes(path: Path = HANOI_2020, *, width: float = 600) -> MapShapes:
    """The districts of a GeoJSON FeatureCollection, projected once and kept (boundaries
    never change while the app runs). Without a path: Hanoi's 30 districts (2020–2024)."""
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    if collection.get("type") != "FeatureCollection":
        raise ValueError(f"{Path(path).name}: not a GeoJSON FeatureCollection")
    return project(collection["features"], width=width)
