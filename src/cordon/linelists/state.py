"""What an import keeps across the chunks of its file, compact whatever the file's size.

An import reads its file in chunks of rows (``service.CHUNK``) and forgets each chunk once it
is checked and written. What later rows must still know of earlier ones — the line where a
case code, a national ID or a person was first met, the ids written — is kept here: keys by
their 64-bit hash in sorted numpy arrays (8 bytes a key and 8 a value, against ~100 for a
dict of strings), ids as ranges. Two different keys sharing a 64-bit hash within one file
(odds below one in 10^8 for a million rows) would be taken for one.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
SEGMENT = 1 << 16  # keys in a sorted segment at most, once merged


def hashes(keys: Iterable[Any], count: int) -> Ints:
    """The 64-bit hash of each of ``count`` keys (stable within one process)."""
    return np.fromiter((hash(k) for k in keys), dtype=np.int64, count=count)


class Seen:
    """Keys met so far → ``width`` int64 values each (a line, an id …). A key added again
    takes its new values (the latest wins)."""

    def __init__(self, width: int = 1) -> None:
        self.width = width
        self.segments: list[tuple[Ints, Ints]] = []  # (sorted hashes, values), oldest first

    def __len__(self) -> int:
        return sum(len(h) for h, _ in self.segments)

    def add(self, keys: Sequence[Any], *columns: Collection[int]) -> None:
        """``keys`` with their values, one column of ``width`` per value."""
        if not keys:
            return
        assert len(columns) == self.width
        n = len(keys)
        given = np.empty((n, self.width), dtype=np.int64)
        for k, column in enumerate(columns):
            given[:, k] = np.fromiter(column, dtype=np.int64, count=n)
        self.segments.append(_sorted(hashes(keys, n), given))
        while len(self.segments) > 1 and _mergeable(*self.segments[-2:]):
            (old_h, old_v), (new_h, new_v) = self.segments[-2:]
            merged = _sorted(np.concatenate((old_h, new_h)), np.concatenate((old_v, new_v)))
            self.segments[-2:] = [merged]

    def find(self, keys: Sequence[Any]) -> tuple[npt.NDArray[np.bool_], Ints]:
        """For each key: whether it was met, and its values (zeros when not)."""
        return self.find_hashed(hashes(keys, len(keys)))

    def find_hashed(self, wanted: Ints) -> tuple[npt.NDArray[np.bool_], Ints]:
        """``find`` for keys given by their hashes."""
        met = np.zeros(len(wanted), dtype=bool)
        out = np.zeros((len(wanted), self.width), dtype=np.int64)
        for keys_at, values in reversed(self.segments):  # the newest first
            at = np.searchsorted(keys_at, wanted)
            at[at >= len(keys_at)] = 0
            hit = (keys_at[at] == wanted) & ~met
            out[hit] = values[at[hit]]
            met |= hit
        return met, out

    def lookup(self, keys: Sequence[Any]) -> list[tuple[int, ...] | None]:
        """Each key's values as a tuple, or None when it was not met."""
        met, out = self.find(keys)
        rows = out.tolist()
        return [tuple(v) if m else None for m, v in zip(met.tolist(), rows, strict=True)]


def _mergeable(older: tuple[Ints, Ints], newer: tuple[Ints, Ints]) -> bool:
    """Two segments of like size are merged (fewer to search), up to ``SEGMENT`` keys (a
    merge copies both: what it takes stays a constant)."""
    a, b = len(older[0]), len(newer[0])
    return b * 2 >= a and a + b <= SEGMENT


def _sorted(keys: Ints, values: Ints) -> tuple[Ints, Ints]:
    """Sorted by key; of equal keys the last given is kept."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    if len(keys) > 1:
        last = np.append(keys[1:] != keys[:-1], True)
        keys, values = keys[last], values[last]
    return keys, values


class Ids:
    """Ids written by the import: a few ranges (one a chunk), asked by membership."""

    def __init__(self) -> None:
        self.ranges: list[range] = []
        self.count = 0

    def add(self, ids: range) -> None:
        if ids:
            bisect.insort(self.ranges, ids, key=lambda r: r.start)
            self.count += len(ids)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int) or not self.ranges:
            return False
        at = bisect.bisect_right(self.ranges, value, key=lambda r: r.start) - 1
        return at >= 0 and value in self.ranges[at]

    def __iter__(self) -> Iterator[int]:
        for ids in self.ranges:
            yield from ids

    def __len__(self) -> int:
        return self.count
