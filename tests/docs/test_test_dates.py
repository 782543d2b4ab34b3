"""A test's dates are taken when the test runs, never when its module is imported.

The suite runs for a quarter of an hour; Hanoi's midnight is 17:00 UTC. A date fixed at
import ("three days ago") and a date the app takes while the test runs then fall on
different days, and a test that held all day fails on the night's CI run. So no module- or
class-level statement, and no default argument, reads the clock."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CLOCKS = {"today", "now", "utcnow", "start_of_today"}


def _clock_calls(node: ast.AST) -> Iterator[ast.Call]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in CLOCKS:
                yield sub


def _read_at_import(tree: ast.Module) -> Iterator[ast.AST]:
    """The parts of a module Python evaluates when it imports it."""
    bodies = [tree.body]
    while bodies:
        for node in bodies.pop():
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from node.args.defaults
                yield from (d for d in node.args.kw_defaults if d is not None)
            elif isinstance(node, ast.ClassDef):
                bodies.append(node.body)
            elif not isinstance(node, ast.Import | ast.ImportFrom):
                yield node


def test_no_test_module_reads_the_clock_when_it_is_imported() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{call.lineno}"
        for path in sorted(TESTS.rglob("*.py"))
        for part in _read_at_import(ast.parse(path.read_text(), str(path)))
        for call in _clock_calls(part)
    ]
    assert found == [], "dates fixed at import (take them inside the test):\n" + "\n".join(found)


def test_the_check_sees_a_date_fixed_at_import() -> None:
    module = ast.parse(
        "DAY = dt.date.today()\n"
        "class T:\n    WHEN = now()\n"
        "def f(day=today()):\n    return today()\n"
    )
    calls = sorted(c.lineno for part in _read_at_import(module) for c in _clock_calls(part))
    assert calls == [1, 3, 4]
