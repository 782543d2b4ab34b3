from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cordon.charts.geo import HANOI_2020, load_shapes, project

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "hanoi-2020"


def _square(code: str, lon: float, lat: float, size: float = 0.1) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name_vi": f"Quận {code}", "population_2019": 1000},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _absolute(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written by geo (``M x,y l dx,dy … z``) as absolute points."""
    rings = []
    for start, steps in re.findall(r"M([^l]+)l([^z]*)z", d):
        x, y = (float(v) for v in start.split(","))
        ring = [(x, y)]
        for step in steps.split():
            dx, dy = (float(v) for v in step.split(","))
            x, y = round(x + dx, 1), round(y + dy, 1)
            ring.append((x, y))
        rings.append(ring)
    return rings


def test_hanoi_has_30_districts_fitted_to_the_viewbox() -> None:
    shapes = load_shapes()
    assert len(shapes.districts) == 30
    assert len({s.code for s in shapes.districts}) == 30
    assert sum(s.population or 0 for s in shapes.districts) == 8_053_663
    assert {"Ba Đình", "Hoàn Kiếm", "Ba Vì"} <= {s.name for s in shapes.districts}
    assert shapes.width == 600
    assert 600 < shapes.height < 800  # Hanoi is taller than wide
    for shape in shapes.districts:
        for ring in _absolute(shape.d):
            assert all(0 <= x <= shapes.width and 0 <= y <= shapes.height for x, y in ring)
    total = sum(len(s.d) for s in shapes.districts)
    assert total < 80_000, "compact: relative steps in tenths of a unit"


def test_the_shipped_boundaries_are_the_shared_ones() -> None:
    if not SHARED.exists():
        pytest.skip("shared/ is not beside the repository")
    assert HANOI_2020.read_bytes() == (SHARED / HANOI_2020.name).read_bytes()


def test_projected_once_and_kept() -> None:
    assert load_shapes() is load_shapes()


def test_north_is_up_and_the_east_west_scale_follows_the_latitude() -> None:
    # two squares of 0.1° at 60° N, side by side: each is twice as tall as wide
    shapes = project([_square("a", 10.0, 60.0), _square("b", 10.1, 60.0)], width=404, margin=2)
    a, b = (_absolute(s.d)[0] for s in shapes.districts)
    width = max(x for x, _ in a) - min(x for x, _ in a)
    height = max(y for _, y in a) - min(y for _, y in a)
    assert width == pytest.approx(200, abs=0.2)
    assert height / width == pytest.approx(1 / 0.5, rel=0.01)  # cos 60.05° ≈ 0.4992
    assert min(x for x, _ in b) == pytest.approx(max(x for x, _ in a), abs=0.1)
    assert a[0][1] > a[2][1]  # the first point is south of the third: drawn below it


def test_multipolygons_and_holes_become_one_path_with_a_ring_each(tmp_path: Path) -> None:
    outer = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
    island = [[2, 0], [2.5, 0], [2.5, 0.5], [2, 0]]
    feature = {
        "type": "Feature",
        "properties": {"code": "x", "name_vi": "X", "population_2019": None},
        "geometry": {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]},
    }
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    (shape,) = load_shapes(path).districts
    assert shape.d.count("M") == 3
    assert shape.population is None


def test_other_geometries_and_files_are_refused(tmp_path: Path) -> None:
    point = {"type": "Feature", "properties": {"code": "p"}, "geometry": {"type": "Point"}}
    with pytest.raises(ValueError, match="Point"):
        project([point])
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(point))
    with pytest.raises(ValueError, match="FeatureCollection"):
        load_shapes(path)
