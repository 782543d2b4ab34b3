"""An import pauses Python's cycle collector while it reads, validates and writes, and
always gives it back: after success, after a refused file, and when it was already off. What
it holds grows with a fraction of its file's size (issue 17 §2)."""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from cordon.audit import chain
from cordon.core.errors import InvalidInput
from cordon.linelists import service
from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult

from .linelists import CASE_ROWS, to_csv

Run = Callable[..., ImportResult]


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_an_import_and_restored(
    run_import: Run, collector_on: None
) -> None:
    seen: list[bool] = []
    run_import(
        Shape.cases,
        to_csv(Shape.cases, CASE_ROWS),
        progress=lambda *_: seen.append(gc.isenabled()),
    )
    assert len(seen) > 5
    assert not any(seen)  # every phase, from reading to the last write
    assert gc.isenabled()


def test_a_refused_file_restores_the_collector(run_import: Run, collector_on: None) -> None:
    rows = [dict(r, confirmed_on="2020-02-30") for r in CASE_ROWS]
    with pytest.raises(InvalidInput):
        run_import(Shape.cases, to_csv(Shape.cases, rows))
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(run_import: Run) -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS))
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def generated_cases(count: int, prefix: str, seed: int) -> bytes:
    """A cases list of ``count`` people, a third naming an earlier case as their source."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        source = f"{prefix}{rng.randrange(i)}" if i and rng.random() < 0.3 else ""
        rows.append(
            {
                "case_code": f"{prefix}{i}",
                "full_name": f"Nguyễn Văn {prefix} {i}",
                "birth_year": str(1940 + rng.randrange(80)),
                "phone": f"09{seed}{i:07d}",
                "national_id": f"00{seed}{i:09d}",
                "ward_code": "00004",
                "confirmed_on": f"2020-03-{1 + rng.randrange(28):02d}",
                "sources": source,
            }
        )
    return to_csv(Shape.cases, rows)


def test_an_import_holds_less_than_twice_its_file_more_for_a_longer_file(
    run_import: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's own allocations at their peak until the import is written (tracemalloc:
    the same from run to run, unlike the resident size; SQLite's pages are its own, and the
    reactions after it grow with the city): a list four times longer, read in chunks of
    500 rows, peaks less than twice its extra bytes higher (issue 17 §2). The audit log
    writes the people of its entries 500 at a time here too (else 10,000: a constant above
    these small files)."""
    monkeypatch.setattr(service, "CHUNK", 500)
    monkeypatch.setattr(chain, "SUBJECTS_AT_ONCE", 500)
    sizes, peaks = [], []
    for count, prefix, seed in ((1500, "A", 1), (6000, "B", 2)):
        data = generated_cases(count, prefix, seed)
        marks: list[int] = []

        def progress(phase: str, _done: int, _total: int | None, marks: list[int] = marks) -> None:
            if phase == "done":
                marks.append(tracemalloc.get_traced_memory()[1])

        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            assert run_import(Shape.cases, data, progress=progress).cases == count
        finally:
            tracemalloc.stop()
        sizes.append(len(data))
        peaks.append(marks[0] - start)
    assert (peaks[1] - peaks[0]) / (sizes[1] - sizes[0]) < 2, (peaks, sizes)
