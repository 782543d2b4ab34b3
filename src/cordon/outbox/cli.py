"""``cordon worker`` delivers the outbox; ``cordon outbox status`` counts it."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cordon.core.config import get_settings
from cordon.core.db import get_engine, session_scope
from cordon.outbox import service
from cordon.outbox.channels import is_configured
from cordon.outbox.enums import Channel, MessageStatus
from cordon.outbox.worker import Worker, install_signals

app = typer.Typer(help="The outbox of SMS, e-mails and webhook messages.", no_args_is_help=True)


def worker(
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due, then exit.")] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=10_000, help="Messages claimed at a time.")
    ] = 100,
    poll: Annotated[
        float, typer.Option("--poll", min=0.05, help="Seconds between looks when nothing is due.")
    ] = 1.0,
) -> None:
    """Deliver the outbox: SMS, e-mails and webhooks, with retries and back-off (SIGTERM
    finishes the message being sent, then stops)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    w = Worker(get_engine(), batch_size=batch_size)
    missing = [c.value for c in Channel if c not in w.senders]
    if missing:
        typer.echo(f"Not configured, their messages wait: {', '.join(missing)}", err=True)
    install_signals(w)
    tally = w.run(once=once, poll=poll)
    typer.echo(f"sent {tally.sent}, to try again {tally.retried}, failed {tally.failed}")


@app.command("status")
def status() -> None:
    """Messages by channel and status, and which channels are configured."""
    settings = get_settings()
    with session_scope() as session:
        rows = service.counts(session)
    counts = {(c, s): n for c, s, n in rows}
    table = Table("channel", "configured", *(s.value for s in MessageStatus))
    for channel in Channel:
        table.add_row(
            channel.value,
            "yes" if is_configured(settings, channel) else "no: messages wait",
            *(str(counts.get((channel, s), 0)) for s in MessageStatus),
        )
    Console().print(table)
