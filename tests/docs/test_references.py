"""References that cannot dangle: every ``docs/….md`` and ``tests/….py`` named in the sources,
docs, tests, benchmarks and README exists; every ``docs/domain.md §n`` names a section of
docs/domain.md; and nothing cites a file kept outside the repository."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = ("src", "docs", "tests", "bench")
TEXT = {".py", ".md", ".toml", ".html", ".po", ".js", ".css", ".ini", ".mako", ".txt"}
SKIPPED = ("__pycache__", "vendor")  # third-party files name their own projects' paths
# a path of this repository, not one inside another's ("owner/repo:docs/x.md", ".../docs/x.md")
DOC = re.compile(r"(?<![\w./:-])docs/[\w./-]*?\.md\b")
TEST = re.compile(r"(?<![\w./:-])tests/[\w./-]*?\.py\b")
CITATION = re.compile(r"docs/domain\.md((?:(?:\s*,\s*|\s+and\s+|\s*[–-]\s*|\s+)§\s*\d+)+)")
SECTION = re.compile(r"§\s*(\d+)")
OUTSIDE = re.compile(r"\bDOMAIN(?:\.md|'s)")  # the domain notes the project started from


def texts() -> Iterator[tuple[str, str]]:
    """(path relative to the root, text) of every text file searched."""
    yield "README.md", (ROOT / "README.md").read_text(encoding="utf-8")
    for top in SEARCHED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in TEXT and path.is_file() and not set(SKIPPED) & set(path.parts):
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def line_of(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def domain_sections() -> list[int]:
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    return [int(n) for n in re.findall(r"^## (\d+)\. ", domain, re.M)]


def test_every_path_named_exists() -> None:
    missing = [
        f"{name}:{line_of(text, found.start())}: {found.group()}"
        for name, text in texts()
        for pattern in (DOC, TEST)
        for found in pattern.finditer(text)
        if not (ROOT / found.group()).is_file()
    ]
    assert not missing, "\n".join(missing)


def test_domain_sections_are_numbered_in_order() -> None:
    sections = domain_sections()
    assert sections == list(range(1, len(sections) + 1))
    assert len(sections) >= 15


def test_every_domain_citation_names_a_section() -> None:
    sections = set(domain_sections())
    cited = 0
    wrong = []
    for name, text in texts():
        for found in CITATION.finditer(text):
            for n in SECTION.findall(found.group(1)):
                cited += 1
                if int(n) not in sections:
                    wrong.append(f"{name}:{line_of(text, found.start())}: §{n}")
    assert not wrong, "\n".join(wrong)
    assert cited >= 15  # the citations are found at all


def test_domain_refers_within_itself_to_sections_that_exist() -> None:
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    sections = set(domain_sections())
    wrong = sorted({int(n) for n in SECTION.findall(domain)} - sections)
    assert not wrong, wrong


def test_nothing_cites_the_domain_notes_outside_the_repository() -> None:
    here = Path(__file__).relative_to(ROOT).as_posix()
    found = [
        f"{name}:{line_of(text, hit.start())}"
        for name, text in texts()
        if name != here
        for hit in OUTSIDE.finditer(text)
    ]
    assert not found, "\n".join(found)
