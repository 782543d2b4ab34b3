"""``cordon network``: this node's identity and card, its peers, pings and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cli.output import AsJson, console, print_json, user_errors
from cordon.core.db import session_scope
from cordon.core.errors import InvalidInput, NotFound
from cordon.network import listing, resource_cli, service, sitrep_cli
from cordon.network.cards import CARD_SIZE, PeerCard
from cordon.network.enums import AGGREGATE, Direction, DistributionStatus, Kind, PeerStatus
from cordon.network.models import Peer
from cordon.network.share_cli import app as shares_app
from cordon.network.warning_cli import app as warnings_app

app = typer.Typer(
    help="The inter-city network: this node, its peer card, partner cities, messages.",
    no_args_is_help=True,
)
app.add_typer(sitrep_cli.app, name="sitreps")
app.add_typer(resource_cli.app, name="resources")

app.add_typer(shares_app, name="shares")

Kinds = Annotated[
    list[Kind] | None,
    typer.Option(help="Repeat for each kind (default: every aggregate kind)."),
]
KindsNow = Annotated[
    list[Kind] | None, typer.Option(help="Repeat for each kind (default: as they are).")
]


def _card(path: Path) -> PeerCard:
    """A peer card from a file, or an error naming the field at fault."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput.on("card", f"cannot be read ({exc.strerror})") from None
    if len(raw) > CARD_SIZE:
        raise InvalidInput.on("card", f"is larger than {CARD_SIZE // 1024} kB")
    try:
        return PeerCard.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput.of_model("The peer card could not be read.", exc) from None


def _peer(session: Session, node_id: str) -> Peer:
    found = session.scalar(select(Peer).where(Peer.node_id == node_id.strip()))
    if found is None:
        raise NotFound(f"No peer {node_id[:64]}: cordon network peers lists them.")
    return found


@app.command("init")
def init(
    node_id: Annotated[str, typer.Option("--id", help="This node's id, e.g. vn-hanoi.")],
    name: Annotated[str, typer.Option(help="The city's name as partners see it.")],
    url: Annotated[str, typer.Option(help="https://… where partners reach this Cordon.")],
    contact: Annotated[str | None, typer.Option(help="Who partners call or write to.")] = None,
    population: Annotated[int | None, typer.Option(help="For figures per 100,000.")] = None,
) -> None:
    """Give this Cordon its network identity and its keys (once)."""
    with user_errors(), session_scope() as session:
        me = service.init_node(
            session,
            node_id=node_id,
            name=name,
            base_url=url,
            contact=contact,
            population=population,
        )
        session.commit()
        console.print(f"This node is {me.node_id}: give partners its card (cordon network card).")


@app.command("card")
def card(
    out: Annotated[Path | None, typer.Option(help="Write it to this file.")] = None,
) -> None:
    """This node's peer card (JSON): what a partner city imports to add it."""
    with user_errors(), session_scope() as session:
        text = service.card(session).model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        console.print(f"Card written to {out}.")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """New keys; the old ones stay valid for a week: send every peer the new card."""
    with user_errors(), session_scope() as session:
        made = service.rotate_keys(session)
        session.commit()
        console.print(f"New keys {', '.join(k.key_id for k in made)}.")


@app.command("add")
def add(
    card_files: Annotated[list[Path], typer.Argument(help="Partners' peer cards (JSON).")],
    may_send: Kinds = None,
    may_receive: Kinds = None,
    handovers: Annotated[bool, typer.Option(help="People may be handed over.")] = False,
    lawful_basis: Annotated[str | None, typer.Option(help="Needed with --handovers.")] = None,
) -> None:
    """Add partner cities from their cards, with what they may send and receive (all or
    none: one card that cannot be read adds no one)."""
    with user_errors(), session_scope() as session:
        permissions = service.Permissions(
            may_send=frozenset(may_send) if may_send else AGGREGATE,
            may_receive=frozenset(may_receive) if may_receive else AGGREGATE,
            handovers=handovers,
            lawful_basis=lawful_basis,
        )
        added = [service.add_peer(session, _card(f), permissions) for f in card_files]
        session.commit()
        for peer in added:
            console.print(f"Peer {peer.node_id} ({peer.name}) added.")


@app.command("refresh")
def refresh(
    node_id: Annotated[str, typer.Argument(help="The peer's node id.")],
    card_file: Annotated[Path, typer.Argument(help="Its new peer card (JSON).")],
) -> None:
    """Import a peer's new card (after it rotated its keys, or moved)."""
    with user_errors(), session_scope() as session:
        peer = _peer(session, node_id)
        service.refresh_card(session, peer.id, _card(card_file), version=peer.version)
        session.commit()
        console.print(f"Card of {peer.node_id} imported.")


