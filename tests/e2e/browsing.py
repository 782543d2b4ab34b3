"""Helpers of the browser tests: screenshots (CI artefacts) and axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "tests" / "web" / "vendor" / "axe.min.js"


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def accessibility_problems(page: Any) -> list[str]:
    """WCAG 2.1 A and AA violations found by axe-core in the page as it is now."""
    # evaluated by the driver, not added as an inline <script>: the pages' Content-Security-
    # Policy (script-src 'self') refuses inline scripts, as it should
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(result)
