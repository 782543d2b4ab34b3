"""Fixtures of the import/export tests: import a line list into Hanoi's registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cordon.linelists.columns import Shape
from cordon.linelists.service import ImportResult, import_file

from .linelists import CASE_ROWS, to_csv


@pytest.fixture
def run_import(hanoi: Session) -> Callable[..., ImportResult]:
    def run(shape: Shape, data: bytes, name: str = "list.csv", **kw: Any) -> ImportResult:
        result = import_file(hanoi, shape, data, name=name, **kw)
        hanoi.commit()
        return result

    return run


@pytest.fixture
def cases_loaded(run_import: Callable[..., ImportResult]) -> ImportResult:
    return run_import(Shape.cases, to_csv(Shape.cases, CASE_ROWS))
