from __future__ import annotations

import typer

from cordon.cli.output import console, user_errors
from cordon.core.db import session_scope
from cordon.monitoring import service

app = typer.Typer(help="Daily monitoring of people in isolation.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Raise a missed-report flag for everyone in isolation who has not reported in 24 hours
    (run it every hour: a flag is raised once a day)."""
    with user_errors(), session_scope() as session:
        raised = service.check_missed(session)
        session.commit()
    console.print(f"{raised:,} missed-report flags raised.")


@app.command("send-links")
def send_links() -> None:
    """Send today's self-report link by SMS to everyone in isolation who has a phone (through
    the outbox: run it every morning; twice in a day sends nothing more)."""
    with user_errors(), session_scope() as session:
        queued = service.send_links(session)
        session.commit()
    console.print(f"{queued:,} self-report links queued.")
