"""The import boundaries and their record agree: every contract of ``.importlinter`` is named
in docs/architecture.md ("Boundaries"), and the debt counted there is the debt listed."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"


def contracts() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    prefix = "importlinter:contract:"
    return [name.removeprefix(prefix) for name in parser.sections() if name.startswith(prefix)]


def debt_lines() -> list[str]:
    """The ignored imports written after a "debt: issue 18 §2" comment, section by section."""
    lines, in_debt = [], False
    for raw in CONFIG.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_debt = False
        elif line.startswith("#"):
            in_debt = in_debt or "debt: issue 18 §2" in line
        elif in_debt and "->" in line:
            lines.append(line)
    return lines


def boundaries_section() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return text.split("## Boundaries", 1)[1].split("\n## ", 1)[0]


def test_every_contract_is_documented() -> None:
    names = contracts()
    assert len(names) >= 6
    documented = re.findall(r"^\d+\. \*\*(\w+)\*\*", boundaries_section(), re.M)
    assert documented == names


def test_the_debt_counted_is_the_debt_listed() -> None:
    counted = re.search(r"\((\d+) lines on \d{4}-\d\d-\d\d\)", boundaries_section())
    assert counted, "the Boundaries section counts the debt"
    listed = debt_lines()
    assert len(listed) == len(set(listed)), "a debt line is listed twice"
    assert int(counted.group(1)) == len(listed)
