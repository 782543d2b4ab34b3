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
def _relax(a, b, first, last, end, t_src, case_src, t_dst, case_dst, from_dst, edge_dst):  # type: ignore[no-untyped-def]
    """One level: every exposure, both ways, offers ``max(first, t)`` to the other person."""
    for e in range(a.shape[0]):
        p = a[e]
        q = b[e]
        f = first[e]
        la = last[e]
        for side in range(2):
            if side == 1:
                p, q = q, p
            t = t_src[p]
            if t == NEVER or la < t or t > end[p] or f > end[p]:
                continue
            day = f if f > t else t
            if day < t_dst[q]:
                t_dst[q] = day
                case_dst[q] = case_src[p]
                from_dst[q] = p
                edge_dst[q] = e


def compute(graph: ContactGraph, sources: Sources, max_depth: int) -> Labels:
    """Every person's label front, from the F0s through up to ``max_depth`` steps."""
    n = graph.size
    levels = max_depth + 1
    t = np.full((levels, n), NEVER, dtype=np.int32)
    case = np.full((levels, n), NO_ONE, dtype=np.int64)
    via = np.full((levels, n), NO_ONE, dtype=np.int64)
    edge = np.full((levels, n), NO_ONE, dtype=np.int64)
    order = np.lexsort((sources.start, sources.person))  # earliest window per person first
    person, first_idx = np.unique(sources.person[order], return_index=True)
    t[0, person] = sources.start[order][first_idx]
    case[0, person] = sources.case_id[order][first_idx]
    for k in range(max_depth):
        if not (t[k] != NEVER).any():
            break
        _relax(
            graph.a,
            graph.b,
            graph.first,
            graph.last,
            graph.end,
            t[k],
            case[k],
            t[k + 1],
            case[k + 1],
            via[k + 1],
            edge[k + 1],
        )
    return _front(t, case, via, edge, graph.exposure_id)


def _exposure_of(edge_index: I64, exposure_id: I64) -> I64:
    out = np.full(edge_index.shape[0], NO_ONE, dtype=np.int64)
    has = edge_index >= 0
    out[has] = exposure_id[edge_index[has]]
    return out


def _front(t: I32, case: I64, via: I64, edge: I64, exposure_id: I64) -> Labels:
    best = np.full(t.shape[1], NEVER, dtype=np.int32)
    parts = []
    for k in range(t.shape[0]):
        keep = np.flatnonzero(t[k] < best)
        best = np.minimum(best, t[k])
        e = edge[k, keep]
        parts.append(
            (
                keep.astype(np.int64),
                np.full(keep.shape[0], k, dtype=np.int16),
                t[k, keep],
                case[k, keep],
                via[k, keep],
                _exposure_of(e, exposure_id),
            )
        )
    cols = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    order = np.lexsort((cols[1], cols[0]))
    return Labels(*(c[order] for c in cols))
