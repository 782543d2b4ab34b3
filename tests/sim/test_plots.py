"""Scenarios side by side: a PNG and an SVG for one metric (``cordon simulate``'s test sees
one for every metric)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cordon.sim import plots
from cordon.sim.results import METRICS, Ensemble


def test_one_metric_as_png_and_svg(tiny_here: Ensemble, tmp_path: Path) -> None:
    other = Ensemble("Other", tiny_here.start, tiny_here.runs[1:])
    written = plots.compare([tiny_here, other], "infections", tmp_path / "infections")
    assert written == [tmp_path / "infections.png", tmp_path / "infections.svg"]
    assert written[0].read_bytes().startswith(b"\x89PNG")
    svg = written[1].read_text(encoding="utf-8")
    assert "<svg" in svg
    for label in ("Tiny F1 + F2 (3 runs)", "Other (2 runs)", "people", METRICS["infections"]):
        assert label in svg, label


def test_an_unknown_metric_is_refused(tiny_here: Ensemble, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no metric 'cases'"):
        plots.compare([tiny_here], "cases", tmp_path / "cases")
    assert not list(tmp_path.iterdir())
