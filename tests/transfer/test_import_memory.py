"""An import pauses Python's cycle collector while it reads, validates and writes, and
always gives it back: after success, after a refused file, and when it was already off."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest
from linelists import CASE_ROWS, to_csv

from cordon.core.errors import InvalidInput
from cordon.transfer.columns import Shape
from cordon.transfer.service import ImportResult

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
