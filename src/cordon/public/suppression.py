"""Small counts at ward level are not published: a count from 1 to 4 is marked "<5", so that
no one in a ward can be recognised from it — and no such count can be worked out again from
what is published beside it (docs/public.md).

The published figures a ward count could be worked out from are the district's count of the
same day and column (districts are published whole). So, per district, day and column, the
wards' cells are hidden so that none is *pinned*: given the district's total, the cells
shown, and what each mark says of a hidden cell ("<5": 0 to 4; ">=5": 5 or more), every
hidden cell could still hold at least two values. Where one would not, the smallest cell
still shown (a zero where the district has one) is hidden too. Where hiding every cell is
not enough (every ward of the district at 4, say), the cells are marked "x": not shown, no
bound given.
"""

from __future__ import annotations

from collections.abc import Mapping

SMALL = 5  # counts from 1 to SMALL - 1 are hidden
LESS = f"<{SMALL}"
MORE = f">={SMALL}"
UNSAID = "x"


def bounds(mark: str) -> tuple[int, int | None]:
    """What a reader knows of a hidden cell from its mark (None: no upper bound)."""
    return {LESS: (0, SMALL - 1), MORE: (SMALL, None)}.get(mark, (0, None))


def _mark(value: int) -> str:
    return LESS if value < SMALL else MORE


def pinned(values: list[int], marks: list[str]) -> bool:
    """Whether some hidden cell's value follows from the hidden cells' sum (the district's
    total less the cells shown) and each cell's mark."""
    total = sum(values)
    ranges = [bounds(m) for m in marks]
    for i, (low, high) in enumerate(ranges):
        others = ranges[:i] + ranges[i + 1 :]
        others_low = sum(lo for lo, _ in others)
        unbounded = any(h is None for _, h in others)
        least = low if unbounded else max(low, total - sum(h or 0 for _, h in others))
        most = total - others_low if high is None else min(high, total - others_low)
        if least == most:
            return True
    return False


def suppress(cells: Mapping[int, int]) -> dict[int, str]:
    """The hidden cells of one district-day-column (key → mark): every count from 1 to 4,
    and as few others, smallest first, as it takes for none to be pinned."""
    hidden = {k for k, v in cells.items() if 0 < v < SMALL}
    if not hidden:
        return {}
    shown = sorted((v, k) for k, v in cells.items() if k not in hidden)

    def still_pinned() -> bool:
        keys = sorted(hidden)
        return pinned([cells[k] for k in keys], [_mark(cells[k]) for k in keys])

    while still_pinned() and shown:
        hidden.add(shown.pop(0)[1])
    if still_pinned():
        return dict.fromkeys(hidden, UNSAID)
    return {k: _mark(cells[k]) for k in hidden}