@app.command("permissions")
def permissions(
    node_id: Annotated[str, typer.Argument(help="The peer's node id.")],
    may_send: KindsNow = None,
    may_receive: KindsNow = None,
    handovers: Annotated[
        bool | None,
        typer.Option(
            "--handovers/--no-handovers", help="People may be handed over (or no longer)."
        ),
    ] = None,
    lawful_basis: Annotated[str | None, typer.Option(help="Needed with --handovers.")] = None,
) -> None:
    """Change what a peer may send and receive, and whether people may be handed over;
    what is not given stays as it is."""
    with user_errors(), session_scope() as session:
        peer = _peer(session, node_id)
        changed = service.Permissions(
            may_send=frozenset(may_send or (Kind(k) for k in peer.may_send)),
            may_receive=frozenset(may_receive or (Kind(k) for k in peer.may_receive)),
            handovers=peer.handovers if handovers is None else handovers,
            lawful_basis=peer.lawful_basis if lawful_basis is None else lawful_basis,
        )
        service.set_permissions(session, peer.id, changed, version=peer.version)
        session.commit()
        way = f"handovers under {peer.lawful_basis}" if peer.handovers else "no handovers"
        console.print(f"Peer {peer.node_id}: {way}.")


def _set_status(node_id: str, status: PeerStatus) -> None:
    with user_errors(), session_scope() as session:
        peer = _peer(session, node_id)
        service.set_status(session, peer.id, status, version=peer.version)
        session.commit()
        console.print(f"Peer {peer.node_id}: {status.value}.")


@app.command("suspend")
def suspend(node_id: Annotated[str, typer.Argument(help="The peer's node id.")]) -> None:
    """Send nothing to the peer and accept nothing from it, until resumed."""
    _set_status(node_id, PeerStatus.suspended)


@app.command("resume")
def resume(node_id: Annotated[str, typer.Argument(help="The peer's node id.")]) -> None:
    """Exchange with a suspended peer again (what waited is delivered)."""
    _set_status(node_id, PeerStatus.active)


@app.command("remove")
def remove(node_id: Annotated[str, typer.Argument(help="The peer's node id.")]) -> None:
    """End the partnership: the peer is refused like a stranger; the record stays."""
    _set_status(node_id, PeerStatus.removed)


@app.command("peers")
def peers(as_json: AsJson = False) -> None:
    """Partner cities, what they may send and receive, and their keys."""
    with session_scope() as session:
        rows = [listing.peer_out(session, p) for p in service.peers(session)]
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("peer", "name", "status", "may send", "may receive", "handovers", "url")
    for r in rows:
        table.add_row(
            r.node_id,
            r.name,
            r.status.value,
            ", ".join(r.may_send),
            ", ".join(r.may_receive),
            "yes" if r.handovers else "no",
            r.base_url,
        )
    console.print(table)


@app.command("ping")
def ping(
    node_ids: Annotated[list[str], typer.Argument(help="Peers' node ids.")],
) -> None:
    """A signed hello to peers (delivered by cordon worker): checks the set-up both ways."""
    with user_errors(), session_scope() as session:
        to = [_peer(session, n) for n in node_ids]
        ping = service.Distribution(Kind.ping, {}, status=DistributionStatus.test)
        sent = service.send(session, ping, to=to)
        session.commit()
        console.print(f"Ping {sent[0].distribution_id} queued for {len(sent)} peer(s).")


@app.command("messages")
def messages(
    direction: Annotated[Direction | None, typer.Option(help="sent or received.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Most messages shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Messages newest first; a sent one with its delivery."""
    with session_scope() as session:
        rows, total = listing.messages(session, direction=direction, limit=limit)
    if as_json:
        print_json({"total": total, "items": [r.model_dump(mode="json") for r in rows]})
        return
    table = Table("id", "way", "peer", "kind", "status", "sent at", "delivery")
    for r in rows:
        delivery = r.delivery.value if r.delivery else "received"
        table.add_row(
            str(r.id),
            r.direction.value,
            r.peer,
            r.kind,
            r.status.value,
            f"{r.sent_at:%Y-%m-%d %H:%M}",
            f"{delivery} ({r.last_error})" if r.last_error else delivery,
        )
    console.print(table)
    console.print(f"{total:,} messages.")


app.add_typer(warnings_app, name="warnings")
