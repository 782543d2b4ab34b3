"""A feature writes only its own tables (issue 18 §2, ADR 0001): another feature's rows are
read through its named queries and written through its service (or by reacting to an event).

Read statically, over the AST of ``src/cordon``: a table belongs to the package whose
``models`` define its ORM class, and a module of package F writes table T when it

- builds ``insert(T)``, ``update(T)``, ``delete(T)`` (or ``T.__table__.insert()`` …);
- hands a T to the session: ``add``, ``add_all``, ``merge``, ``delete``, ``bulk_*``;
- calls a core helper that writes: ``core.bulk.insert_rows``, ``insert_columns``,
  ``next_ids``, ``core.db.move_person_rows``, ``set_ward_copies``;
- assigns an attribute (or ``setattr``) of a T instance it can be seen to hold: a parameter or
  variable annotated T, ``T(...)``, ``session.get(T, …)``, ``get_or_404(…, T, …)``,
  ``session.scalar(select(T)…)``, a loop over ``session.scalars(select(T)…)`` …;
- runs SQL text that inserts into, updates or deletes from T's table.

What the reading cannot see (a row reached through a function's return value, say) it does
not judge; the services are kept small enough to read."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cordon"

# Who may write another package's tables, and why. A key is a module (``demo/``: a whole
# package) or ``module:function``; every key must still match a write (no stale line).
ALLOWED: dict[str, str] = {
    "demo/": "the demo is an entry point that builds a whole city, every feature's tables at "
    "once, as a line-list import would (set-based loads, not one service call per row)",
}

WRITING_HELPERS = {
    "cordon.core.bulk.insert_rows": 1,  # position of the model among the arguments
    "cordon.core.bulk.insert_columns": 1,
    "cordon.core.bulk.next_ids": 1,
}
# every positional model after the session
SPREAD_HELPERS = {"cordon.core.db.move_person_rows", "cordon.core.db.set_ward_copies"}
STATEMENTS = {"insert", "update", "delete"}
SESSION_WRITES = {"add", "merge", "delete", "add_all", "bulk_save_objects"}
MAPPINGS = {"bulk_insert_mappings", "bulk_update_mappings"}
GETTERS = {"get", "get_one", "get_or_404", "one_or_404"}  # (session,) model, key …
CHAINED = {"where", "filter", "filter_by", "order_by", "limit", "offset", "join", "outerjoin"}
CHAINED |= {"options", "execution_options", "with_for_update", "distinct", "unique", "all"}
ONE_OF = {"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none"}
SQL = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+(\w+)", re.I)

CLS, CLASSES, ONE, MANY = "class", "classes", "one", "many"


@dataclass(frozen=True)
class Kind:
    """What an expression holds: a model class, a collection of classes, one row, many rows."""

    of: str
    models: frozenset[str]


@dataclass(frozen=True)
class Write:
    where: str  # "people/service.py:_records_follow"
    table: str  # "cases.Case": owning package and model
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((root.name, *parts))


def owner(module: str) -> str:
    """The package directly under the root (``cordon.cases.models`` → ``cases``)."""
    return module.split(".")[1]


def imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Module-level names → what they stand for, fully qualified."""
    names: dict[str, str] = {}
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{up}.{base}" if base else up
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = f"{module}.{node.name}"
    return names


def tablename(node: ast.ClassDef) -> str | None:
    """The table of an ORM class (``__tablename__ = "cases"``); None for any other class."""
    for s in node.body:
        if not (isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)):
            continue
        if any(ast.unparse(t) == "__tablename__" for t in s.targets):
            return str(s.value.value)
    return None


