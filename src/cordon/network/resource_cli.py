"""``cordon network resources``: the board of requests and offers between this city and its
partners, one exchange, this city's requests and offers, and the steps it takes."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cordon.cli.output import AsJson, console, print_json, print_listing, user_errors
from cordon.core.db import session_scope
from cordon.core.errors import InvalidInput, NotFound
from cordon.network import resource_board, resources
from cordon.network.models import Peer
from cordon.network.resource_schemas import (
    CommitIn,
    ExchangeOut,
    OpeningIn,
    PlainStepIn,
    ResponseIn,
)
from cordon.network.resource_states import Answer, ExchangeKind, ResourceKind, Side, State

app = typer.Typer(
    help="Resource requests and offers with partner cities (EDXL-RM): the board and each step.",
    no_args_is_help=True,
)
ITEMS_FILE = 256 * 1024
Exchange = Annotated[
    int, typer.Argument(help="The exchange's id (cordon network resources board).")
]
Reason = Annotated[str | None, typer.Option(help="Why, or what to know (kept in the history).")]
By = Annotated[
    str | None, typer.Option("--by", help="Who acts, as partners see it (default: your login).")
]


@app.command("board")
def board(
    side: Annotated[Side | None, typer.Option(help="ours: this city opened it.")] = None,
    state: Annotated[State | None, typer.Option(help="Default: every live state.")] = None,
    resource: Annotated[ResourceKind | None, typer.Option(help="With an item of it.")] = None,
    peer: Annotated[str | None, typer.Option(help="Only with this partner (node id).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Most exchanges shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Requests and offers with the partner cities, the latest first, and how many in each
    state and of each resource."""
    with user_errors(), session_scope() as session:
        peer_id = _peer(session, peer).id if peer else None
        found = resource_board.board(
            session, side=side, state=state, resource=resource, peer_id=peer_id, limit=limit
        )
    counts = {"by_state": found.by_state, "by_resource": found.by_resource}
    print_listing(found.items, found.total, "exchanges", as_json=as_json, also=counts, columns={
        "id": lambda e: str(e.id),
        "side": lambda e: e.side.value,
        "kind": lambda e: e.kind.value,
        "peer": lambda e: e.peer,
        "state": lambda e: e.state.value,
        "items": _items,
        "period": lambda e: f"{e.period_from or '…'} – {e.period_to or '…'}",
        "next": lambda e: ", ".join(e.next_steps) or "—",
    })  # fmt: skip
    if not as_json:
        live = ", ".join(f"{n} {s}" for s, n in found.by_state.items() if n)
        console.print(f"By state: {live or 'none'}.")


def _items(e: ExchangeOut) -> str:
    return ", ".join(f"{i.kind.value} {i.quantity:,} {i.unit.value}" for i in e.items)


@app.command("show")
def show(exchange: Exchange, as_json: AsJson = False) -> None:
    """One request or offer: its terms, items and history."""
    with user_errors(), session_scope() as session:
        got = resource_board.one(session, exchange)
    if as_json:
        print_json(got.model_dump(mode="json"))
        return
    _print(got)


def _print(e: ExchangeOut) -> None:
    console.print(f"{e.kind.value} {e.id} ({e.side.value}, {e.peer}): {e.state.value}")
    console.print(f"  {e.description}")
    console.print(f"  contact: {e.contact.name} {e.contact.phone or ''} {e.contact.email or ''}")
    for i in e.items:
        staff = f" ({i.role})" if i.role else ""
        console.print(
            f"  item {i.item}: {i.kind.value}{staff} {i.quantity:,} {i.unit.value}, "
            f"committed {i.committed:,} {i.description}"
        )
    for h in e.history:
        who = "us" if h.ours else e.peer
        said = f" {h.answer.value}" if h.answer else ""
        console.print(
            f"  {h.at:%Y-%m-%d %H:%M} {h.step.value}{said} by {h.by} ({who}) {h.reason or ''}"
        )
    console.print(f"  next: {', '.join(e.next_steps) or 'nothing'}")


def _peer(session: Session, node_id: str) -> Peer:
    found = session.scalar(select(Peer).where(Peer.node_id == node_id.strip()))
    if found is None:
        raise NotFound(f"No peer {node_id[:64]}: cordon network peers lists them.")
    return found


def _item(text: str) -> dict[str, Any]:
    """``KIND:QUANTITY:UNIT[:DESCRIPTION]`` (staff: the description is the role)."""
    parts = text.split(":", 3)
    if len(parts) < 3 or not parts[1].strip().isdigit():
        raise InvalidInput.on("item", "KIND:QUANTITY:UNIT[:DESCRIPTION], e.g. masks:50000:pieces")
    kind, quantity, unit = (p.strip() for p in parts[:3])
    line: dict[str, Any] = {"kind": kind, "quantity": int(quantity), "unit": unit}
    if len(parts) == 4:
        line["role" if kind == ResourceKind.staff.value else "description"] = parts[3].strip()
    return line


