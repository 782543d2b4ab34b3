"""The tier engine: F-tiers as earliest *time-respecting* paths through the contact graph.

Days are whole days since 1970-01-01 and every interval is inclusive.

- An F0 ``p`` is reached at level 0 on the first day of its transmission window,
  ``w_start(p)`` (onset − 2 days by default; see ``policy``).
- Every person ``p`` has an ``end(p)``: the day they were isolated (``NEVER`` if not yet).
- A person ``q`` is reached at level ``k + 1`` on day ``max(first, t)`` through a counted
  exposure ``[first, last]`` with someone ``p`` reached at level ``k`` on day ``t``, when the
  contact overlaps ``p``'s own risk period ``[t, end(p)]``: ``last ≥ t``, ``first ≤ end(p)`` and
  ``t ≤ end(p)``. Contact before ``p`` was exposed, or after ``p`` was isolated, does not count.
- ``a_k(q)`` is the earliest day ``q`` is reached at level ``k``; the tier of ``q`` is the lowest
  ``k ≤ max_depth`` with a day. A person keeps the labels ``(k, a_k)`` that no lower level beats
  on day (the Pareto front): a later, deeper label can never matter, an earlier, deeper one can
  (it opens a longer risk period for the next tier).

This module computes every label of a whole city at once (``compute``) with a Numba kernel, one
sweep over all exposures per level. ``incremental`` keeps the same labels up to date after one
change without touching the rest of the graph; both give identical fronts (property-tested
against a brute-force path enumeration in ``tests/tracing``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

NEVER = np.int32(2**31 - 1)
NO_ONE = -1

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ContactGraph:
    """Counted exposures as parallel arrays; persons are addressed by their id."""

    a: I64  # one person of each exposure
    b: I64  # the other
    first: I32
    last: I32
    exposure_id: I64
    end: I32  # isolation day per person id (index = person id), NEVER if not isolated

    @property
    def size(self) -> int:
        return int(self.end.shape[0])


@dataclass(frozen=True)
class Sources:
    """The F0s: person id, first day of the transmission window, their case id."""

    person: I64
    start: I32
    case_id: I64


@dataclass(frozen=True)
class Labels:
    """Pareto-front labels, one row each, sorted by (person, level)."""

    person: I64
    level: npt.NDArray[np.int16]
    day: I32
    source_case: I64
    via_person: I64  # NO_ONE for level 0
    via_exposure: I64  # NO_ONE for level 0

    def __len__(self) -> int:
        return int(self.person.shape[0])

    def tiers(self) -> dict[int, int]:
        """Person id → tier (lowest level)."""
        out: dict[int, int] = {}
        for p, k in zip(self.person.tolist(), self.level.tolist(), strict=True):
            if p not in out:
                out[p] = k
        return out


@njit(cache=True, nogil=True)
def _sweep(a, b, first, last, ids, end, t, case, via, via_edge):  # type: ignore[no-untyped-def]
    """Level by level, one streaming pass over the exposures (both ways), spreading only labels
    on the front — earlier than every shallower label of the same person: a dominated label
    can only produce dominated labels. Person-indexed arrays stay small enough for the cache.
    Of two ways in on the same day, the exposure with the lower id gives the path (whatever
    order the database returned them in, the same registry gives the same "why")."""
    levels, n = t.shape
    best = t[0].copy()
    active = t[0] != NEVER
    for k in range(levels - 1):
        tk = t[k]
        tn = t[k + 1]
        for e in range(a.shape[0]):
            for side in range(2):
                p = a[e] if side == 0 else b[e]
                if not active[p]:
                    continue
                q = b[e] if side == 0 else a[e]
                tp = tk[p]
                ep = end[p]
                if tp > ep or last[e] < tp or first[e] > ep:
                    continue
                day = first[e] if first[e] > tp else tp
                if day >= best[q] or day > tn[q]:
                    continue
                if day < tn[q] or ids[e] < ids[via_edge[k + 1, q]]:
                    tn[q] = day
                    case[k + 1, q] = case[k, p]
                    via[k + 1, q] = p
                    via_edge[k + 1, q] = e
        any_new = False
        for q in range(n):
            active[q] = tn[q] < best[q]
            if active[q]:
                best[q] = tn[q]
                any_new = True
        if not any_new:
            break


@njit(cache=True, nogil=True)
def _front(t, case, via, via_edge, exposure_id):  # type: ignore[no-untyped-def]
    """The kept labels, in (person, level) order."""
    levels, n = t.shape
    count = 0
    for p in range(n):
        best = NEVER
        for k in range(levels):
            if t[k, p] < best:
                best = t[k, p]
                count += 1
    person = np.empty(count, dtype=np.int64)
    level = np.empty(count, dtype=np.int16)
    day = np.empty(count, dtype=np.int32)
    source = np.empty(count, dtype=np.int64)
    vp = np.empty(count, dtype=np.int64)
    ve = np.empty(count, dtype=np.int64)
    i = 0
    for p in range(n):
        best = NEVER
        for k in range(levels):
            if t[k, p] < best:
                best = t[k, p]
                person[i] = p
                level[i] = k
                day[i] = best
                source[i] = case[k, p]
                vp[i] = via[k, p]
                ve[i] = exposure_id[via_edge[k, p]] if via_edge[k, p] >= 0 else NO_ONE
                i += 1
    return person, level, day, source, vp, ve


def compute(graph: ContactGraph, sources: Sources, max_depth: int) -> Labels:
    """Every person's label front, from the F0s through up to ``max_depth`` steps."""
    n = graph.size
    levels = max_depth + 1
    t = np.full((levels, n), NEVER, dtype=np.int32)
    case = np.full((levels, n), NO_ONE, dtype=np.int64)
    via = np.full((levels, n), NO_ONE, dtype=np.int64)
    via_edge = np.full((levels, n), NO_ONE, dtype=np.int64)
    order = np.lexsort((sources.start, sources.person))  # earliest window per person first
    person, first_idx = np.unique(sources.person[order], return_index=True)
    t[0, person] = sources.start[order][first_idx]
    case[0, person] = sources.case_id[order][first_idx]
    g = graph
    _sweep(g.a, g.b, g.first, g.last, g.exposure_id, g.end, t, case, via, via_edge)
    return Labels(*_front(t, case, via, via_edge, graph.exposure_id))
