"""Small helpers shared by the charts: escaping, numbers, the root element, wrapped text.

Everything is written with presentation attributes, never a ``<style>`` element: an SVG
put inline in a page would otherwise restyle the whole page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
INK = "#1f1f1f"  # text and axes
MUTED = "#595959"  # small print, grid labels: 7:1 on white
GRID = "#d9d9d9"
# Okabe & Ito's colours, told apart with every kind of colour vision: for the stacks of the
# epidemic curve (e.g. community, imported, found in quarantine).
OKABE_ITO = ("#d55e00", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9")
CHAR_WIDTH = 0.56  # average advance of a character, in ems, of a sans-serif font

NumberFormat = Callable[[float], str]


def plain(value: float) -> str:
    """A number as people write it: ``12``, ``3.5``, ``0.25``; at most two decimals."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def num(value: float) -> str:
    """A coordinate in the viewBox: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text_width(text: str, size: float) -> float:
    """An estimate of how wide a line of text is drawn (no font metrics without a browser)."""
    return len(text) * size * CHAR_WIDTH


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words into lines no wider than ``width`` (a single longer word keeps its own line)."""
    per_line = max(1, int(width / (size * CHAR_WIDTH)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= per_line or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    fill: str = INK,
    anchor: str = "start",
    weight: str | None = None,
) -> str:
    extra = f' font-weight="{weight}"' if weight else ""
    if anchor != "start":
        extra += f' text-anchor="{anchor}"'
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{fill}"{extra}>'
        f"{escape(content)}</text>"
    )


def lines_of_text(
    x: float, y: float, lines: Sequence[str], *, size: float, leading: float = 1.25, **kw: str
) -> tuple[str, float]:
    """Several lines from a first baseline ``y``; also the baseline after the last line."""
    parts = [text(x, y + i * size * leading, line, size=size, **kw) for i, line in enumerate(lines)]
    return "".join(parts), y + len(lines) * size * leading


def root(
    width: float, height: float, body: str, *, title: str, desc: str, svg_id: str | None
) -> str:
    """A complete ``<svg>``: sized by its viewBox only (it scales to its container), an image
    for assistive technology, named by its ``<title>`` and described by its ``<desc>``.
    ``svg_id`` (optional) adds ids and ``aria-labelledby`` for screen readers that need them;
    give each chart on a page its own."""
    aria = ""
    title_id = desc_id = ""
    if svg_id:
        aria = f' id={quoteattr(svg_id)} aria-labelledby="{svg_id}-title {svg_id}-desc"'
        title_id, desc_id = f' id="{svg_id}-title"', f' id="{svg_id}-desc"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}"'
        f' role="img"{aria} font-family="{FONT}">'
        f"<title{title_id}>{escape(title)}</title><desc{desc_id}>{escape(desc)}</desc>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )
