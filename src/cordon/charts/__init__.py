"""Server-rendered charts and maps as self-contained SVG: a pure library.

It imports no database or web code (a test proves it): the dashboard computes the numbers
and the words, these functions draw them. See docs/charts.md.
"""

from cordon.charts.bands import BAND_COLOURS, Band, band_chart
from cordon.charts.choropleth import Classes, district_map
from cordon.charts.geo import HANOI_2020, HANOI_2020_ATTRIBUTION, MapShapes, load_shapes
from cordon.charts.layout import Layout
from cordon.charts.series import epidemic_curve, rt_chart
from cordon.charts.svg import OKABE_ITO

__all__ = [
    "BAND_COLOURS",
    "HANOI_2020",
    "HANOI_2020_ATTRIBUTION",
    "OKABE_ITO",
    "Band",
    "Classes",
    "Layout",
    "MapShapes",
    "band_chart",
    "district_map",
    "epidemic_curve",
    "load_shapes",
    "rt_chart",
]
