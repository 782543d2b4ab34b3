"""``cordon audit``: export the log for an auditor, verify its hash chain."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cordon.audit import service
from cordon.cli.output import console, err_console
from cordon.core.db import session_scope

app = typer.Typer(help="The audit log: export it, verify it.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    person: Annotated[int | None, typer.Option(help="Only entries about this person.")] = None,
    user: Annotated[int | None, typer.Option(help="Only entries by this user id.")] = None,
) -> None:
    """The log as JSON lines, in chain order, with each entry's hashes."""
    with session_scope() as session:
        lines = service.export_lines(
            session, person_id=person, actor_user_id=user, since=None, until=None
        )
        if output is None:
            for line in lines:
                sys.stdout.write(line)
            return
        with output.open("w", encoding="utf-8") as f:
            count = sum(1 for line in lines if f.write(line))
    err_console.print(f"{count} entries written to {output}")


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise typer.BadParameter("an anchor is SEQ:HASH, as printed by an earlier verify")
    return int(seq), digest


@app.command("verify")
def verify(
    anchor: Annotated[
        list[str] | None,
        typer.Option(help="SEQ:HASH printed by an earlier verify; the tail must still hold it."),
    ] = None,
) -> None:
    """Recompute the whole hash chain; exit 1 and name the entries if any was edited or
    removed. Keep the printed anchor outside Cordon: it proves later that no tail was cut."""
    anchors = [_anchor(a) for a in anchor or []]
    with session_scope() as session:
        verdict = service.verify(session, anchors)
    if not verdict.intact:
        for problem in verdict.problems:
            err_console.print(f"[red]✗[/red] {problem}")
        raise typer.Exit(1)
    console.print(f"✓ {verdict.entries} entries, chain intact.")
    console.print(f"Anchor: {verdict.head_seq}:{verdict.head_hash}")