@dataclass
class Package:
    """Every module of the tree, parsed, with the names it imports and the tables it defines."""

    root: Path
    trees: dict[str, tuple[Path, ast.Module]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # qualified class → owning package
    tables: dict[str, str] = field(default_factory=dict)  # table name → "package.Class"
    returns: dict[str, Kind] = field(default_factory=dict)  # function → what it returns

    def __post_init__(self) -> None:
        for path in sorted(self.root.rglob("*.py")):
            if "migrations" in path.relative_to(self.root).parts:
                continue
            module = module_name(path, self.root)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            self.trees[module] = (path, tree)
            self.names[module] = imports(tree, module)
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and (table := tablename(node)):
                    self.models[f"{module}.{node.name}"] = owner(module)
                    self.tables[table] = f"{owner(module)}.{node.name}"
        for module, (_, tree) in self.trees.items():
            reader = Reader(self, module)
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if returned := reader.annotated(node.returns):
                    self.returns[f"{module}.{node.name}"] = returned

    def canonical(self, qualified: str, depth: int = 0) -> str:
        """Follow re-exports (``cordon.models.Case`` → ``cordon.cases.models.Case``)."""
        module, _, name = qualified.rpartition(".")
        target = self.names.get(module, {}).get(name)
        if target is None or target == qualified or depth > 5:
            return qualified
        return self.canonical(target, depth + 1)

    def label(self, model: str) -> str:
        return f"{self.models[model]}.{model.rsplit('.', 1)[1]}"


class Reader(ast.NodeVisitor):
    """One module's writes, with what each variable holds as far as it can be seen."""

    def __init__(self, package: Package, module: str) -> None:
        self.package, self.module = package, module
        self.path = package.trees[module][0].relative_to(package.root).as_posix()
        self.names = package.names[module]
        self.scopes: list[dict[str, Kind]] = [{}]
        self.function = "<module>"
        self.writes: list[Write] = []

    # --- what an expression holds ---------------------------------------------------------

    def qualified(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.package.canonical(self.names[node.id])
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return base and self.package.canonical(f"{base}.{node.attr}")
        return None

    def variable(self, name: str) -> Kind | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def kind(self, node: ast.expr | None) -> Kind | None:
        if node is None:
            return None
        if isinstance(node, ast.Name) and (held := self.variable(node.id)):
            return held
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self.kind(node.value)
        if (name := self.qualified(node)) in self.package.models:
            return Kind(CLS, frozenset({name}))
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return self._elements(node)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            held = self.kind(node.elt)
            return Kind(MANY, held.models) if held and held.of == ONE else None
        if isinstance(node, ast.IfExp):
            return self.kind(node.body) or self.kind(node.orelse)
        if isinstance(node, ast.Subscript):
            held = self.kind(node.value)
            return Kind(ONE, held.models) if held and held.of == MANY else None
        if isinstance(node, ast.Call):
            return self._called(node)
        return None

    def _elements(self, node: ast.Tuple | ast.List | ast.Set) -> Kind | None:
        kinds = [self.kind(e.value if isinstance(e, ast.Starred) else e) for e in node.elts]
        if not kinds or None in kinds:
            return None
        found = {k.of for k in kinds if k}
        models = frozenset().union(*(k.models for k in kinds if k))
        if found <= {CLS, CLASSES}:
            return Kind(CLASSES, models)
        return Kind(MANY, models) if found <= {ONE, MANY} else None

    def _called(self, node: ast.Call) -> Kind | None:
        func, args = node.func, node.args
        first = args[0] if args else None
        named = self.qualified(func)
        if named and named.rsplit(".", 1)[-1] == "select" and named.startswith("sqlalchemy"):
            held = self.kind(first)
            return Kind(MANY, held.models) if held and held.of == CLS else None
        if isinstance(func, ast.Name) and func.id in {"list", "sorted", "tuple", "set"}:
            return self.kind(first)
        if named and named.endswith(".table_of"):
            return self.kind(first)
        if named in self.package.returns:
            return self.package.returns[named]
        if held := self.kind(func):  # a model called: a new row
            return Kind(ONE, held.models) if held.of == CLS else None
        method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if method in GETTERS:
            model = args[1] if method.endswith("404") and len(args) > 1 else first
            held = self.kind(model)
            return Kind(ONE, held.models) if held and held.of == CLS else None
        return self._queried(node, method, first)

    def _queried(self, node: ast.Call, method: str, first: ast.expr | None) -> Kind | None:
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if method in {"scalars", "scalar", "execute"} and first is not None:
            held = self.kind(first)
            if held and held.of == MANY:
                return Kind(ONE, held.models) if method == "scalar" else held
            return None
        if receiver is None:
            return None
        held = self.kind(receiver)
        if held and held.of == MANY and method in CHAINED | {"scalars"}:
            return held
        if held and held.of == MANY and method in ONE_OF:
            return Kind(ONE, held.models)
        return None

    def annotated(self, node: ast.expr | None) -> Kind | None:
        """``Case``, ``Case | None``, ``"Case"``, ``list[Case]``, ``Sequence[Case]`` …"""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.annotated(ast.parse(node.value, mode="eval").body)
        if isinstance(node, ast.BinOp):
            return self.annotated(node.left) or self.annotated(node.right)
        if isinstance(node, ast.Subscript):
            inner = self.annotated(node.slice)
            return Kind(MANY, inner.models) if inner and inner.of == ONE else inner
        if (name := self.qualified(node)) in self.package.models:
            return Kind(ONE, frozenset({name}))
        return None

    # --- what the module does --------------------------------------------------------------

    def hold(self, target: ast.expr, held: Kind | None) -> None:
        if isinstance(target, ast.Name):
            if held:
                self.scopes[-1][target.id] = held
            else:
                self.scopes[-1].pop(target.id, None)

    def wrote(self, held: Kind | None, node: ast.AST, *, rows: bool = False) -> None:
        """A write to ``held``'s models: classes (a statement), or rows when ``rows``."""
        if held is None or (held.of in {ONE, MANY}) != rows:
            return
        for model in sorted(held.models):
            self.writes.append(Write(self.where, self.package.label(model), line(node)))

    @property
    def where(self) -> str:
        return f"{self.path}:{self.function}"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A write is placed in its outermost function (``Class.method`` for a method)."""
        outer = self.function
        if outer == "<module>":
            self.function = node.name
        elif outer.startswith("<class "):
            self.function = f"{outer.removeprefix('<class ').removesuffix('>')}.{node.name}"
        self.scopes.append({})
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            self.hold(ast.Name(arg.arg), self.annotated(arg.annotation))
        self.generic_visit(node)
        self.scopes.pop()
        self.function = outer

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.function
        if outer == "<module>":
            self.function = f"<class {node.name}>"
        self.generic_visit(node)
        self.function = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        for target in node.targets:
            self.assigned(target, node)
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for name, value in zip(target.elts, node.value.elts, strict=False):
                    self.hold(name, self.kind(value))
            else:
                self.hold(target, self.kind(node.value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        self.assigned(node.target, node)
        self.hold(node.target, self.annotated(node.annotation) or self.kind(node.value))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        self.assigned(node.target, node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit(node)
        self.hold(node.target, self.kind(node.value))

    def assigned(self, target: ast.expr, node: ast.AST) -> None:
        if isinstance(target, ast.Attribute):
            self.wrote(self.kind(target.value), node, rows=True)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.assigned(element, node)

    def visit_For(self, node: ast.For | ast.AsyncFor | ast.comprehension) -> None:
        self.looped(node.target, node.iter)
        self.generic_visit(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self.visit_For(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit_For(node)

    def looped(self, target: ast.expr, over: ast.expr) -> None:
        if isinstance(target, ast.Tuple) and isinstance(over, ast.Tuple | ast.List):
            for k, element in enumerate(target.elts):
                column = [e.elts[k] for e in over.elts if isinstance(e, ast.Tuple | ast.List)]
                self.hold(element, self.kind(ast.Tuple(column)) and self._each(column))
            return
        held = self.kind(over)
        self.hold(target, self._one(held))

    def _each(self, column: list[ast.expr]) -> Kind | None:
        kinds = [self.kind(e) for e in column]
        known = [k for k in kinds if k is not None]
        if not kinds or len(known) != len(kinds) or len({k.of for k in known}) != 1:
            return None
        return Kind(known[0].of, frozenset[str]().union(*(k.models for k in known)))

    @staticmethod
    def _one(held: Kind | None) -> Kind | None:
        if held is None:
            return None
        return {CLASSES: Kind(CLS, held.models), MANY: Kind(ONE, held.models)}.get(held.of)

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func, args = node.func, node.args
        named = self.qualified(func) or ""
        method = func.attr if isinstance(func, ast.Attribute) else ast.unparse(func)
        method = named.rsplit(".", 1)[-1] if named else method
        if method in STATEMENTS and args:  # insert(T), pg_insert(T), session.delete(row)
            self.wrote(self.kind(args[0]), node)
            self.wrote(self.kind(args[0]), node, rows=method == "delete")
        elif isinstance(func, ast.Attribute) and method in STATEMENTS and not args:
            if isinstance(func.value, ast.Attribute) and func.value.attr == "__table__":
                self.wrote(self.kind(func.value), node)
        elif isinstance(func, ast.Attribute) and method in SESSION_WRITES and args:
            self.wrote(self.kind(args[0]), node, rows=True)
        elif method in MAPPINGS and args:
            self.wrote(self.kind(args[0]), node)
        elif named in WRITING_HELPERS and len(args) > WRITING_HELPERS[named]:
            self.wrote(self.kind(args[WRITING_HELPERS[named]]), node)
        elif named in SPREAD_HELPERS:
            self.wrote(self.kind(ast.Tuple(args[1:])), node)
        elif isinstance(func, ast.Name) and func.id == "setattr" and args:
            self.wrote(self.kind(args[0]), node, rows=True)
        elif method in {"text", "exec_driver_sql"} and args:
            self.sql(args[0], node)

    def sql(self, statement: ast.expr, node: ast.Call) -> None:
        texts = [c.value for c in ast.walk(statement) if isinstance(c, ast.Constant)]
        for table in SQL.findall(" ".join(t for t in texts if isinstance(t, str))):
            if table in self.package.tables:
                self.writes.append(Write(self.where, self.package.tables[table], line(node)))


def line(node: ast.AST) -> int:
    return int(getattr(node, "lineno", 0))


def writer(where: str) -> str:
    """The package of ``module:function`` (``people/service.py:f`` → ``people``)."""
    return where.split(":")[0].split("/")[0].removesuffix(".py")


def writes(root: Path = PACKAGE) -> Iterator[Write]:
    package = Package(root)
    for module in package.trees:
        reader = Reader(package, module)
        reader.visit(package.trees[module][1])
        yield from reader.writes


def foreign(root: Path = PACKAGE) -> dict[str, set[str]]:
    """``module:function`` → the other packages' tables it writes."""
    found: dict[str, set[str]] = {}
    for write in writes(root):
        if write.table.split(".")[0] != writer(write.where):
            found.setdefault(write.where, set()).add(write.table)
    return found


def allowed(where: str) -> str | None:
    module = where.split(":")[0]
    for key in ALLOWED:
        if where == key or module == key or (key.endswith("/") and module.startswith(key)):
            return key
    return None


def test_a_feature_writes_only_its_own_tables() -> None:
    found = {where: tables for where, tables in foreign().items() if not allowed(where)}
    assert found == {}, "write these through the owning feature's service (or an event)"


def test_every_allowed_writer_still_writes_another_feature_s_tables() -> None:
    used = {allowed(where) for where in foreign()}
    assert set(ALLOWED) <= used, "an allowed writer no longer writes: clear its line"


PLANTED = """
from sqlalchemy import delete, select, text, update

from cordon.cases import models
from cordon.cases.models import Case
from cordon.cases.service import get_case
from cordon.core.bulk import insert_rows
from cordon.core.db import set_ward_copies
from cordon.people.models import Person

COPIES = (Case,)


def statement(session):
    session.execute(update(Case).values(ward_id=1))


def added(session):
    session.add(models.Case(person_id=1))


def got(session):
    case = session.get(Case, 1)
    case.ward_id = 2


def returned(session):
    get_case(session, 1).ward_id = 7


def annotated(session, case: Case | None):
    case.ward_id = 3


def looped(session):
    for case in session.scalars(select(Case).where(Case.id == 1)):
        case.ward_id = 4


def helper(session):
    insert_rows(session, Case, ("id",), [])


def ward(session):
    set_ward_copies(session, Case, person_id=1, ward_id=2)


def sql(session):
    session.execute(text("UPDATE cases SET ward_id = 5"))


def copies(session):
    for copy in COPIES:
        session.execute(delete(copy))


def own(session, person: Person):
    person.ward_id = 6
    session.add(Person())
"""

GETTER = """
from cordon.cases.models import Case


def get_case(session, case_id: int) -> Case:
    return session.get(Case, case_id)
"""


def test_the_reading_finds_planted_writes(tmp_path: Path) -> None:
    root = tmp_path / "cordon"
    for feature, model, table in (("cases", "Case", "cases"), ("people", "Person", "people")):
        (root / feature).mkdir(parents=True)
        (root / feature / "models.py").write_text(
            f"from cordon.core.db import Base\n\n\nclass {model}(Base):\n"
            f"    __tablename__ = {table!r}\n",
            encoding="utf-8",
        )
    (root / "people" / "service.py").write_text(PLANTED, encoding="utf-8")
    (root / "cases" / "service.py").write_text(GETTER, encoding="utf-8")
    planted = ["statement", "added", "got", "returned", "annotated", "looped", "helper", "sql"]
    planted += ["ward", "copies"]
    assert foreign(root) == {f"people/service.py:{f}": {"cases.Case"} for f in planted}
