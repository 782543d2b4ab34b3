"""The shape of the code (../shared/STYLE.md): no function past 60 lines, decorators and
docstring included, outside the migrations and the Numba kernels (a kernel is one loop the
compiler sees whole); no page rolls back (a refused write is undone by its service, ADR 0019)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cordon"
LONGEST = 60
ALLOWED: set[str] = set()  # ``file:function`` that may be longer, each with its reason


def _numba(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated by numba: ``@njit``, ``@numba.njit(…)``, ``@jit``, ``@vectorize`` …"""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ast.unparse(target)
        if name.startswith("numba.") or name in {"njit", "jit", "vectorize", "guvectorize"}:
            return True
    return False


def too_long(root: Path = PACKAGE) -> dict[str, int]:
    """``file:function`` → its lines, for every function longer than ``LONGEST``."""
    found: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or _numba(node):
                continue
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            lines = (node.end_lineno or node.lineno) - first + 1
            if lines > LONGEST:
                found[f"{path.relative_to(root).as_posix()}:{node.name}"] = lines
    return found


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = {name: n for name, n in too_long().items() if name not in ALLOWED}
    assert long == {}, f"split these along their phases: {long}"


def test_the_allow_list_names_only_long_functions() -> None:
    assert set(too_long()) >= ALLOWED, "a function allowed here is short now: clear it"


def test_the_walk_finds_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LONGEST))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n", encoding="utf-8")
    kernel = f"@njit(cache=True)\ndef kernel():\n{body}\n"
    (tmp_path / "kernel.py").write_text(kernel, encoding="utf-8")
    assert too_long(tmp_path) == {"long.py:long": LONGEST + 1}


def test_no_page_rolls_back() -> None:
    pages = [*PACKAGE.rglob("pages.py"), *PACKAGE.rglob("*_pages.py")]
    assert len(pages) > 10
    rolling = [
        p.relative_to(PACKAGE).as_posix()
        for p in pages
        if ".rollback(" in p.read_text(encoding="utf-8")
    ]
    assert rolling == [], "let the service be @atomic (core/db.py) and catch its error"
