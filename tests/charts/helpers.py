"""Reading the charts back: parse the SVG and find elements by their data-role."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The SVG as XML (fails if it is not well formed); checks what every chart carries."""
    assert 'href="http' not in svg, "a closed network: nothing may be fetched"
    assert "<style" not in svg, "inline SVG would restyle the page"
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None, "sized by its container, not fixed"
    assert root.find(f"{NS}title") is not None
    assert root.find(f"{NS}desc") is not None
    return root


def role(root: ET.Element, name: str) -> list[ET.Element]:
    return root.findall(f".//*[@data-role='{name}']")


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{NS}text")]


def points(d: str) -> list[tuple[float, float]]:
    """The absolute points of a path made only of M/L commands."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))
