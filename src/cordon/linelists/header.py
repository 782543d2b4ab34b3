"""Where a line list's header is: ministry forms put a title block above it (the form's
number, the unit, the date) and often write it on two rows (a group title above, the
columns below, merged cells left empty).

The header is the line the mapping names (``[file] header_row``), else the line among the
first ``HEAD_LINES`` whose cells name the most Cordon columns. Either way, when the line
below it names further columns, the two are one header: each column is named by its lower
cell, its upper cell, or both together, whichever the mapping knows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

HEAD_LINES = 40
Naming = Callable[[str], str | None]
Line = tuple[int, list[str]]


@dataclass(frozen=True)
class Header:
    cells: list[str]  # the name of each column, as the file writes it
    line: int  # the file's line of the (first row of the) header
    rows: int  # how many of the lines read first it takes, title block included


def find_header(head: Sequence[Line], header_row: int | None, naming: Naming | None) -> Header:
    """The header among ``head`` (the first lines, blank ones included): at ``header_row``
    when given and it names a column (a file of rejected rows has lost the title block)."""
    if header_row is not None:
        at = [i for i, (line, _) in enumerate(head) if line >= header_row][:1]
        found = _best(head, at, naming)
        if found is not None and (naming is None or found[0] > 0):
            return found[1]
    return _found(head, naming)


def _found(head: Sequence[Line], naming: Naming | None) -> Header:
    starts = [0] if naming is None else list(range(len(head)))
    best = _best(head, starts, naming)
    return best[1] if best is not None and best[0] > 0 else _plain(head, 0)


def _best(
    head: Sequence[Line], starts: list[int], naming: Naming | None
) -> tuple[int, Header] | None:
    """The best header starting at one of ``starts``: one row, or two when the upper row
    names columns the lower one alone does not (then the two are one header)."""
    singles = {s: _header(head, s, 1, naming) for s in range(len(head))}
    scores = {s: found[0] if found else 0 for s, found in singles.items()}
    best: tuple[int, Header] | None = None
    for start in starts:
        found = singles[start]
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    for start in starts:
        pair = _header(head, start, 2, naming)
        alone = max(scores[start], scores.get(start + 1, 0))
        if pair is not None and pair[0] > alone and (best is None or pair[0] > best[0]):
            best = pair
    return best


def _plain(head: Sequence[Line], start: int) -> Header:
    line, cells = head[start]
    return Header([c.strip() for c in cells], line, start + 1)


def _header(
    head: Sequence[Line], start: int, depth: int, naming: Naming | None
) -> tuple[int, Header] | None:
    """The header made of ``depth`` lines from ``start``, and how many columns it names."""
    if start + depth > len(head):
        return None
    if depth == 1 or naming is None:
        found = _plain(head, start)
        return (_score(found.cells, naming) if depth == 1 else -1), found
    upper, lower = head[start][1], head[start + 1][1]
    width = max(len(upper), len(lower))
    cells = [_title(_at(upper, i), _at(lower, i), naming) for i in range(width)]
    return _score(cells, naming), Header(cells, head[start][0], start + 2)


def _at(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _title(upper: str, lower: str, naming: Naming) -> str:
    """A column's name in a two-row header: the one the mapping knows, else the lower."""
    candidates = [c for c in (lower, upper, f"{upper} {lower}".strip()) if c]
    for candidate in candidates:
        if naming(candidate):
            return candidate
    return lower or upper


def _score(cells: list[str], naming: Naming | None) -> int:
    if naming is None:
        return 0
    return len({target for cell in cells if cell and (target := naming(cell))})
