"""``cordon chain CASE`` and ``cordon cluster CODE_OR_NAME``."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import typer
from rich.tree import Tree

from cordon.cases import chains
from cordon.cases import service as cases
from cordon.cases.schemas import ChainNode, ChainOut
from cordon.cli.output import AsJson, console, print_json, user_errors
from cordon.clusters import service
from cordon.clusters.schemas import ClusterSummary
from cordon.core.db import session_scope


def _label(node: ChainNode) -> str:
    if node.case_id is None:
        return f"[cyan]{node.kind}[/cyan] {node.label}"
    when = f", confirmed {node.confirmed_on}" if node.confirmed_on else ""
    return f"[bold]{node.label}[/bold] ({node.status}{when})"


def _tree(graph: ChainOut) -> Tree:
    """Ancestors as one branch (nearest first), descendants nested under who infected them."""
    nodes = {n.id: n for n in graph.nodes}
    root_id = f"case:{graph.case_id}"
    tree = Tree(_label(nodes[root_id]))
    above = sorted((n for n in graph.nodes if n.generation < 0), key=lambda n: -n.generation)
    if above:
        branch = tree.add("[dim]infected by[/dim]")
        for n in above:
            branch.add(f"{_label(n)} [dim]generation {n.generation}[/dim]")
    children: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if nodes[e.target].generation > 0 and nodes[e.source].generation >= 0:
            children[e.source].append(e.target)
    seen = {root_id}

    def grow(parent: Tree, node_id: str) -> None:
        for child in sorted(children[node_id], key=lambda c: nodes[c].label):
            if child not in seen:
                seen.add(child)
                grow(parent.add(_label(nodes[child])), child)

    grow(tree.add("[dim]infected[/dim]") if children[root_id] else tree, root_id)
    return tree


def chain(
    case: Annotated[str, typer.Argument(help="Case code, e.g. BN17.")],
    as_json: AsJson = False,
) -> None:
    """The chain of transmission of CASE: who infected it, and whom it infected."""
    with user_errors(), session_scope() as session:
        graph = chains.chain(session, cases.case_by_code(session, case))
    if as_json:
        print_json(graph.model_dump(mode="json"))
        return
    console.print(_tree(graph))


def _print_summary(s: ClusterSummary) -> None:
    c = s.cluster
    console.print(f"[bold]{c.code}[/bold] {c.name} ({c.kind})")
    console.print(f"  cases: {s.size}, generations: {s.generations}")
    console.print(f"  confirmed from {s.first_confirmed_on or '—'} to {s.last_confirmed_on or '—'}")
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(s.by_status.items()))
    console.print(f"  by status: {statuses or '—'}")
    for d in s.by_district:
        console.print(f"  {d.district}: {d.cases}")


def cluster(
    name: Annotated[str, typer.Argument(help="Cluster code (e.g. BVBM) or name.")],
    as_json: AsJson = False,
) -> None:
    """A cluster's summary: size, generations, dates, districts and statuses."""
    with user_errors(), session_scope() as session:
        found = service.find_cluster(session, name)
        result = service.summary(session, found.id)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _print_summary(result)