def _items_file(path: Path) -> list[Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput.on("items_file", f"cannot be read ({exc.strerror})") from None
    if len(raw) > ITEMS_FILE:
        raise InvalidInput.on("items_file", f"is larger than {ITEMS_FILE // 1024} kB")
    try:
        found = json.loads(raw)
    except ValueError:
        raise InvalidInput.on("items_file", "is not JSON") from None
    if not isinstance(found, list):
        raise InvalidInput.on("items_file", "must be a JSON list of items")
    return found


def _open(kind: ExchangeKind, given: dict[str, Any], to: list[str] | None) -> None:
    with user_errors(), session_scope() as session:
        peers = [_peer(session, n).id for n in to or ()]
        try:
            opening = OpeningIn.model_validate({**given, "to": peers or None})
        except ValidationError as exc:
            raise InvalidInput.of_model(f"The {kind.value} could not be made.", exc) from None
        send = resources.request if kind is ExchangeKind.request else resources.offer
        rows = send(session, opening, by_user_id=None)
        session.commit()
        for row in rows:
            console.print(f"{kind.value.capitalize()} {row.id} sent to peer {row.peer_id}.")


ItemOption = Annotated[
    list[str] | None,
    typer.Option("--item", help="KIND:QUANTITY:UNIT[:DESCRIPTION]; repeat for each."),
]


def _opening_command(kind: ExchangeKind) -> Any:
    def command(
        description: Annotated[str, typer.Option(help="What and why, in a line or two.")],
        contact_name: Annotated[str, typer.Option(help="The officer partners call.")],
        item: ItemOption = None,
        items_file: Annotated[Path | None, typer.Option(help="Items as a JSON list.")] = None,
        contact_phone: Annotated[str | None, typer.Option(help="Work phone.")] = None,
        contact_email: Annotated[str | None, typer.Option(help="Work e-mail.")] = None,
        incident: Annotated[str | None, typer.Option(help="The incident it is for.")] = None,
        start: Annotated[
            dt.datetime | None, typer.Option("--from", help="Needed/available from.")
        ] = None,
        end: Annotated[
            dt.datetime | None, typer.Option("--until", help="Needed/available until.")
        ] = None,
        place: Annotated[str | None, typer.Option(help="Where to deliver.")] = None,
        conditions: Annotated[str | None, typer.Option(help="Conditions attached.")] = None,
        to: Annotated[
            list[str] | None, typer.Option(help="Partner node ids (default: all).")
        ] = None,
    ) -> None:
        with user_errors():
            lines = [_item(i) for i in item or ()] + (_items_file(items_file) if items_file else [])
            contact = {"name": contact_name, "phone": contact_phone, "email": contact_email}
            given = {
                "description": description,
                "items": lines,
                "contact": contact,
                "incident": incident,
                "period_from": start.date() if start else None,
                "period_to": end.date() if end else None,
                "delivery_place": place,
                "conditions": conditions,
            }
        _open(kind, given, to)

    command.__doc__ = (
        "Ask partners for supplies, beds or staff (EDXL-RM RequestResource)."
        if kind is ExchangeKind.request
        else "Offer partners resources they did not ask for (OfferUnsolicitedResource)."
    )
    return command


app.command("request")(_opening_command(ExchangeKind.request))
app.command("offer")(_opening_command(ExchangeKind.offer))


def _step(exchange: int, step: dict[str, Any], by: str) -> None:
    with user_errors(), session_scope() as session:
        current = resource_board.one(session, exchange)
        try:
            given = TypeAdapter(ResponseIn | CommitIn | PlainStepIn).validate_python(
                {**step, "version": current.version}
            )
        except ValidationError as exc:
            raise InvalidInput.of_model("The step could not be taken.", exc) from None
        row = resources.take_step(session, exchange, given, by=by, by_user_id=None)
        session.commit()
        console.print(f"Exchange {row.id}: {row.state.value}.")


def _me() -> str:
    return getpass.getuser()


@app.command("respond")
def respond(
    exchange: Exchange,
    answer: Annotated[Answer, typer.Option(help="accept, decline, provisional, conditional.")],
    reason: Reason = None,
    by: By = None,
) -> None:
    """Answer a partner's request or offer."""
    _step(exchange, {"step": "response", "answer": answer, "reason": reason}, by or _me())


@app.command("commit")
def commit(
    exchange: Exchange,
    quantity: Annotated[list[str], typer.Option(help="ITEM:QUANTITY, e.g. 1:30000; repeat.")],
    reason: Reason = None,
    by: By = None,
) -> None:
    """Commit quantities of the items (never past what was asked or offered)."""
    pairs = [q.split(":", 1) for q in quantity]
    if any(len(p) != 2 or not (p[0].isdigit() and p[1].isdigit()) for p in pairs):
        with user_errors():
            raise InvalidInput.on("quantity", "ITEM:QUANTITY, e.g. 1:30000")
    quantities = [{"item": int(i), "quantity": int(q)} for i, q in pairs]
    _step(exchange, {"step": "commit", "quantities": quantities, "reason": reason}, by or _me())


def _plain(name: str, help_text: str) -> None:
    def command(exchange: Exchange, reason: Reason = None, by: By = None) -> None:
        _step(exchange, {"step": name, "reason": reason}, by or _me())

    command.__doc__ = help_text
    app.command({"delivery": "deliver", "withdrawal": "withdraw"}.get(name, name))(command)


_plain("delivery", "Record that the goods or staff arrived (this city's own record).")
_plain("release", "Release the resources: the exchange is over (told to the partner).")
_plain("return", "Ask the partner to return the resources this city provided.")
_plain("withdrawal", "Take back this city's request or offer (told to the partner).")
