from __future__ import annotations

from typing import Annotated

import typer
from rich.tree import Tree

from cordon.cli.output import AsJson, console, print_json, user_errors
from cordon.core.db import session_scope
from cordon.tracing import service
from cordon.tracing.routes import tier_out

tiers_app = typer.Typer(help="The tier engine: counts, full recomputation.", no_args_is_help=True)


def _tier_name(level: int | None) -> str:
    return "no tier" if level is None else f"F{level}"


def trace(
    person: Annotated[int, typer.Argument(help="Person id.")],
    as_json: AsJson = False,
    max_nodes: Annotated[int, typer.Option(help="Largest tree shown.")] = 2000,
) -> None:
    """The tier tree of PERSON: their tier and why, and everyone whose tier came through them."""
    with user_errors(), session_scope() as session:
        tree = service.trace(session, person, max_nodes=max_nodes)
        names = service.names_of(session, {person} | {n.person_id for n in tree.nodes})
    if as_json:
        print_json(
            {
                "person": tier_out(tree.root).model_dump(mode="json"),
                "counts": tree.counts,
                "truncated": tree.truncated,
                "nodes": [
                    {
                        "person_id": n.person_id,
                        "level": n.level,
                        "tier": n.tier,
                        "exposed_on": n.exposed_on.isoformat(),
                        "parent_person_id": n.parent_person_id,
                        "via_exposure_id": n.via_exposure_id,
                    }
                    for n in tree.nodes
                ],
            }
        )
        return
    root = tree.root
    label = f"[bold]{names.get(person, person)}[/bold] (#{person}) — {_tier_name(root.tier)}"
    if root.exposed_on:
        label += f" since {root.exposed_on}"
    top = Tree(label)
    if len(root.path) > 1:
        why = " ← ".join(f"#{s.person_id} F{s.level}" for s in root.path)
        top.add(f"[dim]why: {why}[/dim]")
    branches = {person: top}
    for n in tree.nodes:
        parent = branches.get(n.parent_person_id or -1, top)
        own = "" if n.tier == n.level else f" [yellow](is F{n.tier})[/yellow]"
        branches[n.person_id] = parent.add(
            f"F{n.level} {names.get(n.person_id, '')} (#{n.person_id}) exposed {n.exposed_on}{own}"
        )
    console.print(top)
    counts = ", ".join(f"F{k}: {v}" for k, v in sorted(tree.counts.items())) or "nobody"
    console.print(f"Downstream: {counts}" + (" (tree truncated)" if tree.truncated else ""))


@tiers_app.command("counts")
def counts(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """People per tier across the city."""
    with session_scope() as session:
        result = service.tier_counts(session)
    if as_json:
        print_json(result)
        return
    for k, n in sorted(result.items()):
        console.print(f"F{k}: {n:,}")


@tiers_app.command("recompute")
def recompute() -> None:
    """Recompute every tier from scratch (after a policy change or a bulk load)."""
    with user_errors(), session_scope() as session:
        r = service.recompute_all(session, cause="full recomputation (CLI)")
    console.print(
        f"{r.tiered:,} people tiered ({r.labels:,} labels); {r.written:,} written, "
        f"{r.deleted:,} removed, {r.moves:,} tier changes in {r.seconds:.2f} s."
    )
