"""Routes and pages commit only where this list says (issue 18 §2, ADR 0001): a request is one
unit of work, committed by ``core.deps.get_session`` when the handler returns and rolled back
when it raises. A handler that must commit before that says why here.

A module of routes and pages is one that speaks HTTP: it imports FastAPI or Starlette, or is
named so (``routes.py``, ``*_routes.py``, ``pages.py``, ``*_pages.py``, ``documents.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cordon"
NAMES = ("routes.py", "pages.py", "documents.py")

ALLOWED: dict[str, str] = {
    "access/routes.py:sign_in": "a failed sign-in is counted although the answer is an error "
    "(raised, so rolled back): the count is what slows and then locks out password guessing",
    "access/routes.py:_counting_failures": "the same for a wrong password or code asked again "
    "when the second factor changes",
    "web/pages.py:sign_in": "the same for the sign-in page, committed before the error page is "
    "rendered",
    "scenarios/routes.py:start_run": "the run is committed before the background runner is "
    "woken: the runner reads it in a session of its own",
    "scenarios/pages.py:start_run": "the same for the scenario planner's page",
    "network/routes.py:receive": "a message refused by the inbox is in the audit log although "
    "the answer is an error (raised, so rolled back): a forgery or replay leaves its trace",
    "linelists/routes.py:audited": "an export is in the audit log before any record leaves (the "
    "CSV streams from a session of its own, after the request's has closed)",
}


def speaks_http(path: Path, tree: ast.Module) -> bool:
    if path.name in NAMES or path.name.endswith(("_routes.py", "_pages.py")):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        if any(m.split(".")[0] in {"fastapi", "starlette"} for m in modules):
            return True
    return False


def functions(tree: ast.Module) -> dict[str, ast.AST]:
    """The top-level functions by name, and the methods as ``Class.method``."""
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for f in node.body:
                if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{f.name}"] = f
    return found


def commits(function: ast.AST) -> bool:
    return any(
        isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "commit"
        for c in ast.walk(function)
    )


def committing(root: Path = PACKAGE) -> set[str]:
    """``module:function`` of every commit in a module of routes and pages."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if speaks_http(path, tree):
            module = path.relative_to(root).as_posix()
            found |= {f"{module}:{name}" for name, f in functions(tree).items() if commits(f)}
    return found


def test_routes_and_pages_commit_only_where_allowed() -> None:
    unexpected = committing() - set(ALLOWED)
    assert unexpected == set(), "let the request's unit of work commit (core/deps.py)"


def test_every_allowed_commit_is_still_made() -> None:
    assert set(ALLOWED) <= committing(), "an allowed commit is gone: clear its line"


def test_the_walk_finds_a_planted_commit(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    handler = "def confirm(session):\n    session.commit()\n"
    (tmp_path / "cases" / "routes.py").write_text(handler, encoding="utf-8")
    (tmp_path / "cases" / "viewing.py").write_text(
        "from fastapi import Request\n\nclass View:\n    def show(self, session):\n"
        "        session.commit()\n",
        encoding="utf-8",
    )
    (tmp_path / "cases" / "service.py").write_text(handler, encoding="utf-8")  # not HTTP
    assert committing(tmp_path) == {"cases/routes.py:confirm", "cases/viewing.py:View.show"}
